"""The save point of a service item and reopening a session recovery resumes."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.backend.keystore import FileKeyStore
from kiosk.backend.recovery import SessionJournal
from kiosk.booth_resume import (
    SAVE_POINT,
    SavePoint,
    reading_from_json,
    reading_to_json,
    resumable_session,
)
from kiosk.core.catalog import load_catalog
from kiosk.core.clock import FakeClock
from kiosk.core.errors import SessionError
from kiosk.flows.messages import IdentityVerified, Started
from kiosk.flows.workflow import Workflow
from kiosk.ocr.documents import Reading
from kiosk.privacy.vault import SessionVault


def _point() -> SavePoint:
    service = load_catalog().service("social-insurance-record")
    workflow = Workflow(service, "case-1")
    workflow.handle(Started())
    workflow.handle(IdentityVerified("reader", "张三", "11010519491231002X"))
    reading = Reading("id_card", {"name": "张三"}, {"name": 0.9}, {"id_number": True})
    return SavePoint(
        service=service.code,
        case_id="case-1",
        snapshot=workflow.snapshot(),
        reported=(0,),
        sent=("page-1",),
        readings={"page-1": reading_to_json(reading)},
        adopted={"hub_case_id": "h1", "service": service.code, "citizen_token": "tok"},
        language="en",
    )


def test_a_save_point_round_trips_and_restores_the_workflow_at_its_step() -> None:
    point = _point()
    again = SavePoint.from_bytes(point.to_bytes())
    assert again == point
    service = load_catalog().service(point.service)
    workflow = Workflow.restore(service, again.snapshot)
    assert workflow.current == 1 and workflow.values["applicant_name"] == "张三"
    reading = reading_from_json(again.readings["page-1"])
    assert reading.fields == {"name": "张三"} and reading.checks == {"id_number": True}
    assert "tok" not in repr(again)  # the citizen's token is not for logs


@pytest.mark.parametrize("data", [b"", b"[]", b'{"format": 2}', b'{"format": 1, "service": 1}'])
def test_a_damaged_save_point_is_refused(data: bytes) -> None:
    with pytest.raises(SessionError):
        SavePoint.from_bytes(data)


def test_a_session_is_reopened_with_the_key_the_journal_kept(tmp_path: Path) -> None:
    journal = SessionJournal(tmp_path, FakeClock(), FileKeyStore(tmp_path / "keys"))
    root = tmp_path / "sessions"
    vault = SessionVault(root=root, durable=True)
    journal.begin(vault.session_id)
    key = vault.durable_key()
    assert key is not None
    journal.keep_vault_key(vault.session_id, key)
    assert resumable_session(journal, root, vault.session_id).point is None  # at home
    point = _point()
    vault.put(SAVE_POINT, point.to_bytes())
    resumed = resumable_session(journal, root, vault.session_id)
    assert resumed.point == point and resumed.vault.session_id == vault.session_id
    journal.closing(vault.session_id, "booth_restart")  # the key is destroyed
    with pytest.raises(SessionError):
        resumable_session(journal, root, vault.session_id)
    journal.close()


def test_a_session_without_a_kept_key_or_folder_cannot_be_resumed(tmp_path: Path) -> None:
    journal = SessionJournal(tmp_path, FakeClock(), FileKeyStore(tmp_path / "keys"))
    root = tmp_path / "sessions"
    plain = SessionVault(root=root)  # a booth without a sensor: its key never leaves
    journal.begin(plain.session_id)
    with pytest.raises(SessionError):
        resumable_session(journal, root, plain.session_id)
    durable = SessionVault(root=root, durable=True)
    journal.begin(durable.session_id)
    journal.keep_vault_key(durable.session_id, durable.durable_key() or b"")
    durable.wipe()  # a power cut emptied the RAM-backed folder
    with pytest.raises(SessionError):
        resumable_session(journal, root, durable.session_id)
    journal.close()
