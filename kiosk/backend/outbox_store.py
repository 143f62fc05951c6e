"""What the outbox keeps and how: its SQLite schema, its records, and their sealing.

The booth's writes are kept in ``outbox.sqlite3`` (:data:`SCHEMA`). A write's method,
path and body are sealed with AES-256-GCM (:class:`Sealing`) under a key of the booth's
key store, with the row's idempotency key and case as associated data, so a row copied
onto another row does not decrypt; a case's citizen token is sealed the same way. What is
in clear is only what delivery order needs: the case id, the session id and the key. A
key-check row tells a replaced key file from a damaged database before anything is read.
:class:`kiosk.backend.outbox.Outbox` saves, observes and delivers with these.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kiosk.core.errors import XiaowuError

_NONCE = 12
_KEY_CHECK = b"xiaowu-outbox-key-check"
_SCHEMA_VERSION = "1"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS entries (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id         TEXT NOT NULL,
    session_id      TEXT,
    idempotency_key TEXT NOT NULL UNIQUE,
    created_at      TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'rejected', 'corrupt')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    nonce           BLOB NOT NULL,
    sealed          BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_by_case ON entries (case_id, state, seq);
CREATE TABLE IF NOT EXISTS hub_cases (
    case_id      TEXT PRIMARY KEY,
    hub_case_id  TEXT NOT NULL,
    citizen_seal BLOB  -- the citizen's link token for the case, sealed like the writes
);
"""


class OutboxError(XiaowuError):
    """The outbox cannot store or read writes."""

    code = "outbox"


class OutboxFull(OutboxError):
    """There is no room to save another write (disk full or the outbox's size cap)."""

    code = "outbox_disk_full"


class OutboxCorrupt(OutboxError):
    """The outbox database, or a row in it, cannot be read."""

    code = "outbox_corrupt"


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """A saved write."""

    seq: int
    case_id: str
    idempotency_key: str
    method: str
    path: str
    body: Any
    session_id: str | None = None
    opens_case: bool = False  # the hub's answer carries the case's hub id ("id")
    as_citizen: bool = False  # sent with the citizen's token for the case (ratings)


@dataclass(frozen=True, slots=True)
class SetAside:
    """A write that will not be delivered automatically: for an operator to look at."""

    seq: int
    case_id: str
    idempotency_key: str
    state: str  # "rejected" or "corrupt"
    error: str | None


@dataclass(frozen=True, slots=True)
class OutboxStatus:
    """What the UI shows: how many writes are saved and waiting, per case."""

    pending: Mapping[str, int] = field(default_factory=dict)  # case id -> writes waiting
    set_aside: int = 0  # rejected or corrupt rows kept for an operator
    hub_available: bool = True  # the last delivery attempt reached the hub
    last_error: str | None = None  # code of the last failed delivery
    retry_in_s: float | None = None  # while the hub is away: the wait before the next try

    @property
    def total_pending(self) -> int:
        return sum(self.pending.values())


StatusListener = Callable[[OutboxStatus], None]


class AlreadySaved(ValueError):
    """A write with this idempotency key is in the outbox already (saved before a restart)."""


Row = tuple[Any, ...]  # seq, case_id, session_id, idempotency_key, nonce, sealed


class Sealing:
    """AES-256-GCM over what the outbox keeps (see the module docstring)."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def check_key(self, db: sqlite3.Connection) -> None:
        """Note this key in a new database, or check that it is the database's key
        (sqlite3.DatabaseError if not: the key file was replaced)."""
        row = db.execute("SELECT value FROM meta WHERE name = 'key_check'").fetchone()
        if row is None:
            nonce = secrets.token_bytes(_NONCE)
            check = nonce + self._aead.encrypt(nonce, _KEY_CHECK, None)
            db.execute(
                "INSERT INTO meta (name, value) VALUES ('key_check', ?), ('schema', ?)",
                (check, _SCHEMA_VERSION),
            )
            return
        blob = bytes(row[0])
        try:
            self._aead.decrypt(blob[:_NONCE], blob[_NONCE:], None)
        except InvalidTag as exc:
            raise sqlite3.DatabaseError(
                "the outbox key does not match this database (was the key file replaced?)"
            ) from exc

    def seal_write(self, key: str, case_id: str, write: Mapping[str, Any]) -> tuple[bytes, bytes]:
        """``write`` (method, path, body, flags) sealed for the row of ``key`` and
        ``case_id``: its nonce and ciphertext."""
        plain = json.dumps(write, ensure_ascii=False, separators=(",", ":")).encode()
        nonce = secrets.token_bytes(_NONCE)
        return nonce, self._aead.encrypt(nonce, plain, _aad(key, case_id))

    def open_write(self, row: Row) -> OutboxEntry:
        """The write of a stored row; OutboxCorrupt if it does not decrypt or parse."""
        seq, case_id, session_id, key, nonce, sealed = row
        try:
            plain = self._aead.decrypt(bytes(nonce), bytes(sealed), _aad(key, case_id))
            record = json.loads(plain)
            return OutboxEntry(
                int(seq),
                case_id,
                key,
                str(record["method"]),
                str(record["path"]),
                record["body"],
                session_id,
                bool(record.get("opens_case", False)),
                bool(record.get("as_citizen", False)),
            )
        except (InvalidTag, ValueError, KeyError, TypeError) as exc:
            raise OutboxCorrupt(f"outbox write {seq} cannot be read") from exc

    def seal_token(self, case_id: str, token: str) -> bytes:
        nonce = secrets.token_bytes(_NONCE)
        return nonce + self._aead.encrypt(nonce, token.encode(), _aad("", case_id))

    def open_token(self, case_id: str, seal: bytes) -> str:
        """The token sealed for ``case_id``; InvalidTag or UnicodeDecodeError if damaged."""
        return self._aead.decrypt(seal[:_NONCE], seal[_NONCE:], _aad("", case_id)).decode()


def _aad(key: str, case_id: str) -> bytes:
    return f"{key}\x00{case_id}".encode()


def is_full(exc: sqlite3.DatabaseError) -> bool:
    return getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "full" in str(exc)


def storage_error(exc: sqlite3.DatabaseError, doing: str) -> OutboxError:
    if is_full(exc):
        return OutboxFull(f"cannot {doing}: no room left for the outbox")
    if getattr(exc, "sqlite_errorcode", None) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return OutboxCorrupt(f"cannot {doing}: the outbox database is damaged ({exc})")
    return OutboxError(f"cannot {doing}: {exc}")
