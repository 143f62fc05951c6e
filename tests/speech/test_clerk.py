"""The digital clerk: the same conversation by typing or by recognised speech."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.core.catalog import load_catalog
from kiosk.speech.answering import Answerer
from kiosk.speech.barge_in import BargeIn
from kiosk.speech.clerk import DigitalClerk
from kiosk.speech.knowledge import load_knowledge_base
from kiosk.speech.recognizer import FinalResult, PartialResult
from kiosk.speech.tts import TextToSpeech
from kiosk.speech.vad import SpeechStarted
from kiosk.speech.withdrawal_dialogue import WithdrawalDialogue


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    return Answerer(load_knowledge_base())


def _clerk(answerer: Answerer, tts: TextToSpeech | None = None, **kw: object) -> DigitalClerk:
    catalog = load_catalog()
    return DigitalClerk(
        answerer,
        lambda lang: WithdrawalDialogue(catalog, lang, answer=answerer.ask),
        tts=tts,
        **kw,  # type: ignore[arg-type]
    )


def _final(text: str) -> FinalResult:
    return FinalResult(text, text, "", 1.0, True, 0.0, 1.0, 0.0)


def test_typed_conversation_answers_then_fills_the_draft(answerer: Answerer) -> None:
    clerk = _clerk(answerer)
    assert "数字业务员" in clerk.greet().caption
    reply = clerk.hear("租房提取公积金要带什么材料")
    assert reply.answer and reply.answer.topic == "hpf-rent-materials" and clerk.dialogue is None
    reply = clerk.hear("我要提取公积金交房租")
    assert reply.turn and reply.turn.step.value == "amount"
    assert "五" in reply.expected  # the grammar hint follows the dialogue
    for said in ("三千", "6222021234567890", "带齐了"):
        reply = clerk.hear(said)
    reply = clerk.hear("确认")
    assert reply.draft is not None and reply.draft["service"] == "hpf-withdrawal-rent"
    assert reply.draft["answers"]["amount"] == "3000.00"


def test_recognised_speech_takes_the_same_path(answerer: Answerer) -> None:
    typed, spoken = _clerk(answerer), _clerk(answerer)
    said = ["我想办理公积金提取，买房用", "两万", "六二二二零二一二三四五六七八九零", "是", "对"]
    typed_replies = [typed.hear(s).caption for s in said]
    spoken_replies = []
    for s in said:
        assert spoken.on_recognition_event(PartialResult(s[:2])) is None
        assert spoken.live_caption == s[:2]
        reply = spoken.on_recognition_event(_final(s))
        assert reply is not None
        spoken_replies.append(reply.caption)
    assert spoken_replies == typed_replies
    assert spoken.heard == typed.heard


def test_unsure_question_hands_off_with_what_was_said(answerer: Answerer) -> None:
    clerk = _clerk(answerer)
    clerk.hear("简易注销有什么条件")
    reply = clerk.hear("我的护照过期了怎么弄")
    assert reply.handoff and reply.transcript == ("简易注销有什么条件", "我的护照过期了怎么弄")


def test_replies_are_spoken_and_speech_interrupts(answerer: Answerer, tmp_path: Path) -> None:
    class Player:
        stopped = False

        def stop(self) -> None:
            self.stopped = True

    player = Player()
    barge = BargeIn(player)
    clerk = _clerk(answerer, TextToSpeech(tmp_path), lang="zh_HK", elderly=True, barge_in=barge)
    reply = clerk.greet()
    assert reply.speech is not None and reply.speech.elderly and reply.speech.wav
    assert reply.caption == reply.speech.caption and "數碼業務員" in reply.caption
    barge.speech_started()  # the UI plays it ...
    clerk.on_recognition_event(SpeechStarted(0.3))  # ... and the citizen talks over it
    assert player.stopped
