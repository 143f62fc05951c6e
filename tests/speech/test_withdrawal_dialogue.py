"""The withdrawal conversation fills the case draft from Chinese text, without audio."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kiosk.core.catalog import Catalog
from kiosk.speech.answering import Answerer
from kiosk.speech.knowledge import load_knowledge_base
from kiosk.speech.withdrawal_dialogue import Purpose, Step, WithdrawalDialogue

CARD = "6222021234567890123"


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    return Answerer(load_knowledge_base())


def test_purchase_conversation_fills_the_draft(catalog: Catalog) -> None:
    dialogue = WithdrawalDialogue(catalog)
    assert "买房" in dialogue.start().reply
    turn = dialogue.handle("我刚买了房子，想提取公积金")
    assert turn.step is Step.AMOUNT and "购房提取" in turn.reply
    turn = dialogue.handle("提两万三吧")
    assert turn.step is Step.ACCOUNT and turn.draft.amount == Decimal(23000)
    turn = dialogue.handle("卡号是六二二二 零二一二 三四五六 七八九零 一二三")
    assert turn.step is Step.MATERIALS
    assert "购房合同" in turn.reply and "居民身份证" in turn.reply
    turn = dialogue.handle("都带齐了")
    assert turn.step is Step.CONFIRM and "尾号0123" in turn.reply and CARD not in turn.reply
    turn = dialogue.handle("对，没问题")
    assert turn.done and turn.step is Step.DONE
    draft = turn.draft.to_json()
    assert draft["service"] == "hpf-withdrawal-purchase"
    assert draft["answers"] == {"amount": "23000.00", "bank_account": CARD}
    expected = [m.code for m in catalog.service("hpf-withdrawal-purchase").materials]
    assert [m["code"] for m in draft["materials"]] == expected


def test_citizen_corrects_the_purpose_and_the_amount(catalog: Catalog) -> None:
    dialogue = WithdrawalDialogue(catalog)
    dialogue.start()
    dialogue.handle("买房")
    dialogue.handle("五千")
    turn = dialogue.handle("不对，是租房")
    assert "已改为租房提取" in turn.reply
    assert turn.draft.purpose is Purpose.RENT and turn.draft.service == "hpf-withdrawal-rent"
    assert turn.draft.amount == Decimal(5000)  # the rent form also has an amount
    assert turn.step is Step.ACCOUNT
    turn = dialogue.handle(CARD)
    assert "房屋租赁合同" in turn.reply
    turn = dialogue.handle("没带租赁合同")
    assert turn.step is Step.CONFIRM and "补交" in turn.reply
    turn = dialogue.handle("不对，金额改成三千")
    assert turn.draft.amount == Decimal(3000) and "已改为3,000元" in turn.reply
    turn = dialogue.handle("是的")
    assert turn.done
    assert turn.draft.answers()["amount"] == "3000.00"
    assert {m.code for m in turn.draft.materials} >= {"rental_contract"}


def test_homophones_and_whole_balance(catalog: Catalog) -> None:
    dialogue = WithdrawalDialogue(catalog)
    dialogue.start()
    turn = dialogue.handle("组房")  # 组房 heard for 租房
    assert turn.draft.purpose is Purpose.RENT
    turn = dialogue.handle("全部取出来")
    assert turn.draft.withdraw_all and turn.draft.amount is None


def test_rent_amount_over_the_yearly_limit_is_asked_again(catalog: Catalog) -> None:
    dialogue = WithdrawalDialogue(catalog)
    dialogue.start()
    dialogue.handle("租房")
    turn = dialogue.handle("五万")
    assert turn.step is Step.AMOUNT and turn.draft.amount is None


def test_retirement_skips_the_amount(catalog: Catalog) -> None:
    dialogue = WithdrawalDialogue(catalog)
    dialogue.start()
    turn = dialogue.handle("我退休了")
    assert turn.step is Step.ACCOUNT
    assert turn.draft.service == "hpf-withdrawal-retirement"


def test_two_unclear_answers_route_to_a_clerk_with_the_transcript(catalog: Catalog) -> None:
    dialogue = WithdrawalDialogue(catalog)
    dialogue.start()
    dialogue.handle("买房")
    turn = dialogue.handle("嗯那个就是说")
    assert turn.step is Step.AMOUNT and not turn.handoff and "金额" in turn.reply
    turn = dialogue.handle("这个怎么说呢")
    assert turn.handoff and turn.step is Step.HANDOFF
    assert turn.transcript == ("买房", "嗯那个就是说", "这个怎么说呢")
    assert turn.draft.purpose is Purpose.PURCHASE  # the clerk sees what was filled
    with pytest.raises(RuntimeError):
        dialogue.handle("五千")


def test_asking_for_a_person_hands_off_at_once(catalog: Catalog) -> None:
    dialogue = WithdrawalDialogue(catalog)
    dialogue.start()
    assert dialogue.handle("我要找人工").handoff


def test_question_in_the_middle_is_answered_and_the_question_repeated(
    catalog: Catalog, answerer: Answerer
) -> None:
    dialogue = WithdrawalDialogue(catalog, answer=answerer.ask)
    dialogue.start()
    dialogue.handle("租房")
    turn = dialogue.handle("租房提取一个月最多能提多少")
    assert turn.answer is not None and turn.answer.topic == "hpf-rent-amount"
    assert turn.step is Step.AMOUNT and "1500" in turn.reply and "提取多少钱" in turn.reply


def test_english_replies_and_expected_phrases(catalog: Catalog) -> None:
    dialogue = WithdrawalDialogue(catalog, lang="en")
    assert "buying a home" in dialogue.start().reply
    turn = dialogue.handle("租房")
    assert "How much" in turn.reply
    assert "五" in turn.expected and "全部" in turn.expected
