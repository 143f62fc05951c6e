"""Service search: Chinese text, full pinyin, pinyin initials, English words, keywords.

Theory of operation. At construction every service contributes short *fields* to a
handful of *channels* (its names in three languages, the pinyin of its Chinese name with
and without syllable breaks, its keywords, its department, its summary and materials).
Each channel is one long string, the fields joined by a separator, with the start of
every field kept in a sorted list. A query is then a few ``str.find`` scans in C over
each channel; a hit is mapped to its field with ``bisect`` and scored by the channel's
weight, plus bonuses when it starts the field (prefix) or is the whole field (exact).
Pinyin hits must start at a syllable, so ``an`` does not match inside ``huan``. A
service's score is its best hit; ties go to the shorter name, then catalog order.

A query with spaces is first tried as a whole (``qiye zhuxiao`` -> ``qiyezhuxiao``);
if nothing matches, every word must match something and the scores add up.

Pinyin comes from pypinyin's dictionaries with a forward-maximum-match over its phrase
table (so 银行 is ``yinhang``), done here because pypinyin's own per-character pipeline
costs ~15 µs a character and would dominate loading a large catalog.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from kiosk.core.text import Text

_SEP = "\x00"

# Channel weights: a name beats a keyword beats the department beats the small print.
W_NAME = 1000
W_NAME_PINYIN = 900
W_NAME_INITIALS = 800
W_KEYWORD = 600
W_KEYWORD_PINYIN = 550
W_DEPARTMENT = 300
W_SUMMARY = 150
W_MATERIAL = 100
BONUS_PREFIX = 50
BONUS_EXACT = 100
BONUS_WORD = 20  # an English hit at the start of a word


class _Named(Protocol):
    @property
    def name(self) -> Text: ...


class _Material(_Named, Protocol):
    pass


class _Searchable(_Named, Protocol):
    @property
    def department(self) -> str: ...
    @property
    def summary(self) -> Text: ...
    @property
    def keywords(self) -> tuple[str, ...]: ...
    @property
    def materials(self) -> Sequence[_Material]: ...


# -- pinyin ------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _toneless(syllable: str) -> str:
    """``lǜ`` -> ``lv``, ``háng`` -> ``hang``: what people type on a keyboard."""
    plain = unicodedata.normalize("NFD", syllable.replace("ü", "v"))
    return "".join(ch for ch in plain if not unicodedata.combining(ch)).lower()


class _Pinyin:
    """Text to toneless pinyin syllables, using pypinyin's dictionaries."""

    def __init__(self) -> None:
        from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

        self.phrases: Mapping[str, list[list[str]]] = PHRASES_DICT
        self.chars: Mapping[int, str] = PINYIN_DICT
        self.longest = 10
        self.cache: dict[str, tuple[str, ...]] = {}

    def syllables(self, text: str) -> tuple[str, ...]:
        """Syllables of the Chinese characters; runs of letters/digits kept as one chunk."""
        hit = self.cache.get(text)
        if hit is not None:
            return hit
        out: list[str] = []
        i, n = 0, len(text)
        while i < n:
            code = ord(text[i])
            if code in self.chars:
                for size in range(min(self.longest, n - i), 1, -1):
                    phrase = self.phrases.get(text[i : i + size])
                    if phrase is not None:
                        out += (_toneless(p[0]) for p in phrase)
                        i += size
                        break
                else:
                    out.append(_toneless(self.chars[code].split(",", 1)[0]))
                    i += 1
            elif text[i].isascii() and text[i].isalnum():
                j = i
                while j < n and text[j].isascii() and text[j].isalnum():
                    j += 1
                out.append(text[i:j].lower())
                i = j
            else:
                i += 1
        result = tuple(out)
        self.cache[text] = result
        return result


# -- channels ------------------------------------------------------------------------------


class _Channel:
    """Fields of one kind, joined into one string for fast scanning."""

    __slots__ = ("_end", "_parts", "blob", "breaks", "owners", "starts", "weight")

    def __init__(self, weight: int, syllabic: bool = False) -> None:
        self.weight = weight
        self.blob = _SEP
        self.starts: list[int] = []  # offset of each field in blob
        self.owners: list[int] = []  # service position of each field
        # For pinyin: the offsets where a syllable starts; hits elsewhere do not count.
        self.breaks: list[frozenset[int]] | None = [] if syllabic else None
        self._parts: list[str] = []
        self._end = 1

    def add(self, owner: int, value: str, breaks: frozenset[int] = frozenset({0})) -> None:
        if not value:
            return
        self._parts.append(value)
        self.starts.append(self._end)
        self.owners.append(owner)
        if self.breaks is not None:
            self.breaks.append(breaks)
        self._end += len(value) + 1

    def seal(self) -> None:
        self.blob = _SEP + _SEP.join(self._parts) + _SEP
        self._parts = []

    def scan(self, query: str, best: dict[int, int], one_letter: bool) -> None:
        """Raise ``best[service]`` to the score of every hit of ``query`` here."""
        blob, starts, owners, breaks = self.blob, self.starts, self.owners, self.breaks
        size = len(query)
        find = blob.find
        pos = find(query, 1)
        while pos != -1:
            field = bisect_right(starts, pos) - 1
            start = starts[field]
            offset = pos - start
            if (breaks is None or offset in breaks[field]) and (not one_letter or offset == 0):
                score = self.weight
                if offset == 0:
                    score += BONUS_PREFIX
                    if blob[pos + size] == _SEP:
                        score += BONUS_EXACT
                elif blob[pos - 1] == " ":
                    score += BONUS_WORD
                owner = owners[field]
                if score > best.get(owner, 0):
                    best[owner] = score
            pos = find(query, pos + 1)


def normalize(query: str) -> str:
    """Full-width to half-width, lower case, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", query).lower().split())


def _has_han(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


class SearchIndex:
    """A precomputed index over services; :meth:`search` returns service positions."""

    def __init__(self, services: Sequence[_Searchable], departments: Mapping[str, _Named]) -> None:
        self._name_len = [len(s.name.zh_CN) for s in services]
        pinyin = _Pinyin()
        self.text_channels = [
            name := _Channel(W_NAME),
            keyword := _Channel(W_KEYWORD),
            dept := _Channel(W_DEPARTMENT),
            summary := _Channel(W_SUMMARY),
            material := _Channel(W_MATERIAL),
        ]
        self.pinyin_channels = [
            name_py := _Channel(W_NAME_PINYIN, syllabic=True),
            name_ini := _Channel(W_NAME_INITIALS),
            kw_py := _Channel(W_KEYWORD_PINYIN, syllabic=True),
            kw_ini := _Channel(W_KEYWORD_PINYIN - 50),
            dept_py := _Channel(W_DEPARTMENT, syllabic=True),
        ]

        def add_pinyin(full: _Channel, initials: _Channel | None, owner: int, text: str) -> None:
            syllables = pinyin.syllables(text)
            if not syllables:
                return
            offsets, at = [], 0
            for syl in syllables:
                offsets.append(at)
                at += len(syl)
            full.add(owner, "".join(syllables), frozenset(offsets))
            if initials is not None:
                initials.add(owner, "".join(s[0] for s in syllables))

        for i, s in enumerate(services):
            for text in _three(s.name):
                name.add(i, text)
            add_pinyin(name_py, name_ini, i, s.name.zh_CN)
            for kw in s.keywords:
                keyword.add(i, normalize(kw))
                if _has_han(kw):
                    add_pinyin(kw_py, kw_ini, i, kw)
            d = departments.get(s.department)
            if d is not None:
                for text in _three(d.name):
                    dept.add(i, text)
                add_pinyin(dept_py, None, i, d.name.zh_CN)
            for text in _three(s.summary):
                summary.add(i, text)
            for m in s.materials:
                material.add(i, normalize(m.name.zh_CN))
                material.add(i, normalize(m.name.en))
        for channel in (*self.text_channels, *self.pinyin_channels):
            channel.seal()

    def _score(self, query: str) -> dict[int, int]:
        best: dict[int, int] = {}
        one_letter = len(query) == 1 and query.isascii()
        for channel in self.text_channels:
            channel.scan(query, best, one_letter)
        compact = query.replace(" ", "")
        if compact.isascii() and compact.isalnum():
            for channel in self.pinyin_channels:
                channel.scan(compact, best, one_letter)
        return best

    def search(self, query: str, limit: int = 50) -> list[int]:
        """Positions of the services matching ``query``, best first; [] for an empty query."""
        q = normalize(query)
        if not q or limit <= 0:
            return []
        best = self._score(q)
        words = q.split(" ")
        if not best and len(words) > 1:
            per_word = [self._score(w) for w in words]
            common = set(per_word[0]).intersection(*per_word[1:])
            best = {i: sum(scores[i] for scores in per_word) // len(words) for i in common}
        ranked = sorted(best, key=lambda i: (-best[i], self._name_len[i], i))
        return ranked[:limit]


def _three(text: Text) -> Iterable[str]:
    zh_cn = normalize(text.zh_CN)
    yield zh_cn
    zh_hk = normalize(text.zh_HK)
    if zh_hk != zh_cn:
        yield zh_hk
    yield normalize(text.en)
