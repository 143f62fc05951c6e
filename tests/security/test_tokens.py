"""Bearer tokens stay out of URLs, logs and stored responses (docs/security.md).

Each test attacks a real hub (uvicorn on 127.0.0.1) as a stranger on the network or a
careless client would: a token put in a WebSocket or download URL, the hub's own access
log, the idempotency table read by whoever gets the database, a stranger replaying
someone else's Idempotency-Key.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import re
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from kiosk.hub import ws as hub_ws
from kiosk.hub.models import IdempotentResponse
from tests.hub.conftest import Hub, typed
from tests.hub.steps import TAX_CLEARANCE, reach_step

# What a credential of the hub looks like (kiosk.hub.auth, kiosk.hub.tickets).
CREDENTIAL = re.compile(rb"(cs|bt|dt)_[A-Za-z0-9_-]{20,}|ct\.[A-Za-z0-9_-]+\.[0-9]+\.")


def _case(hub: Hub, booth: str) -> dict[str, Any]:
    r = hub.post(
        booth,
        "/api/v1/cases",
        {"service": "enterprise-deregistration", "citizen": {"name": "张三"}},
        headers={"Idempotency-Key": "case-" + uuid.uuid4().hex},
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


# -- WebSockets ----------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/ws/clerk", "/ws/booth"])
def test_a_socket_with_its_token_in_the_url_is_refused(hub: Hub, path: str) -> None:
    token = hub.clerk("url-clerk", "tax") if path == "/ws/clerk" else hub.booth("url-booth")
    with pytest.raises(InvalidStatus) as refused:
        connect(f"{hub.server.ws_url}{path}?token={token}", open_timeout=5)
    assert refused.value.response.status_code == 403


def test_the_console_socket_authenticates_by_its_first_frame(hub: Hub) -> None:
    clerk = hub.clerk("frame-clerk", "tax")
    ws = hub.ws("/ws/clerk", clerk, first_frame=True)
    assert ws.wait_for(typed("welcome"))["department"] == "tax"
    # A wrong token in the auth frame: closed with 4401, nothing sent before.
    with connect(hub.server.ws_url + "/ws/clerk", open_timeout=5) as bad:
        bad.send('{"type": "auth", "token": "cs_not-a-session"}')
        with pytest.raises(ConnectionClosed):
            bad.recv(timeout=5)
    assert bad.close_code == 4401
    # A booth token is not a clerk's.
    with connect(hub.server.ws_url + "/ws/clerk", open_timeout=5) as wrong:
        wrong.send(json.dumps({"type": "auth", "token": hub.booth("not-a-clerk")}))
        with pytest.raises(ConnectionClosed):
            wrong.recv(timeout=5)
    assert wrong.close_code == 4401


def test_a_socket_that_never_authenticates_is_closed(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hub_ws, "AUTH_TIMEOUT_S", 0.5)
    with (
        connect(hub.server.ws_url + "/ws/clerk", open_timeout=5) as silent,
        pytest.raises(ConnectionClosed),
    ):
        silent.recv(timeout=5)
    assert silent.close_code == 4401


# -- logs ----------------------------------------------------------------------------------
@pytest.fixture
def uvicorn_log() -> Iterator[list[str]]:
    """Every line uvicorn logs (access log and WebSocket handshakes) at INFO, as a hub run
    with ``--log-level debug`` writes them."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Collect()
    loggers = [logging.getLogger(n) for n in ("uvicorn.access", "uvicorn.error")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.INFO)
        logger.addHandler(handler)
    try:
        yield lines
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)


def test_a_token_put_in_a_url_never_reaches_the_log(hub: Hub, uvicorn_log: list[str]) -> None:
    clerk = hub.clerk("logged", "tax")
    booth = hub.booth("logged-booth")
    case = _case(hub, booth)
    # Careless clients put tokens in URLs; the hub refuses them, and must not log them.
    hub.http.get("/api/v1/health", params={"token": clerk})
    hub.http.get(f"/api/v1/cases/{case['id']}", params={"token": case["citizen_token"]})
    with (
        contextlib.suppress(InvalidStatus),  # refused, and even so not logged
        connect(f"{hub.server.ws_url}/ws/clerk?token={clerk}", open_timeout=5),
    ):
        pass
    ws = hub.ws("/ws/booth", booth)
    ws.wait_for(typed("welcome"))
    logged = "\n".join(uvicorn_log)
    assert "/api/v1/health" in logged and "/ws/clerk" in logged  # the log was captured
    for secret in (clerk, booth, case["citizen_token"]):
        assert secret not in logged


# -- download links ------------------------------------------------------------------------
def test_certificates_open_by_one_time_tickets_never_by_a_token_in_the_url(hub: Hub) -> None:
    booth = hub.booth("cert-booth")
    booth_ws = hub.ws("/ws/booth", booth)
    booth_ws.wait_for(typed("welcome"))
    clerk = hub.clerk("issuer", "tax", ("clerk", "admin"))
    case = _case(hub, booth)
    citizen = case["citizen_token"]
    reach_step(hub, case["id"], TAX_CLEARANCE)
    r = hub.post(clerk, f"/api/v1/cases/{case['id']}/certificates", {"title": "清税证明"})
    assert r.status_code == 201, r.text
    cert = r.json()
    # What goes to the booth and the phone names the PDF, with no credential in it.
    push = booth_ws.wait_for(
        lambda f: f.get("name") == "push" and f["data"].get("kind") == "certificate"
    )
    assert not CREDENTIAL.search(push["data"]["pdf_url"].encode())
    overview = hub.get(citizen, "/api/v1/citizen/overview").json()
    (listed,) = overview["cases"][0]["certificates"]
    assert not CREDENTIAL.search(listed["pdf_url"].encode())
    # The token in the URL opens nothing.
    assert hub.http.get(cert["pdf_url"], params={"token": citizen}).status_code == 401
    # A ticket: asked for with the header, good once.
    ticket = hub.post(citizen, f"/api/v1/certificates/{cert['id']}/download")
    assert ticket.status_code == 200, ticket.text
    url = ticket.json()["url"]
    assert citizen not in url and not re.search(r"[?&]token=", url)
    first = hub.http.get(url)
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    assert first.headers["cache-control"] == "private, no-store"
    assert hub.http.get(url).status_code == 404
    # Only for who may see the case: another citizen gets no ticket.
    stranger = _case(hub, booth)["citizen_token"]
    assert hub.post(stranger, f"/api/v1/certificates/{cert['id']}/download").status_code == 404
    assert hub.post(None, f"/api/v1/certificates/{cert['id']}/download").status_code == 401
    # A ticket not used within its minute is dead.
    from kiosk.hub.models import DownloadTicket

    late = hub.post(citizen, f"/api/v1/certificates/{cert['id']}/download").json()["url"]
    with hub.state.db() as db:
        db.execute(
            update(DownloadTicket).values(
                expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
            )
        )
    assert hub.http.get(late).status_code == 404
    # The read is audited as the citizen's.
    audit = hub.get(clerk, f"/api/v1/cases/{case['id']}")
    assert audit.status_code == 200


# -- the idempotency table -------------------------------------------------------------------
def _stored_bodies(hub: Hub) -> list[bytes]:
    with hub.state.sessions() as db:
        return [row.body for row in db.scalars(select(IdempotentResponse))]


def test_no_credential_is_stored_in_the_idempotency_table(hub: Hub) -> None:
    booth = hub.booth("idem-booth")
    booth_ws = hub.ws("/ws/booth", booth)
    booth_ws.wait_for(typed("welcome"))
    hub.clerk("idem-clerk", "tax")
    key = {"Idempotency-Key": "login-1"}
    login = {"username": "idem-clerk", "password": "correct horse battery"}
    first = hub.post(None, "/api/v1/auth/login", login, headers=key)
    assert first.status_code == 200
    # A retried login runs again: a session of its own, not the first one from storage.
    again = hub.post(None, "/api/v1/auth/login", login, headers=key)
    assert again.status_code == 200 and again.json()["token"] != first.json()["token"]
    booking = {
        "service": "enterprise-deregistration",
        "booth_id": "idem-booth",
        "slot_at": "2099-01-02T10:00:00+08:00",
        "name": "王女士",
        "phone": "13900000001",
    }
    booked = hub.post(None, "/api/v1/appointments", booking, headers={"Idempotency-Key": "b-1"})
    assert booked.status_code == 201, booked.text
    citizen = booked.json()["citizen_token"]
    hub.post(
        citizen,
        "/api/v1/booths/idem-booth/open-door",
        {"appointment_id": booked.json()["appointment"]["id"]},
        headers={"Idempotency-Key": "door-1"},
    )
    case_key = {"Idempotency-Key": "case-1"}
    body = {"service": "enterprise-deregistration", "citizen": {"name": "李四"}}
    case = hub.post(booth, "/api/v1/cases", body, headers=case_key)
    assert case.status_code == 201
    hub.post(citizen, f"/api/v1/cases/{case.json()['id']}/ratings", {"ratings": []})
    bodies = _stored_bodies(hub)
    assert bodies, "the booth's case was stored for its retries"
    for stored in bodies:
        assert not CREDENTIAL.search(stored), stored[:300]
    # The booth's retry still gets its case (not a second one), with a citizen link that works.
    replay = hub.post(booth, "/api/v1/cases", body, headers=case_key)
    assert replay.headers.get("idempotent-replay") == "true"
    assert replay.json()["id"] == case.json()["id"]
    token = replay.json()["citizen_token"]
    assert token in replay.json()["citizen_url"]
    assert hub.get(token, f"/api/v1/cases/{case.json()['id']}").status_code == 200


def test_a_stranger_replaying_someones_key_gets_nothing_of_theirs(hub: Hub) -> None:
    hub.booth("replay-booth")
    booking = {
        "service": "enterprise-deregistration",
        "booth_id": "replay-booth",
        "slot_at": "2099-01-02T10:00:00+08:00",
        "name": "王女士",
        "phone": "13900000002",
    }
    key = {"Idempotency-Key": "guessable-key"}
    hers = hub.post(None, "/api/v1/appointments", booking, headers=key)
    assert hers.status_code == 201, hers.text
    # Same key, same body, from the same address (a NAT, a proxy): never her link.
    theirs = hub.post(None, "/api/v1/appointments", booking, headers=key)
    assert theirs.headers.get("idempotent-replay") != "true"
    assert hers.json()["citizen_token"] not in theirs.text
    # Anonymous answers without credentials are kept apart by address: from another
    # address the key is a new one.
    code = {"phone": "13900000002"}
    hub.post(None, "/api/v1/citizen/code", code, headers={"Idempotency-Key": "code-key"})
    transport = httpx.HTTPTransport(local_address="127.0.0.2")
    with httpx.Client(base_url=hub.url, transport=transport, timeout=15) as elsewhere:
        r = elsewhere.post(
            "/api/v1/citizen/code", json=code, headers={"Idempotency-Key": "code-key"}
        )
    assert r.headers.get("idempotent-replay") != "true"


def test_idempotency_rows_expire_and_are_purged(hub: Hub) -> None:
    booth = hub.booth("ttl-booth")
    key = {"Idempotency-Key": "old-key"}
    body = {"service": "enterprise-deregistration", "citizen": {"name": "赵六"}}
    first = hub.post(booth, "/api/v1/cases", body, headers=key)
    assert first.status_code == 201
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=60)  # past any sane keeping
    with hub.state.db() as db:
        db.execute(update(IdempotentResponse).values(created_at=long_ago))
    # Past its time the key is not replayed ...
    again = hub.post(booth, "/api/v1/cases", body, headers=key)
    assert again.headers.get("idempotent-replay") != "true"
    assert again.json()["id"] != first.json()["id"]
    # ... and a purge deletes what has expired, and only that.
    from kiosk.hub.idempotency import purge_expired_idempotency

    ttl = hub.state.settings.idempotency_ttl_s
    assert ttl < 60 * 24 * 3600
    with hub.state.db() as db:
        stale = IdempotentResponse(scope="s", key="stale", request_hash="h", status=200, body=b"")
        stale.created_at = long_ago
        db.add(stale)
    with hub.state.db() as db:
        purged = purge_expired_idempotency(db, dt.datetime.now(dt.UTC), ttl)
    assert purged == 1
    with hub.state.sessions() as db:
        assert [r.key for r in db.scalars(select(IdempotentResponse))] == ["old-key"]
