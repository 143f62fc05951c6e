"""``kiosk run``: the booth's composition root.

:class:`Booth` builds every part of one booth process from the configuration and is the
one place that knows the concrete classes: the hub link (client, catalog cache, control
channel, outbox, recovery), the devices (door, locker, ID-card reader, QR scanner), the
watchdog, and the UI's collaborators. ``kiosk demo`` (``kiosk.demo``) builds the same
booth against an embedded hub and emulated devices.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import importlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk import __version__
from kiosk.config import Config
from kiosk.core.clock import Clock, SystemClock
from kiosk.core.errors import DeviceError, XiaowuError

if TYPE_CHECKING:
    from kiosk.backend.messages import Command
    from kiosk.ui.booth_ui import BoothCollaborators, BoothUi

log = logging.getLogger(__name__)

LOAD_TIMEOUT_S = 120.0  # loading the OCR models or the service guide, off the loop
HELP = "run the booth app (full screen, connected to its hub and devices)"


class Booth:
    """One booth process: built from ``config``, started by the UI's ``on_start``."""

    def __init__(self, config: Config, *, clock: Clock | None = None) -> None:
        from kiosk.backend.backoff import Backoff
        from kiosk.backend.catalog_cache import CatalogCache
        from kiosk.backend.channel import BoothChannel
        from kiosk.backend.client import HubClient
        from kiosk.backend.keystore import FileKeyStore
        from kiosk.backend.outbox import Outbox
        from kiosk.backend.recovery import Recovery, SessionJournal
        from kiosk.backend.sync import HubSync
        from kiosk.booth.ops import BoothOps, with_pushed_settings

        self.clock = clock or SystemClock()
        self.data = config.booth.data_path()
        self.data.mkdir(parents=True, exist_ok=True, mode=0o700)
        config = self.config = with_pushed_settings(config, self.data)  # operator's pushes
        hub = config.hub
        self.client = HubClient(hub.url, hub.token, timeout_s=hub.timeout_s)
        self.catalog_cache = CatalogCache(self.client, self.data, self.clock)
        self.channel = BoothChannel(
            self.client.websocket_url(),
            hub.token,
            self.clock,
            backoff=Backoff(hub.reconnect_min_s, hub.reconnect_max_s),
        )
        keys = FileKeyStore(self.data / "keys")
        self.outbox = Outbox(self.data, keys, self.clock)
        self.journal = SessionJournal(self.data, self.clock, keys)
        self.presence = _Presence()  # the door contact and occupancy sensor, once opened
        self.recovery = Recovery(
            self.journal, self.outbox, self.channel, self.presence, self._wipe_session
        )
        self.sync = HubSync(
            self.channel, self.catalog_cache, self.outbox, self.clock, sessions=self.recovery
        )
        from kiosk.booth.sessions import SessionTracker

        self.sessions = SessionTracker(self.journal)  # citizen sessions noted for recovery
        self.recovered: list[Any] = []  # what recovery did with interrupted sessions
        self.ui: BoothUi | None = None
        self.frames: Any = None  # the document camera (kiosk.booth.service.FrameSource)
        self.service_runner: Any = None  # the service item running now, if any
        self._ocr_service: Any = None
        self._answerer: Any = None
        self.door: Any = None
        self.locker: Any = None
        self.idcard: Any = None  # the ID-card reader (kiosk.devices.idcard.reader.IdCardReader)
        self.watchdog: Any = None
        self.voice: Any = None  # kiosk.booth.voice.BoothVoice, once the UI is up
        self._tasks: list[asyncio.Task[Any]] = []
        self.ops = BoothOps(self)  # health, restarts, the operator's config (kiosk.booth.ops)
        from kiosk.booth.door import DoorPass, SessionReport

        self.door_pass = DoorPass(self.clock)  # the QR code the attract screen shows
        self.session_report = SessionReport(self.channel)  # the hub opens doors of free booths
        self.channel.add_listener(self._on_channel_status)
        self.channel.on_command("open_door", self._on_open_door)
        self.channel.on_command("start_session", self._on_start_session)
        self.channel.on_command("end_session", self._on_end_session)
        from kiosk.booth.calls import CallWiring
        from kiosk.booth.pushes import PushRouting

        self.call = CallWiring(config, self.channel, self.clock)  # video calls with clerks
        self.call.register(self.channel)
        self.pushes = PushRouting(self.call, lambda: self.service_runner)  # clerks -> workflow

    # -- what the UI is given -------------------------------------------------------------

    @property
    def session_root(self) -> Path | None:
        """Where citizen sessions keep their files; None: the vault's RAM-backed default."""
        return Path(self.config.booth.session_dir) if self.config.booth.session_dir else None

    def collaborators(self) -> BoothCollaborators:
        from kiosk.privacy.vault import SessionVault
        from kiosk.ui.booth_ui import BoothCollaborators

        return BoothCollaborators(
            catalog=self.initial_catalog(),
            session_factory=lambda: SessionVault(root=self.session_root, durable=self.can_resume),
            clock=self.clock,
            connection=self.channel,
            start_service=self.start_service,
            on_start=self.start,
            on_stop=self.stop,
            request_clerk=self.call.request_clerk,
            end_call=self.call.end_call,
            door_link=self.door_pass.link,
        )

    @property
    def can_resume(self) -> bool:
        """Whether a session interrupted by a restart may be resumed: only a booth with an
        occupancy sensor can see that its citizen is still in. Its vaults are then
        durable (kiosk.privacy.vault), their keys kept sealed in the session journal."""
        return self.config.devices.occupancy_input >= 0

    def initial_catalog(self) -> Any:
        """The cached hub catalog if there is one, else the catalog shipped with the app."""
        from kiosk.core.catalog import load_catalog

        cached = self.catalog_cache.catalog
        return cached if cached is not None else load_catalog()

    async def start_service(self, code: str, adopted: Any = None, resume: Any = None) -> None:
        """Run the catalog service ``code`` for the citizen in the booth (kiosk.booth.service);
        ``adopted``: the case the hub opened for her appointment (an AdoptedCase);
        ``resume``: the item's save point after a restart (kiosk.booth.resume.SavePoint)."""
        # The first service imports the answerer (jieba, pypinyin: ~370 ms) and the service
        # code: in a worker thread, so the loop keeps turning (bench/stall.py).
        await asyncio.wait_for(asyncio.to_thread(_import_service_modules), LOAD_TIMEOUT_S)
        from kiosk.booth.service import ServiceParts, ServiceRunner
        from kiosk.ocr.engine import OcrService
        from kiosk.ocr.engines import make_engine
        from kiosk.speech.answering import Answerer
        from kiosk.speech.knowledge import load_knowledge_base

        ui = self.ui
        if ui is None:
            raise RuntimeError("the booth has not started")
        if self.service_runner is not None:
            log.warning("service %s asked while another runs", code)
            return
        if ui.session is None:
            ui.start_session()
            if ui.session is None:  # the screen has closed: the booth is shutting down
                return
        # Loading the OCR models and the guide takes seconds: not on the loop, whose
        # hub channel must keep answering (a late ack fails the hub's door command).
        if self._ocr_service is None:
            ocr = self.config.ocr
            engine = await asyncio.wait_for(
                asyncio.to_thread(make_engine, ocr.engine, ocr.languages), LOAD_TIMEOUT_S
            )
            self._ocr_service = OcrService(engine, ocr.timeout_s)
        if self._answerer is None:
            guide = await asyncio.wait_for(asyncio.to_thread(load_knowledge_base), LOAD_TIMEOUT_S)
            # indexing the guide and the catalog's answers is CPU work too: off the loop
            self._answerer = await asyncio.wait_for(
                asyncio.to_thread(Answerer, guide, catalog=ui.bridge.catalog), LOAD_TIMEOUT_S
            )
        if self.frames is None:
            raise DeviceError("no document camera", code="camera_absent")
        parts = ServiceParts(
            catalog=ui.bridge.catalog,
            clock=self.clock,
            outbox=self.outbox,
            channel=self.channel,
            ocr_service=self._ocr_service,
            frames=self.frames,
            answerer=self._answerer,
            identity=self._identity_reader(),
            locker=self.locker,
            call_clerk=self.call.request_clerk,
            show_call=self.call.show_call_screen,
        )
        self.service_runner = ServiceRunner(parts, ui, code, adopted=adopted, resume=resume)
        self.sessions.add_case(self.service_runner.session_id, self.service_runner.case_id)
        try:
            await self.service_runner.run()
        finally:
            self.service_runner = None

    # -- life cycle ------------------------------------------------------------------------

    async def start(self, ui: BoothUi) -> None:
        """Runs once on the UI loop after the window is shown."""
        from kiosk.devices.assembly import presence_sensor
        from kiosk.ops.sdnotify import SystemdNotifier
        from kiosk.ops.watchdog import LoopWatchdog

        self.ui = ui
        self.call.attach(ui)
        from kiosk.booth.voice import attach_voice

        self.voice = attach_voice(self, ui)  # the digital clerk's voice and microphone
        self.catalog_cache.add_listener(self._on_catalog_status)
        await self._open_devices()
        self.presence.sensor = presence_sensor(self.config.devices, self.door)
        if self.config.devices.document_camera == "synthetic":
            from kiosk.demo.desk import GeneratedDesk

            self.frames = GeneratedDesk(self.clock)
        # Decide first, wipe after: recovery wipes the sessions it closes; the one it
        # resumes keeps its vault; what else is left of crashed sessions goes.
        self.recovered = await self.recovery.recover()
        self._resume(ui)
        self.sessions.attach(ui)
        self.session_report.attach(ui)
        self.sync.start()
        self.outbox.start(self.client)
        self.ops.start(ui)
        self._tasks.append(self.channel.start())
        notifier = SystemdNotifier()
        if notifier.watchdog_interval_s:
            self.watchdog = LoopWatchdog(
                self.clock, notifier, interval_s=notifier.watchdog_interval_s / 2
            )
            self._tasks.append(self.watchdog.start())
        notifier.ready(f"xiaowu booth {__version__} ({self.config.booth.id})")
        log.info("booth %s started (hub %s)", self.config.booth.id, self.config.hub.url)

    async def stop(self) -> None:
        await self.ops.stop()
        with contextlib.suppress(Exception):
            await self.call.close()
        if self.voice is not None:
            self.voice.close()
        for task in self._tasks:
            task.cancel()
        for stop in (self.channel.stop, self.sync.stop, self.outbox.stop):
            with contextlib.suppress(Exception):
                await stop()
        await self.client.aclose()
        if self._ocr_service is not None:
            self._ocr_service.close()

    async def _open_devices(self) -> None:
        from kiosk.devices.assembly import open_door, open_idcard_reader, open_locker_bank

        devices = self.config.devices
        try:
            self.door = await open_door(devices, self.clock)
        except (DeviceError, OSError) as exc:
            log.error("door relay unavailable: %s", exc)
        try:
            self.locker = await open_locker_bank(devices, self.data, self.ops.alerts, self.clock)
        except (DeviceError, OSError) as exc:
            log.error("locker unavailable: %s", exc)
        try:
            self.idcard = await open_idcard_reader(devices)
        except (DeviceError, OSError) as exc:
            log.error("ID-card reader unavailable: %s", exc)

    # -- hub commands ----------------------------------------------------------------------

    def _on_channel_status(self, status: Any) -> None:
        welcome = self.channel.welcome
        if status.online and welcome is not None:
            self.door_pass.welcomed(welcome)
        self.door_pass.channel_status(status)
        self.session_report.channel_status(status)

    async def _on_open_door(self, command: Command) -> None:
        from kiosk.booth.door import refuse_mid_session

        refuse_mid_session(self.ui, "open_door")  # behind the hub's own check
        if self.door is None:
            raise DeviceError("no door relay configured", code="door_absent")
        await self.door.pulse(str(command.data.get("appointment_id") or ""))

    async def _on_start_session(self, command: Command) -> None:
        from kiosk.booth.door import refuse_mid_session
        from kiosk.booth.service import AdoptedCase

        refuse_mid_session(self.ui, "start_session")  # never throw out a citizen inside
        if self.ui is not None:
            self.ui.start_session()
            adopted = AdoptedCase.from_session(command.data)  # her appointment's case
            if adopted is not None:
                self._tasks.append(asyncio.ensure_future(self._run_adopted(adopted)))

    async def _run_adopted(self, adopted: Any) -> None:
        try:
            await self.start_service(adopted.service, adopted)
        except XiaowuError as exc:
            log.error("the appointment's service could not start: %s", exc.code)
            if self.ui is not None:
                self.ui.bridge.show_error(exc.code)

    def _identity_reader(self) -> Any:
        from kiosk.devices.idcard.identity import CardIdentityReader

        return CardIdentityReader(self.idcard, self.clock) if self.idcard is not None else None

    async def _on_end_session(self, command: Command) -> None:
        if self.ui is not None:
            self.ui.end_session("hub")

    def _on_catalog_status(self, status: Any) -> None:
        catalog = self.catalog_cache.catalog
        if self.ui is not None and catalog is not None and status.online:
            self.ui.set_catalog(catalog)

    # -- recovery hooks ---------------------------------------------------------------------

    def _wipe_session(self, session_id: str) -> None:
        from kiosk.privacy.vault import wipe_session

        wipe_session(self.session_root, session_id)

    def _resume(self, ui: BoothUi) -> None:
        """Take the citizen back to where she was, if recovery resumes her session; wipe
        the folders of every other crashed session."""
        from kiosk.backend.recovery import Decision
        from kiosk.booth.resume import resumable_session
        from kiosk.core.errors import SessionError
        from kiosk.flows.workflow import Workflow
        from kiosk.privacy.vault import wipe_stale

        resuming = [r.session_id for r in self.recovered if r.decision is Decision.RESUME]
        resumed = None
        abandoned: set[str] = set()
        for session_id in reversed(resuming):  # the latest: one citizen is in the booth
            if resumed is not None:
                abandoned.add(session_id)
                continue
            try:
                resumed = resumable_session(self.journal, self.session_root, session_id)
                if resumed.point is not None:  # the catalog may have changed meanwhile
                    service = self.initial_catalog().service(resumed.point.service)
                    Workflow.restore(service, resumed.point.snapshot)
            except (SessionError, KeyError) as exc:
                log.warning("session %s cannot be resumed: %s", session_id, exc)
                resumed = None
                abandoned.add(session_id)
        for session_id in abandoned:
            self.recovery.abandon(session_id)
        self.recovered = [
            dataclasses.replace(r, decision=Decision.CLOSE) if r.session_id in abandoned else r
            for r in self.recovered
        ]
        keep = [resumed.vault.session_id] if resumed is not None else []
        wipe_stale(self.session_root, keep=keep)
        if resumed is None:
            return
        point = resumed.point
        ui.resume_session(resumed.vault, point.language if point is not None else "")
        if point is None:
            ui.go_home()
            return
        self._tasks.append(asyncio.ensure_future(self._run_resumed(point)))

    async def _run_resumed(self, point: Any) -> None:
        try:
            await self.start_service(point.service, resume=point)
        except XiaowuError as exc:
            log.error("the resumed service could not go on: %s", exc.code)
            if self.ui is not None:
                self.ui.bridge.show_error(exc.code)


class _Presence:
    """Recovery's presence probe: the booth's sensors once its devices are open (until
    then, and on a booth without an occupancy sensor, it cannot say: sessions close)."""

    def __init__(self) -> None:
        from kiosk.devices.door.presence import NoPresenceSensor

        self.sensor: Any = NoPresenceSensor()

    async def citizen_present(self) -> bool | None:
        return await self.sensor.citizen_present()  # type: ignore[no-any-return]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--windowed", action="store_true", help="a window, not full screen")
    parser.add_argument("--orientation", choices=["portrait", "landscape"])


def apply_arguments(config: Config, args: argparse.Namespace) -> Config:
    booth = config.booth
    if getattr(args, "windowed", False):
        booth = dataclasses.replace(booth, fullscreen=False)
    if getattr(args, "orientation", None):
        booth = dataclasses.replace(booth, orientation=args.orientation)
    return dataclasses.replace(config, booth=booth)


def main(args: argparse.Namespace, config: Config) -> int:
    from kiosk.ui.booth_app import run_booth

    config = apply_arguments(config, args)
    try:
        booth = Booth(config)
    except XiaowuError:
        raise
    code = run_booth(config, booth.collaborators())
    return booth.ops.exit_code or code  # RESTART_EXIT_CODE: systemd starts a fresh process


_SERVICE_MODULES = (
    "kiosk.booth.service",
    "kiosk.ocr.engine",
    "kiosk.ocr.engines",
    "kiosk.speech.answering",
    "kiosk.speech.knowledge",
)


def _import_service_modules() -> None:
    for name in _SERVICE_MODULES:
        importlib.import_module(name)
