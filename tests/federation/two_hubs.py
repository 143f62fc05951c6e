"""Real hubs of different regions on 127.0.0.1, each with its own SQLite database, that
know each other as peers (kiosk.hub.federation)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.hub.federation import FederationSettings, Peer
from kiosk.hub.federation_signing import generate_private_key_b64, load_private_key, public_key_b64
from kiosk.hub.server import free_port
from tests.hub.conftest import Hub, hub_settings

SHARED = "hpf-account-transfer"  # 住房公积金异地转移接续, shared by every hub here


@dataclass
class Region:
    code: str
    key: str  # base64 private key
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def as_peer(self) -> Peer:
        return Peer(self.code, self.url, public_key_b64(load_private_key(self.key)))


def region(code: str) -> Region:
    return Region(code, generate_private_key_b64(), free_port())


def hub_of(
    tmp_path: Path, me: Region, peers: list[Region], shared: tuple[str, ...] = (SHARED,)
) -> Any:
    """Settings of ``me``'s hub: its own database, port, key and peers."""
    settings = hub_settings(
        f"sqlite:///{tmp_path}/hub-{me.code}.sqlite3",
        public_url=me.url,
        federation=FederationSettings(
            region=me.code,
            private_key=me.key,
            peers=tuple(p.as_peer() for p in peers),
            shared_services=shared,
        ),
    )
    return settings


@contextmanager
def running(settings: Any, catalog: Any, me: Region) -> Iterator[Hub]:
    from kiosk.hub.server import HubServer

    hub = Hub(HubServer(settings, catalog=catalog, port=me.port).start())
    try:
        yield hub
    finally:
        hub.close()
        hub.server.stop()


def call(hub: Hub, region_code: str, method: str, path: str, body: Any = None) -> Any:
    """A signed request from ``hub`` to its peer ``region_code`` (its JSON answer)."""
    return asyncio.run(hub.state.federation.call(region_code, method, path, body))
