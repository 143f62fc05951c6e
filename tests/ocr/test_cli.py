"""``kiosk ocr`` prints the agreed JSON, and bad input is a message with exit status 2."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import pytest

from kiosk.__main__ import main
from kiosk.ocr import synth


def _write(path: Path, photo: synth.DocumentPhoto) -> str:
    cv2.imwrite(str(path), photo.image)
    return str(path)


@pytest.mark.tesseract
def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    photo = synth.generate("rental_contract", 23,
                           font={f.name: f for f in synth.available_fonts()}["noto-sans"])
    image = _write(tmp_path / "lease.jpg", photo)
    assert main(["ocr", "--type", "rental_contract", "--json", image]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"type", "fields", "confidence", "checks"}
    assert out["type"] == "rental_contract"
    assert out["fields"]["tenant_id_number"] == photo.document.fields["tenant_id_number"]
    assert out["checks"]["tenant_id_number"] is True


@pytest.mark.tesseract
def test_blurred_photo_exits_2_with_a_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    photo = synth.generate("id_card", 5, synth.Conditions(blur_sigma=(3.0, 3.0)))
    image = _write(tmp_path / "blurred.jpg", photo)
    assert main(["ocr", "--type", "id_card", "--json", image]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "hold still" in captured.err
    assert "Traceback" not in captured.err


@pytest.mark.parametrize("content", [b"", b"not an image at all"])
def test_unreadable_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    image = tmp_path / "x.jpg"
    image.write_bytes(content)
    assert main(["ocr", "--json", str(image)]) == 2
    assert "not an image" in capsys.readouterr().err


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ocr", str(tmp_path / "nope.jpg")]) == 2
    assert "cannot read" in capsys.readouterr().err
