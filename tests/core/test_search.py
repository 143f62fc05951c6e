"""Service search: Chinese, pinyin, initials, English, keywords, ranking."""

from __future__ import annotations

import pytest

from kiosk.core.catalog import Catalog, Department, Service, Step, Text
from kiosk.core.search import SearchIndex, normalize

HPF = {
    "hpf-withdrawal-purchase",
    "hpf-withdrawal-rent",
    "hpf-deposit-certificate",
    "hpf-withdrawal-retirement",
    "hpf-loan-application",
    "hpf-account-transfer",
}


def codes(catalog: Catalog, query: str) -> list[str]:
    return [s.code for s in catalog.search(query)]


@pytest.mark.parametrize(
    "query", ["gjj", "gongjijin", "公积金", "公積金", "GJJ", "GongJiJin", "ｇｊｊ", "  gjj  "]
)
def test_provident_fund_services_are_found_every_way(catalog: Catalog, query: str) -> None:
    found = codes(catalog, query)
    assert set(found[: len(HPF)]) == HPF, found


@pytest.mark.parametrize(
    "query",
    [
        "qiye zhuxiao",
        "qiyezhuxiao",
        "qyzx",
        "企业注销",
        "deregistration",
        "Enterprise Deregistration",
        "注销",
    ],
)
def test_enterprise_deregistration_comes_first(catalog: Catalog, query: str) -> None:
    assert codes(catalog, query)[0] == "enterprise-deregistration"


def test_chinese_substring_finds_all_holders(catalog: Catalog) -> None:
    found = codes(catalog, "注销")
    assert {
        "enterprise-deregistration",
        "market-simple-deregistration",
        "realestate-mortgage-cancellation",
    } <= set(found)


@pytest.mark.parametrize("query", ["", "   ", "zzzqqxx", "火星移民", "xyzzy plugh"])
def test_empty_or_nonsense_finds_nothing(catalog: Catalog, query: str) -> None:
    assert catalog.search(query) == []


def test_keywords_and_english_words(catalog: Catalog) -> None:
    assert codes(catalog, "过户")[0] == "realestate-transfer-registration"
    assert codes(catalog, "guohu")[0] == "realestate-transfer-registration"
    assert "household-id-card-renewal" in codes(catalog, "ID card")
    assert codes(catalog, "passport")[0] == "entry-exit-passport"
    found = codes(catalog, "housing fund withdrawal")  # words not adjacent in the name
    assert "hpf-withdrawal-purchase" in found and "hpf-withdrawal-rent" in found


def test_department_name_finds_its_services(catalog: Catalog) -> None:
    found = set(codes(catalog, "医疗保障局"))
    assert found == {s.code for s in catalog.services_of("medical")}


def test_limit(catalog: Catalog) -> None:
    assert len(catalog.search("gjj", limit=2)) == 2
    assert catalog.search("gjj", limit=0) == []


def _service(code: str, zh: str, en: str, keywords: tuple[str, ...] = ()) -> Service:
    return Service(
        code=code,
        name=Text(zh, en, zh),
        department="d",
        summary=Text("", "", ""),
        mode="self",
        materials=(),
        steps=(Step("rating", None, Text("", "", "")),),
        needs_clerk=False,
        uses_locker=False,
        certificate=None,
        keywords=keywords,
        time_limit_days=None,
        form=(),
    )


def test_ranking_exact_then_prefix_then_substring_then_keyword() -> None:
    services = [
        _service("keyword", "其他事项", "Other", keywords=("银行卡",)),
        _service("substring", "补办银行卡挂失", "Lost bank card"),
        _service("prefix", "银行卡开户登记", "Open account"),
        _service("exact", "银行卡", "Bank card"),
    ]
    index = SearchIndex(services, {"d": Department("d", Text("部", "Dept", "部"), "d")})
    for query in ("银行卡", "yinhangka", "yhk"):
        assert [services[i].code for i in index.search(query)] == [
            "exact",
            "prefix",
            "substring",
            "keyword",
        ], query


def test_pinyin_matches_start_at_a_syllable() -> None:
    services = [_service("huan", "换证", "Renew"), _service("an", "安全", "Safety")]
    index = SearchIndex(services, {})
    assert [services[i].code for i in index.search("an")] == ["an"]  # not inside "huan"
    # 银行 is read as yinhang (phrase), not yinxing (the first reading of 行 alone).
    bank = SearchIndex([_service("bank", "银行", "Bank")], {})
    assert bank.search("yinhang") == [0] and bank.search("yinxing") == []


def test_normalize() -> None:
    assert normalize("  ＧＪＪ  Ti  ") == "gjj ti"


def test_department_filter(catalog: Catalog) -> None:
    found = catalog.search("注销", department="market")
    assert found and {s.department for s in found} == {"market"}
    assert "realestate-mortgage-cancellation" not in {s.code for s in found}
    assert catalog.search("注销", department="nowhere") == []
    assert len(catalog.search("公积金", limit=2, department="hpf")) == 2


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("我要提取公积金", {"hpf-withdrawal-purchase", "hpf-withdrawal-rent"}),
        ("我想注销我的公司", {"enterprise-deregistration"}),
        ("想办一本护照出国", {"entry-exit-passport"}),
    ],
)
def test_sentences_find_their_services(catalog: Catalog, sentence: str, expected: set[str]) -> None:
    found = codes(catalog, sentence)
    assert expected <= set(found[:5]), found


def test_a_sentence_with_one_shared_pair_finds_nothing(catalog: Catalog) -> None:
    assert catalog.search("今天天气很好") == []
