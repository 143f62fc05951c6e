"""The async facade runs OCR off the event loop with a timeout; both engines run offline."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
import pytest

from kiosk.ocr import synth
from kiosk.ocr.engine import OcrService, OcrTimeout, TextLine
from kiosk.ocr.engines import make_engine


class _BlockingEngine:
    """Reads nothing; blocks until released, and tells which thread it ran in."""

    name = "blocking"

    def __init__(self) -> None:
        self.release = threading.Event()
        self.thread: str | None = None

    def read_lines(self, image: np.ndarray) -> list[TextLine]:
        self.thread = threading.current_thread().name
        self.release.wait(10)
        return [TextLine("文字", (0, 0, 1, 1), 1.0)]

    def read_strip(self, crops: Sequence[np.ndarray], alphabet: str | None = None,
                   ) -> list[TextLine]:
        return []


async def test_work_runs_in_the_ocr_thread() -> None:
    engine = _BlockingEngine()
    engine.release.set()
    service = OcrService(engine, timeout_s=5)
    try:
        lines = await service.run(lambda e: e.read_lines(np.zeros((2, 2), np.uint8)))
    finally:
        service.close()
    assert lines[0].text == "文字"
    assert engine.thread is not None and engine.thread.startswith("ocr")
    assert engine.thread != threading.current_thread().name


async def test_a_stuck_engine_times_out() -> None:
    engine = _BlockingEngine()
    service = OcrService(engine, timeout_s=0.2)
    try:
        with pytest.raises(OcrTimeout) as caught:
            await service.run(lambda e: e.read_lines(np.zeros((2, 2), np.uint8)))
        assert caught.value.code == "ocr_timeout"
    finally:
        engine.release.set()
        service.close()


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError):
        make_engine("abbyy")


def _id_number_crop() -> tuple[np.ndarray, str]:
    document = synth.render_document("id_card", 3)
    x0, y0, x1, y1 = document.regions["id_number"]
    crop = document.page[y0 - 10 : y1 + 10, x0 - 10 : x1 + 10]
    return crop, document.fields["id_number"]


@pytest.mark.tesseract
def test_tesseract_reads_a_code_with_its_alphabet() -> None:
    crop, number = _id_number_crop()
    (line,) = make_engine("tesseract").read_strip([crop], "0123456789X")
    assert line.text == number
    assert 0 < line.confidence <= 1


@pytest.mark.tesseract
def test_tesseract_through_its_command_line_still_reads_when_tesserocr_is_absent() -> None:
    from kiosk.ocr.tesseract_engine import TesseractEngine

    crop, number = _id_number_crop()
    engine = TesseractEngine("chi_sim", in_process=False)
    assert not engine.in_process
    (line,) = engine.read_strip([crop], "0123456789X")
    assert line.text == number


def test_tesseract_runs_in_process_when_tesserocr_is_installed() -> None:
    pytest.importorskip("tesserocr")
    from kiosk.ocr.tesseract_engine import TesseractEngine

    assert TesseractEngine("chi_sim").in_process


def test_pieces_of_one_printed_line_are_joined_and_other_lines_are_not() -> None:
    from kiosk.ocr.rapid_engine import merge_rows

    pieces = [
        TextLine("北京市恒通有限公司", (215, 254, 531, 282), 0.99),
        TextLine("名", (72, 253, 105, 282), 1.0),
        TextLine("称", (138, 255, 168, 281), 0.98),
        TextLine("注册资本", (660, 255, 756, 283), 1.0),  # far to the right: its own line
        TextLine("营业执照", (412, 82, 767, 170), 1.0),  # a taller title above
        TextLine("统一社会信用代码", (73, 85, 256, 112), 1.0),
        TextLine("91110105UDUA8KGD33", (73, 122, 381, 149), 1.0),
    ]
    texts = [line.text for line in merge_rows(pieces)]
    assert texts == ["营业执照", "统一社会信用代码", "91110105UDUA8KGD33",
                     "名称北京市恒通有限公司", "注册资本"]
    joined = merge_rows(pieces)[3]
    assert joined.box == (72, 253, 531, 282) and joined.confidence == 0.98


@pytest.mark.slow
def test_rapidocr_runs_offline_with_its_shipped_models() -> None:
    crop, number = _id_number_crop()
    engine = make_engine("rapidocr")
    (line,) = engine.read_strip([crop])
    assert line.text == number
    (line,) = engine.read_strip([crop], "0123456789X")  # decoded over the digits only
    assert line.text == number
    lines = engine.read_lines(synth.render_document("rental_contract", 3).page)
    assert any("房屋租赁合同" in line.text for line in lines)


def test_a_restricted_decode_reads_the_nearest_allowed_character() -> None:
    from kiosk.ocr.rapid_engine import ctc_decode

    characters = ["blank", "1", "7", "l", "了"]
    frames = np.array([
        [0.1, 0.6, 0.1, 0.1, 0.1],  # 1
        [0.9, 0.05, 0.0, 0.05, 0.0],  # blank
        [0.1, 0.0, 0.3, 0.0, 0.6],  # 了, or 7 among digits
        [0.1, 0.0, 0.3, 0.0, 0.6],  # the same character held over two frames
        [0.2, 0.3, 0.0, 0.5, 0.0],  # l, or 1 among digits
    ])
    assert ctc_decode(frames, characters)[0] == "1了l"
    text, score = ctc_decode(frames, characters, np.array([0, 1, 2]))
    assert text == "171"
    assert score == pytest.approx((0.6 + 0.3 + 0.3) / 3)
    assert ctc_decode(np.eye(5)[[0, 0]], characters) == ("", 0.0)


def _printed(rows: list[str], pad: int) -> np.ndarray:
    """White crop with a black bar per printed row (30 px high), ``pad`` px above and below."""
    height = pad * 2 + 30 * len(rows) + 20 * (len(rows) - 1)
    crop = np.full((height, 300), 255, np.uint8)
    for i, _ in enumerate(rows):
        top = pad + 50 * i
        crop[top : top + 30, 20:280:6] = 0
    return crop


def test_a_crop_is_cut_down_to_its_printed_rows() -> None:
    from kiosk.ocr.rapid_engine import text_rows

    (row,) = text_rows(_printed(["one"], pad=40))
    assert 30 <= row.shape[0] <= 30 * 1.8  # the row and a margin, not 40 px of slack each side
    two = text_rows(_printed(["one", "two"], pad=10))  # a page reading that joined two lines
    assert len(two) == 2 and all(30 <= r.shape[0] <= 30 * 1.8 for r in two)
    cut = _printed(["one"], pad=40)
    cut[:12, 20:280:6] = 0  # the bottom of the line above, cut by the crop's edge
    (row,) = text_rows(cut)
    assert row.shape[0] <= 30 * 1.8 and (row[:3] == 255).all()


def test_loading_an_engine_also_loads_the_reading_code() -> None:
    # the booth loads its engine in a worker thread before the first capture: the reading
    # code comes with it, so the first read imports nothing on the loop
    import subprocess
    import sys
    from pathlib import Path

    probe = (
        "import sys; from kiosk.ocr.engines import make_engine; make_engine('tesseract'); "
        "print(*(m in sys.modules for m in ('kiosk.ocr.extract',)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.split() == ["True"]


async def test_the_event_loop_keeps_turning_while_a_page_is_read() -> None:
    # a real read (tesseract, a generated ID card) in the OCR thread: a ticker on the loop
    # counts its turns meanwhile; the booth's screen and calls live on those turns
    import asyncio

    from kiosk.ocr.extract import read_document

    page = synth.generate("id_card", 3, synth.Conditions()).image
    service = OcrService(make_engine("tesseract"), timeout_s=60)
    ticks = 0
    reading = asyncio.ensure_future(
        service.run(lambda engine: read_document(page, engine, "id_card"))
    )
    try:
        while not reading.done():
            await asyncio.sleep(0)
            ticks += 1
        assert reading.result().fields.get("id_number")
    finally:
        service.close()
    assert ticks > 100
