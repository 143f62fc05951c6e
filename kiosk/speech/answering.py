"""Answering citizens' questions from the knowledge base, or handing them to a clerk.

Theory of operation: every entry of the knowledge base is indexed by the features
(:mod:`kiosk.speech.phonetics`) of its questions and keywords. A question is scored against
each entry by two measures of weighted feature overlap, with weights ``kind x idf`` (a
feature in few entries says more; a feature no entry has counts fully against a match):

* *coverage*: how much of what the citizen said the entry's vocabulary explains (an
  out-of-scope question such as "公积金贷款利率" leaves 利率 unexplained);
* *closeness*: the best F1 overlap with one of the entry's phrasings.

``confidence = 0.6 coverage + 0.4 closeness``, halved for each of the citizen's words
that is another entry's keyword and that this entry does not explain (驾驶证 in
"驾驶证到期了怎么换" is the traffic entry's keyword, so the ID-card renewal entry, close in
every other word, loses). Below the threshold the clerk says it is not
sure and offers a human clerk, passing the transcript; entries marked ``handoff`` (the
citizen asks for a person) always hand off.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from kiosk.speech.knowledge import Entry, KnowledgeBase, Localized
from kiosk.speech.phonetics import TextAnalyzer, load_synonyms

DEFAULT_THRESHOLD = 0.25

# How much one feature of each kind says (see phonetics.features).
_KIND_WEIGHT = {"c": 1.0, "s": 0.25, "p": 1.0, "w": 1.5}
_COVERAGE_SHARE = 0.6
_CONFLICT_FACTOR = 0.5

NOT_SURE = Localized(
    zh_CN="对不起，这个问题我不太确定，不敢乱答。我为您转接人工服务，工作人员会看到您刚才的问题。",
    en="Sorry, I am not sure about this and would rather not guess. I am connecting you to "
    "a clerk, who will see your question.",
    zh_HK="對不起，這個問題我不太確定，不敢亂答。我為您轉接人工服務，工作人員會看到您剛才的問題。",
)
DID_NOT_HEAR = Localized(
    zh_CN="对不起，我没有听清，请再说一遍，或者在屏幕上输入您的问题。",
    en="Sorry, I did not catch that. Please say it again or type your question on the screen.",
    zh_HK="對不起，我沒有聽清，請再說一遍，或者在屏幕上輸入您的問題。",
)


@dataclass(frozen=True, slots=True)
class Answer:
    """What the digital clerk replies to one question."""

    answer: str
    topic: str | None  # None when it does not answer
    source: str | None  # the citation of the guide, None when it does not answer
    confidence: float
    handoff: bool
    service: str | None = None  # the catalog service the answer leads into
    department: str | None = None
    transcript: str = ""  # what the citizen said, for the clerk on handoff
    guess: str | None = None  # the best topic even when not confident (for clerks, logs)

    def to_json(self) -> dict[str, object]:
        """The ``kiosk ask --json`` document: the five agreed keys first."""
        return {
            "answer": self.answer,
            "topic": self.topic,
            "source": self.source,
            "confidence": round(self.confidence, 3),
            "handoff": self.handoff,
            "service": self.service,
            "department": self.department,
            "guess": self.guess,
        }


@dataclass(frozen=True, slots=True)
class _Indexed:
    entry: Entry
    vocabulary: frozenset[str]
    keywords: frozenset[str]
    phrasings: tuple[frozenset[str], ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Match:
    """One entry's score for a question."""

    entry: Entry
    confidence: float
    coverage: float
    closeness: float


class Answerer:
    """Finds the entry that answers a question, robust to misrecognised homophones."""

    def __init__(
        self,
        kb: KnowledgeBase,
        threshold: float = DEFAULT_THRESHOLD,
        analyzer: TextAnalyzer | None = None,
    ) -> None:
        self.kb = kb
        self.threshold = threshold
        self.analyzer = analyzer or TextAnalyzer(load_synonyms())
        features = self.analyzer.features
        self._index: list[_Indexed] = []
        for entry in kb.entries:
            phrasings = tuple(features(q) for q in entry.questions)
            keywords = frozenset().union(*(features(k) for k in entry.keywords))
            vocabulary = frozenset().union(keywords, *phrasings)
            keyword_pairs = frozenset(
                f for k in entry.keywords for f in features(k) if f[0] in "cp"
            )
            self._index.append(_Indexed(entry, vocabulary, keyword_pairs, phrasings))
        df: Counter[str] = Counter()
        for item in self._index:
            df.update(item.vocabulary)
        n = len(self._index)
        self._idf = {f: math.log((n + 1) / (count + 1)) + 1.0 for f, count in df.items()}
        self._unseen_idf = math.log(n + 1) + 1.0

    def weight(self, feature: str) -> float:
        return _KIND_WEIGHT[feature[0]] * self._idf.get(feature, self._unseen_idf)

    def _mass(self, feats: Iterable[str]) -> float:
        return sum(self.weight(f) for f in feats)

    def rank(self, question: str) -> list[Match]:
        """Every entry scored for ``question``, best first."""
        query = self.analyzer.features(question)
        total = self._mass(query)
        if total == 0:
            return []
        # the citizen's words that name some entry's subject (its keywords)
        subjects = [
            pairs
            for word, feats in self.analyzer.word_features(question)
            if len(word) > 1
            and (pairs := frozenset(f for f in feats if f[0] in "cp"))
            and any(pairs <= item.keywords for item in self._index)
        ]
        matches = []
        for item in self._index:
            coverage = self._mass(query & item.vocabulary) / total
            closeness = 0.0
            for phrasing in item.phrasings:
                shared = self._mass(query & phrasing)
                if shared:
                    closeness = max(closeness, 2 * shared / (total + self._mass(phrasing)))
            confidence = _COVERAGE_SHARE * coverage + (1 - _COVERAGE_SHARE) * closeness
            conflicts = sum(1 for pairs in subjects if not pairs & item.vocabulary)
            confidence *= _CONFLICT_FACTOR**conflicts
            matches.append(Match(item.entry, confidence, coverage, closeness))
        matches.sort(key=lambda m: m.confidence, reverse=True)
        return matches

    def ask(self, question: str, lang: str = "zh_CN") -> Answer:
        """The answer to ``question`` in ``lang``, or a handoff to a clerk."""
        ranked = self.rank(question)
        if not ranked:
            return Answer(DID_NOT_HEAR.get(lang), None, None, 0.0, False, transcript=question)
        best = ranked[0]
        entry = best.entry
        if best.confidence < self.threshold:
            return Answer(
                NOT_SURE.get(lang),
                None,
                None,
                best.confidence,
                True,
                transcript=question,
                guess=entry.topic,
            )
        return Answer(
            answer=entry.answer.get(lang),
            topic=entry.topic,
            source=entry.citation(lang),
            confidence=best.confidence,
            handoff=entry.handoff,
            service=entry.service,
            department=entry.department,
            transcript=question,
            guess=entry.topic,
        )
