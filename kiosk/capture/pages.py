"""The pages captured for one material: retake, remove, and ID card sides on one page.

An ID card has two sides but is one material; :func:`compose_card_sides` lays the
portrait side above the national-emblem side on a white A4 page, as a photocopy would.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

_A4_WIDTH, _A4_HEIGHT = 1240, 1754  # 150 dpi
_CARD_WIDTH = 860  # 85.6 mm at about 250 dpi of the card, fits the A4 width with margins


def compose_card_sides(front: np.ndarray, back: np.ndarray) -> np.ndarray:
    """Front above back, each scaled to the same width, centred on a white A4 page."""
    page = np.full((_A4_HEIGHT, _A4_WIDTH, 3), 255, np.uint8)
    top = 180
    for side in (front, back):
        colour = side if side.ndim == 3 else cv2.cvtColor(side, cv2.COLOR_GRAY2BGR)
        height = round(colour.shape[0] * _CARD_WIDTH / colour.shape[1])
        scaled = cv2.resize(colour, (_CARD_WIDTH, height), interpolation=cv2.INTER_AREA)
        left = (_A4_WIDTH - _CARD_WIDTH) // 2
        page[top : top + height, left : left + _CARD_WIDTH] = scaled
        top += height + 140
    return page


@dataclass
class PageSet:
    """The pages of one material in capture order; ``card`` materials take two sides."""

    doc_type: str | None = None
    pages: list[np.ndarray] = field(default_factory=list)

    @property
    def is_card(self) -> bool:
        return self.doc_type == "id_card"

    @property
    def complete(self) -> bool:
        """A card needs both sides; any other material needs at least one page."""
        return len(self.pages) >= (2 if self.is_card else 1)

    def add(self, page: np.ndarray) -> int:
        if self.is_card and len(self.pages) >= 2:
            raise ValueError("an ID card has two sides; retake one instead")
        self.pages.append(page)
        return len(self.pages) - 1

    def retake(self, index: int, page: np.ndarray) -> None:
        self.pages[index] = page

    def remove(self, index: int) -> None:
        del self.pages[index]

    def document_pages(self) -> list[np.ndarray]:
        """The pages to keep: an ID card's two sides become one page."""
        if self.is_card and len(self.pages) == 2:
            return [compose_card_sides(self.pages[0], self.pages[1])]
        return list(self.pages)
