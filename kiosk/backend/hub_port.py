"""The workflow's ``Hub`` port (``kiosk.flows.ports.Hub``), made of the outbox and the channel.

Every write a workflow makes becomes an outbox entry of its case, so it never fails
because the hub is away: it is saved, shown as "saved, will be sent", and delivered in
order, exactly once. The mapping onto the hub's API (``kiosk/hub/protocol.py``):

===============================  ==========================================================
port call                        hub request
===============================  ==========================================================
:meth:`BoothHub.open_case`       ``POST /cases`` (walk-in; the answer names the hub's case
                                 and the citizen's token, kept by the outbox)
:meth:`BoothHub.adopt_case`      none: the hub opened the case (an appointment); its id and
                                 the citizen's token come with ``start_session``
``send_field(case, key, value)``  ``PUT /cases/{case}/form {"fields": {key: value}}``
``submit(SubmitCase)``            ``POST /cases/{case}/materials`` per captured material,
                                 then ``PUT /cases/{case}/form`` with every value
``send_rating(rating)``           ``POST /cases/{case}/ratings``, as the citizen
``finish(case, outcome)``         nothing to write: the hub follows the case by its steps;
                                 the case's writes keep going after the citizen has left
``call_clerk(department)``        the ``call_request`` event on the control channel, now:
                                 a queue is only worth joining while the hub is there
===============================  ==========================================================

Images are read from the session vault through the injected ``images`` callable at the
moment of submitting, and sealed into the outbox with the rest of the write.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from kiosk.backend.outbox import CASE_PLACEHOLDER, AlreadySaved, Outbox, OutboxEntry
from kiosk.core.rating import Rating
from kiosk.flows.messages import SubmitCase
from kiosk.flows.ports import Hub

log = logging.getLogger(__name__)

FORM_PATH = f"/cases/{CASE_PLACEHOLDER}/form"
MATERIALS_PATH = f"/cases/{CASE_PLACEHOLDER}/materials"
RATINGS_PATH = f"/cases/{CASE_PLACEHOLDER}/ratings"

WriteKey = Callable[[str, str, str, Any], str]  # (case id, method, path, body) -> key


class EventRequester(Protocol):
    """The control channel's ``request`` (``BoothChannel``)."""

    async def request(
        self, name: str, data: dict[str, Any] | None = None, *, timeout_s: float = 10.0
    ) -> dict[str, Any]: ...


class BoothHub:
    """The hub as one booth session's workflows see it."""

    def __init__(
        self,
        outbox: Outbox,
        channel: EventRequester,
        *,
        images: Callable[[str], bytes] | None = None,
        session_id: str | None = None,
        write_key: WriteKey | None = None,
    ) -> None:
        """``write_key``: the idempotency key of each write (case id, method, path, body);
        by default a new one per write (kiosk.booth.service.WriteKeys makes a resumed
        booth's repeated writes alike)."""
        self._outbox = outbox
        self._write_key = write_key
        self._channel = channel
        self._images = images
        self._session_id = session_id
        self._current_case: str | None = None
        self.last_queue_entry: Mapping[str, Any] | None = None

    # -- cases ---------------------------------------------------------------------------

    def open_case(
        self,
        case_id: str,
        service: str,
        *,
        name: str = "",
        id_number: str = "",
        phone: str = "",
        citizen_token: str | None = None,
    ) -> None:
        """A walk-in's case: opened on the hub by the first write of ``case_id``."""
        body: dict[str, Any] = {
            "service": service,
            "citizen": {"name": name, "id_number": id_number, "phone": phone},
        }
        if citizen_token:
            body["citizen_token"] = citizen_token
        self.write(case_id, "POST", "/cases", body, opens_case=True)
        self._current_case = case_id

    def adopt_case(self, case_id: str, hub_case_id: str, citizen_token: str | None) -> None:
        """A case the hub opened (an appointment): later writes go to ``hub_case_id``."""
        self._outbox.bind_case(case_id, hub_case_id, citizen_token)
        self._current_case = case_id

    def pending(self, case_id: str) -> int:
        """Writes of the case saved and not yet on the hub ("saved, will be sent")."""
        return self._outbox.pending(case_id)

    # -- the port ------------------------------------------------------------------------

    async def call_clerk(self, department: str) -> None:
        data: dict[str, Any] = {"department": department}
        hub_case = self._outbox.hub_case_id(self._current_case) if self._current_case else None
        if hub_case:
            data["case_id"] = hub_case
        self.last_queue_entry = await self._channel.request("call_request", data)

    async def send_field(self, case_id: str, key: str, value: str) -> None:
        self.write(case_id, "PUT", FORM_PATH, {"fields": {key: value}})

    async def submit(self, command: SubmitCase) -> None:
        for code, image_ref in command.materials:
            body: dict[str, Any] = {"code": code}
            if self._images is not None:
                body["image_base64"] = base64.b64encode(self._images(image_ref)).decode()
            self.write(command.case_id, "POST", MATERIALS_PATH, body)
        fields = {key: value for key, value in command.values}
        self.write(command.case_id, "PUT", FORM_PATH, {"fields": fields})

    async def send_rating(self, rating: Rating) -> None:
        item: dict[str, Any] = {
            "target": "clerk" if rating.clerk else "service",
            "level": int(rating.level),
            "comment": rating.reason,
        }
        if rating.clerk:
            item["clerk_id"] = rating.clerk
        self.write(rating.case_id, "POST", RATINGS_PATH, {"ratings": [item]}, as_citizen=True)

    async def finish(self, case_id: str, outcome: str) -> None:
        log.info(
            "case %s finished at the booth (%s); %d writes still to send",
            case_id,
            outcome,
            self._outbox.pending(case_id),
        )

    def write(
        self,
        case_id: str,
        method: str,
        path: str,
        body: Any,
        *,
        opens_case: bool = False,
        as_citizen: bool = False,
    ) -> OutboxEntry | SavedBefore:
        """Save one write of ``case_id`` in the outbox, under the key ``write_key`` gives
        it; the saved write (its idempotency key), or the one saved before a restart."""
        key = self._write_key(case_id, method, path, body) if self._write_key else None
        try:
            return self._outbox.enqueue(
                case_id,
                method,
                path,
                body,
                session_id=self._session_id,
                idempotency_key=key,
                opens_case=opens_case,
                as_citizen=as_citizen,
            )
        except AlreadySaved:  # the same write, saved before a restart: sent once
            log.info("outbox: case %s already holds this write", case_id)
            return SavedBefore(str(key))


@dataclass(frozen=True, slots=True)
class SavedBefore:
    """A write the outbox held already (saved before a restart); it delivers it."""

    idempotency_key: str


def as_port(hub: BoothHub) -> Hub:
    """``hub`` typed as the workflow's port (mypy checks that BoothHub implements it)."""
    return hub
