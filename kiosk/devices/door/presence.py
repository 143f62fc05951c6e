"""Whether a citizen is in the booth: the door contact and the occupancy sensor.

Both are dry contacts wired to the discrete inputs of the door's Modbus relay board (most
RTU relay boards with a strike output also have opto-isolated inputs, read with function
02). :class:`BoothPresence` reads them on demand and answers the question recovery asks
after a restart (``kiosk.backend.recovery.PresenceProbe``):

============================  ===========  ==========================================
door contact                  occupancy    citizen present?
============================  ===========  ==========================================
open                          (any)        False: she left, or the booth is not private
closed or not wired           occupied     True
closed or not wired           clear        False
(any)                         not wired    None: a closed door alone says nobody is in
board silent, garbled, refused             None
============================  ===========  ==========================================

None means "cannot say", and recovery then closes the session safely: resuming is only
for a citizen the sensors see. Which input is which, and the level each reports, are
settings (``devices.door_contact_input``, ``devices.occupancy_input`` and their levels),
because boards number their terminals and sensors switch their outputs differently.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from kiosk.core.errors import DeviceError
from kiosk.devices.door.relay import RelayBoard

log = logging.getLogger(__name__)

NOT_WIRED = -1


@dataclass(frozen=True, slots=True)
class PresenceInputs:
    """Where the sensors are wired: input numbers counted from 0, -1 when absent."""

    door_contact: int = NOT_WIRED
    door_closed_level: bool = True  # the input's level while the door is shut
    occupancy: int = NOT_WIRED
    occupied_level: bool = True  # the input's level while someone is in the booth

    @property
    def wired(self) -> bool:
        return self.occupancy >= 0


@dataclass(frozen=True, slots=True)
class PresenceReading:
    door_closed: bool | None  # None: no door contact
    occupied: bool


class BoothPresence:
    """Reads the booth's door contact and occupancy sensor from the relay board."""

    def __init__(self, relay: RelayBoard, inputs: PresenceInputs, *, address: int = 1) -> None:
        if not inputs.wired:
            raise ValueError("no occupancy input wired: use no presence sensor at all")
        self._relay = relay
        self._inputs = inputs
        self._address = address

    async def read(self) -> PresenceReading:
        """The sensors now; DeviceError when the board does not answer properly."""
        wired = [n for n in (self._inputs.door_contact, self._inputs.occupancy) if n >= 0]
        start = min(wired)
        bits = await self._relay.read_inputs(self._address, start, max(wired) - start + 1)
        door: bool | None = None
        if self._inputs.door_contact >= 0:
            door = bits[self._inputs.door_contact - start] == self._inputs.door_closed_level
        occupied = bits[self._inputs.occupancy - start] == self._inputs.occupied_level
        return PresenceReading(door, occupied)

    async def citizen_present(self) -> bool | None:
        """True when the booth is occupied behind a closed door; None when unknown."""
        try:
            reading = await self.read()
        except DeviceError as exc:
            log.warning("presence sensors unreadable: %s", exc.code)
            return None
        log.info(
            "presence sensors: door %s, booth %s",
            {None: "-", True: "closed", False: "open"}[reading.door_closed],
            "occupied" if reading.occupied else "clear",
        )
        if reading.door_closed is False:
            return False
        return reading.occupied


class NoPresenceSensor:
    """A booth without an occupancy sensor: it cannot tell whether the citizen is still in."""

    async def citizen_present(self) -> bool | None:
        return None
