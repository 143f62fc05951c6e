"""The outbox: saved encrypted, delivered in order per case, exactly once, nothing lost."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from kiosk.backend.backoff import Backoff
from kiosk.backend.client import HubClient, HubResponse
from kiosk.backend.keystore import FileKeyStore
from kiosk.backend.outbox import (
    OUTBOX_FILE,
    Outbox,
    OutboxCorrupt,
    OutboxFull,
    OutboxStatus,
)
from kiosk.core.clock import FakeClock
from kiosk.core.errors import HubRejected, HubUnavailable
from tests.backend.key_hub import KeyHub

WAIT = 10.0
SECRET = "440106199001011234"  # an ID number: must never be stored in clear


def _outbox(tmp_path: Path, keys: FileKeyStore, **kw: Any) -> Outbox:
    return Outbox(tmp_path / "data", keys, FakeClock(), **kw)


async def test_a_saved_write_is_encrypted_at_rest_and_counted(
    tmp_path: Path, keys: FileKeyStore
) -> None:
    outbox = _outbox(tmp_path, keys)
    outbox.enqueue("case-1", "POST", "/cases/case-1/forms", {"id_number": SECRET})
    outbox.enqueue("case-1", "POST", "/cases/case-1/materials", {"doc": "id_card"})
    outbox.enqueue("case-2", "POST", "/cases", {"service": "hpf-withdrawal-rent"})
    assert outbox.pending("case-1") == 2 and outbox.pending() == 3
    assert outbox.status.pending == {"case-1": 2, "case-2": 1}
    outbox.close()
    raw = b"".join(p.read_bytes() for p in (tmp_path / "data").iterdir())
    assert SECRET.encode() not in raw and b"/forms" not in raw and b"id_card" not in raw
    reopened = _outbox(tmp_path, keys)
    assert reopened.entries()[0].body == {"id_number": SECRET}
    reopened.close()


async def test_delivers_in_order_per_case_with_the_key_fixed_at_creation(
    tmp_path: Path, keys: FileKeyStore, key_hub: KeyHub, key_hub_client: HubClient
) -> None:
    outbox = _outbox(tmp_path, keys)
    saved = [
        outbox.enqueue("A", "POST", "/cases/A/steps", {"n": 1}),
        outbox.enqueue("B", "POST", "/cases/B/steps", {"n": 1}),
        outbox.enqueue("A", "POST", "/cases/A/steps", {"n": 2}),
        outbox.enqueue("A", "POST", "/cases/A/steps", {"n": 3}),
    ]
    waiter = asyncio.ensure_future(outbox.delivered(saved[3].idempotency_key))
    assert await outbox.deliver_pending(key_hub_client)
    assert key_hub.keys() == [
        saved[0].idempotency_key,
        saved[1].idempotency_key,
        saved[2].idempotency_key,
        saved[3].idempotency_key,
    ]
    assert [e.body["n"] for e in key_hub.effects if e.path == "/api/v1/cases/A/steps"] == [1, 2, 3]
    response = await asyncio.wait_for(waiter, WAIT)
    assert response == HubResponse(201, {"id": "hub-4", "effect": 4})
    assert outbox.pending() == 0
    outbox.close()


async def test_a_case_opened_offline_gets_its_hub_id_into_later_paths(
    tmp_path: Path, keys: FileKeyStore, key_hub: KeyHub, key_hub_client: HubClient
) -> None:
    outbox = _outbox(tmp_path, keys)
    outbox.enqueue("local-1", "POST", "/cases", {"service": "hpf-withdrawal-rent"}, opens_case=True)
    outbox.enqueue("local-1", "PUT", "/cases/{case}/form", {"fields": {"amount": 5000}})
    outbox.enqueue("never-opened", "PUT", "/cases/{case}/form", {"fields": {}})
    assert outbox.hub_case_id("local-1") is None
    assert await outbox.deliver_pending(key_hub_client)
    assert [(e.method, e.path) for e in key_hub.effects] == [
        ("POST", "/api/v1/cases"),
        ("PUT", "/api/v1/cases/hub-1/form"),
    ]
    assert outbox.hub_case_id("local-1") == "hub-1"
    [aside] = outbox.set_aside()
    assert aside.case_id == "never-opened" and aside.error == "case_not_opened"
    outbox.close()


class LosesAnswers:
    """Reaches the hub, then loses the answer (the network dropped on the way back)."""

    def __init__(self, inner: HubClient, times: int) -> None:
        self.inner = inner
        self.times = times

    async def write(
        self, method: str, path: str, body: Any, *, idempotency_key: str, bearer: str | None = None
    ) -> HubResponse:
        response = await self.inner.write(
            method, path, body, idempotency_key=idempotency_key, bearer=bearer
        )
        if self.times:
            self.times -= 1
            raise HubUnavailable("connection reset while reading the answer")
        return response


async def test_a_lost_answer_is_retried_with_the_same_key_and_applied_once(
    tmp_path: Path, keys: FileKeyStore, key_hub: KeyHub, key_hub_client: HubClient
) -> None:
    outbox = _outbox(tmp_path, keys)
    entry = outbox.enqueue("A", "POST", "/cases/A/submit", {"final": True})
    flaky = LosesAnswers(key_hub_client, times=2)
    assert not await outbox.deliver_pending(flaky)
    assert not await outbox.deliver_pending(flaky)
    assert outbox.pending("A") == 1 and not outbox.status.hub_available
    assert await outbox.deliver_pending(flaky)
    assert key_hub.requests == 3 and key_hub.keys() == [entry.idempotency_key]
    outbox.close()


async def test_while_the_hub_is_away_writes_wait_and_go_when_it_is_back(
    tmp_path: Path, keys: FileKeyStore, key_hub: KeyHub, key_hub_client: HubClient
) -> None:
    clock = FakeClock()
    outbox = Outbox(tmp_path / "data", keys, clock, backoff=Backoff(0.5, 30, rand=lambda: 1.0))
    heard: asyncio.Queue[OutboxStatus] = asyncio.Queue()
    outbox.add_listener(heard.put_nowait)
    key_hub.unavailable = True
    outbox.start(key_hub_client)
    try:
        outbox.enqueue("A", "POST", "/cases/A/steps", {"n": 1})
        outbox.enqueue("A", "POST", "/cases/A/steps", {"n": 2})
        retries: list[float] = []
        while len(retries) < 3:
            status = await asyncio.wait_for(heard.get(), WAIT)
            if status.retry_in_s is None:
                continue
            assert not status.hub_available and status.last_error == "hub_unavailable"
            assert status.pending == {"A": 2}  # saved, will be sent
            retries.append(status.retry_in_s)
            clock.advance(status.retry_in_s)
        assert retries == [0.5, 1.0, 2.0] and key_hub.effects == []
        key_hub.unavailable = False
        outbox.wake()  # e.g. the control channel came back online
        await asyncio.wait_for(outbox.wait_until_empty("A"), WAIT)
        assert [e.body["n"] for e in key_hub.effects] == [1, 2]
        assert outbox.status.hub_available
    finally:
        await outbox.stop()
        outbox.close()


async def test_a_refused_write_is_set_aside_with_the_hubs_code_and_the_rest_goes(
    tmp_path: Path, keys: FileKeyStore, key_hub: KeyHub, key_hub_client: HubClient
) -> None:
    key_hub.refuse_path = "/bad"
    outbox = _outbox(tmp_path, keys)
    bad = outbox.enqueue("A", "POST", "/cases/A/bad", {"amount": "lots"})
    good = outbox.enqueue("A", "POST", "/cases/A/good", {"amount": 5})
    refused = asyncio.ensure_future(outbox.delivered(bad.idempotency_key))
    assert await outbox.deliver_pending(key_hub_client)
    with pytest.raises(HubRejected) as info:
        await asyncio.wait_for(refused, WAIT)
    assert info.value.code == "invalid_field"
    assert key_hub.keys() == [good.idempotency_key]
    [aside] = outbox.set_aside()
    assert (aside.idempotency_key, aside.state, aside.error) == (
        bad.idempotency_key,
        "rejected",
        "invalid_field",
    )
    assert outbox.status.set_aside == 1 and outbox.pending() == 0
    outbox.close()


async def test_a_refused_token_keeps_the_writes_for_later(
    tmp_path: Path, keys: FileKeyStore, key_hub: KeyHub
) -> None:
    outbox = _outbox(tmp_path, keys)
    outbox.enqueue("A", "POST", "/cases/A/steps", {})
    async with HubClient(key_hub.url, "revoked-token") as client:
        assert not await outbox.deliver_pending(client)
    assert outbox.pending("A") == 1 and outbox.status.last_error == "invalid_token"
    outbox.close()


async def test_a_corrupt_row_is_set_aside_and_the_others_are_delivered(
    tmp_path: Path, keys: FileKeyStore, key_hub: KeyHub, key_hub_client: HubClient
) -> None:
    outbox = _outbox(tmp_path, keys)
    first = outbox.enqueue("A", "POST", "/cases/A/steps", {"n": 1})
    damaged = outbox.enqueue("A", "POST", "/cases/A/steps", {"n": 2})
    third = outbox.enqueue("B", "POST", "/cases/B/steps", {"n": 3})
    with sqlite3.connect(tmp_path / "data" / OUTBOX_FILE) as db:
        (sealed,) = db.execute(
            "SELECT sealed FROM entries WHERE seq = ?", (damaged.seq,)
        ).fetchone()
        flipped = bytes([sealed[0] ^ 0x40]) + sealed[1:]  # one bit rotted on the disk
        db.execute("UPDATE entries SET sealed = ? WHERE seq = ?", (flipped, damaged.seq))
    assert await outbox.deliver_pending(key_hub_client)
    assert key_hub.keys() == [first.idempotency_key, third.idempotency_key]
    [aside] = outbox.set_aside()
    assert aside.seq == damaged.seq and aside.state == "corrupt"
    assert aside.error == "outbox_corrupt"
    outbox.close()


def test_a_full_disk_is_a_clear_error_and_loses_nothing_saved_before(
    tmp_path: Path, keys: FileKeyStore
) -> None:
    outbox = _outbox(tmp_path, keys, max_bytes=64 * 1024)
    kept = [outbox.enqueue("A", "POST", "/cases/A/steps", {"n": n}) for n in range(3)]
    with pytest.raises(OutboxFull) as info:
        outbox.enqueue("A", "POST", "/cases/A/materials", {"photo": "x" * 200_000})
    assert info.value.code == "outbox_disk_full"
    assert [e.idempotency_key for e in outbox.entries()] == [e.idempotency_key for e in kept]
    outbox.enqueue("A", "POST", "/cases/A/steps", {"n": 3})  # small writes still fit
    assert outbox.pending("A") == 4
    outbox.close()


def test_a_file_that_is_not_a_database_is_reported_and_left_alone(
    tmp_path: Path, keys: FileKeyStore
) -> None:
    (tmp_path / "data").mkdir()
    path = tmp_path / "data" / OUTBOX_FILE
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(OutboxCorrupt, match="cannot be read"):
        _outbox(tmp_path, keys)
    assert path.read_bytes() == b"this is not sqlite" * 100


def test_a_key_that_does_not_match_the_database_is_refused(
    tmp_path: Path, keys: FileKeyStore
) -> None:
    outbox = _outbox(tmp_path, keys)
    outbox.enqueue("A", "POST", "/cases/A/steps", {})
    outbox.close()
    with pytest.raises(OutboxCorrupt, match="key does not match"):
        _outbox(tmp_path, FileKeyStore(tmp_path / "other-keys"))
    assert _outbox(tmp_path, keys).pending() == 1  # nothing was lost
