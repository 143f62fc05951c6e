"""An independent evaluation corpus of document photos for the booth's OCR.

Why it exists: the extractor's rules were tuned on photos from the project's own generator,
so measuring it on more of the same flatters it. This generator was written separately,
from what real Chinese documents and real photos of them look like, without reading the
OCR or capture code and sharing no code or layout constants with them.

What it makes: photos of five document types (``id_card``, ``id_card_back``,
``business_license``, ``purchase_contract``, ``rental_contract``) lying on a desk, taken by
a phone or a document camera, with the truth of every field actually printed. Three kinds:

- ``legible``: must be read. Lamp gradients, hand shadows, rotation, perspective, noise and
  JPEG artefacts, but every character stays readable to a person and no highlight is
  saturated over text.
- ``glare``: a lamp's specular reflection, a saturated and washed-out blob with soft edges,
  lies over part of at least one field's text; the booth should ask to tilt the page.
- ``blur``: defocus or motion blur large enough that 5 mm text is illegible; the booth
  should ask to hold still.

Splits, kept apart by disjoint seed ranges:

- ``tune`` (seeds 10_000_000-19_999_999): the extractor MAY be tuned on these.
- ``eval`` (seeds 20_000_000-29_999_999): the extractor must NEVER be tuned on these;
  they only measure it.

A photo depends only on its seed, so the same (split, kind, type, index) always gives the
same bytes on a machine with the same fonts and library versions.

Usage::

    python bench/data/ocr_eval/generate.py OUTDIR --split eval --per-type 10 [--kind legible]
"""

from __future__ import annotations

import argparse
import contextvars
import datetime as dt
import functools
import io
import json
import math
import random
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

DOC_TYPES = ("id_card", "id_card_back", "business_license", "purchase_contract",
             "rental_contract")
KINDS = ("legible", "glare", "blur")
SPLIT_SEED_BASE = {"tune": 10_000_000, "eval": 20_000_000}
SPLIT_SEED_SPAN = 10_000_000
_MAX_PER_TYPE = 100_000


@dataclass(frozen=True)
class EvalPhoto:
    """One photo and what is printed on it."""

    doc_type: str
    truth: dict[str, str]
    jpeg: bytes
    conditions: dict[str, object]
    kind: str
    seed: int


def seed_for(split: str, kind: str, doc_type: str, index: int) -> int:
    """The seed of one photo; each split owns a disjoint range of seeds."""
    if split not in SPLIT_SEED_BASE:
        raise ValueError(f"split must be one of {sorted(SPLIT_SEED_BASE)}, not {split!r}")
    if not 0 <= index < _MAX_PER_TYPE:
        raise ValueError(f"index must be in [0, {_MAX_PER_TYPE})")
    return (SPLIT_SEED_BASE[split] + KINDS.index(kind) * 1_000_000
            + DOC_TYPES.index(doc_type) * _MAX_PER_TYPE + index)


def photos(split: str, per_type: int, kind: str = "legible",
           doc_types: Sequence[str] = DOC_TYPES) -> Iterator[EvalPhoto]:
    """``per_type`` photos of each document type, types interleaved, deterministic."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    for index in range(per_type):
        for doc_type in doc_types:
            yield photo(seed_for(split, kind, doc_type, index), doc_type, kind)


def photo(seed: int, doc_type: str, kind: str = "legible") -> EvalPhoto:
    """The photo of one seed."""
    if doc_type not in _DOCUMENTS:
        raise ValueError(f"doc_type must be one of {DOC_TYPES}, not {doc_type!r}")
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    shot = _plan_shot(doc_type, rng)
    # Some paper documents are printed: drawn as a PDF, rasterised by poppler, given
    # toner's look, then photographed. A separate random stream decides, so the choice
    # leaves the page's own random sequence alone.
    medium = random.Random(f"printed-{seed}")
    printed = doc_type in _PAPER_TYPES and medium.random() < _PRINTED_SHARE and _can_print()
    token = _PRINTING.set(printed)
    try:
        page, truth = _DOCUMENTS[doc_type](rng, shot.render_ppm)
    finally:
        _PRINTING.reset(token)
    if printed:
        _print_through_pdf(page, medium)
    else:
        page.conditions["medium"] = "drawn"
    jpeg, conditions = _photograph(page, shot, kind, rng, nrng)
    return EvalPhoto(doc_type=doc_type, truth=truth, jpeg=jpeg, conditions=conditions,
                     kind=kind, seed=seed)


def truth(seed: int, doc_type: str) -> dict[str, str]:
    """The truth of one seed's photo without taking the photo (cheap)."""
    rng = random.Random(seed)
    shot = _plan_shot(doc_type, rng)
    medium = random.Random(f"printed-{seed}")
    printed = doc_type in _PAPER_TYPES and medium.random() < _PRINTED_SHARE and _can_print()
    token = _PRINTING.set(printed)
    try:
        # the same rendering scale as photo(): text measurement decides line wrapping,
        # and wrapping decides how much of the random sequence the page draws
        return _DOCUMENTS[doc_type](rng, shot.render_ppm)[1]
    finally:
        _PRINTING.reset(token)


# --------------------------------------------------------------------------------------
# Fonts
# --------------------------------------------------------------------------------------

_NOTO = "/usr/share/fonts/opentype/noto/"
# (name recorded in conditions, file, face index, family the face must report)
_CJK_FONTS: tuple[tuple[str, str, int, str], ...] = (
    ("Noto Sans CJK SC Regular", _NOTO + "NotoSansCJK-Regular.ttc", 2, "Noto Sans CJK SC"),
    ("Noto Sans CJK SC Light", _NOTO + "NotoSansCJK-Light.ttc", 2, "Noto Sans CJK SC"),
    ("Noto Sans CJK SC DemiLight", _NOTO + "NotoSansCJK-DemiLight.ttc", 2,
     "Noto Sans CJK SC"),
    ("Noto Sans CJK SC Medium", _NOTO + "NotoSansCJK-Medium.ttc", 2, "Noto Sans CJK SC"),
    ("Noto Sans CJK SC Bold", _NOTO + "NotoSansCJK-Bold.ttc", 2, "Noto Sans CJK SC"),
    ("Noto Serif CJK SC Regular", _NOTO + "NotoSerifCJK-Regular.ttc", 2,
     "Noto Serif CJK SC"),
    ("Noto Serif CJK SC Light", _NOTO + "NotoSerifCJK-Light.ttc", 2, "Noto Serif CJK SC"),
    ("Noto Serif CJK SC Medium", _NOTO + "NotoSerifCJK-Medium.ttc", 2, "Noto Serif CJK SC"),
    ("Noto Serif CJK SC SemiBold", _NOTO + "NotoSerifCJK-SemiBold.ttc", 2,
     "Noto Serif CJK SC"),
    ("Noto Serif CJK SC Bold", _NOTO + "NotoSerifCJK-Bold.ttc", 2, "Noto Serif CJK SC"),
    ("WenQuanYi Zen Hei", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0,
     "WenQuanYi Zen Hei"),
    ("WenQuanYi Micro Hei", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0,
     "WenQuanYi Micro Hei"),
    ("AR PL UKai CN", "/usr/share/fonts/truetype/arphic/ukai.ttc", 0, "AR PL UKai CN"),
    ("AR PL UMing CN", "/usr/share/fonts/truetype/arphic/uming.ttc", 0, "AR PL UMing CN"),
)
_FALLBACK_FONT = _CJK_FONTS[0]
# Digits of the ID number: real cards use an OCR-B-like face; these are the nearest here.
_DIGIT_FONTS: tuple[tuple[str, str, int, str], ...] = (
    ("DejaVu Sans Mono", "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", 0,
     "DejaVu Sans Mono"),
    ("DejaVu Sans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 0, "DejaVu Sans"),
    ("Noto Sans Mono CJK SC", _NOTO + "NotoSansCJK-Regular.ttc", 7, "Noto Sans Mono CJK SC"),
)
_SANS = tuple(f for f in _CJK_FONTS if "Sans" in f[0] or "Hei" in f[0])


@dataclass(frozen=True)
class Font:
    """A typeface chosen for a role on the page; ``name`` is what conditions record."""

    name: str
    path: str
    index: int


@functools.cache
def _available(spec: tuple[str, str, int, str]) -> bool:
    try:
        face = ImageFont.truetype(spec[1], 12, index=spec[2])
    except OSError:
        return False
    return face.getname()[0] == spec[3]


# While a printed page is drawn: its text goes to a PDF, and reportlab embeds only
# TrueType outlines (WenQuanYi, AR PL, DejaVu), not the CFF outlines of Noto CJK.
_PRINTING: contextvars.ContextVar[bool] = contextvars.ContextVar("printing", default=False)
_PAPER_TYPES = ("business_license", "purchase_contract", "rental_contract")
_PRINTED_SHARE = 0.35


def _embeddable(spec: tuple[str, str, int, str]) -> bool:
    return "/truetype/" in spec[1]


@functools.cache
def _can_print() -> bool:
    """Poppler and every embeddable face are here (else no page is printed)."""
    faces = [f for f in _CJK_FONTS + _DIGIT_FONTS if _embeddable(f)]
    return shutil.which("pdftoppm") is not None and all(_available(f) for f in faces)


def _pick_font(rng: random.Random, pool: Sequence[tuple[str, str, int, str]]) -> Font:
    if _PRINTING.get():
        # the same draw from the random sequence, mapped onto the faces a PDF can embed
        spec = pool[rng.randrange(len(pool))]
        if not _embeddable(spec):
            embeddable = [f for f in pool if _embeddable(f)]
            spec = embeddable[sum(map(ord, spec[0])) % len(embeddable)]
        return Font(spec[0], spec[1], spec[2])
    spec = rng.choice(pool)
    if not _available(spec):
        # A machine without every Debian CJK font still makes a photo; the substitution
        # is visible in conditions because the recorded name is the face actually used.
        spec = _FALLBACK_FONT
    return Font(spec[0], spec[1], spec[2])


@functools.lru_cache(maxsize=256)
def _face(path: str, index: int, size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, max(size_px, 4), index=index)


# --------------------------------------------------------------------------------------
# Drawing a page in millimetres
# --------------------------------------------------------------------------------------

Box = tuple[float, float, float, float]
RGB = tuple[int, int, int]
INK: RGB = (25, 25, 28)


@dataclass
class Page:
    """A document page drawn in millimetres; records where each field's text went."""

    width_mm: float
    height_mm: float
    ppm: float  # pixels per millimetre of the rendering
    paper: RGB
    image: Image.Image = field(init=False)
    draw: ImageDraw.ImageDraw = field(init=False)
    mask: Image.Image = field(init=False)  # where the page is (rounded card corners)
    fields: dict[str, list[Box]] = field(default_factory=dict)  # boxes in page pixels
    conditions: dict[str, object] = field(default_factory=dict)
    min_text_mm: float = 3.0  # em size of the smallest text a field or its label uses
    # A printed page's text: (x px, baseline y px, text, font, size px, colour), drawn
    # later through a PDF instead of onto ``image`` (which then holds only the graphics).
    printed_text: list[tuple[float, float, str, Font, int, RGB]] | None = None

    def __post_init__(self) -> None:
        size = (round(self.width_mm * self.ppm), round(self.height_mm * self.ppm))
        self.image = Image.new("RGB", size, self.paper)
        self.draw = ImageDraw.Draw(self.image)
        self.mask = Image.new("L", size, 255)
        if _PRINTING.get():
            self.printed_text = []

    def _put(self, x: float, y: float, s: str, font: Font, size_px: int, fill: RGB) -> None:
        if self.printed_text is not None:
            self.printed_text.append((x, y, s, font, size_px, fill))
        else:
            self.draw.text((x, y), s, font=_face(font.path, font.index, size_px), fill=fill,
                           anchor="ls")

    def px(self, mm: float) -> float:
        return mm * self.ppm

    def text(self, x: float, y: float, s: str, font: Font, size: float,
             fill: RGB = INK, spacing: float = 0.0, key: str | None = None) -> float:
        """Draw ``s`` with its baseline at (x, y) mm; returns the x where it ends."""
        size_px = round(self.px(size))
        face = _face(font.path, font.index, size_px)
        px, py = self.px(x), self.px(y)
        start = px
        if spacing == 0.0:
            self._put(px, py, s, font, size_px, fill)
            px += face.getlength(s)
        else:
            for ch in s:
                self._put(px, py, ch, font, size_px, fill)
                px += face.getlength(ch) + self.px(spacing)
            px -= self.px(spacing)
        if key is not None and s.strip():
            top = py - self.px(size) * 0.88
            self.fields.setdefault(key, []).append((start, top, px, py + self.px(size) * 0.12))
        return px / self.ppm

    def spread(self, x: float, y: float, s: str, width: float, font: Font,
               size: float, fill: RGB = INK) -> None:
        """Draw a label with its characters spread evenly over ``width`` mm (名    称)."""
        if len(s) == 1:
            self.text(x, y, s, font, size, fill)
            return
        face = _face(font.path, font.index, round(self.px(size)))
        used = sum(face.getlength(ch) for ch in s) / self.ppm
        gap = max((width - used) / (len(s) - 1), 0.0)
        self.text(x, y, s, font, size, fill, spacing=gap)

    def measure(self, s: str, font: Font, size: float) -> float:
        return _face(font.path, font.index, round(self.px(size))).getlength(s) / self.ppm

    def wrap(self, s: str, width: float, font: Font, size: float,
             first_width: float | None = None, keep_words: bool = True) -> list[str]:
        """Split ``s`` into lines no wider than ``width`` mm. Chinese wraps between any two
        characters; with ``keep_words`` a run of digits and Latin letters (a number, an
        amount, a code) moves to the next line whole, as word processors do. ID cards
        keep to a character count and split anything."""
        tokens = re.findall(r"[0-9A-Za-z.,\-]+|.", s) if keep_words else list(s)
        lines: list[str] = []
        current = ""
        limit = first_width if first_width is not None else width
        for token in tokens:
            if current and self.measure(current + token, font, size) > limit:
                # keep closing punctuation on the line it closes
                if token in "，。、；：）》”":
                    current += token
                    continue
                lines.append(current)
                current = ""
                limit = width
            current += token
        if current:
            lines.append(current)
        return lines

    def paragraph(self, x: float, y: float, s: str, width: float, font: Font, size: float,
                  pitch: float, indent: float = 0.0, keys: dict[str, str] | None = None,
                  fill: RGB = INK) -> float:
        """Draw wrapped body text; spans named in ``keys`` (key -> value inside ``s``) get
        their boxes recorded. Returns the baseline y of the next line."""
        lines = self.wrap(s, width, font, size, first_width=width - indent)
        offset = 0
        for number, line in enumerate(lines):
            lx = x + (indent if number == 0 else 0.0)
            self.text(lx, y, line, font, size, fill)
            for key, value in (keys or {}).items():
                at = s.find(value)
                if at < 0:
                    continue
                lo, hi = max(at, offset), min(at + len(value), offset + len(line))
                if lo < hi:
                    before = self.measure(line[: lo - offset], font, size)
                    span = self.measure(line[lo - offset: hi - offset], font, size)
                    self._record(key, lx + before, y, span, size)
            offset += len(line)
            y += pitch
        return y

    def _record(self, key: str, x: float, y: float, width: float, size: float) -> None:
        self.fields.setdefault(key, []).append(
            (self.px(x), self.px(y - size * 0.88), self.px(x + width), self.px(y + size * 0.12)))

    def rounded(self, radius: float) -> None:
        """Give the page rounded corners (cards)."""
        self.mask = Image.new("L", self.image.size, 0)
        ImageDraw.Draw(self.mask).rounded_rectangle(
            (0, 0, self.image.size[0] - 1, self.image.size[1] - 1), radius=self.px(radius),
            fill=255)


def _ink(rng: random.Random) -> RGB:
    base = rng.randint(12, 45)
    return (base, base, base + rng.randint(0, 10))


def _paper(rng: random.Random) -> RGB:
    warm = rng.randint(0, 10)
    level = rng.randint(236, 250)
    return (level, level - warm // 3, level - warm)


# --------------------------------------------------------------------------------------
# People, places, companies
# --------------------------------------------------------------------------------------

_COMMON_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤")
# Less common surnames, compound ones, and a few very rare ones (real people have them,
# and a recogniser's character set may not).
_UNCOMMON_SURNAMES = ("靳", "樊", "阎", "佘", "冼", "栾", "滕", "芮", "蒲", "禹", "麻", "幸",
                      "荀", "练", "揭", "战", "谌", "缑", "庹", "甯", "鄢", "逯")
_COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "尉迟", "公孙", "皇甫")
_VERY_RARE_SURNAMES = ("仉", "訾", "眭", "隗", "雒", "亓")
_RARE_SURNAMES = _UNCOMMON_SURNAMES + _COMPOUND_SURNAMES + _VERY_RARE_SURNAMES
_GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌宇浩然博轩"
    "子涵欣怡梓萱雨彤思远嘉琪晨阳一鸣佳慧晓东海燕春梅玲俊峰振宏瑞庆福德荣永生光明正凯"
    "立新家豪婷婷雪倩颖琳璐瑶蕾薇莉莎晶雯昊天泽楠鑫淼焱垚森宸睿钰锦航铭彬晗翔鹤岚")
_NATIONS = ("汉",) * 10 + ("回", "壮", "满", "维吾尔", "苗", "彝", "土家", "藏", "蒙古", "侗",
                           "布依", "瑶", "白", "朝鲜", "哈尼", "黎", "哈萨克", "傣", "畲",
                           "傈僳", "仡佬", "东乡", "土", "纳西", "羌")

# (province, city, district/county, division code)
_REGIONS: tuple[tuple[str, str, str, str], ...] = (
    ("", "北京市", "朝阳区", "110105"), ("", "北京市", "海淀区", "110108"),
    ("", "上海市", "浦东新区", "310115"), ("", "上海市", "徐汇区", "310104"),
    ("", "天津市", "和平区", "120101"), ("", "重庆市", "渝中区", "500103"),
    ("广东省", "广州市", "番禺区", "440113"), ("广东省", "广州市", "天河区", "440106"),
    ("广东省", "深圳市", "南山区", "440305"), ("广东省", "佛山市", "顺德区", "440606"),
    ("浙江省", "杭州市", "西湖区", "330106"), ("浙江省", "温州市", "瑞安市", "330381"),
    ("江苏省", "南京市", "玄武区", "320102"), ("江苏省", "泰州市", "靖江市", "321282"),
    ("湖北省", "武汉市", "武昌区", "420106"), ("湖北省", "黄冈市", "浠水县", "421125"),
    ("四川省", "成都市", "武侯区", "510107"), ("四川省", "绵阳市", "涪城区", "510703"),
    ("河南省", "郑州市", "金水区", "410105"), ("河南省", "周口市", "商水县", "411623"),
    ("湖南省", "长沙市", "长沙县", "430121"), ("湖南省", "长沙市", "芙蓉区", "430102"),
    ("山东省", "济南市", "历下区", "370102"), ("山东省", "临沂市", "兰山区", "371302"),
    ("陕西省", "西安市", "雁塔区", "610113"), ("辽宁省", "沈阳市", "和平区", "210102"),
    ("黑龙江省", "哈尔滨市", "南岗区", "230103"), ("福建省", "厦门市", "思明区", "350203"),
    ("云南省", "昆明市", "五华区", "530102"), ("广西壮族自治区", "南宁市", "青秀区", "450103"),
    ("贵州省", "贵阳市", "南明区", "520102"), ("甘肃省", "兰州市", "城关区", "620102"),
    ("新疆维吾尔自治区", "乌鲁木齐市", "天山区", "650102"),
    ("宁夏回族自治区", "银川市", "兴庆区", "640104"),
    ("内蒙古自治区", "呼和浩特市", "新城区", "150102"),
    ("河北省", "石家庄市", "长安区", "130102"), ("山西省", "太原市", "小店区", "140105"),
    ("安徽省", "合肥市", "蜀山区", "340104"), ("江西省", "南昌市", "东湖区", "360102"),
    ("海南省", "海口市", "龙华区", "460106"), ("吉林省", "长春市", "南关区", "220102"),
    ("青海省", "西宁市", "城中区", "630103"), ("西藏自治区", "拉萨市", "城关区", "540102"),
)
_TOWNS = ("城关镇", "新塘镇", "南村镇", "石楼镇", "清泉镇", "龙山街道", "市桥街道", "东门街道",
          "花园路街道", "星沙街道", "城东街道", "白沙镇", "大石街道", "沙河镇")
_ROADS = ("人民路", "解放路", "中山大道", "建设路", "繁华路", "文化路", "和平街", "花园路",
          "胜利路", "兴业大道", "开元东路", "迎宾大道", "青年路", "滨江路", "学府路", "光明路",
          "长江路", "东风路", "纬五路", "新华街", "朝阳北路", "南京西路", "科技园路")
_ESTATES = ("锦绣花园", "翠湖山庄", "阳光小区", "碧桂园", "万科城", "保利花园", "金地名苑",
            "丽景湾", "幸福里", "世纪家园", "龙湖天街", "书香门第", "紫荆苑")
_VILLAGES = ("东门村", "李家村", "新河村", "石桥村", "黄土岭村", "柳树湾村", "大王庄村")


def _person_name(rng: random.Random) -> str:
    draw = rng.random()
    if draw < 0.02:
        surname = rng.choice(_VERY_RARE_SURNAMES)
    elif draw < 0.05:
        surname = rng.choice(_COMPOUND_SURNAMES)
    elif draw < 0.13:
        surname = rng.choice(_UNCOMMON_SURNAMES)
    else:
        surname = rng.choice(_COMMON_SURNAMES)
    given_len = 1 if rng.random() < 0.3 else 2
    return surname + "".join(rng.choice(_GIVEN_CHARS) for _ in range(given_len))


def _region(rng: random.Random) -> tuple[str, str, str, str]:
    return rng.choice(_REGIONS)


def _street_address(rng: random.Random, region: tuple[str, str, str, str],
                    with_province: bool, rural_ok: bool = True) -> str:
    province, city, district, _code = region
    head = (province if with_province else "") + city + district
    style = rng.random()
    if rural_ok and style < 0.2:
        return (head + rng.choice(_TOWNS) + rng.choice(_VILLAGES)
                + f"{rng.randint(1, 12)}组{rng.randint(1, 120)}号")
    road = rng.choice(_ROADS) + f"{rng.randint(1, 999)}号"
    if rng.random() < 0.35:
        head += rng.choice(_TOWNS)
    if style < 0.55:
        return (head + road + rng.choice(_ESTATES) + f"{rng.randint(1, 32)}栋"
                + f"{rng.randint(2, 33)}{rng.randint(1, 8):02d}室")
    if style < 0.8:
        return (head + road + f"{rng.randint(1, 20)}号楼{rng.randint(1, 6)}单元"
                + f"{rng.randint(1, 28)}{rng.randint(1, 6):02d}室")
    return head + road + f"{rng.randint(1, 9)}栋{rng.randint(1, 30)}{rng.randint(1, 9):02d}房"


_SHOP_WORDS = ("鑫达", "宏远", "华盛", "恒通", "金源", "博雅", "天润", "瑞丰", "盛世", "嘉禾",
               "中科", "创新", "兴隆", "永安", "佳和", "汇丰源", "锦程", "致远", "德信", "云帆")
_TRADES = ("五金制品", "信息技术", "房地产开发", "贸易", "餐饮管理", "建筑工程", "物流",
           "电子科技", "文化传媒", "农业科技发展", "医疗器械", "服装", "环保科技", "物业管理",
           "教育咨询", "汽车销售服务", "食品", "装饰工程")


def _company_name(rng: random.Random, region: tuple[str, str, str, str],
                  trade: str | None = None) -> str:
    _province, city, district, _code = region
    place = city + (district if rng.random() < 0.4 else "")
    trade = trade or rng.choice(_TRADES)
    name = place + rng.choice(_SHOP_WORDS) + trade + rng.choice(
        ("有限公司", "有限公司", "有限责任公司", "股份有限公司"))
    return name


# --------------------------------------------------------------------------------------
# Numbers with check digits, dates, money in words
# --------------------------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    """GB 11643 check character of a resident ID number."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def _id_number(rng: random.Random, region_code: str, birth: dt.date, male: bool) -> str:
    seq = rng.randint(0, 99) * 10 + rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
    first17 = f"{region_code}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_digit(first17)


USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check_char(first17: str) -> str:
    """GB 32100 check character of a unified social credit code."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def _uscc(rng: random.Random, region_code: str, category: str) -> str:
    # organisation code (GB 11714): 8 characters and a check digit of their own
    body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w
                for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    org = body + {10: "X", 11: "0"}.get(check, str(check))
    first17 = "9" + category + region_code + org
    return first17 + uscc_check_char(first17)


def _date(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _cn_date(day: dt.date, padded: bool) -> str:
    if padded:
        return f"{day.year}年{day.month:02d}月{day.day:02d}日"
    return f"{day.year}年{day.month}月{day.day}日"


_UPPER_DIGITS = "零壹贰叁肆伍陆柒捌玖"


def rmb_upper(amount: int) -> str:
    """Whole yuan in the financial capitals written on contracts: 叁佰贰拾万元整."""
    if amount == 0:
        return "零元整"

    def group(value: int) -> str:
        out, zero = "", False
        for place, unit in ((1000, "仟"), (100, "佰"), (10, "拾"), (1, "")):
            digit = value // place % 10
            if digit == 0:
                zero = zero or bool(out)
            else:
                out += ("零" if zero else "") + _UPPER_DIGITS[digit] + unit
                zero = False
        return out

    groups = []
    rest = amount
    while rest:
        groups.append(rest % 10000)
        rest //= 10000
    text, pending_zero = "", False
    for position in range(len(groups) - 1, -1, -1):
        value = groups[position]
        if value == 0:
            pending_zero = pending_zero or bool(text)
            continue
        if text and (pending_zero or value < 1000):
            text += "零"
        text += group(value) + ("", "万", "亿", "万亿")[position]
        pending_zero = False
    return text + "元整"


# --------------------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------------------

_LABEL_BLUE: tuple[RGB, ...] = ((52, 106, 170), (70, 120, 165), (40, 90, 150), (88, 128, 176))
_SEAL_RED: tuple[RGB, ...] = ((214, 40, 40), (200, 30, 45), (225, 60, 55))


def _guilloche(page: Page, rng: random.Random, colour: RGB, lines: int) -> None:
    """Fine wavy security lines of ID cards."""
    w, h = page.image.size
    for n in range(lines):
        amp = rng.uniform(0.03, 0.12) * h
        period = rng.uniform(0.15, 0.5) * w
        phase = rng.uniform(0, 2 * math.pi)
        y0 = (n + 0.5) / lines * h
        points = [(x, y0 + amp * math.sin(2 * math.pi * x / period + phase))
                  for x in range(0, w + 8, 8)]
        page.draw.line(points, fill=colour, width=max(1, round(page.px(0.12))))


def _portrait(page: Page, rng: random.Random, box: Box) -> None:
    """The holder's photo: a plain backdrop and a person's silhouette, inside its box."""
    x0, y0, x1, y1 = (round(page.px(v)) for v in box)
    w, h = x1 - x0, y1 - y0
    backdrop = rng.choice(((236, 240, 244), (224, 232, 240), (245, 245, 245)))
    photo = Image.new("RGB", (w, h), backdrop)
    draw = ImageDraw.Draw(photo)
    cx = w / 2
    hair = rng.choice(((30, 26, 24), (45, 38, 30), (20, 20, 22)))
    skin = rng.choice(((214, 180, 150), (200, 165, 135), (226, 196, 170)))
    shirt = rng.choice(((40, 50, 80), (230, 230, 235), (70, 70, 75), (120, 30, 40)))
    draw.ellipse((0.05 * w, 0.72 * h, 0.95 * w, 1.45 * h), fill=shirt)
    draw.rectangle((cx - 0.1 * w, 0.55 * h, cx + 0.1 * w, 0.78 * h), fill=skin)
    draw.ellipse((cx - 0.27 * w, 0.1 * h, cx + 0.27 * w, 0.66 * h), fill=hair)
    draw.ellipse((cx - 0.22 * w, 0.18 * h, cx + 0.22 * w, 0.68 * h), fill=skin)
    page.image.paste(photo, (x0, y0))


def _star(page: Page, cx: float, cy: float, r: float, colour: RGB, turn: float = 0.0) -> None:
    points = []
    for k in range(10):
        radius = r if k % 2 == 0 else r * 0.38
        angle = turn - math.pi / 2 + k * math.pi / 5
        points.append((page.px(cx + radius * math.cos(angle)),
                       page.px(cy + radius * math.sin(angle))))
    page.draw.polygon(points, fill=colour)


def _emblem(page: Page, cx: float, cy: float, r: float) -> None:
    """The national emblem's area, as shapes: red disc, gold ring, stars, gate."""
    gold, red = (232, 190, 60), (205, 30, 35)
    page.draw.ellipse((page.px(cx - r), page.px(cy - r), page.px(cx + r), page.px(cy + r)),
                      fill=gold)
    inner = r * 0.82
    page.draw.ellipse((page.px(cx - inner), page.px(cy - inner), page.px(cx + inner),
                       page.px(cy + inner)), fill=red)
    _star(page, cx - inner * 0.35, cy - inner * 0.45, inner * 0.22, gold)
    for k in range(4):
        angle = -0.9 + k * 0.45
        _star(page, cx - inner * 0.35 + inner * 0.42 * math.cos(angle),
              cy - inner * 0.45 + inner * 0.42 * math.sin(angle), inner * 0.08, gold)
    gate = (page.px(cx - inner * 0.55), page.px(cy + inner * 0.05),
            page.px(cx + inner * 0.55), page.px(cy + inner * 0.45))
    page.draw.rectangle(gate, fill=gold)
    page.draw.rectangle((page.px(cx - inner * 0.6), page.px(cy - inner * 0.05),
                         page.px(cx + inner * 0.6), page.px(cy + inner * 0.05)), fill=gold)


def _seal(page: Page, rng: random.Random, cx: float, cy: float, r: float, text: str,
          font: Font) -> None:
    """A red round seal stamped over the page (multiplied, as ink over print)."""
    layer = Image.new("L", page.image.size, 0)
    draw = ImageDraw.Draw(layer)
    box = (page.px(cx - r), page.px(cy - r), page.px(cx + r), page.px(cy + r))
    draw.ellipse(box, outline=255, width=max(2, round(page.px(r * 0.06))))
    star_r = r * 0.28
    points = []
    for k in range(10):
        radius = star_r if k % 2 == 0 else star_r * 0.38
        angle = -math.pi / 2 + k * math.pi / 5
        points.append((page.px(cx + radius * math.cos(angle)),
                       page.px(cy + radius * math.sin(angle))))
    draw.polygon(points, fill=255)
    size = r * 0.3
    face = _face(font.path, font.index, round(page.px(size)))
    span = math.radians(rng.uniform(220, 260))
    count = len(text)
    for k, ch in enumerate(text):
        angle = -math.pi / 2 - span / 2 + span * (k + 0.5) / count
        glyph = Image.new("L", (round(page.px(size * 1.4)),) * 2, 0)
        ImageDraw.Draw(glyph).text((glyph.size[0] / 2, glyph.size[1] / 2), ch, font=face,
                                   fill=255, anchor="mm")
        glyph = glyph.rotate(-math.degrees(angle) - 90, resample=Image.Resampling.BILINEAR)
        gx = page.px(cx + (r - size * 0.85) * math.cos(angle)) - glyph.size[0] / 2
        gy = page.px(cy + (r - size * 0.85) * math.sin(angle)) - glyph.size[1] / 2
        layer.paste(255, (round(gx), round(gy)), glyph)
    strength = rng.uniform(0.6, 0.9)
    colour = np.array(rng.choice(_SEAL_RED), dtype=np.float32) / 255.0
    reach = r + size * 1.2  # the seal's extent: ring plus the glyphs' rotated corners
    region = (max(round(page.px(cx - reach)), 0), max(round(page.px(cy - reach)), 0),
              min(round(page.px(cx + reach)), page.image.size[0]),
              min(round(page.px(cy + reach)), page.image.size[1]))
    alpha = np.asarray(layer.crop(region), dtype=np.float32)[..., None] / 255.0 * strength
    base = np.asarray(page.image.crop(region), dtype=np.float32)
    stamped = base * (1.0 - alpha * (1.0 - colour))
    page.image.paste(Image.fromarray(stamped.astype(np.uint8)), region[:2])


def _qr(page: Page, x: float, y: float, size: float, payload: str) -> None:
    import segno

    matrix = segno.make(payload, error="m").matrix
    n = len(matrix)
    cell = size / n
    for row, bits in enumerate(matrix):
        for col, bit in enumerate(bits):
            if bit:
                page.draw.rectangle(
                    (page.px(x + col * cell), page.px(y + row * cell),
                     page.px(x + (col + 1) * cell) - 1, page.px(y + (row + 1) * cell) - 1),
                    fill=INK)


def id_card(rng: random.Random, ppm: float = 12.0) -> tuple[Page, dict[str, str]]:
    """Front of the PRC resident ID card (85.6 x 54 mm)."""
    region = _region(rng)
    male = rng.random() < 0.5
    birth = _date(rng, dt.date(1948, 1, 1), dt.date(2008, 12, 31))
    name = _person_name(rng)
    nation = rng.choice(_NATIONS)
    page = Page(85.6, 54.0, ppm, (rng.randint(238, 248), rng.randint(242, 250), 250))
    page.rounded(3.2)
    _guilloche(page, rng, (rng.randint(205, 222), rng.randint(222, 235), 246), 14)
    label_font = _pick_font(rng, _SANS)
    value_font = _pick_font(rng, _CJK_FONTS)
    digit_font = _pick_font(rng, _DIGIT_FONTS)
    label_colour = rng.choice(_LABEL_BLUE)
    ink = _ink(rng)
    label_size = rng.uniform(2.3, 2.9)
    value_size = rng.uniform(2.9, 3.5)
    pitch = rng.uniform(6.2, 7.6)
    label_x = rng.uniform(4.5, 7.5)
    label_gap = rng.uniform(0.6, 2.2)  # 姓 名 with spaces between characters
    value_x = label_x + rng.uniform(9.5, 12.5)
    y = rng.uniform(8.5, 11.5)
    photo_x = rng.uniform(52.5, 57.0)
    _portrait(page, rng, (photo_x, rng.uniform(5.5, 8.5), rng.uniform(79.5, 82.0),
                          rng.uniform(38.0, 42.0)))

    def label(x: float, y: float, s: str) -> None:
        page.text(x, y, s, label_font, label_size, label_colour, spacing=label_gap)

    label(label_x, y, "姓名")
    page.text(value_x, y, name, value_font, value_size + 0.4, ink, key="name",
              spacing=rng.choice((0.0, 0.0, 0.4)))
    y += pitch
    label(label_x, y, "性别")
    page.text(value_x, y, "男" if male else "女", value_font, value_size, ink, key="sex")
    nation_x = value_x + rng.uniform(8.0, 11.5)
    label(nation_x, y, "民族")
    page.text(nation_x + rng.uniform(8.5, 11.0), y, nation, value_font, value_size, ink,
              key="nation")
    y += pitch
    label(label_x, y, "出生")
    x = value_x
    gap = rng.uniform(0.6, 1.6)
    for part, is_label in ((str(birth.year), False), ("年", True), (str(birth.month), False),
                           ("月", True), (str(birth.day), False), ("日", True)):
        font, colour = (label_font, label_colour) if is_label else (value_font, ink)
        x = page.text(x, y, part, font, value_size, colour, key=None) + gap
    page._record("birth_date", value_x, y, x - gap - value_x, value_size)
    y += pitch
    label(label_x, y, "住址")
    address = _street_address(rng, region, with_province=True)
    width = photo_x - value_x - rng.uniform(0.8, 2.0)
    lines = page.wrap(address, width, value_font, value_size, keep_words=False)
    while len(lines) > 3:  # a real card never prints more than three address lines
        address = _street_address(rng, region, with_province=False)
        lines = page.wrap(address, width, value_font, value_size, keep_words=False)
    line_pitch = rng.uniform(4.2, 5.2)
    for line in lines:
        page.text(value_x, y, line, value_font, value_size, ink, key="address")
        y += line_pitch
    id_y = max(y + rng.uniform(3.0, 5.0), rng.uniform(46.0, 49.0))
    id_y = min(id_y, 51.0)
    label_end = page.text(label_x, id_y, "公民身份号码", label_font, label_size, label_colour,
                          spacing=min(label_gap, 0.6))
    number = _id_number(rng, region[3], birth, male)
    number_x = max(label_x + rng.uniform(20.5, 24.0), label_end + rng.uniform(2.0, 4.0))
    number_size, number_gap = rng.uniform(3.6, 4.3), rng.uniform(0.25, 0.7)
    room = 85.6 - 2.5 - number_x
    while page.measure(number, digit_font, number_size) + 17 * number_gap > room:
        number_size *= 0.95
        number_gap *= 0.8
    page.text(number_x, id_y + 0.2, number, digit_font, number_size, ink, spacing=number_gap,
              key="id_number")
    page.min_text_mm = min(label_size, value_size)
    page.conditions.update(fonts={"label": label_font.name, "value": value_font.name,
                                  "digits": digit_font.name})
    truth = {"name": name, "sex": "男" if male else "女", "nation": nation,
             "birth_date": birth.isoformat(), "address": address, "id_number": number}
    return page, truth


def id_card_back(rng: random.Random, ppm: float = 12.0) -> tuple[Page, dict[str, str]]:
    """Back of the ID card: emblem, 中华人民共和国 居民身份证, authority and validity."""
    region = _region(rng)
    page = Page(85.6, 54.0, ppm, (rng.randint(240, 250), rng.randint(238, 248), 236))
    page.rounded(3.2)
    _guilloche(page, rng, (rng.randint(222, 238), rng.randint(214, 228), 200), 12)
    title_font = _pick_font(rng, _CJK_FONTS)
    label_font = _pick_font(rng, _SANS)
    value_font = _pick_font(rng, _CJK_FONTS)
    ink = _ink(rng)
    ex, ey = rng.uniform(11.0, 15.0), rng.uniform(12.0, 15.0)
    _emblem(page, ex, ey, rng.uniform(7.0, 8.5))
    tx = rng.uniform(25.0, 29.0)
    page.text(tx, rng.uniform(12.5, 15.0), "中华人民共和国", title_font, rng.uniform(4.0, 4.8),
              ink, spacing=rng.uniform(0.8, 1.6))
    page.text(tx - rng.uniform(0, 3), rng.uniform(25.0, 28.0), "居民身份证", title_font,
              rng.uniform(6.2, 7.4), ink, spacing=rng.uniform(1.8, 3.0))
    _, city, district, _code = region
    if district.endswith("县") or (district.endswith("市") and rng.random() < 0.7):
        authority = district + "公安局"
    else:
        authority = city + "公安局" + district.removesuffix("区").removesuffix("新") + "分局"
    valid_from = _date(rng, dt.date(2005, 1, 1), dt.date(2025, 6, 30))
    years = rng.choice((5, 10, 20, 20, None))
    valid_to = "长期" if years is None else _add_years(valid_from, years).isoformat()
    printed_to = "长期" if years is None else valid_to.replace("-", ".")
    label_size = rng.uniform(2.4, 2.9)
    value_size = rng.uniform(2.8, 3.3)
    lx = rng.uniform(11.0, 15.0)
    vx = lx + rng.uniform(12.5, 15.5)
    ly = rng.uniform(41.0, 43.5)
    gap = rng.uniform(0.2, 0.9)
    page.text(lx, ly, "签发机关", label_font, label_size, ink, spacing=gap)
    page.text(vx, ly, authority, value_font, value_size, ink, key="issuing_authority")
    ly += rng.uniform(6.0, 7.0)
    page.text(lx, ly, "有效期限", label_font, label_size, ink, spacing=gap)
    page.text(vx, ly, valid_from.isoformat().replace("-", ".") + "-" + printed_to,
              value_font, value_size, ink, key="valid_to")
    page.fields["valid_from"] = list(page.fields["valid_to"])
    page.min_text_mm = min(label_size, value_size)
    page.conditions.update(fonts={"title": title_font.name, "label": label_font.name,
                                  "value": value_font.name})
    truth = {"issuing_authority": authority, "valid_from": valid_from.isoformat(),
             "valid_to": valid_to}
    return page, truth


_SCOPES = ("一般项目：技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广；软件开发；"
           "信息系统集成服务；计算机软硬件及辅助设备零售；办公用品销售；会议及展览服务；"
           "广告设计、代理。（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）",
           "销售：五金交电、建筑材料、日用百货、针纺织品、服装鞋帽、化妆品；货物进出口、"
           "技术进出口。（依法须经批准的项目，经相关部门批准后方可开展经营活动）",
           "房地产开发经营；物业管理；室内装饰装修；建筑材料销售；房屋租赁。（依法须经批准"
           "的项目，经相关部门批准后方可开展经营活动）",
           "餐饮服务；食品销售；烟草制品零售。（依法须经批准的项目，经相关部门批准后方可"
           "开展经营活动，具体经营项目以相关部门批准文件或许可证件为准）")


def business_license(rng: random.Random, ppm: float = 6.0) -> tuple[Page, dict[str, str]]:
    """营业执照 (副本), landscape, 2016+ style with QR code and red seal."""
    region = _region(rng)
    page = Page(297.0, 210.0, ppm, _paper(rng))
    form = rng.choices(("company", "branch", "individual"), weights=(6, 1, 2))[0]
    title_font = _pick_font(rng, _CJK_FONTS)
    label_font = _pick_font(rng, _CJK_FONTS)
    value_font = _pick_font(rng, _CJK_FONTS)
    ink = _ink(rng)
    frame = rng.choice(((150, 110, 60), (170, 60, 50), (120, 100, 70)))
    inset = rng.uniform(7.0, 12.0)
    for k, width in ((0.0, 1.2), (2.2, 0.4)):
        page.draw.rectangle((page.px(inset + k), page.px(inset + k),
                             page.px(297 - inset - k), page.px(210 - inset - k)),
                            outline=frame, width=max(1, round(page.px(width))))
    dy = rng.uniform(-6.0, 6.0)
    _emblem(page, 148.5 + rng.uniform(-3, 3), 30.0 + dy, rng.uniform(10.0, 13.0))
    title_size = rng.uniform(13.0, 17.0)
    title = "营业执照"
    title_w = page.measure(title, title_font, title_size) + 3 * 6.0
    page.text(148.5 - title_w / 2, 62.0 + dy, title, title_font, title_size, ink, spacing=6.0)
    page.text(148.5 - 9, 71.0 + dy, "（副  本）", title_font, 4.5, ink)

    male_rep = _person_name(rng)
    if form == "individual":
        name = (region[2] + rng.choice(_SHOP_WORDS)
                + rng.choice(("便利店", "餐馆", "五金店", "理发店", "水果店", "服装店", "快餐店")))
        kind_text = "个体工商户"
        rep_label = "经营者"
        category = "2"
        date_label = "注册日期"
        place_label = "经营场所"
    else:
        name = _company_name(rng, region)
        if form == "branch":
            name += rng.choice(("第一分公司", "分公司", region[2] + "分公司"))
            kind_text = "有限责任公司分公司（自然人投资或控股）"
            rep_label = "负责人"
            place_label = "营业场所"
        else:
            kind_text = rng.choice(("有限责任公司（自然人投资或控股）",
                                    "有限责任公司（自然人独资）",
                                    "股份有限公司（非上市、自然人投资或控股）",
                                    "其他有限责任公司"))
            rep_label = "法定代表人"
            place_label = "住所"
        category = "1"
        date_label = "成立日期"
    established = _date(rng, dt.date(1998, 1, 1), dt.date(2025, 6, 30))
    uscc = _uscc(rng, region[3], category)
    truth = {"name": name, "uscc": uscc, "legal_representative": male_rep,
             "established": established.isoformat()}
    capital_text = ""
    if form == "company":
        amount = rng.choice((10, 30, 50, 100, 200, 500, 1000, 1500, 3000, 5000, 10000))
        if rng.random() < 0.15:
            amount_text = f"{amount + rng.choice((0.5, 0.25, 0.8)):g}"
        else:
            amount_text = str(amount)
        capital_text = rng.choice((f"{amount_text}万元", f"人民币{amount_text}万元",
                                   f"{amount_text}万元人民币", f"{amount_text}万元整"))
        truth["registered_capital"] = f"{amount_text}万元"

    label_size = rng.uniform(4.0, 4.8)
    value_size = rng.uniform(4.0, 4.8)
    pitch = rng.uniform(9.0, 11.5)
    # the credit code, top left
    cx, cy = inset + rng.uniform(10.0, 20.0), rng.uniform(30.0, 40.0) + dy
    page.text(cx, cy, "统一社会信用代码", label_font, label_size * 0.9, ink)
    page.text(cx, cy + rng.uniform(6.5, 8.0), uscc, value_font, value_size * 0.95, ink,
              key="uscc", spacing=rng.uniform(0.0, 0.4))
    # QR code, top right
    qr_size = rng.uniform(24.0, 30.0)
    qx, qy = 297 - inset - rng.uniform(14.0, 22.0) - qr_size, rng.uniform(20.0, 28.0) + dy
    _qr(page, qx, qy, qr_size, "http://www.gsxt.gov.cn/" + uscc)
    small = rng.uniform(2.4, 2.9)
    for n, line in enumerate(("扫描二维码登录“国家企业", "信用信息公示系统”了解更多",
                              "登记、备案、许可、监管信息")):
        page.text(qx - 4, qy + qr_size + 4 + n * small * 1.4, line, label_font, small, ink)

    scope = rng.choice(_SCOPES)
    operation = rng.choice(("长期", f"{established:%Y年%m月%d日}至长期",
                            f"{established:%Y年%m月%d日}至"
                            f"{_add_years(established, 20):%Y年%m月%d日}"))
    address = _street_address(rng, region, with_province=rng.random() < 0.3, rural_ok=False)
    label_width = 5 * label_size * 1.05
    rows: list[tuple[str, str, str | None]] = [("名称", name, "name"), ("类型", kind_text, None),
                                               (rep_label, male_rep, "legal_representative")]
    if form == "individual":
        rows.append(("组成形式", "个人经营", None))
    right: list[tuple[str, str, str | None]] = []
    if capital_text:
        right.append(("注册资本", capital_text, "registered_capital"))
    right.append((date_label, _cn_date(established, padded=rng.random() < 0.7), "established"))
    if form != "individual":
        right.append(("营业期限", operation, None))
    right.append((place_label, address, None))
    two_columns = rng.random() < 0.65
    if not two_columns:  # one column spreads the same rows over the page's height
        pitch *= rng.uniform(1.15, 1.35)
    top = 88.0 + dy + rng.uniform(-3.0, 4.0)
    left_x = inset + rng.uniform(18.0, 32.0)
    if two_columns:
        column_width = rng.uniform(88.0, 100.0)
        right_x = left_x + label_width + column_width + rng.uniform(6.0, 14.0)
        right_width = 297 - inset - 14 - right_x - label_width - 4
        columns = [(left_x, [*rows, ("经营范围", scope, None)], column_width),
                   (right_x, right, right_width)]
    else:
        column_width = 297 - 2 * inset - 2 * 30 - label_width
        columns = [(left_x, [*rows, *right, ("经营范围", scope, None)], column_width)]
    bottom = top
    for x, items, width in columns:
        y = top
        for label_text, value, key in items:
            page.spread(x, y, label_text, label_width, label_font, label_size, ink)
            vx = x + label_width + rng.uniform(3.5, 6.0)
            size = value_size * (0.82 if label_text == "经营范围" else 1.0)
            lines = page.wrap(value, width, value_font, size)
            if label_text == "经营范围":
                lines = lines[:7]
            for line in lines:
                page.text(vx, y, line, value_font, size, ink, key=key)
                y += size * rng.uniform(1.45, 1.6)
            y += pitch - size * 1.5
        bottom = max(bottom, y)
    # authority, date and the seal, bottom right
    sx = 297 - inset - rng.uniform(45.0, 70.0)
    sy = min(max(bottom + 10.0, 168.0), 188.0)
    authority = region[1] + region[2] + "市场监督管理局"
    page.text(sx - 28, sy - 6, "登记机关", label_font, label_size, ink, spacing=1.0)
    issue = _date(rng, established, dt.date(2025, 9, 30))
    page.text(sx - 14, sy + 8, _cn_date(issue, padded=False), value_font, value_size, ink)
    _seal(page, rng, sx, sy - 2, rng.uniform(17.0, 21.0), authority, label_font)
    foot = rng.uniform(2.6, 3.0)
    page.text(inset + 12, 210 - inset - 5, "国家企业信用信息公示系统网址：http://www.gsxt.gov.cn",
              label_font, foot, ink)
    page.text(297 - inset - 55, 210 - inset - 5, "国家市场监督管理总局监制", label_font, foot, ink)
    page.min_text_mm = value_size * 0.95  # the credit code
    page.conditions.update(layout="two_columns" if two_columns else "one_column", form=form,
                           fonts={"title": title_font.name, "label": label_font.name,
                                  "value": value_font.name})
    return page, truth


_FILLER = (
    "根据《中华人民共和国民法典》《中华人民共和国城市房地产管理法》《商品房销售管理办法》"
    "及其他有关法律、法规之规定，出卖人和买受人在平等、自愿、公平、协商一致的基础上，"
    "就买卖商品房达成如下协议：",
    "出卖人应当在商品房交付使用前按项目实际情况建成供水、供电、供暖、燃气、通讯、道路、"
    "绿化等公共基础设施和公共服务配套设施，并达到约定的使用条件。",
    "买受人应当按照本合同约定的付款方式和付款期限将房价款支付给出卖人。买受人逾期付款的，"
    "按照逾期时间，分别处理，逾期在六十日之内的，自本合同规定的应付款期限之第二天起至"
    "实际全额支付应付款之日止，买受人按日计算向出卖人支付逾期应付款万分之二的违约金。",
    "出卖人应当在商品房交付使用后三百六十五日内，将办理权属登记需由出卖人提供的资料报产权"
    "登记机关备案。如因出卖人的责任，买受人不能在规定期限内取得房地产权属证书的，双方同意"
    "按照有关规定处理。",
    "本合同自双方签字（盖章）之日起生效。本合同未尽事项，可由双方约定后签订补充协议。合同"
    "附件与本合同具有同等法律效力。本合同连同附件共若干页，一式四份，具有同等法律效力。",
)


def _contract_fonts(rng: random.Random) -> tuple[Font, Font]:
    return _pick_font(rng, _CJK_FONTS), _pick_font(rng, _CJK_FONTS)


def purchase_contract(rng: random.Random, ppm: float = 6.0) -> tuple[Page, dict[str, str]]:
    """商品房买卖合同, one A4 page carrying the parties, the property, price and signing."""
    page = Page(210.0, 297.0, ppm, _paper(rng))
    title_font, body_font = _contract_fonts(rng)
    ink = _ink(rng)
    size = rng.uniform(3.5, 4.2)
    pitch = size * rng.uniform(1.55, 1.85)
    margin = rng.uniform(20.0, 28.0)
    width = 210 - 2 * margin
    x = margin
    y = rng.uniform(24.0, 34.0)
    title = "商品房买卖合同" + rng.choice(("", "（预售）", "（现售）"))
    title_size = rng.uniform(6.5, 8.0)
    title_w = page.measure(title, title_font, title_size)
    page.text(105 - title_w / 2, y, title, title_font, title_size, ink)
    y += title_size + pitch
    page.text(210 - margin - 62, y, f"合同编号：{rng.choice(('YS', 'XS', 'HT'))}"
              f"{rng.randint(2015, 2025)}{rng.randint(100000, 999999)}", body_font, size * 0.9,
              ink)
    y += pitch * 1.4
    seller_region = _region(rng)
    seller = _company_name(rng, seller_region, trade="房地产开发")
    buyer = _person_name(rng)
    buyer_region = _region(rng)
    male = rng.random() < 0.5
    buyer_birth = _date(rng, dt.date(1955, 1, 1), dt.date(2003, 12, 31))
    buyer_id = _id_number(rng, buyer_region[3], buyer_birth, male)
    signed = _date(rng, dt.date(2012, 1, 1), dt.date(2025, 9, 30))
    seller_label = rng.choice(("出卖人：", "出卖人（甲方）：", "出卖人名称："))
    y = page.paragraph(x, y, seller_label + seller, width, body_font, size, pitch,
                       keys={"seller": seller}, fill=ink)
    for line in (f"通讯地址：{_street_address(rng, seller_region, False, rural_ok=False)}",
                 f"统一社会信用代码：{_uscc(rng, seller_region[3], '1')}",
                 f"法定代表人：{_person_name(rng)}    联系电话：0{rng.randint(10, 999)}-"
                 f"{rng.randint(10000000, 89999999)}"):
        y = page.paragraph(x, y, line, width, body_font, size, pitch, fill=ink)
    y += pitch * 0.4
    buyer_label = rng.choice(("买受人：", "买受人（乙方）：", "买受人姓名："))
    y = page.paragraph(x, y, buyer_label + buyer, width, body_font, size, pitch,
                       keys={"buyer": buyer}, fill=ink)
    id_line = rng.choice(("【国籍】中国  【证件类型】居民身份证  证件号码：",
                          "证件类型：居民身份证  证件号码：", "身份证号码：", "【身份证】号码："))
    y = page.paragraph(x, y, id_line + buyer_id, width, body_font, size, pitch,
                       keys={"buyer_id_number": buyer_id}, fill=ink)
    y = page.paragraph(x, y, f"通讯地址：{_street_address(rng, buyer_region, True)}", width,
                       body_font, size, pitch, fill=ink)
    y = page.paragraph(x, y, f"联系电话：1{rng.randint(3, 9)}{rng.randint(100000000, 999999999)}",
                       width, body_font, size, pitch, fill=ink)
    y += pitch * 0.5
    y = page.paragraph(x, y, _FILLER[0], width, body_font, size, pitch, indent=2 * size,
                       fill=ink)
    property_region = seller_region
    property_address = (property_region[1] + property_region[2] + rng.choice(_ROADS)
                        + f"{rng.randint(1, 999)}号" + rng.choice(_ESTATES)
                        + f"{rng.randint(1, 30)}栋{rng.randint(1, 3)}单元"
                        + f"{rng.randint(2, 33)}{rng.randint(1, 6):02d}房")
    place_clause = rng.choice((
        "第一条 买受人购买的商品房坐落于{a}。",
        "第一条 房屋坐落：{a}。",
        "第一条 该商品房位于{a}，用途为住宅，房屋结构为钢筋混凝土结构。",
        "第一条 房屋位置：{a}，该商品房用途为住宅。",
    ))
    y = page.paragraph(x, y, place_clause.format(a=property_address), width, body_font, size,
                       pitch, indent=2 * size, keys={"property_address": property_address},
                       fill=ink)
    area = round(rng.uniform(42.0, 188.0), 2)
    inner = round(area * rng.uniform(0.74, 0.86), 2)
    unit = rng.choice(("平方米", "㎡"))
    area_text = f"{area:.2f}"
    area_clause = (f"第二条 该商品房合同约定建筑面积共{area_text}{unit}，其中套内建筑面积"
                   f"{inner:.2f}{unit}，分摊共有建筑面积{area - inner:.2f}{unit}。")
    y = page.paragraph(x, y, area_clause, width, body_font, size, pitch, indent=2 * size,
                       keys={"area": area_text}, fill=ink)
    unit_price = rng.randint(60, 800) * 100
    total = round(area * unit_price / 1000) * 1000
    total_text = rng.choice((f"{total}", f"{total:,}", f"{total}.00"))
    price_clause = (f"第三条 该商品房按建筑面积计算，单价为每平方米人民币{unit_price}元，"
                    f"总价款为人民币（小写）{total_text}元（大写）{rmb_upper(total)}。")
    y = page.paragraph(x, y, price_clause, width, body_font, size, pitch, indent=2 * size,
                       keys={"total_price": total_text}, fill=ink)
    for filler in rng.sample(_FILLER[1:], k=len(_FILLER) - 1):
        if y + pitch * 4 > 297 - 55:
            break
        lines = page.wrap(filler, width, body_font, size, first_width=width - 2 * size)
        if y + pitch * len(lines) > 297 - 55:
            continue
        y = page.paragraph(x, y, filler, width, body_font, size, pitch, indent=2 * size,
                           fill=ink)
    y = max(y + pitch, 297 - rng.uniform(52.0, 60.0))
    page.text(x, y, "出卖人（签章）：", body_font, size, ink)
    page.text(105 + 5, y, "买受人（签章）：", body_font, size, ink)
    page.text(105 + 5 + page.measure("买受人（签章）：", body_font, size) + 2, y + 1, buyer,
              _pick_font(rng, _CJK_FONTS), size * 1.3, (30, 30, 90))
    # the seller's seal over its signature line; it may reach the signing date below
    _seal(page, rng, x + rng.uniform(22.0, 40.0), y - rng.uniform(4.0, 9.0),
          rng.uniform(17.0, 20.0), seller, body_font)
    y += pitch * 2
    date_label = rng.choice(("签订日期：", "签约日期：", "合同签订日期："))
    signed_text = _cn_date(signed, padded=rng.random() < 0.5)
    end = page.text(x, y, date_label, body_font, size, ink)
    page.text(end, y, signed_text, body_font, size, ink, key="signed_date")
    if rng.random() < 0.5:
        page.text(105 + 5, y, f"签订地点：{seller_region[1]}", body_font, size, ink)
    page.min_text_mm = size
    page.conditions.update(fonts={"title": title_font.name, "body": body_font.name})
    truth = {"buyer": buyer, "buyer_id_number": buyer_id, "seller": seller,
             "property_address": property_address, "area": area_text,
             "total_price": str(total), "signed_date": signed.isoformat()}
    return page, truth


def rental_contract(rng: random.Random, ppm: float = 6.0) -> tuple[Page, dict[str, str]]:
    """房屋租赁合同, one A4 page: parties with ID numbers, term and monthly rent."""
    page = Page(210.0, 297.0, ppm, _paper(rng))
    title_font, body_font = _contract_fonts(rng)
    ink = _ink(rng)
    size = rng.uniform(3.5, 4.2)
    pitch = size * rng.uniform(1.55, 1.9)
    margin = rng.uniform(20.0, 28.0)
    width = 210 - 2 * margin
    x = margin
    y = rng.uniform(26.0, 38.0)
    title = rng.choice(("房屋租赁合同", "房 屋 租 赁 合 同", "住房租赁合同"))
    title_size = rng.uniform(6.5, 8.0)
    page.text(105 - page.measure(title, title_font, title_size) / 2, y, title, title_font,
              title_size, ink)
    y += title_size + pitch * 1.2
    region = _region(rng)
    landlord, tenant = _person_name(rng), _person_name(rng)
    landlord_id = _id_number(rng, _region(rng)[3], _date(rng, dt.date(1950, 1, 1),
                                                          dt.date(1995, 12, 31)),
                             rng.random() < 0.5)
    tenant_id = _id_number(rng, _region(rng)[3], _date(rng, dt.date(1960, 1, 1),
                                                        dt.date(2005, 12, 31)),
                           rng.random() < 0.5)
    id_label = rng.choice(("身份证号码：", "身份证号：", "证件号码："))
    landlord_label = rng.choice(("出租人（甲方）：", "甲方（出租人）：", "出租方（甲方）："))
    tenant_label = rng.choice(("承租人（乙方）：", "乙方（承租人）：", "承租方（乙方）："))
    for label, who, number, keys in (
            (landlord_label, landlord, landlord_id, None),
            (tenant_label, tenant, tenant_id, ("tenant", "tenant_id_number"))):
        if rng.random() < 0.5:
            line = f"{label}{who}    {id_label}{number}"
            field_keys = {keys[0]: who, keys[1]: number} if keys else None
            y = page.paragraph(x, y, line, width, body_font, size, pitch, keys=field_keys,
                               fill=ink)
        else:
            y = page.paragraph(x, y, label + who, width, body_font, size, pitch,
                               keys={keys[0]: who} if keys else None, fill=ink)
            y = page.paragraph(x, y, id_label + number, width, body_font, size, pitch,
                               keys={keys[1]: number} if keys else None, fill=ink)
        phone = f"联系电话：1{rng.randint(3, 9)}{rng.randint(100000000, 999999999)}"
        y = page.paragraph(x, y, phone, width, body_font, size, pitch, fill=ink)
        y += pitch * 0.4
    y = page.paragraph(x, y, "根据《中华人民共和国民法典》及有关法律、法规的规定，甲、乙双方在"
                       "平等、自愿、协商一致的基础上，就乙方承租甲方房屋事宜，订立本合同。", width,
                       body_font, size, pitch, indent=2 * size, fill=ink)
    house = _street_address(rng, region, with_province=rng.random() < 0.4, rural_ok=False)
    area = round(rng.uniform(28.0, 140.0), 1)
    y = page.paragraph(x, y, f"第一条 甲方将其合法拥有的位于{house}的房屋（建筑面积{area}平方米）"
                       f"出租给乙方作{rng.choice(('居住', '居住', '办公'))}使用。", width,
                       body_font, size, pitch, indent=2 * size, fill=ink)
    start = _date(rng, dt.date(2018, 1, 1), dt.date(2025, 12, 1))
    if rng.random() < 0.6:
        start = start.replace(day=1)
    months = rng.choice((6, 12, 12, 12, 24, 36))
    end = _add_months(start, months) - dt.timedelta(days=1)
    padded = rng.random() < 0.4
    start_text, end_text = _cn_date(start, padded), _cn_date(end, padded)
    term = f"第二条 租赁期限：租赁期共{months}个月，自{start_text}起至{end_text}止。"
    y = page.paragraph(x, y, term, width, body_font, size, pitch, indent=2 * size,
                       keys={"start": start_text, "end": end_text}, fill=ink)
    rent = rng.randint(8, 150) * 100 + rng.choice((0, 0, 0, 50))
    rent_text = rng.choice((f"{rent}", f"{rent}.00", f"{rent:,}"))
    style = rng.random()
    if style < 0.6:
        clause = f"第三条 租金：月租金为人民币{rent_text}元（大写：{rmb_upper(rent)}），"
    elif style < 0.85:
        clause = f"第三条 租金标准：每月租金{rent_text}元整（大写{rmb_upper(rent)}），"
    else:
        clause = f"第三条 月租金：人民币（小写）¥{rent_text}元，大写：{rmb_upper(rent)}，"
    clause += rng.choice(("按月支付，乙方应于每月5日前支付当月租金。",
                          "按季度支付，乙方应于每季度首月10日前支付。",
                          "每三个月支付一次，先付后住。"))
    y = page.paragraph(x, y, clause, width, body_font, size, pitch, indent=2 * size,
                       keys={"monthly_rent": rent_text}, fill=ink)
    deposit = rent * rng.choice((1, 2))
    for filler in (f"第四条 押金：乙方于签订本合同时向甲方支付押金人民币{deposit}元，租赁期满乙方"
                   "结清各项费用并交还房屋后，甲方应将押金无息退还乙方。",
                   "第五条 租赁期间，水费、电费、燃气费、物业管理费及网络费用由乙方承担；"
                   "房屋及附属设施的正常维修由甲方负责。",
                   "第六条 乙方不得擅自改变房屋结构和用途，不得将房屋转租他人。乙方逾期支付"
                   "租金超过十五日的，甲方有权解除合同。",
                   "第七条 本合同一式两份，甲乙双方各执一份，自双方签字之日起生效。"):
        lines = page.wrap(filler, width, body_font, size, first_width=width - 2 * size)
        if y + pitch * (len(lines) + 4) > 297 - 30:
            break
        y = page.paragraph(x, y, filler, width, body_font, size, pitch, indent=2 * size,
                           fill=ink)
    y = max(y + pitch, 297 - rng.uniform(46.0, 56.0))
    page.text(x, y, "甲方（签字）：", body_font, size, ink)
    page.text(110, y, "乙方（签字）：", body_font, size, ink)
    y += pitch * 1.6
    signed = start - dt.timedelta(days=rng.randint(0, 20))
    page.text(x, y, _cn_date(signed, padded), body_font, size, ink)
    page.text(110, y, _cn_date(signed, padded), body_font, size, ink)
    page.min_text_mm = size
    page.conditions.update(fonts={"title": title_font.name, "body": body_font.name})
    truth = {"tenant": tenant, "tenant_id_number": tenant_id, "monthly_rent": str(rent),
             "start": start.isoformat(), "end": end.isoformat()}
    return page, truth


@functools.cache
def _pdf_font(font: Font) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    name = f"eval-{font.name.replace(' ', '-')}"
    pdfmetrics.registerFont(TTFont(name, font.path, subfontIndex=font.index))
    return name


def _print_through_pdf(page: Page, rng: random.Random) -> None:
    """Print the page's text: a PDF rasterised by poppler, toner on paper, then the page's
    graphics (emblem, QR code, frame, seals stamped after printing) multiplied over it."""
    from reportlab.pdfgen import canvas

    assert page.printed_text is not None
    width, height = page.image.size
    buffer = io.BytesIO()
    # one PDF point per page pixel: rasterised at 72 dpi the page comes back pixel for pixel
    pdf = canvas.Canvas(buffer, pagesize=(width, height), invariant=1)
    for x, y, text, font, size_px, fill in page.printed_text:
        pdf.setFillColorRGB(*(c / 255.0 for c in fill))
        pdf.setFont(_pdf_font(font), size_px)
        pdf.drawString(x, height - y, text)
    pdf.showPage()
    pdf.save()
    raster = subprocess.run(["pdftoppm", "-r", "72", "-singlefile", "-"],
                            input=buffer.getvalue(), capture_output=True, check=True,
                            timeout=60).stdout
    printed = np.asarray(Image.open(io.BytesIO(raster)).convert("RGB"), dtype=np.float32)
    if printed.shape[:2] != (height, width):
        printed = cv2.resize(printed, (width, height), interpolation=cv2.INTER_LINEAR)
    # toner: a little lighter than pure ink, dot gain, and grain where toner lies
    toner = rng.uniform(0.8, 0.97)
    gain_sigma = rng.uniform(0.3, 0.7)
    coverage = (255.0 - printed) * toner
    coverage = cv2.GaussianBlur(coverage, (0, 0), gain_sigma)
    grain = np.random.default_rng(rng.randrange(2**32)).normal(
        1.0, 0.12, coverage.shape[:2]).astype(np.float32)
    coverage *= grain[..., None]
    ink = np.clip(255.0 - coverage, 0, 255) / 255.0
    graphics = np.asarray(page.image, dtype=np.float32)
    page.image = Image.fromarray((graphics * ink).astype(np.uint8))
    page.draw = ImageDraw.Draw(page.image)
    page.conditions["medium"] = {"printed_pdf": True, "toner": round(toner, 3),
                                 "dot_gain_px": round(gain_sigma, 2)}


_DOCUMENTS = {"id_card": id_card, "id_card_back": id_card_back,
              "business_license": business_license, "purchase_contract": purchase_contract,
              "rental_contract": rental_contract}
_PAGE_MM = {"id_card": (85.6, 54.0), "id_card_back": (85.6, 54.0),
            "business_license": (297.0, 210.0), "purchase_contract": (210.0, 297.0),
            "rental_contract": (210.0, 297.0)}


# --------------------------------------------------------------------------------------
# The camera: framing, desk, light, shadows, optics, glare, blur, noise, JPEG
# --------------------------------------------------------------------------------------

# (device, frame width, height, sensor it stands for)
_LANDSCAPE_DEVICES = (("phone", 2000, 1500, "4000x3000 scaled 1/2"),
                      ("phone", 2400, 1800, "4000x3000 scaled 3/5"),
                      ("doc_camera", 2592, 1944, "2592x1944"),
                      ("doc_camera", 1920, 1080, "1920x1080"))
_PORTRAIT_DEVICES = (("phone", 1500, 2000, "3000x4000 scaled 1/2"),
                     ("phone", 2250, 3000, "3000x4000 scaled 3/4"),
                     ("doc_camera", 2592, 1944, "2592x1944"))
# Pixels per millimetre a legible photo keeps at least, so the type's field text is
# 16 px or more tall (ID card values 2.9 mm, licence values and code 3.6-4 mm, contract
# body 3.5 mm).
_MIN_PPM = {"id_card": 5.5, "id_card_back": 5.5, "business_license": 4.4,
            "purchase_contract": 4.6, "rental_contract": 4.6}


@dataclass(frozen=True)
class Shot:
    """Where the page lands in the frame."""

    device: str
    sensor: str
    frame: tuple[int, int]  # width, height
    quad_mm: np.ndarray  # page corners (tl, tr, br, bl) after perspective, page mm units
    scale: float  # frame pixels per projected millimetre
    centre: tuple[float, float]
    render_ppm: float
    conditions: dict[str, object]


def _plan_shot(doc_type: str, rng: random.Random) -> Shot:
    w_mm, h_mm = _PAGE_MM[doc_type]
    devices = _PORTRAIT_DEVICES if h_mm > w_mm else _LANDSCAPE_DEVICES
    rotation = rng.uniform(-10.0, 10.0)
    tilt = rng.uniform(0.0, 15.0)
    tilt_dir = rng.uniform(0.0, 360.0)
    distance = rng.uniform(1.2, 2.0) * max(w_mm, h_mm)
    tx, ty = (math.radians(tilt) * f for f in (math.cos(math.radians(tilt_dir)),
                                                math.sin(math.radians(tilt_dir))))
    rx = np.array([[1, 0, 0], [0, math.cos(tx), -math.sin(tx)], [0, math.sin(tx), math.cos(tx)]])
    ry = np.array([[math.cos(ty), 0, math.sin(ty)], [0, 1, 0], [-math.sin(ty), 0, math.cos(ty)]])
    rz_angle = math.radians(rotation)
    rz = np.array([[math.cos(rz_angle), -math.sin(rz_angle), 0],
                   [math.sin(rz_angle), math.cos(rz_angle), 0], [0, 0, 1]])
    corners = np.array([[-w_mm / 2, -h_mm / 2, 0], [w_mm / 2, -h_mm / 2, 0],
                        [w_mm / 2, h_mm / 2, 0], [-w_mm / 2, h_mm / 2, 0]])
    moved = corners @ (rz @ rx @ ry).T
    quad = moved[:, :2] * (distance / (distance + moved[:, 2:3]))
    span = quad.max(axis=0) - quad.min(axis=0)
    # only frames that can hold the whole page with its text still legible
    usable = [d for d in devices
              if 0.96 * min(d[1] / span[0], d[2] / span[1]) >= _MIN_PPM[doc_type]]
    device, fw, fh, sensor = rng.choice(usable or devices)
    fill = rng.uniform(0.45, 0.9)
    scale = fill * min(fw / span[0], fh / span[1])
    if scale < _MIN_PPM[doc_type]:
        # closer: the page fills more of the frame so its text stays legible
        scale = min(_MIN_PPM[doc_type], 0.96 * min(fw / span[0], fh / span[1]))
        fill = scale / min(fw / span[0], fh / span[1])
    room = np.array([fw, fh]) - span * scale
    centre = (fw / 2 + rng.uniform(-0.4, 0.4) * room[0], fh / 2 + rng.uniform(-0.4, 0.4) * room[1])
    d1, d2 = quad[2] - quad[0], quad[3] - quad[1]
    quad_area = 0.5 * abs(float(d1[0] * d2[1] - d1[1] * d2[0]))
    conditions: dict[str, object] = {
        "device": device, "sensor": sensor, "resolution": [fw, fh],
        "rotation_deg": round(rotation, 2), "perspective_tilt_deg": round(tilt, 2),
        "tilt_direction_deg": round(tilt_dir, 1), "fill": round(fill, 3),
        "area_fraction": round(quad_area * scale**2 / (fw * fh), 3),
        "px_per_mm": round(scale, 2)}
    # render a little finer than the photo so warping only ever shrinks
    return Shot(device, sensor, (fw, fh), quad, scale, centre, scale * 1.15, conditions)


def _desk(rng: random.Random, nrng: np.random.Generator, size: tuple[int, int]
          ) -> tuple[np.ndarray, str]:
    """A desk or dark cloth under the page, made small and enlarged (it is out of focus)."""
    w, h = size
    sw, sh = max(w // 8, 8), max(h // 8, 8)
    style = rng.choice(("wood", "dark_laminate", "grey_desk", "black_mat", "green_mat",
                        "fabric"))
    base = {"wood": (112, 78, 50), "dark_laminate": (58, 52, 48), "grey_desk": (120, 122, 126),
            "black_mat": (30, 30, 33), "green_mat": (40, 88, 70), "fabric": (70, 60, 90)}[style]
    jitter = np.array([rng.uniform(0.8, 1.2) for _ in range(3)], dtype=np.float32)
    small = np.ones((sh, sw, 3), np.float32) * np.array(base, np.float32) * jitter
    low = cv2.resize(nrng.standard_normal((max(sh // 6, 2), max(sw // 6, 2)))
                     .astype(np.float32), (sw, sh), interpolation=cv2.INTER_CUBIC)
    small *= (1.0 + 0.12 * low)[..., None]
    if style == "wood":
        ys = np.arange(sh, dtype=np.float32)[:, None]
        xs = np.arange(sw, dtype=np.float32)[None, :]
        grain = np.sin((ys * 0.35 + 6 * np.sin(xs * 0.01 + rng.uniform(0, 6))) * rng.uniform(
            0.4, 0.9))
        small *= (1.0 + 0.1 * grain)[..., None]
    elif style == "green_mat":
        step = max(sw // 30, 3)
        small[::step, :, :] *= 1.35
        small[:, ::step, :] *= 1.35
    elif style == "fabric":
        small *= (1.0 + 0.08 * nrng.standard_normal((sh, sw, 1)).astype(np.float32))
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR), style


def _ellipse_field(size: tuple[int, int], centre: tuple[float, float], axes: tuple[float, float],
                   angle: float, scale: int = 1) -> np.ndarray:
    """Normalised elliptic radius (1 on the ellipse) over the frame, computed at 1/scale."""
    w, h = size[0] // scale, size[1] // scale
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    xs = xs * scale - centre[0]
    ys = ys * scale - centre[1]
    c, s = math.cos(angle), math.sin(angle)
    u = (xs * c + ys * s) / axes[0]
    v = (-xs * s + ys * c) / axes[1]
    r = np.sqrt(u * u + v * v)
    if scale > 1:
        r = cv2.resize(r, size, interpolation=cv2.INTER_LINEAR)
    return r


def _hand_shadow(rng: random.Random, size: tuple[int, int]) -> tuple[np.ndarray, str]:
    """Soft shadow of a hand (palm and fingers) or of the document camera's arm."""
    w, h = size
    sw, sh = w // 4, h // 4
    mask = np.zeros((sh, sw), np.uint8)
    kind = rng.choice(("hand", "hand", "camera_arm"))
    edge = rng.choice(("left", "right", "top", "bottom"))
    along = rng.uniform(0.2, 0.8)
    if kind == "camera_arm":
        thickness = round(rng.uniform(0.06, 0.12) * min(sw, sh))
        if edge in ("left", "right"):
            y = round(along * sh)
            x0, x1 = (0, round(sw * rng.uniform(0.3, 0.6))) if edge == "left" else (
                round(sw * rng.uniform(0.4, 0.7)), sw)
            cv2.line(mask, (x0, y), (x1, y + round(rng.uniform(-0.1, 0.1) * sh)), 255,
                     thickness)
        else:
            x = round(along * sw)
            y0, y1 = (0, round(sh * rng.uniform(0.3, 0.6))) if edge == "top" else (
                round(sh * rng.uniform(0.4, 0.7)), sh)
            cv2.line(mask, (x, y0), (x + round(rng.uniform(-0.1, 0.1) * sw), y1), 255, thickness)
    else:
        unit = min(sw, sh)
        palm_r = (round(unit * rng.uniform(0.12, 0.18)), round(unit * rng.uniform(0.15, 0.22)))
        depth = rng.uniform(0.1, 0.3)
        inward = {"left": (1, 0), "right": (-1, 0), "top": (0, 1), "bottom": (0, -1)}[edge]
        start = {"left": (0, along * sh), "right": (sw, along * sh), "top": (along * sw, 0),
                 "bottom": (along * sw, sh)}[edge]
        palm = (start[0] + inward[0] * depth * unit, start[1] + inward[1] * depth * unit)
        angle = math.degrees(math.atan2(inward[1], inward[0]))
        cv2.ellipse(mask, (round(palm[0]), round(palm[1])), palm_r, angle, 0, 360, 255, -1)
        # the wrist, back to the edge
        cv2.line(mask, (round(start[0]), round(start[1])), (round(palm[0]), round(palm[1])),
                 255, round(palm_r[1] * 1.4))
        for k in range(4):
            spread = math.radians(angle + (k - 1.5) * 14 + rng.uniform(-4, 4))
            length = unit * rng.uniform(0.12, 0.2)
            base = (palm[0] + math.cos(spread) * palm_r[0] * 0.8,
                    palm[1] + math.sin(spread) * palm_r[0] * 0.8)
            tip = (base[0] + math.cos(spread) * length, base[1] + math.sin(spread) * length)
            cv2.line(mask, (round(base[0]), round(base[1])), (round(tip[0]), round(tip[1])),
                     255, max(round(unit * 0.045), 2))
    blur = max(unit_blur := min(sw, sh) * rng.uniform(0.03, 0.07), 1.0)
    soft = cv2.GaussianBlur(mask.astype(np.float32) / 255.0, (0, 0), blur)
    del unit_blur
    return cv2.resize(soft, size, interpolation=cv2.INTER_LINEAR), kind


def _box_in_photo(box: Box, homography: np.ndarray) -> tuple[np.ndarray, list[int]]:
    x0, y0, x1, y1 = box
    pts = np.array([[[x0, y0]], [[x1, y0]], [[x1, y1]], [[x0, y1]]], np.float32)
    quad = cv2.perspectiveTransform(pts, homography)[:, 0, :]
    lo, hi = quad.min(axis=0), quad.max(axis=0)
    return quad, [math.floor(lo[0]), math.floor(lo[1]), math.ceil(hi[0]),
                  math.ceil(hi[1])]


def _photograph(page: Page, shot: Shot, kind: str, rng: random.Random,
                nrng: np.random.Generator) -> tuple[bytes, dict[str, object]]:
    fw, fh = shot.frame
    conditions = dict(shot.conditions)
    conditions.update(page.conditions)
    conditions["kind"] = kind
    # em height of the page's smallest field text at the page's centre, in photo pixels
    conditions["smallest_text_px"] = round(shot.scale * page.min_text_mm, 1)
    # --- paper curl: a sheet lifts at an edge or bows a little; cards stay flat
    if page.width_mm > 100 and rng.random() < 0.35:
        _curl(page, rng)
    else:
        page.conditions["curl"] = None
    conditions["curl"] = page.conditions["curl"]
    # --- geometry: page pixels -> frame pixels
    pw, ph = page.image.size
    src = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32)
    centre_mm = (shot.quad_mm.max(axis=0) + shot.quad_mm.min(axis=0)) / 2
    dst = ((shot.quad_mm - centre_mm) * shot.scale + np.array(shot.centre)).astype(np.float32)
    homography = cv2.getPerspectiveTransform(src, dst)
    paper = cv2.warpPerspective(np.asarray(page.image), homography, (fw, fh),
                                flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    inside = cv2.warpPerspective(np.asarray(page.mask), homography, (fw, fh),
                                 flags=cv2.INTER_LINEAR).astype(np.float32) / 255.0
    desk, desk_style = _desk(rng, nrng, (fw, fh))
    conditions["background"] = desk_style
    # The page's own soft shadow on the desk, made at a quarter of the size (it is soft).
    qw, qh = fw // 4, fh // 4
    lift = cv2.GaussianBlur(cv2.resize(inside, (qw, qh), interpolation=cv2.INTER_AREA),
                            (0, 0), max(qw, qh) * 0.004)
    offset = np.float32([[1, 0, rng.uniform(-0.004, 0.008) * qw],
                         [0, 1, rng.uniform(0.0, 0.008) * qh]])
    drop = cv2.resize(cv2.warpAffine(lift, offset, (qw, qh)), (fw, fh))
    # Light, all folded into one gain per pixel: a lamp's gradient across the page,
    # vignetting, exposure kept so the brightest paper stays below clipping, and maybe the
    # soft shadow of a hand or the camera's arm.
    gain = rng.uniform(0.0, 0.4)
    light_dir = rng.uniform(0.0, 2 * math.pi)
    ys, xs = np.mgrid[0:fh:8, 0:fw:8].astype(np.float32)
    proj = xs * math.cos(light_dir) + ys * math.sin(light_dir)
    page_proj = dst[:, 0] * math.cos(light_dir) + dst[:, 1] * math.sin(light_dir)
    t = np.clip((proj - page_proj.min()) / max(page_proj.max() - page_proj.min(), 1.0), 0, 1)
    vignette = rng.uniform(0.0, 0.15)
    r2 = ((xs - fw / 2) ** 2 + (ys - fh / 2) ** 2) / ((fw / 2) ** 2 + (fh / 2) ** 2)
    brightest_paper = max(page.paper) * (1.0 + gain)
    exposure = rng.uniform(0.9, 0.985) * 244.0 / brightest_paper
    light_small = (1.0 + gain * t) * (1.0 - vignette * r2) * exposure
    light = cv2.resize(light_small, (fw, fh), interpolation=cv2.INTER_LINEAR)
    conditions.update(light_gradient=round(gain, 3),
                      light_direction_deg=round(math.degrees(light_dir), 1),
                      vignette=round(vignette, 3), exposure=round(exposure, 3))
    if rng.random() < 0.45:
        shadow, shadow_kind = _hand_shadow(rng, (fw, fh))
        strength = rng.uniform(0.2, 0.45)
        light *= 1.0 - strength * shadow
        conditions["shadow"] = {"kind": shadow_kind, "strength": round(strength, 3)}
    else:
        conditions["shadow"] = None
    cast = [rng.uniform(0.95, 1.05), 1.0, rng.uniform(0.93, 1.05)]  # R, G, B white balance
    conditions["white_balance_rgb"] = [round(c, 3) for c in cast]
    desk_gain = light * (1.0 - 0.45 * drop) * (1.0 - inside)
    page_gain = light * inside
    img = desk * desk_gain[..., None]
    img += paper.astype(np.float32) * page_gain[..., None]
    img *= np.array(cast, np.float32)

    # --- optics: a camera is never perfectly sharp; blur photos are much worse
    if kind == "blur":
        mm5 = 5.0 * shot.scale
        if rng.random() < 0.5:
            sigma = rng.uniform(0.25, 0.45) * mm5
            img = _downscaled(img, sigma / 3.0, lambda small, f: cv2.GaussianBlur(
                small, (0, 0), sigma / f))
            conditions["blur"] = {"type": "defocus", "sigma_px": round(sigma, 1),
                                  "sigma_over_5mm": round(sigma / mm5, 3)}
        else:
            length = rng.uniform(0.9, 1.5) * mm5
            angle = rng.uniform(0.0, math.pi)
            img = _downscaled(img, length / 12.0,
                              lambda small, f: _motion(small, length / f, angle))
            conditions["blur"] = {"type": "motion", "length_px": round(length, 1),
                                  "angle_deg": round(math.degrees(angle), 1),
                                  "length_over_5mm": round(length / mm5, 3)}
    else:
        sigma = rng.uniform(0.3, 0.8)
        img = cv2.GaussianBlur(img, (0, 0), sigma)
        conditions["optics_sigma_px"] = round(sigma, 2)

    # --- field boxes in the photo
    boxes: dict[str, list[list[int]]] = {}
    quads: dict[str, list[np.ndarray]] = {}
    for key, page_boxes in page.fields.items():
        for box in page_boxes:
            quad, bounds = _box_in_photo(box, homography)
            boxes.setdefault(key, []).append(bounds)
            quads.setdefault(key, []).append(quad)
    conditions["field_boxes"] = boxes

    if kind == "glare":
        img, conditions["glare"] = _glare(img, quads, rng)

    # --- sensor noise and JPEG
    noise_sigma = rng.uniform(1.5, 5.0)
    half = nrng.standard_normal(((fh + 1) // 2, (fw + 1) // 2, 3), dtype=np.float32)
    noise = cv2.resize(half, (fw, fh), interpolation=cv2.INTER_LINEAR)
    noise *= noise_sigma * 1.4  # upscaling smooths it; 1.4 restores the level
    img += noise
    conditions["noise_sigma"] = round(noise_sigma, 2)
    quality = rng.randint(50, 95)
    conditions["jpeg_quality"] = quality
    np.clip(img, 0, 255, out=img)
    out = img.astype(np.uint8)
    ok, encoded = cv2.imencode(".jpg", cv2.cvtColor(out, cv2.COLOR_RGB2BGR),
                               [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return encoded.tobytes(), conditions


def _curl(page: Page, rng: random.Random) -> None:
    """Bend the sheet: content moves down by d(x), with the lifted part a little darker;
    the fields' boxes move with it."""
    pw, ph = page.image.size
    amplitude = rng.uniform(0.006, 0.02) * ph
    where = rng.choice(("left", "right", "bow"))
    xs = np.arange(pw, dtype=np.float32) / pw
    if where == "left":
        lift = np.clip((0.3 - xs) / 0.3, 0, 1) ** 2
    elif where == "right":
        lift = np.clip((xs - 0.7) / 0.3, 0, 1) ** 2
    else:
        lift = (2 * xs - 1) ** 2
    d = (amplitude * lift).astype(np.float32)
    map_x = np.broadcast_to(np.arange(pw, dtype=np.float32), (ph, pw)).copy()
    map_y = np.arange(ph, dtype=np.float32)[:, None] - d[None, :]
    image = cv2.remap(np.asarray(page.image), map_x, map_y, cv2.INTER_LINEAR,
                      borderMode=cv2.BORDER_REPLICATE)
    shade = (1.0 - 0.08 * lift)[None, :, None]
    page.image = Image.fromarray((image * shade).astype(np.uint8))
    page.draw = ImageDraw.Draw(page.image)
    page.mask = Image.fromarray(cv2.remap(np.asarray(page.mask), map_x, map_y,
                                          cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT))
    for key, boxes in page.fields.items():
        moved = []
        for x0, y0, x1, y1 in boxes:
            span = d[max(int(x0), 0): max(int(x1) + 1, int(x0) + 1)]
            moved.append((x0, y0 + float(span.min()), x1, y1 + float(span.max())))
        page.fields[key] = moved
    page.conditions["curl"] = {"where": where, "amplitude_px": round(amplitude, 1)}


def _downscaled(img: np.ndarray, factor: float, blur) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Blur at a reduced size when the kernel is large (the result is low-pass anyway)."""
    h, w = img.shape[:2]
    f = max(1.0, min(factor, 8.0))
    if f <= 1.0:
        return blur(img, 1.0)
    small = cv2.resize(img, (round(w / f), round(h / f)), interpolation=cv2.INTER_AREA)
    return cv2.resize(blur(small, f), (w, h), interpolation=cv2.INTER_LINEAR)


def _motion(img: np.ndarray, length: float, angle: float) -> np.ndarray:
    size = max(math.ceil(length) | 1, 3)
    kernel = np.zeros((size, size), np.float32)
    c = size // 2
    dx, dy = math.cos(angle) * (length / 2), math.sin(angle) * (length / 2)
    cv2.line(kernel, (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy)), 1.0, 1,
             lineType=cv2.LINE_AA)
    kernel /= kernel.sum()
    return cv2.filter2D(img, -1, kernel, borderType=cv2.BORDER_REFLECT)


def _glare(img: np.ndarray, quads: dict[str, list[np.ndarray]], rng: random.Random
           ) -> tuple[np.ndarray, dict[str, object]]:
    """A lamp's specular reflection: a saturated core with soft edges over a field's text."""
    fh, fw = img.shape[:2]
    key = rng.choice(sorted(quads))
    quad = rng.choice(quads[key])
    line_height = float(np.linalg.norm(quad[3] - quad[0]))
    t = rng.uniform(0.2, 0.8)
    top = quad[0] + (quad[1] - quad[0]) * t
    bottom = quad[3] + (quad[2] - quad[3]) * t
    centre = (float((top[0] + bottom[0]) / 2), float((top[1] + bottom[1]) / 2))
    axes = (rng.uniform(1.6, 4.0) * line_height, rng.uniform(1.0, 1.8) * line_height)
    angle = rng.uniform(0.0, math.pi)
    halo = rng.uniform(1.8, 2.6)
    r = _ellipse_field((fw, fh), centre, axes, angle, scale=2)
    falloff = np.clip(1.0 - (r - 1.0) / (halo - 1.0), 0.0, 1.0)
    falloff = np.where(r <= 1.0, 1.0, falloff**2).astype(np.float32)
    warm = (rng.uniform(300, 330), rng.uniform(295, 320), rng.uniform(280, 310))
    img = img + falloff[..., None] * np.array(warm, np.float32)
    covered = []
    core = r <= 1.0
    for name, field_quads in quads.items():
        for q in field_quads:
            poly = np.zeros((fh, fw), np.uint8)
            cv2.fillConvexPoly(poly, np.round(q).astype(np.int32), 1)
            if np.any(core & (poly > 0)):
                covered.append(name)
                break
    return img, {"field": key, "centre": [round(centre[0], 1), round(centre[1], 1)],
                 "axes": [round(axes[0], 1), round(axes[1], 1)],
                 "angle_deg": round(math.degrees(angle), 1), "halo": round(halo, 2),
                 "covers": sorted(set(covered))}


# --------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--split", choices=sorted(SPLIT_SEED_BASE), required=True)
    parser.add_argument("--per-type", type=int, default=10)
    parser.add_argument("--kind", choices=KINDS, default="legible")
    parser.add_argument("--type", dest="types", action="append", choices=DOC_TYPES,
                        help="only this document type (repeatable)")
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    with (args.outdir / "truth.jsonl").open("w", encoding="utf-8") as truth_file:
        for number, item in enumerate(photos(args.split, args.per_type, args.kind,
                                             tuple(args.types or DOC_TYPES))):
            name = f"{number:03d}-{item.doc_type}.jpg"
            (args.outdir / name).write_bytes(item.jpeg)
            record = {"file": name, "doc_type": item.doc_type, "kind": item.kind,
                      "split": args.split, "seed": item.seed, "truth": item.truth,
                      "conditions": item.conditions}
            truth_file.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
