"""Running a hub: in the foreground (``kiosk hub``) or in a background thread on a free
port of 127.0.0.1 (tests of the hub and of the booth, the demo).

>>> with HubServer(HubSettings(db_url="sqlite:////tmp/hub.db")) as hub:
...     token = hub.register_booth("booth-1")
...     httpx.get(hub.url + "/api/v1/health")
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from types import TracebackType
from typing import Any

import httpx
import uvicorn

from kiosk.hub.app import create_app
from kiosk.hub.settings import HubSettings


class QuerylessLog(logging.Filter):
    """Drops the query string from the paths uvicorn logs (``GET /x?token=...`` becomes
    ``GET /x?…``): whatever a client puts in a URL, no secret reaches the log. The hub takes
    no token in a URL; this is defence in depth."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_queryless(arg) for arg in record.args)
        return True


def _queryless(arg: object) -> object:
    if isinstance(arg, str) and arg.startswith("/") and "?" in arg:
        return arg.split("?", 1)[0] + "?…"
    return arg


def hide_query_strings() -> None:
    """Install :class:`QuerylessLog` on uvicorn's access log and on its error log (where
    it logs WebSocket handshakes); once per process is enough, more is harmless."""
    for name in ("uvicorn.access", "uvicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, QuerylessLog) for f in logger.filters):
            logger.addFilter(QuerylessLog())


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


class HubServer:
    """A real hub (uvicorn) in a daemon thread; ``start()`` returns once health answers."""

    def __init__(
        self,
        settings: HubSettings,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        ws_ping_interval: float | None = None,
        **app_kwargs: Any,
    ) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.url = f"http://{host}:{self.port}"
        if not settings.public_url or settings.public_url == HubSettings().public_url:
            settings = _with_public_url(settings, self.url)
        self.settings = settings
        self.app = create_app(settings, **app_kwargs)
        config = uvicorn.Config(
            self.app,
            host=host,
            port=self.port,
            log_level="warning",
            lifespan="on",
            ws_ping_interval=ws_ping_interval,
            ws_ping_timeout=None,
            backlog=4096,
            ws_per_message_deflate=False,  # as ``kiosk hub`` (kiosk.hub.cli)
            ws_max_size=settings.ws_max_message_bytes,
        )
        hide_query_strings()
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="hub", daemon=True)

    @property
    def ws_url(self) -> str:
        return "ws://" + self.url.removeprefix("http://")

    def start(self, timeout: float = 20.0) -> HubServer:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self._thread.is_alive():
                raise RuntimeError("the hub stopped while starting")
            try:
                if httpx.get(self.url + "/api/v1/health", timeout=1.0).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.02)  # polling the observable condition: health answers
        raise TimeoutError("the hub did not answer its health check")

    def stop(self, timeout: float = 10.0) -> None:
        self._server.should_exit = True
        self._thread.join(timeout)

    @property
    def state(self) -> Any:
        return self.app.state.hub

    def register_booth(self, booth_id: str, name: str = "") -> str:
        """Create a booth (or re-issue its token) directly in the database; returns the token."""
        from kiosk.hub.api_accounts import register_booth

        with self.state.db() as db:
            return register_booth(db, booth_id, name or booth_id)

    def push_key(self) -> str:
        """The hub's config-push public key (a booth's ``[hub] push_key``)."""
        from kiosk.hub.api_ops import push_key

        return push_key(self.state)

    def __enter__(self) -> HubServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _with_public_url(settings: HubSettings, url: str) -> HubSettings:
    import dataclasses

    return dataclasses.replace(settings, public_url=url)
