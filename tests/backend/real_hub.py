"""The real hub (``kiosk.hub``, uvicorn in a thread) on 127.0.0.1, restartable on its port.

The database is a SQLite file in the test's directory, so a restarted hub keeps its
booths, cases and idempotency keys, like a hub process that was restarted.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from kiosk.hub.api_accounts import register_booth
from kiosk.hub.server import HubServer
from kiosk.hub.settings import HubSettings


class RealHub:
    def __init__(self, directory: Path, catalog: Any, heartbeat_s: float = 10.0) -> None:
        self.settings = HubSettings(
            db_url=f"sqlite:///{directory}/hub.sqlite3",
            heartbeat_s=heartbeat_s,
            command_timeout_s=10.0,
        )
        self.catalog = catalog
        self.port = 0
        self.server: HubServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> RealHub:
        """Start (again, on the same port once it had one); returns once health answers."""
        self.server = HubServer(self.settings, port=self.port, catalog=self.catalog).start()
        self.port = self.server.port
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    async def astart(self) -> RealHub:
        """:meth:`start` off the event loop, so the booth keeps running meanwhile."""
        return await asyncio.to_thread(self.start)

    async def astop(self) -> None:
        """:meth:`stop` off the event loop: the booth answers the closing handshake."""
        await asyncio.to_thread(self.stop)

    def booth_token(self, booth_id: str) -> str:
        assert self.server is not None
        with self.server.state.db() as db:
            return str(register_booth(db, booth_id, f"晓屋 {booth_id}"))
