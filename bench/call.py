"""Call benchmarks: setup time, CPU per outgoing 640x480 stream, memory over 200 calls.

Run from the repository root: ``python bench/call.py`` (about two minutes). Writes
``bench/results/call.json``. Figures:

- ``setup``: offer to connected and to the first decoded frame, booth and a Python clerk
  in one process over loopback (median and 90th percentile of 20 calls); and the offer
  time with an unreachable STUN server, with the booth's gathering bound and without.
- ``cpu``: the booth process's CPU (percent of one core) while it sends to a clerk
  running in another process: video gate closed (audio only, the baseline), then one
  640x480 synthetic stream at 15 and at 30 fps; per stream = minus the baseline.
- ``memory``: resident set size after 10 warm-up calls and after 200 more call
  open/close cycles of a BoothCall with a Python clerk (target: growth < 20 MB), each
  measured after ``gc.collect()`` and ``malloc_trim`` so it shows memory in use.
"""

from __future__ import annotations

import asyncio
import gc
import json
import multiprocessing
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.call.cancelling import cancel_and_wait  # noqa: E402
from kiosk.call.ice import bound_gathering, rtc_configuration  # noqa: E402
from kiosk.call.peer import LinkState, LocalMedia, PeerLink  # noqa: E402
from kiosk.call.signaling import (  # noqa: E402
    QueueSignaling,
    SignalMessage,
    crossed_signaling,
)
from kiosk.call.sources import SyntheticPattern, ToneSource  # noqa: E402
from kiosk.call.tracks import Gate  # noqa: E402
from kiosk.config import CallConfig  # noqa: E402
from kiosk.core.clock import SystemClock  # noqa: E402

CONFIG = CallConfig()
WINDOW_S = 8.0


class Quiet:
    def link_state_changed(self, link: PeerLink, state: LinkState) -> None: ...

    def link_media_changed(self, link: PeerLink) -> None: ...

    def link_quality_changed(self, link: PeerLink, audio_only: bool) -> None: ...


def media(label: str, document: str | None, video: bool, fps: float = 15.0) -> LocalMedia:
    clock = SystemClock()
    face = SyntheticPattern(label, clock)
    face.start()
    doc = None
    if document:
        doc = SyntheticPattern(document, clock)
        doc.start()
    tone = ToneSource()
    tone.start()
    return LocalMedia(face, doc, tone, Gate(is_open=video), fps)


def link(
    name: str,
    peer: str,
    port: QueueSignaling,
    local: LocalMedia,
    recover: bool,
    config: CallConfig = CONFIG,
) -> PeerLink:
    return PeerLink(
        peer,
        call_id="bench",
        local_id=name,
        media=local,
        signaling=port,
        config=config,
        clock=SystemClock(),
        listener=Quiet(),
        recover=recover,
    )


async def pump(port: QueueSignaling, target: PeerLink) -> None:
    async for message in port.received():
        await target.handle(message)


async def until(predicate: Any, within: float = 10.0) -> None:
    deadline = time.monotonic() + within
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError
        await asyncio.sleep(0.005)


async def one_call(frames: bool) -> tuple[float, float | None]:
    a, b = crossed_signaling()
    booth = link("booth", "clerk", a, media("FACE", "DOC", True), recover=True)
    clerk = link("clerk", "booth", b, media("CLERK", None, True), recover=False)
    pumps = [asyncio.ensure_future(pump(a, booth)), asyncio.ensure_future(pump(b, clerk))]
    start = time.monotonic()
    first_frame = None
    try:
        await booth.start()
        await until(lambda: booth.state == "connected")
        connected = time.monotonic() - start
        if frames:
            await until(lambda: clerk.video_sinks and clerk.video_sinks[0].frames > 0, 60.0)
            first_frame = time.monotonic() - start
    finally:
        await booth.close()
        await clerk.close(send_bye=False)
        for task in pumps:
            task.cancel()
    return connected, first_frame


async def offer_time(stun: str, bounded: bool) -> float:
    from aiortc import RTCPeerConnection

    config = CallConfig(stun_urls=(stun,))
    pc = RTCPeerConnection(rtc_configuration(config))
    pc.createDataChannel("heartbeat")
    if bounded:
        bound_gathering(pc, config.gather_timeout_s)
    start = time.monotonic()
    await pc.setLocalDescription(await pc.createOffer())
    elapsed = time.monotonic() - start
    await pc.close()
    return elapsed


async def bench_setup() -> dict[str, Any]:
    connected, first = [], []
    for _ in range(20):
        c, f = await one_call(frames=True)
        connected.append(c)
        if f is not None:
            first.append(f)
    q = statistics.quantiles
    return {
        "offer_to_connected_s": {
            "median": round(statistics.median(connected), 3),
            "p90": round(q(connected, n=10)[-1], 3),
        },
        "offer_to_first_frame_s": {
            "median": round(statistics.median(first), 3),
            "p90": round(q(first, n=10)[-1], 3),
        },
        "unreachable_stun_offer_s": {
            "bounded": round(await offer_time("stun:127.0.0.1:9", True), 2),
            "aioice_default": round(await offer_time("stun:127.0.0.1:9", False), 2),
            "gather_timeout_s": CONFIG.gather_timeout_s,
        },
    }


# -- CPU: the clerk runs in another process so the booth's figure is its own -------------


def clerk_process(conn: Any) -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()

        async def outbox(message: SignalMessage) -> None:
            conn.send(message.to_data())

        port = QueueSignaling(outbox)
        clerk = link("clerk", "booth", port, media("CLERK", None, video=False), recover=False)

        async def reader() -> None:
            while True:
                data = await loop.run_in_executor(None, conn.recv)
                if data is None:
                    port.close()
                    return
                port.deliver(SignalMessage.from_data(data))

        task = asyncio.ensure_future(reader())
        async for message in port.received():
            await clerk.handle(message)
        task.cancel()
        await clerk.close(send_bye=False)

    asyncio.run(main())


async def cpu_run(video: bool, fps: float) -> float:
    parent, child = multiprocessing.get_context("spawn").Pipe()
    process = multiprocessing.get_context("spawn").Process(target=clerk_process, args=(child,))
    process.start()
    loop = asyncio.get_running_loop()

    async def outbox(message: SignalMessage) -> None:
        parent.send(message.to_data())

    port = QueueSignaling(outbox)
    booth = link("booth", "clerk", port, media("FACE", None, video, fps), recover=False)

    async def reader() -> None:
        while True:
            data = await loop.run_in_executor(None, parent.recv)
            port.deliver(SignalMessage.from_data(data))

    tasks = [asyncio.ensure_future(reader()), asyncio.ensure_future(pump(port, booth))]
    try:
        await booth.start()
        await until(lambda: booth.state == "connected", 20)
        await asyncio.sleep(2.0)  # let the encoder settle
        cpu0, wall0 = time.process_time(), time.monotonic()
        await asyncio.sleep(WINDOW_S)
        cpu = (time.process_time() - cpu0) / (time.monotonic() - wall0) * 100
    finally:
        await booth.close(send_bye=False)
        parent.send(None)
        for task in tasks:
            task.cancel()
        process.join(10)
    return round(cpu, 1)


async def bench_cpu() -> dict[str, Any]:
    baseline = await cpu_run(video=False, fps=15)
    at15 = await cpu_run(video=True, fps=15)
    at30 = await cpu_run(video=True, fps=30)
    return {
        "unit": "percent of one core, booth process",
        "audio_only_baseline": baseline,
        "one_stream_15fps": at15,
        "one_stream_30fps": at30,
        "per_stream_15fps": round(at15 - baseline, 1),
        "per_stream_30fps": round(at30 - baseline, 1),
        "window_s": WINDOW_S,
    }


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class NoHub:
    async def request_call(self, call_id: str, department: str, service: str) -> None:
        return None


async def booth_call_cycle() -> None:
    """One call as on a booth: BoothCall offers to a Python clerk, media flows, hang up."""
    from kiosk.call.booth_call import BoothCall
    from kiosk.call.session import Participant

    clock = SystemClock()
    ports: dict[str, QueueSignaling] = {}

    def outbox(message: SignalMessage) -> Any:
        async def send() -> None:
            ports[message.recipient].deliver(message)

        return send()

    ports["booth"] = QueueSignaling(outbox)
    ports["clerk"] = QueueSignaling(outbox)
    call = BoothCall(
        CONFIG,
        booth_id="booth",
        signaling=ports["booth"],
        hub=NoHub(),
        face=SyntheticPattern("FACE", clock),
        document=SyntheticPattern("DOC", clock),
        microphone=ToneSource(),
        clock=clock,
        call_id="bench",
    )
    clerk = link("clerk", "booth", ports["clerk"], media("CLERK", None, True), recover=False)
    runner = asyncio.ensure_future(call.run())
    clerk_pump = asyncio.ensure_future(pump(ports["clerk"], clerk))
    try:
        call.give_consent()
        call.clerk_joined(Participant("clerk"))
        await until(lambda: clerk.video_sinks and clerk.video_sinks[0].frames > 0, 60.0)
        await call.hang_up()
        await runner
    finally:
        await cancel_and_wait(clerk_pump)  # a bare cancel() may be swallowed: a leak
        await clerk.close(send_bye=False)
        await cancel_and_wait(runner)


async def bench_memory(cycles: int = 200) -> dict[str, Any]:
    from kiosk.call.heap import release_freed_memory

    for _ in range(10):
        await booth_call_cycle()
    gc.collect()
    release_freed_memory()
    before = rss_mb()
    start = time.monotonic()
    curve = []
    # XIAOWU_BENCH_TRACEMALLOC=1: Python allocations that grew between cycles 50 and 200
    trace = os.environ.get("XIAOWU_BENCH_TRACEMALLOC") == "1"
    snapshot: Any = None
    grown: list[str] = []
    for cycle in range(1, cycles + 1):
        await booth_call_cycle()
        if cycle % 25 == 0:
            gc.collect()
            release_freed_memory()  # measured like the baseline (the clerk is in-process here)
            curve.append(round(rss_mb() - before, 1))
        if trace and cycle == 50:
            tracemalloc.start(10)
            snapshot = tracemalloc.take_snapshot()
    if snapshot is not None:
        gc.collect()
        diff = tracemalloc.take_snapshot().compare_to(snapshot, "traceback")
        grown = [
            f"{d.size_diff / 1024:+.1f} KiB {d.count_diff:+d} {d.traceback[-1]}" for d in diff[:12]
        ]
        print("\n".join(grown))
        tracemalloc.stop()
    gc.collect()
    release_freed_memory()
    after = rss_mb()
    return {
        "cycles": cycles,
        "rss_before_mb": round(before, 1),
        "rss_after_mb": round(after, 1),
        "growth_mb": round(after - before, 1),
        "growth_every_25_cycles_mb": curve,
        "note": "RSS after gc and malloc_trim, at the baseline and every sample; "
        "BoothCall.close() trims after each call on a booth too (kiosk.call.heap)",
        "target_growth_mb": 20,
        "seconds": round(time.monotonic() - start, 1),
        **({"python_growth_50_to_200": grown} if grown else {}),
    }


async def measure(results: dict[str, Any], only: str) -> None:
    for name, run in (("setup", bench_setup), ("cpu", bench_cpu), ("memory", bench_memory)):
        if only and name != only:
            continue
        results[name] = await run()
        print(name, json.dumps(results[name], indent=2))


def main(only: str = "") -> None:
    out = ROOT / "bench" / "results" / "call.json"
    results: dict[str, Any] = json.loads(out.read_text()) if only and out.exists() else {}
    asyncio.run(measure(results, only))
    results["load_average_at_end"] = Path("/proc/loadavg").read_text().split()[:3]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    # python bench/call.py [setup|cpu|memory]: one part only, the others kept from the file
    main(sys.argv[1] if len(sys.argv) > 1 else "")
