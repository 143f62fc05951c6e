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
from typing import Any, Literal

from kiosk.core.clock import Clock
from kiosk.core.errors import DeviceError
from kiosk.devices.door.protocol import (
    DEFAULT_BAUD,
    NEED_DATA,
    CoilWritten,
    FlashCoil,
    InputsRead,
    ModbusException,
    ModbusMaster,
    ReadInputs,
    Request,
    WriteCoil,
    request_value,
)
from kiosk.devices.request_link import RequestLink
from kiosk.devices.serial_link import char_time

log = logging.getLogger(__name__)


class RelayRefused(DeviceError):
    """The relay board answered with a Modbus exception."""

    code = "device_refused"


class RelayBoard(RequestLink[Request, CoilWritten | InputsRead]):
    """The relay board's driver: each write is echoed, each read of its inputs answered;
    a Modbus exception is a refusal."""

    default_baud = DEFAULT_BAUD
    default_timeout_s = 0.5
    default_retries = 2
    need_data = NEED_DATA
    refusals = (RelayRefused,)

    @classmethod
    def link_options(cls, baud: int) -> dict[str, Any]:
        return {"gap_s": 3.5 * char_time(baud)}  # RTU frames end in 3.5 characters' silence

    def new_master(self) -> ModbusMaster:
        return ModbusMaster()

    def answer(self, request: Request, event: Any) -> CoilWritten | InputsRead | None:
        if isinstance(event, ModbusException) and event.address == request.address:
            raise RelayRefused(f"relay board refused: exception code {event.code}")
        if isinstance(request, ReadInputs):
            size = (request.count + 7) // 8
            fits = isinstance(event, InputsRead) and event.address == request.address
            return event if fits and len(event.data) == size else None
        expected = CoilWritten(request.address, request.coil, request_value(request))
        return expected if event == expected else None

    def device(self, request: Request) -> str:
        return f"relay board {request.address}"

    async def write(self, request: WriteCoil | FlashCoil) -> CoilWritten:
        """Send ``request``; the board's echo, or DeviceTimeout/ProtocolViolation/RelayRefused."""
        reply = await self.exchange(request)
        assert isinstance(reply, CoilWritten)
        return reply

    async def read_inputs(self, address: int, start: int, count: int) -> tuple[bool, ...]:
        """Discrete inputs ``start`` .. ``start + count - 1`` as the board reads them now."""
        reply = await self.exchange(ReadInputs(address, start, count))
        assert isinstance(reply, InputsRead)
        return tuple(reply.bit(i) for i in range(count))


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
