"""One request at a time to a device that answers each one: the drivers' common loop.

The door's relay board (Modbus RTU) and the ID-card reader (GA 467) are both masters of a
sans-IO protocol over a :class:`~kiosk.devices.serial_link.SerialLink`: send a request,
feed what arrives into the protocol, take its events until the one that answers, within a
timeout; on silence or garbage, forget the input and try again a few times. A
:class:`RequestLink` is that loop, once; a driver says how to make its protocol's master
(:meth:`RequestLink.new_master`), which event answers a request
(:meth:`RequestLink.answer`, which may also raise a refusal that is not retried) and what
the device is called in messages.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar

from kiosk.core.errors import DeviceError, DeviceTimeout, ProtocolViolation
from kiosk.devices.serial_link import SerialLink

log = logging.getLogger(__name__)

RequestT = TypeVar("RequestT", contravariant=True)
ReplyT = TypeVar("ReplyT")


class Master(Protocol[RequestT]):
    """A sans-IO protocol's master side (``ModbusMaster``, ``SamMaster``)."""

    def send(self, request: RequestT) -> bytes: ...

    def receive_data(self, data: bytes) -> None: ...

    def next_event(self) -> Any: ...


class RequestLink(Generic[RequestT, ReplyT]):
    """Requests and their replies over a serial link, one at a time, with retries."""

    default_baud: ClassVar[int]
    default_timeout_s: ClassVar[float] = 0.5
    default_retries: ClassVar[int] = 1
    need_data: ClassVar[object]  # the protocol's NEED_DATA
    refusals: ClassVar[tuple[type[DeviceError], ...]] = ()  # answers not worth a retry

    def __init__(
        self, link: SerialLink, *, timeout_s: float | None = None, retries: int | None = None
    ) -> None:
        self.link = link
        self.timeout_s = self.default_timeout_s if timeout_s is None else timeout_s
        self.retries = self.default_retries if retries is None else retries
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, port: str, baud: int = 0, **kwargs: Any) -> Self:
        baud = baud or cls.default_baud
        link = await SerialLink.open(port, baud, **cls.link_options(baud))
        return cls(link, **kwargs)

    @classmethod
    def link_options(cls, baud: int) -> dict[str, Any]:
        """Extra :meth:`SerialLink.open` arguments (an inter-frame gap, redacted dumps)."""
        return {}

    async def close(self) -> None:
        await self.link.close()

    # -- what a driver says ---------------------------------------------------------------

    def new_master(self) -> Master[RequestT]:
        raise NotImplementedError

    def answer(self, request: RequestT, event: Any) -> ReplyT | None:
        """The reply if ``event`` answers ``request``; None to keep reading."""
        raise NotImplementedError

    def device(self, request: RequestT) -> str:
        """The device as messages name it (``relay board 1``, ``the ID-card reader``)."""
        raise NotImplementedError

    # -- the loop -------------------------------------------------------------------------

    async def exchange(self, request: RequestT) -> ReplyT:
        """Send ``request`` and return its reply; retried on silence or garbage."""
        async with self._lock:
            failure: DeviceError = DeviceTimeout()
            for attempt in range(1, self.retries + 2):
                self.link.discard_input()
                master = self.new_master()
                await self.link.write(master.send(request))
                try:
                    return await self._reply(master, request)
                except self.refusals:
                    raise
                except DeviceError as exc:
                    failure = exc
                    log.warning(
                        "%s %s: %s (try %d)", type(self).__name__, self.link.port, exc, attempt
                    )
            raise failure

    async def _reply(self, master: Master[RequestT], request: RequestT) -> ReplyT:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout_s
        violation: ProtocolViolation | None = None
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
                if event is self.need_data:
                    break
                reply = self.answer(request, event)
                if reply is not None:
                    return reply
        if violation is not None:
            raise ProtocolViolation(f"bad reply from {self.device(request)}: {violation}")
        raise DeviceTimeout(f"no reply from {self.device(request)} on {self.link.port}")
