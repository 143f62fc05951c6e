"""The question sets and bench/qa.py: never a wrong answer, every unanswerable handed over.

bench/qa.py records the figures; these tests hold the guarantees on the tuning check
half and the held-out set (text and speech-recognised), and check the bench reads the
evaluation format (topic lists, "-", the four kinds) and its ASR noise is deterministic.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from kiosk.speech.answering import Answerer
from kiosk.speech.knowledge import load_knowledge_base

ROOT = Path(__file__).resolve().parents[2]


def _bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_qa", ROOT / "bench" / "qa.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench():  # type: ignore[no-untyped-def]
    return _bench()


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    return Answerer(load_knowledge_base())


def test_question_sets_are_large_varied_and_name_real_topics(bench, answerer: Answerer) -> None:  # type: ignore[no-untyped-def]
    rows = bench.tuning_rows()
    assert len(rows) >= 150
    assert sum(1 for r in rows if not r.expected) >= 15
    assert sum(1 for r in rows if r.kind == "asr") >= 30
    assert sum(1 for r in rows if r.kind == "ambiguous") >= 3
    for path in (bench.QUESTIONS, bench.TUNING_EXTRA, bench.TUNING_COLLOQUIAL, bench.HELD_OUT):
        for row in bench.load_questions(path):
            assert row.expected <= {e.topic for e in answerer.kb.entries}, row
    kb_questions = {q for e in answerer.kb.entries for q in e.questions}
    assert not kb_questions & {r.question for r in rows}, "bench questions copied into the KB"


@pytest.mark.parametrize("speech", [False, True])
def test_no_wrong_answer_and_every_unanswerable_handed_over(bench, answerer, speech) -> None:  # type: ignore[no-untyped-def]
    _, check = bench.split(bench.tuning_rows())
    for rows in (check, bench.load_questions(bench.HELD_OUT)):
        result = bench.evaluate(answerer, rows, speech=speech)
        assert result["wrong"] == 0, result["wrong_answers"]
        assert result["out_of_scope_handed_over"] == result["out_of_scope"]
        assert result["right_or_clarified"] >= 0.80, result["misses"]


def test_the_evaluation_format_is_read(bench, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "qa_eval.tsv"
    path.write_text(
        "# comment\nhpf-resign|hpf-leave-city\tplain\t离职了公积金怎么办\n"
        "-\toos\t明天天气如何\nhpf-retire\tasr\t退修以后公积金怎么取\n",
        encoding="utf-8",
    )
    rows = bench.load_questions(path)
    assert rows[0].expected == {"hpf-resign", "hpf-leave-city"} and not rows[0].handover_ok
    assert not rows[1].expected and rows[1].handover_ok and rows[1].kind == "oos"
    assert rows[2].expected == {"hpf-retire"}


def test_asr_noise_is_deterministic_and_noisy(bench) -> None:  # type: ignore[no-untyped-def]
    noisy = bench.asr_noise("租房提取公积金要带什么材料？3个月")
    assert noisy == bench.asr_noise("租房提取公积金要带什么材料？3个月")
    assert "？" not in noisy and "3" not in noisy and "三" in noisy
    assert noisy != "租房提取公积金要带什么材料三个月"  # a homophone went in
