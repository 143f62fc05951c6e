"""Where the booth keeps the keys that encrypt its data at rest.

:class:`KeyStore` is the port: "give me the 256-bit key called *name*, creating it the
first time". :class:`FileKeyStore` keeps each key in a file readable by the booth's user
only (0600, in a 0700 directory); a TPM-sealed or keyring-backed store can replace it
without touching the outbox. A key file that others can read, or that is not a key, is
refused with a clear error rather than used.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
from pathlib import Path
from typing import Protocol

from kiosk.core.errors import XiaowuError

KEY_BYTES = 32
_NAME = re.compile(r"^[a-z0-9_-]{1,64}$")


class KeyStoreError(XiaowuError):
    """A key cannot be read or created safely."""

    code = "key_store"


class KeyStore(Protocol):
    """Named 256-bit keys that outlive the process."""

    def key(self, name: str) -> bytes:
        """The key called ``name``, created (and kept) the first time it is asked for."""
        ...


class FileKeyStore:
    """Keys in ``directory/<name>.key``, mode 0600."""

    def __init__(self, directory: Path) -> None:
        self._dir = Path(directory)

    def key(self, name: str) -> bytes:
        if not _NAME.match(name):
            raise ValueError(f"bad key name {name!r}")
        path = self._dir / f"{name}.key"
        try:
            return self._read(path)
        except FileNotFoundError:
            pass
        return self._create(path)

    def _read(self, path: Path) -> bytes:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as fh:
            mode = os.fstat(fh.fileno()).st_mode
            if not stat.S_ISREG(mode):
                raise KeyStoreError(f"key file {path} is not a regular file")
            if mode & 0o077:
                raise KeyStoreError(
                    f"key file {path} is readable by others (mode {stat.S_IMODE(mode):o}); "
                    "run: chmod 600 " + str(path)
                )
            data = fh.read(KEY_BYTES + 1)
        if len(data) != KEY_BYTES:
            raise KeyStoreError(f"key file {path} does not hold a {KEY_BYTES * 8}-bit key")
        return data

    def _create(self, path: Path) -> bytes:
        try:
            self._dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            key = secrets.token_bytes(KEY_BYTES)
            tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(key)
                fh.flush()
                os.fsync(fh.fileno())
            try:
                # link() fails if another process created the key first: use theirs.
                os.link(tmp, path)
            except FileExistsError:
                return self._read(path)
            finally:
                with contextlib.suppress(OSError):
                    tmp.unlink()
            _fsync_dir(self._dir)
            return key
        except OSError as exc:
            raise KeyStoreError(f"cannot create key file {path}: {exc.strerror}") from exc


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
