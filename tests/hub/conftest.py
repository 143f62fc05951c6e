"""Fixtures of the hub tests: a real hub on 127.0.0.1 (uvicorn in a thread), accounts,
booth tokens, and WebSocket clients (websockets' sync client)."""

from __future__ import annotations

import base64
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from kiosk.core.clock import Clock
from kiosk.hub.api_accounts import create_clerk, register_booth
from kiosk.hub.server import HubServer
from kiosk.hub.settings import HubSettings
from tests.hub.sms_gateway import Gateway, running_gateway

PASSWORD = "correct horse battery"
# Read at import: the suite's autouse fixture clears XIAOWU_* variables for each test.
PG_URL = os.environ.get("XIAOWU_TEST_PG_URL", "")


def db_urls() -> list[Any]:
    urls: list[Any] = ["sqlite"]
    if PG_URL:
        urls.append(pytest.param("postgresql", marks=pytest.mark.postgres))
    return urls


def _fresh_pg_url(base: str) -> str:
    """The test database emptied (creating a database per test would be slower)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    return base


@pytest.fixture(params=db_urls())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/hub.sqlite3"
    return _fresh_pg_url(PG_URL)


class Hub:
    """A running hub with helpers to make accounts and talk to it."""

    def __init__(self, server: HubServer) -> None:
        self.server = server
        self.url = server.url
        self.http = httpx.Client(base_url=server.url, timeout=15.0)
        self.clients: list[WsClient] = []

    @property
    def state(self) -> Any:
        return self.server.state

    def booth(self, booth_id: str = "booth-1") -> str:
        with self.state.db() as db:
            return str(register_booth(db, booth_id, f"晓屋 {booth_id}"))

    def clerk(
        self,
        username: str,
        department: str,
        roles: tuple[str, ...] = ("clerk",),
        operator_scope: str = "",
    ) -> str:
        """Create a clerk and log in; returns the session token."""
        with self.state.db() as db:
            create_clerk(
                db,
                self.state.passwords,
                username,
                PASSWORD,
                f"{username} 同志",
                department,
                list(roles),
                operator_scope=operator_scope,
            )
        r = self.http.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
        assert r.status_code == 200, r.text
        return str(r.json()["token"])

    def clerk_id(self, token: str) -> str:
        return str(self.get(token, "/api/v1/me").json()["id"])

    def get(self, token: str | None, path: str, **kw: Any) -> httpx.Response:
        return self.http.get(path, headers=_auth(token), **kw)

    def post(self, token: str | None, path: str, body: Any = None, **kw: Any) -> httpx.Response:
        headers = {**_auth(token), **kw.pop("headers", {})}
        return self.http.post(path, json=body if body is not None else {}, headers=headers, **kw)

    def put(self, token: str | None, path: str, body: Any) -> httpx.Response:
        return self.http.put(path, json=body, headers=_auth(token))

    def ws(self, path: str, token: str, *, first_frame: bool | None = None) -> WsClient:
        """A socket authenticated as the hub's clients do: a clerk's by its first frame
        (``{"type": "auth"}``, as the console in a browser), a booth's by its header;
        ``first_frame`` chooses explicitly."""
        by_frame = path.startswith("/ws/clerk") if first_frame is None else first_frame
        conn = connect(
            self.server.ws_url + path,
            additional_headers={} if by_frame else {"Authorization": f"Bearer {token}"},
            open_timeout=10,
        )
        client = WsClient(conn.__enter__())
        if by_frame:
            client.send({"type": "auth", "token": token})
        self.clients.append(client)
        return client

    def close(self) -> None:
        for client in self.clients:
            client.close()
        self.http.close()


def _auth(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


class WsClient:
    """A JSON WebSocket client that waits for frames by predicate (with a deadline)."""

    def __init__(self, conn: ClientConnection) -> None:
        self.conn = conn
        self.frames: list[dict[str, Any]] = []

    def send(self, frame: dict[str, Any]) -> None:
        self.conn.send(json.dumps(frame))

    def wait_for(self, match: Any, timeout: float = 10.0) -> dict[str, Any]:
        """The first frame (seen before or arriving) for which ``match(frame)`` is true."""
        for i, frame in enumerate(self.frames):
            if match(frame):
                return self.frames.pop(i)
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no matching frame; seen {self.frames[-5:]}")
            try:
                frame = json.loads(self.conn.recv(timeout=remaining))
            except TimeoutError:
                raise TimeoutError(f"no matching frame; seen {self.frames[-5:]}") from None
            if match(frame):
                return frame
            self.frames.append(frame)

    def close(self) -> None:
        self.conn.close()


def image_bytes(kind: str = "PNG", size: tuple[int, int] = (32, 20)) -> bytes:
    """A small real image (the hub checks uploads are the images they say they are)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (250, 250, 240)).save(out, format=kind)
    return out.getvalue()


def typed(frame_type: str, /, **fields: Any) -> Any:
    return lambda f: f.get("type") == frame_type and all(f.get(k) == v for k, v in fields.items())


def command(name: str) -> Any:
    return lambda f: f.get("type") == "command" and f.get("name") == name


_PG_KEYS: list[str] = []


def pg_data_key_file() -> str:
    """One data key file (mode 0600) for every hub of this test process on PostgreSQL,
    which refuses to start without one (kiosk.hub.data_keys.load_data_keys); hubs sharing
    the database share it."""
    if not _PG_KEYS:
        import tempfile

        from kiosk.hub.data_keys import DataKeys, write_key_file

        path = Path(tempfile.mkdtemp(prefix="xiaowu-keys-")) / "hub-data.keys"
        write_key_file(path, DataKeys.generate())
        _PG_KEYS.append(str(path))
    return _PG_KEYS[0]


def hub_settings(db_url: str, **overrides: Any) -> HubSettings:
    """Hub settings for tests: cheap password hashing (argon2 at full cost takes ~1 s here);
    on PostgreSQL, the test process's data key file."""
    base = {
        "db_url": db_url,
        "data_key_file": pg_data_key_file() if db_url.startswith("postgresql") else "",
        "heartbeat_s": 10.0,
        "command_timeout_s": 5.0,
        "password_time_cost": 1,
        "password_memory_kib": 1024,
    }
    return HubSettings(**{**base, **overrides})


def start_hub(settings: HubSettings, catalog: Any, clock: Clock | None = None) -> Hub:
    """A real hub on 127.0.0.1 with ``settings``; stop it with :func:`stop_hub`."""
    return Hub(HubServer(settings, catalog=catalog, clock=clock).start())


def stop_hub(hub: Hub) -> None:
    hub.close()
    hub.server.stop()


@contextmanager
def running_hub(settings: HubSettings, catalog: Any, clock: Clock | None = None) -> Iterator[Hub]:
    hub = start_hub(settings, catalog, clock)
    try:
        yield hub
    finally:
        stop_hub(hub)


@pytest.fixture
def hub(db_url: str, catalog: Any) -> Iterator[Hub]:
    with running_hub(hub_settings(db_url), catalog) as h:
        yield h


@pytest.fixture
def sms_gateway() -> Iterator[Gateway]:
    """A real SMS gateway on 127.0.0.1 (tests.hub.sms_gateway)."""
    with running_gateway() as gateway:
        yield gateway


@pytest.fixture
def sms_hub(tmp_path: Path, catalog: Any, sms_gateway: Gateway) -> Iterator[Hub]:
    """A hub on its own SQLite database that texts through ``sms_gateway``."""
    settings = hub_settings(f"sqlite:///{tmp_path}/hub.sqlite3", sms_gateway_url=sms_gateway.url)
    with running_hub(settings, catalog) as h:
        yield h


@pytest.fixture
def browser() -> Iterator[Any]:
    """Debian's Chromium through Playwright's sync API (fake camera and microphone)."""
    from tests.call.browser import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    quiet = ["--disable-background-networking", "--disable-component-update", "--no-first-run"]
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + quiet, headless=True)
        try:
            yield b
        finally:
            b.close()


def login(page: Any, url: str, username: str) -> None:
    """Log ``username`` (password PASSWORD) into the clerk console at ``url``; returns once
    the desk shows and its WebSocket is up."""
    page.goto(url + "/console")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login button[type=submit]")
    page.wait_for_selector("#desk:not([hidden])")
    page.wait_for_function("() => window.xw.connected === true")


def door_code_from(welcome: dict[str, Any]) -> str:
    """The door code a booth shows now, computed from its ``welcome`` frame as a booth does
    (kiosk.core.door_codes): what a phone that scanned its QR code sends."""
    from kiosk.core.door_codes import door_code, window_at

    door = welcome["door"]
    key = base64.urlsafe_b64decode(door["key"])
    return door_code(key, welcome["booth_id"], window_at(time.time(), door["window_s"]))


def door_code_now(hub: Hub, booth_id: str) -> str:
    """The code booth ``booth_id`` would show now (also when it is not connected)."""
    welcome = {"booth_id": booth_id, "door": hub.state.door.welcome(booth_id, "")}
    return door_code_from(welcome)
