"""The paraphrased question set meets its targets (bench/qa.py records the figures)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from kiosk.speech.answering import Answerer
from kiosk.speech.knowledge import load_knowledge_base

ROOT = Path(__file__).resolve().parents[2]


def _bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_qa", ROOT / "bench" / "qa.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_question_set_is_large_and_varied_and_meets_the_targets() -> None:
    bench = _bench()
    rows = bench.load_questions()
    kb = load_knowledge_base()
    assert len(rows) >= 100
    assert sum(1 for topic, _, _ in rows if topic is None) >= 15
    assert sum(1 for _, kind, _ in rows if kind == "asr") >= 20
    assert all(topic is None or topic in kb for topic, _, _ in rows)
    kb_questions = {q for e in kb.entries for q in e.questions}
    assert not kb_questions & {q for _, _, q in rows}, "bench questions copied into the KB"
    result = bench.evaluate(Answerer(kb), rows)
    assert result["unanswerable_answered_wrongly"] == 0, result["wrong_on_unanswerable"]
    assert result["accuracy"] >= 0.90, result["misses"]


def test_held_out_questions_never_answer_the_unanswerable() -> None:
    bench = _bench()
    rows = bench.load_questions(bench.HELD_OUT)
    result = bench.evaluate(Answerer(load_knowledge_base()), rows)
    assert result["unanswerable"] >= 5
    assert result["unanswerable_answered_wrongly"] == 0, result["wrong_on_unanswerable"]
