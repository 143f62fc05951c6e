"""Recognition grammars: the phrases a grammar recognizer may hear.

Built from the dialogue's expected answers (best: a handful of phrases) and, for free
questions, the knowledge base's words. A model that has an ``[unk]`` word (the Chinese
models) gets it added, so that speech outside the grammar comes out as ``[unk]`` instead
of being forced onto a grammar phrase; the Korean test model has none (docs/operations.md).
Files for ``kiosk listen --grammar``: a JSON list of phrases, or one phrase per line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from kiosk.speech.knowledge import KnowledgeBase
from kiosk.speech.phonetics import TextAnalyzer

UNK = "[unk]"


def build_grammar(phrases: Iterable[str], *, unk: bool = True) -> list[str]:
    """Unique, non-empty phrases in their first order, with ``[unk]`` when asked."""
    out = list(dict.fromkeys(p.strip() for p in phrases if p and p.strip()))
    if unk and UNK not in out:
        out.append(UNK)
    return out


def knowledge_base_phrases(kb: KnowledgeBase, analyzer: TextAnalyzer | None = None) -> list[str]:
    """The words of the knowledge base's questions and keywords (for free questions)."""
    analyzer = analyzer or TextAnalyzer()
    words: list[str] = []
    for entry in kb.entries:
        words.extend(entry.keywords)
        for question in entry.questions:
            words.extend(analyzer.words(question, canonical=False))
    return build_grammar(words, unk=False)


def model_has_unk(model_dir: Path) -> bool:
    """Whether the model's vocabulary has ``[unk]`` (looked up in graph/words.txt)."""
    words = model_dir / "graph" / "words.txt"
    if not words.exists():
        return False
    with words.open(encoding="utf-8", errors="replace") as f:
        return any(line.split(" ", 1)[0] == UNK for line in f)


def read_grammar_file(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    if text.lstrip().startswith("["):
        doc = json.loads(text)
        if not isinstance(doc, list) or not all(isinstance(p, str) for p in doc):
            raise ValueError(f"{path}: a grammar is a JSON list of phrases")
        return build_grammar(doc, unk=False)
    return build_grammar(text.splitlines(), unk=False)
