"""The hub's collaborators, built once by :func:`kiosk.hub.app.create_app` and reached by
request handlers through ``request.app.state.hub`` (no module-level singletons)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from kiosk.core.clock import Clock
from kiosk.hub.auth import CitizenLinks, LoginLimiter, Passwords, RateLimiter
from kiosk.hub.data_keys import DataKeys
from kiosk.hub.db import WRITE_LOCK
from kiosk.hub.door import DoorGuard
from kiosk.hub.federation import Federation, FederationSettings
from kiosk.hub.federation_catalog import PeerCatalog
from kiosk.hub.fleet_alerts import AlertLimits
from kiosk.hub.models import KeyValue, use_clock
from kiosk.hub.notify import Notifier
from kiosk.hub.settings import HubSettings
from kiosk.hub.switchboard import Switchboard


class ServiceCatalog(Protocol):
    """What the hub uses of :class:`kiosk.core.catalog.Catalog`."""

    version: str
    departments: tuple[Any, ...]
    services: tuple[Any, ...]

    def service(self, code: str) -> Any: ...
    def search(self, query: str, limit: int = 50) -> list[Any]: ...
    def to_json(self) -> dict[str, Any]: ...


@dataclass
class CatalogDocument:
    """The catalog as served: its JSON bytes and their ETag, computed once."""

    catalog: ServiceCatalog
    body: bytes = b""
    etag: str = ""

    def __post_init__(self) -> None:
        self.body = json.dumps(self.catalog.to_json(), ensure_ascii=False).encode()
        self.etag = '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'


@dataclass
class HubState:
    settings: HubSettings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock
    catalog: CatalogDocument
    switchboard: Switchboard
    links: CitizenLinks
    limiter: LoginLimiter
    notifier: Notifier
    passwords: Passwords
    sms_limits: RateLimiter  # messages per phone / address, wrong codes per address
    door: DoorGuard  # who may open a booth's door (door codes, limits)
    keys: DataKeys  # personal data at rest: encryption and blind indexes
    started: float = 0.0
    # the thresholds health reports are read against (``[ops] alert_*``)
    alert_limits: AlertLimits = field(default_factory=AlertLimits)
    # tasks held until done (a task nobody references may be collected before it runs)
    login_codes_sending: set[asyncio.Task[None]] = field(default_factory=set)
    queue_broadcasts: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    # set after each retention pass (tests wait on it)
    retention_passed: threading.Event = field(default_factory=threading.Event)
    # Peer hubs of other regions (kiosk.hub.federation); none unless configured.
    federation: Federation = field(default_factory=lambda: Federation(FederationSettings()))
    # Their services that this hub's booths may offer (kiosk.hub.federation_catalog).
    peer_catalog: PeerCatalog = field(default_factory=PeerCatalog)

    def __post_init__(self) -> None:
        # rows this hub writes are stamped by its clock, a fake one in tests included
        use_clock(self.engine, self.clock)

    @contextmanager
    def db(self) -> Iterator[Session]:
        """A session in a transaction, committed on success. On SQLite it holds the write
        lock from its start (kiosk.hub.db.WRITE_LOCK): read-modify-write is atomic."""
        with self.sessions.begin() as session:
            session.connection(execution_options={WRITE_LOCK: True})
            yield session


def load_secret(sessions: sessionmaker[Session], configured: str) -> bytes:
    """The configured secret, or the one kept in the database (created on first start)."""
    if configured:
        return configured.encode()
    with sessions.begin() as db:
        row = db.get(KeyValue, "secret_key")
        if row is None:
            row = KeyValue(key="secret_key", value=secrets.token_hex(32))
            db.add(row)
        return row.value.encode()
