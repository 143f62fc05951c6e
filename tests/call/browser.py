"""Rigs for browser tests: Debian's Chromium through Playwright, a signaling relay.

The relay stands in for the hub's signaling until the hub's console is merged: a
WebSocket server on 127.0.0.1 that routes JSON ``signal`` data by its ``to`` field,
between browser pages and in-process ports (the booth).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from kiosk.call.signaling import QueueSignaling, SignalMessage

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
]
PAGE = Path(__file__).with_name("clerk_page.html")


class SignalRelay:
    def __init__(self) -> None:
        self.sockets: dict[str, Any] = {}
        self.ports: dict[str, QueueSignaling] = {}
        self.url = ""
        self._server: Any = None

    async def start(self) -> None:
        from websockets.asyncio.server import serve

        self._server = await serve(self._serve, "127.0.0.1", 0, process_request=self._page)
        port = next(iter(self._server.sockets)).getsockname()[1]
        self.url = f"ws://127.0.0.1:{port}/signal"

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    @staticmethod
    def _page(connection: Any, request: Any) -> Any:
        """Serve the clerk page over plain HTTP on the same port (a secure origin)."""
        if not request.path.startswith("/clerk.html"):
            return None
        response = connection.respond(HTTPStatus.OK, PAGE.read_text(encoding="utf-8"))
        response.headers["Content-Type"] = "text/html; charset=utf-8"
        return response

    def port(self, party: str) -> QueueSignaling:
        """An in-process party (the booth) reachable by ``party``."""

        async def send(message: SignalMessage) -> None:
            await self._route(message.to_data())

        self.ports[party] = QueueSignaling(send)
        return self.ports[party]

    async def _route(self, data: dict[str, Any]) -> None:
        to = data.get("to")
        if to in self.ports:
            self.ports[to].deliver(SignalMessage.from_data(data))
        elif to in self.sockets:
            await self.sockets[to].send(json.dumps(data))

    async def _serve(self, connection: Any) -> None:
        party = parse_qs(urlsplit(connection.request.path).query)["id"][0]
        self.sockets[party] = connection
        with contextlib.suppress(Exception):
            async for text in connection:
                await self._route(json.loads(text))
        self.sockets.pop(party, None)


@contextlib.asynccontextmanager
async def chromium() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


async def open_clerk(browser: Any, relay: SignalRelay, party: str) -> Any:
    """A page of the test clerk page, connected to the relay as ``party``."""
    page = await browser.new_page()
    origin = relay.url.replace("ws://", "http://").replace("/signal", "")
    await page.goto(f"{origin}/clerk.html?id={party}&ws={relay.url}")
    await page.wait_for_function("window.ready === true")
    return page


async def inbound(page: Any, peer: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = await page.evaluate("(p) => window.inbound(p)", peer)
    return result


async def wait_inbound(page: Any, peer: str, videos: int, within: float = 15.0) -> None:
    """Poll the page's getStats until ``videos`` videos and the audio have decoded media."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    stats: list[dict[str, Any]] = []
    while loop.time() < deadline:
        stats = await inbound(page, peer)
        video = [s for s in stats if s["kind"] == "video" and s["bytes"] > 0 and s["frames"] > 0]
        audio = [s for s in stats if s["kind"] == "audio" and s["bytes"] > 0 and s["samples"] > 0]
        if len(video) >= videos and audio:
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"media from {peer} not decoded in time: {stats}")
