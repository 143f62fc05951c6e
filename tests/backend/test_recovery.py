"""Recovery: a booth restarted mid-session resumes it or closes it safely."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from kiosk.backend.backoff import Backoff
from kiosk.backend.channel import BoothChannel, ConnectionState
from kiosk.backend.client import HubClient
from kiosk.backend.keystore import FileKeyStore
from kiosk.backend.outbox import Outbox
from kiosk.backend.recovery import (
    BOOTH_RESTART,
    Decision,
    Recovery,
    SessionJournal,
    SessionNote,
    decide,
)
from kiosk.core.clock import FakeClock, SystemClock
from kiosk.core.errors import DeviceTimeout
from tests.backend.real_hub import RealHub

WAIT = 20.0


class DoorSensor:
    """The booth's presence sensor as recovery sees it: present, absent, or can't say."""

    def __init__(self, present: bool | Exception | None) -> None:
        self.present = present

    async def citizen_present(self) -> bool | None:
        if isinstance(self.present, Exception):
            raise self.present
        return self.present


def _note(state: str = "open") -> SessionNote:
    return SessionNote("s", (), FakeClock().now(), state)


def test_only_a_running_session_with_its_citizen_present_is_resumed() -> None:
    assert decide(_note(), True) is Decision.RESUME
    assert decide(_note(), False) is Decision.CLOSE
    assert decide(_note(), None) is Decision.CLOSE  # the sensor can't say: be safe
    assert decide(_note("closing"), True) is Decision.CLOSE


def test_the_journal_survives_a_restart_and_keeps_no_personal_data(tmp_path: Path) -> None:
    clock = FakeClock()
    journal = SessionJournal(tmp_path, clock)
    journal.begin("s1")
    journal.add_case("s1", "walk-in-1")
    journal.add_case("s1", "walk-in-1")
    journal.begin("s2")
    journal.closing("s2", "done")
    journal.close()
    again = SessionJournal(tmp_path, clock)
    [s1, s2] = again.unfinished()
    assert (s1.session_id, s1.case_ids, s1.state) == ("s1", ("walk-in-1",), "open")
    assert (s2.state, s2.reason) == ("closing", "done")
    again.closed("s2")
    assert [n.session_id for n in again.unfinished()] == ["s1"]
    again.close()


async def _interrupted_booth(booth_dir: Path, hub: RealHub, token: str) -> str:
    """A booth that opened a case, saved a write while the hub was away, then died."""
    journal = SessionJournal(booth_dir, SystemClock())
    outbox = Outbox(booth_dir, FileKeyStore(booth_dir / "keys"), SystemClock())
    journal.begin("sess-1")
    journal.add_case("sess-1", "walk-in-1")
    body = {"service": "hpf-withdrawal-rent", "citizen": {"name": "赵六"}}
    outbox.enqueue("walk-in-1", "POST", "/cases", body, opens_case=True, session_id="sess-1")
    async with HubClient(hub.url, token) as client:
        assert await outbox.deliver_pending(client)
    outbox.enqueue(
        "walk-in-1", "POST", "/cases/{case}/materials", {"code": "lease"}, session_id="sess-1"
    )
    hub_case = outbox.hub_case_id("walk-in-1")
    assert hub_case is not None
    journal.close()  # the process dies here: nothing is ended
    outbox.close()
    return hub_case


@pytest.mark.slow
async def test_an_absent_citizens_session_is_closed_safely_and_the_hub_told(
    real_hub: RealHub, tmp_path: Path
) -> None:
    token = real_hub.booth_token("booth-rec")
    booth_dir = tmp_path / "booth"
    hub_case = await _interrupted_booth(booth_dir, real_hub, token)

    # The booth starts again: the citizen has left.
    journal = SessionJournal(booth_dir, SystemClock())
    outbox = Outbox(booth_dir, FileKeyStore(booth_dir / "keys"), SystemClock())
    channel = BoothChannel(
        f"ws://127.0.0.1:{real_hub.port}/ws/booth", token, SystemClock(), backoff=Backoff(0.2, 1)
    )
    wiped: list[str] = []
    recovery = Recovery(journal, outbox, channel, DoorSensor(False), wiped.append)
    [outcome] = await recovery.recover()
    assert outcome.decision is Decision.CLOSE and outcome.pending_writes == 1
    assert wiped == ["sess-1"]
    assert await recovery.notify_hub() == 0  # not connected yet: kept for later
    assert journal.unfinished()[0].state == "closing"

    channel.start()
    try:
        await asyncio.wait_for(channel.wait_for(ConnectionState.ONLINE), WAIT)
        assert await asyncio.wait_for(recovery.notify_hub(), WAIT) == 1
        assert journal.unfinished() == []
        async with HubClient(real_hub.url, token) as client:
            assert await outbox.deliver_pending(client)  # the case stays and is complete
            case = await client.get(f"/cases/{hub_case}")
        assert [m["code"] for m in case["materials"]] == ["lease"]
        assert case["status"] == "open"
    finally:
        await channel.stop()
        journal.close()
        outbox.close()


@pytest.mark.parametrize(
    ("sensor", "decision"),
    [(True, Decision.RESUME), (None, Decision.CLOSE), (DeviceTimeout("no answer"), Decision.CLOSE)],
)
async def test_a_present_citizen_resumes_and_a_silent_sensor_closes(
    tmp_path: Path, sensor: bool | Exception | None, decision: Decision
) -> None:
    journal = SessionJournal(tmp_path, FakeClock())
    journal.begin("sess-9")
    outbox = Outbox(tmp_path, FileKeyStore(tmp_path / "keys"), FakeClock())
    channel = BoothChannel("ws://127.0.0.1:9/ws/booth", "t", FakeClock())
    wiped: list[str] = []
    [outcome] = await Recovery(journal, outbox, channel, DoorSensor(sensor), wiped.append).recover()
    assert outcome.decision is decision
    assert (wiped == []) is (decision is Decision.RESUME)
    expected_state = "open" if decision is Decision.RESUME else "closing"
    assert journal.unfinished()[0].state == expected_state
    if decision is Decision.CLOSE:
        assert journal.unfinished()[0].reason == BOOTH_RESTART
    journal.close()
    outbox.close()


def test_the_vault_key_is_kept_sealed_and_destroyed_when_the_session_closes(
    tmp_path: Path,
) -> None:
    keys = FileKeyStore(tmp_path / "keys")
    journal = SessionJournal(tmp_path, FakeClock(), keys)
    journal.begin("sess-1")
    key = bytes(range(32))
    journal.keep_vault_key("sess-1", key)
    journal.close()
    assert key not in (tmp_path / "sessions.sqlite3").read_bytes()  # sealed, not as is
    journal = SessionJournal(tmp_path, FakeClock(), keys)  # the booth restarted
    assert journal.vault_key("sess-1") == key
    assert SessionJournal(tmp_path, FakeClock()).vault_key("sess-1") is None  # no key store
    other_booth = SessionJournal(tmp_path, FakeClock(), FileKeyStore(tmp_path / "other"))
    assert other_booth.vault_key("sess-1") is None  # another booth key unseals nothing
    journal.closing("sess-1", BOOTH_RESTART)
    assert journal.vault_key("sess-1") is None
    journal.close()
    assert key not in (tmp_path / "sessions.sqlite3").read_bytes()


async def test_a_session_that_cannot_be_resumed_is_abandoned_like_a_close(tmp_path: Path) -> None:
    journal = SessionJournal(tmp_path, FakeClock(), FileKeyStore(tmp_path / "keys"))
    journal.begin("sess-2")
    journal.keep_vault_key("sess-2", bytes(32))
    outbox = Outbox(tmp_path, FileKeyStore(tmp_path / "keys"), FakeClock())
    channel = BoothChannel("ws://127.0.0.1:9/ws/booth", "t", FakeClock())
    wiped: list[str] = []
    recovery = Recovery(journal, outbox, channel, DoorSensor(True), wiped.append)
    [outcome] = await recovery.recover()
    assert outcome.decision is Decision.RESUME and wiped == []
    recovery.abandon("sess-2")
    assert wiped == ["sess-2"]
    [note] = journal.unfinished()
    assert (note.state, note.reason) == ("closing", BOOTH_RESTART)
    assert journal.vault_key("sess-2") is None
    journal.close()
    outbox.close()


def test_a_journal_written_before_vault_keys_is_upgraded(tmp_path: Path) -> None:
    import sqlite3

    db = sqlite3.connect(tmp_path / "sessions.sqlite3")
    db.executescript(
        "CREATE TABLE sessions (session_id TEXT PRIMARY KEY, case_ids TEXT NOT NULL DEFAULT"
        " '[]', started_at TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'open', reason TEXT,"
        " ended_at TEXT);"
        " INSERT INTO sessions (session_id, started_at) VALUES ('old', '2026-11-29T06:00');"
    )
    db.close()
    journal = SessionJournal(tmp_path, FakeClock(), FileKeyStore(tmp_path / "keys"))
    assert [n.session_id for n in journal.unfinished()] == ["old"]
    assert journal.vault_key("old") is None
    journal.keep_vault_key("old", bytes(32))
    assert journal.vault_key("old") == bytes(32)
    journal.close()
