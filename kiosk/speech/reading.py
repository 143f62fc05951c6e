"""How a question in Traditional Chinese, Cantonese or English is read before matching.

The knowledge base's questions, keywords and entity words are Simplified Mandarin. A
citizen at a Hong Kong-language booth types 身份證唔見咗點算, and one at the English screen
asks "I lost my ID card, what should I do?"; matched as written, neither shares a word
with the guide, and both went to a clerk. :class:`QuestionReader` reads them the way the
knowledge base is written, before any matching:

1. Traditional to Simplified characters with OpenCC (``hk2s``: Hong Kong forms too);
2. Cantonese words to their Mandarin ones (唔见咗 -> 丢了, 几耐 -> 多久), from
   ``assets/kb/readings.yaml``;
3. an English question (mostly Latin letters): its phrases to the knowledge base's words
   (``housing provident fund`` -> 公积金, ``how long`` -> 多久), longest first, and the
   English words left over dropped (what, do, I... say nothing a guide could match;
   kept, they would only count as words no entry explains).

The answer the citizen gets stays in their language (the entry's ``answer`` is
localised); only the matching reads the question this way. The transcript a clerk sees
keeps the citizen's own words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from kiosk.resources import data_path
from kiosk.speech.knowledge import READINGS_FILE

_LATIN = re.compile(r"[A-Za-z]")
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")


@lru_cache(maxsize=1)
def _converter() -> Any:
    import opencc  # the booth's speech extra; imported once, when first asked

    return opencc.OpenCC("hk2s")


@dataclass(frozen=True, slots=True)
class QuestionReader:
    """Reads a question as Simplified Mandarin (see the module's docstring)."""

    cantonese: tuple[tuple[str, str], ...] = ()  # (Cantonese, Mandarin), longest first
    english: tuple[tuple[re.Pattern[str], str], ...] = field(default=())

    def read(self, question: str) -> str:
        text = to_simplified(question)
        for word, mandarin in self.cantonese:
            text = text.replace(word, mandarin)
        if not is_english(text):
            return text
        for pattern, chinese in self.english:
            text = pattern.sub(f" {chinese} ", text)
        return " ".join(_LATIN_WORD.sub(" ", text).split())


def to_simplified(text: str) -> str:
    """``text`` in Simplified characters (Hong Kong forms and words too)."""
    return str(_converter().convert(text)) if _CJK.search(text) else text


def is_english(text: str) -> bool:
    """Mostly Latin letters: more of them than Chinese characters."""
    return len(_LATIN.findall(text)) > 2 * len(_CJK.findall(text))


def load_reader(path: Path | None = None) -> QuestionReader:
    """The reader of ``assets/kb/readings.yaml`` (a plain one when the file is missing)."""
    file = path or data_path("assets", "kb", READINGS_FILE)
    if not file.exists():
        return QuestionReader()
    doc = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    cantonese = sorted(
        ((str(k), str(v)) for k, v in (doc.get("cantonese") or {}).items()),
        key=lambda pair: len(pair[0]),
        reverse=True,
    )
    english = sorted(
        ((str(k).lower(), str(v)) for k, v in (doc.get("english") or {}).items()),
        key=lambda pair: len(pair[0]),
        reverse=True,
    )
    patterns = tuple(
        (re.compile(rf"(?<![a-z]){re.escape(phrase)}(?![a-z])", re.IGNORECASE), chinese)
        for phrase, chinese in english
    )
    return QuestionReader(tuple(cantonese), patterns)
