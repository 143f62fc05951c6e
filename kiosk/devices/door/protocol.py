"""Sans-IO Modbus RTU for the door's relay board: function 05 (write single coil) for the
strike, function 02 (read discrete inputs) for the door contact and the occupancy sensor.

Theory of operation
-------------------
A request is ``ADDR 05 COIL_HI COIL_LO VALUE_HI VALUE_LO CRC_LO CRC_HI`` (CRC-16/MODBUS,
polynomial 0xA001 reflected, initial 0xFFFF, sent low byte first). ``VALUE`` is
``FF 00`` for on and ``00 00`` for off. Common RTU relay boards add a *flash* (pulse)
variant on the same function: ``VALUE = 02 NN`` switches the relay on for ``NN`` x 100 ms,
after which the board itself switches it off, so a booth that crashes mid-pulse never
leaves the door unlocked. The board answers with an echo of the request, or with an
exception ``ADDR 85 CODE CRC_LO CRC_HI``.

Relay boards with opto-isolated inputs report them with function 02: the request is
``ADDR 02 START_HI START_LO COUNT_HI COUNT_LO CRC_LO CRC_HI`` (inputs counted from 0,
1..2000 of them), the answer ``ADDR 02 N DATA[N] CRC_LO CRC_HI`` with the inputs packed
eight to a byte, the first input in the lowest bit of the first byte, N = ceil(COUNT/8);
a refusal is ``ADDR 82 CODE CRC_LO CRC_HI``.

:class:`ModbusMaster` is the booth's end, :class:`ModbusSlave` the relay board's (used by
the emulator). Both delimit frames by length (function 05 requests and echoes and
function 02 requests are 8 bytes, function 02 answers 5 + N, exceptions 5) and check the
CRC; a bad frame is dropped one byte at a time, so
``next_event()`` raises :class:`~kiosk.core.errors.ProtocolViolation` and then resumes on
the rest. Misuse by the caller raises ``ValueError``.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.core.errors import ProtocolViolation

READ_INPUTS = 0x02
WRITE_COIL = 0x05
MAX_INPUTS = 2000
EXCEPTION_BIT = 0x80
ON = 0xFF00
OFF = 0x0000
FLASH = 0x0200  # | tenths of a second, 1..255
DEFAULT_BAUD = 9600


class _NeedData(enum.Enum):
    NEED_DATA = "NEED_DATA"


NEED_DATA = _NeedData.NEED_DATA


def crc16_modbus(data: bytes) -> int:
    """CRC-16/MODBUS of ``data`` (check value of ``b"123456789"`` is 0x4B37)."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def _with_crc(body: bytes) -> bytes:
    return body + crc16_modbus(body).to_bytes(2, "little")


def _crc_ok(frame: bytes) -> bool:
    return crc16_modbus(frame[:-2]) == int.from_bytes(frame[-2:], "little")


@dataclass(frozen=True, slots=True)
class WriteCoil:
    """Set a coil (relay channel, counted from 0) on or off."""

    address: int
    coil: int
    on: bool


@dataclass(frozen=True, slots=True)
class FlashCoil:
    """Switch a coil on for ``tenths`` x 100 ms; the board switches it off itself."""

    address: int
    coil: int
    tenths: int


@dataclass(frozen=True, slots=True)
class CoilWritten:
    """The board echoed a write: ``value`` is the raw 16-bit value it accepted."""

    address: int
    coil: int
    value: int


@dataclass(frozen=True, slots=True)
class ReadInputs:
    """Read ``count`` discrete inputs from ``start`` (counted from 0)."""

    address: int
    start: int
    count: int


@dataclass(frozen=True, slots=True)
class InputsRead:
    """The board's answer to :class:`ReadInputs`: the inputs packed, eight to a byte."""

    address: int
    data: bytes

    def bit(self, index: int) -> bool:
        """Input ``start + index`` of the request this answers."""
        return bool(self.data[index // 8] >> (index % 8) & 1)

    @classmethod
    def of(cls, address: int, bits: Sequence[bool]) -> InputsRead:
        data = bytearray((len(bits) + 7) // 8)
        for i, on in enumerate(bits):
            if on:
                data[i // 8] |= 1 << (i % 8)
        return cls(address, bytes(data))


@dataclass(frozen=True, slots=True)
class ModbusException:
    """The board refused a request (1 illegal function, 2 illegal address, ...)."""

    address: int
    function: int
    code: int


Request = WriteCoil | FlashCoil | ReadInputs
Response = CoilWritten | InputsRead | ModbusException


def _check(address: int, coil: int) -> None:
    if not 1 <= address <= 247:
        raise ValueError(f"Modbus address {address} is out of range 1..247")
    if not 0 <= coil <= 0xFFFF:
        raise ValueError(f"coil {coil} is out of range 0..65535")


def _write_frame(address: int, coil: int, value: int) -> bytes:
    return _with_crc(
        bytes([address, WRITE_COIL]) + coil.to_bytes(2, "big") + value.to_bytes(2, "big")
    )


def _read_frame(request: ReadInputs) -> bytes:
    return _with_crc(
        bytes([request.address, READ_INPUTS])
        + request.start.to_bytes(2, "big")
        + request.count.to_bytes(2, "big")
    )


def request_value(request: WriteCoil | FlashCoil) -> int:
    """The 16-bit value a coil request writes."""
    if isinstance(request, WriteCoil):
        return ON if request.on else OFF
    return FLASH | request.tenths


class _Reader:
    def __init__(self) -> None:
        self._buffer = bytearray()

    def receive_data(self, data: bytes) -> None:
        self._buffer += data

    def _drop(self, why: str) -> ProtocolViolation:
        frame = bytes(self._buffer[:8])
        del self._buffer[:1]
        return ProtocolViolation(f"modbus: {why} ({frame.hex(' ')})")


class ModbusMaster(_Reader):
    """The booth's end: requests out, echoes and exceptions in.

    An inputs answer carries its length but not what it answers, so the master takes
    one only of the length its last :class:`ReadInputs` asked for (this keeps junk that
    happens to start ``.. 02 ..`` from swallowing the frames behind it).
    """

    def __init__(self) -> None:
        super().__init__()
        self._inputs_size: int | None = None

    def send(self, request: Request) -> bytes:
        if isinstance(request, ReadInputs):
            _check(request.address, request.start)
            if not 1 <= request.count <= MAX_INPUTS or request.start + request.count > 0x10000:
                raise ValueError(f"cannot read {request.count} inputs from {request.start}")
            self._inputs_size = (request.count + 7) // 8
            return _read_frame(request)
        _check(request.address, request.coil)
        if isinstance(request, FlashCoil) and not 1 <= request.tenths <= 255:
            raise ValueError(f"flash time {request.tenths} is out of range 1..255 tenths")
        return _write_frame(request.address, request.coil, request_value(request))

    def next_event(self) -> Response | _NeedData:
        buf = self._buffer
        if len(buf) < 2:
            return NEED_DATA
        function = buf[1]
        if function in (WRITE_COIL | EXCEPTION_BIT, READ_INPUTS | EXCEPTION_BIT):
            if len(buf) < 5:
                return NEED_DATA
            if not _crc_ok(bytes(buf[:5])):
                raise self._drop("bad CRC")
            event = ModbusException(buf[0], function & 0x7F, buf[2])
            del buf[:5]
            return event
        if function == READ_INPUTS:
            return self._inputs_read()
        if function != WRITE_COIL:
            raise self._drop(f"unexpected function 0x{function:02X}")
        if len(buf) < 8:
            return NEED_DATA
        if not _crc_ok(bytes(buf[:8])):
            raise self._drop("bad CRC")
        written = CoilWritten(
            buf[0], int.from_bytes(buf[2:4], "big"), int.from_bytes(buf[4:6], "big")
        )
        del buf[:8]
        return written

    def _inputs_read(self) -> InputsRead | _NeedData:
        buf = self._buffer
        if len(buf) < 3:
            return NEED_DATA
        size = buf[2]
        if size != self._inputs_size:
            raise self._drop(f"an inputs answer of {size} bytes was not asked for")
        if len(buf) < 5 + size:
            return NEED_DATA
        if not _crc_ok(bytes(buf[: 5 + size])):
            raise self._drop("bad CRC")
        event = InputsRead(buf[0], bytes(buf[3 : 3 + size]))
        del buf[: 5 + size]
        return event


class ModbusSlave(_Reader):
    """The relay board's end (used by the emulator): requests in, echoes out."""

    def send(self, response: Response) -> bytes:
        if isinstance(response, CoilWritten):
            return _write_frame(response.address, response.coil, response.value)
        if isinstance(response, InputsRead):
            size = len(response.data)
            if not 1 <= size <= (MAX_INPUTS + 7) // 8:
                raise ValueError(f"cannot answer with {size} bytes of inputs")
            return _with_crc(bytes([response.address, READ_INPUTS, size]) + response.data)
        return _with_crc(
            bytes([response.address, response.function | EXCEPTION_BIT, response.code])
        )

    def next_event(self) -> Request | ModbusException | _NeedData:
        """A request, or a :class:`ModbusException` the board must answer with."""
        buf = self._buffer
        if len(buf) < 8:
            return NEED_DATA
        if not _crc_ok(bytes(buf[:8])):
            raise self._drop("bad CRC")
        address, function = buf[0], buf[1]
        coil = int.from_bytes(buf[2:4], "big")
        value = int.from_bytes(buf[4:6], "big")
        del buf[:8]
        if function == READ_INPUTS:
            if not 1 <= value <= MAX_INPUTS or coil + value > 0x10000:
                return ModbusException(address, function, 3)
            return ReadInputs(address, coil, value)
        if function != WRITE_COIL:
            return ModbusException(address, function, 1)
        if value in (ON, OFF):
            return WriteCoil(address, coil, value == ON)
        if value & 0xFF00 == FLASH and value & 0xFF:
            return FlashCoil(address, coil, value & 0xFF)
        return ModbusException(address, function, 3)
