"""A tiny catalog with the shape of ``kiosk.core.catalog`` (CONTRACTS.md section 1).

The UI tests use it so they do not depend on the demo catalog's content; the screenshots
command renders the real one. Search matches Chinese text, full pinyin and pinyin
initials, like the real catalog's search.
"""

from __future__ import annotations

from dataclasses import dataclass

from pypinyin import Style, lazy_pinyin


@dataclass(frozen=True, slots=True)
class Text:
    zh_CN: str
    en: str
    zh_HK: str

    def get(self, lang: str) -> str:
        return {"en": self.en, "zh_HK": self.zh_HK}.get(lang, self.zh_CN)


@dataclass(frozen=True, slots=True)
class Department:
    code: str
    name: Text
    icon: str


@dataclass(frozen=True, slots=True)
class Material:
    code: str
    name: Text
    doc_type: str | None
    original_required: bool
    copies: int


@dataclass(frozen=True, slots=True)
class Step:
    kind: str
    department: str | None
    name: Text


@dataclass(frozen=True, slots=True)
class Service:
    code: str
    name: Text
    department: str
    summary: Text
    mode: str
    materials: tuple[Material, ...]
    steps: tuple[Step, ...]
    needs_clerk: bool
    uses_locker: bool
    certificate: Text | None
    keywords: tuple[str, ...]
    time_limit_days: int | None
    form: tuple[object, ...] = ()


ID_CARD = Material(
    "id_card", Text("居民身份证", "Resident ID card", "居民身份證"), "id_card", True, 1
)
LICENCE = Material(
    "business_license",
    Text("营业执照", "Business licence", "營業執照"),
    "business_license",
    True,
    0,
)
CONTRACT = Material(
    "purchase_contract",
    Text("购房合同", "Home purchase contract", "購房合同"),
    "purchase_contract",
    False,
    1,
)

DEPARTMENTS = (
    Department("tax", Text("税务", "Taxation", "稅務"), "tax"),
    Department("market", Text("市场监管", "Market regulation", "市場監管"), "market"),
    Department("social", Text("社会保障", "Social security", "社會保障"), "social"),
    Department("hpf", Text("住房公积金", "Housing provident fund", "住房公積金"), "hpf"),
)


def _step(kind: str, zh: str, en: str, hk: str, dept: str | None = None) -> Step:
    return Step(kind, dept, Text(zh, en, hk))


SERVICES = (
    Service(
        code="enterprise-deregistration",
        name=Text("企业注销登记", "Enterprise deregistration", "企業註銷登記"),
        department="market",
        summary=Text(
            "清税后注销营业执照，多部门联办",
            "Deregister a business after tax clearance, with several departments",
            "清稅後註銷營業執照，多部門聯辦",
        ),
        mode="clerk",
        materials=(ID_CARD, LICENCE),
        steps=(
            _step("identify", "身份核验", "Identity check", "身份核驗"),
            _step("consult", "税务清税", "Tax clearance", "稅務清稅", "tax"),
            _step("locker", "投递执照原件", "Post the original licence", "投遞執照正本"),
            _step("certificate", "领取注销通知书", "Receive the notice", "領取註銷通知書"),
        ),
        needs_clerk=True,
        uses_locker=True,
        certificate=Text(
            "准予注销登记通知书", "Deregistration approval notice", "准予註銷登記通知書"
        ),
        keywords=("注销", "关闭公司"),
        time_limit_days=3,
    ),
    Service(
        code="hpf-withdrawal-purchase",
        name=Text(
            "住房公积金提取（购房）",
            "Provident fund withdrawal (home purchase)",
            "住房公積金提取（購房）",
        ),
        department="hpf",
        summary=Text(
            "购买自住住房提取公积金", "Withdraw your fund to buy a home", "購買自住住房提取公積金"
        ),
        mode="self",
        materials=(ID_CARD, CONTRACT),
        steps=(
            _step("identify", "身份核验", "Identity check", "身份核驗"),
            _step("capture", "拍摄材料", "Capture documents", "拍攝材料"),
            _step("form", "填写申请", "Fill in the application", "填寫申請"),
        ),
        needs_clerk=False,
        uses_locker=False,
        certificate=None,
        keywords=("提取",),
        time_limit_days=1,
    ),
    Service(
        code="hpf-withdrawal-rent",
        name=Text(
            "住房公积金提取（租房）", "Provident fund withdrawal (rent)", "住房公積金提取（租房）"
        ),
        department="hpf",
        summary=Text("租住住房提取公积金", "Withdraw your fund to pay rent", "租住住房提取公積金"),
        mode="self",
        materials=(ID_CARD,),
        steps=(_step("identify", "身份核验", "Identity check", "身份核驗"),),
        needs_clerk=False,
        uses_locker=False,
        certificate=None,
        keywords=(),
        time_limit_days=None,
    ),
    Service(
        code="tax-clearance",
        name=Text("清税证明开具", "Tax clearance certificate", "清稅證明開具"),
        department="tax",
        summary=Text(
            "注销前结清税款并开具证明",
            "Settle taxes before deregistration",
            "註銷前結清稅款並開具證明",
        ),
        mode="mixed",
        materials=(ID_CARD, LICENCE),
        steps=(_step("review", "税务审核", "Tax review", "稅務審核", "tax"),),
        needs_clerk=True,
        uses_locker=False,
        certificate=Text("清税证明", "Tax clearance certificate", "清稅證明"),
        keywords=(),
        time_limit_days=1,
    ),
    Service(
        code="pension-consult",
        name=Text("养老保险咨询", "Pension insurance enquiry", "養老保險諮詢"),
        department="social",
        summary=Text(
            "社保缴费与退休待遇咨询",
            "Contributions and retirement benefits",
            "社保繳費與退休待遇諮詢",
        ),
        mode="clerk",
        materials=(),
        steps=(_step("consult", "视频咨询", "Video consultation", "視像諮詢", "social"),),
        needs_clerk=True,
        uses_locker=False,
        certificate=None,
        keywords=("社保",),
        time_limit_days=None,
    ),
)


def _keys(service: Service) -> list[str]:
    keys = []
    for text in (service.name.zh_CN, *service.keywords):
        keys.append(text)
        keys.append("".join(lazy_pinyin(text)))
        keys.append("".join(lazy_pinyin(text, style=Style.FIRST_LETTER)))
    keys.append(service.name.en.lower())
    return keys


class Catalog:
    version = "test-1"

    def __init__(self) -> None:
        self.departments = DEPARTMENTS
        self.services = SERVICES

    def department(self, code: str) -> Department:
        return next(d for d in self.departments if d.code == code)

    def service(self, code: str) -> Service:
        return next(s for s in self.services if s.code == code)

    def services_of(self, department: str) -> list[Service]:
        return [s for s in self.services if s.department == department]

    def search(self, query: str, limit: int = 50) -> list[Service]:
        q = query.strip().lower()
        if not q:
            return []
        return [s for s in self.services if any(q in k for k in _keys(s))][:limit]
