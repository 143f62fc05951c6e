"""Finding the document on the desk and flattening it, on generated photos."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from kiosk.capture.geometry import ASPECTS, deskew, find_document, rectify, skew_angle
from kiosk.ocr import synth


@pytest.mark.parametrize("doc_type", synth.DOC_TYPES)
@pytest.mark.parametrize("seed", [1])
def test_outline_is_found_within_one_percent(doc_type: str, seed: int) -> None:
    photo = synth.generate(doc_type, seed)
    quad = find_document(photo.image)
    assert quad is not None
    error = np.abs(quad.corners - photo.corners).max()
    assert error < 0.01 * max(photo.image.shape)


@pytest.mark.parametrize(("doc_type", "aspect"), [
    ("id_card", ASPECTS["id_card"]),
    ("business_license", ASPECTS["a4_landscape"]),
    ("rental_contract", ASPECTS["a4_portrait"]),
])
def test_rectified_page_has_the_paper_shape(doc_type: str, aspect: float) -> None:
    photo = synth.generate(doc_type, 3)
    quad = find_document(photo.image)
    assert quad is not None
    page = rectify(photo.image, quad)
    assert page.shape[1] / page.shape[0] == pytest.approx(aspect, rel=0.01)


def test_an_empty_desk_has_no_document() -> None:
    desk = synth.desk_background(np.random.default_rng(4), (1024, 768))
    assert find_document(desk) is None


def test_deskew_straightens_a_tilted_page() -> None:
    page = synth.render_document("rental_contract", 4).page
    height, width = page.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), 3.0, 1.0)
    tilted = cv2.warpAffine(page, matrix, (width, height), borderValue=(250, 250, 247))
    assert skew_angle(tilted) == pytest.approx(-3.0, abs=0.5)
    assert abs(skew_angle(deskew(tilted))) <= 0.5
