"""A tiny HTTP hub on 127.0.0.1 that honours Idempotency-Key and records every effect.

It runs the standard library's threading HTTP server in a thread, so a booth in this
process or in a subprocess talks to it over real TCP. Each first write with a key is an
*effect* (recorded in order); a write with a key seen before gets the first answer again
and changes nothing, as the real hub does. Knobs: answer 503 (``unavailable``), refuse a
path with 422, refuse a token with 401, hold the answer to the n-th write.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Effect:
    key: str
    method: str
    path: str
    body: Any


@dataclass
class KeyHub:
    token: str = "booth-token"
    port: int = 0
    unavailable: bool = False
    refuse_path: str | None = None
    effects: list[Effect] = field(default_factory=list)
    requests: int = 0
    hold_at: int | None = None  # hold the answer to this write (1-based) until released
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    _answers: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                hub._handle(self)

            do_PUT = do_POST
            do_PATCH = do_POST

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def keys(self) -> list[str]:
        with self._lock:
            return [e.key for e in self.effects]

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length", "0"))
        raw = request.rfile.read(length)
        with self._lock:
            self.requests += 1
            if request.headers.get("Authorization") != f"Bearer {self.token}":
                status, answer = 401, _error("invalid_token", "unknown booth")
            elif self.unavailable:
                status, answer = 503, _error("unavailable", "restarting")
            elif self.refuse_path is not None and request.path.endswith(self.refuse_path):
                status, answer = 422, _error("invalid_field", "amount is not a number")
            else:
                key = request.headers.get("Idempotency-Key", "")
                if key in self._answers:
                    status, answer = self._answers[key]
                else:
                    self.effects.append(Effect(key, request.command, request.path, json.loads(raw)))
                    status = 201
                    n = len(self.effects)
                    answer = json.dumps({"id": f"hub-{n}", "effect": n}).encode()
                    self._answers[key] = (status, answer)
            hold = self.hold_at is not None and self.requests == self.hold_at
        if hold:
            # The write is applied; its answer waits (the booth may die meanwhile).
            self.held.set()
            self.release.wait(30)
        try:
            request.send_response(status)
            request.send_header("Content-Type", "application/json")
            request.send_header("Content-Length", str(len(answer)))
            request.end_headers()
            request.wfile.write(answer)
        except OSError:
            pass  # the booth went away before its answer: that is what some tests do


def _error(code: str, message: str) -> bytes:
    return json.dumps({"error": {"code": code, "message": message}}).encode()
