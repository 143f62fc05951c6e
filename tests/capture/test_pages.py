"""Multi-page materials and an ID card's two sides on one page."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.capture.pages import PageSet, compose_card_sides
from kiosk.ocr import synth


def test_card_sides_are_composed_front_above_back() -> None:
    front = synth.render_document("id_card", 1).page
    back = synth.render_id_card_back(1)
    page = compose_card_sides(front, back)
    assert page.shape[0] > page.shape[1]  # A4 portrait
    rows = np.where((page < 250).any(axis=(1, 2)))[0]
    middle = page.shape[0] // 2
    assert rows.min() < middle < rows.max()
    # the two sides differ, so the top and bottom halves differ
    top, bottom = page[:middle], page[middle:]
    assert np.abs(top.astype(int).mean() - bottom.astype(int).mean()) > 0.1 or (
        not np.array_equal(top[rows.min():rows.min() + 50], bottom[:50]))


def test_page_set_retake_remove_and_card_completion() -> None:
    card = PageSet("id_card")
    front, back = synth.render_document("id_card", 2).page, synth.render_id_card_back(2)
    card.add(front)
    assert not card.complete
    card.add(back)
    assert card.complete
    with pytest.raises(ValueError):
        card.add(front)
    (composed,) = card.document_pages()
    assert composed.shape[0] > composed.shape[1]
    contract = PageSet("purchase_contract")
    for seed in range(3):
        contract.add(synth.render_document("purchase_contract", seed).page)
    contract.retake(1, front)
    contract.remove(0)
    assert [p.shape for p in contract.document_pages()] == [front.shape,
                                                           contract.pages[1].shape]
