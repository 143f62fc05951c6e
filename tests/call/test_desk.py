"""The call desk routes the hub channel's commands to the citizen's current call."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from kiosk.call.desk import CallDesk
from kiosk.call.session import Phase
from kiosk.call.sources import SyntheticPattern, ToneSource
from kiosk.core.clock import SystemClock
from kiosk.core.errors import ProtocolViolation
from tests.call.peers import FAST, wait_until


@dataclass
class Cmd:
    data: dict[str, Any]


@dataclass
class FakeChannel:
    handlers: dict[str, Callable[[Any], Awaitable[None]]] = field(default_factory=dict)
    events: list[tuple[str, dict[str, Any], bool]] = field(default_factory=list)

    def on_command(self, name: str, handler: Any, *, ordered: bool = True) -> None:
        self.handlers[name] = handler

    def send_event(
        self, name: str, data: dict[str, Any] | None = None, *, buffer: bool = True
    ) -> str:
        self.events.append((name, dict(data or {}), buffer))
        return str(len(self.events))


async def test_commands_reach_the_current_call_and_nothing_else() -> None:
    channel = FakeChannel()
    clock = SystemClock()
    desk = CallDesk(
        channel,
        FAST,
        booth_id="b1",
        face=SyntheticPattern("FACE", clock),
        document=None,
        microphone=ToneSource(),
        clock=clock,
    )
    assert set(channel.handlers) == {"signal", "queue", "call"}
    # no call yet: commands are dropped quietly
    await channel.handlers["queue"](Cmd({"status": "waiting", "position": 4}))
    call = await desk.new_call()
    await call.request("tax", "tax-clearance")
    await wait_until(lambda: channel.events, 5, "the call request")
    assert channel.events[0] == (
        "call_request",
        {"department": "tax", "service": "tax-clearance"},
        True,
    )
    await channel.handlers["queue"](
        Cmd({"status": "waiting", "position": 2, "estimated_wait_s": 60})
    )
    assert call.view.queue_position == 2
    with pytest.raises(ProtocolViolation):
        await channel.handlers["signal"](Cmd({"kind": "offer"}))
    await channel.handlers["call"](
        Cmd(
            {
                "event": "joined",
                "call_id": "c1",
                "peer": "clerk:3",
                "clerk": {"name": "李强", "department": "tax"},
            }
        )
    )
    assert call.view.phase is Phase.CONNECTING and call.call_id == "c1"
    await channel.handlers["call"](Cmd({"event": "ended", "call_id": "c1"}))
    await wait_until(lambda: call.ended.is_set(), 5, "the call ended")
    assert call.view.end_reason == "ended_by_clerk"
    # a new citizen gets a fresh call; the old one hears nothing more
    second = await desk.new_call()
    await channel.handlers["queue"](Cmd({"status": "waiting", "position": 7}))
    assert second.view.queue_position == 7 and call.view.queue_position is None
    await desk.close()
    assert desk.current is None
