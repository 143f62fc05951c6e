"""Running a catalog service at the booth: the flows' ports made of the booth's real parts.

- :mod:`~kiosk.booth.service.runner` — :class:`ServiceRunner`, one service item from start
  to FinishCase, and what the booth lends it (:class:`ServiceParts`, :class:`AdoptedCase`)
- :mod:`~kiosk.booth.service.documents` — the DocumentCamera, Ocr and captured-identity ports
- :mod:`~kiosk.booth.service.screen` — the Screen port on the UI bridge
- :mod:`~kiosk.booth.service.hub` — the Hub port over the outbox, and stable write keys
"""

from kiosk.booth.service.documents import (
    FORM_KEYS,
    BoothDocumentCamera,
    BoothOcr,
    CapturedIdentity,
    FrameSource,
)
from kiosk.booth.service.hub import ServiceHub, WriteKeys
from kiosk.booth.service.runner import AdoptedCase, ServiceParts, ServiceRunner
from kiosk.booth.service.screen import UiScreen

__all__ = [
    "FORM_KEYS",
    "AdoptedCase",
    "BoothDocumentCamera",
    "BoothOcr",
    "CapturedIdentity",
    "FrameSource",
    "ServiceHub",
    "ServiceParts",
    "ServiceRunner",
    "UiScreen",
    "WriteKeys",
]
