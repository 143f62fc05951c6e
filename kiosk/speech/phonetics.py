"""How Chinese text sounds: normalised words and fuzzy toneless pinyin.

A recognizer that mishears gives homophones (公基金 for 公积金, 清水 for 清税) or near
homophones from accents (zh/z, n/l, in/ing). Matching on what text *sounds like* makes the
answerer robust to both. :class:`TextAnalyzer` turns a text into features of four kinds:
character bigrams (exact wording), fuzzy pinyin syllables and syllable bigrams (sound),
and jieba words spelled in fuzzy pinyin (the sound of whole words). Colloquial words are
first read as the knowledge base's words (``assets/kb/synonyms.yaml``).
"""

from __future__ import annotations

import itertools
import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import jieba
import yaml
from pypinyin import Style, lazy_pinyin, pinyin

from kiosk.resources import data_path

jieba.setLogLevel(logging.WARNING)

_KEEP = re.compile(r"[\u3400-\u9fffA-Za-z0-9]+")
_CJK = re.compile(r"[\u3400-\u9fff]")

# Initials and finals that speakers and recognizers confuse (the "fuzzy pinyin" of input
# methods): retroflex/flat initials, n/l, front/back nasals.
_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"))
_FUZZY_FINALS = (("ing", "in"), ("eng", "en"), ("ang", "an"))

# Words that carry no topic: the scaffolding citizens wrap around what they ask.
_STOPWORD_TEXT = """
的 了 吗 呢 吧 啊 呀 么 嘛 我 你 您 他 她 我们 你们 请问 请
想 想要 要 需要 能 能不能 可以 可不可以 怎么 怎么办 怎样 怎么样
如何 什么 啥 哪 哪里 哪些 哪个 是 有 有没有 没有 一下 问 问一下
不 不能 这个 那个 这边 那边 得 就 都 也 和 跟 给 把 在 去 来
过来 办 办理 弄 一个 一张 话 的话 哦 该 干什么 现在 外面 出来
下来 自己 一共 总共 大概 还是 会 会不会 不会 该干 怎么弄 我的 刚
刚才 马上 这里 这样 那样 一直 已经
上个月 上月 去年 今年 前年 前几天 前阵子 前些天 最近 昨天 今天 明天 后天 终于 不小心
当时 后来 他们 她们 咱们 一些 有点 有些 还 又 再 很 太 特别 非常 真的 其实 然后
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
# amounts and counts in a citizen's story (两万多, 十几万): what they have, not what they ask
_AMOUNT = re.compile(r"^[0-9零一二两三四五六七八九十百千万亿多几来余]+[万千百块元]?[多]?$")


def normalize(text: str) -> str:
    """Full-width to half-width, lower case, only CJK characters, letters and digits."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(_KEEP.findall(text))


@lru_cache(maxsize=4096)
def fuzzy_syllable(syllable: str) -> str:
    """A toneless pinyin syllable with confusable initials and finals merged."""
    for long, short in _FUZZY_INITIALS:
        if syllable.startswith(long):
            syllable = short + syllable[len(long) :]
            break
    for long, short in _FUZZY_FINALS:
        if syllable.endswith(long):
            syllable = syllable[: -len(long)] + short
            break
    return syllable


def _each_char(text: str) -> Any:
    """pypinyin's ``errors`` handler: keep characters without pinyin, one by one."""
    return list(text)


def _each_char_alone(text: str) -> Any:
    return [[c] for c in text]


def syllables(text: str) -> list[str]:
    """Fuzzy toneless pinyin of each character; letters and digits stay as they are."""
    return [
        fuzzy_syllable(t) if t.isalpha() and t.isascii() else t
        for t in lazy_pinyin(text, style=Style.NORMAL, errors=_each_char)
    ]


def readings(text: str) -> list[tuple[str, ...]]:
    """Up to two fuzzy readings of each character (还: hai, huan), so that a homophone of
    either reading of a polyphonic character still matches."""
    out = []
    for alternatives in pinyin(text, style=Style.NORMAL, heteronym=True, errors=_each_char_alone):
        fuzzy = dict.fromkeys(
            fuzzy_syllable(a) if a.isalpha() and a.isascii() else a for a in alternatives[:2]
        )
        out.append(tuple(fuzzy))
    return out


def load_synonyms(path: Path | None = None) -> list[list[str]]:
    """The synonym groups of ``assets/kb/synonyms.yaml`` (first word is canonical)."""
    file = path or data_path("assets", "kb", "synonyms.yaml")
    doc = yaml.safe_load(file.read_text(encoding="utf-8"))
    return [[str(w) for w in group] for group in doc["groups"]]


class TextAnalyzer:
    """Turns text into matching features; one per answerer (it caches)."""

    def __init__(self, synonyms: Sequence[Sequence[str]] = ()) -> None:
        self._phrases: list[tuple[str, str]] = []  # (colloquial, canonical), longest first
        self._single: dict[str, str] = {}
        for group in synonyms:
            canonical, *others = group
            for word in others:
                if len(word) > 1:
                    self._phrases.append((word, canonical))
                else:
                    self._single[word] = canonical
        self._phrases.sort(key=lambda p: len(p[0]), reverse=True)
        self._cache: dict[str, frozenset[str]] = {}

    def words(self, text: str, *, canonical: bool = True) -> list[str]:
        """Content words of ``text``: normalised, no stop words, and with ``canonical``
        colloquial words read as the knowledge base's words."""
        text = normalize(text)
        for phrase, canonical_word in self._phrases if canonical else ():
            if phrase in text:
                text = text.replace(phrase, "\0" + canonical_word + "\0")
        out: list[str] = []
        for piece in text.split("\0"):
            for word in jieba.lcut(piece) if piece else ():
                word = self._single.get(word, word) if canonical else word
                if word.strip() and word not in STOPWORDS and not _AMOUNT.match(word):
                    out.append(word)
        return out

    def features(self, text: str) -> frozenset[str]:
        """``c:`` character bigram (or lone character), ``s:`` fuzzy syllable, ``p:``
        syllable bigram, ``w:`` a word in fuzzy pinyin."""
        cached = self._cache.get(text)
        if cached is None:
            # As said and as read through the synonyms: a misheard 够房 must still sound
            # like 购房 even though the synonyms read 购房 as 买房.
            cached = self._cache[text] = self._features(self.words(text)) | self._features(
                self.words(text, canonical=False)
            )
        return cached

    def word_features(self, text: str) -> list[tuple[str, frozenset[str]]]:
        """Each content word of ``text`` with its own features."""
        return [(w, self._features([w])) for w in self.words(text)]

    @staticmethod
    def _features(words: list[str]) -> frozenset[str]:
        core = "".join(words)
        if not core:
            return frozenset()
        out: set[str] = set()
        chars = [c for c in core if _CJK.match(c)]
        out.update("c:" + a + b for a, b in itertools.pairwise(chars))
        if len(chars) == 1:
            out.add("c:" + chars[0])
        sounds = readings(core)
        for alternatives in sounds:
            out.update("s:" + s for s in alternatives)
        for first, second in itertools.pairwise(sounds):
            out.update("p:" + a + "_" + b for a in first for b in second)
        for word in words:
            out.add("w:" + "_".join(syllables(word)))
        return frozenset(out)


def union(feature_sets: Iterable[frozenset[str]]) -> frozenset[str]:
    return frozenset().union(*feature_sets)
