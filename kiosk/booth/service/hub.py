"""The workflow's Hub port at the booth: :class:`ServiceHub` over ``kiosk.backend``'s
BoothHub and the outbox.

Each capture's confirmed fields go to the hub as a level-C material (each sent once, at
the first review that needs it); a clerk is called through the booth's call wiring with
the hub's case id; :class:`WriteKeys` gives every write of an item a key stable across a
restart, so a resumed item sends nothing twice; :class:`CitizenLink` is what the hub
answered about the citizen page of the case.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from kiosk.booth.service.documents import FORM_KEYS, BoothOcr, Vault
from kiosk.flows.messages import (
    SubmitCase,
)
from kiosk.flows.workflow import Workflow

log = logging.getLogger(__name__)

# -- the hub -------------------------------------------------------------------------------------


@dataclass
class CitizenLink:
    """What the hub answered when it opened the case: the citizen page of the case."""

    hub_case_id: str = ""
    token: str = field(default="", repr=False)
    url: str = field(default="", repr=False)


class ServiceHub:
    """The Hub port: BoothHub, with each capture's confirmed fields as a level-C material."""

    def __init__(
        self,
        booth_hub: Any,
        vault: Vault,
        ocr: BoothOcr,
        on_submitted: Callable[[SubmitCase], None],
        call_clerk: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        self._hub = booth_hub  # kiosk.backend.hub_port.BoothHub: it saves every write
        self._vault = vault
        self._ocr = ocr
        self._on_submitted = on_submitted
        self._call_clerk = call_clerk
        self.sent: set[str] = set()  # image refs already sent as materials
        self._calling: asyncio.Future[None] | None = None

    async def call_clerk(self, department: str) -> None:
        if self._call_clerk is None:
            await self._hub.call_clerk(department)  # the queue only (no video wiring)
            return
        # The consent step waits for the citizen: the workflow goes on meanwhile.
        self._calling = asyncio.ensure_future(self._call_clerk(department))
        self._calling.add_done_callback(_log_call_failure)

    async def send_field(self, case_id: str, key: str, value: str) -> None:
        await self._hub.send_field(case_id, key, value)

    async def send_rating(self, rating: Any) -> None:
        await self._hub.send_rating(rating)

    async def finish(self, case_id: str, outcome: str) -> None:
        await self._hub.finish(case_id, outcome)

    async def submit(self, command: SubmitCase) -> None:
        from kiosk.backend.hub_port import FORM_PATH, MATERIALS_PATH
        from kiosk.ocr.materials import confirm

        values = dict(command.values)
        for code, image_ref in command.materials:
            if image_ref in self.sent:  # a later department's review: on the hub already
                continue
            self.sent.add(image_ref)
            body: dict[str, Any] = {
                "code": code,
                "image_base64": base64.b64encode(self._vault.get(image_ref)).decode(),
            }
            reading = self._ocr.readings.get(image_ref)
            if reading is not None:
                keys = FORM_KEYS.get(reading.doc_type, {})
                # a field that fills several keys: an edit under any of them is the edit
                edits: dict[str, str] = {}
                for name, form_keys in keys.items():
                    present = [values[key] for key in form_keys if key in values]
                    changed = [v for v in present if v != reading.fields.get(name)]
                    if present:
                        edits[name] = (changed or present)[0]
                material = confirm(reading, code, edits, (image_ref,))
                body["doc_type"] = material.doc_type
                body["ocr_fields"] = {
                    **material.fields,
                    "_checks": ",".join(n for n, ok in material.checks.items() if not ok),
                    "_corrected": ",".join(material.corrected),
                    "_trust_level": material.to_json()["trust_level"],
                }
            self._enqueue(command.case_id, MATERIALS_PATH, "POST", body)
        self._enqueue(command.case_id, FORM_PATH, "PUT", {"fields": values})
        self._on_submitted(command)

    def complete_step(self, case_id: str, index: int) -> Any:
        """Report a step done (through the outbox); the saved write (its idempotency key)."""
        from kiosk.backend.outbox import CASE_PLACEHOLDER

        return self._enqueue(
            case_id, f"/cases/{CASE_PLACEHOLDER}/steps/{index}/complete", "POST", {}
        )

    def _enqueue(self, case_id: str, path: str, method: str, body: Any) -> Any:
        return self._hub.write(case_id, method, path, body)


class WriteKeys:
    """The idempotency keys of one service item's writes, alike for the same write made
    again by a booth resumed after a restart.

    A booth killed after an event's writes reached the outbox but before the save point
    that follows it resumes from the save point before the event; when the citizen does
    the same again, the workflow makes the same writes at the same place in its history.
    A key is made of the session, the number of events handled (Workflow.handled), the
    write's place among that event's writes, and the write itself, as an HMAC of the
    booth's key store (Outbox.stable_key): the same write again gets the same key and is
    saved and applied once; a different write at that place (she did something else) gets
    another key and is not lost.
    """

    def __init__(self, outbox: Any, session_id: str, workflow: Workflow) -> None:
        self._outbox = outbox
        self._session_id = session_id
        self._workflow = workflow
        self._at = -1  # the event count of the last write
        self._n = 0  # writes made at that count

    def __call__(self, case_id: str, method: str, path: str, body: Any) -> str:
        handled = self._workflow.handled
        if handled != self._at:
            self._at, self._n = handled, 0
        place = self._n
        self._n += 1
        content = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return str(
            self._outbox.stable_key(
                self._session_id, case_id, str(handled), str(place), method.upper(), path, content
            )
        )


def _log_call_failure(task: asyncio.Future[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("calling a clerk failed: %s", task.exception())
