"""The booth door: a Modbus RTU relay board whose coil drives the glass door's strike.

:class:`RelayBoard` is the driver (one request at a time, retries, resync after junk);
:class:`Door` is what the booth uses: :meth:`Door.pulse` releases the strike for the
configured time and logs it with the session that asked. In ``flash`` mode the board
switches the relay off by itself (a crash mid-pulse cannot leave the door unlocked); in
``on-off`` mode, for boards without the flash function, the booth switches it on, waits
on its clock and switches it off, retrying the "off" until the board confirms it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from kiosk.core.clock import Clock
from kiosk.core.errors import DeviceError, DeviceTimeout, ProtocolViolation
from kiosk.devices.door.protocol import (
    DEFAULT_BAUD,
    NEED_DATA,
    CoilWritten,
    FlashCoil,
    ModbusException,
    ModbusMaster,
    Request,
    WriteCoil,
    request_value,
)
from kiosk.devices.serial_link import SerialLink, char_time

log = logging.getLogger(__name__)


class RelayRefused(DeviceError):
    """The relay board answered with a Modbus exception."""

    code = "device_refused"


class RelayBoard:
    def __init__(self, link: SerialLink, *, timeout_s: float = 0.5, retries: int = 2) -> None:
        self.link = link
        self.timeout_s = timeout_s
        self.retries = retries
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, port: str, baud: int = 0, **kwargs: float) -> RelayBoard:
        baud = baud or DEFAULT_BAUD
        link = await SerialLink.open(port, baud, gap_s=3.5 * char_time(baud))
        return cls(link, **kwargs)  # type: ignore[arg-type]

    async def close(self) -> None:
        await self.link.close()

    async def write(self, request: Request) -> CoilWritten:
        """Send ``request``; the board's echo, or DeviceTimeout/ProtocolViolation/RelayRefused."""
        async with self._lock:
            failure: DeviceError = DeviceTimeout()
            for attempt in range(1, self.retries + 2):
                self.link.discard_input()
                master = ModbusMaster()
                await self.link.write(master.send(request))
                try:
                    return await self._echo(master, request)
                except RelayRefused:
                    raise
                except DeviceError as exc:
                    failure = exc
                    log.warning("relay %s: %s (try %d)", self.link.port, exc, attempt)
            raise failure

    async def _echo(self, master: ModbusMaster, request: Request) -> CoilWritten:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout_s
        violation: ProtocolViolation | None = None
        expected = CoilWritten(request.address, request.coil, request_value(request))
        while (remaining := deadline - loop.time()) > 0:
            data = await self.link.read(remaining)
            if not data:
                break
            master.receive_data(data)
            while True:
                try:
                    event = master.next_event()
                except ProtocolViolation as exc:
                    violation = exc
                    continue
                if event is NEED_DATA:
                    break
                if isinstance(event, ModbusException) and event.address == request.address:
                    raise RelayRefused(f"relay board refused: exception code {event.code}")
                if event == expected:
                    return expected
        if violation is not None:
            raise ProtocolViolation(f"bad reply from the relay board: {violation}")
        raise DeviceTimeout(f"no reply from relay board {request.address} on {self.link.port}")


@dataclass(frozen=True, slots=True)
class DoorPulsed:
    session_id: str
    seconds: float
    at: str  # ISO time


class Door:
    def __init__(
        self,
        relay: RelayBoard,
        clock: Clock,
        *,
        address: int = 1,
        coil: int = 0,
        pulse_s: float = 3.0,
        mode: Literal["flash", "on-off"] = "flash",
        session: Callable[[], str] = lambda: "",
    ) -> None:
        self.session = session  # the current citizen session's id, for the log
        self.relay = relay
        self.clock = clock
        self.address = address
        self.coil = coil
        self.pulse_s = pulse_s
        self.mode = mode

    async def unlock(self, seconds: float) -> None:
        """The workflow's Door port: pulse for ``seconds``, logged with the current session."""
        await self.pulse(self.session(), seconds)

    async def pulse(self, session_id: str, seconds: float | None = None) -> DoorPulsed:
        """Release the strike for ``seconds`` (default: the configured time)."""
        seconds = self.pulse_s if seconds is None else seconds
        pulsed = DoorPulsed(session_id, seconds, self.clock.now().isoformat(timespec="seconds"))
        log.info("door: strike released for %.1f s (session %s)", seconds, session_id or "-")
        if self.mode == "flash":
            tenths = min(255, max(1, round(seconds * 10)))
            await self.relay.write(FlashCoil(self.address, self.coil, tenths))
            return pulsed
        await self.relay.write(WriteCoil(self.address, self.coil, True))
        try:
            await self.clock.sleep(seconds)
        finally:
            await self._switch_off()
        return pulsed

    async def _switch_off(self) -> None:
        for attempt in range(3):
            try:
                await asyncio.shield(self.relay.write(WriteCoil(self.address, self.coil, False)))
                return
            except DeviceError as exc:
                log.error("door: strike did not switch off (try %d): %s", attempt + 1, exc)
        raise DeviceError("the door strike did not switch off", code="door_stuck_open")
