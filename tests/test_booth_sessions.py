"""The booth notes its citizen sessions in the recovery journal, and forgets ended ones."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.backend.recovery import SessionJournal
from kiosk.booth.sessions import SessionTracker
from kiosk.core.clock import FakeClock


class Signal:
    def __init__(self) -> None:
        self.slots: list[Callable[[bool], None]] = []

    def connect(self, slot: Callable[[bool], None]) -> None:
        self.slots.append(slot)

    def emit(self, value: bool) -> None:
        for slot in self.slots:
            slot(value)


@dataclass
class Bridge:
    session_changed: Signal = field(default_factory=Signal)


@dataclass
class Vault:
    session_id: str


@dataclass
class Ui:
    bridge: Bridge = field(default_factory=Bridge)
    session: Vault | None = None

    def start(self, session_id: str) -> None:
        self.session = Vault(session_id)
        self.bridge.session_changed.emit(True)

    def end(self) -> None:
        self.session = None
        self.bridge.session_changed.emit(False)


def test_a_running_session_and_its_cases_are_noted_until_it_ends(tmp_path: Path) -> None:
    journal = SessionJournal(tmp_path, FakeClock())
    tracker = SessionTracker(journal)
    ui = Ui()
    tracker.attach(ui)
    ui.start("s1")
    tracker.add_case("s1", "case-a")
    (note,) = journal.unfinished()
    assert note.session_id == "s1" and note.case_ids == ("case-a",) and note.state == "open"
    ui.end()
    assert journal.unfinished() == []
    ui.end()  # the UI says "no session" again: nothing to do
    assert tracker.current is None


def test_an_interrupted_session_stays_in_the_journal_for_the_next_start(tmp_path: Path) -> None:
    journal = SessionJournal(tmp_path, FakeClock())
    tracker = SessionTracker(journal)
    ui = Ui()
    tracker.attach(ui)
    ui.start("s2")
    tracker.add_case("s2", "case-b")
    journal.close()  # the process dies here
    again = SessionJournal(tmp_path, FakeClock())
    assert [(n.session_id, n.case_ids) for n in again.unfinished()] == [("s2", ("case-b",))]


def test_a_case_opened_before_the_ui_reported_the_session_is_still_noted(tmp_path: Path) -> None:
    journal = SessionJournal(tmp_path, FakeClock())
    SessionTracker(journal).add_case("s3", "case-c")
    assert [n.case_ids for n in journal.unfinished()] == [("case-c",)]


def test_a_durable_sessions_vault_key_is_kept_sealed_until_it_ends(tmp_path: Path) -> None:
    from kiosk.backend.keystore import FileKeyStore
    from kiosk.privacy.vault import SessionVault

    journal = SessionJournal(tmp_path, FakeClock(), FileKeyStore(tmp_path / "keys"))
    tracker = SessionTracker(journal)
    ui = Ui()
    tracker.attach(ui)
    vault = SessionVault(root=tmp_path / "sessions", durable=True)
    ui.session = vault  # type: ignore[assignment]
    ui.bridge.session_changed.emit(True)
    assert journal.vault_key(vault.session_id) == vault.durable_key()
    ui.end()
    assert journal.vault_key(vault.session_id) is None and journal.unfinished() == []
    plain = SessionVault(root=tmp_path / "sessions")
    ui.session = plain  # type: ignore[assignment]
    ui.bridge.session_changed.emit(True)
    assert journal.vault_key(plain.session_id) is None  # its key never leaves the process
