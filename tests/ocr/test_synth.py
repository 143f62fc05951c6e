"""The document generator is deterministic and prints valid identifiers."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.ocr import synth
from kiosk.ocr.checks import check_fields
from kiosk.ocr.documents import FIELDS


@pytest.mark.parametrize("doc_type", synth.DOC_TYPES)
def test_documents_are_deterministic_and_valid(doc_type: str) -> None:
    a = synth.render_document(doc_type, 7)
    b = synth.render_document(doc_type, 7)
    assert a.fields == b.fields and np.array_equal(a.page, b.page)
    assert synth.render_document(doc_type, 8).fields != a.fields
    assert set(a.fields) <= set(FIELDS[doc_type])  # a contract prints no signing date
    assert all(check_fields(doc_type, a.fields).values())
    assert set(a.regions) >= set(a.fields) - {"seller", "area"}


def test_photos_are_deterministic_and_the_document_is_inside_the_frame() -> None:
    one = synth.generate("id_card", 9, synth.Conditions(frame=(800, 600)))
    two = synth.generate("id_card", 9, synth.Conditions(frame=(800, 600)))
    assert np.array_equal(one.image, two.image)
    assert one.image.shape == (600, 800, 3)
    assert (one.corners >= 0).all()
    assert (one.corners[:, 0] <= 800).all() and (one.corners[:, 1] <= 600).all()


def test_several_fonts_are_available() -> None:
    assert len(synth.available_fonts()) >= 2
