"""End to end: the booth app (headless Qt, built by the composition root) calls the hub's
real clerk console in Debian's Chromium through a real hub on 127.0.0.1.

The citizen taps "talk to a clerk" and consents; the clerk accepts in /console; media
flows both ways (the booth's clerk tile paints decoded frames; the console's getStats
shows bytes received on both booth video tracks and on its audio); the call screen names
the clerk and their department and shows the privacy indicators; the clerk invites the
tax department, whose clerk joins (a second tile) before the first one leaves; the last
clerk hangs up and the booth goes back home.
"""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path
from typing import Any

import pytest

from kiosk.backend.channel import ConnectionState
from kiosk.booth.root import Booth
from kiosk.config import load_config
from kiosk.core.catalog import load_catalog
from kiosk.hub.server import HubServer
from tests.call.browser import chromium
from tests.call.peers import FAST
from tests.call.test_hub_console import login, wait_console_media
from tests.e2e.harness import poll
from tests.hub.conftest import Hub, hub_settings

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def test_booth_app_calls_the_real_console(tmp_path: Path, qapp: Any) -> None:
    from PySide6.QtWidgets import QPushButton

    from kiosk.ui.booth_ui import BoothUi

    catalog = load_catalog()
    server = HubServer(hub_settings(f"sqlite:///{tmp_path}/hub.sqlite3"), catalog=catalog).start()
    hub = Hub(server)
    token = hub.booth("b1")
    await asyncio.to_thread(hub.clerk, "gen", "general")
    await asyncio.to_thread(hub.clerk, "tax1", "tax")
    base = load_config(environ={})
    config = dataclasses.replace(
        base,
        booth=dataclasses.replace(
            base.booth,
            id="b1",
            data_dir=str(tmp_path / "booth"),
            session_dir=str(tmp_path / "sessions"),
            fullscreen=False,
        ),
        hub=dataclasses.replace(base.hub, url=hub.url, token=token),
        devices=dataclasses.replace(
            base.devices, face_camera="synthetic", document_camera="synthetic"
        ),
        call=dataclasses.replace(FAST, recording=True),
    )
    qapp.setQuitOnLastWindowClosed(False)
    booth = Booth(config)
    ui = BoothUi(config.booth, booth.collaborators())
    screen: Any = ui.window.screens["call"]
    try:
        ui.show()
        await booth.start(ui)
        await asyncio.wait_for(booth.channel.wait_for(ConnectionState.ONLINE), 30)
        ui.start_session()

        # the citizen taps "talk to a clerk": the consent step comes first, cameras off
        clerk_button = ui.window.findChild(QPushButton, "ClerkButton")
        assert clerk_button is not None
        clerk_button.click()
        await poll(lambda: screen.consent.isVisible(), "the consent step", 10)
        assert ui.bridge.screen == "call"
        assert booth.call.call is None and not screen.sending.isVisible()
        assert screen.consent_recording.isVisible()  # recording announced before consent
        screen.agree.click()
        await poll(lambda: booth.call.call is not None, "the call to start", 10)
        call = booth.call.call
        assert call is not None

        async with chromium() as browser:
            page = await login(browser, hub.url, "gen")
            await page.click("#queue li[data-kind=booth] button.accept", timeout=20000)

            # the booth paints the clerk's decoded frames in the clerk's tile
            await poll(lambda: len(screen.tiles) == 1, "the clerk's tile", 20)
            tile = next(iter(screen.tiles.values()))
            await poll(
                lambda: tile.frames_shown > 5 and tile.image is not None, "clerk frames painted", 20
            )
            assert tile.image is not None and not tile.image.isNull()
            assert tile.image.width() > 0 and tile.image.height() > 0
            assert screen.view.state == "in_call"

            # the console decodes both booth videos and the booth's audio
            await wait_console_media(page, "booth:b1", videos=2)

            # the clerk would bring a form up, but no service item runs: the booth says so
            await page.click("#show-form")
            await page.wait_for_function(
                "() => document.querySelector('#push-status').textContent"
                ".includes('没有正在办理的事项')"
            )
            assert ui.bridge.screen == "call"

            # the call screen names the clerk and the department; privacy indicators show
            general = catalog.department("general").name.get(ui.bridge.language)
            assert "gen 同志" in tile.caption and general in tile.caption, tile.caption
            assert screen.sending.isVisible() and call.sending_video
            assert screen.recording.isVisible()
            assert screen.preview.isVisible() and screen.document.isVisible()
            await poll(lambda: screen.preview.frames_shown > 0, "the citizen's preview", 10)

            # mute closes the microphone; unmute opens it again
            screen.mute.click()
            assert call.view.muted and not call.media.microphone_gate.is_open
            screen.mute.click()
            assert call.media.microphone_gate.is_open

            # the clerk invites the tax department; the tax clerk joins the booth's call
            await page.select_option("#invite-dept", "tax")
            await page.click("#invite")
            tax = await login(browser, hub.url, "tax1")
            await tax.click("#queue li[data-kind=invite] button.accept", timeout=20000)
            await poll(lambda: len(screen.tiles) == 2, "the tax clerk's tile", 20)
            tax_tile = list(screen.tiles.values())[1]
            await poll(lambda: tax_tile.frames_shown > 5, "tax clerk frames painted", 20)
            tax_name = catalog.department("tax").name.get(ui.bridge.language)
            assert "tax1 同志" in tax_tile.caption and tax_name in tax_tile.caption
            await wait_console_media(tax, "booth:b1", videos=2)

            # the first clerk leaves; the call goes on with the tax clerk
            await page.evaluate("(id) => api('POST', `/api/v1/calls/${id}/leave`)", call.call_id)
            await poll(lambda: len(screen.tiles) == 1, "the first clerk's tile gone", 15)
            assert next(iter(screen.tiles.values())) is not tile
            assert screen.view.state == "in_call" and ui.bridge.screen == "call"

            # the last clerk hangs up: the call ends and the booth returns home
            await tax.click("#end-call")
            await poll(lambda: ui.bridge.screen == "home", "the booth back home", 15)
            await poll(lambda: booth.call.call is None, "the call freed", 10)
            assert not call.sending_video and not call.links
            assert not screen.sending.isVisible()
    finally:
        ui.close()
        await booth.stop()
        hub.close()
        await asyncio.to_thread(server.stop)
