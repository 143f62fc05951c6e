"""The per-session vault: everything a citizen brings, kept encrypted, wiped at the end.

A :class:`SessionVault` owns a citizen session's images, audio and form data. Small items
stay in memory; large ones (document photos) are written to the session directory
encrypted with AES-256-GCM under a key that exists only in this process's memory. Ending
the session calls :meth:`SessionVault.wipe`: files are overwritten and unlinked, the
directory removed, the key and the in-memory items dropped. After a crash the files left
behind are unreadable without the key, and :func:`wipe_stale` removes them at start-up.

A booth that can resume a session after a restart (it has a presence sensor, see
kiosk.backend.recovery) opens *durable* vaults instead: every item goes to disk, each
file named by an HMAC of its name under the session key, and the key is kept (sealed
with a booth key) in the session journal. :meth:`SessionVault.reopen` then finds the
session's directory again and reads its items; a session recovery closes is wiped with
:func:`wipe_session`, and its sealed key dropped, as before.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kiosk.core.errors import SessionError

log = logging.getLogger(__name__)

_NONCE = 12
_PREFIX = "xiaowu-session-"


def default_session_root() -> Path:
    """Where session directories live: RAM-backed where the system offers it."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    base = Path(runtime) if runtime and Path(runtime).is_dir() else Path(tempfile.gettempdir())
    return base / "xiaowu-sessions"


class SessionVault:
    """Holds one citizen session's data until :meth:`wipe`."""

    def __init__(
        self, root: Path | None = None, session_id: str | None = None, *, durable: bool = False
    ) -> None:
        """``durable``: every item on disk, so that :meth:`reopen` can read it after a crash."""
        self.session_id = session_id or secrets.token_hex(8)
        self.durable = durable
        self._root = root or default_session_root()
        self._root.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._dir = Path(tempfile.mkdtemp(prefix=_prefix(self.session_id), dir=self._root))
        self._key: bytes | None = AESGCM.generate_key(bit_length=256)
        self._memory: dict[str, bytes] = {}
        self._files: dict[str, Path] = {}

    @classmethod
    def reopen(cls, root: Path | None, session_id: str, key: bytes) -> SessionVault:
        """The durable vault of ``session_id`` left by a process that died; SessionError if
        its directory is gone (a power cut emptied a RAM-backed root) or ``key`` is not 256
        bits."""
        root = root or default_session_root()
        found = sorted(root.glob(_prefix(session_id) + "*")) if root.is_dir() else []
        if len(found) != 1 or not found[0].is_dir() or len(key) != 32:
            raise SessionError("the session's data is gone", code="resume")
        vault = cls.__new__(cls)
        vault.session_id = session_id
        vault.durable = True
        vault._root = root
        vault._dir = found[0]
        vault._key = key
        vault._memory = {}
        vault._files = {}
        return vault

    def durable_key(self) -> bytes | None:
        """The session key, for the journal to keep sealed; None for a vault that is not
        durable (its key never leaves this process)."""
        return self._key if self.durable else None

    @property
    def directory(self) -> Path:
        """The session's private directory (its files are encrypted)."""
        return self._dir

    @property
    def wiped(self) -> bool:
        return self._key is None

    def put(self, name: str, data: bytes, *, in_memory: bool | None = None) -> None:
        """Keep ``data`` under ``name``: in memory if small, else encrypted on disk."""
        key = self._require_key()
        if in_memory is None:
            in_memory = len(data) < 256 * 1024 and not self.durable
        if in_memory:
            self.delete(name)
            self._memory[name] = bytes(data)
            return
        # The new file replaces the old one in one rename (a durable vault's save point is
        # never missing, even if the process dies mid-write); the old bytes were encrypted.
        self._memory.pop(name, None)
        nonce = secrets.token_bytes(_NONCE)
        blob = nonce + AESGCM(key).encrypt(nonce, data, name.encode())
        path = self._path(key, name)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
            if self.durable:  # a save point must survive the process dying right after
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
        self._files[name] = path

    def _path(self, key: bytes, name: str) -> Path:
        """The item's file: named by an HMAC of its name, found again after a reopen."""
        return self._dir / hmac.new(key, name.encode(), hashlib.sha256).hexdigest()[:32]

    def get(self, name: str) -> bytes:
        """The bytes stored under ``name``; ``KeyError`` if there are none."""
        key = self._require_key()
        if name in self._memory:
            return self._memory[name]
        path = self._files.get(name) or self._path(key, name)
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            raise KeyError(name) from None
        return AESGCM(key).decrypt(blob[:_NONCE], blob[_NONCE:], name.encode())

    def names(self) -> list[str]:
        return sorted([*self._memory, *self._files])

    def delete(self, name: str) -> None:
        self._memory.pop(name, None)
        path = self._files.pop(name, None)
        if path is None and self._key is not None:
            path = self._path(self._key, name)  # written before a reopen
        if path is not None:
            _shred(path)

    def wipe(self) -> None:
        """Destroy everything of this session. Safe to call more than once."""
        if self._key is None:
            return
        for name in list(self._files):
            self.delete(name)
        for leftover in self._dir.iterdir() if self._dir.is_dir() else ():
            if leftover.is_file():  # items written before a reopen
                _shred(leftover)
        self._memory.clear()
        self._key = None
        shutil.rmtree(self._dir, ignore_errors=True)
        log.info("session %s wiped", self.session_id)

    def _require_key(self) -> bytes:
        if self._key is None:
            raise SessionError("the session has ended and its data was wiped", code="session_wiped")
        return self._key

    def __enter__(self) -> SessionVault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.wipe()


def _prefix(session_id: str) -> str:
    return f"{_PREFIX}{session_id}-"


def _shred(path: Path) -> None:
    """Overwrite a file with random bytes before unlinking it."""
    try:
        size = path.stat().st_size
        with path.open("r+b") as fh:
            fh.write(secrets.token_bytes(size))
            fh.flush()
            os.fsync(fh.fileno())
        path.unlink()
    except FileNotFoundError:
        pass


def wipe_session(root: Path | None, session_id: str) -> int:
    """Remove what a crashed process left of one session. Returns how many directories."""
    return _wipe(root, lambda name: name.startswith(_prefix(session_id)))


def wipe_stale(root: Path | None = None, keep: Iterable[str] = ()) -> int:
    """Remove session directories left by a crashed process, except those of the sessions
    in ``keep`` (being resumed). Returns how many."""
    kept = tuple(_prefix(session_id) for session_id in keep)
    return _wipe(root, lambda name: name.startswith(_PREFIX) and not name.startswith(kept))


def _wipe(root: Path | None, chosen: Callable[[str], bool]) -> int:
    root = root or default_session_root()
    if not root.is_dir():
        return 0
    count = 0
    for child in root.iterdir():
        if chosen(child.name) and child.is_dir():
            for f in child.iterdir():
                if f.is_file():
                    _shred(f)
            shutil.rmtree(child, ignore_errors=True)
            count += 1
    if count:
        log.info("wiped %d stale session directories", count)
    return count
