"""The knowledge base files validate, and broken files are reported with every problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.speech.knowledge import KnowledgeBaseError, load_knowledge_base

STORY_SERVICES = {"enterprise-deregistration", "hpf-withdrawal-purchase", "hpf-withdrawal-rent"}


def test_shipped_knowledge_base_loads_with_sources_and_three_languages() -> None:
    kb = load_knowledge_base()
    assert len(kb) >= 40
    for entry in kb.entries:
        assert entry.source.version and entry.section
        for lang in ("zh_CN", "en", "zh_HK"):
            assert entry.answer.get(lang)
        assert entry.answer.en != entry.answer.zh_CN
    assert kb.service_codes() >= STORY_SERVICES
    deep = [e for e in kb.entries if e.service in STORY_SERVICES]
    assert len(deep) >= 15


def test_story_facts_are_in_the_answers() -> None:
    kb = load_knowledge_base()
    order = kb.entry("dereg-order").answer.zh_CN
    assert order.index("清税") < order.index("营业执照注销") < order.index("社保")
    assert "简易注销" in kb.entry("dereg-simplified").answer.zh_CN
    assert "退休" in kb.entry("hpf-retire").answer.zh_CN


def test_citation_names_guide_version_and_section() -> None:
    entry = load_knowledge_base().entry("hpf-rent-materials")
    assert entry.citation() == "《住房公积金提取业务办事指南》（2024.2版）二、租房提取 第（二）项"
    assert "version 2024.2" in entry.citation("en")


def test_broken_file_reports_every_problem(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(
        "source: {id: g, title: {zh_CN: 标题}, version: '1', date: '2024'}\n"
        "department: hpf\n"
        "entries:\n"
        "  - topic: a\n    section: s\n    questions: [问]\n    answer: {zh_CN: 答}\n"
        "  - topic: a\n    section: s\n    questions: []\n"
        "    answer: {zh_CN: 答, en: A, zh_HK: 答}\n",
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge_base(tmp_path)
    text = "\n".join(info.value.problems)
    for expected in (
        "source.title.en",
        "source.issuer",
        "a.answer.en",
        "a.questions",
        "topic a already",
    ):
        assert expected in text


def test_every_service_and_department_exists_in_the_catalog() -> None:
    from kiosk.core.catalog import load_catalog

    catalog = load_catalog()
    codes = {s.code for s in catalog.services}
    departments = {d.code for d in catalog.departments} | {"booth"}
    kb = load_knowledge_base()
    assert kb.service_codes() <= codes, kb.service_codes() - codes
    assert {e.department for e in kb.entries} <= departments
