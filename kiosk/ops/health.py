"""Booth health: what an operator needs to know about one booth, sent to the hub.

:class:`HealthCollector` builds a :class:`HealthReport` from injected sources (no Qt, no
device drivers imported here: each source is a small callable or Protocol, so the
composition root wires real devices and tests wire plain functions):

- ``version``, ``uptime_s`` (the injected clock since construction);
- ``devices``: each device's presence and its open faults (faults are recorded with
  :meth:`HealthCollector.fault` and cleared with :meth:`HealthCollector.clear`);
- ``camera``, ``microphone``: present or not (None: not known);
- ``locker``: slots free / in use / out of service, from the locker bank's ``slots()``;
- ``disk``: free and total bytes of the data directory; ``rss_bytes``: resident memory;
- ``network``: online, the last hub round trip (the time from sending the previous health
  report to the hub's ack) and the reconnects counted from the channel's status listener;
- ``last_error``: the code of the last error recorded with :meth:`HealthCollector.error`.

:class:`HealthReporter` sends a report as a ``health`` event every ``period_s`` (only while
online: a late health report is worthless, so it is not buffered) and, on a device fault,
sends a ``device_fault`` event at once (buffered: a fault must reach the hub even after a
reconnect) followed by a fresh report. It is also the locker bank's alert sink
(:meth:`HealthReporter.alert` takes a ``LockerAlert``), so a jammed door becomes a
``device_fault`` ``{"device": "locker", "kind": "jammed", "slot": N}`` on the hub.

Nothing personal goes into a report: no case data, no transcript, only device states.

Wiring in the composition root (after the channel and the devices exist)::

    collector = HealthCollector(
        clock,
        devices={"door": lambda: door is not None, "idcard": lambda: reader is not None},
        camera=lambda: camera_found, microphone=lambda: microphone_found,
        locker=bank,                      # anything with ``async slots()``; None: no locker
        disk=disk_of(str(data_dir)),
    )
    channel.add_listener(collector.channel_status)
    reporter = HealthReporter(collector, channel, clock, period_s=60)
    channel.add_listener(reporter.channel_status)  # a report each time the hub is back
    bank = LockerBank(board, store, reporter, clock, timings)  # alerts -> device_fault
    reporter.start()                      # and ``await reporter.stop()`` at exit
    # elsewhere: reporter.fault("camera", "missing"), collector.error(exc),
    #            collector.clear("locker", "jammed") once an operator fixed it
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from kiosk import __version__
from kiosk.core.clock import Clock
from kiosk.core.errors import XiaowuError

log = logging.getLogger(__name__)


# --- the report ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeviceHealth:
    name: str  # "locker", "door", "idcard", "scanner", "camera", "microphone", ...
    present: bool
    faults: tuple[str, ...] = ()  # open fault kinds, e.g. ("jammed",)


@dataclass(frozen=True, slots=True)
class LockerHealth:
    total: int
    free: int
    in_use: int
    out_of_service: int


@dataclass(frozen=True, slots=True)
class DiskHealth:
    free_bytes: int
    total_bytes: int

    @property
    def free_ratio(self) -> float:
        return self.free_bytes / self.total_bytes if self.total_bytes else 0.0


@dataclass(frozen=True, slots=True)
class NetworkHealth:
    online: bool
    rtt_ms: float | None  # the last health report's round trip to the hub's ack
    reconnects: int  # times the channel came back online after being online before


@dataclass(frozen=True, slots=True)
class HealthReport:
    version: str
    uptime_s: float
    at: str  # ISO-8601, the booth's clock
    devices: tuple[DeviceHealth, ...]
    camera: bool | None
    microphone: bool | None
    locker: LockerHealth | None
    disk: DiskHealth | None
    rss_bytes: int | None
    network: NetworkHealth
    last_error: str | None

    def to_json(self) -> dict[str, Any]:
        """The ``health`` event's data (plain JSON types)."""
        doc = asdict(self)
        doc["devices"] = [
            {"name": d.name, "present": d.present, "faults": list(d.faults)} for d in self.devices
        ]
        return doc


# --- sources ---------------------------------------------------------------------------


class LockerSlots(Protocol):
    """What the collector reads of :class:`kiosk.devices.locker.bank.LockerBank`."""

    async def slots(self) -> Sequence[tuple[Any, Any]]: ...


Presence = Callable[[], bool | None]


def process_rss_bytes() -> int | None:
    """This process's resident set size from ``/proc/self/statm`` (None elsewhere)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            resident_pages = int(f.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return resident_pages * os.sysconf("SC_PAGE_SIZE")


def disk_of(path: str) -> Callable[[], DiskHealth | None]:
    def read() -> DiskHealth | None:
        try:
            usage = shutil.disk_usage(path)
        except OSError:
            return None
        return DiskHealth(free_bytes=usage.free, total_bytes=usage.total)

    return read


def locker_health(slots: Sequence[tuple[Any, Any]]) -> LockerHealth:
    """Count slots from the bank's ``(SlotState, SlotRecord | None)`` pairs.

    Free: no record, door closed and not known to hold an item. Out of service: the bank
    recorded it so (a jammed door). Everything else is in use (or unknown).
    """
    free = out = 0
    for state, record in slots:
        status = getattr(record, "status", None)
        door = getattr(getattr(state, "door", None), "value", None)
        if status == "out_of_service":
            out += 1
        elif record is None and door == "closed" and getattr(state, "item", None) is not True:
            free += 1
    total = len(slots)
    return LockerHealth(total=total, free=free, in_use=total - free - out, out_of_service=out)


# --- the collector ---------------------------------------------------------------------


class HealthCollector:
    """Builds reports; keeps the open faults, the last error and the network figures."""

    def __init__(
        self,
        clock: Clock,
        *,
        version: str = __version__,
        devices: dict[str, Presence] | None = None,
        camera: Presence | None = None,
        microphone: Presence | None = None,
        locker: LockerSlots | None = None,
        disk: Callable[[], DiskHealth | None] | None = None,
        rss: Callable[[], int | None] = process_rss_bytes,
    ) -> None:
        self._clock = clock
        self._started = clock.monotonic()
        self._version = version
        self._devices = dict(devices or {})
        self._camera = camera
        self._microphone = microphone
        self._locker = locker
        self._disk = disk
        self._rss = rss
        self._faults: dict[str, dict[str, str]] = {}  # device -> kind -> message
        self._last_error: str | None = None
        self._online = False
        self._was_online = False
        self._reconnects = 0
        self._rtt_ms: float | None = None

    def watch(
        self,
        *,
        devices: dict[str, Presence] | None = None,
        camera: Presence | None = None,
        microphone: Presence | None = None,
        locker: LockerSlots | None = None,
    ) -> None:
        """Add sources known only once the devices are open (the composition root's start)."""
        self._devices.update(devices or {})
        self._camera = camera if camera is not None else self._camera
        self._microphone = microphone if microphone is not None else self._microphone
        self._locker = locker if locker is not None else self._locker

    # -- what happens to the booth ------------------------------------------------------
    def fault(self, device: str, kind: str, message: str = "") -> bool:
        """Record an open fault; False if it was already open (a repeat)."""
        kinds = self._faults.setdefault(device, {})
        new = kind not in kinds
        kinds[kind] = message
        return new

    def clear(self, device: str, kind: str | None = None) -> None:
        """A fault (or every fault of ``device``) was fixed."""
        if kind is None:
            self._faults.pop(device, None)
        else:
            self._faults.get(device, {}).pop(kind, None)

    def error(self, error: BaseException | str) -> None:
        """Remember the last error by its code (never its message: it may hold data)."""
        if isinstance(error, XiaowuError):
            self._last_error = error.code
        elif isinstance(error, BaseException):
            self._last_error = type(error).__name__
        else:
            self._last_error = error

    def channel_status(self, status: Any) -> None:
        """A :class:`~kiosk.backend.channel.ChannelStatus` listener: counts reconnects."""
        online = bool(getattr(status, "online", False))
        if online and not self._online and self._was_online:
            self._reconnects += 1
        self._online = online
        self._was_online = self._was_online or online

    def round_trip(self, seconds: float) -> None:
        self._rtt_ms = round(seconds * 1000.0, 1)

    # -- the report ---------------------------------------------------------------------
    async def collect(self) -> HealthReport:
        locker = None
        if self._locker is not None:
            try:
                locker = locker_health(await self._locker.slots())
            except Exception as exc:  # a board that does not answer is a fault, not a crash
                self.fault("locker", "not_answering", type(exc).__name__)
        names = list(self._devices)
        if self._locker is not None and "locker" not in names:
            names.append("locker")
        names += [d for d in self._faults if d not in names]
        devices = []
        for name in names:
            probe = self._devices.get(name)
            present = bool(probe()) if probe is not None else (name != "locker" or bool(locker))
            faults = tuple(sorted(self._faults.get(name, {})))
            devices.append(DeviceHealth(name, present, faults))
        return HealthReport(
            version=self._version,
            uptime_s=round(self._clock.monotonic() - self._started, 1),
            at=self._clock.now().isoformat(timespec="seconds"),
            devices=tuple(devices),
            camera=self._camera() if self._camera is not None else None,
            microphone=self._microphone() if self._microphone is not None else None,
            locker=locker,
            disk=self._disk() if self._disk is not None else None,
            rss_bytes=self._rss(),
            network=NetworkHealth(self._online, self._rtt_ms, self._reconnects),
            last_error=self._last_error,
        )


# --- the reporter ----------------------------------------------------------------------


class EventChannel(Protocol):
    """What the reporter uses of :class:`kiosk.backend.channel.BoothChannel`."""

    def send_event(
        self,
        name: str,
        data: dict[str, Any] | None = None,
        *,
        event_id: str | None = None,
        buffer: bool = True,
    ) -> str: ...

    async def request(
        self, name: str, data: dict[str, Any] | None = None, *, timeout_s: float = 10.0
    ) -> dict[str, Any]: ...


class LockerAlertLike(Protocol):
    """:class:`kiosk.devices.locker.bank.LockerAlert` as the reporter reads it."""

    @property
    def kind(self) -> Any: ...
    @property
    def slot(self) -> int: ...
    @property
    def case_id(self) -> str: ...
    @property
    def message(self) -> str: ...


@dataclass(slots=True)
class HealthReporter:
    """Sends health periodically and device faults at once (see the module docstring)."""

    collector: HealthCollector
    channel: EventChannel
    clock: Clock
    period_s: float = 60.0
    ack_timeout_s: float = 10.0
    sent: int = 0
    skipped: int = 0
    _task: asyncio.Task[None] | None = field(default=None, repr=False)
    _urgent: set[asyncio.Task[Any]] = field(default_factory=set, repr=False)
    _online: bool = field(default=False, repr=False)

    def start(self) -> asyncio.Task[None]:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self.run(), name="health")
        return self._task

    async def stop(self) -> None:
        tasks = [t for t in (self._task, *self._urgent) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._task = None

    async def run(self) -> None:
        while True:
            await self.report_now()
            await self.clock.sleep(self.period_s)

    async def report_now(self) -> HealthReport | None:
        """Collect and send one report; None if the hub could not be reached."""
        report = await self.collector.collect()
        started = self.clock.monotonic()
        try:
            await self.channel.request("health", report.to_json(), timeout_s=self.ack_timeout_s)
        except XiaowuError as exc:
            self.skipped += 1
            log.info("health report not sent: %s", exc.code)
            return None
        self.collector.round_trip(self.clock.monotonic() - started)
        self.sent += 1
        return report

    def fault(
        self,
        device: str,
        kind: str,
        message: str = "",
        *,
        slot: int | None = None,
        case_id: str = "",
    ) -> str:
        """Record a device fault and tell the hub now; returns the event id."""
        self.collector.fault(device, kind, message)
        data: dict[str, Any] = {
            "device": device,
            "kind": kind,
            "message": message[:200],
            "at": self.clock.now().isoformat(timespec="seconds"),
        }
        if slot is not None:
            data["slot"] = slot
        if case_id:
            data["case_id"] = case_id
        event_id = self.channel.send_event("device_fault", data)  # buffered: must arrive
        log.warning("device fault %s/%s reported", device, kind)
        self._report_soon()
        return event_id

    def channel_status(self, status: Any) -> None:
        """A channel status listener: a fresh report as soon as the hub is reachable (at
        start-up and after every reconnect), not one period later."""
        online = bool(getattr(status, "online", False))
        if online and not self._online:
            self._report_soon()
        self._online = online

    def _report_soon(self) -> None:
        task = asyncio.get_running_loop().create_task(self.report_now())
        self._urgent.add(task)
        task.add_done_callback(self._urgent.discard)

    async def alert(self, alert: LockerAlertLike) -> None:
        """The locker bank's :class:`AlertSink`: every locker alert is a device fault."""
        kind = getattr(alert.kind, "value", str(alert.kind))
        self.fault("locker", kind, alert.message, slot=alert.slot, case_id=alert.case_id)
