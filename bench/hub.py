"""Benchmark of one hub process: 800 booth WebSockets and 2,000 clerk WebSockets held
open on 127.0.0.1, 800 calls set up through the queues, then WebRTC signaling relayed
clerk -> booth and booth -> clerk; records relay latency p50/p99 and the hub's memory.

    PYTHONPATH=. python bench/hub.py [--booths 800] [--clerks 2000] [--seconds 20]
        [--rates 100,200] [--control-calls 5] [--profile /tmp/hub.prof]

Writes bench/results/hub.json. Target: relay p99 < 50 ms. The hubs run as separate
processes (``python -m kiosk hub``) on SQLite; this script is their only client, so the
latency includes this process's own scheduling on the same two cores.

The machine is shared with other work, so a second hub (the control: 10 sockets, 5 calls)
relays at the same rate at the same moments; ``p99_ratio_to_control`` is what the 2,800
sockets cost, whatever the load. Each phase records the machine's 1-minute load average
and the hub's CPU share; ``--profile`` samples hub and client with py-spy.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.core.catalog import load_catalog  # noqa: E402
from kiosk.hub.auth import new_booth_token, new_session_token, token_hash  # noqa: E402
from kiosk.hub.db import make_engine, migrate  # noqa: E402
from kiosk.hub.models import Booth, Clerk, ClerkSession  # noqa: E402
from kiosk.hub.server import free_port  # noqa: E402


def raise_fd_limit(wanted: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(max(soft, wanted), hard) if hard != resource.RLIM_INFINITY else wanted
    resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return target


def seed(
    db_url: str, booths: int, clerks: int, departments: list[str]
) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """Booths and clerks with tokens, straight into the database (no argon2 for 2,000)."""
    engine = make_engine(db_url)
    migrate(engine)
    booth_rows, clerk_rows = [], []
    far = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    from sqlalchemy.orm import Session

    with Session(engine) as db, db.begin():
        for i in range(booths):
            token = new_booth_token()
            booth_id = f"bench-{i:04d}"
            db.add(Booth(id=booth_id, name=booth_id, token_hash=token_hash(token)))
            booth_rows.append((booth_id, token))
        for i in range(clerks):
            token = new_session_token()
            clerk_id = uuid.uuid4().hex
            department = departments[i % len(departments)]
            db.add(
                Clerk(
                    id=clerk_id,
                    username=f"clerk{i:04d}",
                    display_name=f"clerk{i}",
                    department=department,
                    roles="clerk",
                    password_hash="-",
                )
            )
            db.add(ClerkSession(token_hash=token_hash(token), clerk_id=clerk_id, expires_at=far))
            clerk_rows.append((clerk_id, token, department))
    engine.dispose()
    return booth_rows, clerk_rows


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Samples:
    """Latencies as they arrive, and an event set once ``expected`` have."""

    def __init__(self, expected: int = 0) -> None:
        self.values: list[float] = []
        self.numbers: set[int] = set()  # which signals (by sequence number) arrived
        self.expected = expected
        self.complete = asyncio.Event()

    def add(self, value: float, number: Any = None) -> None:
        self.values.append(value)
        if isinstance(number, int):
            self.numbers.add(number)
        if self.expected and len(self.values) >= self.expected:
            self.complete.set()

    async def settle(self, expected: int, limit_s: float = 20.0) -> None:
        self.expected = expected
        if len(self.values) >= expected:
            return
        # On timeout the summary reports how many arrived.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.complete.wait(), limit_s)


class Peer:
    """One WebSocket of the benchmark: answers pings and commands, times signals."""

    def __init__(self, ws: ClientConnection, name: str, latencies: Samples) -> None:
        self.ws = ws
        self.name = name
        self.latencies = latencies
        self.acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.accepted: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.closed = False
        self.task = asyncio.create_task(self.read())

    async def read(self) -> None:
        try:
            async for text in self.ws:
                frame = json.loads(text)
                kind = frame.get("type")
                if kind == "ping":
                    await self.ws.send(json.dumps({"type": "pong", "ts": frame.get("ts")}))
                elif kind == "command":
                    await self.ws.send(json.dumps({"type": "ack", "id": frame["id"], "ok": True}))
                    data = frame["data"]
                    if frame["name"] == "signal" and data.get("kind") == "candidate":
                        sent = data["candidate"]
                        self.latencies.add(time.perf_counter() - sent["t"], sent.get("n"))
                    elif (
                        frame["name"] == "queue"
                        and data.get("status") == "accepted"
                        and not self.accepted.done()
                    ):
                        self.accepted.set_result(data)
                elif kind == "signal" and frame.get("kind") == "candidate":
                    sent = frame["candidate"]
                    self.latencies.add(time.perf_counter() - sent["t"], sent.get("n"))
                elif kind == "ack":
                    fut = self.acks.pop(frame["id"], None)
                    if fut is not None and not fut.done():
                        fut.set_result(frame)
        except Exception:  # the socket closed; the benchmark counts what arrived
            return

    async def event(self, name: str, data: dict[str, Any]) -> dict[str, Any]:
        event_id = uuid.uuid4().hex
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.acks[event_id] = fut
        await self.ws.send(
            json.dumps({"type": "event", "id": event_id, "name": name, "data": data})
        )
        return await asyncio.wait_for(fut, 30)

    @property
    def gone(self) -> bool:
        """The hub closed this socket (or a send on it failed)."""
        return self.closed or self.ws.close_code is not None

    async def candidate(self, call_id: str, to: str, as_event: bool, number: int = -1) -> None:
        signal = {
            "call_id": call_id,
            "to": to,
            "kind": "candidate",
            "candidate": {"candidate": "candidate:bench", "t": time.perf_counter(), "n": number},
        }
        if as_event:
            frame = {"type": "event", "id": uuid.uuid4().hex, "name": "signal", "data": signal}
        else:
            frame = {"type": "signal", **signal}
        try:
            await self.ws.send(json.dumps(frame))
        except ConnectionClosed:
            self.closed = True  # reported: the hub closed it (e.g. missed heartbeats)


async def open_many(
    url: str,
    tokens: list[str],
    latencies: Samples,
    batch: int = 100,
) -> list[Peer]:
    peers: list[Peer] = []

    async def one(token: str) -> Peer:
        ws = await connect(
            url,
            additional_headers={"Authorization": f"Bearer {token}"},
            ping_interval=None,
            max_queue=None,
            compression=None,  # as the hub (kiosk.hub.cli): signaling is not worth zlib
            open_timeout=60,
            max_size=2**24,
        )
        return Peer(ws, token[:6], latencies)

    for start in range(0, len(tokens), batch):
        peers += await asyncio.gather(*(one(t) for t in tokens[start : start + batch]))
    return peers


def start_profiler(pids: dict[str, int], out: str) -> list[subprocess.Popen[bytes]]:
    """py-spy sampling each process during the relay phases (collapsed stacks in
    ``out.<name>``): the hub, and this client, whose own scheduling is in every figure."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    args = ["record", "--format", "raw", "--rate", "250"]
    return [
        subprocess.Popen(
            [spy, *args, "--pid", str(pid), "-o", f"{out}.{name}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for name, pid in pids.items()
    ]


def stop_profiler(profilers: list[subprocess.Popen[bytes]]) -> None:
    for profiler in profilers:
        profiler.send_signal(signal.SIGINT)
    for profiler in profilers:
        profiler.wait(60)


def summary(latencies: list[float], sent: int) -> dict[str, Any]:
    ms = sorted(x * 1000 for x in latencies)
    if not ms:
        return {"messages": sent, "received": 0}
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return {
        "messages": sent,
        "received": len(ms),
        "p50_ms": round(q[49], 2),
        "p90_ms": round(q[89], 2),
        "p99_ms": round(q[98], 2),
        "max_ms": round(ms[-1], 2),
    }


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) the process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class LoadWatch:
    """The machine's 1-minute load average sampled every second (other agents share it)."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self.task = asyncio.create_task(self.run())

    async def run(self) -> None:
        while True:
            self.samples.append(os.getloadavg()[0])
            await asyncio.sleep(1.0)

    def mark(self) -> int:
        return len(self.samples)

    def since(self, mark: int) -> dict[str, float]:
        window = self.samples[mark:] or self.samples[-1:]
        return {
            "min": round(min(window), 2),
            "mean": round(statistics.fmean(window), 2),
            "max": round(max(window), 2),
        }


Call = tuple[Peer, Peer, str, str, str]  # booth peer, clerk peer, call id, booth, clerk addr


async def set_up_calls(
    http: httpx.AsyncClient,
    pairs: list[tuple[int, int]],
    booth_peers: dict[int, Peer],
    clerk_peers: dict[int, Peer],
    booths: list[tuple[str, str]],
    clerks: list[tuple[str, str, str]],
) -> tuple[list[Call], list[str]]:
    """One call per (booth, clerk) pair: the booth queues in the clerk's department, the
    clerk accepts over the REST API (as the console does)."""
    calls: list[Call] = []
    failed: list[str] = []
    sem = asyncio.Semaphore(8)

    async def set_up(b: int, c: int) -> None:
        booth_peer, clerk_peer = booth_peers[b], clerk_peers[c]
        async with sem:
            try:
                ack = await booth_peer.event("call_request", {"department": clerks[c][2]})
                r = await http.post(
                    f"/api/v1/queue/{ack['data']['id']}/accept",
                    headers={"Authorization": f"Bearer {clerks[c][1]}"},
                )
                r.raise_for_status()
                call = r.json()
            except Exception as exc:  # counted and reported, the run goes on
                failed.append(f"{type(exc).__name__}: {exc}"[:200])
                return
        calls.append(
            (booth_peer, clerk_peer, call["call_id"], f"booth:{booths[b][0]}", call["you"])
        )

    await asyncio.gather(*(set_up(b, c) for b, c in pairs))
    return calls, failed


async def relay(
    calls: list[Call], peers: list[Peer], rate: float, seconds: float
) -> dict[str, Any]:
    """Steady relay at ``rate`` signals/s, alternating clerk->booth (a clerk frame) and
    booth->clerk (a booth event, acked)."""
    latencies = Samples()
    for p in peers:
        p.latencies = latencies
    sent = 0
    sent_in: list[Call] = []  # the call of each signal, by sequence number
    tick = 0.05
    per_tick = max(1, round(rate * tick))
    deadline = time.perf_counter() + seconds
    next_tick = time.perf_counter()
    while time.perf_counter() < deadline:
        for _ in range(per_tick):
            booth_peer, clerk_peer, call_id, booth_addr, clerk_addr = calls[sent % len(calls)]
            sent_in.append(calls[sent % len(calls)])
            if sent % 2 == 0:
                await clerk_peer.candidate(call_id, booth_addr, as_event=False, number=sent)
            else:
                await booth_peer.candidate(call_id, clerk_addr, as_event=True, number=sent)
            sent += 1
        next_tick += tick
        await asyncio.sleep(max(0.0, next_tick - time.perf_counter()))  # pacing, not waiting
    await latencies.settle(sent)
    return {"rate_per_s": rate, **summary(latencies.values, sent), **losses(latencies, sent_in)}


def losses(arrived: Samples, sent_in: list[Call]) -> dict[str, int]:
    """Signals that never arrived, split by whether the hub had closed a socket of their
    call (the signal was refused or had nowhere to go: the hub answers the sender with
    ``peer_offline``) or both sockets were open (a signal lost by the relay)."""
    on_closed = on_live = 0
    for number, (booth_peer, clerk_peer, *_) in enumerate(sent_in):
        if number in arrived.numbers:
            continue
        if booth_peer.gone or clerk_peer.gone:
            on_closed += 1
        else:
            on_live += 1
    return {"lost_on_closed_sockets": on_closed, "lost_on_live_sockets": on_live}


async def measured(load: LoadWatch, pid: int, run: Any) -> dict[str, Any]:
    """Run one phase and note the machine's load and the hub's CPU share during it."""
    mark, cpu0, t0 = load.mark(), cpu_s(pid), time.perf_counter()
    figures: dict[str, Any] = await run
    elapsed = time.perf_counter() - t0
    figures["hub_cpu_percent"] = round(100 * (cpu_s(pid) - cpu0) / elapsed, 1)
    figures["load_avg_1m"] = load.since(mark)
    return figures


@dataclass
class HubUnderTest:
    """One hub process and the accounts seeded for it."""

    base: str
    pid: int
    booths: list[tuple[str, str]]
    clerks: list[tuple[str, str, str]]
    booth_peers: dict[int, Peer] = field(default_factory=dict)
    clerk_peers: dict[int, Peer] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def peers(self) -> list[Peer]:
        return [*self.booth_peers.values(), *self.clerk_peers.values()]

    async def connect(self, setup: Samples) -> None:
        ws_base = "ws://" + self.base.removeprefix("http://")
        opened = await open_many(ws_base + "/ws/booth", [t for _, t in self.booths], setup)
        self.booth_peers.update(enumerate(opened))
        opened = await open_many(ws_base + "/ws/clerk", [t for _, t, _ in self.clerks], setup)
        self.clerk_peers.update(enumerate(opened))

    async def set_up_calls(self, departments: list[str]) -> None:
        """Booth i calls a clerk of department i % D, who accepts."""
        by_department: dict[str, list[int]] = {d: [] for d in departments}
        for index, (_, _, department) in enumerate(self.clerks):
            by_department[department].append(index)
        pairs = [
            (i, by_department[departments[i % len(departments)]][i // len(departments)])
            for i in range(len(self.booths))
        ]
        async with httpx.AsyncClient(base_url=self.base, timeout=60) as http:
            calls, failed = await set_up_calls(
                http, pairs, self.booth_peers, self.clerk_peers, self.booths, self.clerks
            )
        self.calls += calls
        self.failed += failed


async def drive(
    hub: HubUnderTest,
    control: HubUnderTest,
    seconds: float,
    rates: list[float],
    departments: list[str],
    profile: str = "",
) -> dict[str, Any]:
    """Relay on ``hub`` (thousands of sockets) and, at the same moments and rate, on
    ``control`` (a second hub process with a few sockets): the machine is shared by other
    work, so the ratio of the two is the figure that says what the sockets cost."""
    load = LoadWatch()
    setup = Samples()
    result: dict[str, Any] = {"hub_rss_mb": {"idle": round(rss_mb(hub.pid), 1)}}
    await control.connect(setup)
    await control.set_up_calls(departments)
    result["control_sockets"] = len(control.peers)
    t0 = time.perf_counter()
    await hub.connect(setup)
    result["connect_s"] = round(time.perf_counter() - t0, 2)
    result["hub_rss_mb"]["connected"] = round(rss_mb(hub.pid), 1)
    async with httpx.AsyncClient(base_url=hub.base, timeout=60) as http:
        result["booths_online"] = (await http.get("/api/v1/health")).json()["booths_online"]
    t0 = time.perf_counter()
    await hub.set_up_calls(departments)
    result["call_setup_s"] = round(time.perf_counter() - t0, 2)
    result["call_setup_failures"] = len(hub.failed) + len(control.failed)
    if hub.failed or control.failed:
        result["call_setup_first_failure"] = (hub.failed + control.failed)[0]
    result["calls"] = len(hub.calls)
    result["sockets"] = len(hub.peers)
    result["hub_rss_mb"]["in_calls"] = round(rss_mb(hub.pid), 1)

    profiler = None
    if profile:
        profiler = start_profiler({"hub": hub.pid, "client": os.getpid()}, profile)
    for rate in rates:
        full, few = await asyncio.gather(
            measured(load, hub.pid, relay(hub.calls, hub.peers, rate, seconds)),
            measured(load, control.pid, relay(control.calls, control.peers, rate, seconds)),
        )
        result.setdefault("relay_steady", []).append(full)
        result.setdefault("relay_control", []).append(few)
        if "p99_ms" in full and few.get("p99_ms"):
            full["p99_ratio_to_control"] = round(full["p99_ms"] / few["p99_ms"], 2)
            full["p50_ratio_to_control"] = round(full["p50_ms"] / few["p50_ms"], 2)

    async def burst() -> dict[str, Any]:
        """Every clerk in a call signals its booth at once."""
        samples = Samples()
        for p in hub.peers:
            p.latencies = samples
        await asyncio.gather(
            *(
                c.candidate(call_id, b_addr, as_event=False, number=n)
                for n, (_, c, call_id, b_addr, _) in enumerate(hub.calls)
            )
        )
        await samples.settle(len(hub.calls))
        return {**summary(samples.values, len(hub.calls)), **losses(samples, hub.calls)}

    result["relay_burst"] = await measured(load, hub.pid, burst())
    if profiler is not None:
        stop_profiler(profiler)
    result["hub_rss_mb"]["end"] = round(rss_mb(hub.pid), 1)
    closed = [p for p in hub.peers if p.gone]
    result["sockets_closed_by_hub"] = len(closed)
    reasons: dict[str, int] = {}
    for p in closed:
        reason = f"{p.ws.close_code} {p.ws.close_reason or ''}".strip()
        reasons[reason] = reasons.get(reason, 0) + 1
    result["closed_because"] = reasons
    load.task.cancel()
    for p in hub.peers + control.peers:
        await p.ws.close()
    return result


def start_hub(db_url: str) -> tuple[subprocess.Popen[bytes], str]:
    """``kiosk hub`` on a free port, once its health check answers."""
    port = free_port()
    command = [sys.executable, "-m", "kiosk", "--log-level", "WARNING", "hub"]
    hub = subprocess.Popen(
        [*command, "--db", db_url, "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                return hub, base
        except httpx.HTTPError:
            pass
        if hub.poll() is not None or time.monotonic() > deadline:
            hub.kill()
            raise RuntimeError("the hub did not start")
        time.sleep(0.1)  # polling the observable condition: health answers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--booths", type=int, default=800)
    parser.add_argument("--clerks", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument(
        "--rates",
        default="100,200",
        help="signals per second for each steady phase (comma-separated)",
    )
    parser.add_argument(
        "--control-calls",
        type=int,
        default=5,
        help="calls (2 sockets each) on the control hub that relays at the same time",
    )
    parser.add_argument(
        "--profile", default="", help="write py-spy collapsed stacks to FILE.hub, FILE.client"
    )
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "hub.json"))
    args = parser.parse_args()
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    rates = [float(r) for r in args.rates.split(",")]
    limit = raise_fd_limit(2 * (args.booths + args.clerks) + 1024)
    departments = [d.code for d in load_catalog().departments]
    processes: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory() as tmp:
        try:
            hubs = []
            for name, booths, clerks in (
                ("hub", args.booths, args.clerks),
                ("control", args.control_calls, args.control_calls),
            ):
                db_url = f"sqlite:///{tmp}/{name}.sqlite3"
                booth_rows, clerk_rows = seed(db_url, booths, clerks, departments)
                process, base = start_hub(db_url)
                processes.append(process)
                hubs.append(HubUnderTest(base, process.pid, booth_rows, clerk_rows))
            result = asyncio.run(
                drive(hubs[0], hubs[1], args.seconds, rates, departments, args.profile)
            )
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(30)
    result = {
        "benchmark": "hub signaling relay and connection capacity",
        "booths": args.booths,
        "clerks": args.clerks,
        "fd_limit": limit,
        **result,
        "target": {"relay_p99_ms": 50},
        "load_avg_at_start": load_at_start,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_avg_at_end": [round(x, 2) for x in os.getloadavg()],
        },
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
