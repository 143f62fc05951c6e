"""The document types the booth reads, their fields, and one reading of a document.

A :class:`Reading` is what ``kiosk ocr --json`` prints and what the confirm screen
shows: the fields as text in their canonical form (dates YYYY-MM-DD, money in whole
yuan, registered capital as written with its unit), a confidence per field (0..1), the
checks per field (False marks the field for the citizen and the clerk; it never blocks)
and the region of the corrected page each field came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kiosk.ocr.engine import Box

FIELDS: dict[str, tuple[str, ...]] = {
    "id_card": ("name", "sex", "nation", "birth_date", "address", "id_number"),
    "business_license": (
        "name",
        "uscc",
        "legal_representative",
        "registered_capital",
        "established",
    ),
    "id_card_back": ("issuing_authority", "valid_from", "valid_to"),
    "purchase_contract": (
        "buyer",
        "buyer_id_number",
        "total_price",
        "seller",
        "property_address",
        "area",
        "signed_date",
    ),
    "rental_contract": ("tenant", "tenant_id_number", "monthly_rent", "start", "end"),
}
DOC_TYPES = tuple(FIELDS)

# fields that hold a resident ID number, masked on screen except while edited
ID_NUMBER_FIELDS = frozenset({"id_number", "buyer_id_number", "tenant_id_number"})


@dataclass(frozen=True, slots=True)
class Reading:
    """The fields read from one corrected page."""

    doc_type: str
    fields: dict[str, str]
    confidence: dict[str, float]
    checks: dict[str, bool]
    regions: dict[str, Box] = field(default_factory=dict)
    page_size: tuple[int, int] = (0, 0)  # width, height of the corrected page

    def to_json(self) -> dict[str, Any]:
        """The ``kiosk ocr --json`` document."""
        return {
            "type": self.doc_type,
            "fields": dict(self.fields),
            "confidence": dict(self.confidence),
            "checks": dict(self.checks),
        }

    def flagged(self) -> list[str]:
        """Fields a check failed on or that could not be read, to be shown first."""
        return [
            name
            for name in FIELDS[self.doc_type]
            if not self.fields.get(name) or self.checks.get(name) is False
        ]
