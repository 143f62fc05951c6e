"""``kiosk ocr``: read a document photo and print its fields.

    kiosk ocr --type id_card --json photo.jpg
    {"type": "id_card", "fields": {...}, "confidence": {...}, "checks": {...}}

Without ``--type`` the document is classified first. An unreadable, blurred or glaring
photo exits with status 2 and a one-line reason, never a traceback. The fields are
printed because the operator asked for them; nothing here logs them.

This module is also where a photo meets both halves of the pipeline (kiosk.capture to
find and flatten the page, kiosk.ocr to read it): :func:`read_photo`.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.config import Config
from kiosk.ocr.documents import DOC_TYPES, Reading

if TYPE_CHECKING:
    import numpy as np

    from kiosk.ocr.engine import OcrEngine

HELP = "read a document photo (ID card, business licence, contract) and print its fields"
log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("image", metavar="IMAGE", help="photo of the document (JPEG/PNG)")
    parser.add_argument("--type", choices=DOC_TYPES, dest="doc_type",
                        help="document type (default: classify)")
    parser.add_argument("--json", action="store_true", help="print JSON (the default format)")
    parser.add_argument("--engine", choices=("tesseract", "rapidocr", "hybrid"),
                        help="OCR engine (default: ocr.engine from the configuration)")


def read_photo(image: np.ndarray, engine: OcrEngine, doc_type: str | None = None) -> Reading:
    """Find, flatten and check the page in a camera ``image``, then read its fields.

    Raises CaptureRejected (code ``capture_<reason>``) for a photo that cannot be read
    and CaptureRejected (code ``capture_unknown_document``) when classification fails.
    """
    from kiosk.capture.geometry import flatten_page
    from kiosk.capture.quality import assess
    from kiosk.core.errors import CaptureRejected
    from kiosk.ocr.extract import UnknownDocument, read_document

    page, _quad = flatten_page(image)
    # refused only when the print cannot be read; a page a gate is unsure of is read,
    # and the fields the doubt touches come back with a lower confidence
    verdict = assess(page)
    if not verdict.ok:
        raise CaptureRejected(
            f"the photo cannot be read ({verdict.reason}): {verdict.prompt('en').lower()}",
            code=f"capture_{verdict.reason}")
    try:
        reading = read_document(page, engine, doc_type)
    except UnknownDocument:
        raise CaptureRejected("this is none of the documents the booth reads (use --type)",
                              code="capture_unknown_document") from None
    return doubt(reading, verdict.doubtful) if verdict.unsure else reading


def doubt(reading: Reading, regions: Sequence[tuple[int, int, int, int]]) -> Reading:
    """``reading`` with half the confidence in the fields that came from ``regions``
    (a gate was unsure of them), which flags them on the confirm screen."""
    from dataclasses import replace

    def touches(box: tuple[int, int, int, int]) -> bool:
        return any(box[0] < r[2] and r[0] < box[2] and box[1] < r[3] and r[1] < box[3]
                   for r in regions)

    confidence = {
        name: round(value * 0.5, 3) if name not in reading.regions
        or touches(reading.regions[name]) else value
        for name, value in reading.confidence.items()
    }
    return replace(reading, confidence=confidence)


def main(args: argparse.Namespace, config: Config) -> int:
    import cv2
    import numpy as np

    from kiosk.core.errors import XiaowuError
    from kiosk.ocr.engines import make_engine

    path = Path(args.image)
    try:
        data = np.frombuffer(path.read_bytes(), np.uint8)
    except OSError as exc:
        print(f"kiosk ocr: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 2
    image = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    if image is None:
        print(f"kiosk ocr: {path} is not an image (JPEG or PNG expected)", file=sys.stderr)
        return 2
    try:
        engine = make_engine(args.engine or config.ocr.engine, config.ocr.languages)
        reading = read_photo(image, engine, args.doc_type)
    except XiaowuError as exc:
        print(f"kiosk ocr: {exc}", file=sys.stderr)
        return 2
    log.info("read a %s (%d fields)", reading.doc_type, sum(map(bool, reading.fields.values())))
    print(json.dumps(reading.to_json(), ensure_ascii=False, indent=None if args.json else 2))
    return 0
