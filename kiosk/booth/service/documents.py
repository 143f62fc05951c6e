"""The document camera and reading at the booth: the workflow's DocumentCamera, Ocr and
(camera-captured) IdentityReader ports.

- :class:`BoothDocumentCamera`: a :class:`FrameSource` fed through ``kiosk.capture``'s
  stillness auto-capture (or the shutter button); the corrected page goes into the session
  vault, previews go to the capture screen as the UI draws them.
- :class:`BoothOcr`: ``kiosk.ocr`` read_document in its worker thread, the document's
  fields renamed to the catalog's form keys (:data:`FORM_KEYS`).
- :class:`CapturedIdentity`: the ID card captured under the document camera (a material
  at level C), for self-service items and booths without a card reader.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any, Protocol

import cv2
import numpy as np

from kiosk.core.errors import CaptureRejected
from kiosk.flows.messages import MaterialCaptured
from kiosk.flows.ports import CapturedDocument, Identity

log = logging.getLogger(__name__)

# Which catalog form fields each document field fills (kiosk.ocr.documents.FIELDS); one
# document field may fill several forms' keys (the contract's price is the withdrawal's
# 购房总价 and the transfer registration's 成交价格).
FORM_KEYS: dict[str, dict[str, tuple[str, ...]]] = {
    "id_card": {"name": ("applicant_name",), "id_number": ("id_number",),
                "address": ("address",)},
    "purchase_contract": {
        "total_price": ("purchase_price", "price"),
        "property_address": ("property_address",),
        "signed_date": ("contract_date",),
    },
    "rental_contract": {"monthly_rent": ("monthly_rent",), "start": ("lease_start",)},
    "business_license": {
        "name": ("company_name",),
        "uscc": ("uscc",),
        "legal_representative": ("legal_rep_name",),
    },
}
# Steps a booth may report done on the hub (the others are a department's).

PREVIEW_EVERY = 3  # frames between two previews on screen
WORK_TIMEOUT_S = 60.0  # image work off the loop (a 13 MP still on a busy booth)


class Vault(Protocol):
    """The session's store (``kiosk.privacy.vault.SessionVault``)."""

    def put(self, name: str, data: bytes) -> None: ...

    def get(self, name: str) -> bytes: ...


# -- the document camera ----------------------------------------------------------------------


class FrameSource(Protocol):
    """A document camera: a preview stream and a full-resolution still on demand."""

    def frames(self) -> AsyncIterator[tuple[np.ndarray, float]]:
        """Preview frames (BGR) with their timestamps in seconds, as the camera makes them."""
        ...

    def still(self) -> np.ndarray | None:
        """A full-resolution photo of what is under the camera now (None: use the preview)."""
        ...


class BoothDocumentCamera:
    """The DocumentCamera port: auto-capture on stillness (or the shutter), page to vault."""

    def __init__(
        self,
        source: FrameSource,
        vault: Vault,
        bridge: Any,
        material_name: Callable[[str], Any],
        preview: Callable[[np.ndarray], Any] | None = None,
    ) -> None:
        self._source = source
        self._vault = vault
        self._bridge = bridge
        self._name = material_name
        self._preview = preview
        self._shutter = asyncio.Event()
        self._count = 0
        self.material: str | None = None  # the material being asked for

    def shoot(self) -> None:
        """The citizen pressed the shutter button."""
        self._shutter.set()

    async def capture(self, material: str) -> CapturedDocument:
        from kiosk.capture.encoding import encode_jpeg
        from kiosk.capture.stillness import AutoCapture
        from kiosk.ui.viewmodels import CaptureView

        self.material = material
        name = self._name(material)
        self._bridge.show_capture(CaptureView("place", name))
        self._shutter.clear()
        auto = AutoCapture()
        seen = 0
        async for frame, timestamp in self._source.frames():
            seen += 1
            if self._preview is not None and seen % PREVIEW_EVERY == 1:
                self._bridge.show_capture_preview(self._preview(frame))
            if seen == 2:
                self._bridge.show_capture(CaptureView("hold_still", name))
            fired = auto.feed(frame, timestamp) is not None
            if not (fired or self._shutter.is_set()):
                continue
            self._shutter.clear()
            still = self._source.still()
            shot = still if still is not None else frame
            result = await asyncio.wait_for(
                asyncio.to_thread(auto.capture, shot), WORK_TIMEOUT_S
            )  # outline, rectify and quality of a full-resolution still: not on the UI loop
            if not result.ok or result.page is None:
                self._bridge.show_capture(
                    CaptureView("rejected", name, problem=f"capture_{result.verdict.reason}")
                )
                auto.detector.rearm()
                continue
            self._count += 1
            ref = f"{material}-{self._count}.jpg"
            page = result.page
            jpeg = await asyncio.wait_for(asyncio.to_thread(encode_jpeg, page), WORK_TIMEOUT_S)
            self._vault.put(ref, jpeg)
            self._bridge.show_capture(CaptureView("reading", name, pages=1))
            log.info("captured %s (%dx%d)", material, page.shape[1], page.shape[0])
            return CapturedDocument(ref)
        raise AssertionError("the frame source ended")  # pragma: no cover - frames never end


# -- reading -----------------------------------------------------------------------------------


class BoothOcr:
    """The Ocr port: the page from the vault, read in the OCR thread; keeps each reading."""

    def __init__(self, service: Any, vault: Vault) -> None:
        self._service = service  # kiosk.ocr.engine.OcrService
        self._vault = vault
        self.readings: dict[str, Any] = {}  # image ref -> kiosk.ocr.documents.Reading

    async def read(self, image_ref: str, doc_type: str) -> Mapping[str, str]:
        from kiosk.ocr.extract import read_document

        data = np.frombuffer(self._vault.get(image_ref), np.uint8)
        decoded = cv2.imdecode(data, cv2.IMREAD_COLOR)
        if decoded is None:
            raise CaptureRejected("the stored page is not an image", code="capture_rejected")
        page: np.ndarray = np.asarray(decoded)
        reading = await self._service.run(lambda engine: read_document(page, engine, doc_type))
        self.readings[image_ref] = reading
        keys = FORM_KEYS.get(doc_type, {})
        return {key: value for name, value in reading.fields.items()
                for key in keys.get(name, ())}

    def flags(self, values: Mapping[str, str]) -> dict[str, str]:
        """Form keys whose value is still as read and failed the document's own check."""
        out: dict[str, str] = {}
        for reading in self.readings.values():
            keys = FORM_KEYS.get(reading.doc_type, {})
            for name, ok in reading.checks.items():
                for key in keys.get(name, ()) if ok is False else ():
                    if values.get(key) == reading.fields.get(name):
                        out[key] = "unreadable" if not reading.fields.get(name) else "ocr_check"
        return out


class CapturedIdentity:
    """No ID-card reader: the citizen's ID card under the document camera says who they are.

    The capture is kept as the case's ``id_card`` material (level C)."""

    def __init__(
        self, camera: BoothDocumentCamera, ocr: BoothOcr, post: Callable[[Any], None]
    ) -> None:
        self._camera = camera
        self._ocr = ocr
        self._post = post

    async def read(self) -> Identity | None:
        document = await self._camera.capture("id_card")
        fields = dict(await self._ocr.read(document.image_ref, "id_card"))
        self._post(MaterialCaptured("id_card", document.image_ref, tuple(fields.items())))
        return Identity(fields.get("applicant_name", ""), fields.get("id_number", ""))
