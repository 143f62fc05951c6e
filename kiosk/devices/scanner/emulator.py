"""An emulated serial QR scanner, for a pty. ``model.scan(text)`` sends a code."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.devices.scanner.protocol import encode_scan


class ScannerModel:
    gap_framed = False
    gap_s = 0.0

    def __init__(self, terminator: bytes = b"\r") -> None:
        self.terminator = terminator
        self.received = b""  # trigger commands and anything else the host sent
        self._emit: Callable[[bytes], None] = lambda frame: None

    def bind(self, changed: Callable[[], None], emit: Callable[[bytes], None]) -> None:
        self._emit = emit

    def scan(self, text: str) -> None:
        self._emit(encode_scan(text, self.terminator))

    def corrupt(self, frame: bytes) -> bytes:
        return b"\xff" + frame  # a misread: not UTF-8

    def receive(self, data: bytes) -> list[bytes]:
        self.received += data
        return []

    def receive_gap(self) -> list[bytes]:  # pragma: no cover - not gap framed
        return []
