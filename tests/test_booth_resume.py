"""The save point of a service item and reopening a session recovery resumes."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from kiosk.backend.keystore import FileKeyStore
from kiosk.backend.recovery import SessionJournal
from kiosk.booth.resume import (
    SAVE_POINT,
    SavePoint,
    reading_from_json,
    reading_to_json,
    resumable_session,
)
from kiosk.core.catalog import load_catalog
from kiosk.core.clock import FakeClock
from kiosk.core.errors import SessionError
from kiosk.devices.door.emulator import RelayModel
from kiosk.devices.pty_emulator import PtyEmulator
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


# -- the composition root at start-up: decide first, wipe after ------------------------------


async def _start_booth(tmp_path: Path, occupied: bool) -> tuple[Any, Any, Any]:
    """A booth (kiosk.booth.root.Booth) whose relay board, on a pty, says whether she is in."""
    from kiosk.booth.root import Booth
    from kiosk.config import load_config
    from kiosk.ui.booth_ui import BoothUi

    model = RelayModel(address=1, inputs=4)
    model.set_input(0, True)  # the door is shut
    model.set_input(1, occupied)
    emulator = PtyEmulator(model)
    await emulator.start()
    base = load_config(environ={})
    config = dataclasses.replace(
        base,
        booth=dataclasses.replace(
            base.booth,
            data_dir=str(tmp_path / "booth"),
            session_dir=str(tmp_path / "sessions"),
            fullscreen=False,
        ),
        hub=dataclasses.replace(base.hub, url="http://127.0.0.1:9", token="t"),
        ocr=dataclasses.replace(base.ocr, engine="tesseract"),
        devices=dataclasses.replace(
            base.devices,
            door=dataclasses.replace(base.devices.door, port=emulator.path),
            door_contact_input=0,
            occupancy_input=1,
            document_camera="synthetic",
        ),
    )
    booth = Booth(config)
    ui = BoothUi(config.booth, booth.collaborators())
    ui.show()
    await booth.start(ui)
    return booth, ui, emulator


def _interrupted(tmp_path: Path, point: SavePoint) -> tuple[str, Path]:
    """What a booth killed mid-session leaves: a journal note with the vault key, the
    session's durable vault with its save point, and the folder of an older crash."""
    journal = SessionJournal(tmp_path / "booth", FakeClock(), FileKeyStore(tmp_path / "booth/keys"))
    vault = SessionVault(root=tmp_path / "sessions", durable=True)
    journal.begin(vault.session_id)
    journal.keep_vault_key(vault.session_id, vault.durable_key() or b"")
    vault.put(SAVE_POINT, point.to_bytes())
    journal.close()
    older = SessionVault(root=tmp_path / "sessions")
    older.put("id_card.jpg", b"\xff\xd8" + bytes(300_000))
    return vault.session_id, older.directory


async def test_a_resumed_session_keeps_its_vault_and_older_crashes_are_wiped(
    tmp_path: Path, qapp: Any
) -> None:
    from kiosk.backend.recovery import Decision

    session_id, older = _interrupted(tmp_path, _point())
    qapp.setQuitOnLastWindowClosed(False)
    booth, ui, emulator = await _start_booth(tmp_path, occupied=True)
    try:
        assert [r.decision for r in booth.recovered] == [Decision.RESUME]
        assert ui.session is not None and ui.session.session_id == session_id
        assert SavePoint.from_bytes(ui.session.get(SAVE_POINT)) == _point()
        assert ui.bridge.language == "en"  # the language she had chosen
        assert not older.exists()  # a crash the journal does not know: wiped as before
        assert booth.journal.vault_key(session_id) is not None
    finally:
        ui.end_session("citizen")  # her idle timer must not outlive the test
        ui.close()
        await booth.stop()
        emulator.close()


async def test_a_save_point_the_catalog_no_longer_fits_is_closed_and_wiped(
    tmp_path: Path, qapp: Any
) -> None:
    from kiosk.backend.recovery import Decision

    stale = dataclasses.replace(_point(), snapshot={**_point().snapshot, "steps": ["gone:"]})
    session_id, _older = _interrupted(tmp_path, stale)
    qapp.setQuitOnLastWindowClosed(False)
    booth, ui, emulator = await _start_booth(tmp_path, occupied=True)
    try:
        assert [r.decision for r in booth.recovered] == [Decision.CLOSE]
        assert ui.session is None and ui.bridge.screen == "attract"
        assert list((tmp_path / "sessions").iterdir()) == []  # hers and the older one
        (note,) = booth.journal.unfinished()
        assert (note.session_id, note.state) == (session_id, "closing")  # the hub is told
    finally:
        ui.close()
        await booth.stop()
        emulator.close()


async def test_a_write_made_again_after_a_restart_before_its_save_point_is_saved_once(
    tmp_path: Path,
) -> None:
    """Killed after an event's write reached the outbox and before the save point after
    it, the booth resumes from the save point before the event. The citizen does the same
    again: the same write gets the same key and is saved once. Had she done something else,
    that write is saved too, not mistaken for the first."""
    from kiosk.backend.hub_port import BoothHub
    from kiosk.backend.outbox import Outbox
    from kiosk.booth.service import WriteKeys
    from kiosk.flows.messages import FieldEdited

    keys = FileKeyStore(tmp_path / "keys")
    service = load_catalog().service("social-insurance-record")

    def booth(snapshot: dict[str, Any] | None) -> tuple[Outbox, Workflow, BoothHub]:
        outbox = Outbox(tmp_path / "outbox", keys, FakeClock())  # the same file each start
        workflow = Workflow.restore(service, snapshot) if snapshot else Workflow(service, "case-1")
        keys_of_writes = WriteKeys(outbox, "s-1", workflow)
        channel: Any = None  # no event requests here: writes only
        hub = BoothHub(outbox, channel, session_id="s-1", write_key=keys_of_writes)
        return outbox, workflow, hub

    async def she_types(workflow: Workflow, hub: BoothHub, phone: str) -> None:
        workflow.handle(FieldEdited("phone", phone))
        await hub.send_field("case-1", "phone", phone)

    outbox, workflow, hub = booth(None)
    workflow.handle(Started())
    save_point = workflow.snapshot()
    await she_types(workflow, hub, "13800138000")
    assert outbox.pending("case-1") == 1
    outbox.close()  # SIGKILLed here: no save point after the event

    outbox, workflow, hub = booth(save_point)
    await she_types(workflow, hub, "13800138000")
    assert outbox.pending("case-1") == 1  # the same write: saved once
    outbox.close()

    outbox, workflow, hub = booth(save_point)
    await she_types(workflow, hub, "13900139000")
    assert outbox.pending("case-1") == 2  # another write: saved as well
    outbox.close()
