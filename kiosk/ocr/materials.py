"""What the confirm screen needs, as pure data: field regions and the material to attach.

The confirm screen (kiosk.ui) shows each field of a :class:`~kiosk.ocr.documents.Reading`
next to the part of the corrected page it came from (:func:`field_views`; ID numbers are
flagged for the UI to mask with kiosk.privacy.masking, which adapters may not import), lets the
citizen correct or confirm, and then attaches the result to the case draft with
:func:`attach_material`: a citizen's own capture is trust level C (国办函〔2016〕108号);
it becomes B only when a clerk checks it against the original, which is not done here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kiosk.core.materials import SubmittedMaterial, TrustLevel
from kiosk.ocr.checks import check_fields
from kiosk.ocr.documents import FIELDS, ID_NUMBER_FIELDS, Reading
from kiosk.ocr.engine import Box

CITIZEN_CAPTURE_TRUST = TrustLevel.C


@dataclass(frozen=True, slots=True)
class FieldView:
    """One row of the confirm screen."""

    name: str
    value: str
    is_id_number: bool  # the UI masks it (kiosk.privacy.masking) except while edited
    confidence: float
    check_ok: bool | None  # None: no check applies or nothing was read
    region: Box | None  # x0, y0, x1, y1 in the corrected page
    needs_attention: bool


def field_views(reading: Reading, padding: int = 8) -> list[FieldView]:
    """The fields in display order, each with the page region it came from."""
    width, height = reading.page_size
    views: list[FieldView] = []
    for name in FIELDS[reading.doc_type]:
        value = reading.fields.get(name, "")
        box = reading.regions.get(name)
        if box is not None and width and height:
            box = (max(0, box[0] - padding), max(0, box[1] - padding),
                   min(width, box[2] + padding), min(height, box[3] + padding))
        check = reading.checks.get(name)
        confidence = reading.confidence.get(name, 0.0)
        views.append(FieldView(name, value, name in ID_NUMBER_FIELDS, confidence, check, box,
                               not value or check is False or confidence < 0.6))
    return views


@dataclass(frozen=True, slots=True)
class CapturedMaterial:
    """A material the citizen captured and confirmed, ready to go into a case."""

    material_code: str  # the catalog's Material.code
    doc_type: str
    fields: dict[str, str]
    checks: dict[str, bool]
    corrected: tuple[str, ...]  # fields the citizen changed from what was read
    page_refs: tuple[str, ...]  # SessionVault keys of the page images, never the pixels
    trust_level: TrustLevel = CITIZEN_CAPTURE_TRUST

    def submitted(self) -> SubmittedMaterial:
        """The case's view of this material (kiosk.core.materials): code and level C."""
        return SubmittedMaterial(self.material_code, self.trust_level)

    def to_json(self) -> dict[str, Any]:
        return {
            "material_code": self.material_code, "doc_type": self.doc_type,
            "fields": dict(self.fields), "checks": dict(self.checks),
            "corrected": list(self.corrected), "page_refs": list(self.page_refs),
            "trust_level": self.trust_level.value, "source": "citizen_capture",
        }


def confirm(
    reading: Reading, material_code: str, edits: Mapping[str, str] | None = None,
    page_refs: Sequence[str] = (),
) -> CapturedMaterial:
    """The citizen's confirmation of ``reading`` with their ``edits``; checks are re-run."""
    edits = dict(edits or {})
    unknown = set(edits) - set(FIELDS[reading.doc_type])
    if unknown:
        raise ValueError(f"not fields of a {reading.doc_type}: {sorted(unknown)}")
    fields = {name: reading.fields.get(name, "") for name in FIELDS[reading.doc_type]}
    corrected = tuple(n for n, v in edits.items() if v != fields.get(n))
    fields.update({name: value.strip() for name, value in edits.items()})
    checks = check_fields(reading.doc_type, fields)
    return CapturedMaterial(material_code, reading.doc_type, fields, checks, corrected,
                            tuple(page_refs))


def attach_material(draft: Mapping[str, Any], material: CapturedMaterial) -> dict[str, Any]:
    """A copy of the case ``draft`` with ``material`` in ``draft["materials"]``.

    A material of the same code is replaced (a retake); the draft itself is not changed.
    """
    materials = [dict(m) for m in draft.get("materials", ())
                 if m.get("material_code") != material.material_code]
    materials.append(material.to_json())
    return {**draft, "materials": materials}
