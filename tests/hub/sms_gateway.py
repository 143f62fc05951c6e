"""A real SMS gateway for tests: an HTTP server on 127.0.0.1 that records each message the
hub posts (and can fail the first few with 503), so a test reads what the citizen gets."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Gateway:
    """An SMS gateway that fails the first ``failures`` posts with 503."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.posts: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.received = threading.Condition()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with gateway.received:
                    gateway.posts.append(body)
                    gateway.headers.append(dict(self.headers))
                    gateway.received.notify_all()
                    failing = len(gateway.posts) <= gateway.failures
                self.send_response(503 if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def wait(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        with self.received:
            assert self.received.wait_for(lambda: len(self.posts) >= count, timeout)
            return list(self.posts)


@contextmanager
def running_gateway(failures: int = 0) -> Iterator[Gateway]:
    gateway = Gateway(failures)
    gateway.thread.start()
    try:
        yield gateway
    finally:
        gateway.server.shutdown()
        gateway.server.server_close()
