"""One request must not exhaust the hub: body limits while streaming, checked images,
bounded WebSocket frames (docs/security.md)."""

from __future__ import annotations

import base64
import io
import json
import os
import socket
import struct
import threading
import zlib
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.hub.conftest import Hub, image_bytes, typed
from tests.hub.test_scale_out import HubProcess

MIB = 1024 * 1024


def _status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} for {pid}")


class RawPost:
    """A POST over a bare socket, with a reader thread, so the hub's early answer is read
    even while the body is still being sent (and before the hub's close resets the socket)."""

    def __init__(self, url: str, path: str, headers: dict[str, str]) -> None:
        host, port = url.removeprefix("http://").split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=30)
        head = f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        self.sock.sendall(head.encode())
        self.answer = b""
        self.sent = 0
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        try:
            while chunk := self.sock.recv(65536):
                self.answer += chunk
        except OSError:
            pass

    def send_chunked(self, total: int, chunk: int = MIB) -> None:
        """Send up to ``total`` bytes as chunks; stops when the hub stops taking them."""
        data = b"x" * chunk
        try:
            while self.sent < total:
                self.sock.sendall(f"{chunk:x}\r\n".encode() + data + b"\r\n")
                self.sent += chunk
            self.sock.sendall(b"0\r\n\r\n")
        except OSError:  # the hub answered and closed: the rest is refused
            pass

    def status(self) -> int:
        self._reader.join(30)
        self.sock.close()
        assert self.answer, "the hub did not answer"
        return int(self.answer.split(b" ", 2)[1])


@pytest.fixture
def hub_process(tmp_path: Path) -> Any:
    """``python -m kiosk hub`` on its own, so its memory is its own to measure."""
    process = HubProcess(f"sqlite:///{tmp_path}/hub.sqlite3")
    try:
        yield process
    finally:
        process.close()


def test_a_64_mib_anonymous_body_is_refused_while_it_streams(hub_process: HubProcess) -> None:
    pid = hub_process.proc.pid
    # Warm up the paths a POST takes, then measure the hub's peak memory.
    hub_process.http.post("/api/v1/cases", json={"service": "x"})
    peak_before = _status_kib(pid, "VmHWM")

    chunked = RawPost(
        hub_process.url,
        "/api/v1/cases",
        {"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
    )
    chunked.send_chunked(64 * MIB)
    status = chunked.status()
    growth_mib = (_status_kib(pid, "VmHWM") - peak_before) / 1024
    print(f"64 MiB chunked body: {status} after {chunked.sent / MIB:.0f} MiB sent; ", end="")
    print(f"hub peak memory growth {growth_mib:.1f} MiB")
    assert status == 413
    assert b"body_too_large" in chunked.answer
    # The hub stopped reading long before the end (what it took sits in socket buffers).
    assert chunked.sent < 32 * MIB, chunked.sent

    declared = RawPost(
        hub_process.url,
        "/api/v1/cases",
        {"Content-Type": "application/json", "Content-Length": str(64 * MIB)},
    )
    assert declared.status() == 413  # refused on its header, before a byte of the body

    growth_mib = (_status_kib(pid, "VmHWM") - peak_before) / 1024
    assert growth_mib < 16, growth_mib
    assert hub_process.http.get("/api/v1/health").status_code == 200


def test_small_routes_take_small_bodies_and_uploads_larger_ones(hub: Hub) -> None:
    booth = hub.booth("limits")
    case = hub.post(booth, "/api/v1/cases", {"service": "enterprise-deregistration"}).json()
    big_form = {"fields": {"notes": "字" * 120_000}}  # ~360 KB of JSON
    r = hub.put(booth, f"/api/v1/cases/{case['id']}/form", big_form)
    assert r.status_code == 413 and r.json()["error"]["code"] == "body_too_large"
    # A document photo is larger than any other body, and still welcome.
    noise = Image.frombytes("RGB", (700, 500), os.urandom(700 * 500 * 3))
    out = io.BytesIO()
    noise.save(out, format="JPEG", quality=95)
    photo = base64.b64encode(out.getvalue()).decode()
    assert len(photo) > 300 * 1024
    r = hub.post(
        booth,
        f"/api/v1/cases/{case['id']}/materials",
        {"code": "business_license", "image_base64": photo, "image_type": "image/jpeg"},
    )
    assert r.status_code == 201, r.text[:300]


def _bomb_png(side: int) -> bytes:
    """A valid 1-bit PNG of ``side`` x ``side`` pixels, all zero: a few hundred kB that
    would decode into gigabytes."""
    row = b"\x00" * (1 + (side + 7) // 8)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("image", "declared", "code"),
    [
        (b"MZ\x90\x00 this is a program, not a photo" * 10, "image/jpeg", "image_type_mismatch"),
        (image_bytes("PNG"), "image/jpeg", "image_type_mismatch"),
        (image_bytes("JPEG"), "image/png", "image_type_mismatch"),
        (image_bytes("PNG")[:40], "image/png", "bad_image"),  # cut short
        (_bomb_png(30_000), "image/png", "image_too_large"),
    ],
    ids=["not-an-image", "png-as-jpeg", "jpeg-as-png", "truncated", "decompression-bomb"],
)
def test_an_upload_must_be_the_image_it_claims(
    hub: Hub, image: bytes, declared: str, code: str
) -> None:
    booth = hub.booth("images")
    case = hub.post(booth, "/api/v1/cases", {"service": "enterprise-deregistration"}).json()
    body = {
        "code": "business_license",
        "image_base64": base64.b64encode(image).decode(),
        "image_type": declared,
    }
    r = hub.post(booth, f"/api/v1/cases/{case['id']}/materials", body)
    assert r.status_code == 422, r.text[:300]
    assert r.json()["error"]["code"] == code
    assert hub.get(booth, f"/api/v1/cases/{case['id']}").json()["materials"] == []


def test_websocket_frames_are_bounded_in_size_and_rate(hub: Hub) -> None:
    clerk = hub.clerk("flooder", "tax")
    big = hub.ws("/ws/clerk", clerk, first_frame=False)
    big.wait_for(typed("welcome"))
    big.conn.send(json.dumps({"type": "presence", "status": "away", "pad": "x" * MIB}))
    with pytest.raises(ConnectionClosed):
        big.wait_for(lambda f: False, timeout=10)
    assert big.conn.close_code == 1009  # message too big

    with connect(
        hub.server.ws_url + "/ws/clerk",
        additional_headers={"Authorization": f"Bearer {clerk}"},
        open_timeout=5,
    ) as fast:
        ping = json.dumps({"type": "ping", "ts": 1})
        with pytest.raises(ConnectionClosed):
            for _ in range(2000):
                fast.send(ping)
            while True:
                fast.recv(timeout=10)
    assert fast.close_code == 4429
