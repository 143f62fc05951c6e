from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from kiosk.core.errors import SessionError
from kiosk.privacy.masking import MaskingFilter, mask_id_number, mask_text
from kiosk.privacy.vault import SessionVault, wipe_session, wipe_stale

ID = "440106199001011234"
PHOTO = b"\xff\xd8" + ID.encode() + os.urandom(400_000)


def _all_bytes_under(root: Path) -> bytes:
    return b"".join(p.read_bytes() for p in root.rglob("*") if p.is_file())


def test_large_items_are_encrypted_on_disk_and_readable(tmp_path: Path) -> None:
    vault = SessionVault(root=tmp_path)
    vault.put("id_card.jpg", PHOTO)
    vault.put("form.json", b'{"id_number": "%s"}' % ID.encode())
    assert vault.get("id_card.jpg") == PHOTO
    on_disk = _all_bytes_under(tmp_path)
    assert len(on_disk) > 400_000, "the photo should be on disk, not in memory"
    assert ID.encode() not in on_disk
    assert PHOTO[:2000] not in on_disk


def test_wipe_leaves_nothing_of_the_session(tmp_path: Path) -> None:
    vault = SessionVault(root=tmp_path)
    vault.put("a.jpg", PHOTO)
    vault.put("b.wav", os.urandom(300_000))
    vault.put("answers", b"purpose=purchase")
    directory = vault.directory
    vault.wipe()
    assert not directory.exists()
    assert list(tmp_path.iterdir()) == []
    assert vault.wiped
    with pytest.raises(SessionError):
        vault.get("answers")
    vault.wipe()  # idempotent


def test_stale_sessions_are_wiped_at_start(tmp_path: Path) -> None:
    crashed = SessionVault(root=tmp_path)
    crashed.put("a.jpg", PHOTO)
    assert wipe_stale(tmp_path) == 1
    assert list(tmp_path.iterdir()) == []


def test_masking() -> None:
    assert mask_id_number("44010619900101123X") == "4401**********123X"
    assert mask_text(f"身份证 {ID} 已读取") == "身份证 4401**********1234 已读取"
    assert mask_text("订单号 12345") == "订单号 12345"


def test_log_filter_masks_id_numbers(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.masking")
    logger.addFilter(MaskingFilter())
    with caplog.at_level(logging.INFO, logger="test.masking"):
        logger.info("read card %s", ID)
    assert ID not in caplog.text
    assert "4401**********1234" in caplog.text


def test_a_durable_vault_is_read_again_after_a_crash(tmp_path: Path) -> None:
    vault = SessionVault(root=tmp_path, durable=True)
    vault.put("resume.json", b'{"step": 2}')  # small, yet on disk: it must outlive us
    vault.put("id_card.jpg", PHOTO)
    key = vault.durable_key()
    assert key is not None and SessionVault(root=tmp_path / "other").durable_key() is None
    on_disk = _all_bytes_under(tmp_path)
    assert b'"step"' not in on_disk and ID.encode() not in on_disk
    # The process dies; another one opens the same session with the key the journal kept.
    again = SessionVault.reopen(tmp_path, vault.session_id, key)
    assert again.get("resume.json") == b'{"step": 2}'
    assert again.get("id_card.jpg") == PHOTO
    with pytest.raises(KeyError):
        again.get("never-written")
    again.put("resume.json", b'{"step": 3}')
    assert SessionVault.reopen(tmp_path, vault.session_id, key).get("resume.json") == b'{"step": 3}'
    again.wipe()
    assert not vault.directory.exists()


def test_reopening_needs_the_directory_and_the_right_key(tmp_path: Path) -> None:
    vault = SessionVault(root=tmp_path, durable=True)
    vault.put("resume.json", b"{}")
    wrong = SessionVault.reopen(tmp_path, vault.session_id, bytes(32))
    with pytest.raises(KeyError):  # another key names the files differently: nothing
        wrong.get("resume.json")
    with pytest.raises(SessionError):
        SessionVault.reopen(tmp_path, "no-such-session", vault.durable_key() or b"")
    with pytest.raises(SessionError):
        SessionVault.reopen(tmp_path / "gone", vault.session_id, vault.durable_key() or b"")


def test_stale_sessions_are_wiped_except_the_one_resumed(tmp_path: Path) -> None:
    resumed = SessionVault(root=tmp_path, durable=True)
    resumed.put("resume.json", b"{}")
    closed = SessionVault(root=tmp_path, durable=True)
    closed.put("resume.json", b"{}")
    forgotten = SessionVault(root=tmp_path)
    forgotten.put("a.jpg", PHOTO)
    assert wipe_session(tmp_path, closed.session_id) == 1
    assert wipe_stale(tmp_path, keep=[resumed.session_id]) == 1
    assert [d for d in tmp_path.iterdir()] == [resumed.directory]
