"""Generated document photos with ground truth, for tests and the OCR benchmark.

Two steps, both deterministic by seed:

* :func:`render_document` draws a flat document (resident ID card front, business
  licence, commercial-housing purchase contract, housing rental contract) with a CJK
  font and realistic random values: ID numbers and USCCs with correct check characters,
  amounts written in digits, in 万元 or in 大写, distractor parties that must not be read
  as the citizen.
* :func:`photograph` puts it on a desk under a document camera: background texture,
  rotation, perspective, shadow, uneven light, optional glare, blur, noise and JPEG.

:func:`frame_sequence` turns a document into the preview frames a camera would send while
a hand moves it into place and then holds it still. Nothing here is used by the booth at
run time; it lives in the package so the tests, the benchmark and ``kiosk ocr`` demos
share one generator.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from kiosk.ocr.amounts import to_capital
from kiosk.ocr.checks import USCC_ALPHABET, id_check_char, uscc_check_char

DOC_TYPES = ("id_card", "business_license", "purchase_contract", "rental_contract")

Box = tuple[int, int, int, int]  # x0, y0, x1, y1


@dataclass(frozen=True, slots=True)
class FontFace:
    """One CJK typeface: a file, its index inside a collection, a short name."""

    name: str
    path: str
    index: int = 0

    def at(self, size: int) -> ImageFont.FreeTypeFont:
        return ImageFont.truetype(self.path, size, index=self.index)


_FONT_CANDIDATES = (
    FontFace("noto-sans", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    FontFace("noto-serif", "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    FontFace("wqy-zenhei", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    FontFace("arphic-ukai", "/usr/share/fonts/truetype/arphic/ukai.ttc", 0),
    FontFace("noto-sans-bold", "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),
)


def available_fonts() -> tuple[FontFace, ...]:
    """The CJK faces installed here (fonts-noto-cjk at least; see packaging/apt-packages.txt)."""
    fonts = tuple(f for f in _FONT_CANDIDATES if Path(f.path).exists())
    if not fonts:
        raise RuntimeError("no CJK font installed (apt-get install fonts-noto-cjk)")
    return fonts


def _label_font() -> FontFace:
    return available_fonts()[0]


@dataclass(frozen=True, slots=True)
class RenderedDocument:
    """A flat document image (BGR) and what is printed on it."""

    doc_type: str
    page: np.ndarray
    fields: dict[str, str]
    regions: dict[str, Box]
    font: str


@dataclass(frozen=True, slots=True)
class DocumentPhoto:
    """A camera frame (BGR) showing a document; ``corners`` are TL, TR, BR, BL in the frame."""

    image: np.ndarray
    document: RenderedDocument
    corners: np.ndarray
    glare: bool = False


# --- random values --------------------------------------------------------------------

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严武戴莫孔向汤"
)
_GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华建国志红玉文斌宇浩凯鹏辉晓东海波宁欣怡"
    "思雨梓涵子轩嘉琪佳颖俊峰婷雪梅琳晨阳春燕德庆永安家乐慧美锦程立新荣光佩瑶天佑泽楷"
)
_REGIONS = (
    ("110101", "北京市东城区"),
    ("110105", "北京市朝阳区"),
    ("310104", "上海市徐汇区"),
    ("310115", "上海市浦东新区"),
    ("440106", "广东省广州市天河区"),
    ("440305", "广东省深圳市南山区"),
    ("330106", "浙江省杭州市西湖区"),
    ("320102", "江苏省南京市玄武区"),
    ("510107", "四川省成都市武侯区"),
    ("420106", "湖北省武汉市武昌区"),
    ("610113", "陕西省西安市雁塔区"),
    ("370102", "山东省济南市历下区"),
    ("430104", "湖南省长沙市岳麓区"),
    ("350203", "福建省厦门市思明区"),
)
_STREETS = (
    "人民路", "中山路", "解放路", "建设路", "和平路", "胜利路", "文化路", "新华路", "长江路",
    "黄河路", "朝阳路", "东风路", "青年路", "学院路", "科技路", "滨江路", "花园路", "光明街",
)
_NATIONS = ("汉",) * 12 + ("回", "满", "壮", "苗", "蒙古", "土家", "彝", "藏", "维吾尔", "朝鲜")
_BRANDS = (
    "晓屋", "华信", "鼎盛", "恒通", "宏达", "远景", "新元", "瑞丰", "天成", "金源", "永泰",
    "嘉禾", "博雅", "启明", "众诚", "长青", "汇丰源", "锦华", "德润", "盛世",
)
_TRADES = (
    "科技", "贸易", "餐饮管理", "建筑工程", "文化传媒", "电子商务", "物流", "信息技术",
    "咨询服务", "房地产开发", "商贸", "广告",
)
_COMPANY_KINDS = ("有限责任公司（自然人投资或控股）", "有限责任公司（自然人独资）", "股份有限公司")


def random_name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2))))


def random_id_number(
    rng: random.Random, *, region: str | None = None, born: dt.date | None = None,
    sex: str | None = None,
) -> str:
    """A valid 18-character resident ID number (GB 11643-1999)."""
    region = region or rng.choice(_REGIONS)[0]
    born = born or dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 55))
    sequence = rng.randrange(1, 100)
    sex_digit = rng.randrange(10)
    if sex is not None and (sex_digit % 2 == 1) != (sex == "男"):
        sex_digit = (sex_digit + 1) % 10
    first17 = f"{region}{born:%Y%m%d}{sequence:02d}{sex_digit}"
    return first17 + id_check_char(first17)


def random_uscc(rng: random.Random, region: str | None = None) -> str:
    """A valid unified social credit code (GB 32100-2015) of an enterprise (91...)."""
    region = region or rng.choice(_REGIONS)[0]
    region = region[:4] + rng.choice(("00", "01", region[4:]))
    body = "91" + region + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return body + uscc_check_char(body)


def random_address(rng: random.Random, place: str) -> str:
    text = f"{place}{rng.choice(_STREETS)}{rng.randrange(1, 400)}号"
    if rng.random() < 0.6:
        text += f"{rng.randrange(1, 30)}栋{rng.randrange(1, 33)}{rng.randrange(1, 9):02d}房"
    return text


def random_company(rng: random.Random, place: str) -> str:
    city = place.split("省")[-1]
    city = city[: city.index("市") + 1] if "市" in city else city
    return f"{city}{rng.choice(_BRANDS)}{rng.choice(_TRADES)}有限公司"


def _random_date(rng: random.Random, start: dt.date, days: int) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(days))


# --- drawing --------------------------------------------------------------------------


class _Canvas:
    """A PIL page that remembers where each field was written."""

    def __init__(self, size: tuple[int, int], paper: tuple[int, int, int]) -> None:
        self.image = Image.new("RGB", size, paper)
        self.draw = ImageDraw.Draw(self.image)
        self.regions: dict[str, Box] = {}

    def text(
        self, xy: tuple[float, float], text: str, font: ImageFont.FreeTypeFont,
        fill: tuple[int, int, int] = (20, 20, 20), key: str | None = None,
        spacing: float = 0.0,
    ) -> Box:
        x, y = xy
        if spacing:
            box = self._spaced(x, y, text, font, fill, spacing)
        else:
            self.draw.text((x, y), text, font=font, fill=fill)
            left, top, right, bottom = self.draw.textbbox((x, y), text, font=font)
            box = (int(left), int(top), int(right), int(bottom))
        if key is not None:
            old = self.regions.get(key)
            self.regions[key] = box if old is None else (
                min(old[0], box[0]), min(old[1], box[1]), max(old[2], box[2]), max(old[3], box[3])
            )
        return box

    def _spaced(
        self, x: float, y: float, text: str, font: ImageFont.FreeTypeFont,
        fill: tuple[int, int, int], spacing: float,
    ) -> Box:
        x0 = x
        top, bottom = 10**9, 0
        for char in text:
            self.draw.text((x, y), char, font=font, fill=fill)
            _, t, r, b = self.draw.textbbox((x, y), char, font=font)
            top, bottom = min(top, int(t)), max(bottom, int(b))
            x = r + spacing
        return (int(x0), top, int(x - spacing), bottom)

    def width(self, text: str, font: ImageFont.FreeTypeFont) -> float:
        return float(self.draw.textlength(text, font=font))

    def bgr(self) -> np.ndarray:
        return cv2.cvtColor(np.asarray(self.image), cv2.COLOR_RGB2BGR)


def _wrap(text: str, per_line: int) -> list[str]:
    return [text[i : i + per_line] for i in range(0, len(text), per_line)]


def _guilloche(canvas: _Canvas, rng: random.Random, color: tuple[int, int, int]) -> None:
    """Faint security-print waves behind the text."""
    w, h = canvas.image.size
    for k in range(14):
        phase = rng.random() * 6.28
        amp = h * (0.03 + 0.05 * rng.random())
        base = h * (k + 0.5) / 14
        points = [
            (x, base + amp * np.sin(x / w * 9 + phase)) for x in range(0, w + 8, 8)
        ]
        canvas.draw.line(points, fill=color, width=1)


def _render_id_card(
    rng: random.Random, font: FontFace, printed: dict[str, str]
) -> RenderedDocument:
    s = 15.0  # pixels per millimetre: 85.6 x 54 mm -> 1284 x 810
    canvas = _Canvas((1284, 810), (236 + rng.randrange(12), 240, 242 + rng.randrange(10)))
    _guilloche(canvas, rng, (205, 220, 232))
    label = _label_font().at(int(2.7 * s))
    value = font.at(int(3.5 * s))
    blue = (40, 90, 160)
    code, place = rng.choice(_REGIONS)
    sex = rng.choice("男女")
    born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 55))
    number = random_id_number(rng, region=code, born=born, sex=sex)
    name = random_name(rng)
    nation = rng.choice(_NATIONS)
    address = random_address(rng, place)
    number = printed.get("id_number", number)
    sex = printed.get("sex", sex)
    jx, jy = rng.uniform(-1, 1) * s, rng.uniform(-1, 1) * s
    lx, vx = 6 * s + jx, 17 * s + jx

    canvas.text((lx, 9 * s + jy), "姓名", label, blue, spacing=0.8 * s)
    canvas.text((vx, 8.6 * s + jy), name, value, key="name")
    canvas.text((lx, 16 * s + jy), "性别", label, blue, spacing=0.8 * s)
    canvas.text((vx, 15.6 * s + jy), sex, value, key="sex")
    canvas.text((30 * s + jx, 16 * s + jy), "民族", label, blue, spacing=0.8 * s)
    canvas.text((40 * s + jx, 15.6 * s + jy), nation, value, key="nation")
    canvas.text((lx, 23 * s + jy), "出生", label, blue, spacing=0.8 * s)
    x = vx
    for part, unit in ((str(born.year), "年"), (str(born.month), "月"), (str(born.day), "日")):
        box = canvas.text((x, 22.6 * s + jy), part, value, key="birth_date")
        canvas.text((box[2] + 0.8 * s, 23 * s + jy), unit, label, blue)
        x = box[2] + 0.8 * s + canvas.width(unit, label) + 0.8 * s
    canvas.text((lx, 30 * s + jy), "住址", label, blue, spacing=0.8 * s)
    for i, line in enumerate(_wrap(address, 11)[:3]):
        canvas.text((vx, (29.6 + 5 * i) * s + jy), line, value, key="address")
    canvas.text((lx, 47 * s + jy), "公民身份号码", label, blue, spacing=0.2 * s)
    number_font = _label_font().at(int(3.9 * s))
    canvas.text((28 * s + jx, 46.2 * s + jy), number, number_font, spacing=0.35 * s,
                key="id_number")
    # the portrait: a grey silhouette where the photo would be
    px0, py0 = int(56 * s), int(7 * s)
    portrait = Image.new("RGB", (int(24 * s), int(31 * s)), (214, 220, 226))
    sketch = ImageDraw.Draw(portrait)
    sketch.ellipse((6 * s, 5 * s, 18 * s, 19 * s), fill=(150, 150, 160))
    sketch.ellipse((2 * s, 19 * s, 22 * s, 40 * s), fill=(110, 110, 130))
    canvas.image.paste(portrait, (px0, py0))
    fields = {
        "name": name, "sex": sex, "nation": nation, "birth_date": born.isoformat(),
        "address": address, "id_number": number,
    }
    return RenderedDocument("id_card", canvas.bgr(), fields, canvas.regions, font.name)


def render_id_card_back(seed: int, font: FontFace | None = None) -> np.ndarray:
    """The national-emblem side of an ID card (issuing authority and validity)."""
    rng = random.Random(seed)  # nosec B311 # test pictures, not secrets
    font = font or rng.choice(available_fonts())
    s = 15.0
    canvas = _Canvas((1284, 810), (238, 240, 246))
    _guilloche(canvas, rng, (215, 222, 236))
    canvas.draw.ellipse((6 * s, 5 * s, 22 * s, 21 * s), outline=(200, 40, 40), width=6)
    canvas.text((28 * s, 7 * s), "中华人民共和国", font.at(int(5 * s)), spacing=0.6 * s)
    canvas.text((28 * s, 17 * s), "居民身份证", font.at(int(7 * s)), spacing=0.9 * s)
    label = _label_font().at(int(2.7 * s))
    value = font.at(int(3.3 * s))
    place = rng.choice(_REGIONS)[1]
    canvas.text((15 * s, 38 * s), "签发机关", label)
    canvas.text((30 * s, 37.6 * s), place.split("省")[-1] + "公安局"[: 3], value)
    start = _random_date(rng, dt.date(2010, 1, 1), 3650)
    canvas.text((15 * s, 45 * s), "有效期限", label)
    canvas.text((30 * s, 44.6 * s), f"{start:%Y.%m.%d}-{start.year + 20}{start:.%m.%d}", value)
    return canvas.bgr()


def _render_business_license(
    rng: random.Random, font: FontFace, printed: dict[str, str]
) -> RenderedDocument:
    w, h = 1600, 1130  # A4 landscape
    canvas = _Canvas((w, h), (246, 243, 236))
    canvas.draw.rectangle((30, 30, w - 30, h - 30), outline=(180, 60, 50), width=8)
    canvas.draw.rectangle((48, 48, w - 48, h - 48), outline=(200, 120, 90), width=2)
    code, place = rng.choice(_REGIONS)
    uscc = random_uscc(rng, code)
    name = random_company(rng, place)
    legal = random_name(rng)
    capital_wan = rng.choice((10, 30, 50, 100, 200, 300, 500, 1000, 1200, 5000))
    capital_forms = (f"人民币{capital_wan}万元", f"{capital_wan}万元人民币", f"{capital_wan}万元")
    capital_text = rng.choice(capital_forms)
    established = _random_date(rng, dt.date(2000, 1, 1), 8500)
    uscc = printed.get("uscc", uscc)
    established_text = printed.get(
        "established", f"{established.year}年{established:%m}月{established:%d}日")
    label = _label_font().at(30)
    value = font.at(32)
    canvas.text((w / 2 - 250, 90), "营 业 执 照", font.at(100), (150, 30, 30))
    canvas.text((100, 110), "统一社会信用代码", label)
    canvas.text((100, 155), uscc, _label_font().at(34), key="uscc", spacing=2)
    canvas.text((w - 330, 110), "（副　本）", label)
    y0 = 330 + rng.randrange(-10, 10)
    left = [
        ("名　　称", name, "name"),
        ("类　　型", rng.choice(_COMPANY_KINDS), None),
        ("法定代表人", legal, "legal_representative"),
    ]
    for i, (caption, text, key) in enumerate(left):
        canvas.text((100, y0 + 80 * i), caption, label)
        canvas.text((290, y0 + 80 * i - 2), text, value, key=key)
    canvas.text((100, y0 + 240), "经营范围", label)
    scope = "一般项目：" + "、".join(rng.sample(
        ["技术服务", "技术开发", "技术咨询", "软件开发", "日用百货销售", "会议及展览服务",
         "企业管理咨询", "广告设计", "货物进出口", "办公用品销售"], 5)) + "。"
    for i, line in enumerate(_wrap(scope, 16)):
        canvas.text((290, y0 + 238 + 44 * i), line, font.at(28))
    right = [
        ("注册资本", capital_text, "registered_capital"),
        ("成立日期", established_text, "established"),
        ("营业期限", f"{established.year}年{established:%m}月{established:%d}日至长期", None),
    ]
    for i, (caption, text, key) in enumerate(right):
        canvas.text((880, y0 + 80 * i), caption, label)
        canvas.text((1050, y0 + 80 * i - 2), text, value, key=key)
    canvas.text((880, y0 + 240), "住　　所", label)
    for i, line in enumerate(_wrap(random_address(rng, place), 14)):
        canvas.text((1050, y0 + 238 + 44 * i), line, font.at(28))
    canvas.text((950, h - 200), "登记机关", label)
    issued = established + dt.timedelta(days=rng.randrange(3000))
    issued = min(issued, dt.date(2025, 12, 31))
    canvas.text((1110, h - 150), f"{issued.year}年{issued.month}月{issued.day}日", label)
    canvas.draw.ellipse((1120, h - 300, 1320, h - 100), outline=(210, 40, 40), width=7)
    fields = {
        "name": name, "uscc": uscc, "legal_representative": legal,
        "registered_capital": f"{capital_wan}万元", "established": established.isoformat(),
    }
    return RenderedDocument("business_license", canvas.bgr(), fields, canvas.regions, font.name)


def _paragraph(canvas: _Canvas, x: float, y: float, text: str, font: ImageFont.FreeTypeFont,
               width: float, leading: float, key: str | None = None) -> float:
    """Write ``text`` wrapped to ``width``; return the y below it."""
    line = ""
    for char in text:
        if canvas.width(line + char, font) > width:
            canvas.text((x, y), line, font, key=key)
            y += leading
            line = ""
        line += char
    if line:
        canvas.text((x, y), line, font, key=key)
        y += leading
    return y


def _render_purchase_contract(
    rng: random.Random, font: FontFace, printed: dict[str, str]
) -> RenderedDocument:
    w, h = 1240, 1754  # A4 portrait, 150 dpi
    canvas = _Canvas((w, h), (250, 250, 247))
    body = font.at(30)
    bold = _label_font().at(30)
    leading = 52
    code, place = rng.choice(_REGIONS)
    seller = random_company(rng, place).replace(rng.choice(_TRADES), "房地产开发", 1)
    buyer = random_name(rng)
    buyer_id = random_id_number(rng)
    price = rng.randrange(40, 900) * 10_000 + rng.choice((0, 0, rng.randrange(1, 10_000)))
    canvas.text((w / 2 - 240, 110), "商品房买卖合同", font.at(64))
    canvas.text((w / 2 - 120, 200), "（预售）", body)
    y = 290.0
    number = f"GF-{rng.randrange(2019, 2026)}-{rng.randrange(10**5):05d}"
    canvas.text((120, y), f"合同编号：{number}", body)
    y += leading * 1.5
    canvas.text((120, y), "出卖人：", bold)
    canvas.text((240, y), seller, body)
    y += leading
    canvas.text((120, y), f"统一社会信用代码：{random_uscc(rng, code)}", body)
    y += leading
    canvas.text((120, y), f"法定代表人：{random_name(rng)}", body)
    y += leading * 1.5
    box = canvas.text((120, y), "买受人：", bold)
    canvas.text((box[2] + 4, y), buyer, body, key="buyer")
    y += leading
    box = canvas.text((120, y), "证件类型：居民身份证　证件号码：", body)
    canvas.text((box[2] + 4, y), buyer_id, body, key="buyer_id_number")
    y += leading
    canvas.text((120, y), f"住址：{random_address(rng, rng.choice(_REGIONS)[1])}", body)
    y += leading * 1.5
    y = _paragraph(canvas, 120, y, "根据《中华人民共和国民法典》《中华人民共和国城市房地产管理法》"
                   "及其他法律、法规之规定，出卖人和买受人在平等、自愿、公平、协商一致的基础上"
                   "就买卖商品房达成如下协议：", body, w - 240, leading)
    y += leading * 0.5
    canvas.text((120, y), "第一条　计价方式与价款", bold)
    y += leading
    area = rng.randrange(45, 180) + rng.randrange(100) / 100
    y = _paragraph(canvas, 120, y, f"该商品房按套内建筑面积计价，建筑面积共{area:.2f}平方米。",
                   body, w - 240, leading)
    form = rng.choice(("digits", "digits", "wan", "capital"))
    if form == "digits":
        text = f"总价款为人民币{price:,}元（大写：{to_capital(price)}）。"
    elif form == "wan":
        text = f"总价款为人民币{price / 10_000:g}万元（大写：{to_capital(price)}）。"
    else:
        text = f"总价款为人民币（大写）{to_capital(price)}。"
    y = _paragraph(canvas, 120, y, text, body, w - 240, leading, key="total_price")
    y += leading * 0.5
    canvas.text((120, y), "第二条　付款方式及期限", bold)
    y += leading
    _paragraph(canvas, 120, y, "买受人采取按揭贷款方式付款，首期房价款于本合同签订之日"
               "起七日内支付，余款由贷款银行按约定拨付。", body, w - 240, leading)
    # what this page prints of a contract's fields (no property address or signing date)
    fields = {"buyer": buyer, "buyer_id_number": buyer_id, "total_price": str(price),
              "seller": seller, "area": f"{area:.2f}"}
    return RenderedDocument("purchase_contract", canvas.bgr(), fields, canvas.regions, font.name)


def _render_rental_contract(
    rng: random.Random, font: FontFace, printed: dict[str, str]
) -> RenderedDocument:
    w, h = 1240, 1754
    canvas = _Canvas((w, h), (250, 249, 244))
    body = font.at(30)
    bold = _label_font().at(30)
    leading = 52
    landlord, tenant = random_name(rng), random_name(rng)
    tenant_id = random_id_number(rng)
    rent = rng.randrange(8, 120) * 100 + rng.choice((0, 0, 50))
    start = _random_date(rng, dt.date(2020, 1, 1), 2000).replace(day=1)
    years = rng.choice((1, 1, 2, 3))
    end = start.replace(year=start.year + years) - dt.timedelta(days=1)
    canvas.text((w / 2 - 200, 110), "房屋租赁合同", font.at(64))
    y = 260.0
    box = canvas.text((120, y), "出租方（甲方）：", bold)
    canvas.text((box[2] + 4, y), landlord, body)
    y += leading
    canvas.text((120, y), f"身份证号：{random_id_number(rng)}", body)
    y += leading * 1.5
    box = canvas.text((120, y), "承租方（乙方）：", bold)
    canvas.text((box[2] + 4, y), tenant, body, key="tenant")
    y += leading
    box = canvas.text((120, y), "身份证号：", body)
    canvas.text((box[2] + 4, y), tenant_id, body, key="tenant_id_number")
    y += leading * 1.5
    y = _paragraph(canvas, 120, y, "甲、乙双方就下列房屋的租赁达成如下协议：", body, w - 240,
                   leading)
    y += leading * 0.5
    canvas.text((120, y), "第一条　房屋基本情况", bold)
    y += leading
    y = _paragraph(canvas, 120, y, f"甲方房屋坐落于{random_address(rng, rng.choice(_REGIONS)[1])}，"
                   f"建筑面积{rng.randrange(30, 150)}平方米。", body, w - 240, leading)
    y += leading * 0.5
    canvas.text((120, y), "第二条　租赁期限", bold)
    y += leading
    period = printed.get("period", f"租赁期限自{start.year}年{start.month}月{start.day}日起至"
                         f"{end.year}年{end.month}月{end.day}日止。")
    y = _paragraph(canvas, 120, y, period, body, w - 240, leading, key="start")
    canvas.regions["end"] = canvas.regions["start"]
    y += leading * 0.5
    canvas.text((120, y), "第三条　租金", bold)
    y += leading
    if rng.random() < 0.7:
        text = f"月租金为人民币{rent}元（大写：{to_capital(rent)}），按月支付。"
    else:
        text = f"月租金为人民币（大写）{to_capital(rent)}，按月支付。"
    y = _paragraph(canvas, 120, y, text, body, w - 240, leading, key="monthly_rent")
    y += leading * 0.5
    canvas.text((120, y), "第四条　押金", bold)
    y += leading
    _paragraph(canvas, 120, y, f"乙方应于签约时向甲方支付押金人民币{rent * 2}元，"
               "租赁期满后无息退还。", body, w - 240, leading)
    fields = {
        "tenant": tenant, "tenant_id_number": tenant_id, "monthly_rent": str(rent),
        "start": start.isoformat(), "end": end.isoformat(),
    }
    return RenderedDocument("rental_contract", canvas.bgr(), fields, canvas.regions, font.name)


_RENDERERS: dict[str, Callable[[random.Random, FontFace, dict[str, str]], RenderedDocument]] = {
    "id_card": _render_id_card,
    "business_license": _render_business_license,
    "purchase_contract": _render_purchase_contract,
    "rental_contract": _render_rental_contract,
}


def render_document(
    doc_type: str, seed: int, font: FontFace | None = None,
    printed: dict[str, str] | None = None,
) -> RenderedDocument:
    """Draw a flat document of ``doc_type`` with random values chosen by ``seed``.

    ``printed`` replaces what is printed for some fields, to make documents that fail a
    check: ``id_number`` and ``sex`` (ID card), ``uscc`` and ``established`` (licence,
    as printed, e.g. "2019年02月30日"), ``period`` (rental contract, the whole sentence).
    The ground truth follows what is printed for ``id_number``, ``sex`` and ``uscc``;
    for the dates it stays the generated value (tests compare with what they printed).
    """
    rng = random.Random(f"{doc_type}:{seed}")  # nosec B311 # test pictures, not secrets
    font = font or rng.choice(available_fonts())
    return _RENDERERS[doc_type](rng, font, dict(printed or {}))


# --- photographing --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Conditions:
    """How hard the photo is. Defaults are a decent document camera in an office."""

    frame: tuple[int, int] = (2048, 1536)
    max_rotation_deg: float = 8.0
    perspective: float = 0.03
    blur_sigma: tuple[float, float] = (0.0, 0.9)
    noise_sigma: tuple[float, float] = (1.5, 4.0)
    light_low: tuple[float, float] = (0.72, 0.95)
    jpeg_quality: tuple[int, int] = (75, 92)
    glare: bool = False
    motion_blur_px: int = 0
    fill: tuple[float, float] | None = None  # fraction of the frame the document spans


def desk_background(rng: np.random.Generator, size: tuple[int, int]) -> np.ndarray:
    """Wood grain, felt or laminate: low-frequency colour noise with streaks."""
    w, h = size
    palettes = (
        ((60, 90, 130), 25),  # wood, BGR
        ((40, 60, 90), 20),   # dark wood
        ((70, 70, 70), 15),   # grey laminate
        ((90, 60, 40), 15),   # blue felt
        ((120, 125, 128), 12),  # light grey desk
    )
    base, spread = palettes[int(rng.integers(len(palettes)))]
    low: np.ndarray = rng.standard_normal((h // 64 + 2, w // 64 + 2), dtype=np.float32)
    low = cv2.resize(low, (w, h), interpolation=cv2.INTER_CUBIC)[..., None]
    streak_phase = rng.uniform(0, 6.28)
    ys = np.arange(h, dtype=np.float32)[:, None]
    xs = np.arange(w, dtype=np.float32)[None, :]
    streaks = np.sin(ys / np.float32(rng.uniform(6, 20))
                     + np.sin(xs / np.float32(rng.uniform(80, 200))) * 3 + np.float32(streak_phase))
    image = np.array(base, np.float32)[None, None, :] + np.float32(spread * 0.6) * low
    image += (np.float32(spread * 0.4) * streaks)[..., None]
    return np.clip(image, 0, 255).astype(np.uint8)


def _order(corners: np.ndarray) -> np.ndarray:
    return corners.astype(np.float32)


def photograph(
    document: RenderedDocument | np.ndarray, seed: int, conditions: Conditions | None = None,
) -> DocumentPhoto:
    """Photograph a flat document on a desk under the document camera."""
    cond = conditions or Conditions()
    rng = np.random.default_rng(seed)
    page = document.page if isinstance(document, RenderedDocument) else document
    fw, fh = cond.frame
    ph, pw = page.shape[:2]
    is_card = pw / ph > 1.5  # ID cards are 85.6 x 54 mm; A4 is 1.41
    low, high = cond.fill or ((0.42, 0.55) if is_card else (0.80, 0.92))
    fill = rng.uniform(low, high)
    scale = min(fw * fill / pw, fh * fill / ph)
    dw, dh = pw * scale, ph * scale
    angle = np.deg2rad(rng.uniform(-cond.max_rotation_deg, cond.max_rotation_deg))
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    half = np.array([[-dw, -dh], [dw, -dh], [dw, dh], [-dw, dh]]) / 2
    corners = half @ rot.T
    corners += rng.uniform(-1, 1, (4, 2)) * cond.perspective * np.array([dw, dh])
    span = corners.max(axis=0) - corners.min(axis=0)
    room = np.maximum(np.array([fw, fh]) - span, 0) / 2 * 0.85
    centre = np.array([fw, fh]) / 2 + rng.uniform(-1, 1, 2) * room
    corners = corners + centre - (corners.max(axis=0) + corners.min(axis=0)) / 2
    source = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32)
    matrix = cv2.getPerspectiveTransform(source, corners.astype(np.float32))
    frame: np.ndarray = desk_background(rng, (fw, fh)).astype(np.float32)
    mask = cv2.warpPerspective(np.full((ph, pw), 255, np.uint8), matrix, (fw, fh))
    shadow = cv2.GaussianBlur(np.roll(mask, (9, 12), axis=(0, 1)), (0, 0), 14)
    frame *= (1 - shadow.astype(np.float32) * np.float32(0.45 / 255))[..., None]
    warped = cv2.warpPerspective(page, matrix, (fw, fh), flags=cv2.INTER_AREA)
    alpha = (mask.astype(np.float32) / 255)[..., None]
    frame = frame * (1 - alpha) + warped.astype(np.float32) * alpha
    # uneven light: a tilted plane times a soft lamp spot
    direction = rng.uniform(0, 6.28)
    gx = np.linspace(-1, 1, fw, dtype=np.float32)[None, :] * np.float32(np.cos(direction))
    gy = np.linspace(-1, 1, fh, dtype=np.float32)[:, None] * np.float32(np.sin(direction))
    low_light = np.float32(rng.uniform(*cond.light_low))
    light = low_light + (1 - low_light) * (gx + gy + 1) / 2
    frame *= light[..., None]
    if cond.glare:
        cx, cy = corners.mean(axis=0) + rng.uniform(-0.15, 0.15, 2) * np.array([dw, dh])
        radius = 0.22 * min(dw, dh)
        dist = np.hypot(np.arange(fw, dtype=np.float32)[None, :] - np.float32(cx),
                        np.arange(fh, dtype=np.float32)[:, None] - np.float32(cy))
        spot = np.clip(1.4 - dist / np.float32(radius), 0, 1) ** 0.7 * 320
        frame += (spot * (alpha[..., 0] > 0.5))[..., None]
    frame = np.clip(frame, 0, 255).astype(np.uint8)
    sigma = rng.uniform(*cond.blur_sigma)
    if sigma > 0.05:
        frame = cv2.GaussianBlur(frame, (0, 0), sigma)
    if cond.motion_blur_px:
        kernel = np.zeros((cond.motion_blur_px, cond.motion_blur_px), np.float32)
        kernel[cond.motion_blur_px // 2, :] = 1 / cond.motion_blur_px
        frame = cv2.filter2D(frame, -1, kernel)
    noise = rng.standard_normal(frame.shape, dtype=np.float32)
    noise *= np.float32(rng.uniform(*cond.noise_sigma))
    frame = np.clip(frame + noise, 0, 255).astype(np.uint8)
    quality = int(rng.integers(cond.jpeg_quality[0], cond.jpeg_quality[1] + 1))
    ok, jpeg = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    decoded = cv2.imdecode(jpeg, cv2.IMREAD_COLOR)
    assert decoded is not None
    frame = decoded
    rendered = document if isinstance(document, RenderedDocument) else RenderedDocument(
        "page", page, {}, {}, "")
    return DocumentPhoto(frame, rendered, _order(corners), cond.glare)


def generate(doc_type: str, seed: int, conditions: Conditions | None = None,
             font: FontFace | None = None, printed: dict[str, str] | None = None,
             ) -> DocumentPhoto:
    """Render a document of ``doc_type`` and photograph it, both chosen by ``seed``."""
    return photograph(render_document(doc_type, seed, font, printed), seed, conditions)


# --- preview frame sequences ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FrameScript:
    """What the hand does: ``moving`` frames sliding in, then ``still`` frames held."""

    moving: int = 8
    still: int = 12
    then_moving: int = 0
    size: tuple[int, int] = (640, 480)
    step_px: float = 18.0
    blur_while_moving: bool = True


def frame_sequence(document: RenderedDocument, seed: int,
                   script: FrameScript | None = None) -> list[np.ndarray]:
    """Preview frames of a document being placed and then held still (BGR, small)."""
    script = script or FrameScript()
    rng = np.random.default_rng(seed)
    base = photograph(document, seed, Conditions(
        frame=script.size, blur_sigma=(0.0, 0.3), noise_sigma=(0.5, 1.0),
        jpeg_quality=(90, 95), max_rotation_deg=4))
    frames: list[np.ndarray] = []

    def shifted(dx: float, dy: float, blur: bool) -> np.ndarray:
        matrix = np.array([[1, 0, dx], [0, 1, dy]], np.float32)
        image: np.ndarray = cv2.warpAffine(base.image, matrix, script.size,
                                           borderMode=cv2.BORDER_REFLECT)
        if blur:
            k = 9
            kernel = np.zeros((k, k), np.float32)
            kernel[k // 2, :] = 1 / k
            image = cv2.filter2D(image, -1, kernel)
        return image

    def noisy(image: np.ndarray) -> np.ndarray:
        return np.clip(image + rng.normal(0, 1.2, image.shape), 0, 255).astype(np.uint8)

    for i in range(script.moving):
        left = script.moving - i
        frames.append(noisy(shifted(left * script.step_px, left * script.step_px * 0.4,
                                    script.blur_while_moving)))
    frames.extend(noisy(base.image) for _ in range(script.still))
    for i in range(script.then_moving):
        frames.append(noisy(shifted(-(i + 1) * script.step_px, 0, script.blur_while_moving)))
    return frames


def compose_sample_sheet(photos: Sequence[DocumentPhoto]) -> bytes:
    """A PNG contact sheet of photos (for looking at the generator by eye)."""
    thumbs = [cv2.resize(p.image, (512, 384)) for p in photos]
    while len(thumbs) % 4:
        thumbs.append(np.zeros_like(thumbs[0]))
    rows = [np.hstack(thumbs[i : i + 4]) for i in range(0, len(thumbs), 4)]
    buffer = io.BytesIO()
    Image.fromarray(cv2.cvtColor(np.vstack(rows), cv2.COLOR_BGR2RGB)).save(buffer, "PNG")
    return buffer.getvalue()


__all__ = [
    "DOC_TYPES", "Conditions", "DocumentPhoto", "FontFace", "FrameScript", "RenderedDocument",
    "available_fonts", "compose_sample_sheet", "frame_sequence", "generate", "photograph",
    "random_id_number", "random_uscc", "render_document", "render_id_card_back",
]

