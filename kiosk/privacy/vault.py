"""The per-session vault: everything a citizen brings, kept encrypted, wiped at the end.

A :class:`SessionVault` owns a citizen session's images, audio and form data. Small items
stay in memory; large ones (document photos) are written to the session directory
encrypted with AES-256-GCM under a key that exists only in this process's memory. Ending
the session calls :meth:`SessionVault.wipe`: files are overwritten and unlinked, the
directory removed, the key and the in-memory items dropped. After a crash the files left
behind are unreadable without the key, and :func:`wipe_stale` removes them at start-up.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import tempfile
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

    def __init__(self, root: Path | None = None, session_id: str | None = None) -> None:
        self.session_id = session_id or secrets.token_hex(8)
        self._root = root or default_session_root()
        self._root.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._dir = Path(tempfile.mkdtemp(prefix=_PREFIX + self.session_id + "-", dir=self._root))
        self._key: bytes | None = AESGCM.generate_key(bit_length=256)
        self._memory: dict[str, bytes] = {}
        self._files: dict[str, Path] = {}

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
            in_memory = len(data) < 256 * 1024
        self.delete(name)
        if in_memory:
            self._memory[name] = bytes(data)
            return
        nonce = secrets.token_bytes(_NONCE)
        blob = nonce + AESGCM(key).encrypt(nonce, data, name.encode())
        path = self._dir / secrets.token_hex(8)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        self._files[name] = path

    def get(self, name: str) -> bytes:
        """The bytes stored under ``name``; ``KeyError`` if there are none."""
        key = self._require_key()
        if name in self._memory:
            return self._memory[name]
        path = self._files[name]
        blob = path.read_bytes()
        return AESGCM(key).decrypt(blob[:_NONCE], blob[_NONCE:], name.encode())

    def names(self) -> list[str]:
        return sorted([*self._memory, *self._files])

    def delete(self, name: str) -> None:
        self._memory.pop(name, None)
        path = self._files.pop(name, None)
        if path is not None:
            _shred(path)

    def wipe(self) -> None:
        """Destroy everything of this session. Safe to call more than once."""
        if self._key is None:
            return
        for name in list(self._files):
            self.delete(name)
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


def wipe_stale(root: Path | None = None) -> int:
    """Remove session directories left by a crashed process. Returns how many."""
    root = root or default_session_root()
    if not root.is_dir():
        return 0
    count = 0
    for child in root.iterdir():
        if child.name.startswith(_PREFIX) and child.is_dir():
            for f in child.iterdir():
                if f.is_file():
                    _shred(f)
            shutil.rmtree(child, ignore_errors=True)
            count += 1
    if count:
        log.info("wiped %d stale session directories", count)
    return count
