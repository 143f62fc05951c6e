"""Recognizer events and typed text reach the clerk alike; the grammar hint follows the
dialogue (what the booth's voice gives the recognizer, kiosk.booth.voice)."""

from __future__ import annotations

from pathlib import Path

from kiosk.core.catalog import load_catalog
from kiosk.speech.answering import Answerer
from kiosk.speech.clerk import ClerkReply, DigitalClerk
from kiosk.speech.grammar import (
    UNK,
    build_grammar,
    knowledge_base_phrases,
    model_has_unk,
    read_grammar_file,
)
from kiosk.speech.knowledge import load_knowledge_base
from kiosk.speech.recognizer import FinalResult
from kiosk.speech.withdrawal_dialogue import WithdrawalDialogue


def test_voice_and_typing_mix_and_the_grammar_follows_the_dialogue() -> None:
    kb = load_knowledge_base()
    answerer = Answerer(kb)
    catalog = load_catalog()
    clerk = DigitalClerk(answerer, lambda lang: WithdrawalDialogue(catalog, lang))
    question = FinalResult("简易注销要什么条件", "", "", 1.0, False, 0, 1, 0)
    heard = clerk.on_recognition_event(question)
    assert heard is not None and heard.answer and heard.answer.topic == "dereg-simplified"
    assert heard.expected == ()  # free questions: free recognition
    reply: ClerkReply = clerk.hear("我要提取公积金")  # typed
    assert "买房、租房" in reply.caption  # the dialogue's first question, not "say again"
    assert "数字业务员" not in reply.caption  # no second introduction
    grammar = build_grammar(reply.expected)
    assert "租房" in grammar and grammar[-1] == UNK
    heard = clerk.on_recognition_event(FinalResult("租房", "租房", "", 1.0, True, 0, 1, 0))
    assert heard is not None and "五" in heard.expected
    assert clerk.heard == ["简易注销要什么条件", "我要提取公积金", "租房"]


def test_grammar_helpers(tmp_path: Path, korean_model_dir: Path) -> None:
    assert build_grammar(["租房", " 租房 ", "", "买房"]) == ["租房", "买房", UNK]
    assert build_grammar(["a"], unk=False) == ["a"]
    words = knowledge_base_phrases(load_knowledge_base())
    assert {"公积金", "清税", "简易注销"} <= set(words) and UNK not in words
    (tmp_path / "g.json").write_text('["월세", "퇴직", "월세"]', encoding="utf-8")
    (tmp_path / "g.txt").write_text("租房\n买房\n\n", encoding="utf-8")
    assert read_grammar_file(tmp_path / "g.json") == ["월세", "퇴직"]
    assert read_grammar_file(tmp_path / "g.txt") == ["租房", "买房"]
    assert not model_has_unk(korean_model_dir)  # docs/operations.md: the Korean model has none
    (tmp_path / "m" / "graph").mkdir(parents=True)
    (tmp_path / "m" / "graph" / "words.txt").write_text("<eps> 0\n[unk] 1\n你好 2\n")
    assert model_has_unk(tmp_path / "m")
