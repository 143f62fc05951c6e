"""``kiosk hub --new-peer-key FILE``: a private key only the hub's user reads, its public key
printed, and an existing key never overwritten."""

from __future__ import annotations

import stat
import subprocess
import sys

from kiosk.hub.federation_signing import load_private_key, public_key_b64


def _run(path):
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "hub", "--new-peer-key", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_writes_private_key_0600_and_prints_its_public_key(tmp_path):
    key_file = tmp_path / "peer.key"
    result = _run(key_file)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    private = load_private_key(key_file.read_text().strip())
    assert result.stdout.strip() == public_key_b64(private)


def test_never_overwrites_an_existing_key(tmp_path):
    key_file = tmp_path / "peer.key"
    key_file.write_text("kept\n")
    result = _run(key_file)
    assert result.returncode == 2
    assert key_file.read_text() == "kept\n"
