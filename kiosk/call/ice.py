"""ICE settings: the booth's STUN/TURN servers, and a bound on how long gathering takes.

aiortc does not trickle candidates: ``setLocalDescription`` waits until every candidate
is gathered, and aioice waits up to 5 s for a STUN or TURN server that does not answer.
:func:`bound_gathering` caps that wait at ``gather_timeout_s`` for one peer connection,
so an unreachable STUN server costs at most that much (host candidates are gathered at
once; server-reflexive and relay candidates that arrive in time are offered too).
"""

from __future__ import annotations

import functools
import logging

from aiortc import RTCBundlePolicy, RTCConfiguration, RTCIceServer, RTCPeerConnection

from kiosk.config import CallConfig

log = logging.getLogger(__name__)


def rtc_configuration(config: CallConfig) -> RTCConfiguration:
    """The RTCConfiguration for every peer connection of a call.

    No configured server means no server at all (aiortc's default would ask a public
    STUN server). MAX_BUNDLE puts every track and the data channel on one transport:
    with BALANCED, aiortc leaves a second incoming video on a transport with no
    candidates.
    """
    servers = [RTCIceServer(urls=url) for url in config.stun_urls]
    servers += [
        RTCIceServer(urls=url, username=config.turn_username, credential=config.turn_password)
        for url in config.turn_urls
    ]
    return RTCConfiguration(iceServers=servers, bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)


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
