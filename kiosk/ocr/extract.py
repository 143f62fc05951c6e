"""Field extraction per document type, on a corrected (flat, upright) page.

Theory of operation
-------------------
* **ID card** (GA 450): the card is scaled to 1000 px wide and read once for its layout;
  each row is found by its printed label (姓名 性别 民族 出生 住址 公民身份号码), taken
  from the label to the end of its line (a line the layout ran into the portrait is cut
  back to its print), the address from 住址 down to the number's row over as many lines
  as it wraps; each row is then read again on its own, label included, and the label
  stripped. The standard layout is the prior: a row whose label was not found is cut
  out at its nominal place, offset by the ink profile of the label column.
* **Licence and contracts** (free layout): the whole page is read once; each field is
  found after its printed label (统一社会信用代码, 买受人, 月租金 ...), in the line that
  holds the label or, for amounts and periods that wrap, in the page text joined up.
  A party's name is taken only from its own line: a line that opens with the label and
  runs on past a name's length is a clause about the party, and the field stays empty
  (flagged) rather than holding a sentence's words.
* **Codes** (ID numbers, USCC): confusable letters are mapped to what the alphabet
  allows; if the check character still fails, the code is re-read from its region with
  the engine restricted to the code's alphabet, and the valid reading wins.
* **Checks** (kiosk.ocr.checks) mark fields; a field that fails keeps its reading and
  gets half the confidence. Nothing here raises for a bad document: missing fields are
  empty with confidence 0.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import cv2
import numpy as np

from kiosk.core.nations import NATION_NAMES
from kiosk.ocr.amounts import (
    mend_separators,
    parse_amount,
    parse_capital,
    rounds_to,
    well_grouped,
)
from kiosk.ocr.checks import (
    USCC_ALPHABET,
    check_fields,
    id_birth_date,
    id_sex,
    is_valid_id_number,
    is_valid_uscc,
)
from kiosk.ocr.documents import FIELDS, Reading
from kiosk.ocr.engine import Box, OcrEngine, TextLine

CJK = "\u4e00-\u9fff"
NATIONS = NATION_NAMES  # the card's face names one (kiosk.core.nations)
_ID_FIX = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "I": "1", "l": "1", "|": "1",
                         "i": "1", "Z": "2", "z": "2", "S": "5", "s": "5", "B": "8", "G": "6",
                         "b": "6", "x": "X", "×": "X", "g": "9", "q": "9", "A": "4",
                         "了": "7"})
_USCC_FIX = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": " ", "i": "1",
                           "Z": "2", "S": "5", "V": "U", "v": "U"})
_DATE = re.compile(r"(\d{4})\D{0,2}?(\d{1,2})\D{0,2}?(\d{1,2})")


def normalise(text: str) -> str:
    """Full-width forms to ASCII (：→:, （→(, ０→0), whitespace removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _iso(year: str, month: str, day: str) -> str:
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


# --- pages ----------------------------------------------------------------------------


def prepare(page: np.ndarray, long_side: int) -> tuple[np.ndarray, float]:
    """Grey page at a working size with the light evened out; and the scale applied."""
    gray = page if page.ndim == 2 else cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    scale = long_side / max(gray.shape)
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=interpolation)
    # divide by the paper's own brightness: uneven light and faint security print go
    background = cv2.medianBlur(cv2.dilate(gray, np.ones((7, 7), np.uint8)), 31)
    even = cv2.divide(gray, background, scale=255)
    low, high = int(even.min()), int(even.max())
    if high > low:
        even = ((even.astype(np.float32) - low) * (255 / (high - low))).astype(np.uint8)
    return even, scale


@dataclass(frozen=True, slots=True)
class _Found:
    value: str
    line: TextLine | None
    confidence: float


@dataclass
class _Result:
    fields: dict[str, str]
    confidence: dict[str, float]
    regions: dict[str, Box]
    extra_checks: dict[str, bool]
    # page lines (first, last) each field was read from, for the second reading
    sources: dict[str, tuple[int, int]] = field(default_factory=dict)
    doubtful: set[str] = field(default_factory=set)  # read, but worth a second look
    # each amount as read in digits and in 大写, for the second reading to vote on
    readings: dict[str, list[int]] = field(default_factory=dict)
    in_capital: dict[str, int] = field(default_factory=dict)  # the 大写 reading alone

    @classmethod
    def empty(cls, doc_type: str) -> _Result:
        names = FIELDS[doc_type]
        return cls({n: "" for n in names}, {n: 0.0 for n in names}, {}, {})

    def put(self, name: str, value: str, confidence: float, box: Box | None) -> None:
        self.fields[name] = value
        self.confidence[name] = round(max(0.0, min(1.0, confidence)), 3) if value else 0.0
        if box is not None and value:
            self.regions[name] = box


def _finish(doc_type: str, result: _Result, page_size: tuple[int, int], scale: float) -> Reading:
    checks = check_fields(doc_type, result.fields)
    for name, ok in result.extra_checks.items():
        checks[name] = checks.get(name, True) and ok
    confidence = {
        name: round(value * (0.5 if checks.get(name) is False else 1.0), 3)
        for name, value in result.confidence.items()
    }
    regions = {
        name: (int(b[0] / scale), int(b[1] / scale), int(b[2] / scale), int(b[3] / scale))
        for name, b in result.regions.items()
    }
    return Reading(doc_type, dict(result.fields), confidence, checks, regions, page_size)


# --- codes ----------------------------------------------------------------------------


def id_candidates(text: str) -> list[str]:
    """18-character ID-number-like runs in ``text`` after fixing confusable letters."""
    fixed = normalise(text).translate(_ID_FIX)
    return re.findall(r"(?<![0-9X])\d{17}[0-9X](?![0-9X])", fixed)


def uscc_candidates(text: str) -> list[str]:
    fixed = normalise(text).upper().translate(_USCC_FIX)
    return re.findall(f"(?<![0-9A-Z])[{USCC_ALPHABET}]{{18}}(?![0-9A-Z])", fixed)


def _best_code(candidates: Sequence[str], valid: Callable[[str], bool]) -> str:
    for candidate in candidates:
        if valid(candidate):
            return candidate
    return candidates[0] if candidates else ""


# --- ID card --------------------------------------------------------------------------

_CARD_WIDTH = 1000
_MM = _CARD_WIDTH / 85.6
# nominal centre lines (mm from the top) of the label rows and value rows
_LABEL_ROWS = (10.6, 17.6, 24.6, 31.6)
_CARD_CROPS: dict[str, tuple[float, float, float, float]] = {
    # name: x0, x1, y centre, half height (mm)
    "name": (15.5, 54.0, 10.6, 3.0),
    "sex_nation": (15.5, 55.0, 17.6, 3.0),
    "birth_date": (15.5, 55.0, 24.6, 3.0),
    "address1": (15.5, 56.0, 31.6, 2.55),
    "address2": (15.5, 56.0, 36.6, 2.55),
    "address3": (15.5, 56.0, 41.6, 2.55),
    "id_number": (26.0, 84.0, 48.3, 3.0),
}


_ID_ALPHABET = "0123456789X"
_CARD_ALPHABETS: dict[str, str] = {
    "sex_nation": "".join(sorted(set("男女民族" + "".join(NATION_NAMES)))),
    "birth_date": "0123456789年月日",
    # not the ID number: read as free text first, it gets its own re-read with the
    # alphabet if its check fails (alone and whitelisted, tesseract misread one in eight)
}


def _ink(gray: np.ndarray) -> np.ndarray:
    return (gray < 150).astype(np.float32)


def _card_row_offset(gray: np.ndarray) -> float:
    """Vertical offset (px) of the printed rows from their nominal place."""
    ink = _ink(gray[:, int(4 * _MM) : int(14 * _MM)]).sum(axis=1)
    expected = np.zeros_like(ink)
    for centre in _LABEL_ROWS:
        expected[int((centre - 1.4) * _MM) : int((centre + 1.4) * _MM)] = 1
    best, best_score = 0, -1.0
    limit = int(4 * _MM)
    for shift in range(-limit, limit + 1):
        score = float(np.dot(np.roll(expected, shift), ink))
        if score > best_score:
            best, best_score = shift, score
    return float(best)


def _card_crops(gray: np.ndarray, dy: float) -> dict[str, tuple[np.ndarray, Box]]:
    crops: dict[str, tuple[np.ndarray, Box]] = {}
    height, width = gray.shape
    for name, (x0, x1, centre, half) in _CARD_CROPS.items():
        box = (
            max(0, int(x0 * _MM)), max(0, int((centre - half) * _MM + dy)),
            min(width, int(x1 * _MM)), min(height, int((centre + half) * _MM + dy)),
        )
        crop = gray[box[1] : box[3], box[0] : box[2]]
        if crop.size:
            crops[name] = (crop, box)
    return crops


def _closest_nation(text: str) -> tuple[str, float]:
    # 士 for 土: the one nation name a stroke's length tells apart
    text = re.sub(f"[^{CJK}]", "", text).removesuffix("族").replace("士", "土")
    if not text:
        return "", 0.0
    if text in NATIONS:
        return text, 1.0
    def overlap(n: str) -> float:
        return len(set(n) & set(text)) / max(len(n), len(text))
    best = max(NATIONS, key=overlap)
    score = overlap(best)
    return (best, 0.6 * score) if score >= 0.5 else (text, 0.2)


_CARD_LABELS = (("name", ("姓名",)), ("sex_nation", ("性别", "民族")), ("birth_date", ("出生",)),
                ("address1", ("住址",)), ("id_number", ("公民身份号码", "身份号码", "号码")))


def _text_band(gray: np.ndarray, box: Box, line_height: int,
               others: Sequence[Box] = ()) -> Box:
    """``box`` cut to its line of print when the layout took in the portrait: the first
    run of ink rows under the label that is not another line's, and the print up to
    the first gap wider than two lines."""
    x0, y0, x1, y1 = box
    if y1 - y0 <= 1.3 * line_height:
        return box
    label = gray[y0:y1, x0 : x0 + 2 * line_height] < 128
    inked = np.flatnonzero(label.sum(axis=1) >= 2)
    runs: list[list[int]] = []
    for row in inked:
        if runs and row - runs[-1][1] <= line_height // 3:
            runs[-1][1] = int(row)
        else:
            runs.append([int(row), int(row)])
    for top, bottom in runs:
        middle = y0 + (top + bottom) // 2
        if bottom - top < line_height // 2 or any(o[1] <= middle <= o[3] for o in others):
            continue
        band_y0, band_y1 = y0 + top, y0 + bottom + 1
        columns = np.flatnonzero((gray[band_y0:band_y1, x0:x1] < 128).sum(axis=0) >= 2)
        right = x1
        if columns.size:
            gaps = np.flatnonzero(np.diff(columns) > 2 * line_height)
            right = x0 + int(columns[gaps[0]] if gaps.size else columns[-1]) + 1
        return (x0, band_y0, right, band_y1)
    return box


def _card_rows_by_labels(gray: np.ndarray, engine: OcrEngine) -> dict[str, Box]:
    """The rows of a card found by their printed labels in a page reading of the card:
    each row from its label to the right end of its line, the address's lines from
    住址 down to the line above the ID number. Empty when the labels are not found."""
    lines = engine.read_lines(gray)
    texts = [normalise(line.text) for line in lines]
    rows: dict[str, int] = {}
    for name, labels in _CARD_LABELS:
        for index, text in enumerate(texts):
            if index not in rows.values() and any(label in text[:8] for label in labels):
                rows[name] = index
                break
    if "name" not in rows or "address1" not in rows:
        return {}
    height, width = gray.shape
    heights = sorted(line.box[3] - line.box[1] for line in lines)
    line_height = heights[len(heights) // 2]
    normal = [line.box for line in lines if line.box[3] - line.box[1] <= 1.3 * line_height]
    boxes: dict[str, Box] = {}
    used = set(rows.values())  # lines taken into a row
    for name, index in rows.items():
        x0, y0, x1, y1 = _text_band(gray, lines[index].box, line_height, normal)
        # a value the layout cut from its label (a wide gap) is on the same row
        for other, line in enumerate(lines):
            ox0, oy0, ox1, oy1 = _text_band(gray, line.box, line_height, normal)
            if other not in used and ox0 > x0 and y0 <= (oy0 + oy1) // 2 <= y1:
                used.add(other)
                y0, y1, x1 = min(y0, oy0), max(y1, oy1), max(x1, ox1)
        pad = max(3, (y1 - y0) // 4)
        boxes[name] = (max(0, x0 - pad), max(0, y0 - pad), min(width, x1 + pad),
                       min(height, y1 + pad))
    # the address wraps: the lines under 住址, left of the photo, above the number row
    label_x = lines[rows["address1"]].box[0]
    bottom = lines[rows["id_number"]].box[1] if "id_number" in rows else height
    count = 1
    for index in range(rows["address1"] + 1, len(lines)):
        x0, y0, x1, y1 = lines[index].box
        if y0 >= bottom or count >= 4 or re.search("公民|身份|号码|\\d{15}", texts[index]):
            break
        if x0 < label_x or index in used or not texts[index]:
            continue
        above = boxes[f"address{count}"]  # its crop ends where this line starts
        boxes[f"address{count}"] = (*above[:3], min(above[3], max(above[1] + 1, y0)))
        count += 1
        pad = max(3, (y1 - y0) // 4)
        boxes[f"address{count}"] = (max(0, x0 - pad), max(0, y0 - pad), min(width, x1 + pad),
                                    min(height, y1 + pad))
    return boxes


def _read_id_card(gray: np.ndarray, engine: OcrEngine) -> _Result:
    result = _Result.empty("id_card")
    dy = _card_row_offset(gray)
    crops = _card_crops(gray, dy)
    # the labels say where the rows are; the standard layout is the prior for the rows
    # whose labels were not found
    # (not with an engine that stacks its crops: measured, tesseract read the rows with
    # their labels worse than the nominal crops without them)
    stacks = getattr(engine, "stacks_crops", False)
    anchored = {} if stacks else _card_rows_by_labels(gray, engine)
    if anchored:
        for name in ("address1", "address2", "address3"):
            crops.pop(name, None)
        for name, (x0, y0, x1, y1) in anchored.items():
            crops[name] = (gray[y0:y1, x0:x1], (x0, y0, x1, y1))
    lines: dict[str, TextLine] = {}
    # one call per alphabet: free text (name, address), and rows that hold only digits or
    # the words of one small set, which the hybrid engine sends to tesseract with a
    # whitelist instead of to its slower recogniser. An engine that stacks its crops into
    # one image reads them all in one call: measured, tesseract read the ID numbers of
    # the tuning cards right in the company of all the rows and wrong in smaller stacks.
    alphabets = (None,) if getattr(engine, "stacks_crops", False) else (
        None, *sorted(set(_CARD_ALPHABETS.values())))
    for alphabet in alphabets:
        # a row found by its label is read with its label: as free text
        names = [n for n in crops if alphabets == (None,)
                 or (None if n in anchored else _CARD_ALPHABETS.get(n)) == alphabet]
        if names:
            read = engine.read_strip([crops[n][0] for n in names], alphabet)
            lines.update(zip(names, read, strict=True))

    def box(name: str) -> Box:
        return crops[name][1]

    name_line = lines.get("name")
    if name_line:
        name = re.sub(f"[^{CJK}·]", "",
                      re.sub(f"^[^{CJK}]*(?:姓)?名", "", normalise(name_line.text)))
        result.put("name", name, name_line.confidence, box("name"))
    row = lines.get("sex_nation")
    if row:
        text = normalise(row.text)
        sex_match = re.search("[男女]", text.split("民")[0] if "民" in text else text[:3])
        if sex_match:
            result.put("sex", sex_match.group(0), row.confidence, box("sex_nation"))
        after = re.split("民族|族", text, maxsplit=1)
        nation, score = _closest_nation(after[1] if len(after) > 1 else text[1:])
        result.put("nation", nation, row.confidence * score, box("sex_nation"))
    birth = lines.get("birth_date")
    if birth:
        digits = re.findall(r"\d+", normalise(birth.text).translate(_ID_FIX))
        if len(digits) >= 3 and len(digits[0]) == 4:
            result.put("birth_date", _iso(*digits[:3]), birth.confidence, box("birth_date"))
    address_rows = sorted(n for n in crops if n.startswith("address"))
    address_parts = [lines[n] for n in address_rows if lines.get(n)]
    # the label may come with the value, 住 often misread (佳址, 往址): no address begins
    # with a character and 址
    address = re.sub(f"^[^{CJK}]*[{CJK}]?址", "", "".join(
        re.sub(f"[^{CJK}0-9A-Za-z\\-]", "", normalise(part.text)) for part in address_parts
    )).split("公民身份")[0]
    if address:
        boxes = [box(n) for n in address_rows if lines.get(n) and lines[n].text]
        union = (min(b[0] for b in boxes), min(b[1] for b in boxes),
                 max(b[2] for b in boxes), max(b[3] for b in boxes))
        result.put("address", address, min(p.confidence for p in address_parts if p.text), union)
    number_line = lines.get("id_number")
    if number_line is not None:
        # re-read with room around the row: a card whose rows sit lower than the label
        # column says cuts the number's bottom off in its nominal crop
        x0, y0, x1, y1 = box("id_number")
        slack = int(1.5 * _MM)
        wider = gray[max(0, y0 - slack) : y1 + slack, x0:x1]
        number, confidence = _read_code(
            engine, wider, number_line, id_candidates, is_valid_id_number, _ID_ALPHABET)
        result.put("id_number", number, confidence, box("id_number"))
    number = result.fields["id_number"]
    if is_valid_id_number(number):
        # a row that could not be read at all is taken from the number, at low confidence
        if not result.fields["sex"]:
            result.put("sex", id_sex(number), 0.5, box("sex_nation"))
        if not result.fields["birth_date"]:
            result.put("birth_date", str(id_birth_date(number)), 0.5, box("birth_date"))
    return result


def _read_code(
    engine: OcrEngine, crop: np.ndarray, line: TextLine,
    candidates: Callable[[str], list[str]], valid: Callable[[str], bool], alphabet: str,
) -> tuple[str, float]:
    """A code from ``line``; re-read ``crop`` with ``alphabet`` if the first reading fails."""
    first = _best_code(candidates(line.text), valid)
    if first and valid(first):
        return first, line.confidence
    (again,) = engine.read_strip([crop], alphabet)
    retry = _best_code(candidates(again.text), valid)
    if retry and valid(retry):
        return retry, again.confidence
    if first or retry:  # 18 characters that fail the check: the check will mark them
        return (first, line.confidence) if first else (retry, again.confidence)
    # no 18-character code: keep the longest run read so the citizen can correct it
    runs = re.findall(r"[0-9A-Z]{10,}", normalise(again.text + " " + line.text).upper())
    return (max(runs, key=len)[:18], line.confidence * 0.5) if runs else ("", 0.0)


# --- free-layout documents ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Page:
    """Normalised lines of a page, and the text of all lines joined up."""

    lines: list[TextLine]
    texts: list[str]
    joined: str
    starts: list[int]

    @classmethod
    def of(cls, lines: list[TextLine]) -> _Page:
        texts = [normalise(line.text) for line in lines]
        starts, offset = [], 0
        for text in texts:
            starts.append(offset)
            offset += len(text)
        return cls(lines, texts, "".join(texts), starts)

    def line_at(self, offset: int) -> int:
        index = 0
        for i, start in enumerate(self.starts):
            if start <= offset:
                index = i
        return index

    def span_box(self, start: int, end: int) -> Box:
        first, last = self.line_at(start), self.line_at(max(start, end - 1))
        if first == last:
            return _sub_box(self.lines[first], self.texts[first],
                            start - self.starts[first], end - self.starts[first])
        boxes = [self.lines[i].box for i in range(first, last + 1)]
        return (min(b[0] for b in boxes), min(b[1] for b in boxes),
                max(b[2] for b in boxes), max(b[3] for b in boxes))

    def confidence(self, start: int, end: int) -> float:
        first, last = self.line_at(start), self.line_at(max(start, end - 1))
        return min(self.lines[i].confidence for i in range(first, last + 1))

    def find(self, pattern: str, start: int = 0) -> re.Match[str] | None:
        return re.compile(pattern).search(self.joined, start)


def _char_width(char: str) -> float:
    return 0.55 if ord(char) < 128 else 1.0


def _sub_box(line: TextLine, text: str, start: int, end: int) -> Box:
    """The part of a line's box that holds ``text[start:end]`` (by character widths)."""
    widths = [_char_width(c) for c in text] or [1.0]
    total = sum(widths)
    x0, y0, x1, y1 = line.box
    left = x0 + (x1 - x0) * sum(widths[:start]) / total
    right = x0 + (x1 - x0) * sum(widths[:end]) / total
    return (int(left), y0, int(right + 0.5), y1)


_LICENCE_LABELS = ("名称", "类型", "法定代表人", "负责人", "经营者", "经营范围", "注册资本",
                   "成立日期", "注册日期", "营业期限", "住所", "经营场所", "营业场所", "组成形式",
                   "统一社会信用代码", "登记机关")


def _value_after(page: _Page, label: str, pattern: str) -> tuple[str, int, int] | None:
    """The first ``pattern`` match after ``label`` within the label's line."""
    label_re = "".join(f"{re.escape(c)}[^{CJK}0-9A-Za-z]{{0,3}}" for c in label)
    for index, text in enumerate(page.texts):
        match = re.search(label_re, text)
        if not match:
            continue
        rest = text[match.end() :]
        for stop in _LICENCE_LABELS:
            cut = rest.find(stop)
            if stop != label and cut > 0:
                rest = rest[:cut]
        value = re.search(pattern, rest)
        if value:
            start = page.starts[index] + match.end() + value.start()
            return value.group(0), start, start + len(value.group(0))
        # engines that cut label and value into separate boxes: the value is the nearest
        # box to the right on the same row
        neighbour = _right_neighbour(page, index)
        if neighbour is not None:
            value = re.search(pattern, page.texts[neighbour])
            if value:
                start = page.starts[neighbour] + value.start()
                return value.group(0), start, start + len(value.group(0))
    return None


def _right_neighbour(page: _Page, index: int) -> int | None:
    _, y0, x1, y1 = page.lines[index].box
    best: tuple[int, int] | None = None
    for other, line in enumerate(page.lines):
        ox0, oy0, _, oy1 = line.box
        overlap = min(y1, oy1) - max(y0, oy0)
        if other != index and ox0 >= x1 - 5 and overlap > 0.5 * min(y1 - y0, oy1 - oy0):
            gap = ox0 - x1
            if best is None or gap < best[0]:
                best = (gap, other)
    return best[1] if best is not None and best[0] < 6 * (y1 - y0) else None


def _put_span(result: _Result, page: _Page, name: str, value: str, start: int, end: int,
              factor: float = 1.0) -> None:
    result.put(name, value, page.confidence(start, end) * factor, page.span_box(start, end))
    result.sources[name] = (page.line_at(start), page.line_at(max(start, end - 1)))


def _code_after(
    engine: OcrEngine, gray: np.ndarray, page: _Page, result: _Result, name: str,
    from_offset: int, candidates: Callable[[str], list[str]], valid: Callable[[str], bool],
    alphabet: str, window: int = 120,
) -> None:
    """The first code after ``from_offset`` in the page text, re-read if it fails."""
    first = page.line_at(from_offset)
    for index in range(first, min(len(page.lines), first + 4)):
        text = page.texts[index] if index != first else page.joined[
            from_offset : page.starts[index] + len(page.texts[index])]
        found = candidates(text)
        long_run = re.search(r"[0-9A-Za-z]{15,}", text)
        if not found and not long_run:
            continue
        line = page.lines[index]
        x0, y0, x1, y1 = line.box
        pad = max(4, (y1 - y0) // 3)
        crop = gray[max(0, y0 - pad) : y1 + pad, max(0, x0 - pad) : x1 + pad]
        code = _best_code(found, valid) if found else long_run.group(0) if long_run else ""
        confidence = line.confidence
        if not valid(code):
            at = page.texts[index].translate(_ID_FIX).upper().find(code[:6].upper())
            left = _sub_box(line, page.texts[index], max(0, at), len(page.texts[index]))[0]
            narrow = gray[max(0, y0 - pad) : y1 + pad, max(0, left - 2 * pad) : x1 + pad]
            code, confidence = _read_code(
                engine, narrow if narrow.size else crop, line, candidates, valid, alphabet)
        at = page.texts[index].find(code[:4]) if code else -1
        start = page.starts[index] + max(0, at)
        box = page.span_box(start, start + 18) if at >= 0 else line.box
        result.put(name, code, confidence, box)
        return
    # no code-like run in the page reading (tesseract garbled the line, or merged it with
    # the label's): the lines from the label on, read again on their own
    heights = sorted(line.box[3] - line.box[1] for line in page.lines)
    text_height = heights[len(heights) // 2] if heights else 0
    right = max((line.box[2] for line in page.lines), default=0)
    pieces: list[tuple[int, np.ndarray]] = []
    for index in range(first, min(len(page.lines), first + 3)):
        # to the print's right edge: the box may belong to a shorter line the code's
        # line was merged with
        x0, y0, _, y1 = page.lines[index].box
        x1 = right
        pad = max(4, (y1 - y0) // 3)
        crop = gray[max(0, y0 - pad) : y1 + pad, max(0, x0 - pad) : x1 + pad]
        # a line box that took in a taller neighbour (the licence's title beside its
        # code) holds columns of print apart: each column is read on its own
        pieces.extend((index, piece) for piece in _columns(crop, text_height // 2))
        if index + 1 < len(page.lines) and page.lines[index + 1].box[1] - y1 > text_height:
            # room for a line between this one and the next: the page reading dropped it
            below = page.lines[index + 1].box
            band = gray[y1 : below[1], max(0, min(x0, below[0]) - pad) : max(x1, below[2]) + pad]
            pieces.extend((index, piece) for piece in _columns(band, text_height // 2))
    crops = [piece for _, piece in pieces]
    for (index, crop), again in zip(pieces, engine.read_strip(crops), strict=True):
        if candidates(again.text):
            code, confidence = _read_code(engine, crop, again, candidates, valid, alphabet)
            result.put(name, code, confidence, page.lines[index].box)
            return
    _ = window


def _columns(crop: np.ndarray, gap: int) -> list[np.ndarray]:
    """``crop`` cut at blank runs of columns wider than ``gap`` px."""
    if crop.size == 0 or gap <= 0:
        return [crop]
    inked = np.flatnonzero((crop < 128).sum(axis=0) >= 2)
    if inked.size == 0:
        return [crop]
    cuts = np.flatnonzero(np.diff(inked) > gap)
    starts = [int(inked[0]), *(int(inked[c + 1]) for c in cuts)]
    ends = [*(int(inked[c]) + 1 for c in cuts), int(inked[-1]) + 1]
    margin = gap // 4
    return [crop[:, max(0, a - margin) : b + margin] for a, b in zip(starts, ends, strict=True)]


def _date_in(text: str) -> tuple[str, int, int] | None:
    match = _DATE.search(text.translate(_ID_FIX))
    if not match:
        return None
    return _iso(*match.groups()), match.start(), match.end()


def _read_business_license(gray: np.ndarray, page: _Page, engine: OcrEngine) -> _Result:
    result = _Result.empty("business_license")
    label = page.find("统一社会信用代码|社会信用代码|信用代码")
    _code_after(engine, gray, page, result, "uscc", label.end() if label else 0,
                uscc_candidates, is_valid_uscc, USCC_ALPHABET)
    name = _value_after(page, "名称", f"[{CJK}()（）]{{4,}}")
    if name:
        value = name[0]
        cut = value.rfind("公司")
        value = value[: cut + 2] if cut >= 0 else value
        _put_span(result, page, "name", value, name[1], name[1] + len(value))
    # a branch has a 负责人, a sole trader (个体工商户) an 经营者
    legal = (_value_after(page, "法定代表人", f"[{CJK}·]{{2,5}}")
             or _value_after(page, "负责人", f"[{CJK}·]{{2,5}}")
             or _value_after(page, "经营者", f"[{CJK}·]{{2,5}}"))
    if legal:
        _put_span(result, page, "legal_representative", *legal)
    capital = _value_after(
        page, "注册资本", r"[\d.,]+万?(?:美元|元)|[零壹贰叁肆伍陆柒捌玖拾佰仟万]+元")
    if capital:
        text = capital[0].replace(",", "")
        if not text[0].isdigit():
            amount = parse_capital(text)
            text = f"{amount // 10_000}万元" if amount and amount % 10_000 == 0 else text
        _put_span(result, page, "registered_capital", text, capital[1], capital[2])
    established = _value_after(page, "成立日期", r".+") or _value_after(page, "注册日期", r".+")
    if established:
        date = _date_in(established[0])
        if date:
            start = established[1] + date[1]
            _put_span(result, page, "established", date[0], start, established[1] + date[2])
    return result


# what may follow a party's name on its own line (证件号码, 身份证号码, 住址 ...)
_PARTY_LINE_NEXT = ("证件", "身份", "住址", "电话", "性别", "国籍", "通讯", "联系")


def _line_value(page: _Page, label: str, after: str = "") -> tuple[str, int, int] | None:
    """The name written after ``label`` in a line that starts with it (within 3 chars)."""
    for index, text in enumerate(page.texts):
        at = text.find(label)
        if at < 0 or at > 3:
            continue
        rest = text[at + len(label) :]
        if after and not re.match(r"\W{0,2}[:：]", rest):
            continue  # a sentence about this party, not the party line itself
        rest = re.sub(r"^[^0-9A-Za-z\u4e00-\u9fff]{0,2}[甲乙]方[^0-9A-Za-z\u4e00-\u9fff]{0,2}", "",
                      rest)
        match = re.match(f"[^{CJK}]{{0,3}}([{CJK}·]{{2,5}})", rest)
        if not match:
            continue
        name = match.group(1)
        for stop in ("证件", "身份", "住址", "电话", "性别"):
            name = name.split(stop)[0]
        following = rest[match.start(1) + len(name) :]
        if re.match(f"[{CJK}]", following) and not following.startswith(_PARTY_LINE_NEXT):
            # the words run on past a name's length: a clause about the party
            # (买受人应当按照本合同...), not the party's own line; better empty and flagged
            continue
        start = page.starts[index] + at + len(label) + (len(text) - at - len(label)
                                                        - len(rest)) + match.start(1)
        return name, start, start + len(name)
    return None


@dataclass(frozen=True, slots=True)
class _Amount:
    """An amount found after its label: the value taken, where, and how it was written."""

    value: int
    start: int
    end: int
    agrees: bool  # the 大写 form, when both are written, agrees with the digits
    sure: bool  # written in digits, and the 大写 form (if any) read and agrees
    readings: tuple[int, ...]  # the digits and the 大写 form, each as read
    capital: int | None  # the 大写 form as read


def _amount_after(page: _Page, labels: Sequence[str]) -> _Amount | None:
    """The amount after the first of ``labels`` that is followed by one, up to the
    sentence end (a full stop, or the next clause's heading when the stop was lost)."""
    for label in labels:
        for match in re.finditer(label, page.joined):
            stop = _SENTENCE_END.search(page.joined, match.end())
            end = len(page.joined) if stop is None else stop.start()
            end = min(end, match.end() + 80)
            sentence = page.joined[match.end() : end]
            sentence = mend_separators(fix_digits(sentence))
            amount = parse_amount(fix_capital(sentence))
            if not amount:
                continue
            capital = parse_capital_in(fix_capital(sentence))
            digits = re.search(r"(\d[\d,]*(?:\.\d+)?)(万?)元", sentence)
            readings = []
            if digits and well_grouped(digits.group(1), bool(digits.group(2))):
                readings.append(parse_amount(digits.group(0)))
                if (capital and digits.group(2) and readings[-1] == amount
                        and rounds_to(capital, digits.group(1))):
                    # 127.37万元 (大写 壹佰贰拾柒万叁仟陆佰玖拾玖元): the 万 figure is the
                    # 大写 amount rounded, and vouches for it; the 大写 form is exact
                    amount = readings[-1] = capital
            if capital:
                readings.append(capital)
            agrees = capital is None or capital == amount
            # a 大写 form too garbled to parse cannot vouch for the digits
            garbled = capital is None and "大写" in sentence
            sure = agrees and digits is not None and not garbled
            return _Amount(amount, match.end(), end, agrees, sure,
                           tuple(r for r in readings if r), capital)
    return None


_SENTENCE_END = re.compile("。|第[一二三四五六七八九十]{1,3}条")


def _put_amount(result: _Result, page: _Page, name: str, amount: _Amount | None) -> None:
    if amount is None:
        return
    # a 大写 form that disagrees lowers confidence; OCR garbles 大写 more than digits
    _put_span(result, page, name, str(amount.value), amount.start, amount.end,
              1.0 if amount.agrees else 0.6)
    result.readings[name] = list(amount.readings)
    if amount.capital:
        result.in_capital[name] = amount.capital
    if not amount.sure:
        result.doubtful.add(name)


_CAPITAL_CONFUSIONS = str.maketrans({"参": "叁", "什": "仟", "任": "仟", "伯": "佰", "陌": "佰",
                                     "俏": "佰", "抬": "拾", "恰": "拾", "沫": "柒", "染": "柒"})


_LETTER_IN_NUMBER = re.compile(
    r"(?<=\d)[OoDIl|\]](?=[\d,.元])|[OoIl|\]](?=\d)|(?<=[年月])[Il|\]\[](?=[月日\d])")
_LETTER_DIGIT = {"O": "0", "o": "0", "D": "0", "I": "1", "l": "1", "|": "1", "]": "1", "[": "1"}


def fix_digits(text: str) -> str:
    """Letters OCR puts inside numbers (l100, 1O0) back to digits."""
    return _LETTER_IN_NUMBER.sub(lambda m: _LETTER_DIGIT[m.group(0)], text)


def fix_capital(text: str) -> str:
    """Map characters OCR commonly confuses inside 大写 amounts to the amount digits."""
    return text.translate(_CAPITAL_CONFUSIONS)


def parse_capital_in(text: str) -> int | None:
    """The 大写 amount in ``text``; it starts with a digit (the 万元 of 440万元 is none)."""
    match = re.search("[零壹贰叁肆伍陆柒捌玖拾][零壹贰叁肆伍陆柒捌玖拾佰仟万亿]*元", text)
    return parse_capital(match.group(0)) if match else None


def _read_purchase_contract(gray: np.ndarray, page: _Page, engine: OcrEngine) -> _Result:
    result = _Result.empty("purchase_contract")
    # the party line (买受人：name) before a sentence that starts with the word
    buyer = _line_value(page, "买受人", after=":") or _line_value(page, "买受人")
    if buyer:
        _put_span(result, page, "buyer", *buyer)
    start = buyer[2] if buyer else 0
    _code_after(engine, gray, page, result, "buyer_id_number", start,
                id_candidates, is_valid_id_number, "0123456789X")
    _put_amount(result, page, "total_price", _amount_after(page, ("总价款", "总价", "价款")))
    return result


def _read_rental_contract(gray: np.ndarray, page: _Page, engine: OcrEngine) -> _Result:
    result = _Result.empty("rental_contract")
    tenant = (_line_value(page, "承租方") or _line_value(page, "承租人")
              or _line_value(page, "租方") or _line_value(page, "乙方", after=":"))
    if tenant:
        _put_span(result, page, "tenant", *tenant)
    start = tenant[2] if tenant else 0
    _code_after(engine, gray, page, result, "tenant_id_number", start,
                id_candidates, is_valid_id_number, "0123456789X")
    _put_amount(result, page, "monthly_rent", _amount_after(page, ("月租金", "租金")))
    period = re.search(r"(\d{4})年(\d{1,2})月(\d{1,2})日?\D{0,4}?(\d{4})年(\d{1,2})月(\d{1,2})日",
                       fix_digits(page.joined))
    if period:
        g = period.groups()
        _put_span(result, page, "start", _iso(*g[:3]), period.start(), period.end())
        _put_span(result, page, "end", _iso(*g[3:]), period.start(), period.end())
    return result


# --- fields anchored on their printed labels --------------------------------------------
#
# A contract's parties, the property's address, its area and the signing date are found
# by their labels (出卖人, 坐落/位于, 建筑面积, 签订日期 ...) in the page reading, matched
# loosely since the page reading garbles labels too (买爱人 for 买受人); the line holding
# the label and the line after it (a value that wraps) are read again on their own with
# the line recogniser, and the value is parsed from that reading, which is far better
# than the page's. Reading only those lines keeps the cost of a page to a few lines.


def _loose_find(text: str, label: str) -> int:
    """Where ``label`` is in ``text``, allowing one misread character in a label of
    three or more; -1 when it is not."""
    at = text.find(label)
    if at >= 0 or len(label) < 3:
        return at
    for start in range(len(text) - len(label) + 1):
        window = text[start : start + len(label)]
        if sum(a == b for a, b in zip(window, label, strict=True)) >= len(label) - 1:
            return start
    return -1


@dataclass(frozen=True, slots=True)
class _Anchor:
    """A field found by one of its ``labels``; ``at_start``: the label opens its line."""

    name: str
    labels: tuple[str, ...]
    parse: Callable[[str], str]
    at_start: bool = False
    lines: int = 2  # the label's line and the ones after it, for values that wrap


def _after(text: str, labels: Sequence[str]) -> str:
    for label in labels:
        at = _loose_find(text, label)
        if at >= 0:
            return text[at + len(label) :]
    return ""


def _strip_party(rest: str) -> str:
    """``(甲方):`` and the like between a party's label and its name."""
    return re.sub(r"^[^0-9A-Za-z\u4e00-\u9fff]*(?:[甲乙]方)?[^0-9A-Za-z\u4e00-\u9fff]*"
                  r"(?:姓名|名称)?[^0-9A-Za-z\u4e00-\u9fff]*", "", rest)


def _company(rest: str) -> str:
    name = re.match(f"[{CJK}()（）]+", _strip_party(rest))
    if not name:
        return ""
    value = name.group(0)
    for stop in ("通讯", "地址", "住所", "统一", "法定", "联系", "电话"):
        value = value.split(stop)[0]
    cut = value.rfind("公司")
    return value[: cut + 2] if cut >= 0 else value


def _person(rest: str) -> str:
    name = re.match(f"[{CJK}·]{{2,5}}", _strip_party(rest))
    if not name:
        return ""
    value = name.group(0)
    for stop in ("证件", "身份", "住址", "电话", "性别", "国籍", "通讯", "联系"):
        value = value.split(stop)[0]
    return value if len(value) >= 2 else ""


def _address(rest: str) -> str:
    rest = re.sub(r"^[^0-9A-Za-z\u4e00-\u9fff]*[于在为]?[^0-9A-Za-z\u4e00-\u9fff]*", "", rest)
    value = re.match(f"[{CJK}0-9A-Za-z#\\-]+", fix_digits(rest))
    return value.group(0) if value and len(value.group(0)) >= 6 else ""


def _area(text: str) -> str:
    for match in re.finditer("建筑面积", text):
        if text[max(0, match.start() - 2) : match.start()] == "套内":
            continue
        number = re.match(r"[^\d]{0,6}?(\d{1,5}(?:\.\d{1,2})?)",
                          fix_digits(text[match.end() :]))
        if number:
            return number.group(1)
    return ""


def _date_after(rest: str) -> str:
    date = _date_in(fix_digits(rest[:24]))
    return date[0] if date else ""


def _validity(text: str) -> tuple[str, str]:
    dates = list(re.finditer(r"(\d{4})\D{0,2}?(\d{1,2})\D{0,2}?(\d{1,2})",
                             fix_digits(text).translate(_ID_FIX)))
    start = _iso(*dates[0].groups()) if dates else ""
    if "长期" in text or "长" in text[dates[0].end() :] if dates else False:
        return start, "长期"
    end = _iso(*dates[1].groups()) if len(dates) > 1 else ""
    return start, end


_ANCHORS: dict[str, tuple[_Anchor, ...]] = {
    "purchase_contract": (
        _Anchor("seller", ("出卖人",), lambda t: _company(_after(t, ("出卖人",))), True, 1),
        _Anchor("buyer", ("买受人",), lambda t: _person(_after(t, ("买受人",))), True, 1),
        _Anchor("property_address", ("坐落", "位于", "房屋位置"),
                lambda t: _address(_after(t, ("坐落", "位于", "房屋位置")))),
        _Anchor("area", ("建筑面积",), _area),
        _Anchor("signed_date", ("签订日期", "签约日期", "签订时间", "签署日期"),
                lambda t: _date_after(_after(t, ("签订日期", "签约日期", "签订时间", "签署日期"))),
                lines=1),
    ),
    "id_card_back": (
        _Anchor("issuing_authority", ("签发机关",),
                lambda t: re.sub(f"[^{CJK}]", "", _after(t, ("签发机关",))), lines=1),
        _Anchor("valid_from", ("有效期限",), lambda t: _validity(_after(t, ("有效期限",)))[0],
                lines=1),
        _Anchor("valid_to", ("有效期限",), lambda t: _validity(_after(t, ("有效期限",)))[1],
                lines=1),
    ),
}


def _read_anchored(kind: str, gray: np.ndarray, page: _Page, engine: OcrEngine,
                   result: _Result) -> None:
    """Fill ``result`` with the fields of ``kind`` found by their labels (see above)."""
    found: dict[str, list[int]] = {}
    for anchor in _ANCHORS.get(kind, ()):
        for index, text in enumerate(page.texts):
            at = -1
            for label in anchor.labels:
                at = _loose_find(text, label)
                if at >= 0:
                    break
            if at < 0 or (anchor.at_start and at > 3):
                continue
            found[anchor.name] = list(range(index, min(len(page.lines), index + anchor.lines)))
            break
    wanted = sorted({i for indices in found.values() for i in indices})
    if not wanted:
        return
    again = dict(zip(wanted, engine.read_strip(_line_crops(gray, page, wanted)), strict=True))
    for anchor in _ANCHORS[kind]:
        indices = found.get(anchor.name)
        if not indices:
            continue
        lines = [again[i] if again[i].text else page.lines[i] for i in indices]
        value = anchor.parse("".join(normalise(line.text) for line in lines))
        if not value and any(again[i].text for i in indices):  # the page's own reading
            value = anchor.parse("".join(page.texts[i] for i in indices))
        if not value:
            continue
        boxes = [page.lines[i].box for i in indices]
        box = (min(b[0] for b in boxes), min(b[1] for b in boxes),
               max(b[2] for b in boxes), max(b[3] for b in boxes))
        # an engine that gives no confidence for a line read again: the page's
        confidence = min(line.confidence or page.lines[i].confidence
                         for i, line in zip(indices, lines, strict=True))
        result.put(anchor.name, value, confidence, box)
        result.sources[anchor.name] = (indices[0], indices[-1])


def _line_crops(gray: np.ndarray, page: _Page, indices: list[int]) -> list[np.ndarray]:
    """The page's lines ``indices`` cut out with a margin of a quarter of their height, to be
    read again on their own."""
    crops = []
    for index in indices:
        x0, y0, x1, y1 = page.lines[index].box
        pad = max(3, (y1 - y0) // 4)
        crops.append(gray[max(0, y0 - pad) : y1 + pad, max(0, x0 - pad) : x1 + pad])
    return crops


def _reread_uscc(gray: np.ndarray, page: _Page, engine: OcrEngine, result: _Result) -> None:
    """A credit code that fails its check, looked for again: the lines by its label and
    every line with a long run of letters and digits, read again on their own; the first
    code that passes its check wins."""
    wanted: list[int] = []
    for index, text in enumerate(page.texts):
        if _loose_find(text, "信用代码") >= 0:
            wanted.extend(i for i in (index, index + 1) if i < len(page.lines))
        elif re.search("[0-9A-Za-z]{12,}", text):
            wanted.append(index)
    wanted = sorted(set(wanted))[:6]
    if not wanted:
        return
    readings = engine.read_strip(_line_crops(gray, page, wanted))
    for index, again in zip(wanted, readings, strict=True):
        for code in uscc_candidates(again.text):
            if is_valid_uscc(code):
                result.put("uscc", code, again.confidence or page.lines[index].confidence,
                           page.lines[index].box)
                return


def _read_id_card_back(gray: np.ndarray, page: _Page, engine: OcrEngine) -> _Result:
    result = _Result.empty("id_card_back")
    _read_anchored("id_card_back", gray, page, engine, result)
    return result


# --- second reading -------------------------------------------------------------------

# the fields whose lines are read again on their own, and labels that find the line of a
# field the page reading missed. Names are always read again (the page reading confuses
# rare characters in them); the others only when missing, doubtful or failing a check.
# Codes are not here: they have their own re-read with their alphabet.
_REREAD: dict[str, dict[str, tuple[str, ...]]] = {
    "business_license": {"name": ("名称",),
                         "legal_representative": ("法定代表人", "负责人", "经营者"),
                         "registered_capital": ("注册资本",),
                         "established": ("成立日期", "注册日期")},
    "purchase_contract": {"buyer": ("买受人",), "total_price": ("总价", "价款")},
    "id_card_back": {},
    "rental_contract": {"tenant": ("承租",), "monthly_rent": ("租金",),
                        "start": ("租赁期限",), "end": ("租赁期限",)},
}
_NAME_FIELDS = frozenset({"name", "legal_representative", "buyer", "tenant"})
_CODE_FIELDS = frozenset({"uscc", "buyer_id_number", "tenant_id_number"})


def _lines_to_reread(kind: str, page: _Page, first: _Result) -> dict[int, int]:
    """Page lines to read again, each with the x where its crop may end."""
    checks = check_fields(kind, first.fields)
    wanted: dict[int, int] = {}

    def want(index: int, right: int) -> None:
        wanted[index] = max(wanted.get(index, 0), right)

    for name, labels in _REREAD[kind].items():
        if not (name in _NAME_FIELDS or not first.fields[name] or name in first.doubtful
                or checks.get(name) is False):
            continue
        if name in first.sources:
            low, high = first.sources[name]
            for index in range(low, high + 1):
                line = page.lines[index]
                right = line.box[2]
                if low == high and name in first.regions:  # no need for the next column
                    height = line.box[3] - line.box[1]
                    right = min(right, first.regions[name][2] + 2 * height)
                want(index, right)
            continue
        for index, text in enumerate(page.texts):
            if any(label in text for label in labels):
                for i in (index, index + 1):
                    if i < len(page.lines):
                        want(i, page.lines[i].box[2])
    return wanted


def _second_reading(kind: str, gray: np.ndarray, page: _Page, first: _Result,
                    engine: OcrEngine) -> _Result:
    """Read the lines that hold fields again, one crop per line, and the page again.

    A page read lays out the whole page; a line read on its own is read better (and by
    the hybrid engine, with a recogniser that knows more characters). A line read again
    replaces the first reading where it is more confident; a field the second reading
    loses or is less sure of keeps the first.
    """
    wanted = _lines_to_reread(kind, page, first)
    order = sorted(wanted)
    if not order:
        return first
    crops = []
    for index in order:
        x0, y0, _, y1 = page.lines[index].box
        pad = max(3, (y1 - y0) // 4)
        crops.append(gray[max(0, y0 - pad) : y1 + pad, max(0, x0 - pad) : wanted[index] + pad])
    lines = list(page.lines)
    alone = list(page.lines)  # every line read again as read on its own, for the amounts
    changed = False
    for index, again in zip(order, engine.read_strip(crops), strict=True):
        if again.text:
            alone[index] = replace(lines[index], text=again.text, confidence=again.confidence)
        if again.text and again.confidence > lines[index].confidence:
            lines[index] = alone[index]
            changed = True
    on_own = (_PAGE_READERS[kind](gray, _Page.of(alone), _NoReread(engine))
              if first.readings else first)
    if not changed:
        for name in first.readings.keys() & on_own.readings.keys():
            _vote_amount(name, first, on_own, first)
        return first
    second = _PAGE_READERS[kind](gray, _Page.of(lines), _NoReread(engine))
    for name in _CODE_FIELDS & set(first.fields):
        second.fields[name] = first.fields[name]
        second.confidence[name] = first.confidence[name]
        if name in first.regions:
            second.regions[name] = first.regions[name]
    for name in FIELDS[kind]:  # a field the second reading lost or doubts keeps the first
        if first.fields[name] and (not second.fields[name]
                                   or second.confidence[name] < first.confidence[name]):
            second.fields[name] = first.fields[name]
            second.confidence[name] = first.confidence[name]
            if name in first.regions:
                second.regions[name] = first.regions[name]
    for name in first.readings.keys() & on_own.readings.keys():
        _vote_amount(name, first, on_own, second)
    second.extra_checks.update(first.extra_checks)
    return second


def _vote_amount(name: str, first: _Result, on_own: _Result, result: _Result) -> None:
    """Settle an amount read four times: digits and 大写, on the page (``first``) and on
    its line read alone (``on_own``).

    The value two readings agree on wins, when only one value has such agreement;
    failing that, a page reading in doubt gives way to a line reading whose 大写 form
    was read and says the same as the value taken; and a value that only the line read
    alone gives, with no second reading behind it, does not replace the page's.
    """
    votes = Counter(first.readings[name] + on_own.readings[name])
    agreed = [value for value, count in votes.items() if count >= 2]
    if len(agreed) == 1:
        value = str(agreed[0])
    elif (name in first.doubtful and name not in on_own.doubtful and on_own.fields[name]
          and str(on_own.in_capital.get(name)) == on_own.fields[name]):
        value = on_own.fields[name]
    else:
        # the line read alone changes an amount only with a second reading's support
        current = result.fields[name]
        supported = current == first.fields[name] or (
            current.isdigit() and (votes[int(current)] >= 2
                                   or on_own.in_capital.get(name) == int(current)))
        if supported or not first.fields[name]:
            return
        value = first.fields[name]
    if value == result.fields[name]:
        return
    result.fields[name] = value
    result.confidence[name] = 0.9
    if name in first.regions and name not in result.regions:
        result.regions[name] = first.regions[name]


class _NoReread:
    """An engine for the second pass: codes were settled in the first."""

    def __init__(self, engine: OcrEngine) -> None:
        self.name = engine.name

    def read_lines(self, image: np.ndarray) -> list[TextLine]:
        return []

    def read_strip(self, crops: Sequence[np.ndarray], alphabet: str | None = None,
                   ) -> list[TextLine]:
        return [TextLine("", (0, 0, 0, 0), 0.0) for _ in crops]


_PAGE_READERS: dict[str, Callable[[np.ndarray, _Page, OcrEngine], _Result]] = {
    "id_card_back": _read_id_card_back,
    "business_license": _read_business_license,
    "purchase_contract": _read_purchase_contract,
    "rental_contract": _read_rental_contract,
}

_KEYWORDS = {
    "id_card_back": ("签发机关", "有效期限", "居民身份证"),
    "business_license": ("营业执照", "统一社会信用代码", "法定代表人", "注册资本", "经营范围"),
    "purchase_contract": ("买卖合同", "买受人", "出卖人", "总价款", "商品房"),
    "rental_contract": ("租赁合同", "承租", "出租", "租金", "租赁期限"),
}


class UnknownDocument(ValueError):
    """The page is none of the document types the booth reads."""


def classify_text(text: str) -> str:
    """The document type whose keywords occur most in ``text``."""
    text = normalise(text)
    scores = {kind: sum(word in text for word in words) for kind, words in _KEYWORDS.items()}
    best = max(scores, key=lambda kind: scores[kind])
    if scores[best] == 0:
        raise UnknownDocument("no known document keywords")
    return best


def looks_like_id_card(page: np.ndarray) -> bool:
    """ID cards are the only wide, card-shaped document (85.6 x 54 mm)."""
    height, width = page.shape[:2]
    return bool(1.45 < width / height < 1.75)


def read_document(page: np.ndarray, engine: OcrEngine, doc_type: str | None = None,
                  second_reading: bool = True) -> Reading:
    """Read the fields of a corrected page; classify it first when ``doc_type`` is None.

    Raises :class:`UnknownDocument` only when asked to classify a page that is none of
    the known types.
    """
    height, width = page.shape[:2]
    if doc_type is None and looks_like_id_card(page):
        doc_type = "id_card"
    if doc_type == "id_card":
        gray, scale = prepare(page, _CARD_WIDTH if width >= height else int(_CARD_WIDTH / 1.585))
        return _finish("id_card", _read_id_card(gray, engine), (width, height), scale)
    if doc_type is not None and doc_type not in _PAGE_READERS:
        raise ValueError(f"unknown document type {doc_type!r}")
    gray, scale = prepare(page, 1200)
    lines = engine.read_lines(gray)
    text_page = _Page.of(lines)
    kind = doc_type or classify_text(text_page.joined)
    result = _PAGE_READERS[kind](gray, text_page, engine)
    if second_reading:
        result = _second_reading(kind, gray, text_page, result, engine)
    if kind == "business_license" and not is_valid_uscc(result.fields["uscc"]):
        _reread_uscc(gray, text_page, engine, result)
    if kind == "purchase_contract":
        _read_anchored(kind, gray, text_page, engine, result)
        if not is_valid_id_number(result.fields["buyer_id_number"]) and "buyer" in result.sources:
            # the code follows its party: look again from the party's line, now found
            start = text_page.starts[result.sources["buyer"][0]]
            _code_after(engine, gray, text_page, result, "buyer_id_number", start,
                        id_candidates, is_valid_id_number, "0123456789X")
    return _finish(kind, result, (width, height), scale)
