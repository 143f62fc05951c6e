"""The catalog: the demo content, validation of every error at once, JSON round trip."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kiosk.core.catalog import (
    DOC_TYPES,
    STEP_KINDS,
    Catalog,
    Text,
    default_catalog_path,
    load_catalog,
)
from kiosk.core.errors import CatalogError


def test_demo_catalog_has_enough_real_services(catalog: Catalog) -> None:
    codes = {d.code for d in catalog.departments}
    assert {
        "tax",
        "market",
        "social",
        "hpf",
        "household",
        "civil",
        "medical",
        "realestate",
    } <= codes
    stories = {"enterprise-deregistration", "hpf-withdrawal-purchase", "hpf-withdrawal-rent"}
    assert len([s for s in catalog.services if s.code not in stories]) >= 30
    assert len({s.department for s in catalog.services}) >= 8
    for service in catalog.services:
        assert service.steps[-1].kind == "rating", service.code
        assert {st.kind for st in service.steps} <= set(STEP_KINDS)
        assert all(m.doc_type is None or m.doc_type in DOC_TYPES for m in service.materials)


def _texts(catalog: Catalog) -> list[Text]:
    out = [d.name for d in catalog.departments]
    for s in catalog.services:
        out += [s.name, s.summary, *(m.name for m in s.materials), *(st.name for st in s.steps)]
        out += [f.label for f in s.form] + [label for f in s.form for _, label in f.choices]
        if s.certificate:
            out.append(s.certificate)
    return out


def test_every_string_is_in_three_languages(catalog: Catalog) -> None:
    for text in _texts(catalog):
        assert text.zh_CN and text.en and text.zh_HK, text
        assert text.en.isascii(), text  # no Chinese left in the English
    # zh_HK is Traditional: the simplified forms of common characters do not appear.
    hk = "".join(t.zh_HK for t in _texts(catalog))
    for simplified in "业务请证书记办项费积险个约发报":
        assert simplified not in hk, simplified


def test_story_a_runs_through_three_departments(catalog: Catalog) -> None:
    service = catalog.service("enterprise-deregistration")
    assert service.department == "market" and service.needs_clerk and service.uses_locker
    assert service.departments == ("market", "general", "tax", "social")
    depts = [(st.kind, st.department) for st in service.steps]
    tax_cert = depts.index(("certificate", "tax"))
    consult = depts.index(("consult", "social"))
    market_review = depts.index(("review", "market"))
    assert depts.index(("review", "tax")) < tax_cert < consult < market_review
    names = {m.name.zh_CN for m in service.materials}
    assert {"营业执照正本", "清税申报表", "注销登记申请书"} <= names
    licence = next(m for m in service.materials if m.name.zh_CN == "营业执照正本")
    assert licence.doc_type == "business_license" and licence.original_required
    assert service.field("uscc").kind == "uscc"


@pytest.mark.parametrize(
    ("code", "contract"),
    [("hpf-withdrawal-purchase", "purchase_contract"), ("hpf-withdrawal-rent", "rental_contract")],
)
def test_story_b_is_self_service_with_readable_documents(
    catalog: Catalog, code: str, contract: str
) -> None:
    service = catalog.service(code)
    assert service.mode == "self" and not service.needs_clerk and not service.uses_locker
    doc_types = {m.doc_type for m in service.materials}
    assert {"id_card", contract} <= doc_types
    assert "bank_card" in {m.code for m in service.materials}
    assert service.field("amount").kind == "money"
    assert service.field("id_number").kind == "id_number"
    assert [st.kind for st in service.steps][:3] == ["identify", "questions", "capture"]


def test_lookups(catalog: Catalog) -> None:
    assert catalog.department("hpf").name.en == "Housing Provident Fund Centre"
    assert {s.code for s in catalog.services_of("hpf")} >= {"hpf-withdrawal-rent"}
    assert catalog.services_of("nowhere") == []
    with pytest.raises(KeyError):
        catalog.service("nope")


def test_text_get_falls_back_to_simplified() -> None:
    text = Text("公积金", "Provident fund", "公積金")
    assert text.get("en_US") == "Provident fund"
    assert text.get("zh-HK") == "公積金"
    assert text.get("zh_CN") == text.get("fr") == "公积金"


def test_json_round_trip(catalog: Catalog) -> None:
    doc = json.loads(json.dumps(catalog.to_json(), ensure_ascii=False))
    again = Catalog.from_json(doc)
    assert again.services == catalog.services
    assert again.departments == catalog.departments
    assert again.version == catalog.version
    assert [s.code for s in again.search("gjj")] == [s.code for s in catalog.search("gjj")]


def test_malformed_json_is_a_catalog_error() -> None:
    with pytest.raises(CatalogError):
        Catalog.from_json({"version": "1", "departments": [], "services": [{"code": "x"}]})


def test_version_changes_with_content(tmp_path: Path) -> None:
    shutil.copytree(default_catalog_path(), tmp_path / "c")
    before = load_catalog(tmp_path / "c").version
    path = tmp_path / "c" / "services" / "general.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert load_catalog(tmp_path / "c").version != before


BROKEN_SERVICE = """
department: tax
services:
  - code: tax-one
    name: {zh_CN: 一, en: One}
    summary: {zh_CN: 一, en: One, zh_HK: 一}
    mode: self
    steps: [identify, dance]
    materials: [{use: id_card, doc_type: passport}, no_such_material]
  - code: tax-one
    name: {zh_CN: 二, en: Two, zh_HK: 二}
    summary: {zh_CN: 二, en: Two, zh_HK: 二}
    mode: sometimes
    colour: red
    steps: [{kind: review, department: police}]
    form: [{key: size, label: {zh_CN: 大小, en: Size, zh_HK: 大小}, kind: shoe}]
  - code: tax-three
    name: {zh_CN: 三, en: Three, zh_HK: 三}
    summary: {zh_CN: 三, en: Three, zh_HK: 三}
    mode: self
    steps: [identify, {kind: review, department: market}, certificate, consult]
"""


def test_every_problem_is_reported_with_file_and_key(tmp_path: Path) -> None:
    root = tmp_path / "c"
    shutil.copytree(default_catalog_path(), root)
    (root / "services" / "tax.yaml").write_text(BROKEN_SERVICE, encoding="utf-8")
    (root / "services" / "ghost.yaml").write_text(
        "department: ghost\nservices: []\n", encoding="utf-8"
    )
    (root / "services" / "broken.yaml").write_text("department: [tax\n", encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog(root)
    problems = caught.value.problems
    text = "\n".join(problems)
    expected = [
        "services/tax.yaml: tax-one.name: missing translation zh_HK",
        "services/tax.yaml: tax-one.steps[1].kind: bad step kind 'dance'",
        "services/tax.yaml: tax-one.materials[0].doc_type: bad doc_type 'passport'",
        "services/tax.yaml: tax-one.materials[1].use: unknown material 'no_such_material'",
        "services/tax.yaml: tax-one.code: duplicate service code",
        "services/tax.yaml: tax-one.mode: bad mode 'sometimes'",
        "services/tax.yaml: tax-one.colour: unknown key",
        "services/tax.yaml: tax-one.steps[0].department: unknown department 'police'",
        "services/tax.yaml: tax-one.form[0].kind: bad field kind 'shoe'",
        "services/ghost.yaml: department: unknown department 'ghost'",
        "tax-three.steps[2]: a certificate needs an earlier review step of tax",
        "tax-three.needs_clerk: a consult step needs a clerk",
        "services/broken.yaml: line",
    ]
    for fragment in expected:
        assert fragment in text, f"{fragment!r} not in\n{text}"
    assert caught.value.code == "catalog"


def test_missing_catalog_is_reported(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match=r"catalog\.yaml"):
        load_catalog(tmp_path)


def test_duplicate_department_and_missing_step_name(tmp_path: Path) -> None:
    root = tmp_path / "c"
    shutil.copytree(default_catalog_path(), root)
    index = root / "catalog.yaml"
    text = index.read_text(encoding="utf-8")
    text = text.replace("  - code: tax\n", "  - code: market\n", 1)
    text = text.replace("  consult:\n", "  chat:\n", 1)
    index.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog(root)
    text = "\n".join(caught.value.problems)
    assert "catalog.yaml: departments[2].code: duplicate department code 'market'" in text
    assert "catalog.yaml: step_names: missing step kind 'consult'" in text
    assert "catalog.yaml: step_names.chat: bad step kind" in text


def test_cache_is_written_used_and_invalidated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kiosk.core import catalog

    root = tmp_path / "c"
    shutil.copytree(default_catalog_path(), root)
    cache = tmp_path / "cache"
    first = load_catalog(root, cache_dir=cache)
    assert len(list(cache.glob("*.pickle"))) == 1

    def no_parsing(sources: object) -> None:
        raise AssertionError("parsed although the cache is fresh")

    with monkeypatch.context() as patch:
        patch.setattr(catalog, "parse_sources", no_parsing)
        again = load_catalog(root, cache_dir=cache)
    assert again.services == first.services and again.version == first.version
    assert [s.code for s in again.search("gjj")] == [s.code for s in first.search("gjj")]

    # An edited file makes a new cache entry (and removes the stale one).
    path = root / "services" / "general.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("政务服务综合咨询", "综合咨询"))
    edited = load_catalog(root, cache_dir=cache)
    assert edited.service("general-consultation").name.zh_CN == "综合咨询"
    assert len(list(cache.glob("*.pickle"))) == 1

    # A corrupt cache is ignored, never an error.
    next(cache.glob("*.pickle")).write_bytes(b"not a pickle")
    assert load_catalog(root, cache_dir=cache).services == edited.services



def test_a_cache_file_others_may_write_is_never_unpickled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unpickling runs code: a cache entry that another user could have replaced is
    parsed afresh instead of loaded."""
    from kiosk.core import catalog

    root = tmp_path / "c"
    shutil.copytree(default_catalog_path(), root)
    cache = tmp_path / "cache"
    load_catalog(root, cache_dir=cache)
    entry = next(cache.glob("*.pickle"))
    entry.chmod(0o666)
    parsed: list[object] = []
    real_parse = catalog.parse_sources

    def counting(sources: object) -> object:
        parsed.append(sources)
        return real_parse(sources)  # type: ignore[arg-type]

    monkeypatch.setattr(catalog, "parse_sources", counting)
    load_catalog(root, cache_dir=cache)
    assert parsed, "a group- and world-writable cache file was unpickled"

def test_installed_catalog_is_found_under_the_prefix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from kiosk import resources

    installed = tmp_path / "venv" / "share" / "xiaowu" / "assets" / "catalog"
    installed.mkdir(parents=True)
    site_packages = tmp_path / "venv" / "lib" / "site-packages"
    monkeypatch.setattr(resources, "_SOURCE_TREE", site_packages)
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "venv"))
    assert default_catalog_path() == installed
