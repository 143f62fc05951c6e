"""Confirm-screen data: masked ID numbers, page regions, a trust-C material in the draft."""

from __future__ import annotations

import random

import pytest

from kiosk.core.materials import SubmittedMaterial, TrustLevel
from kiosk.ocr.documents import Reading
from kiosk.ocr.materials import attach_material, confirm, field_views
from kiosk.ocr.synth import random_id_number


def _reading() -> Reading:
    number = random_id_number(random.Random(2), sex="男")
    fields = {"buyer": "张伟", "buyer_id_number": number, "total_price": "1234567"}
    return Reading(
        "purchase_contract", fields,
        {"buyer": 0.9, "buyer_id_number": 0.95, "total_price": 0.4},
        {"buyer_id_number": True, "total_price": True},
        {"buyer": (100, 200, 180, 230), "buyer_id_number": (300, 240, 700, 270)},
        (1000, 1400),
    )


def test_views_mask_id_numbers_and_carry_regions() -> None:
    views = {v.name: v for v in field_views(_reading())}
    number = views["buyer_id_number"]
    assert number.value.isdigit() or number.value.endswith("X")
    assert number.is_id_number and not views["buyer"].is_id_number
    assert views["buyer"].region == (92, 192, 188, 238)
    assert views["total_price"].region is None
    assert views["total_price"].needs_attention  # low confidence
    assert not views["buyer"].needs_attention


def test_confirm_reruns_checks_and_records_corrections() -> None:
    reading = _reading()
    number = reading.fields["buyer_id_number"]
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    material = confirm(reading, "purchase-contract", {"buyer_id_number": wrong},
                       page_refs=["page-1"])
    assert material.trust_level is TrustLevel.C
    assert material.submitted() == SubmittedMaterial("purchase-contract", TrustLevel.C)
    assert material.corrected == ("buyer_id_number",)
    assert material.checks["buyer_id_number"] is False
    with pytest.raises(ValueError):
        confirm(reading, "purchase-contract", {"tenant": "x"})


def test_attach_adds_or_replaces_without_touching_the_draft() -> None:
    reading = _reading()
    draft = {"service": "hpf-withdrawal-purchase", "materials": [
        {"material_code": "id-card", "trust_level": "C"}]}
    first = attach_material(draft, confirm(reading, "purchase-contract"))
    assert [m["material_code"] for m in first["materials"]] == ["id-card", "purchase-contract"]
    assert first["materials"][1]["trust_level"] == "C"
    assert first["materials"][1]["fields"]["total_price"] == "1234567"
    assert len(draft["materials"]) == 1
    again = attach_material(first, confirm(reading, "purchase-contract", {"total_price": "1"}))
    assert len(again["materials"]) == 2
    assert again["materials"][1]["fields"]["total_price"] == "1"
