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
every other word, loses).

Precision first: a wrong answer from a government booth is worse than a clerk. So
:meth:`Answerer.ask` answers only when it is sure:

1. *key entities* (:mod:`kiosk.speech.entities`): an entry whose kind of withdrawal, kind
   of business, document or aspect disagrees with the question's is never the answer
   (离职 is not 租房); nor is an entry of a department that takes no part in the catalog
   service the question names;
2. a catalog service named in full with what about it (materials, time...) is answered
   from the catalog (:mod:`kiosk.speech.catalog_answers`); a service named by one of its
   everyday words is answered from the catalog too when the best guide entry is about
   another service (发票 named, 清税 guessed), unless the question also names a matter
   the booth has no guide for (利率): that goes to a clerk. A named service whose key
   entities the question contradicts (个体户 against 企业设立) is set aside;
3. when the question leaves the kind open (or names two) and entries of several kinds fit,
   or when another entry scores within ``close_ratio`` of the best, it *asks back*: the
   answer carries ``clarify`` choices (topic and label), and the next utterance, a
   choice's label or words naming one, answers that topic (:class:`AskingBack`);
4. otherwise the best entry answers if its confidence reaches ``threshold``; a named
   service with an aspect answers from the catalog; a service named alone asks what about
   it; one entry standing out below the threshold (from ``confirm_floor``) is offered with a
   clerk beside it ("您问的是…吗？"); anything else goes to a human clerk with the
   transcript. Entries marked
   ``handoff`` (the citizen asks for a person, out-of-scope matters) always hand off.

``threshold`` and ``close_ratio`` are chosen by ``bench/qa.py`` on one half of the tuning
questions (fewest wrong answers, then most right) and measured on the other half.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kiosk.core.text import Text
from kiosk.speech.catalog_answers import (
    TOPIC_PREFIX,
    ServiceFinder,
    ServiceMatch,
    catalog_entries,
    topic_of,
)
from kiosk.speech.entities import Facets
from kiosk.speech.homophones import SoundSpeller
from kiosk.speech.knowledge import LANGS, Entry, KnowledgeBase, Localized
from kiosk.speech.phonetics import TextAnalyzer, load_synonyms, normalize
from kiosk.speech.reading import QuestionReader, load_reader, to_simplified

if TYPE_CHECKING:
    from kiosk.core.catalog import Catalog

# Chosen with bench/qa.py on one half of the tuning questions, checked on the other half.
DEFAULT_THRESHOLD = 0.3
DEFAULT_CLOSE_RATIO = 0.8  # another entry this close to the best: ask back
DEFAULT_CLARIFY_FLOOR = 0.2  # below this, not even a clarifying question
# from this confidence, one guide standing out is offered ("do you mean...?") beside a
# clerk, rather than a clerk alone: 56 of 64 such offers on the tuning questions were the
# guide meant, and one of 116 out-of-scope questions got one (0.10 offered 12 wrong of 76)
DEFAULT_CONFIRM_FLOOR = 0.15
MAX_CHOICES = 4
# what a service named on its own is asked about, in this order ("我想开个完税证明")
CLARIFIED_ASPECTS = ("about", "who", "materials", "steps")
DOCUMENT_BONUS = 1.3  # an entry about the document the question names
KIND_RATIO = 0.5  # an entry of another kind this close to the best is worth offering
OUT_OF_SCOPE_SOURCE = "booth-scope"  # assets/kb/out-of-scope.yaml: matters with no guide
CLERK_TOPIC = "booth-clerk"  # "none of these": a clerk (assets/kb/booth.yaml)

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
class Choice:
    """One answer to a clarifying question: the topic it answers, named in the asked language."""

    topic: str
    label: str

    def to_json(self) -> dict[str, str]:
        return {"topic": self.topic, "label": self.label}


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
    clarify: tuple[Choice, ...] = ()  # asking back: the citizen taps (or says) one

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
            "clarify": [c.to_json() for c in self.clarify],
        }


@dataclass(frozen=True, slots=True)
class _Indexed:
    entry: Entry
    vocabulary: frozenset[str]
    keywords: frozenset[str]
    phrasings: tuple[frozenset[str], ...] = field(default=())
    keyword_sets: tuple[frozenset[str], ...] = field(default=())  # each keyword's features


@dataclass(frozen=True, slots=True)
class Match:
    """One entry's score for a question."""

    entry: Entry
    confidence: float
    coverage: float
    closeness: float
    agrees: bool = True  # the key entities of the question and the entry agree
    # the question writes one of the entry's keywords (as written: matched by sound, 能去多少
    # would be 领多少)
    writes_keyword: bool = False


class Answerer:
    """Finds the entry that answers a question, robust to misrecognised homophones, and
    abstains or asks back rather than guess (see the module's docstring)."""

    def __init__(
        self,
        kb: KnowledgeBase,
        threshold: float = DEFAULT_THRESHOLD,
        analyzer: TextAnalyzer | None = None,
        *,
        catalog: Catalog | None = None,
        with_catalog: bool = True,
        close_ratio: float = DEFAULT_CLOSE_RATIO,
        clarify_floor: float = DEFAULT_CLARIFY_FLOOR,
        confirm_floor: float = DEFAULT_CONFIRM_FLOOR,
        reader: QuestionReader | None = None,
    ) -> None:
        self.threshold = threshold
        self.close_ratio = close_ratio
        self.clarify_floor = clarify_floor
        self.confirm_floor = confirm_floor
        self.analyzer = analyzer or TextAnalyzer(load_synonyms())
        self.reader = reader or load_reader()
        self.facets = kb.facets
        self._finder: ServiceFinder | None = None
        self._service_departments: dict[str, tuple[str, ...]] = {}
        if with_catalog:
            if catalog is None:
                from kiosk.core.catalog import load_catalog

                catalog = load_catalog()
            kb = kb.with_entries(catalog_entries(catalog, self.facets.of_service))
            self._service_departments = {s.code: s.departments for s in catalog.services}
            # a kind of withdrawal, or a short word the guides use for their own topics
            # (贷款 is the guides' loan repayment too), names no one service
            guide_words = {k for e in kb.entries for k in e.keywords if len(k) <= 2}
            self._finder = ServiceFinder(catalog, [*self.facets.words("withdrawal"), *guide_words])
        self.kb = kb
        self.speller = SoundSpeller(
            _vocabulary(kb, self.facets, catalog if with_catalog else None, load_synonyms())
        )
        features = self.analyzer.features
        self._index: list[_Indexed] = []
        for entry in kb.entries:
            if not entry.questions:  # the catalog's answers are found by ServiceFinder
                continue
            phrasings = tuple(features(q) for q in entry.questions)
            keywords = frozenset().union(*(features(k) for k in entry.keywords))
            vocabulary = frozenset().union(keywords, *phrasings)
            # a keyword is said when its characters are, or its sound (户扣 for 户口)
            keyword_sets = tuple(
                frozenset(f for f in features(k) if f[0] == kind)
                for k in entry.keywords
                for kind in "cp"
            )
            keyword_pairs = frozenset().union(*keyword_sets)
            self._index.append(
                _Indexed(
                    entry, vocabulary, keyword_pairs, phrasings, tuple(s for s in keyword_sets if s)
                )
            )
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

    def read(self, text: str) -> str:
        """``text`` as the knowledge base is written: Simplified Mandarin (Traditional,
        Cantonese and English read so), misheard domain words spelt right."""
        return self.speller.correct(self.reader.read(text))

    def rank(self, question: str) -> list[Match]:
        """Every guide entry scored for ``question``, best first, with whether its key
        entities agree with the question's."""
        query = self.analyzer.features(question)
        total = self._mass(query)
        if total == 0:
            return []
        mentions = self.facets.mentions(question)
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
            named_document = mentions.get("document", frozenset())
            if named_document & set(item.entry.entities.get("document", ())):
                confidence = min(1.0, confidence * DOCUMENT_BONUS)  # the very document asked
            says_keyword = any(k <= query for k in item.keyword_sets)
            agrees = self.facets.compatible(item.entry.entities, mentions, says_keyword)
            writes = any(k <= query for k in item.keyword_sets if min(k).startswith("c:"))
            matches.append(Match(item.entry, confidence, coverage, closeness, agrees, writes))
        matches.sort(key=lambda m: m.confidence, reverse=True)
        return matches

    def ask(self, question: str, lang: str = "zh_CN", after: Answer | None = None) -> Answer:
        """The answer to ``question`` in ``lang``, a clarifying question, or a handoff.

        ``after``: the previous answer when it asked back; ``question`` may then be one of
        its choices (tapped or said), which answers that choice's topic.
        """
        if after is not None and after.clarify:
            chosen = self.resolve_choice(after, question)
            if chosen is not None:
                return self.answer_topic(chosen, lang, question)
        said = self.read(question)
        ranked = self.rank(said)
        # a service named as said (its English or Hong Kong name), else as read
        services = (
            (self._finder.find(question) or self._finder.find(said))
            if self._finder is not None
            else []
        )
        if not ranked and not services:
            if said != question and question.strip():  # words, none of them known
                return self._not_sure(lang, question, 0.0, None)
            return Answer(DID_NOT_HEAR.get(lang), None, None, 0.0, False, transcript=question)
        mentions = self.facets.mentions(said)
        # a service whose key entities the question contradicts is not the one named
        # (个体户 is not 企业设立 though 营业执照 is one of its words)
        named_kinds = {f: v for f, v in mentions.items() if f != "aspect"}
        services = [
            m
            for m in services
            if self.facets.compatible(
                self.facets.of_service(m.code), named_kinds, True, service_named=True
            )
        ]
        service = _unique_service(services)
        if service is None:
            about = mentions
        else:  # what the question asks beyond the name, where the name was found
            named_in = question if service.name and service.name in normalize(question) else said
            about = self.facets.mentions(self.read(service.rest(named_in)))
        aspects = sorted(about.get("aspect", frozenset()) - {"other"})
        catalog_topic = None
        if service is not None and len(aspects) == 1:
            topic = topic_of(service.code, aspects[0])
            catalog_topic = topic if topic in self.kb else None
        # the service is a key entity too: a guide entry of a department that takes no
        # part in the services named does not answer (低保 is not the company's materials)
        named = {m.code for m in services}
        departments = {d for c in named for d in self._service_departments[c]}
        agreeing = [
            m
            for m in ranked
            if m.agrees
            and (
                not named
                or m.entry.handoff
                or m.entry.service in named
                or m.entry.department in departments
            )
        ]
        agreeing = _most_specific_first(agreeing, mentions, self.close_ratio)
        best = agreeing[0] if agreeing else None
        guess = best.entry.topic if best else (ranked[0].entry.topic if ranked else None)
        confidence = best.confidence if best else 0.0
        service_confidence = 1.0 if service is not None and service.full_name else 0.8
        # the service named in full and what about it: the catalog's own answer
        if catalog_topic is not None and service is not None and service.full_name:
            # (a name said in full is as sure as the catalog is: confidence 1)
            return self.answer_topic(catalog_topic, lang, question, confidence=1.0)
        # words of a matter the booth has no guide for (利率, 贷多少) beside a service's or a
        # guide's words: a clerk, rather than a choice between answers that do not fit
        if any(m.writes_keyword and m.entry.source.id == OUT_OF_SCOPE_SOURCE for m in ranked):
            return self._not_sure(lang, question, confidence, guess)
        if best is not None and best.confidence >= self.clarify_floor:
            # "公积金怎么取": the question names no kind of withdrawal, the entries do
            kinds = self._underspecified(agreeing, mentions)
            if kinds is not None:
                asked = self._clarify(kinds, lang, question, confidence)
                if asked is not None:
                    return asked
        if (
            service is not None
            and best is not None
            and best.entry.service not in named
            and not best.entry.handoff
        ):
            # one service is named, and the best guide entry is about another or none (发票
            # named, 清税 guessed): the catalog's answer on what is asked, or ask about what
            if catalog_topic is not None:
                return self.answer_topic(catalog_topic, lang, question, service_confidence)
            asked = self._clarify_aspect(service.code, lang, question, confidence)
            if asked is not None:
                return asked
        if best is not None and best.confidence >= self.threshold:
            close = self._close(agreeing)
            if len(close) < 2 or best.entry.handoff:
                return self.answer_topic(best.entry.topic, lang, question, confidence=confidence)
            asked = self._clarify(close, lang, question, confidence)
            if asked is not None:
                return asked
            return self._not_sure(lang, question, confidence, guess)
        if catalog_topic is not None and service_confidence >= self.threshold:
            return self.answer_topic(catalog_topic, lang, question, service_confidence)
        if best is not None and best.confidence >= self.clarify_floor:
            close = self._close(agreeing)
            if len(close) < 2 and _names_its_kind(best.entry, mentions):
                # not sure enough to answer, but the question names the very kind the
                # best entry is about (被辞退: resign): offer it, or a clerk
                asked = self._confirm(best.entry, lang, question, confidence)
                if asked is not None:
                    return asked
            if len(close) >= 2:
                asked = self._clarify(close, lang, question, confidence)
                if asked is not None:
                    return asked
        if (
            service is not None
            and not aspects
            and not (
                best is not None and best.entry.handoff and best.confidence >= self.clarify_floor
            )
        ):  # a service named, but not what about it, and no guide answers: ask what about it
            asked = self._clarify_aspect(service.code, lang, question, confidence, best)
            if asked is not None:
                return asked
        if (
            best is not None
            and not best.entry.handoff
            and best.confidence >= self.confirm_floor
            and len(self._near(agreeing)) < 2
        ):
            # one guide stands out, but not enough to answer on: is it the one meant?
            asked = self._confirm(best.entry, lang, question, confidence)
            if asked is not None:
                return asked
        return self._not_sure(lang, question, confidence, guess)

    def answer_topic(
        self, topic: str, lang: str, question: str = "", confidence: float = 1.0
    ) -> Answer:
        """The answer of one topic (a tapped choice, or the one found)."""
        entry = self.kb.entry(topic)
        return Answer(
            answer=entry.answer.get(lang),
            topic=entry.topic,
            source=entry.citation(lang),
            confidence=confidence,
            handoff=entry.handoff,
            service=entry.service,
            department=entry.department,
            transcript=question,
            guess=entry.topic,
        )

    def resolve_choice(self, asked: Answer, text: str) -> str | None:
        """The topic of the choice ``text`` picks from ``asked.clarify``: its label in any
        language, or the one choice whose key entities the text names; None if neither."""
        said = normalize(text)
        if not said:
            return None
        for choice in asked.clarify:
            labels = {normalize(choice.label)} | {
                normalize(label.get(lang)) for label in self._labels(choice.topic) for lang in LANGS
            }
            if said in labels:
                return choice.topic
        mentions = self.facets.mentions(self.read(text))
        picked = [
            c.topic
            for c in asked.clarify
            if any(
                set(values) & mentions.get(facet, frozenset())
                for facet, values in self.kb.entry(c.topic).entities.items()
                if facet != "aspect" or not c.topic.startswith(TOPIC_PREFIX)
            )
            or (
                c.topic.startswith(TOPIC_PREFIX)
                and set(self.kb.entry(c.topic).entities.get("aspect", ()))
                & mentions.get("aspect", frozenset())
            )
        ]
        return picked[0] if len(picked) == 1 else None

    def _labels(self, topic: str) -> list[Localized | Text]:
        entry = self.kb.entry(topic)
        labels: list[Localized | Text] = [entry.label] if entry.label else []
        for facet, values in entry.entities.items():
            if facet != "aspect" and len(values) == 1 and facet in self.facets.facets:
                labels.append(self.facets.label(facet, values[0]))
        return labels

    def _underspecified(
        self, agreeing: list[Match], mentions: Mapping[str, frozenset[str]]
    ) -> list[Match] | None:
        """When the best entry is about one kind (of withdrawal, of business) that the
        question does not name, and entries of other kinds fit too: the best of each kind."""
        best = agreeing[0]
        for name, facet in self.facets.facets.items():
            named = mentions.get(name, frozenset())
            # none named, or several ("没买房，一直租着"): which one is it about?
            if not facet.generic_needs_keyword or len(named) == 1:
                continue
            if name not in best.entry.entities:
                continue
            per_kind: dict[str, Match] = {}
            # kinds the citizen named are worth offering even when they score low
            floor = best.confidence * KIND_RATIO
            floor = floor * KIND_RATIO if named else max(self.clarify_floor, floor)
            for m in agreeing:
                if m.confidence < floor:
                    break
                kinds = m.entry.entities.get(name, ())
                if len(kinds) == 1 and (not named or kinds[0] in named):
                    per_kind.setdefault(kinds[0], m)
            if len(per_kind) >= 2:
                return list(per_kind.values())[:MAX_CHOICES]
        return None

    def _near(self, agreeing: list[Match]) -> list[Match]:
        """The best entry and those within ``close_ratio`` of it, however low."""
        floor = agreeing[0].confidence * self.close_ratio
        return [m for m in agreeing[:MAX_CHOICES] if m.confidence >= floor]

    def _close(self, agreeing: list[Match]) -> list[Match]:
        """The best entry and those almost as good (different topics), at most four, none
        below ``clarify_floor``."""
        return [m for m in self._near(agreeing) if m.confidence >= self.clarify_floor]

    def _clarify(
        self, close: list[Match], lang: str, question: str, confidence: float
    ) -> Answer | None:
        """Ask back which of the close entries the citizen means; None when they cannot
        be told apart by a short label, or one of them is a matter for a clerk (an
        out-of-scope entry as close as a guide: the question may well be out of scope),
        and then a clerk decides."""
        entries = [m.entry for m in close]
        if any(e.handoff for e in entries):
            return None
        choices: list[Choice] = []
        facet = _distinguishing_facet(entries, self.facets)
        seen: set[str] = set()
        for entry in entries:
            if facet is not None:
                value = entry.entities[facet][0]
                label = self.facets.label(facet, value).get(lang)
            elif entry.label is not None:
                label = entry.label.get(lang)
            else:
                continue
            if label in seen:
                continue  # the best entry of that kind stands for it
            seen.add(label)
            choices.append(Choice(entry.topic, label))
        if len(choices) < 2:
            return None
        return self._asking(choices, lang, question, confidence, entries[0].topic)

    def _confirm(self, entry: Entry, lang: str, question: str, confidence: float) -> Answer | None:
        """Ask whether ``entry`` is meant, the other choice being a clerk."""
        if entry.label is None or CLERK_TOPIC not in self.kb:
            return None
        clerk = self.kb.entry(CLERK_TOPIC)
        if clerk.label is None:
            return None
        label = entry.label.get(lang)
        said = label[:1].lower() + label[1:]
        text = {
            "zh_CN": f"为了不答错，请问您问的是“{label}”吗？"
            "请点下面的选项；都不是的话，我为您转接工作人员。",
            "en": f"So that I do not answer wrongly: do you mean {said}? "
            "Tap below; if not, I will connect you to a clerk.",
            "zh_HK": f"為了不答錯，請問您問的是「{label}」嗎？"
            "請點下面的選項；都不是的話，我為您轉接工作人員。",
        }.get(lang)
        if text is None:
            return None
        choices = (Choice(entry.topic, label), Choice(CLERK_TOPIC, clerk.label.get(lang)))
        return Answer(
            text,
            None,
            None,
            confidence,
            False,
            transcript=question,
            guess=entry.topic,
            clarify=choices,
        )

    def _clarify_aspect(
        self,
        code: str,
        lang: str,
        question: str,
        confidence: float,
        guide: Match | None = None,
    ) -> Answer | None:
        """A service named without what about it: offer what the catalog can tell, after
        ``guide``, the guide entry on that service the question came nearest to."""
        choices = []
        if (
            guide is not None
            and guide.entry.label is not None
            and not guide.entry.handoff
            and guide.entry.service == code
            and guide.confidence >= self.clarify_floor
        ):
            choices.append(Choice(guide.entry.topic, guide.entry.label.get(lang)))
        for aspect in CLARIFIED_ASPECTS:
            if len(choices) >= MAX_CHOICES:
                break
            topic = topic_of(code, aspect)
            if topic in self.kb:
                choices.append(Choice(topic, self.facets.label("aspect", aspect).get(lang)))
        if len(choices) < 2 or "aspect" not in self.facets.facets:
            return None
        return self._asking(choices, lang, question, confidence, topic_of(code, "about"))

    def _asking(
        self, choices: list[Choice], lang: str, question: str, confidence: float, guess: str
    ) -> Answer:
        labels = [c.label for c in choices]
        if lang == "en":
            said = [label[:1].lower() + label[1:] for label in labels]  # within a sentence
            listed = ", ".join(said[:-1]) + " or " + said[-1]
            text = f"So that I do not answer wrongly: do you mean {listed}? Tap one below."
        else:
            listed = (
                "、".join(labels[:-1]) + ("，还是" if lang == "zh_CN" else "，還是") + labels[-1]
            )
            if lang == "zh_CN":
                text = f"为了不答错，请问您问的是{listed}？请点下面的选项。"
            else:
                text = f"為了不答錯，請問您問的是{listed}？請點下面的選項。"
        return Answer(
            text,
            None,
            None,
            confidence,
            False,
            transcript=question,
            guess=guess,
            clarify=tuple(choices),
        )

    def _not_sure(self, lang: str, question: str, confidence: float, guess: str | None) -> Answer:
        return Answer(
            NOT_SURE.get(lang), None, None, confidence, True, transcript=question, guess=guess
        )


def _vocabulary(
    kb: KnowledgeBase,
    facets: Facets,
    catalog: Catalog | None,
    synonyms: Iterable[Iterable[str]],
) -> set[str]:
    """The domain's own words, as the guides and the catalog write them, in Simplified
    characters (the questions are read so before they are spelt)."""
    words = {k for e in kb.entries for k in e.keywords}
    words.update(w for name in facets.facets for w in facets.words(name))
    words.update(w for group in synonyms for w in group)
    if catalog is not None:
        for service in catalog.services:
            words.add(service.name.zh_CN)
            words.update(service.keywords)
    return {to_simplified(w) for w in words}


def _unique_service(services: list[ServiceMatch]) -> ServiceMatch | None:
    """The one service named best; None when none, or two are named equally well."""
    if not services:
        return None
    first = services[0]
    if len(services) > 1 and (services[1].full_name, services[1].length) == (
        first.full_name,
        first.length,
    ):
        return None
    return first


def _specificity(entry: Entry, mentions: Mapping[str, frozenset[str]]) -> int:
    """How many of the kinds the question names (not the aspect) ``entry`` is about."""
    return sum(
        1
        for facet, values in entry.entities.items()
        if facet != "aspect" and set(values) & mentions.get(facet, frozenset())
    )


def _most_specific_first(
    agreeing: list[Match], mentions: Mapping[str, frozenset[str]], ratio: float
) -> list[Match]:
    """Of the entries almost as good as the best (within ``ratio``), only those about the
    most kinds the question names: "社保卡掉了" names the card and that it is lost, so the
    guide on a lost card answers, not the one on the card in general."""
    if len(agreeing) < 2:
        return agreeing
    near = [m for m in agreeing if m.confidence >= agreeing[0].confidence * ratio]
    most = max(_specificity(m.entry, mentions) for m in near)
    kept = [m for m in near if _specificity(m.entry, mentions) == most]
    return kept + agreeing[len(near) :] if len(kept) < len(near) else agreeing


def _names_its_kind(entry: Entry, mentions: Mapping[str, frozenset[str]]) -> bool:
    """Does the question name a value (not an aspect) that ``entry`` is about?"""
    return _specificity(entry, mentions) > 0


def _distinguishing_facet(entries: list[Entry], facets: Facets) -> str | None:
    """A facet (not the aspect) on which every entry declares one value, all different
    from the best entry's at least once: its value labels say the difference best."""
    for name in facets.facets:
        if name == "aspect":
            continue
        if all(len(e.entities.get(name, ())) == 1 for e in entries) and (
            len({e.entities[name][0] for e in entries}) > 1
        ):
            return name
    return None


class AskingBack:
    """One citizen's questions in a row: when the answerer asked back, the next utterance
    (a tapped choice's label, or words naming one) answers that clarifying question.
    Holds only the last clarifying answer; :meth:`forget` when the citizen leaves."""

    def __init__(self, answerer: Answerer) -> None:
        self.answerer = answerer
        self._asked: Answer | None = None

    def ask(self, text: str, lang: str = "zh_CN") -> Answer:
        answer = self.answerer.ask(text, lang, after=self._asked)
        self._asked = answer if answer.clarify else None
        return answer

    def forget(self) -> None:
        self._asked = None
