"""The booth's call desk: one hub channel, one citizen call after another.

The composition root builds one :class:`CallDesk` over the booth's hub channel
(kiosk.backend's ``BoothChannel`` fits :class:`HubChannel`) and asks it for a
:class:`~kiosk.call.booth_call.BoothCall` whenever a citizen wants a clerk. The desk
registers the channel's ``signal``, ``queue`` and ``call`` commands once and routes them
to the current call (a command for no call is acknowledged and dropped); it sends the
call's signaling as ``signal`` events that are never buffered (late signals are
useless), and the citizen's request as a ``call_request`` event. Clerk pushes stay with
the composition root, which hands them to the workflow and to
:meth:`BoothCall.push_received`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol

import av

from kiosk.call.booth_call import BoothCall
from kiosk.call.cancelling import cancel_and_wait
from kiosk.call.session import CallView
from kiosk.call.signaling import ChannelSignaling
from kiosk.call.sources import AudioSource, FrameSource
from kiosk.config import CallConfig
from kiosk.core.clock import Clock


class ChannelCommand(Protocol):
    @property
    def data(self) -> dict[str, Any]: ...


class HubChannel(Protocol):
    """What the desk needs of the booth's hub channel."""

    def on_command(
        self,
        name: str,
        handler: Callable[[Any], Awaitable[None]],
        *,
        ordered: bool = True,
    ) -> None: ...

    def send_event(
        self, name: str, data: dict[str, Any] | None = None, *, buffer: bool = True
    ) -> str: ...


class CallDesk:
    """Makes BoothCalls over one hub channel and routes the hub's call commands to them."""

    def __init__(
        self,
        channel: HubChannel,
        config: CallConfig,
        *,
        booth_id: str,
        face: FrameSource,
        document: FrameSource | None,
        microphone: AudioSource,
        clock: Clock,
        audio_player: Callable[[str, av.AudioFrame], None] | None = None,
    ) -> None:
        self._channel = channel
        self._config = config
        self.booth_peer = f"booth:{booth_id}"
        self._face, self._document, self._microphone = face, document, microphone
        self._clock = clock
        self._audio_player = audio_player
        self.current: BoothCall | None = None
        self.case_id: str | None = None  # the hub's case the next call is about, if any
        self._signaling: ChannelSignaling | None = None
        self._runner: asyncio.Task[None] | None = None
        channel.on_command("signal", self._on_signal, ordered=False)
        channel.on_command("queue", self._on_queue)
        channel.on_command("call", self._on_call)

    async def request_call(self, call_id: str, department: str, service: str) -> None:
        """The CallHub side: join the department's queue."""
        data: dict[str, Any] = {"department": department}
        if service:
            data["service"] = service
        if self.case_id:
            data["case_id"] = self.case_id
        self._channel.send_event("call_request", data)

    async def new_call(
        self,
        on_change: Callable[[CallView], None] | None = None,
        on_push: Callable[[str, Mapping[str, Any]], None] | None = None,
    ) -> BoothCall:
        """End any call still running and start a fresh one (not yet requested)."""
        await self.close()
        self._signaling = ChannelSignaling(self._send_signal)
        call = BoothCall(
            self._config,
            booth_id=self.booth_peer,
            signaling=self._signaling,
            hub=self,
            face=self._face,
            document=self._document,
            microphone=self._microphone,
            clock=self._clock,
            on_change=on_change,
            on_push=on_push,
            audio_player=self._audio_player,
        )
        self.current = call
        self._runner = asyncio.ensure_future(call.run())
        return call

    async def close(self) -> None:
        """Hang up the current call, if any (at session end and shutdown)."""
        call, runner = self.current, self._runner
        self.current = self._runner = None
        if self._signaling is not None:
            self._signaling.close()
            self._signaling = None
        if call is not None:
            await call.close()
        if runner is not None:
            await cancel_and_wait(runner)

    def _send_signal(self, name: str, data: dict[str, Any]) -> str:
        return self._channel.send_event(name, data, buffer=False)

    def _live(self) -> BoothCall | None:
        call = self.current
        return call if call is not None and not call.ended.is_set() else None

    async def _on_signal(self, command: ChannelCommand) -> None:
        if self._live() is not None and self._signaling is not None:
            self._signaling.deliver_data(command.data)  # garbage: ProtocolViolation, nacked

    async def _on_queue(self, command: ChannelCommand) -> None:
        call = self._live()
        if call is not None:
            call.queue_command(command.data)

    async def _on_call(self, command: ChannelCommand) -> None:
        call = self._live()
        if call is not None:
            call.call_command(command.data)
