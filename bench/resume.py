"""Recovery benchmarks: what resuming a session costs the booth.

Run from the repository root: ``python bench/resume.py`` (a few seconds). Writes
``bench/results/resume.json``. Figures (median and 90th percentile):

- ``presence_read_ms``: one read of the door contact and occupancy sensor (Modbus 02)
  over a pty from the emulated relay board, as recovery does once at start-up;
- ``save_point_ms``: one save point of a form-step workflow (JSON, AES-GCM, written and
  fsynced in a durable vault), as the runner does after every event;
- ``reopen_ms``: unsealing the vault key from the journal, reopening the vault and
  reading the save point back, as a restarted booth does before showing her step.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.backend.keystore import FileKeyStore  # noqa: E402
from kiosk.backend.recovery import SessionJournal  # noqa: E402
from kiosk.booth.resume import SAVE_POINT, SavePoint, resumable_session  # noqa: E402
from kiosk.core.catalog import load_catalog  # noqa: E402
from kiosk.core.clock import SystemClock  # noqa: E402
from kiosk.devices.door.emulator import RelayModel  # noqa: E402
from kiosk.devices.door.presence import BoothPresence, PresenceInputs  # noqa: E402
from kiosk.devices.door.relay import RelayBoard  # noqa: E402
from kiosk.devices.pty_emulator import PtyEmulator  # noqa: E402
from kiosk.flows.messages import IdentityVerified, Started  # noqa: E402
from kiosk.flows.workflow import Workflow  # noqa: E402
from kiosk.privacy.vault import SessionVault  # noqa: E402

RUNS = 50


def figures(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median": round(statistics.median(ordered) * 1000, 2),
        "p90": round(ordered[int(len(ordered) * 0.9) - 1] * 1000, 2),
    }


async def presence_reads() -> list[float]:
    model = RelayModel(address=1, inputs=8)
    model.set_input(0, True)
    model.set_input(1, True)
    async with PtyEmulator(model) as emulator:
        relay = await RelayBoard.open(emulator.path)
        presence = BoothPresence(relay, PresenceInputs(door_contact=0, occupancy=1))
        samples = []
        for _ in range(RUNS):
            start = time.perf_counter()
            assert await presence.citizen_present() is True
            samples.append(time.perf_counter() - start)
        await relay.close()
    return samples


def save_points(root: Path) -> tuple[list[float], list[float]]:
    service = load_catalog().service("hpf-withdrawal-purchase")
    workflow = Workflow(service, "case-1")
    workflow.handle(Started())
    workflow.handle(IdentityVerified("reader", "张三", "11010519491231002X"))
    journal = SessionJournal(root, SystemClock(), FileKeyStore(root / "keys"))
    vault = SessionVault(root=root / "sessions", durable=True)
    journal.begin(vault.session_id)
    journal.keep_vault_key(vault.session_id, vault.durable_key() or b"")
    saves, reopens = [], []
    for i in range(RUNS):
        point = SavePoint(service.code, "case-1", workflow.snapshot(), reported=(0,), language="en")
        start = time.perf_counter()
        vault.put(SAVE_POINT, point.to_bytes())
        saves.append(time.perf_counter() - start)
        start = time.perf_counter()
        resumed = resumable_session(journal, root / "sessions", vault.session_id)
        reopens.append(time.perf_counter() - start)
        assert resumed.point == point, i
    vault.wipe()
    journal.close()
    return saves, reopens


def main() -> None:
    reads = asyncio.run(presence_reads())
    with tempfile.TemporaryDirectory() as tmp:
        saves, reopens = save_points(Path(tmp))
    result = {
        "presence_read_ms": figures(reads),
        "save_point_ms": figures(saves),
        "reopen_ms": figures(reopens),
        "runs": RUNS,
    }
    out = ROOT / "bench" / "results" / "resume.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
