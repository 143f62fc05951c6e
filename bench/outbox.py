"""Benchmark of the booth's hub link: outbox saving and delivery, and reconnecting.

Figures (written to bench/results/outbox.json):

- ``save_small_per_s`` / ``save_photo_per_s``: writes committed to the encrypted outbox
  per second (fsync'd, WAL) for a form-sized body and a 200 KB document photo; the
  ratio against plain unencrypted SQLite inserts of the same rows in the same run says
  what encryption and the outbox's bookkeeping cost.
- ``deliver_per_s``: writes delivered to the real hub on 127.0.0.1 (materials of one case).
- ``reconnect_s``: from a restarted hub answering its health check to the booth's
  control channel being online again (minimum backoff 0.5 s), median of 3.

Targets: saving a form write well under 10 ms (the citizen never waits on the outbox);
reconnect within one minimum backoff plus the handshake after the hub is back.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.backend.backoff import Backoff  # noqa: E402
from kiosk.backend.channel import BoothChannel, ConnectionState  # noqa: E402
from kiosk.backend.client import HubClient  # noqa: E402
from kiosk.backend.keystore import FileKeyStore  # noqa: E402
from kiosk.backend.outbox import Outbox  # noqa: E402
from kiosk.core.clock import SystemClock  # noqa: E402

SMALL = {"fields": {"amount": 150000, "account": "6222020200001234567", "reason": "购房"}}
PHOTO = {"code": "id_card", "image_base64": "A" * 200_000}


def bench_save(directory: Path, body: dict[str, Any], count: int) -> tuple[float, float]:
    outbox = Outbox(directory / "outbox", FileKeyStore(directory / "keys"), SystemClock())
    start = time.perf_counter()
    for n in range(count):
        outbox.enqueue(f"case-{n % 4}", "POST", "/cases/{case}/materials", body)
    encrypted = count / (time.perf_counter() - start)
    outbox.close()

    plain = sqlite3.connect(directory / "plain.sqlite3", isolation_level=None)
    plain.execute("PRAGMA journal_mode=WAL")
    plain.execute("PRAGMA synchronous=FULL")
    plain.execute("CREATE TABLE IF NOT EXISTS t (seq INTEGER PRIMARY KEY, case_id, body)")
    text = json.dumps(body)
    start = time.perf_counter()
    for n in range(count):
        plain.execute("INSERT INTO t (case_id, body) VALUES (?, ?)", (f"case-{n % 4}", text))
    baseline = count / (time.perf_counter() - start)
    plain.close()
    return encrypted, baseline


async def bench_hub(directory: Path) -> dict[str, float]:
    from kiosk.core.catalog import load_catalog
    from tests.backend.real_hub import RealHub

    hub = await RealHub(directory, load_catalog()).astart()
    token = hub.booth_token("bench-booth")
    results: dict[str, float] = {}
    try:
        outbox = Outbox(directory / "booth", FileKeyStore(directory / "booth-keys"), SystemClock())
        outbox.enqueue("c", "POST", "/cases", {"service": "hpf-withdrawal-rent"}, opens_case=True)
        count = 200
        for n in range(count):
            outbox.enqueue("c", "POST", "/cases/{case}/materials", {"code": f"m{n}"})
        async with HubClient(hub.url, token) as client:
            start = time.perf_counter()
            await outbox.deliver_pending(client)
            results["deliver_per_s"] = (count + 1) / (time.perf_counter() - start)
        outbox.close()

        channel = BoothChannel(
            f"ws://127.0.0.1:{hub.port}/ws/booth", token, SystemClock(), backoff=Backoff(0.5, 30)
        )
        channel.start()
        await channel.wait_for(ConnectionState.ONLINE)
        times = []
        for _ in range(3):
            await hub.astop()
            await channel.wait_for(ConnectionState.OFFLINE)
            await hub.astart()
            back = time.perf_counter()
            await channel.wait_for(ConnectionState.ONLINE)
            times.append(time.perf_counter() - back)
        results["reconnect_s"] = statistics.median(times)
        await channel.stop()
    finally:
        await hub.astop()
    return results


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        small, small_plain = bench_save(directory / "small", SMALL, 500)
        photo, photo_plain = bench_save(directory / "photo", PHOTO, 50)
        hub = asyncio.run(bench_hub(directory / "hub"))
    results = {
        "save_small_per_s": round(small, 1),
        "save_small_ms": round(1000 / small, 2),
        "save_small_vs_plain_sqlite": round(small / small_plain, 2),
        "save_photo_per_s": round(photo, 1),
        "save_photo_vs_plain_sqlite": round(photo / photo_plain, 2),
        "deliver_per_s": round(hub["deliver_per_s"], 1),
        "reconnect_s": round(hub["reconnect_s"], 2),
        "cpu_count": os.cpu_count(),
    }
    for name, value in results.items():
        print(f"{name:28} {value}")
    out = ROOT / "bench" / "results" / "outbox.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
