"""Answering from the knowledge base: homophones match, unsure questions go to a clerk."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.speech.answering import Answerer
from kiosk.speech.knowledge import load_knowledge_base

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    return Answerer(load_knowledge_base())


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("租房提取公积金要准备哪些东西", "hpf-rent-materials"),
        ("租房提取公基金要带什么材料", "hpf-rent-materials"),  # 基 for 积
        ("清水证明在哪里开", "dereg-tax-clearance"),  # 清水 for 清税
        ("退修以后公积金怎么取", "hpf-retire"),  # 退修 for 退休
        ("企业注销以后社包怎么弄", "dereg-social-insurance"),  # 社包 for 社保
    ],
)
def test_answers_through_homophones(answerer: Answerer, question: str, topic: str) -> None:
    answer = answerer.ask(question)
    assert answer.topic == topic
    assert not answer.handoff
    assert answer.source and "版" in answer.source
    assert answer.confidence >= answerer.threshold


def test_answer_in_each_language(answerer: Answerer) -> None:
    kb = answerer.kb
    for lang in ("zh_CN", "en", "zh_HK"):
        answer = answerer.ask("简易注销有什么条件", lang)
        assert answer.answer == kb.entry("dereg-simplified").answer.get(lang)


@pytest.mark.parametrize(
    "question",
    [
        "今天会不会下雨",
        "帮我查一下航班",
        "驾照过期了去哪里换",
        "老板拖欠我三个月工资怎么办",  # a dispute
        "我想挂个号看专家",  # a hospital's service
        "我家停电了找谁",  # utilities
        "广州现在还限购吗",  # housing policy
        "How do I apply for a work visa?",  # close to applying for a card: a clerk still
    ],
)
def test_out_of_scope_goes_to_a_clerk_with_the_transcript(
    answerer: Answerer, question: str
) -> None:
    answer = answerer.ask(question)
    assert answer.handoff
    assert answer.transcript == question
    assert "人工" in answer.answer


def test_unsure_below_threshold_does_not_answer(answerer: Answerer) -> None:
    strict = Answerer(answerer.kb, threshold=1.01)
    answer = strict.ask("租房提取公积金要准备哪些东西")
    assert answer.topic is None and answer.source is None
    assert answer.guess == "hpf-rent-materials"
    # the question names its kind (租房): it asks whether that is meant, or a clerk
    assert [c.topic for c in answer.clarify] == ["hpf-rent-materials", "booth-clerk"]
    answer = strict.ask("公积金贷款利率的问题呢")  # names nothing: straight to a clerk
    assert answer.handoff and answer.topic is None and not answer.clarify


def test_empty_question_asks_again(answerer: Answerer) -> None:
    answer = answerer.ask("？？ ")
    assert not answer.handoff and answer.topic is None and "再说一遍" in answer.answer


def test_cli_prints_the_agreed_json() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "ask", "租房提取要带哪些材料", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert list(doc)[:5] == ["answer", "topic", "source", "confidence", "handoff"]
    assert doc["topic"] == "hpf-rent-materials" and doc["handoff"] is False
    assert doc["service"] == "hpf-withdrawal-rent"


def test_cli_converses_by_text_to_a_case_draft() -> None:
    said = "租房提取要带什么材料\n我要提取公积金\n组房\n三千\n6222021234567890\n带齐了\n对\n"
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "ask", "--converse", "--json"],
        input=said,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(replies) == 8
    assert replies[1]["topic"] == "hpf-rent-materials"
    assert replies[3]["step"] == "amount"
    draft = replies[-1]["draft"]
    assert draft["service"] == "hpf-withdrawal-rent" and draft["confirmed"] is True
    assert draft["answers"] == {"amount": "3000.00", "bank_account": "6222021234567890"}
