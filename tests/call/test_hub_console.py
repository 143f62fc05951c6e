"""Integration: the booth's call module, headless, through a real hub on 127.0.0.1, with
the hub's clerk console in Debian's Chromium.

The booth side is wired as on a booth: kiosk.backend's BoothChannel on /ws/booth and a
CallDesk over it, which routes the ``signal``, ``queue`` and ``call`` commands into the
current BoothCall and sends its signaling as ``signal`` events. The hub runs in its own
thread (as in the hub's tests); Playwright drives the console on this test's loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kiosk.backend.channel import BoothChannel, ConnectionState
from kiosk.call.desk import CallDesk
from kiosk.call.session import CallView, Phase
from kiosk.call.sources import SyntheticPattern, ToneSource, label_colour
from kiosk.config import CallConfig
from kiosk.core.catalog import load_catalog
from kiosk.core.clock import SystemClock
from kiosk.hub.server import HubServer
from tests.call.browser import chromium
from tests.call.peers import FAST, wait_until
from tests.call.relay import RelayedChannel, UdpRelay, running_relay
from tests.hub.conftest import PASSWORD, Hub, hub_settings

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@contextlib.asynccontextmanager
async def booth_on_hub(  # type: ignore[no-untyped-def]
    tmp_path: Path,
    config: CallConfig = FAST,
    relay: UdpRelay | None = None,
    on_change: Callable[[CallView], None] | None = None,
):
    """A real hub, and the booth's channel with the call desk wired as on a booth.

    With ``relay``, every media path between the booth and the consoles crosses it.
    """
    server = HubServer(
        hub_settings(f"sqlite:///{tmp_path}/hub.sqlite3"), catalog=load_catalog()
    ).start()
    hub = Hub(server)
    token = hub.booth("b1")
    clock = SystemClock()
    channel = BoothChannel(server.ws_url + "/ws/booth", token, clock)
    desk = CallDesk(
        channel if relay is None else RelayedChannel(channel, relay),
        config,
        booth_id="b1",
        face=SyntheticPattern("FACE", clock),
        document=SyntheticPattern("DOC", clock),
        microphone=ToneSource(),
        clock=clock,
    )
    channel.start()
    try:
        await asyncio.wait_for(channel.wait_for(ConnectionState.ONLINE), 15)
        call = await desk.new_call(on_change=on_change)
        yield hub, call
    finally:
        await desk.close()
        await channel.stop()
        hub.close()
        await asyncio.to_thread(server.stop)


async def login(browser: Any, url: str, username: str) -> Any:
    context = await browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page = await context.new_page()
    await page.goto(url + "/console")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("#login button[type=submit]")
    await page.wait_for_selector("#desk:not([hidden])")
    await page.wait_for_function("() => window.xw.connected === true")
    return page


STATS = """(peer) => {
  const pc = window.xw.pcs.get(peer);
  if (!pc) return [];
  return pc.getStats().then((r) => { const out = []; r.forEach((s) => {
    if (s.type === 'inbound-rtp') out.push({kind: s.kind, bytes: s.bytesReceived,
      frames: s.framesDecoded || 0, samples: s.totalSamplesReceived || 0}); }); return out; });
}"""


async def wait_console_media(page: Any, peer: str, videos: int, within: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    stats: list[dict[str, Any]] = []
    while loop.time() < deadline:
        stats = await page.evaluate(STATS, peer)
        video = [s for s in stats if s["kind"] == "video" and s["bytes"] > 0 and s["frames"] > 0]
        audio = [s for s in stats if s["kind"] == "audio" and s["bytes"] > 0 and s["samples"] > 0]
        if len(video) >= videos and audio:
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"console did not decode media from {peer}: {stats}")


async def console_colours(page: Any) -> list[list[int]]:
    colours: list[list[int]] = await page.evaluate("""() => ['#face', '#doc'].map((sel) => {
        const v = document.querySelector(sel); const c = document.createElement('canvas');
        c.width = v.videoWidth; c.height = v.videoHeight; const g = c.getContext('2d');
        g.drawImage(v, 0, 0);
        return Array.from(g.getImageData(15, v.videoHeight - 15, 1, 1).data.slice(0, 3)); })""")
    return colours


def _near(colour: list[int], label: str) -> bool:
    return bool(np.abs(np.array(colour) - np.array(label_colour(label))).max() < 50)


async def test_booth_and_two_department_consoles_through_the_real_hub(tmp_path: Path) -> None:
    async with booth_on_hub(tmp_path) as (hub, call), chromium() as browser:
        await asyncio.to_thread(hub.clerk, "gen", "general")
        await asyncio.to_thread(hub.clerk, "tax1", "tax")
        call.give_consent()
        await call.request("general")
        general = await login(browser, hub.url, "gen")
        await general.click("#queue li[data-kind=booth] button.accept")
        await wait_until(lambda: call.view.phase is Phase.CONNECTED, 20, "the booth connected")
        gen_peer = call.view.participants[0].id
        assert call.view.participants[0].department == "general"

        # media both ways: the console decodes both booth videos and its audio ...
        await wait_console_media(general, "booth:b1", videos=2)
        await general.wait_for_function(
            "() => document.querySelector('#face').videoWidth > 0 && "
            "document.querySelector('#doc').videoWidth > 0",
            timeout=20000,
        )
        face, doc = await console_colours(general)
        assert _near(face, "FACE") and _near(doc, "DOC"), (face, doc)  # not swapped
        # ... and the booth decodes the clerk's camera and hears the microphone
        sink = call.remote_video(gen_peer)
        await wait_until(lambda: sink is not None and sink.frames > 10, 15, "clerk frames")
        rgb = sink.latest_rgb() if sink else None
        assert rgb is not None and rgb.ndim == 3 and float(rgb.std()) > 5.0
        link = call.links[gen_peer]
        await wait_until(
            lambda: link.audio_sinks and link.audio_sinks[0].samples > 48_000,
            10,
            "the clerk's audio",
        )

        # the general clerk invites tax; the tax clerk joins and offers to everyone
        await general.select_option("#invite-dept", "tax")
        await general.click("#invite")
        tax = await login(browser, hub.url, "tax1")
        await tax.click("#queue li[data-kind=invite] button.accept")
        await wait_until(
            lambda: (
                len(call.view.participants) == 2
                and all(p.link == "connected" for p in call.view.participants)
            ),
            20,
            "the tax clerk connected to the booth",
        )
        tax_peer = call.view.participants[1].id
        await wait_console_media(tax, "booth:b1", videos=2)
        await wait_console_media(tax, gen_peer, videos=1)
        await wait_console_media(general, tax_peer, videos=1)
        tax_sink = call.remote_video(tax_peer)
        await wait_until(lambda: tax_sink is not None and tax_sink.frames > 5, 15, "tax video")

        # the general clerk leaves; the booth and the tax clerk carry on
        await general.evaluate("(id) => api('POST', `/api/v1/calls/${id}/leave`)", call.call_id)
        await wait_until(
            lambda: [p.id for p in call.view.participants] == [tax_peer],
            10,
            "the general clerk gone from the booth's call",
        )
        assert call.view.phase is Phase.CONNECTED
        frames = tax_sink.frames if tax_sink else 0
        await wait_until(
            lambda: tax_sink is not None and tax_sink.frames > frames + 10, 10, "the call going on"
        )

        # the tax clerk ends the call for everyone
        await tax.click("#end-call")
        await wait_until(lambda: call.view.phase is Phase.ENDED, 10, "the call ended")
        assert not call.sending_video and not call.links


async def test_booth_and_console_recover_by_themselves_when_the_path_returns(
    tmp_path: Path,
) -> None:
    """The media path between the booth and the real console is cut, then restored.

    Both sides only know the relay's addresses (as behind a NAT), so cutting it cuts
    every path; signaling through the hub stays up. The booth notices within 5 s and
    shows "reconnecting"; it keeps offering new connections, which the console accepts
    in place of the dead one; once the path is back they connect again on their own
    within 15 s and media flows both ways on the new connection.
    """
    phases: list[tuple[float, Phase]] = []

    def seen(view: CallView) -> None:
        if not phases or phases[-1][1] is not view.phase:
            phases.append((time.monotonic(), view.phase))

    def first(phase: Phase, after: float) -> float | None:
        return next((t for t, p in phases if p is phase and t >= after), None)

    config = CallConfig()  # the booth's real timings
    async with (
        running_relay() as relay,
        booth_on_hub(tmp_path, config, relay, seen) as (hub, call),
        chromium() as browser,
    ):
        await asyncio.to_thread(hub.clerk, "gen", "general")
        call.give_consent()
        await call.request("general")
        page = await login(browser, hub.url, "gen")
        await page.click("#queue li[data-kind=booth] button.accept")
        await wait_until(lambda: call.view.phase is Phase.CONNECTED, 20, "the booth connected")
        peer = call.view.participants[0].id
        await wait_console_media(page, "booth:b1", videos=2)
        sink = call.remote_video(peer)
        await wait_until(lambda: sink is not None and sink.frames > 5, 15, "clerk frames")
        assert relay.forwarded > 0  # the media crosses the relay
        generation = call.links[peer].generation

        relay.cut = True
        cut_at = time.monotonic()
        await wait_until(lambda: call.view.phase is Phase.RECONNECTING, 8, "reconnecting")
        detected = first(Phase.RECONNECTING, cut_at)
        assert detected is not None and detected - cut_at <= 5.0, detected
        # while the path is down the booth keeps offering; the console takes each offer
        await wait_until(
            lambda: call.links[peer].generation > generation + 1, 15, "repeated new offers"
        )
        assert call.view.phase is Phase.RECONNECTING
        assert call.view.participants[0].link == "reconnecting"
        assert call.remote_video(peer) is None or call.remote_video(peer) is not sink

        relay.cut = False
        restored_at = time.monotonic()
        await wait_until(lambda: call.view.phase is Phase.CONNECTED, 16, "recovered")
        recovered = first(Phase.CONNECTED, restored_at)
        assert recovered is not None and recovered - restored_at <= 15.0
        print(f"detected {detected - cut_at:.2f} s, recovered {recovered - restored_at:.2f} s")
        # media flows both ways again, on the new connection at both ends
        new_sink = call.remote_video(peer)
        await wait_until(
            lambda: new_sink is not None and new_sink.frames > 5, 15, "clerk frames again"
        )
        assert new_sink is not sink
        await wait_console_media(page, "booth:b1", videos=2)
        assert await page.evaluate("(p) => window.xw.pcs.get(p).connectionState", "booth:b1") == (
            "connected"
        )
        assert [p for _, p in phases].count(Phase.RECONNECTING) == 1  # no flapping
