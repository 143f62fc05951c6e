"""The booth's operations wiring: health to the hub, restarts between citizens, and the
operator's ``config`` and ``restart`` commands.

This is composition-root code (kiosk.booth.root builds one :class:`BoothOps` per booth process):

- a :class:`~kiosk.ops.health.HealthCollector` reading the booth's real parts (app version,
  uptime, the door relay, ID-card reader, QR scanner and the locker with its free slots,
  the cameras and microphone, the data disk, the process's memory, the hub link's round
  trip and reconnects, the last error logged) and a
  :class:`~kiosk.ops.health.HealthReporter` sending it every ``[ops] health_period_s``
  and at once whenever the hub link comes back; locker alerts become ``device_fault``
  events through the reporter;
- glibc's malloc arenas capped at ``[ops] malloc_arenas`` (threads of calls and OCR
  otherwise leave fragmented arenas that grow the process);
- a :class:`~kiosk.ops.restart_policy.RestartPolicy` fed by the UI's session start and end:
  when memory grew past ``[ops] restart_growth_mb`` (after ``restart_warmup_sessions``), or
  an operator asked, the app quits with :data:`RESTART_EXIT_CODE` once no citizen is inside
  and the commands' acks have left; systemd (``Restart=always``) starts a fresh process;
- the ``config`` command: ``{"settings": {"dotted.key": value}, "at", "signature"}`` is
  checked for the hub's signature (``[hub] push_key``, kiosk.core.push_signing), then like
  the config file (unknown key, wrong type: refused, nothing changes), kept in
  ``<data_dir>/pushed-config.json`` (applied over the file by :func:`with_pushed_settings`
  at every start) and applied: the ``[ops]`` keys and the screen's idle times and
  language at once, anything else by a restart at the next moment nobody is inside.

A refused ``config`` is acknowledged with one of these codes (the hub shows it and writes it
to its audit log): ``config_empty`` (no settings), ``config_unknown_key``,
``config_locked_key`` (a real setting that is not on the allow-list of pushable keys,
:data:`kiosk.core.pushable.PUSHABLE_KEYS`: the hub's address and token, the booth's
identity and folders, the operator PIN, device ports... the module says why each),
``config_bad_value`` (a value of the wrong type or out of its choices). The booth logs every
refusal with its keys; the hub writes the ack's code to its audit log. The same allow-list
is applied at start to the settings kept on disk, so nothing pushed before a key was
locked (or written into the file by hand) points the booth elsewhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import json
import logging
import os
import typing
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

from kiosk.config import Config, apply_settings
from kiosk.core.clock import Clock
from kiosk.core.errors import ConfigError, DeviceError
from kiosk.core.push_signing import check_push
from kiosk.core.pushable import PUSHABLE_KEYS
from kiosk.ops.health import DiskHealth, HealthCollector, HealthReporter, disk_of
from kiosk.ops.restart_policy import RESTART_EXIT_CODE, RestartPolicy, limit_malloc_arenas

log = logging.getLogger(__name__)

PUSHED_FILE = "pushed-config.json"
LIVE_BOOTH_KEYS = frozenset({"idle_timeout_s", "idle_warning_s", "language"})
ACK_FLUSH_S = 3.0  # longest wait for the commands' acks to leave before quitting
ACK_POLL_S = 0.02


class ConfigRefused(ConfigError):
    """An operator's pushed configuration was refused; ``code`` says why."""

    def __init__(self, problems: list[str], code: str) -> None:
        super().__init__(problems)
        self.code = code


class OpsHost(Protocol):
    """What the wiring reads of :class:`kiosk.booth.root.Booth`."""

    config: Config
    clock: Clock
    data: Path
    channel: Any  # kiosk.backend.channel.BoothChannel
    door: Any
    locker: Any  # kiosk.devices.locker.bank.LockerBank
    idcard: Any
    frames: Any


# --- pushed settings --------------------------------------------------------------------


def nest(settings: Mapping[str, Any]) -> dict[str, Any]:
    """``{"booth.idle_timeout_s": 90}`` -> ``{"booth": {"idle_timeout_s": 90}}``, checked
    against the fields of :class:`~kiosk.config.Config` (raises :class:`ConfigRefused`)."""
    if not settings:
        raise ConfigRefused(["no settings given"], "config_empty")
    unknown, locked = [], []
    nested: dict[str, Any] = {}
    for key, value in settings.items():
        parts = str(key).split(".")
        if not (_is_leaf(parts) or key == "source"):
            unknown.append(key)
            continue
        if key not in PUSHABLE_KEYS:  # an allow-list: see kiosk.core.pushable
            locked.append(key)
            continue
        node = nested
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    if locked:
        problems = [f"pushed: {k} cannot be set remotely" for k in locked]
        log.warning("pushed configuration refused (config_locked_key): %s", ", ".join(locked))
        raise ConfigRefused(problems, "config_locked_key")
    if unknown:
        raise ConfigRefused([f"pushed: unknown key {k}" for k in unknown], "config_unknown_key")
    return nested


def _is_leaf(parts: list[str]) -> bool:
    """Whether the dotted ``parts`` name one setting (not a section) of the Config."""
    cls: Any = Config
    for i, part in enumerate(parts):
        if not dataclasses.is_dataclass(cls):
            return False
        names = {f.name for f in dataclasses.fields(cls)}
        if part not in names or part == "source":
            return False
        cls = typing.get_type_hints(cls)[part]
        if i == len(parts) - 1:
            return not dataclasses.is_dataclass(cls)
    return False


def pushed_settings(data: Path) -> dict[str, Any]:
    """The settings pushed so far (empty when none, or the file is unreadable)."""
    try:
        stored = json.loads((data / PUSHED_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.error("pushed configuration unreadable (%s); ignored", type(exc).__name__)
        return {}
    return stored if isinstance(stored, dict) else {}


def with_pushed_settings(config: Config, data: Path) -> Config:
    """``config`` with the operator's pushed settings over it (what survives a restart).

    Settings that no longer apply (an upgrade renamed a key) are logged and skipped: a
    booth must start whatever was pushed to it.
    """
    settings = pushed_settings(data)
    if not settings:
        return config
    try:
        return apply_settings(config, nest(settings), "pushed")
    except ConfigError as exc:
        log.error("pushed configuration not applied: %s", "; ".join(exc.problems))
        return config


def _store(data: Path, settings: Mapping[str, Any]) -> None:
    path = data / PUSHED_FILE
    part = path.with_suffix(".part")
    with open(part, "w", encoding="utf-8") as f:
        json.dump(dict(settings), f, ensure_ascii=False, indent=1, sort_keys=True)
        f.flush()
        os.fsync(f.fileno())
    os.replace(part, path)


# --- presence probes --------------------------------------------------------------------


def camera_present(config: Config) -> Callable[[], bool | None] | None:
    """Cameras: configured ones are there (a synthetic or file source, or a video device)."""
    specs = [s for s in (config.devices.face_camera, config.devices.document_camera) if s]
    if not specs:
        return None

    def probe() -> bool:
        return all(
            s == "synthetic" or Path(s).is_file() or any(Path("/dev").glob("video*")) for s in specs
        )

    return probe


def microphone_present(config: Config) -> Callable[[], bool | None]:
    """A capture device of ALSA (``/dev/snd/pcmC*D*c``); a synthetic booth has its tone."""

    def probe() -> bool | None:
        if config.devices.face_camera == "synthetic":
            return True
        snd = Path("/dev/snd")
        return any(snd.glob("pcmC*D*c")) if snd.exists() else False

    return probe


def _node_exists(port: str) -> bool:
    return Path(port).exists()


class _BoothLocker:
    """The locker bank as the collector's slot source, read when a report is made."""

    def __init__(self, host: OpsHost) -> None:
        self._host = host

    async def slots(self) -> Any:
        bank = self._host.locker
        if bank is None:
            raise DeviceError("the locker bank did not open", code="locker_absent")
        return await bank.slots()


class _LastError(logging.Handler):
    """Every ERROR logged under ``kiosk`` becomes the report's ``last_error`` (its code or
    exception type, or the logger's name: never the message, which may hold data)."""

    def __init__(self, collector: HealthCollector) -> None:
        super().__init__(logging.ERROR)
        self._collector = collector

    def emit(self, record: logging.LogRecord) -> None:
        exc = record.exc_info[1] if record.exc_info else None
        self._collector.error(exc if exc is not None else record.name)


# --- the wiring -------------------------------------------------------------------------


class BoothOps:
    """Health reporting, the restart policy and the operator's commands of one booth."""

    def __init__(self, host: OpsHost) -> None:
        self._host = host
        config, clock = host.config, host.clock
        ops = config.ops
        limit_malloc_arenas(ops.malloc_arenas)  # before Qt, codecs and OCR start threads
        self.collector = HealthCollector(clock, disk=self._disk)  # devices: at start()
        self.reporter = HealthReporter(
            self.collector,
            host.channel,
            clock,
            period_s=ops.health_period_s,
            ack_timeout_s=ops.health_ack_timeout_s,
        )
        self.policy = RestartPolicy(
            clock,
            restart=self._restart,
            warmup_sessions=ops.restart_warmup_sessions,
            growth_limit_bytes=ops.restart_growth_mb << 20,
        )
        self.exit_code: int | None = None  # RESTART_EXIT_CODE once a restart was decided
        self.quit: Callable[[], None] | None = None  # set by start(): the UI's quit
        self.stopped = asyncio.Event()
        self._errors = _LastError(self.collector)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._connections: list[tuple[Any, Callable[..., None]]] = []
        host.channel.add_listener(self.collector.channel_status)
        host.channel.add_listener(self.reporter.channel_status)
        host.channel.on_command("config", self.on_config_command)
        host.channel.on_command("restart", self.policy.on_restart_command)

    @property
    def alerts(self) -> HealthReporter:
        """The locker bank's alert sink: alerts go to the hub as device faults."""
        return self.reporter

    def _disk(self) -> DiskHealth | None:
        return disk_of(str(self._host.data))()

    # -- life cycle ----------------------------------------------------------------------

    def start(self, ui: Any) -> None:
        """Watch the UI's sessions and start reporting (after the devices opened)."""
        self.quit = ui.quit_app
        bridge = ui.bridge
        pairs: list[tuple[Any, Callable[..., None]]] = [
            (bridge.session_changed, self._on_session_changed),
            (bridge.session_ended, self._on_session_ended),
        ]
        for signal, slot in pairs:
            signal.connect(slot)
        self._connections = pairs
        if getattr(ui, "session", None) is not None:
            self.policy.session_started()
        logging.getLogger("kiosk").addHandler(self._errors)
        host = self._host
        config = host.config  # the devices' ports are known now (the demo's emulators)
        devices: dict[str, Callable[[], bool | None]] = {}
        if config.devices.door.port:
            devices["door"] = lambda: host.door is not None
        if config.devices.idcard.port:
            devices["idcard"] = lambda: host.idcard is not None
        if config.devices.scanner.port:  # read by its own flow: its device node is there
            devices["scanner"] = functools.partial(_node_exists, config.devices.scanner.port)
        self.collector.watch(
            devices=devices,
            camera=camera_present(config),
            microphone=microphone_present(config),
            locker=_BoothLocker(host) if config.devices.locker.port else None,
        )
        self.reporter.start()

    async def stop(self) -> None:
        logging.getLogger("kiosk").removeHandler(self._errors)
        for signal, slot in self._connections:
            with contextlib.suppress(RuntimeError, TypeError):
                signal.disconnect(slot)
        self._connections = []
        await self.reporter.stop()
        for task in list(self._tasks):
            task.cancel()
        self.stopped.set()

    # -- sessions ------------------------------------------------------------------------

    def _on_session_changed(self, active: bool) -> None:
        if active:
            self.policy.session_started()

    def _on_session_ended(self, reason: str) -> None:
        self.policy.session_ended()

    # -- restarting ----------------------------------------------------------------------

    def _restart(self, reason: str) -> None:
        if self.exit_code is not None:
            return
        self.exit_code = RESTART_EXIT_CODE
        log.warning("the booth app quits to be restarted (%s)", reason.split(":")[0])
        self._spawn(self._quit_once_sent())

    async def _quit_once_sent(self) -> None:
        """Quit once the acks queued so far have left (the hub waits for its ack)."""
        clock, channel = self._host.clock, self._host.channel
        deadline = clock.monotonic() + ACK_FLUSH_S
        # Polls an observable condition: the channel has no event for "sent".
        while channel.buffered and channel.status.online and clock.monotonic() < deadline:
            await clock.sleep(ACK_POLL_S)
        if self.quit is not None:
            self.quit()

    # -- the operator's configuration ----------------------------------------------------

    async def on_config_command(self, command: Any) -> None:
        """Check, keep and apply pushed settings; a refusal is acked with its code."""
        data = getattr(command, "data", None) or {}
        settings = data.get("settings")
        if not isinstance(settings, dict):
            raise ConfigRefused(["settings must be an object of dotted keys"], "config_empty")
        host = self._host
        self._check_signature(data)
        nested = nest(settings)
        try:
            config = apply_settings(host.config, nested, "pushed")
        except ConfigError as exc:
            raise ConfigRefused(exc.problems, "config_bad_value") from None
        merged = {**pushed_settings(host.data), **settings}
        await asyncio.to_thread(_store, host.data, merged)
        live = all(_live_key(k) for k in settings)
        host.config = config
        self._apply_live(config)
        log.info("pushed configuration kept: %s", ", ".join(sorted(settings)))
        if not live:
            self.policy.request("config")

    def _check_signature(self, data: dict[str, Any]) -> None:
        """A push must be signed by the hub's key when the booth knows it (``[hub]
        push_key``); the refusal names why (``config_unsigned``, ``config_bad_signature``,
        ``config_stale``)."""
        config, clock = self._host.config, self._host.clock
        if not config.hub.push_key:
            log.warning("pushed configuration taken unsigned: [hub] push_key is not set")
            return
        problem = check_push(config.hub.push_key, config.booth.id, data, clock.now())
        if problem is not None:
            log.warning("pushed configuration refused (%s)", problem)
            raise ConfigRefused([f"pushed: {problem}"], problem)

    def _apply_live(self, config: Config) -> None:
        ops = config.ops
        self.reporter.period_s = ops.health_period_s
        self.reporter.ack_timeout_s = ops.health_ack_timeout_s
        self.policy.warmup_sessions = ops.restart_warmup_sessions
        self.policy.growth_limit_bytes = ops.restart_growth_mb << 20
        ui = getattr(self._host, "ui", None)
        if ui is not None:
            ui.config = config.booth  # the next session's idle times and home language

    def _spawn(self, coro: Any) -> None:
        # ensure_future: also from a Qt slot (an idle timeout ends the session from a timer)
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def _live_key(key: str) -> bool:
    """Whether a pushed key takes effect without a restart (see :meth:`BoothOps._apply_live`)."""
    section, _, name = key.partition(".")
    if section == "ops":
        return name != "malloc_arenas"  # set once, before the threads start
    return section == "booth" and name in LIVE_BOOTH_KEYS
