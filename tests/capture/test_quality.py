"""Blur and glare are rejected with a reason the UI can say; good pages pass."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.capture.geometry import flatten_page
from kiosk.capture.quality import PROMPTS, assess
from kiosk.ocr import synth


@pytest.mark.parametrize("doc_type", synth.DOC_TYPES)
def test_a_good_photo_passes(doc_type: str) -> None:
    page, quad = flatten_page(synth.generate(doc_type, 11).image)
    assert quad is not None
    verdict = assess(page)
    assert verdict.ok, verdict


@pytest.mark.parametrize("doc_type", ["id_card", "purchase_contract"])
@pytest.mark.parametrize("conditions", [
    synth.Conditions(blur_sigma=(3.0, 3.0)),
    synth.Conditions(motion_blur_px=31),
], ids=["defocus", "motion"])
def test_blur_is_rejected_with_hold_still(doc_type: str, conditions: synth.Conditions) -> None:
    page, _ = flatten_page(synth.generate(doc_type, 12, conditions).image)
    verdict = assess(page)
    assert verdict.reason == "blurred"
    assert verdict.prompt("en") == "Hold still"


@pytest.mark.parametrize("doc_type", ["id_card", "business_license"])
def test_glare_is_rejected_with_tilt(doc_type: str) -> None:
    page, _ = flatten_page(synth.generate(doc_type, 13, synth.Conditions(glare=True)).image)
    verdict = assess(page)
    assert verdict.reason == "glare"
    assert "glare" in verdict.prompt("en")


def test_no_document_and_every_reason_has_a_prompt() -> None:
    assert assess(None).reason == "no_document"
    assert assess(np.zeros((100, 100, 3), np.uint8)).reason == "too_small"
    for reason in ("no_document", "too_small", "blurred", "glare"):
        assert PROMPTS[reason]["zh_CN"] and PROMPTS[reason]["en"]


def _lit_from_one_side(page: np.ndarray, gain: float) -> np.ndarray:
    """``page`` under a lamp to its right: brighter towards the right, clipped there."""
    ramp = np.linspace(1.0, gain, page.shape[1], dtype=np.float32)[None, :, None]
    return np.clip(page.astype(np.float32) * ramp, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("doc_type", ["business_license", "purchase_contract"])
def test_a_page_brighter_on_one_side_is_not_glare(doc_type: str) -> None:
    # the paper clips on its bright side, but the print stays dark and readable there
    page, _ = flatten_page(synth.generate(doc_type, 11).image)
    verdict = assess(_lit_from_one_side(page, 1.6))
    assert verdict.ok, verdict


def test_glare_on_a_page_lit_from_one_side_is_still_glare() -> None:
    page, _ = flatten_page(synth.generate("business_license", 13,
                                          synth.Conditions(glare=True)).image)
    assert assess(_lit_from_one_side(page, 1.15)).reason == "glare"
