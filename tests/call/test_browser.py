"""The booth's aiortc against the real WebRTC stack of Debian's Chromium."""

from __future__ import annotations

import asyncio
import contextlib

import numpy as np
import pytest

from kiosk.call.booth_call import BoothCall
from kiosk.call.cancelling import cancel_and_wait
from kiosk.call.session import Participant, Phase
from kiosk.call.sources import SyntheticPattern, ToneSource
from kiosk.core.clock import SystemClock
from tests.call.browser import SignalRelay, chromium, inbound, open_clerk, wait_inbound
from tests.call.peers import FAST, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.slow]
BOOTH = "booth:t"


class NoHub:
    async def request_call(self, call_id: str, department: str, service: str) -> None:
        return None


@contextlib.asynccontextmanager
async def booth_call():  # type: ignore[no-untyped-def]
    relay = SignalRelay()
    await relay.start()
    clock = SystemClock()
    call = BoothCall(
        FAST,
        booth_id=BOOTH,
        signaling=relay.port(BOOTH),
        hub=NoHub(),
        face=SyntheticPattern("FACE", clock),
        document=SyntheticPattern("DOC", clock),
        microphone=ToneSource(),
        clock=clock,
        call_id="call-b",
    )
    call.give_consent()
    runner = asyncio.ensure_future(call.run())
    try:
        yield relay, call
    finally:
        await cancel_and_wait(runner)
        await call.close()
        await relay.stop()


def _moving_picture(call: BoothCall, clerk: str) -> np.ndarray:
    sink = call.remote_video(clerk)
    assert sink is not None
    rgb = sink.latest_rgb()
    assert rgb is not None and rgb.shape == (480, 640, 3)
    assert float(rgb.std()) > 5.0  # Chromium's fake camera draws a pattern, not a flat field
    return rgb


async def test_chromium_clerk_and_booth_exchange_both_videos_and_audio() -> None:
    async with booth_call() as (relay, call), chromium() as browser:
        page = await open_clerk(browser, relay, "clerk:1")
        call.clerk_joined(Participant("clerk:1", "王芳", "general", "A-03"))
        await wait_until(lambda: call.view.phase is Phase.CONNECTED, 15, "connected")
        # the browser decodes both booth videos and its audio
        await wait_inbound(page, BOOTH, videos=2)
        # the booth decodes the browser's camera and receives its microphone
        sink = call.remote_video("clerk:1")
        await wait_until(lambda: sink is not None and sink.frames > 10, 10, "browser frames")
        first = _moving_picture(call, "clerk:1").copy()
        count = sink.frames if sink else 0
        await wait_until(lambda: sink is not None and sink.frames > count + 5, 10, "more frames")
        assert not np.array_equal(first, _moving_picture(call, "clerk:1"))
        link = call.links["clerk:1"]
        await wait_until(
            lambda: link.audio_sinks and link.audio_sinks[0].samples > 48_000,
            10,
            "a second of the browser's audio",
        )
        # the booth's heartbeats arrive on the data channel
        await page.wait_for_function("(p) => window.beats[p] > 0", arg=BOOTH, timeout=10000)
        # recovery as after a lost path: a new aiortc connection, a new offer; the page
        # replaces its connection and media flows again
        link.reconnect("test")
        await wait_until(
            lambda: link.state == "connected" and link.generation == 2, 15, "a second connection"
        )
        assert await page.evaluate("() => window.offersReceived") == 2
        await wait_until(
            lambda: link.video_sinks and link.video_sinks[0].frames > 5,
            10,
            "browser frames on the new connection",
        )
        await wait_inbound(page, BOOTH, videos=2)
        await call.hang_up()
        assert call.view.phase is Phase.ENDED
        # the booth's bye closes the browser's connection
        await page.wait_for_function("(p) => window.state(p) === 'none'", arg=BOOTH, timeout=5000)


async def test_three_parties_two_chromium_clerks_and_the_booth_then_one_leaves() -> None:
    async with booth_call() as (relay, call), chromium() as browser:
        general = await open_clerk(browser, relay, "clerk:general")
        tax = await open_clerk(browser, relay, "clerk:tax")
        call.clerk_joined(Participant("clerk:general", "王芳", "general", "A-03"))
        await wait_until(lambda: call.view.phase is Phase.CONNECTED, 15, "general connected")
        # the general clerk invites the tax clerk, who calls everyone in the call
        info = {"name": "李强", "department": "tax", "seat": "T-11"}
        await tax.evaluate("([p, c, i]) => window.callPeer(p, c, i)", [BOOTH, call.call_id, info])
        await tax.evaluate(
            "([p, c, i]) => window.callPeer(p, c, i)", ["clerk:general", call.call_id, info]
        )
        await wait_until(
            lambda: (
                len(call.view.participants) == 2
                and all(p.link == "connected" for p in call.view.participants)
            ),
            15,
            "the tax clerk connected to the booth",
        )
        assert call.view.participants[1].department == "tax"
        # everyone receives everyone's media
        await wait_inbound(general, BOOTH, videos=2)
        await wait_inbound(tax, BOOTH, videos=2)
        await wait_inbound(general, "clerk:tax", videos=1)
        await wait_inbound(tax, "clerk:general", videos=1)
        for clerk in ("clerk:general", "clerk:tax"):
            sink = call.remote_video(clerk)
            await wait_until(lambda s=sink: s is not None and s.frames > 5, 10, f"{clerk} video")
            _moving_picture(call, clerk)
        # the general clerk leaves; the call goes on between the booth and the tax clerk
        await general.evaluate("() => window.leave()")
        await wait_until(
            lambda: [p.id for p in call.view.participants] == ["clerk:tax"],
            10,
            "the general clerk gone",
        )
        assert call.view.phase is Phase.CONNECTED
        before = sum(s["bytes"] for s in await inbound(tax, BOOTH) if s["kind"] == "video")
        await wait_until(lambda: call.remote_video("clerk:tax").frames > 30, 10, "tax video")
        after = sum(s["bytes"] for s in await inbound(tax, BOOTH) if s["kind"] == "video")
        assert after > before
