"""Extraction on line lists recorded from photos of the evaluation corpus's tune split.

Each list is what the page reader returned for one photo (text and box, as recorded);
the tests hold the extractor to the fields those lines carry, and to leaving a field
empty (flagged for the citizen) rather than filling it with words from elsewhere.
"""

from __future__ import annotations

from kiosk.ocr.engine import TextLine
from kiosk.ocr.extract import _Page, _read_business_license, _read_purchase_contract


class _NoEngine:
    """Extraction that needs no second look: any re-read reads nothing."""

    def read_lines(self, image):  # type: ignore[no-untyped-def]
        return []

    def read_strip(self, images):  # type: ignore[no-untyped-def]
        return [TextLine("", (0, 0, 0, 0), 0.0) for _ in images]

    def read_line(self, image, alphabet=None):  # type: ignore[no-untyped-def]
        return TextLine("", (0, 0, 0, 0), 0.0)


def _page(rows: list[tuple[str, tuple[int, int, int, int]]]) -> _Page:
    return _Page.of([TextLine(text, box, 0.5) for text, box in rows])


# a branch licence (tune seed 10200004): the 负责人 and the 营业场所 share one line
BRANCH_LICENCE = [
    ("名称，武汉市盛世农业科技发展有限公司第一分公司”成立日期2019年01月17日", (142, 315, 923, 343)),
    ("类型”有限责任公司分公司(自然人投资或控股)营业期限2019年01月17日至长期", (142, 355, 979, 385)),
    ("负责人雇雪营业场所武汉市武昌区人民路757号金地名苑10", (140, 395, 1106, 432)),
    ("经营范围“一般项目:技术服务、技术开发技术咨询技术交流、技和", (138, 429, 862, 469)),
]


def test_a_name_stops_at_the_next_label_on_its_line() -> None:
    import numpy as np

    gray = np.full((800, 1200), 255, np.uint8)
    result = _read_business_license(gray, _page(BRANCH_LICENCE), _NoEngine())  # type: ignore[arg-type]
    assert result.fields["legal_representative"] == "雇雪"


# a purchase contract (tune seed 10300004): the buyer's label misread (关爱人), and a
# clause later in the page that opens with 买受人 as the subject of a sentence
CONTRACT = [
    ("出卖人:泰州市华盛房地产开发股份有限公司", (97, 210, 398, 238)),
    ("关爱人:唐叭莉", (97, 334, 202, 363)),
    ("身份证号码;500103200302213634", (96, 362, 324, 388)),
    ("买受人应当按照本合同约定的付款方式和付款期限将房价款支付给出卖人", (129, 824, 764, 852)),
]


def test_a_sentence_about_a_party_is_not_taken_for_its_name() -> None:
    import numpy as np

    gray = np.full((1100, 900), 255, np.uint8)
    result = _read_purchase_contract(gray, _page(CONTRACT), _NoEngine())  # type: ignore[arg-type]
    # the name cannot be read from these lines: empty (flagged), never a sentence's words
    assert result.fields["buyer"] == ""
