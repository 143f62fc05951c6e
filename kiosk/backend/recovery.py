"""Recovery after the booth restarted in the middle of a citizen's session.

While a session runs, :class:`SessionJournal` keeps a durable note of it in the data
directory (``sessions.sqlite3``): its id, the booth's ids of its cases and when it began.
Only ids and times, nothing the citizen said or showed. Ending the session normally
closes the note. A booth that can resume sessions also keeps there the key of the
session's durable vault (``kiosk.privacy.vault``), sealed with a booth key from its key
store: without it the vault's files are unreadable, and closing the note destroys it.

At start-up, :class:`Recovery` looks for notes that were never closed: those sessions
were interrupted (power cut, crash, SIGKILL). For each one it asks the door/presence
sensor whether the citizen is still in the booth:

- present (the sensor says so) -> **resume**: the note stays open and the booth picks the
  session up again from its vault (``kiosk.booth.resume``); the outbox still holds its
  unsent writes. If the vault cannot be read (no key kept, or a power cut emptied the
  RAM-backed session folder), the booth calls :meth:`Recovery.abandon`, which closes it;
- absent or unknown -> **close safely**: the session's writes stay in the outbox and are
  delivered (the case stays on the hub, where the citizen can follow it from the phone);
  a ``session_ended`` event with reason ``booth_restart`` tells the hub; the booth's
  copy of the session's data is wiped (by the injected ``wipe`` callable, e.g.
  ``kiosk.privacy.vault.wipe_session``).

Closing is itself durable: the note goes to ``closing`` first and to ``closed`` only
once the hub has acknowledged ``session_ended``, so a booth that restarts again before
the hub heard of it tells the hub after that restart (ending an ended session twice is
harmless on the hub).
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import logging
import os
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kiosk.backend.keystore import KeyStore
from kiosk.core.clock import Clock
from kiosk.core.errors import HubRejected, HubUnavailable, XiaowuError

log = logging.getLogger(__name__)

JOURNAL_FILE = "sessions.sqlite3"
BOOTH_RESTART = "booth_restart"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    session_id TEXT PRIMARY KEY,
    case_ids   TEXT NOT NULL DEFAULT '[]',
    started_at TEXT NOT NULL,
    state      TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closing', 'closed')),
    reason     TEXT,
    ended_at   TEXT,
    vault_key  BLOB  -- the durable vault's key, sealed; NULL once the session is closing
);
"""
_KEY_NAME = "session-vaults"
_NONCE = 12


class JournalError(XiaowuError):
    """The session journal cannot be written or read."""

    code = "session_journal"


@dataclass(frozen=True, slots=True)
class SessionNote:
    """What the journal knows of one session."""

    session_id: str
    case_ids: tuple[str, ...]
    started_at: dt.datetime
    state: str  # "open", "closing" or "closed"
    reason: str | None = None


class SessionJournal:
    """Durable notes of the sessions running on this booth."""

    def __init__(self, directory: Path, clock: Clock, keys: KeyStore | None = None) -> None:
        """``keys``: where the booth key that seals vault keys lives (None: no vault keys)."""
        self._clock = clock
        self._keys = keys
        path = Path(directory) / JOURNAL_FILE
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not path.exists():
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(sessions)")}
            if "vault_key" not in columns:  # a journal written before vault keys were kept
                self._db.execute("ALTER TABLE sessions ADD COLUMN vault_key BLOB")
        except (OSError, sqlite3.DatabaseError) as exc:
            raise JournalError(f"cannot open the session journal at {path}: {exc}") from exc

    def close(self) -> None:
        self._db.close()

    def begin(self, session_id: str, case_ids: Sequence[str] = ()) -> None:
        """Note that a session started (again: a no-op)."""
        self._write(
            "INSERT OR IGNORE INTO sessions (session_id, case_ids, started_at) VALUES (?, ?, ?)",
            (session_id, json.dumps(list(case_ids)), self._clock.now().isoformat()),
        )

    def add_case(self, session_id: str, case_id: str) -> None:
        """Note that the session opened (or continued) a case."""
        note = self.get(session_id)
        if note is None:
            raise ValueError(f"no session {session_id!r} in the journal")
        if case_id not in note.case_ids:
            self._write(
                "UPDATE sessions SET case_ids = ? WHERE session_id = ?",
                (json.dumps([*note.case_ids, case_id]), session_id),
            )

    def keep_vault_key(self, session_id: str, key: bytes) -> None:
        """Keep the key of the session's durable vault, sealed, while the session is open."""
        if self._keys is None:
            raise JournalError("this journal has no key store to seal vault keys with")
        nonce = os.urandom(_NONCE)
        sealed = nonce + AESGCM(self._keys.key(_KEY_NAME)).encrypt(nonce, key, session_id.encode())
        self._write(
            "UPDATE sessions SET vault_key = ? WHERE session_id = ? AND state = 'open'",
            (sealed, session_id),
        )

    def vault_key(self, session_id: str) -> bytes | None:
        """The session's vault key; None if none was kept or it cannot be unsealed."""
        row = self._db.execute(
            "SELECT vault_key FROM sessions WHERE session_id = ? AND state = 'open'",
            (session_id,),
        ).fetchone()
        if row is None or row[0] is None or self._keys is None:
            return None
        sealed = bytes(row[0])
        try:
            return AESGCM(self._keys.key(_KEY_NAME)).decrypt(
                sealed[:_NONCE], sealed[_NONCE:], session_id.encode()
            )
        except InvalidTag:
            log.error("the vault key of session %s cannot be unsealed", session_id)
            return None

    def closing(self, session_id: str, reason: str) -> None:
        """The session is over on the booth; the hub has yet to hear it. Its vault key is
        destroyed."""
        self._write(
            "UPDATE sessions SET state = 'closing', reason = ?, ended_at = ?, vault_key = NULL"
            " WHERE session_id = ? AND state = 'open'",
            (reason, self._clock.now().isoformat(), session_id),
        )

    def closed(self, session_id: str) -> None:
        """The hub acknowledged the end of the session: forget it."""
        self._write("DELETE FROM sessions WHERE session_id = ?", (session_id,))

    def get(self, session_id: str) -> SessionNote | None:
        row = self._db.execute(
            "SELECT session_id, case_ids, started_at, state, reason FROM sessions"
            " WHERE session_id = ?",
            (session_id,),
        ).fetchone()
        return None if row is None else _note(row)

    def unfinished(self) -> list[SessionNote]:
        """Sessions never closed ("open") or whose end the hub has not heard ("closing")."""
        rows = self._db.execute(
            "SELECT session_id, case_ids, started_at, state, reason FROM sessions"
            " WHERE state != 'closed' ORDER BY started_at"
        ).fetchall()
        return [_note(row) for row in rows]

    def _write(self, sql: str, params: tuple[Any, ...]) -> None:
        try:
            self._db.execute(sql, params)
        except sqlite3.DatabaseError as exc:
            raise JournalError(f"cannot write the session journal: {exc}") from exc


def _note(row: tuple[Any, ...]) -> SessionNote:
    session_id, case_ids, started_at, state, reason = row
    return SessionNote(
        session_id,
        tuple(json.loads(case_ids)),
        dt.datetime.fromisoformat(started_at),
        state,
        reason,
    )


class PresenceProbe(Protocol):
    """Whether a citizen is in the booth: True, False, or None when the sensor can't say."""

    async def citizen_present(self) -> bool | None: ...


class HubEvents(Protocol):
    """Sends an event and waits for the hub's ack (``BoothChannel.request``)."""

    async def request(
        self, name: str, data: dict[str, Any] | None = None, *, timeout_s: float = 10.0
    ) -> dict[str, Any]: ...


class PendingWrites(Protocol):
    """The outbox, as far as recovery needs it."""

    def hub_case_id(self, case_id: str) -> str | None: ...

    def pending(self, case_id: str | None = None) -> int: ...


class Decision(enum.StrEnum):
    RESUME = "resume"
    CLOSE = "close"


@dataclass(frozen=True, slots=True)
class Recovered:
    """What became of one interrupted session."""

    session_id: str
    decision: Decision
    pending_writes: int  # the session's cases' writes still waiting in the outbox


def decide(note: SessionNote, citizen_present: bool | None) -> Decision:
    """Resume only a session that was running and whose citizen the sensor sees."""
    if note.state == "open" and citizen_present is True:
        return Decision.RESUME
    return Decision.CLOSE


class Recovery:
    """Finds interrupted sessions at start-up and resumes or closes each one."""

    def __init__(
        self,
        journal: SessionJournal,
        outbox: PendingWrites,
        hub: HubEvents,
        presence: PresenceProbe,
        wipe: Callable[[str], None],
    ) -> None:
        self._journal = journal
        self._outbox = outbox
        self._hub = hub
        self._presence = presence
        self._wipe = wipe

    async def recover(self) -> list[Recovered]:
        """Decide for every unfinished session; the wiping is done before this returns.

        Telling the hub happens in :meth:`notify_hub` (it needs the hub to be reachable).
        """
        outcomes = []
        for note in self._journal.unfinished():
            present = await self._ask_presence() if note.state == "open" else False
            decision = decide(note, present)
            pending = sum(self._outbox.pending(case) for case in note.case_ids)
            if decision is Decision.CLOSE:
                if note.state == "open":
                    self._journal.closing(note.session_id, BOOTH_RESTART)
                self._wipe(note.session_id)
            log.info(
                "interrupted session %s: %s (%d writes still to send)",
                note.session_id,
                decision,
                pending,
            )
            outcomes.append(Recovered(note.session_id, decision, pending))
        return outcomes

    def abandon(self, session_id: str) -> None:
        """Close a session recovery meant to resume but the booth cannot (its data is
        gone): like a close, the hub is told by :meth:`notify_hub` and the copy wiped."""
        log.info("interrupted session %s cannot be resumed; closing it", session_id)
        self._journal.closing(session_id, BOOTH_RESTART)
        self._wipe(session_id)

    async def _ask_presence(self) -> bool | None:
        try:
            return await self._presence.citizen_present()
        except XiaowuError as exc:
            log.warning("the presence sensor cannot say (%s); closing the session", exc.code)
            return None

    async def notify_hub(self) -> int:
        """Tell the hub about every session closed by a restart; how many it heard.

        Sessions the hub could not be told about stay ``closing`` for the next call (for
        example when the control channel is online again).
        """
        told = 0
        for note in self._journal.unfinished():
            if note.state != "closing":
                continue
            data: dict[str, Any] = {"session_id": note.session_id, "reason": note.reason}
            hub_cases = [c for c in map(self._outbox.hub_case_id, note.case_ids) if c]
            if hub_cases:
                data["case_id"] = hub_cases[0]
                data["case_ids"] = hub_cases
            try:
                await self._hub.request("session_ended", data)
            except HubRejected as exc:
                # The hub will never accept it (e.g. the case is gone): stop trying.
                log.warning("the hub refused the end of session %s: %s", note.session_id, exc.code)
            except (HubUnavailable, TimeoutError):
                log.info("the hub is away; session %s will be reported later", note.session_id)
                continue
            self._journal.closed(note.session_id)
            told += 1
        return told
