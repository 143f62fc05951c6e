"""Questions in Traditional Chinese, Cantonese and English reach the same guides as
Simplified Mandarin ones; an English question of words no guide knows goes to a clerk."""

from __future__ import annotations

import pytest

from kiosk.speech.answering import Answerer
from kiosk.speech.knowledge import load_knowledge_base
from kiosk.speech.reading import QuestionReader, is_english, load_reader


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    return Answerer(load_knowledge_base())


def test_traditional_and_cantonese_are_read_as_mandarin() -> None:
    reader = load_reader()
    assert reader.read("身份證唔見咗點算？") == "身份证丢了怎么办？"
    assert "租房" in reader.read("我租緊屋，可唔可以攞公積金交租？")


def test_english_is_read_as_the_knowledge_bases_words() -> None:
    read = load_reader().read("How long does it take to deregister a company?")
    assert "多久" in read and "注销" in read
    assert not any(c.isascii() and c.isalpha() for c in read)  # the rest is dropped


@pytest.mark.parametrize(
    ("question", "lang", "topics"),
    [
        ("身份證唔見咗點算？", "zh_HK", {"id-card-lost"}),
        ("租屋提取公積金要帶甚麼文件？", "zh_HK", {"hpf-rent-materials"}),
        ("I quit my job, what happens to my housing provident fund?", "en", {"hpf-resign"}),
        (
            "What materials are needed to close a company?",
            "en",
            {"dereg-materials", "service:enterprise-deregistration:materials"},
        ),
        ("Can I talk to a real person?", "en", {"booth-clerk"}),
    ],
)
def test_other_languages_reach_the_guide(
    answerer: Answerer, question: str, lang: str, topics: set[str]
) -> None:
    answer = answerer.ask(question, lang)
    assert answer.topic in topics, answer
    assert answer.transcript == question  # the clerk sees the citizen's own words


def test_the_answer_is_in_the_citizens_language(answerer: Answerer) -> None:
    answer = answerer.ask("I quit my job, what happens to my housing provident fund?", "en")
    assert answer.answer is not None and answer.answer.isascii()


def test_an_english_question_no_guide_knows_goes_to_a_clerk(answerer: Answerer) -> None:
    answer = answerer.ask("Where can I adopt a kitten on Sunday?", "en")
    assert answer.handoff and answer.topic is None


def test_without_readings_english_is_not_understood() -> None:
    # the reading is what makes English work: a reader without its tables leaves it as is
    plain = Answerer(load_knowledge_base(), reader=QuestionReader())
    assert plain.ask("I quit my job, what happens to my housing provident fund?").topic is None


def test_english_is_told_by_its_letters() -> None:
    assert is_english("How long does it take?")
    assert not is_english("公积金 hpf 怎么取")
