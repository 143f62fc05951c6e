"""An emulated Modbus RTU relay board (function 05 and the flash variant, and function 02
for its discrete inputs), for a pty.

Scripting: ``model.coils`` (coil -> on), ``model.requests`` (every request, in order),
``model.refuse_next(code)`` (answer the next request with a Modbus exception),
``model.set_input(n, on)`` (a wire on input ``n``: the door contact, the occupancy sensor).
Faults (junk, bad CRC, silence, split) come from the :class:`PtyEmulator` it runs in.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from kiosk.devices.door.protocol import (
    NEED_DATA,
    CoilWritten,
    FlashCoil,
    InputsRead,
    ModbusException,
    ModbusSlave,
    ReadInputs,
    Request,
    request_value,
)
from kiosk.devices.pty_emulator import flip_last_byte

log = logging.getLogger(__name__)


class RelayModel:
    gap_framed = False
    gap_s = 0.0

    def __init__(self, address: int = 1, coils: int = 4, inputs: int = 8) -> None:
        self.address = address
        self.coils = dict.fromkeys(range(coils), False)
        self.inputs = dict.fromkeys(range(inputs), False)
        self.requests: list[Request] = []
        self._refusals: list[int] = []
        self._slave = ModbusSlave()
        self._changed: Callable[[], None] = lambda: None
        self.on_request: Callable[[Request], None] = lambda request: None

    def bind(self, changed: Callable[[], None], emit: Callable[[bytes], None]) -> None:
        self._changed = changed

    def set_input(self, number: int, on: bool) -> None:
        """Drive discrete input ``number`` (counted from 0) high or low."""
        if number not in self.inputs:
            raise ValueError(f"the board has no input {number}")
        self.inputs[number] = on
        self._changed()

    def refuse_next(self, code: int = 4) -> None:
        self._refusals.append(code)

    def corrupt(self, frame: bytes) -> bytes:
        return flip_last_byte(frame)

    def receive_gap(self) -> list[bytes]:  # pragma: no cover - not gap framed
        return []

    def receive(self, data: bytes) -> list[bytes]:
        self._slave.receive_data(data)
        replies: list[bytes] = []
        while True:
            try:
                event = self._slave.next_event()
            except Exception as exc:
                log.debug("relay emulator ignored a bad frame: %s", exc)
                continue
            if event is NEED_DATA:
                return replies
            if event.address != self.address:
                continue
            if isinstance(event, ModbusException):
                replies.append(self._slave.send(event))
                continue
            if self._refusals:
                function = 2 if isinstance(event, ReadInputs) else 5
                refusal = ModbusException(event.address, function, self._refusals.pop(0))
                replies.append(self._slave.send(refusal))
                continue
            if isinstance(event, ReadInputs):
                replies.append(self._read(event))
                continue
            replies.append(self._apply(event))

    def _read(self, request: ReadInputs) -> bytes:
        self.requests.append(request)
        wanted = range(request.start, request.start + request.count)
        if any(n not in self.inputs for n in wanted):
            return self._slave.send(ModbusException(request.address, 2, 2))
        bits = [self.inputs[n] for n in wanted]
        return self._slave.send(InputsRead.of(request.address, bits))

    def _apply(self, request: Request) -> bytes:
        assert not isinstance(request, ReadInputs)
        self.requests.append(request)
        if request.coil not in self.coils:
            return self._slave.send(ModbusException(request.address, 5, 2))
        if isinstance(request, FlashCoil):
            self.coils[request.coil] = True
            asyncio.get_running_loop().call_later(request.tenths / 10, self._off, request.coil)
            log.info("relay %d on for %.1f s (flash)", request.coil, request.tenths / 10)
        else:
            self.coils[request.coil] = request.on
            log.info("relay %d %s", request.coil, "on" if request.on else "off")
        self.on_request(request)
        self._changed()
        return self._slave.send(CoilWritten(request.address, request.coil, request_value(request)))

    def _off(self, coil: int) -> None:
        self.coils[coil] = False
        log.info("relay %d off", coil)
        self._changed()
