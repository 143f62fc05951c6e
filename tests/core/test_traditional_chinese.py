"""Every Traditional Chinese (zh_HK) text of the catalog and the knowledge base is written in
Traditional characters: a Simplified one slipped in (公安局户政, 清税) reads as a typo to a
Hong Kong reader. OpenCC's s2t is the judge, except where it prefers a rarer form."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import opencc
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
# where OpenCC's s2t writes a rarer form than Hong Kong's usual one (審核, 剛才, 平台)
ACCEPTED = {"覈": "核", "纔": "才", "臺": "台"}


def _zh_hk(node: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "zh_HK" and isinstance(value, str):
                yield where, value
            else:
                yield from _zh_hk(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _zh_hk(value, f"{where}[{i}]")


FILES = sorted(
    [*(ROOT / "assets" / "catalog").rglob("*.yaml"), *(ROOT / "assets" / "kb").glob("*.yaml")]
)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_zh_hk_texts_are_traditional(path: Path) -> None:
    s2t = opencc.OpenCC("s2t")
    simplified = []
    for where, text in _zh_hk(yaml.safe_load(path.read_text(encoding="utf-8")), ""):
        converted = s2t.convert(text).translate(str.maketrans(ACCEPTED))
        if converted != text:
            simplified.append((where, text, converted))
    assert simplified == []
