"""The authoring tool that fills in zh_HK: adds what is missing, keeps what is there."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from kiosk.core.catalog import default_catalog_path

SOURCE = """\
# a comment stays
name:
  zh_CN: 公积金
  en: Provident fund
summary:
  zh_CN: 打印
  en: Print
  zh_HK: 列印
materials: [{use: id_card, name: {zh_CN: 身份证, en: ID card, the original}}]
form: [{use: amount, label: {zh_CN: 金额, en: Amount, zh_HK: 金額}}]
"""


class Upper:
    """Stands in for OpenCC: marks what it converted."""

    def convert(self, text: str) -> str:
        return f"HK({text})"


def _tool() -> ModuleType:
    path = default_catalog_path() / "add_zh_hk.py"
    spec = importlib.util.spec_from_file_location("add_zh_hk", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_fills_missing_keeps_existing_and_is_idempotent(tmp_path: Path) -> None:
    tool = _tool()
    path = tmp_path / "x.yaml"
    path.write_text(SOURCE, encoding="utf-8")
    assert tool.convert_file(path, Upper()) == 2
    text = path.read_text(encoding="utf-8")
    assert "  en: Provident fund\n  zh_HK: HK(公积金)\n" in text
    assert "zh_HK: 列印" in text and "HK(打印)" not in text  # a reviewer's word stays
    assert "{zh_CN: 身份证, en: ID card, the original, zh_HK: HK(身份证)}" in text
    assert "zh_HK: 金額}}" in text and "HK(金额)" not in text
    assert text.startswith("# a comment stays\n")
    assert tool.convert_file(path, Upper()) == 0
    assert path.read_text(encoding="utf-8") == text
