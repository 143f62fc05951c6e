"""ICE settings: the booth's STUN/TURN servers, and a bound on how long gathering takes.

The servers come from the hub when it names them: each call's ``accepted`` frame carries
``ice`` (the ``GET /api/v1/ice-servers`` document, with TURN credentials of the booth's
own that expire), so a district configures STUN/TURN once, on the hub, and rotates the
TURN secret there. A booth's own ``[call]`` servers serve when the hub names none (an
older hub, or one without STUN/TURN settings).

aiortc does not trickle candidates: ``setLocalDescription`` waits until every candidate
is gathered, and aioice waits up to 5 s for a STUN or TURN server that does not answer.
:func:`bound_gathering` caps that wait at ``gather_timeout_s`` for one peer connection,
so an unreachable STUN server costs at most that much (host candidates are gathered at
once; server-reflexive and relay candidates that arrive in time are offered too).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from typing import Any

from aiortc import RTCBundlePolicy, RTCConfiguration, RTCIceServer, RTCPeerConnection

from kiosk.config import CallConfig

log = logging.getLogger(__name__)


def rtc_configuration(
    config: CallConfig, hub_servers: Sequence[RTCIceServer] = ()
) -> RTCConfiguration:
    """The RTCConfiguration for every peer connection of a call.

    ``hub_servers`` (from :func:`servers_from_hub`) win over the configured ones. No
    server at all means none (aiortc's default would ask a public STUN server).
    MAX_BUNDLE puts every track and the data channel on one transport: with BALANCED,
    aiortc leaves a second incoming video on a transport with no candidates.
    """
    servers = list(hub_servers)
    if not servers:
        servers = [RTCIceServer(urls=url) for url in config.stun_urls]
        servers += [
            RTCIceServer(urls=url, username=config.turn_username, credential=config.turn_password)
            for url in config.turn_urls
        ]
    return RTCConfiguration(iceServers=servers, bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)


def servers_from_hub(document: Any) -> tuple[RTCIceServer, ...]:
    """The ``iceServers`` of the hub's ICE document (``{"iceServers": [{"urls", "username"?,
    "credential"?}], "ttl_s"}``) as aiortc servers; nothing when it names none.

    A server that does not read (no string urls, a credential that is not a string) is
    left out with a warning rather than failing the call: the others, or the booth's own
    servers, still serve.
    """
    entries = document.get("iceServers") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        return ()
    servers = []
    for entry in entries:
        urls = entry.get("urls") if isinstance(entry, dict) else None
        if isinstance(urls, str):
            urls = [urls]
        username, credential = (
            (entry.get("username"), entry.get("credential")) if isinstance(entry, dict) else (0, 0)
        )
        if (
            not isinstance(urls, list)
            or not urls
            or not all(isinstance(u, str) and u for u in urls)
            or not isinstance(username, str | None)
            or not isinstance(credential, str | None)
        ):
            log.warning("an ICE server from the hub does not read; left out")
            continue
        servers.append(RTCIceServer(urls=urls, username=username, credential=credential))
    return tuple(servers)


def bound_gathering(pc: RTCPeerConnection, timeout_s: float) -> None:
    """Make ``pc``'s next candidate gathering wait at most ``timeout_s`` for servers.

    Call after the tracks and data channel are added (or the remote offer is set) and
    before ``setLocalDescription``.
    """
    transports = [t.receiver.transport for t in pc.getTransceivers()]
    if pc.sctp is not None:
        transports.append(pc.sctp.transport)
    seen: set[int] = set()
    for dtls in transports:
        connection = dtls.transport.iceGatherer._connection
        if id(connection) in seen:
            continue
        seen.add(id(connection))
        # aioice's own default is 5 s, and it has no public setting for it.
        connection.get_component_candidates = functools.partial(  # type: ignore[method-assign]
            connection.get_component_candidates,
            timeout=timeout_s,  # type: ignore[arg-type]  # asyncio.wait takes a float
        )
