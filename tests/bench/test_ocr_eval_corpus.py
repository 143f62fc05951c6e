"""The independent OCR evaluation corpus (bench/data/ocr_eval) is what it says it is.

Deterministic per seed, truth that passes the documents' own check digits, tune and eval
splits that never share a seed, and photos whose kind is true to its name: glare photos
carry a saturated highlight over a field's text, legible ones never do.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import cv2
import numpy as np
import pytest

GENERATOR = Path(__file__).resolve().parents[2] / "bench" / "data" / "ocr_eval" / "generate.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ocr_eval_generate", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


gen = _load()

# Written here from the standards, not taken from the generator, so a wrong generator fails.
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def id_number_valid(number: str) -> bool:
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == number[17]


def uscc_valid(code: str) -> bool:
    if len(code) != 18 or any(c not in USCC_CHARS for c in code):
        return False
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(code[:17], USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31] == code[17]


KEYS = {
    "id_card": {"name", "sex", "nation", "birth_date", "address", "id_number"},
    "id_card_back": {"issuing_authority", "valid_from", "valid_to"},
    "business_license": {"name", "uscc", "legal_representative", "established"},
    "purchase_contract": {"buyer", "buyer_id_number", "seller", "property_address", "area",
                          "total_price", "signed_date"},
    "rental_contract": {"tenant", "tenant_id_number", "monthly_rent", "start", "end"},
}


@pytest.fixture(scope="module")
def corpus() -> dict[str, list]:
    return {kind: list(gen.photos("tune", 1, kind)) for kind in gen.KINDS}


def saturated_regions(jpeg: bytes) -> np.ndarray:
    """Where the photo is blown out: all channels near 255 over a 9x9 neighbourhood."""
    image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    hot = (image.min(axis=2) >= 250).astype(np.float32)
    return cv2.blur(hot, (9, 9)) >= 0.9


def saturated_in(mask: np.ndarray, box: list[int]) -> int:
    x0, y0, x1, y1 = (max(v, 0) for v in box)
    return int(mask[y0:y1, x0:x1].sum())


def test_same_seed_gives_the_same_bytes() -> None:
    seed = gen.seed_for("eval", "legible", "id_card", 3)
    first, second = gen.photo(seed, "id_card"), gen.photo(seed, "id_card")
    assert first.jpeg == second.jpeg and first.truth == second.truth
    other = gen.photo(seed + 1, "id_card")
    assert other.jpeg != first.jpeg


def test_the_splits_share_no_seed() -> None:
    def seeds(split: str) -> set[int]:
        return {gen.seed_for(split, kind, doc_type, index)
                for kind in gen.KINDS for doc_type in gen.DOC_TYPES
                for index in (0, 1, 999, 99_999)}

    tune, evaluation = seeds("tune"), seeds("eval")
    assert not tune & evaluation
    assert max(tune) < min(evaluation)
    with pytest.raises(ValueError):
        gen.seed_for("eval", "legible", "id_card", 100_000)  # would run into the next range


def test_every_kind_and_type_generates_with_its_truth(corpus: dict[str, list]) -> None:
    for kind, items in corpus.items():
        assert [p.doc_type for p in items] == list(gen.DOC_TYPES)
        for item in items:
            assert item.kind == kind
            assert item.jpeg[:2] == b"\xff\xd8"
            assert KEYS[item.doc_type] <= set(item.truth) <= KEYS[item.doc_type] | {
                "registered_capital"}
            q = item.conditions["jpeg_quality"]
            assert 50 <= q <= 95
            assert item.conditions["fonts"]


def test_truth_is_the_truth_of_the_photo(corpus: dict[str, list]) -> None:
    for item in corpus["legible"]:
        assert gen.truth(item.seed, item.doc_type) == item.truth


def test_truth_numbers_pass_their_check_digits() -> None:
    for index in range(20):
        card = gen.truth(gen.seed_for("eval", "legible", "id_card", index), "id_card")
        assert id_number_valid(card["id_number"]), card["id_number"]
        assert card["id_number"][6:14] == card["birth_date"].replace("-", "")
        assert (int(card["id_number"][16]) % 2 == 1) == (card["sex"] == "男")
        assert DATE.match(card["birth_date"]) and not card["nation"].endswith("族")
    for index in range(10):
        licence = gen.truth(gen.seed_for("tune", "legible", "business_license", index),
                            "business_license")
        assert uscc_valid(licence["uscc"]), licence["uscc"]
        assert DATE.match(licence["established"])
        if "registered_capital" in licence:
            assert re.fullmatch(r"\d+(\.\d+)?万元", licence["registered_capital"])
    for index in range(5):
        buy = gen.truth(gen.seed_for("tune", "legible", "purchase_contract", index),
                        "purchase_contract")
        assert id_number_valid(buy["buyer_id_number"])
        assert re.fullmatch(r"\d+\.\d{2}", buy["area"]) and buy["total_price"].isdigit()
        rent = gen.truth(gen.seed_for("tune", "legible", "rental_contract", index),
                         "rental_contract")
        assert id_number_valid(rent["tenant_id_number"])
        assert rent["monthly_rent"].isdigit() and rent["start"] < rent["end"]


def test_known_check_digits() -> None:
    # published examples: a valid ID number and a valid credit code
    assert id_number_valid("11010519491231002X")
    assert uscc_valid("91350100M000100Y43")
    assert gen.id_check_digit("11010519491231002") == "X"
    assert gen.uscc_check_char("91350100M000100Y4") == "3"
    assert gen.rmb_upper(3200000) == "叁佰贰拾万元整"
    assert gen.rmb_upper(10050) == "壹万零伍拾元整"
    assert gen.rmb_upper(3500) == "叁仟伍佰元整"


def test_glare_blows_out_a_field_and_legible_photos_never_do(corpus: dict[str, list]) -> None:
    for item in corpus["glare"]:
        glare = item.conditions["glare"]
        hot = saturated_regions(item.jpeg)
        boxes = item.conditions["field_boxes"][glare["field"]]
        line = min(b[3] - b[1] for b in boxes)
        assert max(saturated_in(hot, b) for b in boxes) >= line * line, item.doc_type
    for item in corpus["legible"]:
        hot = saturated_regions(item.jpeg)
        for key, boxes in item.conditions["field_boxes"].items():
            assert all(saturated_in(hot, b) == 0 for b in boxes), (item.doc_type, key)


def test_blur_is_strong_enough_to_wipe_out_small_text(corpus: dict[str, list]) -> None:
    for item in corpus["blur"]:
        blur = item.conditions["blur"]
        ratio = blur.get("sigma_over_5mm", 0) * 3 + blur.get("length_over_5mm", 0)
        assert ratio >= 0.75, blur


def test_some_paper_pages_are_printed_through_a_pdf() -> None:
    import random

    index = next(i for i in range(100)
                 if random.Random(f"printed-{gen.seed_for('eval', 'legible', 'rental_contract', i)}"
                                  ).random() < gen._PRINTED_SHARE)
    seed = gen.seed_for("eval", "legible", "rental_contract", index)
    item = gen.photo(seed, "rental_contract")
    assert item.conditions["medium"]["printed_pdf"] is True
    assert gen.truth(seed, "rental_contract") == item.truth
    assert id_number_valid(item.truth["tenant_id_number"])
    # only faces a PDF can embed (TrueType outlines) are used on a printed page
    assert all("Noto" not in name for name in item.conditions["fonts"].values())
