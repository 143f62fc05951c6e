"""A recogniser's exact homophones of the domain's words are written back before matching."""

from __future__ import annotations

import pytest

from kiosk.speech.answering import Answerer
from kiosk.speech.homophones import SoundSpeller
from kiosk.speech.knowledge import load_knowledge_base


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    return Answerer(load_knowledge_base())


@pytest.mark.parametrize(
    ("heard", "meant"),
    [
        ("换身份证多酒能拿到", "换身份证多久能拿到"),
        ("设保卡掉了咋办", "社保卡掉了咋办"),
        ("个体户怎么住销", "个体户怎么注销"),
        ("办退修要多长时间", "办退休要多长时间"),
        ("离职了公基金怎么办", "离职了公积金怎么办"),
        ("醫藥費手工報消要帶什麼", "医药费手工报销要带什么"),  # read as Simplified first
    ],
)
def test_misheard_domain_words_are_spelt_as_the_guides_write_them(
    answerer: Answerer, heard: str, meant: str
) -> None:
    assert answerer.speller.correct(answerer.reader.read(heard)) == meant


@pytest.mark.parametrize(
    "typed",
    [
        "这个公式怎么算",  # a formula: a common word, not the 公示 of a deregistration
        "我把老房子卖了，跟买家一起去过户要带什么",  # 把 is not 爸 (another tone)
        "公积金怎么提取",
        "护照丢了怎么办",
    ],
)
def test_words_spelt_right_or_common_words_are_kept(answerer: Answerer, typed: str) -> None:
    read = answerer.reader.read(typed)
    assert answerer.speller.correct(read) == read


def test_a_sound_two_domain_words_share_rewrites_to_neither() -> None:
    speller = SoundSpeller(["工商", "工伤", "注销"])
    assert speller.correct("攻伤和住销") == "攻伤和注销"


def test_a_span_sharing_no_character_with_the_word_is_kept() -> None:
    assert SoundSpeller(["注销"]).correct("驻箫") == "驻箫"


def test_the_answer_to_a_misheard_question_is_the_one_to_the_question_meant(
    answerer: Answerer,
) -> None:
    """多酒 (misheard 多久) asks how long: answered, not asked back what about the service."""
    meant = answerer.ask("换身份证多久能拿到")
    heard = answerer.ask("换身份证多酒能拿到")
    assert meant.topic is not None and not meant.clarify
    assert heard.topic == meant.topic
    assert heard.transcript == "换身份证多酒能拿到"  # the clerk sees what was heard
