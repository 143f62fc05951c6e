"""Answer accuracy of the digital clerk on paraphrased citizen questions.

Reads ``bench/data/qa_questions.tsv`` (written apart from the knowledge base, with
recognition errors and out-of-scope questions; the answerer's weights, threshold and
synonym list were tuned while looking at its misses) and
``bench/data/qa_questions_heldout.tsv`` (written afterwards, never tuned on), asks each
question, and records:
right-topic accuracy on answerable questions, how many unanswerable questions were
answered instead of handed to a clerk (must be 0), and the misses. Writes
``bench/results/qa.json``. Targets: accuracy >= 0.90, 0 wrong answers on unanswerables.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.speech.answering import Answerer  # noqa: E402
from kiosk.speech.knowledge import load_knowledge_base  # noqa: E402

QUESTIONS = ROOT / "bench" / "data" / "qa_questions.tsv"
HELD_OUT = ROOT / "bench" / "data" / "qa_questions_heldout.tsv"
RESULTS = ROOT / "bench" / "results" / "qa.json"


def load_questions(path: Path = QUESTIONS) -> list[tuple[str | None, str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        topic, kind, question = line.split("\t")
        rows.append((None if topic == "-" else topic, kind, question))
    return rows


def evaluate(answerer: Answerer, rows: list[tuple[str | None, str, str]]) -> dict[str, object]:
    answerable = [r for r in rows if r[0] is not None]
    unanswerable = [r for r in rows if r[0] is None]
    right = {"plain": 0, "asr": 0}
    total = {"plain": 0, "asr": 0}
    misses = []
    wrong_on_unanswerable = []
    started = time.perf_counter()
    for expected, kind, question in rows:
        answer = answerer.ask(question)
        if expected is None:
            if not answer.handoff:
                wrong_on_unanswerable.append(
                    {
                        "question": question,
                        "answered": answer.topic,
                        "confidence": round(answer.confidence, 3),
                    }
                )
            continue
        total[kind] += 1
        ok = answer.topic == expected and (not answer.handoff or expected == "booth-clerk")
        if ok:
            right[kind] += 1
        else:
            misses.append(
                {
                    "question": question,
                    "expected": expected,
                    "got": answer.topic,
                    "guess": answer.guess,
                    "confidence": round(answer.confidence, 3),
                }
            )
    elapsed = time.perf_counter() - started
    accuracy = sum(right.values()) / len(answerable)
    return {
        "questions": len(rows),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "accuracy": round(accuracy, 4),
        "accuracy_plain": round(right["plain"] / max(total["plain"], 1), 4),
        "accuracy_asr_errors": round(right["asr"] / max(total["asr"], 1), 4),
        "unanswerable_routed_to_clerk": len(unanswerable) - len(wrong_on_unanswerable),
        "unanswerable_answered_wrongly": len(wrong_on_unanswerable),
        "threshold": answerer.threshold,
        "ms_per_question": round(1000 * elapsed / len(rows), 2),
        "target": {"accuracy": 0.90, "unanswerable_answered_wrongly": 0},
        "met": accuracy >= 0.90 and not wrong_on_unanswerable,
        "misses": misses,
        "wrong_on_unanswerable": wrong_on_unanswerable,
    }


def main() -> int:
    answerer = Answerer(load_knowledge_base())
    answerer.ask("预热")  # load jieba's dictionary outside the timing
    result = evaluate(answerer, load_questions())
    held_out = evaluate(answerer, load_questions(HELD_OUT))
    result["held_out"] = {
        k: held_out[k]
        for k in (
            "questions",
            "accuracy",
            "unanswerable_routed_to_clerk",
            "unanswerable_answered_wrongly",
            "misses",
            "wrong_on_unanswerable",
        )
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for key in (
        "questions",
        "accuracy",
        "accuracy_plain",
        "accuracy_asr_errors",
        "unanswerable_routed_to_clerk",
        "unanswerable_answered_wrongly",
        "ms_per_question",
        "met",
    ):
        print(f"{key}: {result[key]}")
    print(
        "held-out:",
        {
            k: v
            for k, v in result["held_out"].items()  # type: ignore[attr-defined]
            if k not in ("misses", "wrong_on_unanswerable")
        },
    )
    for miss in result["misses"]:  # type: ignore[attr-defined]
        print("miss:", miss)
    for wrong in result["wrong_on_unanswerable"]:  # type: ignore[attr-defined]
        print("answered an unanswerable:", wrong)
    return 0 if result["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
