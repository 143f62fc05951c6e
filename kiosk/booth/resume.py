"""A service item's save point, so that a restarted booth can take the citizen back to it.

Composition-root code (it may import every package). While a service runs in a booth that
can resume sessions (it has a presence sensor: kiosk.devices.door.presence), its
:class:`SavePoint` is written to the session's durable vault after every event the
workflow handled, once the event's writes are in the outbox (the runner's
``checkpoint``). It holds the workflow's snapshot (the citizen's form values among them:
so only in the vault, encrypted under the session key that the journal keeps sealed),
which booth-side steps were already reported to the hub and which captured pages were
already sent (so nothing goes twice), the OCR readings of the captured pages, the
appointment's case if the item adopted one, and the language she chose.

After a restart, :func:`resumable_session` opens the vault of the session recovery
decided to resume and reads its save point; the booth then shows her the step she was at
(kiosk.booth.root: ``Booth.resume``), with the case and the outbox carrying on.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.core.errors import SessionError

log = logging.getLogger(__name__)

SAVE_POINT = "resume.json"
FORMAT = 1


@dataclass(frozen=True, slots=True)
class SavePoint:
    """Where one service item stood after the last event it handled."""

    service: str
    case_id: str  # the booth's id of the case (the outbox maps it to the hub's)
    snapshot: dict[str, Any]  # Workflow.snapshot()
    reported: tuple[int, ...] = ()  # booth steps already reported done to the hub
    sent: tuple[str, ...] = ()  # image refs already sent as materials
    readings: dict[str, dict[str, Any]] = field(default_factory=dict)  # image ref -> reading
    adopted: dict[str, str] | None = field(default=None, repr=False)  # AdoptedCase's fields
    language: str = ""

    def to_bytes(self) -> bytes:
        return json.dumps(
            {
                "format": FORMAT,
                "service": self.service,
                "case_id": self.case_id,
                "snapshot": self.snapshot,
                "reported": list(self.reported),
                "sent": list(self.sent),
                "readings": self.readings,
                "adopted": self.adopted,
                "language": self.language,
            },
            ensure_ascii=False,
        ).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> SavePoint:
        """The save point in ``data``; SessionError (code ``resume``) if it is not one."""
        try:
            doc = json.loads(data)
            if doc.get("format") != FORMAT:
                raise ValueError(f"format {doc.get('format')!r}")
            adopted = doc.get("adopted")
            return cls(
                service=str(doc["service"]),
                case_id=str(doc["case_id"]),
                snapshot=dict(doc["snapshot"]),
                reported=tuple(int(i) for i in doc["reported"]),
                sent=tuple(str(ref) for ref in doc["sent"]),
                readings={str(k): dict(v) for k, v in doc["readings"].items()},
                adopted={str(k): str(v) for k, v in adopted.items()} if adopted else None,
                language=str(doc.get("language") or ""),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise SessionError("the save point is damaged", code="resume") from exc


def reading_to_json(reading: Any) -> dict[str, Any]:
    """What a save point keeps of a ``kiosk.ocr.documents.Reading`` (no image regions)."""
    return {
        "doc_type": reading.doc_type,
        "fields": dict(reading.fields),
        "confidence": dict(reading.confidence),
        "checks": dict(reading.checks),
    }


def reading_from_json(doc: dict[str, Any]) -> Any:
    from kiosk.ocr.documents import Reading

    return Reading(
        doc["doc_type"], dict(doc["fields"]), dict(doc["confidence"]), dict(doc["checks"])
    )


@dataclass(frozen=True, slots=True)
class ResumedSession:
    """A session recovery resumes: its reopened vault and where its item stood (None: the
    citizen had not started an item yet, she comes back to the home screen)."""

    vault: Any  # kiosk.privacy.vault.SessionVault
    point: SavePoint | None


def resumable_session(journal: Any, root: Path | None, session_id: str) -> ResumedSession:
    """Reopen the session's durable vault with the key the journal kept; SessionError when
    the session cannot be resumed (no key kept, the folder gone, a damaged save point)."""
    from kiosk.privacy.vault import SessionVault

    key = journal.vault_key(session_id)
    if key is None:
        raise SessionError("no vault key was kept for the session", code="resume")
    vault = SessionVault.reopen(root, session_id, key)
    try:
        data = vault.get(SAVE_POINT)
    except KeyError:
        return ResumedSession(vault, None)
    return ResumedSession(vault, SavePoint.from_bytes(data))
