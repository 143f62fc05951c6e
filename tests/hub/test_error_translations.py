"""Every error code the hub's API can answer has a translation in every page language.

The codes are collected from the hub's source (``error_codes.collect``), so a new
``ApiError`` without a translation in ``kiosk/hub/static/i18n/*.json`` fails here.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from error_codes import HUB, collect

LANGUAGES = ("zh_CN", "en", "zh_HK")
I18N = HUB / "static" / "i18n"


def _table(lang: str) -> dict[str, str]:
    table = json.loads((I18N / f"{lang}.json").read_text(encoding="utf-8"))["errors"]
    assert isinstance(table, dict)
    return table


def test_the_collector_reads_every_error_call() -> None:
    found = collect()
    assert found.unresolved == [], f"codes the collector cannot read: {found.unresolved}"
    # Codes made in three different ways, so none of the readers silently stops working.
    assert {"slot_in_past", "bad_code", "queue_entry_not_found", "note_required"} <= found.codes


def test_the_collector_finds_a_new_code(tmp_path: Path) -> None:
    (tmp_path / "new_router.py").write_text(
        "from kiosk.hub.errors import ApiError, not_found\n"
        "def handler(x):\n"
        "    if x:\n"
        '        raise ApiError(409, "brand_new_refusal", "no")\n'
        '    raise not_found("gadget")\n'
        "def dynamic(code):\n"
        '    raise ApiError(400, code, "?")\n'
    )
    found = collect(tmp_path)
    assert {"brand_new_refusal", "gadget_not_found"} <= found.codes
    assert len(found.unresolved) == 1


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_error_code_is_translated(lang: str) -> None:
    table = _table(lang)
    missing = sorted(code for code in collect().codes if not table.get(code, "").strip())
    assert missing == [], f"{lang}.json lacks translations for {missing}"


def test_the_languages_translate_the_same_codes() -> None:
    keys = {lang: set(_table(lang)) for lang in LANGUAGES}
    assert keys["zh_CN"] == keys["en"] == keys["zh_HK"]


def test_translations_are_served(hub: Any) -> None:
    """The pages load the tables from the hub, over HTTP, as they are in the repository."""
    for lang in LANGUAGES:
        answer = hub.http.get(f"/static/i18n/{lang}.json")
        assert answer.status_code == 200
        assert answer.json()["errors"] == _table(lang)
