"""BoothCall end to end in one process: the booth and two Python clerks in a mesh."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping
from typing import Any

from kiosk.call.booth_call import BoothCall
from kiosk.call.cancelling import cancel_and_wait
from kiosk.call.peer import PeerLink
from kiosk.call.session import Participant, Phase
from kiosk.call.sources import SyntheticPattern, ToneSource
from kiosk.core.clock import SystemClock
from kiosk.core.errors import HubUnavailable
from tests.call.peers import FAST, Recorder, pumping, signaling_hub, synthetic_media, wait_until


class FakeHub:
    def __init__(self, fail: bool = False) -> None:
        self.requests: list[tuple[str, str, str]] = []
        self.fail = fail

    async def request_call(self, call_id: str, department: str, service: str) -> None:
        if self.fail:
            raise HubUnavailable("hub down")
        self.requests.append((call_id, department, service))


def _clerk(name: str, department: str, port: Any) -> PeerLink:
    return PeerLink(
        "booth:t",
        call_id="",
        local_id=name,
        media=synthetic_media("CLERK", None, 660.0),
        signaling=port,
        config=FAST,
        clock=SystemClock(),
        listener=Recorder(),
        recover=False,
        local_info={"name": name, "department": department, "seat": "S1"},
    )


async def test_a_call_with_two_departments_from_queue_to_last_clerk_leaving() -> None:
    ports = signaling_hub("booth:t", "clerk:general", "clerk:tax")
    clock = SystemClock()
    face, document, mic = (
        SyntheticPattern("FACE", clock),
        SyntheticPattern("DOC", clock),
        ToneSource(),
    )
    pushes: list[tuple[str, Mapping[str, Any]]] = []
    views = []
    hub = FakeHub()
    call = BoothCall(
        FAST,
        booth_id="booth:t",
        signaling=ports["booth:t"],
        hub=hub,
        face=face,
        document=document,
        microphone=mic,
        clock=clock,
        on_change=views.append,
        on_push=lambda k, d: pushes.append((k, d)),
    )
    general = _clerk("clerk:general", "general", ports["clerk:general"])
    general.call_id = call.call_id
    tax = _clerk("clerk:tax", "tax", ports["clerk:tax"])
    runner = asyncio.ensure_future(call.run())
    async with (
        pumping(ports["clerk:general"], lambda s: general),
        pumping(ports["clerk:tax"], lambda s: tax),
    ):
        try:
            await call.request("general", "enterprise-deregistration")
            await wait_until(lambda: hub.requests, 5, "the call request")
            assert hub.requests[0][1:] == ("general", "enterprise-deregistration")
            call.queue_updated(2, 90.0)
            assert call.view.phase is Phase.QUEUED and call.view.queue_position == 2

            # the hub assigns the general clerk: the booth offers
            call.clerk_joined(Participant("clerk:general", "王芳", "general", "A-03"))
            await wait_until(lambda: call.view.phase is Phase.CONNECTED, 10, "connected")
            await wait_until(
                lambda: general.audio_sinks and general.audio_sinks[0].frames > 25,
                10,
                "the clerk hearing the booth",
            )
            # no consent yet: the cameras are off and no picture has left the booth
            assert not call.sending_video and not face.active
            assert all(sink.frames == 0 for sink in general.video_sinks)
            assert call.local_preview() is None

            call.give_consent()
            assert call.sending_video and face.active
            await wait_until(
                lambda: (
                    len(general.video_sinks) == 2 and all(s.frames > 3 for s in general.video_sinks)
                ),
                10,
                "face and document video at the clerk",
            )
            sink = call.remote_video("clerk:general")
            await wait_until(lambda: sink is not None and sink.frames > 3, 10, "clerk video")

            # the tax clerk is invited and offers first
            tax.call_id = call.call_id
            await tax.start()
            await wait_until(
                lambda: (
                    len(call.view.participants) == 2
                    and all(p.link == "connected" for p in call.view.participants)
                ),
                10,
                "the tax clerk connected",
            )
            assert call.view.participants[1].department == "tax"
            await wait_until(
                lambda: (
                    len(tax.video_sinks) == 2
                    and all(s.frames > 3 for s in tax.video_sinks)
                    and call.remote_video("clerk:tax") is not None
                    and call.remote_video("clerk:tax").frames > 3
                ),
                10,
                "media between the booth and the tax clerk",
            )

            call.push_received("show_form", {"form": "tax-clearance"})
            await wait_until(lambda: pushes, 5, "the push")
            assert pushes == [("show_form", {"form": "tax-clearance"})]

            # the general clerk leaves: the call goes on with the tax clerk
            await general.close(send_bye=True)
            await wait_until(
                lambda: [p.id for p in call.view.participants] == ["clerk:tax"],
                5,
                "the general clerk gone",
            )
            assert call.view.phase is Phase.CONNECTED and "clerk:general" not in call.links

            await tax.close(send_bye=True)
            await asyncio.wait_for(runner, 10)
            assert call.view.phase is Phase.ENDED and call.view.end_reason == "clerks_left"
            assert not call.links and not face.active and not call.sending_video
            assert any(v.phase is Phase.QUEUED for v in views)
        finally:
            await cancel_and_wait(runner)
            await call.close()
            await general.close(send_bye=False)
            await tax.close(send_bye=False)


async def test_a_hub_that_cannot_take_the_request_ends_the_call_with_its_code() -> None:
    ports = signaling_hub("booth:t")
    clock = SystemClock()
    call = BoothCall(
        FAST,
        booth_id="booth:t",
        signaling=ports["booth:t"],
        hub=FakeHub(fail=True),
        face=SyntheticPattern("FACE", clock),
        document=None,
        microphone=ToneSource(),
        clock=clock,
    )
    runner = asyncio.ensure_future(call.run())
    await call.request("general")
    await asyncio.wait_for(runner, 5)
    assert call.view.phase is Phase.ENDED and call.view.end_reason == "hub_unavailable"


async def test_hub_queue_commands_then_the_accepted_clerk_offers() -> None:
    ports = signaling_hub("booth:t", "clerk:7")
    clock = SystemClock()
    call = BoothCall(
        FAST,
        booth_id="booth:t",
        signaling=ports["booth:t"],
        hub=FakeHub(),
        face=SyntheticPattern("FACE", clock),
        document=SyntheticPattern("DOC", clock),
        microphone=ToneSource(),
        clock=clock,
    )
    clerk = _clerk("clerk:7", "general", ports["clerk:7"])
    runner = asyncio.ensure_future(call.run())
    async with pumping(ports["clerk:7"], lambda s: clerk):
        try:
            await call.request("general")
            call.queue_command(
                {
                    "status": "waiting",
                    "entry_id": "e1",
                    "department": "general",
                    "position": 1,
                    "estimated_wait_s": 30,
                }
            )
            assert (call.view.queue_position, call.view.estimated_wait_s) == (1, 30.0)
            call.queue_command(
                {
                    "status": "accepted",
                    "call_id": "hub-call-9",
                    "department": "general",
                    "peer": "clerk:7",
                    "clerk": {"id": "7", "name": "王芳", "department": "general"},
                }
            )
            assert call.call_id == "hub-call-9"
            assert call.view.phase is Phase.CONNECTING
            assert call.view.participants[0].name == "王芳"
            await wait_until(lambda: "clerk:7" in call.links, 5, "the link")
            assert call.links["clerk:7"].pc is None  # the booth waits for the clerk's offer
            clerk.call_id = "hub-call-9"
            await clerk.start()
            await wait_until(lambda: call.view.phase is Phase.CONNECTED, 10, "connected")
            assert call.links["clerk:7"].generation == 1  # one connection: no glare
        finally:
            await cancel_and_wait(runner)
            await call.close()
            await clerk.close(send_bye=False)


async def test_an_accepted_clerk_who_never_offers_gets_an_offer_from_the_booth() -> None:
    config = dataclasses.replace(FAST, reconnect_attempt_s=1.0)
    ports = signaling_hub("booth:t", "clerk:7")
    clock = SystemClock()
    call = BoothCall(
        config,
        booth_id="booth:t",
        signaling=ports["booth:t"],
        hub=FakeHub(),
        face=SyntheticPattern("FACE", clock),
        document=None,
        microphone=ToneSource(),
        clock=clock,
    )
    clerk = _clerk("clerk:7", "general", ports["clerk:7"])
    runner = asyncio.ensure_future(call.run())
    async with pumping(ports["clerk:7"], lambda s: clerk):
        try:
            call.queue_command(
                {
                    "status": "accepted",
                    "call_id": "c9",
                    "peer": "clerk:7",
                    "clerk": {"name": "王芳", "department": "general"},
                }
            )
            clerk.call_id = "c9"
            await wait_until(lambda: call.view.phase is Phase.CONNECTED, 10, "connected")
            assert clerk.generation == 1  # the clerk answered the booth's offer
        finally:
            await cancel_and_wait(runner)
            await call.close()
            await clerk.close(send_bye=False)
