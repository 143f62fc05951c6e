"""A small catalog shaped like kiosk.core.catalog's contract, used only until the real
catalog module is available in this branch (the fixture prefers the real one)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Text:
    zh_CN: str
    en: str
    zh_HK: str = ""

    def get(self, lang: str) -> str:
        return str(getattr(self, lang, self.zh_CN))


@dataclass(frozen=True, slots=True)
class Department:
    code: str
    name: Text
    icon: str = ""


@dataclass(frozen=True, slots=True)
class Step:
    kind: str
    department: str | None
    name: Text


@dataclass(frozen=True, slots=True)
class FormField:
    key: str
    label: Text
    kind: str
    required: bool


@dataclass(frozen=True, slots=True)
class Service:
    code: str
    name: Text
    department: str
    summary: Text
    mode: str
    steps: tuple[Step, ...]
    needs_clerk: bool
    uses_locker: bool
    certificate: Text | None
    keywords: tuple[str, ...] = ()
    form: tuple[FormField, ...] = ()
    materials: tuple[Any, ...] = ()
    time_limit_days: int | None = None


@dataclass
class Catalog:
    departments: tuple[Department, ...]
    services: tuple[Service, ...]
    version: str = "stub-1"
    _by_code: dict[str, Service] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_code = {s.code: s for s in self.services}

    def department(self, code: str) -> Department:
        return next(d for d in self.departments if d.code == code)

    def service(self, code: str) -> Service:
        return self._by_code[code]

    def search(self, query: str, limit: int = 50) -> list[Service]:
        q = query.strip().lower()
        if not q:
            return []
        return [
            s
            for s in self.services
            if q in s.name.zh_CN or q in s.name.en.lower() or q in s.keywords
        ][:limit]

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "departments": [{"code": d.code, "name": d.name.zh_CN} for d in self.departments],
            "services": [{"code": s.code, "name": s.name.zh_CN} for s in self.services],
        }


def _t(zh: str, en: str) -> Text:
    return Text(zh, en, zh)


def stub_catalog() -> Catalog:
    depts = tuple(
        Department(c, _t(zh, en))
        for c, zh, en in [
            ("general", "综合窗口", "General desk"),
            ("tax", "税务", "Taxation"),
            ("market", "市场监管", "Market regulation"),
            ("social", "社保", "Social security"),
            ("hpf", "公积金", "Housing provident fund"),
            ("household", "户政", "Household"),
        ]
    )
    dereg = Service(
        "enterprise-deregistration",
        _t("企业注销", "Enterprise deregistration"),
        "market",
        _t("企业注销登记", "Deregister a company"),
        "clerk",
        (
            Step("identify", None, _t("身份核验", "Identify")),
            Step("review", "tax", _t("清税", "Tax clearance")),
            Step("certificate", "tax", _t("清税证明", "Tax clearance certificate")),
            Step("review", "market", _t("注销登记", "Licence deregistration")),
            Step("rating", None, _t("评价", "Rating")),
        ),
        True,
        True,
        _t("营业执照注销通知书", "Deregistration notice"),
        ("zhuxiao", "zx"),
        (
            FormField("company_name", _t("企业名称", "Company name"), "text", True),
            FormField("uscc", _t("统一社会信用代码", "USCC"), "uscc", True),
        ),
    )
    hpf = Service(
        "hpf-withdrawal-purchase",
        _t("公积金提取（购房）", "HPF withdrawal (purchase)"),
        "hpf",
        _t("购房提取住房公积金", "Withdraw HPF for a home purchase"),
        "self",
        (
            Step("identify", None, _t("身份核验", "Identify")),
            Step("capture", None, _t("拍摄材料", "Capture")),
            Step("review", "hpf", _t("审核", "Review")),
        ),
        False,
        False,
        _t("公积金提取回单", "HPF withdrawal receipt"),
        ("gongjijin", "gjj"),
        (FormField("amount", _t("提取金额", "Amount"), "money", True),),
    )
    return Catalog(depts, (dereg, hpf))
