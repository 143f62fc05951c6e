"""Smaller holes, each attacked on a real hub: a clerk's push smuggling its kind, a booth
sending clerks frames of any type or writing into another booth's case, sockets that
outlive logout, password guessing in parallel, a stranger locking a clerk out, and demo
accounts with a published password on a real database."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from websockets.exceptions import ConnectionClosed

from kiosk.core.errors import ConfigError
from kiosk.hub.cli import DEMO_MARKER, is_demo_database, seed_demo_clerks
from kiosk.hub.models import Clerk, LockerDeposit
from tests.hub.conftest import PASSWORD, Hub, typed
from tests.hub.test_calls import booth_online, clerk_online, request_call

ROOT = Path(__file__).resolve().parents[2]


def _call(hub: Hub) -> tuple[str, Any, str, Any, dict[str, Any], str]:
    """Booth b1 in a call with tax clerk tax1 about a case of b1."""
    booth_token, booth = booth_online(hub, "b1")
    case = hub.post(booth_token, "/api/v1/cases", {"service": "enterprise-deregistration"}).json()
    clerk, clerk_ws = clerk_online(hub, "tax1", "tax")
    entry = request_call(booth, "tax", case["id"])
    clerk_ws.wait_for(lambda f: f["type"] == "queue" and len(f["entries"]) == 1)
    r = hub.post(clerk, f"/api/v1/queue/{entry['id']}/accept")
    assert r.status_code == 200, r.text
    return booth_token, booth, clerk, clerk_ws, case, r.json()["call_id"]


def test_a_push_cannot_smuggle_its_kind_through_data(hub: Hub) -> None:
    _bt, booth, clerk, _cw, case, _call_id = _call(hub)
    body = {
        "kind": "request_capture",
        "data": {"kind": "rejected", "case_id": case["id"], "reason": "fake", "final": True},
    }
    r = hub.post(clerk, "/api/v1/booths/b1/push", body)
    assert r.status_code == 422 and r.json()["error"]["code"] == "reserved_key", r.text
    for reserved in ("clerk", "department"):
        body = {"kind": "request_capture", "data": {reserved: "someone else"}}
        assert hub.post(clerk, "/api/v1/booths/b1/push", body).status_code == 422
    assert not [f for f in booth.frames if f.get("name") == "push"]


def test_a_booth_sends_clerks_only_signals(hub: Hub) -> None:
    _bt, booth, clerk, clerk_ws, _case, call_id = _call(hub)
    me = hub.get(clerk, "/api/v1/me").json()
    booth.send(
        {
            "type": "event",
            "id": "forged-1",
            "name": "signal",
            "data": {
                "type": "queue",  # would make the console see a queue frame
                "department": "tax",
                "entries": [],
                "call_id": call_id,
                "to": f"clerk:{me['id']}",
                "kind": "offer",
                "from": "clerk:someone-else",
            },
        }
    )
    booth.wait_for(typed("ack", id="forged-1"))
    frame = clerk_ws.wait_for(lambda f: f.get("call_id") == call_id and f.get("kind") == "offer")
    assert frame["type"] == "signal" and frame["from"] == "booth:b1"


def test_a_booth_writes_locker_deposits_only_into_its_own_cases(hub: Hub) -> None:
    other_token, _other = booth_online(hub, "b2")
    victim = hub.post(other_token, "/api/v1/cases", {"service": "enterprise-deregistration"})
    victim_id = victim.json()["id"]
    _token, booth = booth_online(hub, "b1")
    booth.send(
        {
            "type": "event",
            "id": "lock-1",
            "name": "locker_state",
            "data": {"case_id": victim_id, "slot": "3", "door": "closed", "item_present": True},
        }
    )
    ack = booth.wait_for(typed("ack", id="lock-1"))
    assert ack["ok"] is False and ack["error"] == "not_your_case", ack
    with hub.state.sessions() as db:
        rows = db.scalars(select(LockerDeposit).where(LockerDeposit.case_id == victim_id)).all()
    assert rows == []
    r = hub.post(
        _token, f"/api/v1/cases/{victim_id}/locker-deposits", {"slot": "3", "door": "closed"}
    )
    assert r.status_code == 404


def test_logout_closes_the_sessions_sockets(hub: Hub) -> None:
    token, ws = clerk_online(hub, "tax1", "tax")
    other, other_ws = clerk_online(hub, "tax2", "tax")
    assert hub.post(token, "/api/v1/auth/logout").status_code == 200
    with pytest.raises(ConnectionClosed):
        while True:
            ws.conn.recv(timeout=10)
    assert ws.conn.close_code == 4401
    # another clerk's socket stays
    other_ws.send({"type": "ping", "ts": 1})
    other_ws.wait_for(typed("pong"))
    assert hub.get(other, "/api/v1/me").status_code == 200


def test_parallel_guesses_are_not_all_evaluated(hub: Hub) -> None:
    hub.clerk("tax1", "tax")
    passwords = hub.state.passwords
    original = passwords.check
    evaluated = 0
    lock = threading.Lock()
    go = threading.Event()

    def slow_check(stored: str | None, password: str) -> bool:
        nonlocal evaluated
        with lock:
            evaluated += 1
        go.wait(15)  # a hash as slow as the real one: every guess is in flight at once
        return bool(original(stored, password))

    passwords.check = slow_check
    try:
        with ThreadPoolExecutor(40) as pool:
            guesses = [
                pool.submit(
                    hub.http.post,
                    "/api/v1/auth/login",
                    json={"username": "tax1", "password": f"guess-{i}"},
                )
                for i in range(40)
            ]
            refused = 0
            for future in as_completed(guesses, timeout=30):
                if future.result().status_code == 429:
                    refused += 1
                if refused == 35:
                    break
            go.set()
            statuses = sorted(f.result().status_code for f in guesses)
    finally:
        go.set()
        passwords.check = original
    assert evaluated == 5, evaluated
    assert statuses == [401] * 5 + [429] * 35


def _from(hub: Hub, address: str) -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=hub.url, transport=transport, timeout=15)


def test_a_stranger_cannot_lock_a_clerk_out(hub: Hub) -> None:
    hub.clerk("tax1", "tax")
    with _from(hub, "127.0.0.2") as stranger, _from(hub, "127.0.0.1") as desk:
        wrong = {"username": "tax1", "password": "wrong-one"}
        codes = [stranger.post("/api/v1/auth/login", json=wrong).status_code for _ in range(8)]
        assert codes == [401] * 5 + [429] * 3
        r = desk.post("/api/v1/auth/login", json={"username": "tax1", "password": PASSWORD})
        assert r.status_code == 200, r.text


def test_demo_clerks_only_on_a_demos_database(hub: Hub, tmp_path: Path) -> None:
    # the hub fixture's database is no demo's: the published password is refused
    with pytest.raises(ConfigError):
        seed_demo_clerks(hub.state)
    with hub.state.sessions() as db:
        assert db.scalar(select(Clerk).where(Clerk.username == "admin")) is None

    db_url = f"sqlite:///{tmp_path / 'real' / 'hub.sqlite3'}"
    (tmp_path / "real").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XIAOWU_")}
    out = subprocess.run(
        [sys.executable, "-m", "kiosk", "hub", "--db", db_url, "--port", "1", "--demo-clerks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert out.returncode == 2, out.stdout + out.stderr
    assert "--i-know-this-is-a-demo" in out.stdout
    assert not is_demo_database(db_url)
    (tmp_path / "real" / DEMO_MARKER).write_text("demo\n")
    assert is_demo_database(db_url)
