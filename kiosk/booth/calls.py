"""The booth's video calls wired to the hub channel and to the call screen.

Composition-root level (it may import every part): :class:`CallWiring` is what
:class:`kiosk.booth.root.Booth` attaches. It runs at most one
:class:`kiosk.call.booth_call.BoothCall` at a time and connects it:

- to the UI: ``request_clerk(department)`` (the citizen tapped "talk to a clerk") shows
  the consent step first; nothing turns a camera on before the citizen agrees. Then the
  call joins the department's queue (``call_request`` on the channel) and every change of
  the call is rendered as a :class:`kiosk.ui.viewmodels.CallView` (queue position and
  wait, connecting, reconnecting, the clerks' tiles with name, department and seat, the
  citizen's own preview and document camera, "sending video", the recording notice).
  ``end_call()`` hangs up. Mute and the "no clerk available" choices come from the
  bridge's intents.
- to the hub: through a :class:`kiosk.call.desk.CallDesk` built at the first consented
  call (it routes the channel's ``signal``, ``queue`` and ``call`` commands and sends
  ``call_request`` and unbuffered ``signal`` events); :meth:`CallWiring.register` routes
  the ``push`` commands.

Hook for the service workflow: clerk pushes (``request_capture``, ``show_form``,
``form_field``, ``open_slot``, ``certificate``) arriving during a call are handed to every
listener added with :meth:`CallWiring.add_push_listener` as ``listener(kind, data)``, on
the UI loop, in arrival order; a push while no call runs is handed over the same way.
The workflow decides which screen to show; the call goes on meanwhile (the call screen
comes back with :meth:`CallWiring.show_call_screen`). Every change of the call's view
(a clerk joined or left) is handed to the listeners added with
:meth:`CallWiring.add_view_listener`. A call asked for a case (``request_clerk(department,
case_id)``) joins the queue with the hub's case id, so the clerk who answers opens it.

"Ask the digital clerk" and "book a callback" end the queue wait and call
``on_digital_clerk(department)`` / ``on_callback(department)`` when set (the speech and
appointment parts attach these); without them the booth goes back home.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.call.booth_call import BoothCall
from kiosk.call.desk import CallDesk
from kiosk.call.session import CallView as SessionView
from kiosk.call.session import Phase
from kiosk.call.sources import (
    AudioSource,
    FileFrameSource,
    FrameSource,
    PushAudioSource,
    PushFrameSource,
    SyntheticPattern,
    ToneSource,
)
from kiosk.config import Config
from kiosk.core.clock import Clock
from kiosk.core.errors import DeviceError

if TYPE_CHECKING:
    from kiosk.backend.channel import BoothChannel
    from kiosk.backend.messages import Command
    from kiosk.ui.booth_ui import BoothUi
    from kiosk.ui.viewmodels import CallParty, CallView

log = logging.getLogger(__name__)

DEFAULT_DEPARTMENT = "general"  # the general desk takes calls that name no department
KEEP_ALIVE_S = 5.0  # how often a call with a clerk in it counts as the citizen's activity
PushListener = Callable[[str, Mapping[str, Any]], None]


@dataclass(frozen=True, slots=True)
class CallMedia:
    """The booth's cameras and microphone for one call (built fresh for each call)."""

    face: FrameSource
    document: FrameSource | None
    microphone: AudioSource
    speaker: Callable[[str, Any], None] | None = None  # plays a clerk's decoded audio


def synthetic_media(clock: Clock) -> CallMedia:
    """Test-pattern cameras and a tone: the demo, tests, and a booth without devices."""
    return CallMedia(SyntheticPattern("FACE", clock), SyntheticPattern("DOC", clock), ToneSource())


def media_from_config(config: Config, clock: Clock) -> CallMedia:
    """The cameras named by ``[devices] face_camera`` / ``document_camera``.

    Each is ``"synthetic"`` (a test pattern), the path of a video file (looped), or a
    QtMultimedia camera id or description (``""``: the default camera; the document
    camera is then left out). With a synthetic face camera the microphone is a tone;
    otherwise it is the default QtMultimedia microphone (silence if there is none), and
    the clerks are heard on the default audio output.
    A configured camera that is absent raises ``DeviceError`` (``camera_absent``).
    """
    devices = config.devices
    face = _camera(devices.face_camera, "FACE", clock)
    document = _camera(devices.document_camera, "DOC", clock) if devices.document_camera else None
    if devices.face_camera == "synthetic":
        return CallMedia(face, document, ToneSource())
    return CallMedia(face, document, _DeviceMicrophone(), _speaker())


def _speaker() -> Callable[[str, Any], None] | None:
    from kiosk.ui.qt_media import QtSpeaker

    try:
        return QtSpeaker().play
    except DeviceError as exc:
        log.error("call: no speaker (%s); the clerks will not be heard", exc.code)
        return None


def _camera(spec: str, label: str, clock: Clock) -> FrameSource:
    if spec == "synthetic":
        return SyntheticPattern(label, clock)
    if spec and Path(spec).is_file():
        return FileFrameSource(spec, label)
    return _DeviceCamera(label, spec)


class _DeviceCamera:
    """A QtMultimedia camera as a FrameSource: the device opens only in ``start``."""

    def __init__(self, label: str, device_id: str) -> None:
        from kiosk.ui.qt_media import QtCamera

        self.label = label
        self._frames = PushFrameSource(label)
        self._device = QtCamera(device_id, self._frames.push)

    def start(self) -> None:
        self._frames.start()
        self._device.start()

    def stop(self) -> None:
        self._device.stop()
        self._frames.stop()

    @property
    def active(self) -> bool:
        return self._frames.active

    def read(self) -> Any:
        return self._frames.read()


class _DeviceMicrophone:
    """The default QtMultimedia microphone as an AudioSource (silence when absent)."""

    def __init__(self) -> None:
        from kiosk.ui.qt_media import QtMicrophone

        self._samples = PushAudioSource()
        self._device = QtMicrophone(self._samples.push)

    def start(self) -> None:
        self._samples.start()
        try:
            self._device.start()
        except DeviceError as exc:
            log.error("call: microphone unavailable (%s); sending silence", exc.code)

    def stop(self) -> None:
        self._device.stop()
        self._samples.stop()

    def read(self, samples: int) -> Any:
        return self._samples.read(samples)


class CallWiring:
    """One booth's calls: the UI's collaborators and the channel's call commands."""

    def __init__(
        self,
        config: Config,
        channel: BoothChannel,
        clock: Clock,
        *,
        media_factory: Callable[[], CallMedia] | None = None,
        no_clerk_after_s: float = 180.0,
        keep_alive_s: float = KEEP_ALIVE_S,
    ) -> None:
        self.config = config
        self.channel = channel
        self.clock = clock
        self.booth_id = f"booth:{config.booth.id}"
        self.call: BoothCall | None = None
        self.ui: BoothUi | None = None
        self.on_digital_clerk: Callable[[str], None] | None = None
        self.on_callback: Callable[[str], None] | None = None
        self._media_factory = media_factory or (lambda: media_from_config(config, clock))
        self._no_clerk_after_s = no_clerk_after_s
        self._keep_alive_s = keep_alive_s
        self.desk: CallDesk | None = None
        self._watcher: asyncio.Task[None] | None = None
        self._consent: asyncio.Future[bool] | None = None
        self._push_listeners: list[PushListener] = []
        self._push_guards: list[PushListener] = []
        self._view_listeners: list[Callable[[SessionView], None]] = []
        self._department = ""
        self._waited_too_long = False
        self._wait_timer: asyncio.TimerHandle | None = None

    # -- attaching ---------------------------------------------------------------------------

    def register(self, channel: BoothChannel) -> None:
        """Route the hub's clerk pushes; the call desk (built at the first call, once the
        cameras exist) routes ``signal``, ``queue`` and ``call``."""
        channel.on_command("push", self._on_push)

    def attach(self, ui: BoothUi) -> None:
        """Connect the call screen's intents (consent, mute, the no-clerk choices)."""
        self.ui = ui
        b = ui.bridge
        b.call_consent_given.connect(self._consent_given)
        b.mute_requested.connect(self._mute)
        b.call_choice_made.connect(self._choice)
        b.session_ended.connect(lambda _reason: self._spawn(self.end_call()))

    def add_push_listener(self, listener: PushListener) -> None:
        self._push_listeners.append(listener)

    def add_push_guard(self, guard: PushListener) -> None:
        """``guard(kind, data)`` runs before a push is routed; a XiaowuError it raises
        refuses the push (the hub's ack carries its code)."""
        self._push_guards.append(guard)

    def add_view_listener(self, listener: Callable[[SessionView], None]) -> None:
        self._view_listeners.append(listener)

    def show_call_screen(self) -> bool:
        """Bring the call screen back (after a workflow screen) if a call runs; whether one does."""
        if self.call is None or self.ui is None:
            return False
        self.ui.bridge.show_screen("call")
        self._render(self.call.view)
        return True

    # -- the UI's collaborators -----------------------------------------------------------

    async def request_clerk(self, department: str, case_id: str | None = None) -> None:
        """The citizen asked for a clerk: consent, then the queue, then the call.

        ``case_id``: the hub's case the call is about (the answering clerk opens it)."""
        if self.call is not None:
            self.show_call_screen()
            return
        if self._consent is not None:  # asked again while the consent step is showing
            self._show(self._ui_view("consent"))
            return
        department = department or DEFAULT_DEPARTMENT
        self._department = department
        loop = asyncio.get_running_loop()
        self._consent = loop.create_future()
        self._show(self._ui_view("consent"), screen=True)
        try:
            agreed = await self._consent
        finally:
            self._consent = None
        if not agreed:
            self._go_home()
            return
        if self.desk is None:
            media = self._media_factory()  # camera_absent: the error screen says so
            self.desk = CallDesk(
                self.channel,
                self.config.call,
                booth_id=self.config.booth.id,
                face=media.face,
                document=media.document,
                microphone=media.microphone,
                clock=self.clock,
                audio_player=media.speaker,
            )
        self.desk.case_id = case_id
        call = await self.desk.new_call(on_change=self._render, on_push=self._forward_push)
        self.call = call
        self._waited_too_long = False
        call.give_consent()
        self._watcher = asyncio.ensure_future(self._watch(call))
        await call.request(department)
        self._arm_wait_timer()
        log.info("call: queued for %s", department)

    async def end_call(self) -> None:
        """Hang up (or leave the queue, or cancel the consent step)."""
        if self._consent is not None and not self._consent.done():
            self._consent.set_result(False)
        call = self.call
        if call is not None:
            await call.hang_up()
        if self._watcher is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher

    async def close(self) -> None:
        await self.end_call()
        if self.desk is not None:
            await self.desk.close()

    async def _watch(self, call: BoothCall) -> None:
        keep_alive = asyncio.ensure_future(self._keep_session_alive(call))
        try:
            await call.ended.wait()
        finally:
            keep_alive.cancel()
        reason = call.view.end_reason
        self._cancel_wait_timer()
        if self.call is call:
            self.call = None
        log.info("call: over (%s)", reason)
        if reason != "citizen_hung_up":
            self._go_home()

    async def _keep_session_alive(self, call: BoothCall) -> None:
        """A citizen talking with a clerk is not idle: while a clerk is in the call, the
        session's idle timer does not run down (she may not touch the screen for minutes
        while the clerk fills her form)."""
        while not call.ended.is_set():
            if call.view.participants and self.ui is not None:
                self.ui.note_activity()
            await self.clock.sleep(self._keep_alive_s)

    # -- hub commands ------------------------------------------------------------------------

    async def _on_push(self, command: Command) -> None:
        kind = str(command.data.get("kind") or "")
        for guard in self._push_guards:
            guard(kind, command.data)
        if self.call is not None:
            self.call.push_received(kind, command.data)
        else:
            self._forward_push(kind, command.data)

    def _forward_push(self, kind: str, data: Mapping[str, Any]) -> None:
        log.info("call: clerk push %s", kind)
        for listener in list(self._push_listeners):
            try:
                listener(kind, data)
            except Exception:
                log.exception("call: a push listener failed on %s", kind)

    # -- intents -----------------------------------------------------------------------------

    def _consent_given(self, agreed: bool) -> None:
        if self._consent is not None and not self._consent.done():
            self._consent.set_result(agreed)

    def _mute(self, muted: bool) -> None:
        if self.call is not None:
            self.call.mute(muted)

    def _choice(self, choice: str) -> None:
        department = self._department
        if choice == "wait":
            self._waited_too_long = False
            self._arm_wait_timer()
            if self.call is not None:
                self._render(self.call.view)
            return
        hook = self.on_digital_clerk if choice == "digital" else self.on_callback
        self._spawn(self._leave_queue_then(hook, department))

    async def _leave_queue_then(self, hook: Callable[[str], None] | None, department: str) -> None:
        await self.end_call()
        if hook is not None:
            hook(department)
        else:
            self._go_home()

    # -- the wait for a clerk ----------------------------------------------------------------

    def _arm_wait_timer(self) -> None:
        self._cancel_wait_timer()
        loop = asyncio.get_running_loop()
        self._wait_timer = loop.call_later(self._no_clerk_after_s, self._wait_expired)

    def _cancel_wait_timer(self) -> None:
        if self._wait_timer is not None:
            self._wait_timer.cancel()
            self._wait_timer = None

    def _wait_expired(self) -> None:
        self._wait_timer = None
        if self.call is not None and self.call.view.phase is Phase.QUEUED:
            self._waited_too_long = True
            self._render(self.call.view)

    # -- rendering ---------------------------------------------------------------------------

    def _render(self, view: SessionView) -> None:
        for listener in list(self._view_listeners):
            try:
                listener(view)
            except Exception:
                log.exception("call: a view listener failed")
        if view.participants:
            self._cancel_wait_timer()
        state = {
            Phase.IDLE: "waiting",
            Phase.QUEUED: "waiting",
            Phase.CONNECTING: "connecting",
            Phase.CONNECTED: "in_call",
            Phase.AUDIO_ONLY: "in_call",
            Phase.RECONNECTING: "reconnecting",
            Phase.ENDED: "ended",
        }[view.phase]
        if state == "waiting" and (view.no_clerk_available or self._waited_too_long):
            state = "unavailable"
        self._show(self._ui_view(state, view))

    def _ui_view(self, state: str, view: SessionView | None = None) -> CallView:
        from kiosk.ui.viewmodels import CallView

        call = self.call
        live = call is not None and view is not None and view.phase is not Phase.ENDED
        wait = view.estimated_wait_s if view is not None else None
        return CallView(
            state,  # type: ignore[arg-type]
            department=self._department_name(self._department),
            queue_position=view.queue_position if view is not None else None,
            wait_s=round(wait) if wait is not None else None,
            participants=self._parties(view) if view is not None else (),
            preview=functools.partial(call.local_preview, "face") if live and call else None,
            document=(
                functools.partial(call.local_preview, "document")
                if live and call and call.media.document is not None
                else None
            ),
            sending_video=bool(call is not None and call.sending_video),
            muted=view.muted if view is not None else False,
            audio_only=view.audio_only if view is not None else False,
            recording=self.config.call.recording,
        )

    def _parties(self, view: SessionView) -> tuple[CallParty, ...]:
        from kiosk.ui.viewmodels import CallParty

        return tuple(
            CallParty(
                p.id,
                p.name,
                self._department_name(p.department),
                p.seat,
                p.link,
                video=functools.partial(self._remote_rgb, p.id),
            )
            for p in view.participants
        )

    def _remote_rgb(self, participant_id: str) -> Any:
        call = self.call
        sink = call.remote_video(participant_id) if call is not None else None
        return sink.latest_rgb() if sink is not None else None

    def _department_name(self, code: str) -> Any:
        from kiosk.ui.viewmodels import Plain

        if not code:
            return None
        catalog = self.ui.bridge.catalog if self.ui is not None else None
        try:
            return catalog.department(code).name if catalog is not None else Plain(code)
        except (KeyError, LookupError, StopIteration):
            return Plain(code)

    def _show(self, view: CallView, *, screen: bool = False) -> None:
        if self.ui is None:
            return
        if screen:
            self.ui.bridge.show_call(view)
        else:
            self.ui.bridge.call_changed.emit(view)

    def _go_home(self) -> None:
        if self.ui is not None and self.ui.bridge.screen == "call":
            self.ui.go_home()

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        task.add_done_callback(_log_failure)


def _log_failure(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("call: %s", task.exception())
