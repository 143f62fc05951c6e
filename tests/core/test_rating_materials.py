"""Rating levels (GB/T 39734) and material trust levels (国办函〔2016〕108号)."""

from __future__ import annotations

import pytest

from kiosk.core.materials import SubmittedMaterial, TrustLevel
from kiosk.core.rating import LEVELS, Level, Rating


def test_five_levels_best_first_with_standard_names() -> None:
    names = ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
    assert [lv.label.zh_CN for lv in LEVELS] == names
    assert LEVELS[0].label.zh_HK == "非常滿意"
    assert all(lv.label.en for lv in LEVELS)


def test_only_the_two_lowest_levels_are_bad_reviews() -> None:
    assert [lv.is_bad_review for lv in LEVELS] == [False, False, False, True, True]
    assert Rating("c1", "hpf-withdrawal-rent", Level.DISSATISFIED).needs_follow_up
    assert not Rating("c1", "hpf-withdrawal-rent", Level.SATISFIED, clerk="tax-1").needs_follow_up


def test_capture_starts_at_c_and_a_clerk_check_makes_it_b() -> None:
    captured = SubmittedMaterial("business_license_original")
    assert captured.level is TrustLevel.C and not captured.level.reusable
    checked = captured.verified_by("market-7")
    assert checked.level is TrustLevel.B and checked.level.reusable
    assert checked.checked_by == "market-7"
    assert SubmittedMaterial("x", TrustLevel.A).verified_by("c").level is TrustLevel.A
    with pytest.raises(ValueError):
        captured.verified_by("")
