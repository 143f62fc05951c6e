"""Running a catalog service at the booth (see :mod:`kiosk.booth.service.runner`)."""

from kiosk.booth.service.runner import (
    BOOTH_STEPS,
    FORM_KEYS,
    AdoptedCase,
    BoothDocumentCamera,
    BoothOcr,
    CapturedIdentity,
    FrameSource,
    GeneratedDesk,
    ServiceHub,
    ServiceParts,
    ServiceRunner,
    UiScreen,
    WriteKeys,
    booth_decides,
)

__all__ = [
    "BOOTH_STEPS",
    "FORM_KEYS",
    "AdoptedCase",
    "BoothDocumentCamera",
    "BoothOcr",
    "CapturedIdentity",
    "FrameSource",
    "GeneratedDesk",
    "ServiceHub",
    "ServiceParts",
    "ServiceRunner",
    "UiScreen",
    "WriteKeys",
    "booth_decides",
]
