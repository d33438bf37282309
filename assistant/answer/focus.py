"""How a question's focus meets the sources: which of its words the corpus knows, whether a
passage is about it, whether a sentence states the wanted kind of fact about its subject."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache

from assistant.answer.sources import Library, Sources
from assistant.domain import Term, get_domain, get_language, get_translation
from assistant.models import Passage
from assistant.text import fold, loose, stem, terms, words
from assistant.understand import FACT_PATTERNS, Query

NUMBER = re.compile(r"\d")
# A capitalised word that does not open a sentence: a name ("de Drechtsteden", "gemeente Zwolle").
NAME = re.compile(r"(?<=[\w,;:)] )[A-ZÀ-Þ][a-zà-ÿ]+(?:[-'][A-Za-zÀ-ÿ]+)*")
# What a number counts follows it in its own sentence: a capitalised word (a new sentence whose full
# stop the PDF lost, "… 28 30 Met de SPUK …") ends it; a line break does not (prose wraps anywhere).
COUNTED = re.compile(r"(?<=\s)(?=[A-ZÀ-Þ][a-zà-ÿ])")
MIN_COVERAGE = 0.5  # share of a question's focus the corpus must know for it to be in the domain
CLOSEST = 3  # passages closest in meaning to a question, taken to be about its subject
DEFINES = get_language().document["defines"]
# Kinds of fact whose value does not say what it is of ("drie", "twaalf maanden", "14.00 uur"): stated
# only beside the subject's words, never by closeness in meaning alone.
NAMELESS = frozenset({"count", "duration", "time"})
DEFINED_WITHIN = 8  # words before a defining phrase that may name what it defines
FAMILY_ROOT = 7  # letters two words share at their start to be of one word family
MIN_HEAD = 4  # letters of the shortest compound head a count may be of ("taken" of "hoofdtaken")


class Focus:
    """The question's focus against the library's vocabulary."""

    def __init__(self, query: Query, library: Library, sources: Sources) -> None:
        self.q = query
        self.lib = library
        self.sources = sources
        self.vocabulary = library.retriever.bm25.idf
        self._closest: tuple[str, ...] | None = None
        self._names: list[str] | None = None
        self._heads: list[str] | None = None  # asked for every number of every sentence checked

    def known(self) -> list[str]:
        """Focus stems the corpus knows (directly, as a form, or as compound or verb parts)."""
        return [f for f in self.q.focus if self.knows_stem(f)]

    def known_things(self) -> set[str]:
        """The things asked about that the corpus knows: renderings of one English word are one thing."""
        return self.q.things(self.known())

    def known_topic(self) -> list[str]:
        """Known focus that is not only the name of a bouwsteen."""
        return [f for f in self.known() if not is_bouwsteen_word(f)]

    def known_beyond_structure(self) -> list[str]:
        """Known focus that is not only the name of a bouwsteen or phase."""
        return [f for f in self.known_topic() if not names_term(f, get_domain().phases)]

    def knows_stem(self, focus_stem: str) -> bool:
        if focus_stem in self.vocabulary or any(compound_part(focus_stem, t) for t in self.vocabulary):
            return True
        return any(self.lib.lexicon.knows(w) for w in words(self.q.text) if stem(w) == focus_stem)

    def parts(self) -> dict[str, list[str]]:
        """Focus stems of compounds the corpus only has apart, with the stems of their parts."""
        out = {}
        for word in words(self.q.text):
            key = stem(word)
            if key in self.q.focus and key not in self.vocabulary and (parts := self.lib.lexicon.parts(word)):
                out[key] = [stem(p) for p in parts]
        return out

    def weights(self, focus: Sequence[str]) -> dict[str, float]:
        """Inverse document frequency of each focus stem; an unseen stem weighs as the rarest."""
        top_idf = max(self.vocabulary.values(), default=1.0)
        return {f: self.vocabulary.get(f, top_idf) for f in focus}

    def in_domain(self) -> bool:
        """The question names something of the domain, or most of its words occur in the sources."""
        known = self.known()
        if self.q.has_domain_signal or any(f in self.lib.heading_terms for f in known):
            return True  # the sources' own headings name the domain's topics
        things = self.q.things(self.q.focus)
        return bool(things) and len(self.known_things()) / len(things) >= MIN_COVERAGE

    def personal_topic(self) -> str | None:
        """The personal matter the question is about (a premium, opening hours, a salary), when
        the asker speaks of themselves or the sources do not use its words; its name for people."""
        folded = fold(self.q.question)
        for topic in self.q.personal_topics:
            said = [w for m in topic.pattern.finditer(folded) for w in words(m.group(0))]
            if self.q.personal or not all(self.lib.lexicon.knows(w) for w in said):
                return topic.names[self.q.lang]
        return None

    def target_unknown(self) -> bool:
        """The thing the question asks for ("welke boete") does not occur in the sources.

        An English word counts as absent only when it has Dutch renderings and none of them
        occurs either; a word without a rendering may still be said in Dutch words we cannot tell.
        A compound whose last part the sources use ("kerntaken", "taken") is a kind of a thing they
        speak of, in words of their own.
        """
        target = self.q.target
        if not target:
            return False
        lexicon = self.lib.lexicon
        if self.q.english:
            dutch = [w for d in self.q.target_terms for w in words(d)]
            return bool(dutch) and not lexicon.knows(target) and not any(lexicon.knows(w) or lexicon.head(w) for w in dutch)
        return not lexicon.knows(target) and not lexicon.head(target)

    def known_names(self) -> list[str]:
        """The names in the question that the sources use (other than the domain's own names), folded."""
        if self._names is None:
            self._names = [" ".join(said) for _, said in self._names_said() if all(self.lib.lexicon.knows(w) for w in said)]
        return self._names

    def names_stated(self, text: str, passage_ids: Iterable[str]) -> bool:
        """Every name the question gives stands in `text`, or in the headings or the title of the
        document of its passages (a document about one region names it once, at its top)."""
        passages = [self.sources.by_id[i] for i in passage_ids if i in self.sources.by_id]
        around = [self.lib.documents[p.document_id].info.title for p in passages] + [h for p in passages for h in p.section]
        where = fold(" ".join([text, *around]))
        return all(name in where for name in self.known_names())

    def unknown_name(self) -> str | None:
        """A name in the question (a capitalised word inside a sentence: a town, a region, an
        organisation) that the sources never use: a fact asked about it is not in them."""
        return next((name for name, said in self._names_said() if not any(self.lib.lexicon.knows(w) for w in said)), None)

    def _names_said(self) -> Iterator[tuple[str, list[str]]]:
        """Each name in the question with its folded words; the domain's own names are no such name, nor
        is a capitalised English word with a Dutch rendering (English capitalises months and nationalities)."""
        for match in NAME.finditer(self.q.question):
            said = words(match.group(0))
            if any(w in _domain_name_words() for w in said) or (self.q.english and get_translation().spans(match.group(0))):
                continue
            yield match.group(0), said

    def matches(self, passage: Passage, focus: Sequence[str]) -> bool:
        """The passage is about the focus: a rare focus word, and enough of all of them."""
        rare = [f for f in focus if self.vocabulary.get(f, 99) >= 2.0]
        same = self.q.alternatives
        things = len(self.q.things(focus))
        return coverage(passage, rare or focus, same=same) > 0 and coverage(passage, focus, same=same) >= (1 / things if things <= 2 else 0.33)

    def has_wanted_fact(self, passages: Iterable[Passage]) -> bool:
        """A sentence of `passages` holds the wanted kind of fact about the question's subject."""
        return self.q.wants not in FACT_PATTERNS or self.states_fact(passages, self.q.wants)

    def states_fact(self, passages: Iterable[Passage], kind: str) -> bool:
        """A sentence of `passages` holds a fact of `kind` about the question's subject.

        A number anywhere is not enough: a question for a count of something needs a number of
        that thing, a question for an amount an amount in a sentence about its subject.
        """
        return any(self.sentence_states(text, kind, ids, header) for text, ids, header in self.sources.sentences(passages))

    def closest(self) -> tuple[str, ...]:
        """The ids of the passages the embedder finds closest in meaning to the whole question
        (CLOSEST of them, closest first).

        A question in other words than the sources (a paraphrase, English) names its subject in
        words no passage uses; the embedder still tells which passages are about it.
        """
        if self._closest is None:
            self._closest = tuple(h.passage.id for h in self.sources.search(self.q.text, CLOSEST, mode="dense"))
        return self._closest

    def sentence_states(self, text: str, kind: str, passage_ids: Iterable[str] = (), header: str = "") -> bool:
        """`text` (from the passages `passage_ids`) holds a fact of `kind` about the question's
        subject: the subject's words near the fact, or (a date, an amount: a fact whose kind says
        what it is, unlike the NAMELESS) the passage closest in meaning. A count is a number of the
        thing it counts, and the closest passage counts other things as often as the one asked for. A table's row
        (`header` its column header) is read as `row_states` reads it."""
        passage_ids = tuple(passage_ids)  # read more than once below
        if self.known_names() and not self.names_stated(f"{header} {text}", passage_ids):
            return False  # "hoeveel krijgt Zwolle": a fact of a named place is stated where it is named
        if kind == "count" and not self.q.target and self.sentence_states(text, "money", passage_ids, header):
            return True  # "hoeveel is er gereserveerd": without a noun to count, "hoeveel" asks how much
        if header:
            return self.row_states(text, kind, header)
        subject = self.subject_stems()
        for match in FACT_PATTERNS[kind].finditer(text):
            if not subject or (kind not in NAMELESS and not set(self.closest()).isdisjoint(passage_ids)):
                return True
            near = terms(COUNTED.split(text[match.end():], 1)[0])[:3] if kind == "count" else terms(text)
            if any(stem_match(t, subject) for t in near):
                return True
            if kind == "count" and any(loose(t).endswith(h) for t in near for h in self.counted_heads()):
                return True
        return False

    def counted_heads(self) -> list[str]:
        """The heads of the nouns a count asks for, as stems: a Dutch compound is a kind of its last
        part, so "hoofdtaken" and "kerntaken" both count "taken", and a plain noun is its own head."""
        q = self.q
        if self._heads is None:
            expanded = get_domain().expand(q.target) + q.target_terms if q.target else []
            nouns = ([words(term)[-1] for term in expanded if words(term)] or [q.target]) if q.target else []
            self._heads = [loose(stem(h)) for h in (self.lib.lexicon.head(noun) or noun for noun in nouns) if len(h) >= MIN_HEAD]
        return self._heads

    def defines(self, text: str) -> bool:
        """`text` says what the question's subject means: a defining phrase ("… bedoelen we",
        "X is het …") with the subject's words shortly before it."""
        subject = self.known_topic() or self.known()
        return any(any(stem_match(t, subject) for t in terms(text[:m.start()])[-DEFINED_WITHIN:]) for m in DEFINES.finditer(text))

    def row_states(self, row: str, kind: str, header: str) -> bool:
        """A table row holds a fact of `kind` about the subject: the row's figures are of the kind its
        cells or its header's unit give them ("bedragen x € 1 miljoen": amounts, never counts), and
        the row's label or the header names the subject. Being close in meaning is not enough: every
        row of a table is as close as the table."""
        figures = NUMBER.search(row) is not None
        unit = next((k for k in ("money", "percent") if FACT_PATTERNS[k].search(header)), None)
        if kind in ("money", "percent"):
            has = FACT_PATTERNS[kind].search(row) is not None or (unit == kind and figures)
        elif kind == "count":
            has = unit is None and not FACT_PATTERNS["percent"].search(row) and FACT_PATTERNS["count"].search(row) is not None
        else:
            has = FACT_PATTERNS[kind].search(row) is not None
        subject = self.subject_stems()
        return has and (not subject or any(stem_match(t, subject) for t in terms(f"{header} {row}")))

    def subject_stems(self) -> list[str]:
        """What the wanted fact must be about: the asked-for noun (or its Dutch terms), else the focus."""
        q = self.q
        if q.wants == "count" and q.target:
            dutch = get_domain().expand(q.target) + q.target_terms
            return [t for term in (dutch or [q.target]) for t in terms(term)]
        # The domain nouns a question is about ("het RESV-plan") are no topic words, but the fact
        # must be about them or about the topic.
        named = [stem(w) for w in words(q.question) if w in get_domain().core_terms]
        return self.known_topic() + named


def coverage(passage: Passage | str, focus: Sequence[str], weights: Mapping[str, float] | None = None,
             parts: Mapping[str, Sequence[str]] | None = None, same: Mapping[str, str] | None = None) -> float:
    """Share of the focus stems found in a passage (or a sentence), optionally weighted (idf).

    Prefix and suffix match keep Dutch compounds and inflections; a compound the passage spells apart
    (a compound in the question, its parts apart in the passage) counts when all its parts are there.
    Stems that `same` maps to one stem (the Dutch renderings of one English word) count once,
    found when any of them is.
    """
    if not focus:
        return 0.0
    text = passage if isinstance(passage, str) else " ".join([passage.text, passage.lead_in or ""])
    have = {loose(t) for t in terms(text)}

    def present(term: str) -> bool:
        key = loose(term)
        return key in have or any(compound_part(key, t) for t in have)

    def weight(f: str) -> float:
        return weights.get(f, 1.0) if weights else 1.0

    groups: dict[str, list[str]] = {}
    for f in focus:
        groups.setdefault(same.get(f, f) if same else f, []).append(f)

    def found(f: str) -> bool:
        return present(f) or bool(parts and parts.get(f) and all(present(p) for p in parts[f]))

    total = sum(max(weight(f) for f in members) for members in groups.values())
    return sum(max(weight(f) for f in members) for members in groups.values() if any(found(f) for f in members)) / total


def compound_part(key: str, word: str) -> bool:
    """`key` (a stem of five letters or more) opens or ends `word`: a Dutch compound holds its parts
    at either end ("kwartaal" and "rapportage" in "kwartaalrapportage"), an inflection follows its stem."""
    return len(key) >= 5 and (word.startswith(key) or word.endswith(key))


def stem_match(term: str, subject: Sequence[str]) -> bool:
    """`term` is a form of a subject stem, or of its word family: Dutch derivations share a long root
    ("paramedici", "paramedische"; "financiering", "financieel")."""
    term = loose(term)
    return any(term == s or (len(s) >= 4 and term.startswith(s)) or (len(term) >= 4 and s.startswith(term))
               or len(os.path.commonprefix([term, s])) >= FAMILY_ROOT for s in map(loose, subject))


def is_bouwsteen_word(stem_: str) -> bool:
    """True for stems of words that only name a bouwsteen (they are no topic of their own)."""
    return names_term(stem_, get_domain().bouwstenen)


def names_term(stem_: str, named: Iterable[Term]) -> bool:
    return stem_ in _name_stems(tuple(named))


@lru_cache(maxsize=16)
def _name_stems(named: tuple[Term, ...]) -> frozenset[str]:
    """The stems of the titles and aliases of `named`: read once, asked for every focus word."""
    return frozenset(t for term in named for alias in term.aliases + (term.title,) for t in terms(alias))


@lru_cache(maxsize=1)
def _domain_name_words() -> frozenset[str]:
    """The words of every name the domain data knows (insurers, bouwstenen, hoofdtaken, phases)."""
    domain = get_domain()
    named = domain.insurers + domain.other_insurers + domain.bouwstenen + domain.hoofdtaken + domain.phases
    return frozenset(w for term in named for alias in (*term.aliases, str(term.title)) for w in words(alias))
