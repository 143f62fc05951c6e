"""Device figures: protocol parsing speed and request round trips over a pty.

Prints the figures and writes ``bench/results/devices.json``. Round trips run against
the emulators of ``kiosk/devices`` on a pseudo-terminal (no baud-rate delay, so they
measure our software, not the line); on a real 19200-baud RS-485 line a Kerong state
query adds ~5 ms of transmission time.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.devices.door.emulator import RelayModel  # noqa: E402
from kiosk.devices.door.protocol import (  # noqa: E402
    CoilWritten,
    ModbusMaster,
    ModbusSlave,
    WriteCoil,
)
from kiosk.devices.door.relay import RelayBoard  # noqa: E402
from kiosk.devices.idcard.emulator import DEMO_CARD, IdCardModel  # noqa: E402
from kiosk.devices.idcard.protocol import (  # noqa: E402
    SamCard,
    SamMaster,
    SamReplied,
    encode_basic,
    encode_text,
)
from kiosk.devices.idcard.reader import IdCardReader  # noqa: E402
from kiosk.devices.locker.board import LockerBus  # noqa: E402
from kiosk.devices.locker.emulator import LockerModel  # noqa: E402
from kiosk.devices.locker.profiles import PROFILES  # noqa: E402
from kiosk.devices.locker.protocol import (  # noqa: E402
    KerongBoard,
    KerongMaster,
    StateReported,
)
from kiosk.devices.pty_emulator import PtyEmulator  # noqa: E402


def frames_per_second(parser_factory, frame: bytes, n: int = 20000) -> float:  # type: ignore[no-untyped-def]
    parser = parser_factory()
    data = frame * n
    start = time.perf_counter()
    parser.receive_data(data)
    count = 0
    while type(parser.next_event()).__name__ != "_NeedData":
        count += 1
    elapsed = time.perf_counter() - start
    assert count == n
    return n / elapsed


async def round_trips(n: int = 200) -> dict[str, float]:
    results: dict[str, float] = {}
    for name in ("kerong-cu16", "generic-8a-24"):
        async with PtyEmulator(LockerModel(PROFILES[name])) as emulator:
            bus = await LockerBus.open(emulator.path, PROFILES[name])
            times = []
            for _ in range(n if name == "kerong-cu16" else n // 4):
                start = time.perf_counter()
                await bus.read_board(bus.profile.boards[0])
                times.append(time.perf_counter() - start)
            await bus.close()
            results[f"locker_state_ms_median[{name}]"] = statistics.median(times) * 1000
            results[f"locker_state_ms_p95[{name}]"] = sorted(times)[int(len(times) * 0.95)] * 1000
    async with PtyEmulator(RelayModel()) as emulator:
        relay = await RelayBoard.open(emulator.path)
        times = []
        for i in range(n):
            start = time.perf_counter()
            await relay.write(WriteCoil(1, 0, bool(i % 2)))
            times.append(time.perf_counter() - start)
        await relay.close()
        results["relay_write_ms_median"] = statistics.median(times) * 1000
    model = IdCardModel()
    model.place()
    async with PtyEmulator(model) as emulator:
        reader = await IdCardReader.open(emulator.path)
        times = []
        for _ in range(n // 4):
            start = time.perf_counter()
            await reader.read_card()
            times.append(time.perf_counter() - start)
        await reader.close()
        results["idcard_read_ms_median"] = statistics.median(times) * 1000
    return results


def main() -> None:
    state = KerongBoard().send(StateReported(0, b"\xff\xff", b"\x00\x00"))
    echo = ModbusSlave().send(CoilWritten(1, 0, 0xFF00))
    card = SamCard().send(SamReplied(0, 0, 0x90, encode_basic(encode_text(DEMO_CARD), bytes(1024))))
    figures: dict[str, float] = {
        "kerong_state_frames_per_s": frames_per_second(KerongMaster, state),
        "modbus_echo_frames_per_s": frames_per_second(ModbusMaster, echo),
        "sam_card_frames_per_s": frames_per_second(SamMaster, card, n=2000),
    }
    figures |= asyncio.run(round_trips())
    for key, value in figures.items():
        print(f"{key:45s} {value:12.2f}")
    out = ROOT / "bench" / "results" / "devices.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({k: round(v, 3) for k, v in figures.items()}, indent=1) + "\n")


if __name__ == "__main__":
    main()
