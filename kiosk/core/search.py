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

import importlib.util
import json
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from kiosk.core.text import Text

_SEP = "\x00"
_LONGEST_PHRASE = 6  # longer phrases of the table are idioms, not service names

# Channel weights: a name beats a keyword beats the department beats the small print.
W_NAME = 1000
W_NAME_PINYIN = 900
W_NAME_INITIALS = 800
W_KEYWORD = 600
W_KEYWORD_PINYIN = 550
W_DEPARTMENT = 300
W_SUMMARY = 150
W_MATERIAL = 100
W_SENTENCE = 10  # per character pair shared with a sentence-like query
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


_TONES = str.maketrans(
    {
        **dict.fromkeys("āáǎà", "a"),
        **dict.fromkeys("ēéěèê", "e"),
        **dict.fromkeys("īíǐì", "i"),
        **dict.fromkeys("ōóǒò", "o"),
        **dict.fromkeys("ūúǔù", "u"),
        **dict.fromkeys("üǖǘǚǜ", "v"),
        **dict.fromkeys("ńňǹ", "n"),
        "ḿ": "m",
    }
)


def _toneless(syllable: str) -> str:
    """``lǜ`` -> ``lv``, ``háng`` -> ``hang``: what people type on a keyboard."""
    plain = syllable.translate(_TONES)
    if not plain.isascii():  # a rare mark the table lacks
        plain = unicodedata.normalize("NFD", plain)
        plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return plain.lower()


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, Any], dict[str, Any], dict[str, int]]:
    """pypinyin's character and phrase tables, read once per process.

    The JSON files are read directly: importing the ``pypinyin`` package also trains its
    word segmenter and loads its style machinery, which we do not use.
    """
    spec = importlib.util.find_spec("pypinyin")
    folder = Path(next(iter(spec.submodule_search_locations or ()), "")) if spec else None
    if folder is not None and (folder / "phrases_dict.json").is_file():
        chars = json.loads((folder / "pinyin_dict.json").read_bytes())
        phrases = json.loads((folder / "phrases_dict.json").read_bytes())
    else:  # pragma: no cover - a pypinyin that packs its tables differently
        from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

        chars = {str(k): v for k, v in PINYIN_DICT.items()}
        phrases = dict(PHRASES_DICT)
    return chars, phrases, _phrase_reach(phrases)


def _phrase_reach(phrases: Mapping[str, Any]) -> dict[str, int]:
    """For the first two characters of every phrase, the length of the longest phrase."""
    reach: dict[str, int] = {}
    for phrase in phrases:
        size = len(phrase)
        if size <= _LONGEST_PHRASE and reach.get(phrase[:2], 0) < size:
            reach[phrase[:2]] = size
    return reach


class _Pinyin:
    """Text to toneless pinyin syllables, using pypinyin's dictionaries."""

    def __init__(self) -> None:
        chars, phrases, reach = _tables()
        self._chars: dict[str, Any] = chars  # str(code point) -> "pīn,yin,..."
        self._phrases: dict[str, Any] = phrases  # phrase -> [[syllable], ...]
        self._reach = reach  # first two characters -> longest phrase starting with them
        self._char_cache: dict[str, str] = {}
        self.cache: dict[str, tuple[str, ...]] = {}

    def _char(self, ch: str) -> str | None:
        hit = self._char_cache.get(ch)
        if hit is None:
            raw = self._chars.get(str(ord(ch)))
            if raw is None:
                return None
            hit = self._char_cache[ch] = _toneless(raw.split(",", 1)[0])
        return hit

    def syllables(self, text: str) -> tuple[str, ...]:
        """Syllables of the Chinese characters; runs of letters/digits kept as one chunk."""
        hit = self.cache.get(text)
        if hit is not None:
            return hit
        out: list[str] = []
        phrases = self._phrases
        i, n = 0, len(text)
        while i < n:
            ch = text[i]
            if ch.isascii():
                if ch.isalnum():
                    j = i + 1
                    while j < n and text[j].isascii() and text[j].isalnum():
                        j += 1
                    out.append(text[i:j].lower())
                    i = j
                else:
                    i += 1
                continue
            reading = self._char(ch)
            if reading is None:
                i += 1
                continue
            longest = self._reach.get(text[i : i + 2], 0)
            for size in range(min(longest, n - i), 1, -1):
                phrase = phrases.get(text[i : i + size])
                if phrase is not None:
                    out += [_toneless(p[0]) for p in phrase]
                    i += size
                    break
            else:
                out.append(reading)
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
        # For pinyin: a bit mask of the offsets where a syllable starts in each field;
        # hits elsewhere do not count.
        self.breaks: list[int] | None = [] if syllabic else None
        self._parts: list[str] = []
        self._end = 1

    def add(self, owner: int, value: str, breaks: int = 1) -> None:
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
            if (breaks is None or breaks[field] >> offset & 1) and (not one_letter or offset == 0):
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
    if not unicodedata.is_normalized("NFKC", query):
        query = unicodedata.normalize("NFKC", query)
    return " ".join(query.lower().split())


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
            mask, at = 0, 0
            for syl in syllables:
                mask |= 1 << at
                at += len(syl)
            full.add(owner, "".join(syllables), mask)
            if initials is not None:
                initials.add(owner, "".join(s[0] for s in syllables))

        # Chinese character pairs of names and keywords -> services, for sentences.
        self._pairs: dict[str, set[int]] = {}
        for i, s in enumerate(services):
            for text in (s.name.zh_CN, s.name.zh_HK, *s.keywords):
                for pair in _han_pairs(text):
                    self._pairs.setdefault(pair, set()).add(i)
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
        if not best:
            best = self._sentence(q)
        ranked = sorted(best, key=lambda i: (-best[i], self._name_len[i], i))
        return ranked[:limit]

    def _sentence(self, query: str) -> dict[int, int]:
        """A sentence rather than a name ("我要提取公积金"): rank by shared character pairs.

        Only a last resort, when nothing matched as a whole or word by word; a service
        must share at least two pairs with the query, or its only pair if the query has
        just one, so a stray common pair does not drag in unrelated services.
        """
        pairs = set(_han_pairs(query))
        if not pairs:
            return {}
        hits: dict[int, int] = {}
        for pair in pairs:
            for i in self._pairs.get(pair, ()):
                hits[i] = hits.get(i, 0) + 1
        needed = 1 if len(pairs) == 1 else 2
        return {i: W_SENTENCE * n for i, n in hits.items() if n >= needed}


def _han_pairs(text: str) -> Iterable[str]:
    for a, b in pairwise(text):
        if "\u3400" <= a <= "\u9fff" and "\u3400" <= b <= "\u9fff":
            yield a + b


def _three(text: Text) -> Iterable[str]:
    zh_cn = normalize(text.zh_CN)
    yield zh_cn
    zh_hk = normalize(text.zh_HK)
    if zh_hk != zh_cn:
        yield zh_hk
    yield normalize(text.en)
