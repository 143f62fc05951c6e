"""The workflow's IdentityReader port (:mod:`kiosk.flows.ports`) on the ID-card reader.

:meth:`CardIdentityReader.read` waits for a card to be laid on the reader and returns
who it names; the workflow cancels the wait when the citizen chooses another way. The
photo stays behind: the workflow's :class:`~kiosk.flows.ports.Identity` has none.
"""

from __future__ import annotations

from kiosk.core.clock import Clock
from kiosk.devices.idcard.reader import IdCardReader
from kiosk.flows.ports import Identity


class CardIdentityReader:
    def __init__(self, reader: IdCardReader, clock: Clock, *, poll_s: float = 0.5) -> None:
        self.reader = reader
        self.clock = clock
        self.poll_s = poll_s

    async def read(self) -> Identity | None:
        card = await self.reader.wait_for_card(self.clock, self.poll_s)
        return Identity(name=card.text.name, id_number=card.text.id_number)
