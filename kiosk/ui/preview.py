"""A document-camera frame as the QImage the capture screen draws.

:class:`kiosk.booth.service.documents.BoothDocumentCamera` is handed
:func:`preview_image` by the composition root; it lives here because only ``kiosk.ui``
imports Qt.
"""

from __future__ import annotations

import cv2
import numpy as np
from PySide6.QtGui import QImage


def preview_image(frame: np.ndarray) -> QImage:
    """A BGR preview frame as an RGB QImage that owns its pixels."""
    rgb = np.ascontiguousarray(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
    height, width = rgb.shape[:2]
    return QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()
