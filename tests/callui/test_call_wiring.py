"""The booth's call wiring (kiosk.booth.calls) against a recording channel: consent
before cameras, the queue, "no clerk available" and its choices, clerk pushes.

The end-to-end call with the real hub and console is tests/e2e/test_call_console.py.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.backend.messages import Command
from kiosk.booth.calls import CallMedia, CallWiring
from kiosk.call.sources import SyntheticPattern, ToneSource
from kiosk.config import Config
from kiosk.core.clock import SystemClock


class RecordingChannel:
    """The part of kiosk.backend's BoothChannel the wiring uses; records events."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.handlers: dict[str, Callable[[Command], Any]] = {}

    def send_event(self, name: str, data: dict[str, Any], *, buffer: bool = True) -> None:
        self.events.append((name, data))

    def on_command(self, name: str, handler: Any, *, ordered: bool = True) -> None:
        self.handlers[name] = handler

    async def command(self, name: str, data: dict[str, Any]) -> None:
        await self.handlers[name](Command("c1", name, data))


async def until(predicate: Callable[[], object], within: float, what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


@pytest.fixture
def rig(make_ui: Any) -> Any:
    clock = SystemClock()
    channel = RecordingChannel()
    cameras: list[SyntheticPattern] = []

    def media() -> CallMedia:
        cameras[:] = [SyntheticPattern("FACE", clock), SyntheticPattern("DOC", clock)]
        return CallMedia(cameras[0], cameras[1], ToneSource())

    config = dataclasses.replace(Config(), call=dataclasses.replace(Config().call, recording=True))
    wiring = CallWiring(config, channel, clock, media_factory=media, no_clerk_after_s=0.3)  # type: ignore[arg-type]
    wiring.register(channel)  # type: ignore[arg-type]
    ui = make_ui()
    wiring.attach(ui)
    ui.start_session()
    return wiring, channel, ui, cameras


async def test_declining_consent_starts_nothing(rig: Any) -> None:
    wiring, channel, ui, cameras = rig
    screen = ui.window.screens["call"]
    task = asyncio.ensure_future(wiring.request_clerk("tax"))
    await until(lambda: screen.consent.isVisible(), 5, "the consent step")
    assert screen.consent_recording.isVisible()
    screen.decline.click()
    await asyncio.wait_for(task, 5)
    assert wiring.call is None and cameras == [] and channel.events == []
    assert ui.bridge.screen == "home"


async def test_asking_twice_during_consent_makes_one_call(rig: Any) -> None:
    wiring, channel, ui, _cameras = rig
    screen = ui.window.screens["call"]
    first = asyncio.ensure_future(wiring.request_clerk("tax"))
    await until(lambda: screen.consent.isVisible(), 5, "the consent step")
    await asyncio.wait_for(wiring.request_clerk("tax"), 5)  # returns: consent is pending
    assert screen.consent.isVisible()
    screen.agree.click()
    await asyncio.wait_for(first, 5)
    assert [name for name, _ in channel.events] == ["call_request"]
    await wiring.end_call()
    assert wiring.call is None


async def test_consent_queue_no_clerk_choices_and_pushes(rig: Any) -> None:
    wiring, channel, ui, cameras = rig
    screen = ui.window.screens["call"]
    pushes: list[tuple[str, Any]] = []
    wiring.add_push_listener(lambda kind, data: pushes.append((kind, data)))
    digital: list[str] = []
    wiring.on_digital_clerk = digital.append

    task = asyncio.ensure_future(wiring.request_clerk("tax"))
    await until(lambda: screen.consent.isVisible(), 5, "the consent step")
    assert cameras == []  # no camera exists before consent
    screen.agree.click()
    await asyncio.wait_for(task, 5)
    await until(lambda: channel.events, 5, "the call request")
    assert channel.events == [("call_request", {"department": "tax"})]
    assert all(c.active for c in cameras)  # consent given: the cameras may run
    assert wiring.call is not None and not wiring.call.sending_video  # no clerk yet

    await channel.command(
        "queue", {"status": "waiting", "position": 2, "estimated_wait_s": 120, "department": "tax"}
    )
    QApplication.processEvents()
    assert screen.view.state == "waiting" and screen.view.queue_position == 2
    assert "您前面还有 1 位" in screen.status.text()

    # a clerk push during the call reaches the workflow's listener
    await channel.command("push", {"kind": "request_capture", "material": "id_card"})
    await until(lambda: pushes, 5, "the push")
    assert pushes[0][0] == "request_capture" and pushes[0][1]["material"] == "id_card"

    # nobody accepts in time: the citizen is offered the choices
    await until(lambda: screen.view.state == "unavailable", 5, "no clerk available")
    assert screen.choices.isVisible()
    screen.keep_waiting.click()
    assert screen.view.state == "waiting"
    await until(lambda: screen.view.state == "unavailable", 5, "no clerk, again")
    screen.digital.click()
    await until(lambda: digital == ["tax"], 5, "the digital clerk hook")
    assert wiring.call is None
    assert not any(c.active for c in cameras)  # the cameras are off again


async def test_a_call_for_a_case_queues_with_it_and_keeps_the_session_alive(
    make_ui: Any,
) -> None:
    clock = SystemClock()
    channel = RecordingChannel()
    media = lambda: CallMedia(  # noqa: E731
        SyntheticPattern("FACE", clock), SyntheticPattern("DOC", clock), ToneSource()
    )
    wiring = CallWiring(Config(), channel, clock, media_factory=media, keep_alive_s=0.02)  # type: ignore[arg-type]
    wiring.register(channel)  # type: ignore[arg-type]
    ui = make_ui()
    wiring.attach(ui)
    ui.start_session()
    views: list[Any] = []
    wiring.add_view_listener(views.append)
    touches: list[None] = []
    ui.note_activity = lambda: touches.append(None)  # counts what the idle timer is told
    task = asyncio.ensure_future(wiring.request_clerk("tax", "H1"))
    await until(lambda: ui.window.screens["call"].consent.isVisible(), 5, "the consent step")
    ui.window.screens["call"].agree.click()
    await asyncio.wait_for(task, 5)
    await until(lambda: channel.events, 5, "the call request")
    assert channel.events == [("call_request", {"department": "tax", "case_id": "H1"})]
    await asyncio.sleep(0.1)  # queued, no clerk yet: waiting is not activity
    assert touches == []
    await channel.command(
        "queue",
        {
            "status": "accepted",
            "call_id": "call-1",
            "department": "tax",
            "clerk": {"id": "c1", "name": "李", "department": "tax"},
            "peer": "clerk:c1",
        },
    )
    await until(lambda: len(touches) >= 3, 5, "the clerk's presence counted as activity")
    assert any(v.participants and v.participants[0].id == "clerk:c1" for v in views)
    await wiring.close()


def test_cameras_come_from_the_device_configuration(qapp: Any) -> None:
    from kiosk.booth.calls import media_from_config
    from kiosk.core.errors import DeviceError

    clock = SystemClock()
    base = Config()
    synthetic = dataclasses.replace(
        base,
        devices=dataclasses.replace(base.devices, face_camera="synthetic", document_camera=""),
    )
    media = media_from_config(synthetic, clock)
    assert isinstance(media.face, SyntheticPattern) and media.document is None
    assert isinstance(media.microphone, ToneSource)
    absent = dataclasses.replace(
        base, devices=dataclasses.replace(base.devices, face_camera="no-such-camera")
    )
    with pytest.raises(DeviceError) as error:
        media_from_config(absent, clock)
    assert error.value.code == "camera_absent"


async def test_a_push_guard_refuses_before_any_listener_sees_the_push(rig: Any) -> None:
    from kiosk.core.errors import SessionError

    wiring, channel, _ui, _cameras = rig
    pushes: list[str] = []
    wiring.add_push_listener(lambda kind, data: pushes.append(kind))

    def guard(kind: str, data: Any) -> None:
        if kind == "show_form":
            raise SessionError("no form step", code="no_form_step")

    wiring.add_push_guard(guard)
    with pytest.raises(SessionError):  # the channel acks it with the code
        await channel.command("push", {"kind": "show_form"})
    await channel.command("push", {"kind": "open_slot"})
    assert pushes == ["open_slot"]
