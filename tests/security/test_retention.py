"""Retention (issue 14, item 5): past the configured days, a closed case's personal data
and images leave the database (the file too), open cases stay whole, expired rows go; and
every clerk's view of a citizen's materials is in the audit log."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from kiosk.config import RetentionConfig
from kiosk.core.clock import FakeClock
from kiosk.hub import retention
from kiosk.hub.models import (
    AuditEntry,
    Case,
    ClerkSession,
    IdempotentResponse,
    MaterialRecord,
    Notification,
    SmsCode,
)
from kiosk.hub.server import HubServer
from tests.hub.conftest import PASSWORD, Hub, hub_settings
from tests.security.test_at_rest import NAME, PHONE, fill_a_case, jpeg

DAY = 24 * 3600.0
POLICY = RetentionConfig(
    closed_case_days=30,
    material_image_days=7,
    appointment_days=30,
    notification_days=60,
    audit_log_days=400,
    sms_code_days=1,
    clerk_session_days=1,
    idempotency_days=1,
)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(dt.datetime.now(dt.UTC))


@pytest.fixture
def hub(db_url: str, catalog: Any, clock: FakeClock) -> Iterator[Hub]:
    settings = dataclasses.replace(hub_settings(db_url), retention=POLICY)
    server = HubServer(settings, catalog=catalog, clock=clock).start()
    h = Hub(server)
    try:
        yield h
    finally:
        h.close()
        server.stop()


def login(hub: Hub, username: str) -> str:
    """A fresh session (the clock jumps days: sessions live hours)."""
    r = hub.http.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return str(r.json()["token"])


def refuse(hub: Hub, case: dict[str, Any], clerk: str) -> None:
    """The department's clerk refuses the review: the case is closed (rejected)."""
    review = next(s for s in case["steps"] if s["kind"] == "review")
    r = hub.post(
        clerk,
        f"/api/v1/cases/{case['id']}/steps/{review['position']}/refuse",
        {"reason": "租赁合同已过期"},
        headers={"Idempotency-Key": "refuse-1"},  # its first answer is stored
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "rejected"


def test_past_retention_a_closed_case_loses_its_personal_data_and_expired_rows_go(
    hub: Hub, db_url: str, clock: FakeClock
) -> None:
    closed_image, open_image = jpeg(11), jpeg(12)
    closed = fill_a_case(hub, closed_image)
    still_open = fill_a_case(hub, open_image)
    hpf = hub.clerk("hpf1", "hpf")
    refuse(hub, closed, hpf)
    assert hub.post(None, "/api/v1/citizen/code", {"phone": PHONE}).status_code == 202
    with hub.state.sessions() as db:
        stored_image = db.execute(
            select(MaterialRecord.image).where(MaterialRecord.case_id == closed["id"])
        ).scalar()
        assert stored_image == closed_image
        for what in (SmsCode, Notification, AuditEntry, IdempotentResponse, ClerkSession):
            assert db.scalar(select(func.count()).select_from(what)), what
    ciphertext = raw_image(db_url, closed["material"]["id"])
    if ciphertext is not None:  # the check below would see it, were it left
        assert ciphertext[100:164] in sqlite_bytes(db_url)

    # Within the retention nothing is touched.
    clock.advance(5 * DAY)
    retention.purge(hub.state)
    hpf = login(hub, "hpf1")
    seen = hub.get(hpf, f"/api/v1/cases/{closed['id']}").json()
    assert seen["citizen"]["name"] == NAME and seen["materials"][0]["has_image"]

    # Past the images' retention: the closed case's image goes, the open case's stays.
    clock.advance(3 * DAY)
    counts = retention.purge(hub.state)
    assert counts["images"] == 1
    hpf = login(hub, "hpf1")
    assert hub.get(hpf, f"/api/v1/materials/{closed['material']['id']}/image").status_code == 404
    assert (
        hub.get(hpf, f"/api/v1/materials/{still_open['material']['id']}/image").content
        == open_image
    )
    if ciphertext is not None:  # SQLite: the encrypted image left the file too
        assert ciphertext[100:164] not in sqlite_bytes(db_url)

    # Past the cases' retention: the personal data goes, the skeleton stays.
    clock.advance(30 * DAY)
    stale = hpf
    counts = retention.purge(hub.state)
    assert counts["cases"] == 1
    with hub.state.sessions() as db:
        case = db.get(Case, closed["id"])
        assert case is not None and case.purged_at is not None
        assert case.citizen_phone_index == ""  # the phone finds it no more
        # Expired rows are gone: the SMS code, the clerk's sessions, the stored answers.
        for what in (SmsCode, ClerkSession, IdempotentResponse):
            assert db.scalar(select(func.count()).select_from(what)) == 0, what
        audit = db.scalars(
            select(AuditEntry).where(AuditEntry.subject == f"case:{closed['id']}")
        ).all()
        assert any(a.actor == "hub:retention" for a in audit)
    assert hub.get(stale, "/api/v1/me").status_code == 401
    hpf = login(hub, "hpf1")
    seen = hub.get(hpf, f"/api/v1/cases/{closed['id']}").json()
    assert seen["status"] == "rejected" and seen["service"] == "hpf-withdrawal-rent"
    assert seen["citizen"] == {"name": "", "id_number": "", "phone": ""}
    assert seen["form"] == {} and seen["materials"][0]["ocr_fields"] == {}
    assert [s["status"] for s in seen["steps"] if s["kind"] == "review"] == ["rejected"]
    assert any(h["what"] == "step_refused" for h in seen["history"])  # kept for statistics
    kept = hub.get(hpf, f"/api/v1/cases/{still_open['id']}").json()
    assert kept["citizen"]["name"] == NAME and kept["form"]["bank_account"]

    # Past the inbox's and the audit log's retention, those go too.
    clock.advance(400 * DAY)
    counts = retention.purge(hub.state)
    assert counts["notifications"] >= 1 and counts["audit_log"] >= 1
    with hub.state.sessions() as db:
        assert db.scalar(select(func.count()).select_from(Notification)) == 0


def raw_image(db_url: str, material_id: str) -> bytes | None:
    if not db_url.startswith("sqlite"):
        return None
    path = db_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        (blob,) = conn.execute(
            "SELECT image FROM materials WHERE id = ?", (material_id,)
        ).fetchone()
    return bytes(blob)


def sqlite_bytes(db_url: str) -> bytes:
    path = Path(db_url.removeprefix("sqlite:///"))
    return b"".join(
        p.read_bytes() for p in path.parent.glob(path.name + "*") if p.suffix != ".keys"
    )


def test_a_clerk_viewing_a_citizens_materials_leaves_an_audit_row(hub: Hub) -> None:
    case = fill_a_case(hub, jpeg())
    material = case["material"]["id"]
    hpf = hub.clerk("hpf1", "hpf")
    clerk = f"clerk:{hub.clerk_id(hpf)}"

    def reads() -> list[str]:
        with hub.state.sessions() as db:
            return [
                e.detail
                for e in db.scalars(
                    select(AuditEntry).where(
                        AuditEntry.subject == f"material:{material}",
                        AuditEntry.actor == clerk,
                        AuditEntry.action == "read",
                    )
                )
            ]

    assert reads() == []
    hub.get(hpf, f"/api/v1/cases/{case['id']}")  # its OCR fields are in the case view
    assert reads() == [f"fields case:{case['id']}"]
    assert hub.get(hpf, f"/api/v1/materials/{material}/image").status_code == 200
    assert reads()[-1] == f"image case:{case['id']}"


def test_a_retention_of_zero_days_is_refused_at_start(tmp_path: Path) -> None:
    from kiosk.config import load_config
    from kiosk.core.errors import ConfigError
    from kiosk.hub.settings import HubSettings

    config = tmp_path / "hub.toml"
    config.write_text("[hub_server.retention]\nclosed_case_days = 180\naudit_log_days = 0\n")
    server = load_config(config, environ={}).hub_server
    assert server.retention.closed_case_days == 180
    with pytest.raises(ConfigError, match=r"retention\.audit_log_days: must be more than 0"):
        HubSettings.from_config(server)


def test_the_hub_runs_the_job_when_it_starts(tmp_path: Path, catalog: Any) -> None:
    """The job lives in the hub's lifespan: a hub started on old rows purges them."""

    db_url = f"sqlite:///{tmp_path}/hub.sqlite3"
    settings = dataclasses.replace(hub_settings(db_url), retention=POLICY)
    server = HubServer(settings, catalog=catalog).start()
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    with server.state.db() as db:
        db.add(SmsCode(phone_index="0" * 40, code_hash="x", citizen_ref="r", expires_at=long_ago))
    server.stop()
    server = HubServer(settings, catalog=catalog).start()
    try:
        passed = server.state.retention_passed
        assert passed.wait(20)
        with server.state.sessions() as db:
            assert db.scalar(select(func.count()).select_from(SmsCode)) == 0
    finally:
        server.stop()
