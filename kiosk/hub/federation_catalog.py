"""Services of peer hubs that this hub's booths may offer (跨域通办), each marked with the
region that serves it, searchable like the hub's own catalog (kiosk.core.search).

:func:`refresh` asks every configured peer for its shared services (a signed request to
``/api/v1/peer/services``); a peer that does not answer keeps what it published last, so
a peer being down does not empty the booths' list (starting a case there is what tells
the citizen, kiosk.hub.api_federation). :func:`keep_fresh` does it at start and then
every ``period_s``.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

from kiosk.core.search import SearchIndex
from kiosk.core.text import Text
from kiosk.hub.federation import Federation, PeerRefused, PeerUnavailable

log = logging.getLogger(__name__)

REFRESH_PERIOD_S = 600.0
MAX_SERVICES_PER_PEER = 500  # what one peer may make this hub hold and search


@dataclass(frozen=True, slots=True)
class PeerService:
    """A service a peer hub serves for other regions' booths."""

    code: str
    region: str
    department: str
    name: Text
    summary: Text
    keywords: tuple[str, ...] = ()
    materials: tuple[Any, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "region": self.region,
            "department": self.department,
            "name": self.name.to_json(),
            "summary": self.summary.to_json(),
            "cross_region": True,
        }


def _read(region: str, doc: Any) -> PeerService | None:
    """One published entry, or None when it is not what a peer should send."""
    try:
        code, department = str(doc["code"])[:100], str(doc["department"])[:64]
        name, summary = Text.from_json(doc["name"]), Text.from_json(doc["summary"])
    except (KeyError, TypeError, AttributeError):
        return None
    return PeerService(code, region, department, name, summary)


@dataclass
class PeerCatalog:
    """The last known shared services of every peer, and a search index over them."""

    # This hub's departments by code: a peer's service is found by its department's name too.
    departments: dict[str, Any] = field(default_factory=dict)
    by_region: dict[str, tuple[PeerService, ...]] = field(default_factory=dict)
    services: tuple[PeerService, ...] = ()
    _index: SearchIndex | None = None
    refreshed: asyncio.Event = field(default_factory=asyncio.Event)

    def replace(self, region: str, services: tuple[PeerService, ...]) -> None:
        self.by_region[region] = services
        self.services = tuple(s for r in sorted(self.by_region) for s in self.by_region[r])
        self._index = SearchIndex(self.services, self.departments) if self.services else None

    def search(self, query: str, limit: int = 50) -> list[PeerService]:
        if not query.strip():
            return list(self.services[:limit])
        if self._index is None:
            return []
        return [self.services[i] for i in self._index.search(query, limit)]

    def find(self, region: str, code: str) -> PeerService | None:
        return next((s for s in self.by_region.get(region, ()) if s.code == code), None)


async def refresh(federation: Federation, catalog: PeerCatalog) -> None:
    """Ask every peer for its shared services; one that does not answer keeps its last."""
    for peer in federation.settings.peers:
        try:
            answer = await federation.call(peer.region, "GET", "/api/v1/peer/services")
        except (PeerUnavailable, PeerRefused) as exc:
            log.info("peer %s did not publish its services: %s", peer.region, exc)
            continue
        entries = answer.get("services", []) if isinstance(answer, dict) else []
        read = (_read(peer.region, e) for e in entries[:MAX_SERVICES_PER_PEER])
        catalog.replace(peer.region, tuple(s for s in read if s is not None))
    catalog.refreshed.set()


async def keep_fresh(
    federation: Federation, catalog: PeerCatalog, period_s: float = REFRESH_PERIOD_S
) -> None:
    """Refresh at start, then every ``period_s``, until cancelled."""
    if not federation.settings.enabled:
        return
    while True:
        await refresh(federation, catalog)
        await asyncio.sleep(period_s)
