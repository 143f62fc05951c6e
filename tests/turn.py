"""A real coturn on 127.0.0.1 for tests of STUN/TURN (the hub's credentials, the booth's use).

coturn runs with ``use-auth-secret`` and :data:`SECRET`, on UDP/TCP and TLS (a
self-signed certificate). Without ``turnserver`` installed the fixture skips, naming the
Debian package (packaging/apt-packages.txt installs it in CI).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.hub.server import free_port

SECRET = "turn-shared-secret"
TURNSERVER = shutil.which("turnserver")


def _self_signed(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def coturn(tmp_path: Path) -> Iterator[tuple[int, int]]:
    """coturn on 127.0.0.1 with ``use-auth-secret``: (UDP/TCP port, TLS port)."""
    if TURNSERVER is None:
        pytest.skip("coturn is not installed (apt-get install coturn: packaging/apt-packages.txt)")
    cert, key = _self_signed(tmp_path)
    port, tls_port = free_port(), free_port()
    proc = subprocess.Popen(
        [
            *(TURNSERVER, "-n", "--no-cli", "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1"),
            *(f"--listening-port={port}", f"--tls-listening-port={tls_port}", "--no-dtls"),
            *("--use-auth-secret", f"--static-auth-secret={SECRET}", "--realm=xiaowu.test"),
            *(f"--cert={cert}", f"--pkey={key}", "--allow-loopback-peers", "--log-file=stdout"),
            *("--simple-log", "-b", str(tmp_path / "turndb"), "--min-port=40000"),
            "--max-port=60000",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while not (_listening(port) and _listening(tls_port)):  # its sockets are the signal
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("coturn did not start listening")
            time.sleep(0.05)
        yield port, tls_port
    finally:
        proc.terminate()
        proc.wait(10)


