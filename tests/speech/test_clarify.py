"""Precision first: the key-entity check, clarifying questions and the catalog's answers.

The three confident wrong answers of issue 16 are regression tests here: each was answered
with another topic (the rent withdrawal, the fee, the company procedure) before the entity
check. Every catalog service must answer "what to bring" and "how long" from its catalog
entry in all three languages.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.core.catalog import load_catalog
from kiosk.speech.answering import Answerer, AskingBack
from kiosk.speech.catalog_answers import parse_topic, topic_of
from kiosk.speech.knowledge import load_knowledge_base

ROOT = Path(__file__).resolve().parents[2]
CATALOG = load_catalog()


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    return Answerer(load_knowledge_base(), catalog=CATALOG)


@pytest.mark.parametrize(
    ("question", "topic", "not_topic"),
    [
        ("离职了公积金怎么办", "hpf-resign", "hpf-rent-conditions"),
        ("得了大病能取公积金吗", "hpf-illness", "hpf-fee"),
        ("个体户怎么注销", "dereg-sole-proprietor", "dereg-order"),
    ],
)
def test_the_known_confident_wrong_answers_are_fixed(
    answerer: Answerer, question: str, topic: str, not_topic: str
) -> None:
    answer = answerer.ask(question)
    assert answer.topic == topic, answer
    # and the old wrong topic no longer passes the entity check for this question
    match = next(m for m in answerer.rank(question) if m.entry.topic == not_topic)
    assert not match.agrees


def test_the_entity_check_refuses_another_kind(answerer: Answerer) -> None:
    facets = answerer.facets
    rent = {"withdrawal": ("rent",), "aspect": ("other",)}
    assert not facets.compatible(rent, facets.mentions("离职了公积金怎么办"), True)
    assert facets.compatible(rent, facets.mentions("组房能提公积金吗"), True)  # by sound
    # a closed aspect: the conditions do not answer "what to bring"
    assert not facets.compatible(rent, facets.mentions("租房提取要带什么材料"), True)
    # an entry of no kind answers a question naming a kind only with its own keyword
    assert not facets.compatible({}, facets.mentions("得了大病能取公积金吗"), False)
    assert facets.compatible({}, facets.mentions("大病提取要多久到账"), True)
    company = {"business": ("company",)}
    assert not facets.compatible(company, facets.mentions("个体户怎么注销"), True)


@pytest.mark.parametrize("lang", ["zh_CN", "en", "zh_HK"])
def test_an_open_question_asks_back_and_a_choice_answers_it(answerer: Answerer, lang: str) -> None:
    asked = answerer.ask("公积金怎么取", lang)
    assert asked.topic is None and not asked.handoff
    topics = [c.topic for c in asked.clarify]
    assert len(topics) >= 2 and len(set(topics)) == len(topics)
    assert "hpf-resign" in topics or "hpf-rent-conditions" in topics
    labels = [c.label for c in asked.clarify]
    said = asked.answer.lower()
    assert all(label.lower() in said for label in labels)  # the question names them
    chosen = asked.clarify[1]
    answer = answerer.ask(chosen.label, lang, after=asked)
    assert answer.topic == chosen.topic and answer.source
    assert answer.answer == answerer.kb.entry(chosen.topic).answer.get(lang)


def test_a_choice_said_in_words_answers_it(answerer: Answerer) -> None:
    talk = AskingBack(answerer)
    asked = talk.ask("公积金能取多少")
    assert {c.topic for c in asked.clarify} >= {"hpf-rent-amount", "hpf-purchase-amount"}
    assert talk.ask("租房的").topic == "hpf-rent-amount"
    talk.forget()
    assert talk.ask("租房提取").topic != "hpf-rent-amount" or not talk.ask("x").clarify


def test_two_kinds_named_ask_which_one(answerer: Answerer) -> None:
    answer = answerer.ask("我自己没买房，一直租着，公积金能用吗")
    assert {c.topic for c in answer.clarify} == {"hpf-rent-conditions", "hpf-purchase-conditions"}


def test_out_of_scope_still_goes_to_a_clerk_with_the_question(answerer: Answerer) -> None:
    answer = answerer.ask("怎么办理出国签证")
    assert answer.handoff and not answer.clarify and answer.transcript == "怎么办理出国签证"


MATERIALS = {
    "zh_CN": "{name}需要带什么材料",
    "en": "What do I need to bring for {name}?",
    "zh_HK": "{name}要帶什麼材料",
}
TIME = {"zh_CN": "{name}要多久", "en": "How long does {name} take?", "zh_HK": "{name}要多久"}


@pytest.mark.parametrize("lang", ["zh_CN", "en", "zh_HK"])
def test_every_service_answers_materials_and_time_from_the_catalog(
    answerer: Answerer, lang: str
) -> None:
    for service in CATALOG.services:
        name = service.name.get(lang)
        answer = answerer.ask(MATERIALS[lang].format(name=name), lang)
        assert answer.topic == topic_of(service.code, "materials"), (service.code, answer)
        assert not answer.handoff and name in answer.answer
        assert service.code in (answer.source or "")  # cites the catalog entry
        assert CATALOG.version in (answer.source or "")
        for material in service.materials:
            assert material.name.get(lang) in answer.answer
        answer = answerer.ask(TIME[lang].format(name=name), lang)
        if service.time_limit_days is None:  # the catalog promises nothing: no answer
            assert answer.topic != topic_of(service.code, "time")
            continue
        assert answer.topic == topic_of(service.code, "time"), (service.code, answer)
        assert str(service.time_limit_days) in answer.answer or (service.time_limit_days == 0)


def test_catalog_answers_say_only_what_the_catalog_holds(answerer: Answerer) -> None:
    # the enterprise deregistration posts originals in the locker, the catalog says
    dereg = answerer.kb.entry(topic_of("enterprise-deregistration", "materials"))
    assert "智能柜" in dereg.answer.zh_CN and "locker" in dereg.answer.en
    rent = answerer.kb.entry(topic_of("hpf-withdrawal-rent", "materials"))
    assert "智能柜" not in rent.answer.zh_CN  # no locker step
    # the catalog holds no fees: no fee topic at all
    assert not [e for e in answerer.kb.entries if (p := parse_topic(e.topic)) and p[1] == "fee"]
    clerk = answerer.kb.entry(topic_of("hpf-loan-application", "clerk"))
    assert "视频" in clerk.answer.zh_CN


def test_cli_json_keeps_its_fields_and_adds_clarify() -> None:
    def ask(question: str) -> dict[str, object]:
        result = subprocess.run(
            [sys.executable, "-m", "kiosk", "ask", question, "--json"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)  # type: ignore[no-any-return]

    old = ["answer", "topic", "source", "confidence", "handoff", "service", "department", "guess"]
    plain = ask("租房提取要带哪些材料")
    assert list(plain)[: len(old)] == old and plain["clarify"] == []
    asked = ask("公积金怎么取")
    assert set(old) < set(asked)
    choices = asked["clarify"]
    assert isinstance(choices, list) and len(choices) >= 2
    assert all(set(c) == {"topic", "label"} for c in choices)


def test_unsure_but_naming_the_kind_asks_whether_it_is_meant(answerer: Answerer) -> None:
    talk = AskingBack(answerer)
    asked = talk.ask("被辞退了公积金账户上的钱会不会没了")  # names the kind, scored low
    assert asked.topic is None and not asked.handoff
    assert [c.topic for c in asked.clarify] == ["hpf-resign", "booth-clerk"]
    clerk = talk.ask(asked.clarify[1].label)  # "none of these": one tap to a clerk
    assert clerk.topic == "booth-clerk" and clerk.handoff


def test_one_guide_standing_out_below_the_threshold_is_offered_beside_a_clerk(
    answerer: Answerer,
) -> None:
    """Not sure enough to answer, but one guide stands out: offered with a clerk beside it
    instead of a clerk alone; tapping it answers it."""
    talk = AskingBack(answerer)
    asked = talk.ask("星期天开不开门")
    assert asked.topic is None and not asked.handoff
    assert [c.topic for c in asked.clarify] == ["booth-hours", "booth-clerk"]
    assert talk.ask(asked.clarify[0].label).topic == "booth-hours"


def test_nothing_standing_out_goes_to_a_clerk(answerer: Answerer) -> None:
    answer = answerer.ask("今天天气怎么样")
    assert answer.handoff and not answer.clarify
