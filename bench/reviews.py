"""Benchmark of a burst of self-service reviews: many booths report their review at the
same moment and the hub's rules decide each, rendering a signed receipt inside the
transaction that approves it.

    PYTHONPATH=. python bench/reviews.py [--booths 24] [--db URL]

Writes bench/results/reviews.json: per review the time to its decision (p50/p99/max),
how many were approved, failed or refused, and the burst's reviews per second; and the
hub's event loop while it decides (``/api/v1/health`` asked every 50 ms): its latency
before the burst (the baseline, same run) and during it, as a ratio. A loop that stalls
(a transaction waiting for a lock on the loop itself, as approvals once did for the
30-second SQLite busy timeout) shows as a health latency of seconds and failed reviews.
The hub runs as its own process (``python -m kiosk hub``) on SQLite by default.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.hub import seed, start_hub  # noqa: E402
from tests.backend.test_review_decision import story_b_form  # noqa: E402

SERVICE = "hpf-withdrawal-purchase"
ID_NUMBER = "11010519491231002X"


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def submitted(http: httpx.AsyncClient, token: str) -> tuple[str, int]:
    """Story B's case as its booth submits it, up to the review; its id and review step."""
    auth = {"Authorization": f"Bearer {token}"}
    r = await http.post(
        "/api/v1/cases",
        json={"service": SERVICE, "citizen": {"name": "王小明", "id_number": ID_NUMBER}},
        headers=auth,
    )
    r.raise_for_status()
    case = r.json()
    form = story_b_form()
    for code in ("id_card", "purchase_contract"):
        url = f"/api/v1/cases/{case['id']}/materials"
        (await http.post(url, json={"code": code}, headers=auth)).raise_for_status()
    url = f"/api/v1/cases/{case['id']}/form"
    (await http.put(url, json={"fields": form}, headers=auth)).raise_for_status()
    review = -1
    for step in case["steps"]:
        if step["kind"] in ("identify", "questions", "capture", "form"):
            url = f"/api/v1/cases/{case['id']}/steps/{step['position']}/complete"
            (await http.post(url, json={}, headers=auth)).raise_for_status()
        elif step["kind"] == "review":
            review = int(step["position"])
    return case["id"], review


async def probe(http: httpx.AsyncClient, stop: asyncio.Event, out: list[float]) -> None:
    """The hub's loop as a client sees it: /health every 50 ms, its latency each time."""
    while not stop.is_set():
        started = time.perf_counter()
        with contextlib.suppress(httpx.HTTPError):  # a stalled hub: the time still counts
            await http.get("/api/v1/health")
        out.append(time.perf_counter() - started)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.05)


async def run(base: str, booths: list[tuple[str, str]]) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=len(booths) + 4)
    async with httpx.AsyncClient(base_url=base, timeout=120.0, limits=limits) as http:
        cases = [await submitted(http, token) for _, token in booths]
        stop, idle = asyncio.Event(), []
        prober = asyncio.create_task(probe(http, stop, idle))
        await asyncio.sleep(2.0)  # the baseline: the idle loop for two seconds
        stop.set()
        await prober

        async def review(token: str, case_id: str, position: int) -> tuple[float, int, bool]:
            started = time.perf_counter()
            try:
                r = await http.post(
                    f"/api/v1/cases/{case_id}/steps/{position}/complete",
                    json={},
                    headers={"Authorization": f"Bearer {token}"},
                )
            except httpx.HTTPError:  # no answer in 120 s: failed
                return time.perf_counter() - started, 599, False
            approved = r.status_code == 200 and r.json().get("review", {}).get("approved")
            return time.perf_counter() - started, r.status_code, bool(approved)

        stop, busy = asyncio.Event(), []
        prober = asyncio.create_task(probe(http, stop, busy))
        started = time.perf_counter()
        results = await asyncio.gather(
            *(review(token, c, p) for (_, token), (c, p) in zip(booths, cases, strict=True))
        )
        burst_s = time.perf_counter() - started
        stop.set()
        await prober
    seconds = [r[0] for r in results]
    return {
        "reviews": len(results),
        "approved": sum(r[2] for r in results),
        "failed": sum(r[1] >= 500 for r in results),
        "decision_s": {
            "p50": round(statistics.median(seconds), 3),
            "p99": round(quantile(seconds, 0.99), 3),
            "max": round(max(seconds), 3),
        },
        "reviews_per_s": round(len(results) / burst_s, 1),
        "health_ms": {
            "idle_p50": round(statistics.median(idle) * 1000, 1),
            "burst_p50": round(statistics.median(busy) * 1000, 1),
            "burst_max": round(max(busy) * 1000, 1),
            "burst_max_ratio_to_idle_p50": round(max(busy) / statistics.median(idle), 1),
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--booths", type=int, default=24)
    parser.add_argument("--db", default="", help="database URL (default: SQLite in a temp dir)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db_url = args.db or f"sqlite:///{tmp}/hub.sqlite3"
        booths, _ = seed(db_url, args.booths, 0, ["hpf"])
        hub, base = start_hub(db_url)
        try:
            figures = asyncio.run(run(base, booths))
        finally:
            hub.terminate()
            try:
                hub.wait(30)
            except subprocess.TimeoutExpired:  # a stalled loop does not hear SIGTERM
                hub.kill()
                hub.wait()
    figures["database"] = db_url.split(":", 1)[0]
    with open("/proc/loadavg") as f:
        figures["load_1min"] = float(f.read().split()[0])
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    out = ROOT / "bench" / "results" / "reviews.json"
    out.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n")
    return 0 if figures["failed"] == 0 and figures["approved"] == figures["reviews"] else 1


if __name__ == "__main__":
    sys.exit(main())
