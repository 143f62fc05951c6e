"""A tiny catalog built from ``kiosk.core.catalog`` classes for the UI tests.

The UI tests use it so that they do not depend on the demo catalog's content (the
screenshots command renders the real one); search is the catalog's own.
"""

from __future__ import annotations

from kiosk.core.catalog import Catalog, Department, Material, Service, Step, Text

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
        form=(),
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
        form=(),
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
        form=(),
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
        form=(),
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
        form=(),
    ),
)


def small_catalog() -> Catalog:
    return Catalog(DEPARTMENTS, SERVICES, "test-1")
