"""The rules of a self-service review: evaluation, and the catalog's checks of them."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from kiosk.core.catalog import Catalog, default_catalog_path, load_catalog
from kiosk.core.errors import CatalogError
from kiosk.core.review_rules import Limit, Reason, ReviewRules, evaluate

TODAY = dt.date(2026, 11, 28)
ID_NUMBER = "11010519491231002X"  # a valid GB 11643 number
SERVICE = "hpf-withdrawal-purchase"


def good_form() -> dict[str, str]:
    return {
        "applicant_name": "王小明",
        "id_number": ID_NUMBER,
        "phone": "13800138000",
        "property_address": "厦门市思明区湖滨南路88号",
        "purchase_price": "1200000.00",
        "contract_date": (TODAY - dt.timedelta(days=40)).isoformat(),
        "amount": "50000.00",
        "bank_account": "6222021234567894",
        "bank_name": "中国工商银行",
    }


GOOD_MATERIALS = [("id_card", "C"), ("purchase_contract", "C")]


def verdict(catalog: Catalog, form: dict[str, str], materials: list[tuple[str, str]]) -> list[str]:
    service = catalog.service(SERVICE)
    rules = next(s.rules for s in service.steps if s.rules is not None)
    return [str(r) for r in evaluate(rules, service.form, form, materials, TODAY).reasons]


def test_story_b_case_passes_the_fund_centres_rules(catalog: Catalog) -> None:
    assert verdict(catalog, good_form(), GOOD_MATERIALS) == []


def test_each_rule_not_met_gives_its_reason(catalog: Catalog) -> None:
    assert verdict(catalog, good_form(), [("id_card", "C")]) == [
        "material_missing:purchase_contract"
    ]
    form = good_form()
    form["bank_account"] = "6222021234567890"  # fails Luhn: a flag, so a clerk looks at it
    form["id_number"] = "110105194912310021"  # wrong check digit
    form["amount"] = "1300000"  # over the cap and over the price
    form["contract_date"] = (TODAY - dt.timedelta(days=400)).isoformat()
    del form["phone"]
    assert verdict(catalog, form, GOOD_MATERIALS) == [
        "field_check:id_number",
        "field_missing:phone",
        "field_check:bank_account",
        "over_limit:amount",
        "over_limit:amount",
        "too_old:contract_date",
    ]


def test_reasons_never_carry_a_value(catalog: Catalog) -> None:
    form = good_form()
    form["id_number"] = "110105194912310021"
    text = " ".join(verdict(catalog, form, []))
    assert "110105" not in text and "王" not in text


def test_trust_level_at_least_the_minimum() -> None:
    rules = ReviewRules(materials=("licence",), min_trust="B")
    assert [str(r) for r in evaluate(rules, (), {}, [("licence", "C")], TODAY).reasons] == [
        "material_untrusted:licence"
    ]
    # a clerk's check (B) or the source (A) is enough; the best copy counts
    assert evaluate(rules, (), {}, [("licence", "C"), ("licence", "B")], TODAY).approved
    assert evaluate(rules, (), {}, [("licence", "A")], TODAY).approved


def test_limits_on_numbers_and_dates() -> None:
    rules = ReviewRules(
        limits=(
            Limit("amount", max=Decimal(100), min=Decimal(10)),
            Limit("day", max_age_days=30),
        )
    )
    assert evaluate(rules, (), {"amount": "100", "day": "2026-11-01"}, [], TODAY).approved
    low = evaluate(rules, (), {"amount": "9.99", "day": "2026-12-01"}, [], TODAY)
    assert low.reasons == (Reason("under_limit", "amount"), Reason("in_future", "day"))
    junk = evaluate(rules, (), {"amount": "lots", "day": "soon"}, [], TODAY)
    assert {str(r) for r in junk.reasons} == {"field_check:amount", "field_check:day"}


def test_rules_travel_in_the_catalog_document(catalog: Catalog) -> None:
    again = Catalog.from_json(catalog.to_json())
    for code in ("hpf-withdrawal-purchase", "hpf-withdrawal-rent"):
        assert again.service(code).steps == catalog.service(code).steps
        assert any(s.rules for s in again.service(code).steps)


BAD_RULES = """
department: hpf
services:
  - code: hpf-bad-rules
    name: {zh_CN: 坏, en: Bad, zh_HK: 壞}
    summary: {zh_CN: 坏, en: Bad, zh_HK: 壞}
    mode: self
    materials: [id_card]
    form: [applicant_name, amount, {key: day, label: {zh_CN: 日, en: Day, zh_HK: 日}, kind: date}]
    steps:
      - capture
      - kind: form
        rules: {materials: [id_card]}
      - kind: review
        rules:
          materials: [id_card, deed]
          min_trust: D
          checked_fields: [colour]
          speed: fast
          limits:
            - {field: applicant_name, max: 5}
            - {field: amount, max: lots}
            - {field: amount, max_field: applicant_name}
            - {field: amount, max_age_days: 3}
            - {field: nothing, max: 1}
            - {field: day}
      - certificate
  - code: hpf-empty-rules
    name: {zh_CN: 空, en: Empty, zh_HK: 空}
    summary: {zh_CN: 空, en: Empty, zh_HK: 空}
    mode: self
    steps: [{kind: review, rules: {}}]
"""


def test_bad_rules_are_reported_with_file_and_key(tmp_path: Path) -> None:
    root = tmp_path / "c"
    shutil.copytree(default_catalog_path(), root)
    (root / "services" / "zz_bad.yaml").write_text(BAD_RULES, encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog(root)
    text = "\n".join(caught.value.problems)
    where = "services/zz_bad.yaml: hpf-bad-rules.steps"
    expected = [
        f"{where}[1].rules: only a review step has rules",
        f"{where}[2].rules.speed: unknown key",
        f"{where}[2].rules.materials[1]: 'deed' is not a material of the service",
        f"{where}[2].rules.min_trust: bad trust level 'D'",
        f"{where}[2].rules.checked_fields[0]: 'colour' is not a form field",
        f"{where}[2].rules.limits[0].max: 'applicant_name' is not a money or number field",
        f"{where}[2].rules.limits[1].max: expected a number, got 'lots'",
        f"{where}[2].rules.limits[2].max_field: 'applicant_name' is not a money or number",
        f"{where}[2].rules.limits[3].max_age_days: 'amount' is not a date field",
        f"{where}[2].rules.limits[4].field: 'nothing' is not a form field",
        f"{where}[2].rules.limits[5]: a limit needs max, min, max_field or max_age_days",
        "services/zz_bad.yaml: hpf-empty-rules.steps[0].rules: rules with nothing to check",
    ]
    for fragment in expected:
        assert fragment in text, f"{fragment!r} not in\n{text}"
