"""OCR benchmark: exact fields, CPU per photo and the quality gates, side by side.

Two sets of photos:

* **the evaluation corpus** (``bench/data/ocr_eval``, written apart from ``kiosk/ocr``
  and sharing nothing with it): its ``eval`` split is what this benchmark reports, and
  it is only ever measured: no rule in ``kiosk/ocr`` or ``kiosk/capture`` was tuned by
  looking at an eval photo or at what was misread on one. Tuning uses its ``tune`` split
  (``--split tune --show-errors``) and ``kiosk/ocr/synth.py``.
* **the project's own generator** (``kiosk/ocr/synth.py``, seeds 1000..), the set the
  rules were first tuned on, kept for continuity with earlier figures (``synth``).

Readers, on the same photos:

* ``raw-tesseract`` and ``raw-rapidocr``: the engine on the whole photo as the camera
  took it, no outline, no flattening; fields parsed from its lines by the same label
  parser the booth uses.
* ``kiosk`` (and ``tesseract``/``rapidocr``/``hybrid`` on the synth set): what
  ``kiosk ocr`` does: find and flatten the page, the quality gates, then the default
  engine's reading (tesseract lays out the page, RapidOCR's recogniser reads the field
  lines).

The gates: false refusals on the corpus's legible photos (every refusal the kiosk
reader meets), true refusals on its glare and blur photos (outline, flatten and
``kiosk.capture.quality.assess``, the same as the booth's capture).

Seconds are CPU seconds of this process and its children with every engine held to one
thread (``OMP_THREAD_LIMIT=1``, onnxruntime intra-op threads 1): on a shared machine
wall time measures the neighbours, CPU time what one core needs. Writes
bench/results/ocr.json.

    PYTHONPATH=. python bench/ocr.py [--per-type 8] [--split eval] [--gates 10]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path
from types import ModuleType

os.environ["OMP_THREAD_LIMIT"] = "1"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.capture.geometry import flatten_page
from kiosk.capture.quality import assess
from kiosk.ocr import synth
from kiosk.ocr.checks import check_fields
from kiosk.ocr.cli import read_photo
from kiosk.ocr.documents import Reading
from kiosk.ocr.engine import OcrEngine
from kiosk.ocr.engines import make_engine
from kiosk.ocr.extract import (
    _PAGE_READERS,
    _Page,
    _read_anchored,
    _Result,
    id_candidates,
)

RESULTS = Path(__file__).resolve().parent / "results" / "ocr.json"
CORPUS = Path(__file__).resolve().parent / "data" / "ocr_eval" / "generate.py"
# the scored synth photos; tune on other seeds (--first-seed 5000), never on these
SCORED_SEEDS = 1000


def cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def corpus() -> ModuleType:
    """The evaluation corpus's generator module."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("ocr_eval_generate", CORPUS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def raw_baseline(image, engine: OcrEngine, doc_type: str) -> Reading:  # type: ignore[no-untyped-def]
    """The engine on the whole photo, fields parsed from its lines by their labels."""
    import cv2

    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    page = _Page.of(engine.read_lines(gray))
    if doc_type != "id_card":
        result = _PAGE_READERS[doc_type](gray, page, engine)
        _read_anchored(doc_type, gray, page, engine, result)
    else:
        result = _Result.empty("id_card")
        text = page.joined
        patterns = {
            "name": r"姓名([\u4e00-\u9fff]{2,4})", "sex": r"性别([男女])",
            "nation": r"民族([\u4e00-\u9fff]{1,4})",
            "address": r"住址([\u4e00-\u9fff0-9]+?)(?:公民|$)",
        }
        for name, pattern in patterns.items():
            match = re.search(pattern, text)
            if match:
                result.put(name, match.group(1), 0.5, None)
        born = re.search(r"出生(\d{4})年(\d{1,2})月(\d{1,2})日", text)
        if born:
            result.put("birth_date", "{:04d}-{:02d}-{:02d}".format(*map(int, born.groups())),
                       0.5, None)
        numbers = id_candidates(text)
        if numbers:
            result.put("id_number", numbers[0], 0.5, None)
    return Reading(doc_type, result.fields, result.confidence,
                   check_fields(doc_type, result.fields))


Photo = tuple[str, object, dict[str, str], str]  # doc_type, BGR image, truth, label


def corpus_photos(split: str, per_type: int, kind: str = "legible") -> list[Photo]:
    import cv2
    import numpy as np

    gen = corpus()
    return [(p.doc_type, cv2.imdecode(np.frombuffer(p.jpeg, np.uint8), cv2.IMREAD_COLOR),
             dict(p.truth), f"seed {p.seed}")
            for p in gen.photos(split, per_type, kind)]


def synth_photos(per_type: int, first_seed: int) -> list[Photo]:
    out: list[Photo] = []
    for doc_type in synth.DOC_TYPES:
        for seed in range(first_seed, first_seed + per_type):
            photo = synth.generate(doc_type, seed)
            out.append((doc_type, photo.image, dict(photo.document.fields), f"seed {seed}"))
    return out


def score(name: str, photos: list[Photo], show_errors: bool = False) -> dict:  # type: ignore[type-arg]
    """One reader on ``photos``: exact fields per type and per field, CPU per photo."""
    engine_name = {"raw-tesseract": "tesseract", "raw-rapidocr": "rapidocr",
                   "kiosk": "hybrid"}.get(name, name)
    engine = make_engine(engine_name)
    cpu, wall = [], []
    exact = total = 0
    per_field: dict[str, list[int]] = {}
    per_type_acc: dict[str, list[int]] = {}
    refused = 0
    for doc_type, image, truth, label in photos:
        c0, w0 = cpu_seconds(), time.perf_counter()
        try:
            if name.startswith("raw-"):
                reading = raw_baseline(image, engine, doc_type)
            else:
                reading = read_photo(image, engine, doc_type)  # type: ignore[arg-type]
            fields = reading.fields
        except Exception as exc:  # a refused photo counts as all fields wrong
            refused += 1
            fields = {}
            print(f"  {name} {doc_type}: {type(exc).__name__}", file=sys.stderr)
        cpu.append(cpu_seconds() - c0)
        wall.append(time.perf_counter() - w0)
        for field_name, value in truth.items():
            ok = int(fields.get(field_name, "") == value)
            if show_errors and not ok:
                print(f"    {name} {doc_type} {label} {field_name}: "
                      f"{fields.get(field_name)!r} for {value!r}", flush=True)
            exact += ok
            total += 1
            per_field.setdefault(f"{doc_type}.{field_name}", []).append(ok)
            per_type_acc.setdefault(doc_type, []).append(ok)
    by_type = {k: round(sum(v) / len(v), 4) for k, v in per_type_acc.items()}
    entry: dict = {  # type: ignore[type-arg]
        "exact_field_accuracy": round(exact / total, 4),
        "median_cpu_s_per_image": round(statistics.median(cpu), 3),
        "p90_cpu_s_per_image": round(sorted(cpu)[int(0.9 * (len(cpu) - 1))], 3),
        "median_wall_s_per_image": round(statistics.median(wall), 3),
        "refused_images": refused,
        "per_type_accuracy": by_type,
        "per_field_accuracy": {k: round(sum(v) / len(v), 4) for k, v in per_field.items()},
        # the machine is shared: the 1-minute load when this reader finished
        "load_avg_1m_at_end": round(os.getloadavg()[0], 2),
    }
    print(f"{name:14s} exact fields {entry['exact_field_accuracy']:.1%}  "
          f"median {entry['median_cpu_s_per_image']:.2f} s CPU, p90 "
          f"{entry['p90_cpu_s_per_image']:.2f} s, refused {refused}, "
          f"load {entry['load_avg_1m_at_end']:.1f}", flush=True)
    for doc_type, acc in by_type.items():
        print(f"    {doc_type:18s} {acc:.1%}", flush=True)
    return entry


def gates(split: str, per_type: int) -> dict:  # type: ignore[type-arg]
    """The quality gates on the corpus's glare and blur photos: how many they refuse, and
    what becomes of the ones they let through. A photo let through is read as the booth
    reads it; a wrong field is *flagged* when its confidence is under the confirm
    screen's 0.6 (the citizen is asked to look at it) and *silent* otherwise: a silent
    error is what a gate that lets too much through costs."""
    engine = make_engine("hybrid")
    out: dict = {}  # type: ignore[type-arg]
    for kind, reason in (("glare", "glare"), ("blur", "blurred")):
        verdicts = []
        exact = flagged = silent = total = 0
        for doc_type, image, truth, _ in corpus_photos(split, per_type, kind):
            page, _ = flatten_page(image)  # type: ignore[arg-type]
            verdict = assess(page)
            verdicts.append(verdict.reason)
            if verdict.reason != "ok":
                continue
            try:
                reading = read_photo(image, engine, doc_type)  # type: ignore[arg-type]
            except Exception:  # refused by the reader: every field missed, flagged
                reading = None
            for field_name, value in truth.items():
                total += 1
                got = reading.fields.get(field_name, "") if reading else ""
                if got == value:
                    exact += 1
                elif reading is None or reading.confidence.get(field_name, 0.0) < 0.6:
                    flagged += 1
                else:
                    silent += 1
        out[kind] = {
            "photos": len(verdicts),
            "refused": round(sum(v != "ok" for v in verdicts) / len(verdicts), 4),
            f"refused_as_{reason}": round(sum(v == reason for v in verdicts) / len(verdicts), 4),
            "passed_fields": total,
            "passed_exact": round(exact / total, 4) if total else None,
            "passed_wrong_flagged": flagged,
            "passed_wrong_silent": silent,
        }
        print(f"gate on {kind:5s}: refused {out[kind]['refused']:.1%} of {len(verdicts)}; "
              f"let through: {total} fields, {out[kind]['passed_exact'] or 0:.1%} exact, "
              f"{flagged} wrong and flagged, {silent} wrong and silent", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-type", type=int, default=8)
    parser.add_argument("--split", default="eval", choices=("eval", "tune"),
                        help="the corpus split: eval to measure, tune to tune")
    parser.add_argument("--readers", default="raw-tesseract,raw-rapidocr,kiosk")
    parser.add_argument("--gates", type=int, default=10,
                        help="glare and blur photos per document type")
    parser.add_argument("--synth", type=int, default=5,
                        help="synth photos per type for continuity (kiosk reader; 0: none)")
    parser.add_argument("--first-seed", type=int, default=SCORED_SEEDS)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--show-errors", action="store_true",
                        help="print each wrong field (tune split only: eval is not looked at)")
    args = parser.parse_args()
    if args.show_errors and args.split == "eval":
        parser.error("--show-errors is for the tune split: eval photos are only measured")
    photos = corpus_photos(args.split, args.per_type)
    report: dict = {  # type: ignore[type-arg]
        "corpus": {"split": args.split, "per_type": args.per_type, "images": len(photos),
                   "readers": {}},
    }
    for name in args.readers.split(","):
        entry = score(name, photos, args.show_errors)
        report["corpus"]["readers"][name] = entry
    kiosk_entry = report["corpus"]["readers"].get("kiosk")
    if kiosk_entry is not None:
        report["corpus"]["legible_refused"] = round(
            kiosk_entry["refused_images"] / len(photos), 4)
    if args.gates:
        report["corpus"]["gates"] = gates(args.split, args.gates)
    if args.synth:
        shots = synth_photos(args.synth, args.first_seed)
        report["synth"] = {"per_type": args.synth, "images": len(shots),
                           "readers": {"kiosk": score("kiosk", shots)}}
    report["machine"] = {"cpus": os.cpu_count(), "load_avg": os.getloadavg()}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
