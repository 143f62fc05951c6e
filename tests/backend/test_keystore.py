"""FileKeyStore: keys created once, kept private, refused when exposed or damaged."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from kiosk.backend.keystore import FileKeyStore, KeyStoreError


def test_a_key_is_created_private_and_the_same_key_comes_back(tmp_path: Path) -> None:
    store = FileKeyStore(tmp_path / "keys")
    key = store.key("outbox")
    assert len(key) == 32
    assert FileKeyStore(tmp_path / "keys").key("outbox") == key
    assert store.key("other") != key
    assert stat.S_IMODE(os.stat(tmp_path / "keys" / "outbox.key").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "keys").st_mode) == 0o700


def test_a_key_others_can_read_is_refused(tmp_path: Path) -> None:
    store = FileKeyStore(tmp_path)
    store.key("outbox")
    os.chmod(tmp_path / "outbox.key", 0o644)
    with pytest.raises(KeyStoreError, match="chmod 600"):
        store.key("outbox")


def test_a_damaged_key_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "outbox.key"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, b"short")
    os.close(fd)
    with pytest.raises(KeyStoreError) as info:
        FileKeyStore(tmp_path).key("outbox")
    assert info.value.code == "key_store"


def test_key_names_cannot_escape_the_directory(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        FileKeyStore(tmp_path).key("../etc/passwd")
