"""Soak: many simulated citizen sessions in one booth process; memory growth after warm-up.

Each session does what a booth does for a citizen, with the real parts:

- a :class:`~kiosk.privacy.vault.SessionVault`: the captured image, OCR fields and form
  written encrypted, read back, and wiped at the end;
- OCR (tesseract through :mod:`kiosk.ocr`) of a generated ID card's name and number;
- the digital clerk's text dialogue (:class:`~kiosk.speech.withdrawal_dialogue.WithdrawalDialogue`);
- a video call opened and closed: the booth's camera and microphone tracks
  (:mod:`kiosk.call.tracks`) over aiortc to a second peer on loopback, until the first
  frame arrives;
- a locker deposit and a courier pickup on the locker emulator (pty) through the
  :class:`~kiosk.devices.locker.bank.LockerBank`.

The resident set size is sampled after every session, as the booth's
:class:`~kiosk.ops.restart_policy.RestartPolicy` does: after handing the C allocator's
free pages back (``malloc_trim``; the figure before that is reported too, as
``..._untrimmed``). The first ``--warmup`` sessions
load models and fill caches; growth is the least-squares slope of RSS over the sessions
after them, given per 100 sessions (target: < 20 MB). The :class:`RestartPolicy` is fed
the same session ends, so the run also shows whether the booth would have restarted.

    python bench/soak.py                  # 120 sessions (20 warm-up), a few minutes
    python bench/soak.py --sessions 220 --malloc-arenas 0   # glibc's own arenas, to compare
    python bench/soak.py --sessions 2000  # a long run
    python bench/soak.py --sessions 300 --snapshots 100,300   # what grows (tracemalloc)

With ``--snapshots A,B`` Python's allocations are traced (tracemalloc, 10 frames) and
the biggest differences between the snapshots after sessions A and B are printed and
kept in the results (``tracemalloc_growth``): a Python-level leak shows there by file and
line. Tracing slows the run and adds its own memory, so the RSS figures of such a run
are not the benchmark's.

Writes bench/results/soak.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # tesseract on 2 cores (docs/operations.md)

TARGET_MB_PER_100 = 20.0
UTTERANCES = (
    "我刚买了房子，想提取公积金",
    "提两万三吧",
    "卡号是六二二二 零二一二 三四五六 七八九零 一二三",
    "都带齐了",
    "对，没问题",
)


def rss_mb() -> float:
    from kiosk.ops.health import process_rss_bytes

    return (process_rss_bytes() or 0) / (1 << 20)


def snapshot() -> Any:
    import gc
    import tracemalloc

    gc.collect()
    return tracemalloc.take_snapshot().filter_traces(
        (tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, "<frozen*>"))
    )


def growth_between(before: Any, after: Any, top: int = 15) -> list[dict[str, Any]]:
    """The allocation sites that grew most from ``before`` to ``after``."""
    stats = after.compare_to(before, "traceback")
    out = []
    for stat in stats[:top]:
        frames = [f"{f.filename.replace(str(ROOT) + '/', '')}:{f.lineno}" for f in stat.traceback]
        out.append(
            {
                "kib": round(stat.size_diff / 1024, 1),
                "blocks": stat.count_diff,
                "where": frames[-6:],
            }
        )
    return out


def slope_per_100(samples: list[tuple[int, float]]) -> float:
    """Least-squares slope of RSS (MB) over session number, per 100 sessions."""
    n = len(samples)
    if n < 2:
        return 0.0
    mean_x = sum(x for x, _ in samples) / n
    mean_y = sum(y for _, y in samples) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in samples)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in samples)
    return 100.0 * sxy / sxx if sxx else 0.0


class Rig:
    """What lives for the whole process: the OCR engine, catalog, locker emulator and bank."""

    async def start(self, tmp: Path) -> Rig:
        from kiosk.core.catalog import load_catalog
        from kiosk.core.clock import SystemClock
        from kiosk.devices.locker.bank import LockerBank, LockerTimings
        from kiosk.devices.locker.board import LockerBus
        from kiosk.devices.locker.emulator import LockerModel
        from kiosk.devices.locker.profiles import PROFILES
        from kiosk.devices.locker.store import SlotStore
        from kiosk.devices.pty_emulator import PtyEmulator
        from kiosk.ocr.engines import make_engine
        from kiosk.ocr.synth import render_document

        self.tmp = tmp
        self.clock = SystemClock()
        self.catalog = load_catalog()
        self.engine = make_engine("tesseract")
        self.documents = [render_document("id_card", seed) for seed in range(4)]
        profile = PROFILES["kerong-cu16"]
        self.locker_model = LockerModel(profile)
        self.locker_model.auto_close_s = 0.05  # the citizen (or courier) is quick
        self.emulator = PtyEmulator(self.locker_model)
        self.bus = await LockerBus.open(await self.emulator.start(), profile, timeout_s=0.3)
        timings = LockerTimings(
            open_timeout_s=2.0, left_open_alert_s=30, close_timeout_s=30, poll_s=0.02
        )

        class NoAlerts:
            async def alert(self, alert: Any) -> None:
                raise RuntimeError(f"unexpected locker alert {alert.kind}")

        self.bank = LockerBank(
            self.bus, SlotStore(tmp / "slots.json"), NoAlerts(), self.clock, timings
        )
        return self

    async def close(self) -> None:
        await self.bus.close()
        self.emulator.close()


async def vault_phase(rig: Rig, index: int, photo: Any) -> Any:
    from kiosk.capture.encoding import encode_jpeg
    from kiosk.privacy.vault import SessionVault

    vault = SessionVault(root=rig.tmp / "sessions", session_id=f"s{index}")
    vault.put("id_card.jpg", encode_jpeg(photo))
    vault.put("form.json", json.dumps({"amount": "23000", "n": index}).encode())
    assert vault.get("form.json")
    return vault


async def ocr_phase(rig: Rig, vault: Any, document: Any) -> None:
    """The name and ID number strips of the card, read in one tesseract call (as the
    ID-card reader does); a whole-page read costs 2-7 s here and would make the soak
    an OCR benchmark."""
    crops = []
    for field in ("name", "id_number"):
        x0, y0, x1, y1 = (int(v) for v in document.regions[field])
        crops.append(document.page[y0:y1, x0:x1])
    lines = await asyncio.to_thread(rig.engine.read_strip, crops)
    vault.put("ocr.json", json.dumps([line.text for line in lines], ensure_ascii=False).encode())


def dialogue_phase(rig: Rig, vault: Any) -> None:
    from kiosk.speech.withdrawal_dialogue import WithdrawalDialogue

    dialogue = WithdrawalDialogue(rig.catalog)
    dialogue.start()
    for utterance in UTTERANCES:
        dialogue.handle(utterance)
    vault.put("draft.json", json.dumps(dialogue.draft.to_json(), ensure_ascii=False).encode())


async def call_phase(rig: Rig) -> None:
    from aiortc import RTCBundlePolicy, RTCConfiguration, RTCPeerConnection

    from kiosk.call.sources import SyntheticPattern, ToneSource
    from kiosk.call.tracks import CameraTrack, Gate, MicrophoneTrack

    config = RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)
    booth, clerk = RTCPeerConnection(config), RTCPeerConnection(config)
    camera, tone = SyntheticPattern("face", rig.clock), ToneSource()
    camera.start()
    tone.start()
    booth.addTrack(MicrophoneTrack(tone, rig.clock))
    booth.addTrack(CameraTrack(camera, Gate(True), rig.clock))
    first_frame: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    pulls: list[asyncio.Task[None]] = []

    @clerk.on("track")
    def on_track(track: Any) -> None:
        if track.kind != "video":
            return

        async def pull() -> None:
            await track.recv()
            if not first_frame.done():
                first_frame.set_result(None)

        pulls.append(asyncio.ensure_future(pull()))

    try:
        await booth.setLocalDescription(await booth.createOffer())
        await clerk.setRemoteDescription(booth.localDescription)
        await clerk.setLocalDescription(await clerk.createAnswer())
        await booth.setRemoteDescription(clerk.localDescription)
        await asyncio.wait_for(first_frame, 15)
    finally:
        await booth.close()
        await clerk.close()
        for task in pulls:
            task.cancel()
        camera.stop()
        tone.stop()


async def locker_phase(rig: Rig, index: int) -> None:
    case_id = f"case-{index}"
    deposit = await rig.bank.deposit(case_id, "M")
    assert deposit.confirmed, deposit
    code = f"P{index}"
    rig.bank.authorize_pickup(code, (case_id,))
    (pickup,) = await rig.bank.courier_pickup(code)
    assert pickup.emptied, pickup


async def run(sessions: int, warmup: int, snapshots: tuple[int, ...] = ()) -> dict[str, Any]:
    from kiosk.core.clock import SystemClock
    from kiosk.ops.restart_policy import RestartPolicy

    restarts: list[str] = []
    policy = RestartPolicy(SystemClock(), restart=restarts.append, warmup_sessions=warmup)
    phases = {"vault": 0.0, "ocr": 0.0, "dialogue": 0.0, "call": 0.0, "locker": 0.0}
    samples: list[tuple[int, float]] = []
    raw: list[tuple[int, float]] = []
    start_rss = rss_mb()
    taken: dict[int, Any] = {}
    if snapshots:
        import tracemalloc

        tracemalloc.start(10)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="xiaowu-soak-") as tmp:
        rig = await Rig().start(Path(tmp))
        try:
            for i in range(1, sessions + 1):
                policy.session_started()
                document = rig.documents[i % len(rig.documents)]
                t0 = time.perf_counter()
                vault = await vault_phase(rig, i, document.page)
                t1 = time.perf_counter()
                await ocr_phase(rig, vault, document)
                t2 = time.perf_counter()
                dialogue_phase(rig, vault)
                t3 = time.perf_counter()
                await call_phase(rig)
                t4 = time.perf_counter()
                await locker_phase(rig, i)
                t5 = time.perf_counter()
                vault.wipe()
                for name, seconds in zip(
                    phases, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4), strict=True
                ):
                    phases[name] += seconds
                raw.append((i, rss_mb()))  # before the policy trims the C heap
                policy.session_ended()
                samples.append((i, rss_mb()))
                if i in snapshots:
                    taken[i] = snapshot()
                if i % 25 == 0 or i == sessions:
                    print(f"session {i:5d}: rss {samples[-1][1]:7.1f} MB", flush=True)
        finally:
            await rig.close()
    after = [s for s in samples if s[0] > warmup]
    growth = slope_per_100(after)
    warm_rss = samples[warmup - 1][1] if len(samples) >= warmup else None
    result = {
        "sessions": sessions,
        "warmup_sessions": warmup,
        "seconds": round(time.monotonic() - started, 1),
        "rss_start_mb": round(start_rss, 1),
        "rss_after_warmup_mb": None if warm_rss is None else round(warm_rss, 1),
        "rss_end_mb": round(samples[-1][1], 1),
        "rss_max_mb": round(max(y for _, y in samples), 1),
        "growth_after_warmup_mb": None if warm_rss is None else round(samples[-1][1] - warm_rss, 1),
        "growth_mb_per_100_sessions": round(growth, 2),
        "growth_mb_per_100_sessions_untrimmed": round(
            slope_per_100([s for s in raw if s[0] > warmup]), 2
        ),
        "target_mb_per_100_sessions": TARGET_MB_PER_100,
        "meets_target": growth < TARGET_MB_PER_100,
        "mean_phase_s": {k: round(v / sessions, 3) for k, v in phases.items()},
        "restart_policy": {
            "growth_limit_mb": policy.growth_limit_bytes >> 20,
            "would_restart": bool(restarts),
            "reasons": restarts,
        },
        "load_average": list(os.getloadavg()),
        "rss_samples_mb": [[x, round(y, 1)] for x, y in samples[:: max(1, sessions // 100)]],
    }
    if len(taken) >= 2:
        first, last = min(taken), max(taken)
        result["tracemalloc_growth"] = {
            "between_sessions": [first, last],
            "top": growth_between(taken[first], taken[last]),
        }
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=120, help="sessions to run (default 120)")
    parser.add_argument("--warmup", type=int, default=20, help="sessions before the baseline")
    parser.add_argument(
        "--malloc-arenas",
        type=int,
        default=2,
        help="cap glibc's malloc arenas as the booth does ([ops] malloc_arenas; 0: glibc's)",
    )
    parser.add_argument(
        "--snapshots", default="", help="trace Python allocations; compare after sessions A,B"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "soak.json")
    args = parser.parse_args()
    if args.sessions <= args.warmup + 1:
        parser.error("--sessions must exceed --warmup by at least 2")
    import logging

    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("kiosk").setLevel(logging.ERROR)  # one line per locker move otherwise
    from kiosk.ops.restart_policy import limit_malloc_arenas

    arenas_capped = limit_malloc_arenas(args.malloc_arenas)
    snapshots = tuple(int(n) for n in args.snapshots.split(",") if n.strip())
    result = asyncio.run(run(args.sessions, args.warmup, snapshots))
    result["malloc_arenas"] = args.malloc_arenas if arenas_capped else "glibc default"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    summary = {k: v for k, v in result.items() if k != "rss_samples_mb"}
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
