"""Words a recogniser misheard as their exact homophones, written back as the guides write them.

A speech recogniser returns characters that sound exactly like what was said but are the
wrong word: 多酒 for 多久, 设保卡 for 社保卡, 住销 for 注销, 退修 for 退休, 公基金 for
公积金. The answerer's ranking matches by sound already (:mod:`kiosk.speech.phonetics`),
but much of what keeps it from a wrong answer reads characters: the key entities' short
words (the aspect 多久 is matched as written, or 一直租着 would sound like 自助), the
catalog's service names, the out-of-scope keywords. So before anything is matched,
:class:`SoundSpeller` rewrites such words in the question:

* the vocabulary is the domain's own words of two characters or more: the guides' keywords,
  the entities' words, the catalog's service names and everyday names, the synonyms;
* a span of the question is rewritten only when its *toned* pinyin (as read in context)
  equals one vocabulary word's exactly, no other vocabulary word sounds
  the same, it shares at least one character with the word (a misheard word keeps most of
  its characters; a different word that happens to sound alike usually keeps none), and it
  is not itself a common word (公式 is a formula, not the 公示 of a deregistration:
  jieba's dictionary frequency decides);
* spans already written as a vocabulary word are kept, longest first.

Typed questions are almost never changed (their words are spelt right); the transcript a
clerk sees keeps what the recogniser heard.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import jieba
from pypinyin import Style, pinyin

_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
MAX_WORD = 6  # the longest span tried (社会保障卡, 公积金提取)
COMMON_WORD = 100  # jieba frequency from which a span is a word in its own right


def _word_sound(word: str) -> tuple[str, ...] | None:
    """The toned pinyin of ``word`` as it is read in context (银行: yin2 hang2; the neutral
    tone without a digit), or None. A recogniser writes what it heard with characters
    whose usual reading is that sound, so a span is read the same way."""
    sound = [r[0] for r in pinyin(word, style=Style.TONE3, errors="ignore")]
    return tuple(sound) if len(sound) == len(word) else None


class SoundSpeller:
    """Rewrites exact homophones of the domain's words (see the module's docstring)."""

    def __init__(self, vocabulary: Iterable[str]) -> None:
        words = {w for w in vocabulary if 2 <= len(w) <= MAX_WORD and _CJK_RUN.fullmatch(w)}
        by_sound: dict[tuple[str, ...], set[str]] = {}
        for word in words:
            sound = _word_sound(word)
            if sound is not None:
                by_sound.setdefault(sound, set()).add(word)
        # a sound two vocabulary words share names neither for sure
        self._by_sound = {s: next(iter(ws)) for s, ws in by_sound.items() if len(ws) == 1}
        self._words = frozenset(words)
        self._lengths = sorted({len(s) for s in self._by_sound}, reverse=True)
        jieba.initialize()
        self._frequency = jieba.dt.FREQ

    def correct(self, text: str) -> str:
        """``text`` with misheard domain words written as the domain writes them."""
        return _CJK_RUN.sub(lambda run: self._correct_run(run.group(0)), text)

    def _correct_run(self, run: str) -> str:
        out: list[str] = []
        i = 0
        while i < len(run):
            step, written = self._at(run, i)
            out.append(written)
            i += step
        return "".join(out)

    def _at(self, run: str, i: int) -> tuple[int, str]:
        """How many characters at ``i`` to take, and how to write them."""
        for length in self._lengths:
            span = run[i : i + length]
            if len(span) < length:
                continue
            if span in self._words:
                return length, span
            word = self._homophone(span)
            if word is not None:
                return length, word
        return 1, run[i]

    def _homophone(self, span: str) -> str | None:
        if self._frequency.get(span, 0) >= COMMON_WORD:
            return None
        sound = _word_sound(span)
        word = self._by_sound.get(sound) if sound is not None else None
        if word is None or not set(word) & set(span):
            return None
        return word
