"""The outbox: every write to the hub is saved here first, then delivered exactly once.

Theory of operation. :meth:`Outbox.enqueue` stores a write (method, path, JSON body) in
a local SQLite database with an ``Idempotency-Key`` fixed at that moment, and returns
once the row is committed: from then on the write survives a hub that is away, a
network that is down and a booth process killed with SIGKILL. The delivery loop
(:meth:`Outbox.run`) sends, for every case, the oldest pending write, with its key; the
row is deleted only after the hub has answered. A booth killed between the hub's answer
and the delete sends the same write again with the same key after its restart, and the
hub, which honours ``Idempotency-Key``, returns the first result instead of acting twice:
exactly once as seen by the hub.

Rows are kept in order per case (the ``seq`` column); a case's next write is sent only
after the previous one was delivered or set aside. When the hub is unavailable the loop
waits with :class:`~kiosk.backend.backoff.Backoff` on the injected clock and then tries
again; :meth:`Outbox.wake` (a new write, the control channel coming back) cuts the wait.

The method, path and body are sealed with AES-256-GCM under a key from a
:class:`~kiosk.backend.keystore.KeyStore`, with the row's idempotency key and case as
associated data, so a row copied onto another row does not decrypt. What is stored in
clear is only what delivery order needs: the case id, the session id and the key. The
schema, the records and their sealing are in :mod:`kiosk.backend.outbox_store`.

Failures lose nothing else:

- a full disk (or the outbox's own size cap, ``max_bytes``) makes :meth:`enqueue` raise
  :class:`OutboxFull`; the rows already saved stay, and the caller tells the citizen;
- a row that does not decrypt is set aside as ``corrupt`` (kept for an operator) and the
  other rows are delivered; a database file that is not a database, or a key that does
  not match the database, raises :class:`OutboxCorrupt` on open and changes nothing;
- a write the hub refuses with a 4xx is set aside as ``rejected`` with the hub's code
  (401/403 are instead retried: the booth's token is being fixed, the write is fine).

The UI shows "saved, will be sent" from :meth:`Outbox.pending` and listens to
:class:`OutboxStatus` changes.

SQLite calls are short local transactions and run on the caller's thread; each one is
a single statement or a single commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

from cryptography.exceptions import InvalidTag

from kiosk.backend.backoff import Backoff
from kiosk.backend.client import HubRequestRejected, HubResponse
from kiosk.backend.keystore import KeyStore
from kiosk.backend.outbox_store import (
    SCHEMA,
    AlreadySaved,
    OutboxCorrupt,
    OutboxEntry,
    OutboxError,
    OutboxFull,
    OutboxStatus,
    Row,
    Sealing,
    SetAside,
    StatusListener,
    is_full,
    storage_error,
)
from kiosk.core.clock import Clock
from kiosk.core.errors import HubRejected, HubUnavailable, XiaowuError

__all__ = [
    "CASE_PLACEHOLDER",
    "AlreadySaved",
    "HubWriter",
    "Outbox",
    "OutboxCorrupt",
    "OutboxEntry",
    "OutboxError",
    "OutboxFull",
    "OutboxStatus",
    "SetAside",
]

log = logging.getLogger(__name__)

OUTBOX_FILE = "outbox.sqlite3"
# In a path, stands for the hub's id of the entry's case, known once the write that
# opened the case (``opens_case=True``) was delivered: a case opened offline works.
CASE_PLACEHOLDER = "{case}"
KEY_NAME = "outbox"
STABLE_KEY_NAME = "outbox-stable-keys"  # HMAC key of stable_key(), kept beside the outbox's


class HubWriter(Protocol):
    """What delivers a write to the hub (``HubClient`` in production)."""

    async def write(
        self, method: str, path: str, body: Any, *, idempotency_key: str, bearer: str | None = None
    ) -> HubResponse: ...


class Outbox:
    """The booth's outbox in ``directory/outbox.sqlite3``; see the module docstring."""

    def __init__(
        self,
        directory: Path,
        keys: KeyStore,
        clock: Clock,
        *,
        backoff: Backoff | None = None,
        max_bytes: int | None = None,
    ) -> None:
        self._path = Path(directory) / OUTBOX_FILE
        self._clock = clock
        self._backoff = backoff or Backoff()
        self._sealing = Sealing(keys.key(KEY_NAME))
        self._stable = keys.key(STABLE_KEY_NAME)
        self._db = self._open(max_bytes)
        self._listeners: list[StatusListener] = []
        self._waiters: dict[str, list[asyncio.Future[HubResponse]]] = {}
        self._wake = asyncio.Event()
        self._runner: asyncio.Task[None] | None = None
        self._hub_available = True
        self._last_error: str | None = None
        self._retry_in: float | None = None

    # -- opening ------------------------------------------------------------------------

    def _open(self, max_bytes: int | None) -> sqlite3.Connection:
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not self._path.exists():
                os.close(os.open(self._path, os.O_WRONLY | os.O_CREAT, 0o600))
            db = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        except OSError as exc:
            raise OutboxError(f"cannot open the outbox at {self._path}: {exc}") from exc
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.executescript(SCHEMA)
            self._sealing.check_key(db)
            if max_bytes is not None:
                page_size = int(db.execute("PRAGMA page_size").fetchone()[0])
                db.execute(f"PRAGMA max_page_count={max(1, max_bytes // page_size)}")
        except sqlite3.DatabaseError as exc:
            db.close()
            if is_full(exc):
                raise OutboxFull(f"no room to open the outbox at {self._path}") from exc
            raise OutboxCorrupt(
                f"the outbox database {self._path} cannot be read ({exc}); it was left "
                "untouched for an operator: move it aside to start a new one"
            ) from exc
        return db

    def close(self) -> None:
        self._db.close()

    # -- saving ---------------------------------------------------------------------------

    def enqueue(
        self,
        case_id: str,
        method: str,
        path: str,
        body: Any,
        *,
        session_id: str | None = None,
        idempotency_key: str | None = None,
        opens_case: bool = False,
        as_citizen: bool = False,
    ) -> OutboxEntry:
        """Save a write; once this returns it will reach the hub exactly once.

        ``case_id`` is the booth's own name for the case and orders its writes. The write
        that opens the case on the hub says ``opens_case=True``; later writes may then
        put :data:`CASE_PLACEHOLDER` in their path for the hub's case id, and writes only
        the citizen may make (ratings) say ``as_citizen=True`` to go with the citizen's
        token for the case (from the answer that opened it, or :meth:`bind_case`).

        Raises :class:`OutboxFull` when there is no room, :class:`OutboxError` when the
        database fails otherwise; nothing saved before is affected.
        """
        if not case_id:
            raise ValueError("every write belongs to a case (its delivery order)")
        key = idempotency_key or str(uuid.uuid4())
        write = {
            "method": method.upper(),
            "path": path,
            "body": body,
            "opens_case": opens_case,
            "as_citizen": as_citizen,
        }
        nonce, sealed = self._sealing.seal_write(key, case_id, write)
        try:
            cursor = self._db.execute(
                "INSERT INTO entries (case_id, session_id, idempotency_key, created_at, nonce,"
                " sealed) VALUES (?, ?, ?, ?, ?, ?)",
                (case_id, session_id, key, self._clock.now().isoformat(), nonce, sealed),
            )
        except sqlite3.IntegrityError as exc:
            raise AlreadySaved(f"idempotency key {key!r} is already in the outbox") from exc
        except sqlite3.DatabaseError as exc:
            raise storage_error(exc, "save a write") from exc
        seq = cursor.lastrowid
        assert seq is not None
        log.info("outbox: saved write %d for case %s", seq, case_id)
        self._notify()
        if self._hub_available:
            # While the hub is away the backoff decides when to try; wake() overrides.
            self._wake.set()
        return OutboxEntry(
            seq, case_id, key, method.upper(), path, body, session_id, opens_case, as_citizen
        )

    def stable_key(self, *parts: str) -> str:
        """An idempotency key for a write that may be made again after a restart: the same
        ``parts`` give the same key on this booth, across restarts, and the parts (a write's
        body may hold an ID number) cannot be read back or guessed from it (HMAC with a
        key of the booth's key store). Enqueueing a key already saved is a ValueError."""
        message = "\x1f".join(parts).encode()
        return "k:" + hmac.new(self._stable, message, hashlib.sha256).hexdigest()[:40]

    # -- observing ------------------------------------------------------------------------

    def pending(self, case_id: str | None = None) -> int:
        """How many writes are saved and waiting ("saved, will be sent")."""
        if case_id is None:
            row = self._db.execute("SELECT count(*) FROM entries WHERE state = 'pending'")
        else:
            row = self._db.execute(
                "SELECT count(*) FROM entries WHERE state = 'pending' AND case_id = ?",
                (case_id,),
            )
        return int(row.fetchone()[0])

    @property
    def status(self) -> OutboxStatus:
        rows = self._db.execute(
            "SELECT case_id, count(*) FROM entries WHERE state = 'pending' GROUP BY case_id"
        ).fetchall()
        set_aside = self._db.execute(
            "SELECT count(*) FROM entries WHERE state != 'pending'"
        ).fetchone()[0]
        return OutboxStatus(
            pending={str(case): int(n) for case, n in rows},
            set_aside=int(set_aside),
            hub_available=self._hub_available,
            last_error=self._last_error,
            retry_in_s=self._retry_in,
        )

    def add_listener(self, listener: StatusListener) -> Callable[[], None]:
        """Call ``listener`` whenever the status changes; returns a remover."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def set_aside(self) -> list[SetAside]:
        """The rejected and corrupt rows, oldest first."""
        rows = self._db.execute(
            "SELECT seq, case_id, idempotency_key, state, last_error FROM entries"
            " WHERE state != 'pending' ORDER BY seq"
        ).fetchall()
        return [SetAside(int(r[0]), r[1], r[2], r[3], r[4]) for r in rows]

    def entries(self, *, session_id: str | None = None) -> list[OutboxEntry]:
        """The pending writes (decrypted), oldest first; corrupt rows are skipped."""
        query = (
            "SELECT seq, case_id, session_id, idempotency_key, CAST(nonce AS BLOB),"
            " CAST(sealed AS BLOB) FROM entries"
            " WHERE state = 'pending'"
        )
        params: Row = ()
        if session_id is not None:
            query += " AND session_id = ?"
            params = (session_id,)
        result = []
        for row in self._db.execute(query + " ORDER BY seq", params).fetchall():
            with contextlib.suppress(OutboxCorrupt):
                result.append(self._sealing.open_write(row))
        return result

    async def delivered(self, idempotency_key: str) -> HubResponse:
        """Wait until the write with this key is delivered; its response.

        Raises :class:`HubRejected` if the hub refused it. Only for writes saved by this
        process (a restarted booth has no one waiting).
        """
        future: asyncio.Future[HubResponse] = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(idempotency_key, []).append(future)
        return await future

    async def wait_until_empty(self, case_id: str | None = None) -> None:
        """Wait until nothing is pending (for this case)."""
        if self.pending(case_id) == 0:
            return
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def check(status: OutboxStatus) -> None:
            waiting = status.total_pending if case_id is None else status.pending.get(case_id)
            if not waiting and not done.done():
                done.set_result(None)

        remove = self.add_listener(check)
        try:
            await done
        finally:
            remove()

    # -- delivering ----------------------------------------------------------------------

    def start(self, hub: HubWriter) -> asyncio.Task[None]:
        """Deliver in the background until :meth:`stop`."""
        if self._runner is not None and not self._runner.done():
            raise RuntimeError("the outbox is already delivering")
        self._runner = asyncio.get_running_loop().create_task(self.run(hub), name="outbox")
        return self._runner

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await runner

    def wake(self) -> None:
        """Try again now (a write was saved, or the hub is back)."""
        self._wake.set()

    async def run(self, hub: HubWriter) -> None:
        """Deliver pending writes; wait for new ones; back off while the hub is away."""
        while True:
            self._wake.clear()
            try:
                reached = await self.deliver_pending(hub)
            except OutboxError as exc:
                log.error("outbox: %s", exc)
                self._last_error = exc.code
                reached = False
            except sqlite3.DatabaseError as exc:
                log.error("outbox: database error while delivering: %s", exc)
                self._last_error = storage_error(exc, "deliver").code
                reached = False
            if reached:
                self._backoff.reset()
                await self._wake.wait()
                continue
            delay = self._backoff.next_delay()
            self._retry_in = delay
            self._notify()
            await self._pause(delay)
            self._retry_in = None

    async def deliver_pending(self, hub: HubWriter) -> bool:
        """Send everything that can be sent now, in order per case.

        Returns False when the hub could not be reached (the rest waits), True when
        every pending write was delivered or set aside.
        """
        while True:
            heads = self._heads()
            if not heads:
                return True
            for row in heads:
                if not await self._deliver_one(hub, row):
                    return False

    def _heads(self) -> list[Row]:
        """The oldest pending row of every case, oldest first."""
        return self._db.execute(
            "SELECT seq, case_id, session_id, idempotency_key, CAST(nonce AS BLOB),"
            " CAST(sealed AS BLOB) FROM entries"
            " WHERE seq IN (SELECT min(seq) FROM entries WHERE state = 'pending'"
            " GROUP BY case_id) ORDER BY seq"
        ).fetchall()

    async def _deliver_one(self, hub: HubWriter, row: Row) -> bool:
        try:
            entry = self._sealing.open_write(row)
        except OutboxCorrupt as exc:
            log.error("outbox: write %d of case %s is corrupt; set aside", row[0], row[1])
            self._set_state(int(row[0]), "corrupt", exc.code)
            return True
        path = entry.path
        if CASE_PLACEHOLDER in path:
            hub_case = self.hub_case_id(entry.case_id)
            if hub_case is None:
                return self._rejected(
                    entry,
                    HubRejected("the case was never opened on the hub", code="case_not_opened"),
                )
            path = path.replace(CASE_PLACEHOLDER, quote(hub_case, safe=""))
        bearer = None
        if entry.as_citizen:
            bearer = self._citizen_token(entry.case_id)
            if bearer is None:
                return self._rejected(
                    entry, HubRejected("no citizen token for the case", code="no_citizen_token")
                )
        self._db.execute("UPDATE entries SET attempts = attempts + 1 WHERE seq = ?", (entry.seq,))
        try:
            response = await hub.write(
                entry.method,
                path,
                entry.body,
                idempotency_key=entry.idempotency_key,
                bearer=bearer,
            )
        except HubRequestRejected as exc:
            if exc.is_auth_problem:
                return self._unreachable(exc)
            return self._rejected(entry, exc)
        except HubRejected as exc:
            return self._rejected(entry, exc)
        except HubUnavailable as exc:
            return self._unreachable(exc)
        try:
            self._record_delivery(entry, response)
        except sqlite3.DatabaseError as exc:
            # Delivered but not forgotten: it goes again with the same key, which the hub
            # answers with the first result.
            raise storage_error(exc, "record a delivery") from exc
        log.info("outbox: delivered write %d of case %s", entry.seq, entry.case_id)
        self._hub_available = True
        self._last_error = None
        self._notify()
        for future in self._waiters.pop(entry.idempotency_key, []):
            if not future.done():
                future.set_result(response)
        return True

    def _record_delivery(self, entry: OutboxEntry, response: HubResponse) -> None:
        body = response.body if isinstance(response.body, dict) else {}
        hub_case, citizen = body.get("id"), body.get("citizen_token")
        with self._transaction():
            if entry.opens_case:
                if isinstance(hub_case, str) and hub_case:
                    self._bind(
                        entry.case_id, hub_case, citizen if isinstance(citizen, str) else None
                    )
                else:
                    log.error("outbox: the hub's answer to write %d names no case", entry.seq)
            self._db.execute("DELETE FROM entries WHERE seq = ?", (entry.seq,))

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def bind_case(self, case_id: str, hub_case_id: str, citizen_token: str | None = None) -> None:
        """The booth's case is the hub's ``hub_case_id`` (an appointment's case, opened by
        the hub); ``citizen_token`` lets ratings go as the citizen."""
        try:
            self._bind(case_id, hub_case_id, citizen_token)
        except sqlite3.DatabaseError as exc:
            raise storage_error(exc, "note the case's hub id") from exc

    def _bind(self, case_id: str, hub_case_id: str, citizen_token: str | None) -> None:
        seal = self._sealing.seal_token(case_id, citizen_token) if citizen_token else None
        self._db.execute(
            "INSERT OR REPLACE INTO hub_cases (case_id, hub_case_id, citizen_seal)"
            " VALUES (?, ?, ?)",
            (case_id, hub_case_id, seal),
        )

    def _citizen_token(self, case_id: str) -> str | None:
        row = self._db.execute(
            "SELECT CAST(citizen_seal AS BLOB) FROM hub_cases WHERE case_id = ?", (case_id,)
        ).fetchone()
        if row is None or row[0] is None:
            return None
        seal = bytes(row[0])
        try:
            return self._sealing.open_token(case_id, seal)
        except (InvalidTag, UnicodeDecodeError):
            log.error("outbox: the citizen token of case %s cannot be read", case_id)
            return None

    def hub_case_id(self, case_id: str) -> str | None:
        """The hub's id of the booth's case, once the write that opened it was delivered."""
        row = self._db.execute(
            "SELECT hub_case_id FROM hub_cases WHERE case_id = ?", (case_id,)
        ).fetchone()
        return None if row is None else str(row[0])

    def _rejected(self, entry: OutboxEntry, exc: HubRejected) -> bool:
        log.warning("outbox: the hub refused write %d (%s); set aside", entry.seq, exc.code)
        self._hub_available = True
        self._set_state(entry.seq, "rejected", exc.code)
        for future in self._waiters.pop(entry.idempotency_key, []):
            if not future.done():
                future.set_exception(exc)
        return True

    def _unreachable(self, exc: XiaowuError) -> bool:
        log.info("outbox: hub unavailable (%s); writes wait", exc.code)
        self._hub_available = False
        self._last_error = exc.code
        self._notify()
        return False

    def _set_state(self, seq: int, state: str, error: str) -> None:
        try:
            self._db.execute(
                "UPDATE entries SET state = ?, last_error = ? WHERE seq = ?", (state, error, seq)
            )
        except sqlite3.DatabaseError as exc:
            raise storage_error(exc, "set a write aside") from exc
        self._notify()

    def _notify(self) -> None:
        if not self._listeners:
            return
        status = self.status
        for listener in list(self._listeners):
            try:
                listener(status)
            except Exception:
                log.exception("an outbox status listener failed")

    async def _pause(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        sleeper = loop.create_task(self._clock.sleep(seconds))
        waker = loop.create_task(self._wake.wait())
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            waker.cancel()
