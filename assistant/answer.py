"""Grounded answers: the answer is built from retrieved passages, every claim marked [n], every
quote copied from the document at its offsets, and an abstention when the sources do not answer.

`Composer` is the interface a language-model composer would implement later; `GroundedComposer`
is the offline extractive one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from assistant.domain import Term, get_domain
from assistant.ingest.corpus import footnote_number, has_footnote_mark
from assistant.ingest.segment import LIST_MARKER
from assistant.lexicon import Lexicon
from assistant.models import Answer, Citation, Document, Passage
from assistant.retrieve import Hit, HybridRetriever
from assistant.text import collapse, fold, loose, sentence_spans, stem, terms, words
from assistant.understand import FACT_PATTERNS, Query

MAX_SUPPORT = 6
MAX_LIST = 10
PHASE_HEADING = re.compile(r"\s*(?:fase|phase)\s*(\d)")
K_GENERAL = 12
MAX_SECTION = 12
# "Escalatieladder: Het RESV-plan bevat …": a labelled item starts a new point, not a sub-item.
LABELLED = re.compile(r"^[-•·\s]*[A-ZÀ-Þ][^:.\n]{0,50}:\s")
MIN_COVERAGE = 0.5


class Library(Protocol):
    """What a composer may look up besides the ranked hits."""

    documents: dict[str, Document]
    passages: list[Passage]
    retriever: HybridRetriever
    lexicon: Lexicon
    heading_terms: set[str]


class Composer(Protocol):
    def compose(self, query: Query, library: Library) -> Answer: ...


@dataclass
class Claim:
    """One rendered line of an answer: a passage, or the part of it that answers."""

    passage: Passage
    start: int
    end: int


class _Citations:
    """Numbers citations in order of first use; one number per quoted span."""

    def __init__(self, documents: dict[str, Document]) -> None:
        self.documents = documents
        self.items: list[Citation] = []
        self.index: dict[tuple[str, int, int], int] = {}

    def cite(self, claim: Claim) -> int:
        key = (claim.passage.document_id, claim.start, claim.end)
        if key not in self.index:
            document = self.documents[claim.passage.document_id]
            self.items.append(to_citation(len(self.items) + 1, claim.passage, document, claim.start, claim.end))
            self.index[key] = len(self.items)
        return self.index[key]


def to_citation(n: int, passage: Passage, document: Document, start: int | None = None, end: int | None = None) -> Citation:
    """A citation of `passage` (or the span start:end inside it) with its exact quote."""
    start = passage.start if start is None else start
    end = passage.end if end is None else end
    return Citation(
        n=n,
        document=document.id,
        title=document.info.title,
        section=" > ".join(passage.section) or document.info.title,
        insurer=passage.insurer,
        bouwsteen=passage.bouwsteen,
        page=document.extracted.page_at(start),
        quote=document.text[start:end],
        passage_id=passage.id,
        start=start,
        end=end,
    )


def body_span(passage: Passage) -> tuple[int, int]:
    """The passage without its list marker: the part worth quoting."""
    marker = LIST_MARKER.match(passage.text)
    offset = marker.end() if marker else 0
    while offset < len(passage.text) and passage.text[offset] in "-•· ":
        offset += 1
    return passage.start + offset, passage.end


def _matches(passage: Passage, focus: Sequence[str], weights: Mapping[str, float] | None = None,
             parts: Mapping[str, Sequence[str]] | None = None) -> float:
    """Share of the focus stems found in the passage, optionally weighted (idf).

    Prefix match keeps Dutch compounds and inflections; a compound the passage spells apart
    ("knelpuntenanalyse" / "analyse van knelpunten") counts when all its parts are there.
    """
    if not focus:
        return 0.0
    have = {loose(t) for t in terms(" ".join([passage.text, passage.lead_in or ""]))}

    def present(term: str) -> bool:
        key = loose(term)
        return key in have or (len(key) >= 5 and any(t.startswith(key) for t in have))

    def weight(f: str) -> float:
        return weights.get(f, 1.0) if weights else 1.0

    found = sum(weight(f) for f in focus if present(f) or (parts and parts.get(f) and all(present(p) for p in parts[f])))
    return found / sum(weight(f) for f in focus)


class GroundedComposer:
    """Extractive, offline composer."""

    def compose(self, query: Query, library: Library) -> Answer:
        """Answer `query` from the library, or abstain and say why."""
        return _Composition(query, library).run()


class _Composition:
    def __init__(self, query: Query, library: Library) -> None:
        self.q = query
        self.lib = library
        self.en = query.english
        self.domain = get_domain()
        self.vocabulary = library.retriever.bm25.idf

    # --- helpers ------------------------------------------------------------------------------

    def t(self, dutch: str, english: str) -> str:
        return english if self.en else dutch

    def hits(self, k: int = 8, allow=None, boost=None) -> list[Hit]:  # noqa: ANN001 - callables
        return self.lib.retriever.search(self.q.text, k=k, allow=allow, boost=boost, expansions=self.q.expansions)

    def known_focus(self) -> list[str]:
        """Focus stems the corpus knows (directly, as a form, or as compound or verb parts)."""
        return [f for f in self.q.focus if self.knows_stem(f)]

    def knows_stem(self, focus_stem: str) -> bool:
        if focus_stem in self.vocabulary or (len(focus_stem) >= 5 and any(t.startswith(focus_stem) for t in self.vocabulary)):
            return True
        return any(self.lib.lexicon.knows(w) for w in words(self.q.text) if stem(w) == focus_stem)

    def focus_parts(self) -> dict[str, list[str]]:
        """Focus stems of compounds the corpus only has apart, with the stems of their parts."""
        out = {}
        for word in words(self.q.text):
            key = stem(word)
            if key in self.q.focus and key not in self.vocabulary and (parts := self.lib.lexicon.parts(word)):
                out[key] = [stem(p) for p in parts]
        return out

    def in_domain(self) -> bool:
        """The question names something of the domain, or most of its words occur in the sources."""
        known = self.known_focus()
        if self.q.has_domain_signal or any(f in self.lib.heading_terms for f in known):
            return True  # the sources' own headings name the domain's topics
        return bool(self.q.focus) and len(known) / len(self.q.focus) >= MIN_COVERAGE


    def target_unknown(self) -> bool:
        """The thing the question asks for ("welke boete") does not occur in the sources."""
        target = self.q.target
        if not target or self.q.english:
            return False
        return not self.lib.lexicon.knows(target)

    def bullets(self, insurer: str, bouwsteen: int | None = None) -> list[Passage]:
        return [p for p in self.lib.passages if p.kind == "bullet" and p.insurer == insurer and (bouwsteen is None or p.bouwsteen == bouwsteen)]

    def handreiking(self, bouwsteen: int, footnotes: bool = False) -> list[Passage]:
        return [p for p in self.lib.passages if p.insurer is None and p.bouwsteen == bouwsteen and p.kind != "cell"
                and (footnotes or p.kind != "footnote") and self.lib.documents[p.document_id].info.kind == "handreiking"]

    def handreiking_groups(self, bouwsteen: int) -> list[tuple[str, list[Passage]]]:
        """The bouwsteen's text grouped by its own sub-headings, footnotes last."""
        groups: dict[str, list[Passage]] = {}
        base = self.handreiking_title(bouwsteen)
        depth = None
        for passage in self.handreiking(bouwsteen, footnotes=True):
            if passage.kind == "footnote":
                groups.setdefault(self.t(f"{base} – voetnoten", f"{base} – footnotes"), []).append(passage)
                continue
            depth = depth or len(passage.section)
            sub = passage.section[depth:] if len(passage.section) > depth else ()
            title = f"{base} – {sub[0]}" if sub else base
            groups.setdefault(title, []).append(passage)
        footer = [k for k in groups if k.endswith(("voetnoten", "footnotes"))]
        return [(k, v) for k, v in groups.items() if k not in footer] + [(k, groups[k]) for k in footer]

    def with_continuations(self, passages: Iterable[Passage]) -> list[Passage]:
        """Add the other half of a sentence split across passages, keeping document order."""
        chosen = {p.id: p for p in passages}
        by_id = {p.id: p for p in self.lib.passages}
        for passage in list(chosen.values()):
            if passage.continues and passage.continues in by_id:
                chosen.setdefault(passage.continues, by_id[passage.continues])
        for passage in self.lib.passages:
            if passage.continues in chosen:
                chosen.setdefault(passage.id, passage)
        return sorted(chosen.values(), key=lambda p: (p.document_id, p.start))

    def abstain(self, reason: str, message: str, near: Sequence[Passage] = ()) -> Answer:
        related = [to_citation(i + 1, p, self.lib.documents[p.document_id], *body_span(p)) for i, p in enumerate(near[:3])]
        text = message
        if related:
            text += "\n\n" + self.t("Dichtstbijzijnde passages (geen antwoord op de vraag):", "Nearest passages (they do not answer the question):")
            text += "".join(f"\n- {c.title} – {c.section}" for c in related)
        return Answer(question=self.q.question, answer=text, abstained=True, citations=[], related=related, reason=reason)

    def render(self, groups: Sequence[tuple[str, Sequence[Passage]]], intro: str = "", notes: Sequence[str] = ()) -> Answer:
        citations = _Citations(self.lib.documents)
        lines = [intro] if intro else []
        for title, passages in groups:
            if not passages:
                continue
            lines.append(f"\n**{title}**" if lines else f"**{title}**")
            ordered = self.with_continuations(passages)
            skip: set[str] = {p.id for p in ordered if p.continues in {o.id for o in ordered}}
            for passage in ordered:
                if passage.id in skip:
                    continue
                parts = [passage]
                while nxt := next((p for p in ordered if p.continues == parts[-1].id), None):
                    parts.append(nxt)
                lines.append("- " + self._claim_text(parts, citations))
        lines.extend(notes)
        return Answer(question=self.q.question, answer="\n".join(lines).strip(), abstained=False, citations=citations.items)

    def _claim_text(self, parts: Sequence[Passage], citations: _Citations) -> str:
        """Sentences of a passage and its continuations, each with its [n]. A sentence broken over
        two passages is quoted in two pieces: a citation never leaves its passage."""
        text = self.lib.documents[parts[0].document_id].text
        pieces = []
        for passage in parts:
            start, end = body_span(passage)
            for s, e in sentence_spans(text[start:end], offset=start):
                n = citations.cite(Claim(passage, s, e))
                pieces.append(f"{collapse(text[s:e])} [{n}]")
        return " ".join(pieces)

    def cell_title(self, insurer: str, bouwsteen: int) -> str:
        name = self.domain.bouwsteen_title(bouwsteen)
        return self.t(f"{insurer} – inkoopbeleid, bouwsteen {bouwsteen} ({name})",
                      f"{insurer} – purchasing policy, building block {bouwsteen} ({name})")

    def handreiking_title(self, bouwsteen: int) -> str:
        name = self.domain.bouwsteen_title(bouwsteen)
        return self.t(f"Handreiking – bouwsteen {bouwsteen} ({name})", f"Handreiking (national guidance) – building block {bouwsteen} ({name})")

    def has_wanted_fact(self, passages: Iterable[Passage]) -> bool:
        """A sentence of `passages` holds the wanted kind of fact about the question's subject."""
        return self.q.wants not in FACT_PATTERNS or self.states_fact(passages, self.q.wants)

    def states_fact(self, passages: Iterable[Passage], kind: str) -> bool:
        """A sentence of `passages` holds a fact of `kind` about the question's subject.

        A number anywhere is not enough: "hoeveel RESV's" needs a number of RESV's, "hoe hoog is
        het eigen risico" an amount in a sentence about that risk.
        """
        pattern = FACT_PATTERNS[kind]
        subject = self.subject_stems()
        for text in self.sentences(passages):
            for match in pattern.finditer(text):
                if not subject:
                    return True
                near = terms(text[match.end():])[:3] if kind == "count" else terms(text)
                if any(_stem_match(t, subject) for t in near):
                    return True
        return False

    def subject_stems(self) -> list[str]:
        """What the wanted fact must be about: the asked-for noun (or its Dutch terms), else the focus."""
        q = self.q
        if q.wants == "count" and q.target:
            dutch = self.domain.expand(q.target)
            return [t for term in (dutch or [q.target]) for t in terms(term)]
        return [f for f in self.known_focus() if not q_is_bouwsteen_word(f)]

    def sentences(self, passages: Iterable[Passage]) -> list[str]:
        """The sentences of `passages`, a sentence split over two passages joined again."""
        out = []
        chosen = self.with_continuations(passages)
        follows = {p.continues: p for p in chosen if p.continues}
        for passage in chosen:
            if passage.continues:
                continue
            text = passage.text
            nxt = follows.get(passage.id)
            while nxt is not None:
                text += " " + nxt.text
                nxt = follows.get(nxt.id)
            out.extend(text[s:e] for s, e in sentence_spans(text))
        return out

    # --- the decision -------------------------------------------------------------------------

    def run(self) -> Answer:
        q = self.q
        if q.invalid_bouwstenen and not q.bouwstenen:
            numbers = ", ".join(str(n) for n in q.invalid_bouwstenen)
            return self.abstain("no_such_bouwsteen", self.t(
                f"Bouwsteen {numbers} bestaat niet: de handreiking kent zeven bouwstenen (1 tot en met 7).",
                f"Building block {numbers} does not exist: the handreiking has seven building blocks (1 to 7)."))
        if q.unknown_insurers and not q.insurers:
            names = " en ".join(q.unknown_insurers)
            near = self.handreiking(q.bouwstenen[0]) if q.bouwstenen else [h.passage for h in self.hits(3)]
            known = ", ".join(self.domain.insurer_names)
            return self.abstain("insurer_not_in_corpus", self.t(
                f"Het inkoopbeleid van {names} staat niet in de bronnen. De bronnen bevatten de handreiking en het inkoopbeleid van {known}.",
                f"The purchasing policy of {names} is not in the sources. The sources hold the handreiking and the policies of {known}."), near)
        if self.target_unknown() and self.in_domain():
            return self.abstain("fact_not_in_sources", self.t(
                f"De bronnen zeggen hier niets over: '{q.target}' komt in de bronnen niet voor.",
                f"The sources do not say: '{q.target}' does not occur in them."), [h.passage for h in self.hits(3)])
        if q.which_insurers and not q.insurers:
            return self.which_insurers()
        if q.insurers and (q.bouwstenen or not self.known_focus()):
            return self.cells()
        if q.insurers and not q.bouwstenen and (topics := self.insurer_topics()):
            bullets = [p for i in q.insurers for p in self.bullets(i) if p.bouwsteen in topics]
            if not q.wants or self.has_wanted_fact(bullets):
                return self.cells(topics)
        if q.bouwstenen and not q.insurers and not self.known_focus_beyond_bouwsteen():
            return self.bouwsteen_only()
        if q.phases and not q.insurers and not q.bouwstenen and not q.wants and not self.known_focus_beyond_structure():
            outline = self.phase_outline()
            if outline:
                return outline
        return self.general()

    def known_focus_beyond_structure(self) -> list[str]:
        """Known focus that is not only the name of a bouwsteen or phase."""
        return [f for f in self.known_focus_beyond_bouwsteen() if not _names_term(f, self.domain.phases)]

    def phase_outline(self) -> Answer | None:
        """What a phase holds: its own text, then each of its parts (sub-sections) by heading."""
        groups: list[tuple[str, list[Passage]]] = []
        for number in self.q.phases:
            inside = [p for p in self.lib.passages if p.section and p.kind != "footnote"
                      and (m := PHASE_HEADING.match(fold(p.section[0]))) and int(m.group(1)) == number]
            if not inside:
                continue
            heading = inside[0].section[0]
            groups.append((heading, [p for p in inside if len(p.section) == 1][:MAX_SUPPORT]))
            for section in dict.fromkeys(p.section[:2] for p in inside if len(p.section) > 1):
                first = next(p for p in inside if p.section[:2] == section)
                groups.append((f"{heading} > {section[1]}", [first]))
        return self.render(groups) if groups else None

    def known_focus_beyond_bouwsteen(self) -> list[str]:
        return [f for f in self.known_focus() if not q_is_bouwsteen_word(f)]

    def insurer_topics(self) -> list[int]:
        """Bouwstenen whose bullets, for the named insurers, are about the question's focus.

        "Hoe verschilt de governance-eis van Zilveren Kruis van die van CZ?" names no bouwsteen;
        the insurers' own bullets say where governance sits.
        """
        focus = self.known_focus_beyond_bouwsteen()
        if not focus:
            return []
        return sorted({p.bouwsteen for i in self.q.insurers for p in self.bullets(i) if p.bouwsteen and self.focus_match(p, focus)})

    def cells(self, bouwstenen: Sequence[int] = ()) -> Answer:
        q = self.q
        bouwstenen = bouwstenen or q.bouwstenen or sorted({p.bouwsteen for p in self.lib.passages if p.kind == "bullet" and p.bouwsteen})
        groups: list[tuple[str, list[Passage]]] = []
        for insurer in q.insurers:
            for bouwsteen in bouwstenen:
                groups.append((self.cell_title(insurer, bouwsteen), self.bullets(insurer, bouwsteen)))
        support = [p for _, ps in groups for p in ps]
        if q.wants and not self.has_wanted_fact(support):
            return self.abstain("fact_not_in_sources", self.t(
                "De bronnen noemen dit niet: het inkoopbeleid bevat hier geen " + _WANT_NL[q.wants] + ".",
                "The sources do not say: the purchasing policy names no " + _WANT_EN[q.wants] + " here."), support)
        if len(q.insurers) == 1 and q.bouwstenen and not q.comparison:
            for bouwsteen in q.bouwstenen:
                groups.extend(self.handreiking_groups(bouwsteen))
        elif len(q.insurers) == 1 and not q.comparison:  # a topic, not a bouwsteen: the handreiking on that topic
            focus = self.known_focus_beyond_bouwsteen()
            on_topic = [p for b in bouwstenen for p in self.handreiking(b) if self.focus_match(p, focus)]
            groups.append((self.t("Handreiking", "Handreiking (national guidance)"), self.answer_units(on_topic)))
        names = " en ".join(q.insurers) if not self.en else " and ".join(q.insurers)
        intro = self.t(f"Wat {names} vraagt, per bouwsteen, met de tekst van de handreiking waar die erbij hoort:",
                       f"What {names} require(s), per building block, quoted from the sources:")
        if q.comparison and len(q.insurers) > 1:
            intro = self.t(f"Vergelijking van {names}, verzekeraar voor verzekeraar:", f"Comparison of {names}, insurer by insurer:")
        return self.render(groups, intro)

    def bouwsteen_only(self) -> Answer:
        q = self.q
        groups = [group for b in q.bouwstenen for group in self.handreiking_groups(b)]
        if q.all_insurers:
            for b in q.bouwstenen:
                groups.extend((self.cell_title(i, b), self.bullets(i, b)) for i in self.domain.insurer_names)
        support = [p for _, ps in groups for p in ps]
        if q.wants and not self.has_wanted_fact(support):
            return self.abstain("fact_not_in_sources", self.t(
                "De bronnen noemen dit niet: de tekst van deze bouwsteen bevat geen " + _WANT_NL[q.wants] + ".",
                "The sources do not say: this building block's text names no " + _WANT_EN[q.wants] + "."), support)
        return self.render(groups)

    def which_insurers(self) -> Answer:
        focus = self.known_focus_beyond_bouwsteen()
        fact = FACT_PATTERNS.get(self.q.wants or "")
        if not focus and not fact:
            return self.general()

        def relevant(p: Passage) -> bool:
            # "welke verzekeraars noemen een percentage": the kind of fact is what is asked for.
            return (not focus or self.focus_match(p, focus)) and (fact is None or bool(fact.search(p.text)))

        allow_bs = set(self.q.bouwstenen)
        found: list[tuple[str, list[Passage]]] = []
        missing = []
        for insurer in self.domain.insurer_names:
            matched = [p for p in self.bullets(insurer) if (not allow_bs or p.bouwsteen in allow_bs) and relevant(p)]
            if matched:
                found.append((insurer, matched))
            else:
                missing.append(insurer)
        guidance = [p for p in self.lib.passages if p.insurer is None and p.kind not in ("cell",) and relevant(p)
                    and (not allow_bs or p.bouwsteen in allow_bs)][:3]
        if not found and not guidance:
            return self.abstain("fact_not_in_sources", self.t(
                "Geen van de verzekeraars noemt dit in het inkoopbeleid, en de handreiking ook niet.",
                "None of the insurers names this in its purchasing policy, nor does the handreiking."), [h.passage for h in self.hits(3)])
        names = ", ".join(i for i, _ in found)
        intro = self.t(f"Verzekeraars die dit in hun inkoopbeleid noemen: {names or 'geen'}.",
                       f"Insurers whose purchasing policy names this: {names or 'none'}.")
        groups = [(self.t(f"{i} – inkoopbeleid", f"{i} – purchasing policy"), ps) for i, ps in found]
        groups.append((self.t("Handreiking (geldt voor alle verzekeraars)", "Handreiking (applies to all insurers)"), guidance))
        notes = []
        if missing:
            notes.append("\n_" + self.t(f"Niet genoemd in het inkoopbeleid van: {', '.join(missing)}.",
                                         f"Not named in the purchasing policy of: {', '.join(missing)}.") + "_")
        return self.render(groups, intro, notes)

    def focus_match(self, passage: Passage, focus: Sequence[str]) -> bool:
        rare = [f for f in focus if self.vocabulary.get(f, 99) >= 2.0]
        return _matches(passage, rare or focus) > 0 and _matches(passage, focus) >= (1 / len(focus) if len(focus) <= 2 else 0.33)

    def general(self) -> Answer:
        q = self.q
        insurers = set(q.insurers)

        def allow(p: Passage) -> bool:
            if p.kind == "cell":
                return False
            if p.insurer is not None and insurers and p.insurer not in insurers:
                return False
            return not q.handreiking_only or p.insurer is None

        def boost(p: Passage) -> float:
            factor = 1.0
            if q.bouwstenen and p.bouwsteen in q.bouwstenen:
                factor *= 1.5
            if q.hoofdtaken and p.hoofdtaak in q.hoofdtaken:
                factor *= 2.0
            if insurers and p.insurer in insurers:
                factor *= 1.3
            return factor

        hits = self.hits(K_GENERAL, allow, boost)
        focus = self.known_focus()
        if not hits:
            return self.abstain("no_passages", self.t("De bronnen zeggen hier niets over.", "The sources do not say."))
        if (q.hoofdtaken or q.all_hoofdtaken) and not q.bouwstenen and not insurers:
            chosen = [p for p in self.lib.passages if p.kind == "hoofdtaak" and (q.all_hoofdtaken or p.hoofdtaak in q.hoofdtaken)]
            if chosen:
                return self.render([(self.t("Handreiking – de vijf hoofdtaken van een RESV", "Handreiking – the five main tasks of an RESV"), chosen)])
        if not self.in_domain():
            return self.abstain("outside_domain", self.t(
                "Daar gaan de bronnen niet over: ik beantwoord vragen over de handreiking contractering RESV en het inkoopbeleid van Zilveren Kruis, CZ, VGZ en Menzis.",
                "The sources do not cover that: I answer questions about the RESV contracting guidance (handreiking) and the purchasing policies of Zilveren Kruis, CZ, VGZ and Menzis."),
                [h.passage for h in hits[:3]])
        unknown = [f for f in q.focus if f not in focus]
        if not q.english and unknown and len(unknown) / len(q.focus) > 0.5:
            return self.abstain("fact_not_in_sources", self.t(
                "De bronnen zeggen hier niets over.", "The sources do not say."), [h.passage for h in hits[:3]])
        support = self.section_asked(hits, focus) or self.best_matching(hits, focus)
        support = self.answer_units(support[:MAX_SECTION])
        wanted = q.wants or ("date" if q.wants_date_maybe else None)
        if wanted in FACT_PATTERNS:
            support += [h.passage for h in hits if h.passage not in support and self.states_fact([h.passage], wanted)][:2]
        if q.wants and not self.has_wanted_fact(support):
            return self.abstain("fact_not_in_sources", self.t(
                f"De bronnen noemen geen {_WANT_NL[q.wants]} {_WHICH_NL[q.wants]} deze vraag beantwoordt.",
                "The sources name no " + _WANT_EN[q.wants] + " that answers this question."), support)
        ordered = sorted(support, key=lambda p: (p.insurer is not None, p.document_id, p.start))
        groups: dict[str, list[Passage]] = {}
        for passage in ordered:
            title = self.group_title(passage)
            groups.setdefault(title, []).append(passage)
        return self.render(list(groups.items()))

    def best_matching(self, hits: Sequence[Hit], focus: Sequence[str]) -> list[Passage]:
        """The hits that hold most of the question's focus, in rank order; the top two when none does.

        A high rank without the question's words is a near miss (a bouwsteen boost, a similar
        sentence); a passage with them, lower down, is the answer more often.
        """
        top_idf = max(self.vocabulary.values(), default=1.0)
        weights = {f: self.vocabulary.get(f, top_idf) for f in focus}
        scored = [(h.passage, _matches(h.passage, focus, weights, self.focus_parts())) for h in hits]
        best = max((s for _, s in scored), default=0.0)
        if best == 0:
            return [p for p, _ in scored[:2]]
        kept = [(n, p, s) for n, (p, s) in enumerate(scored) if s >= best * 0.5]
        kept.sort(key=lambda item: (-item[2], item[0]))
        return [p for _, p, _ in kept[:MAX_SUPPORT]]

    def section_asked(self, hits: Sequence[Hit], focus: Sequence[str]) -> list[Passage]:
        """All of a section whose heading is what the question names ("wat moet het plan beschrijven
        onder sturing en verantwoording?"), when one of the top hits sits in it."""
        if not focus:
            return []
        for hit in hits[:2]:
            section = hit.passage.section
            if not section or hit.passage.kind == "footnote":
                continue
            heading = set(terms(section[-1]))
            named = [h for h in heading if any(h == f or (len(f) >= 5 and h.startswith(f)) for f in focus)]
            if all(any(h == f or (len(f) >= 5 and h.startswith(f)) for h in heading) for f in focus) and len(named) >= 0.75 * len(heading):
                body = [p for p in self.lib.passages if p.document_id == hit.passage.document_id and p.section == section]
                if len(body) <= MAX_SECTION:
                    return body
        return []

    def answer_units(self, passages: Sequence[Passage]) -> list[Passage]:
        """Complete what a passage opens: the list or sub-sections after a lead-in ending in ':',
        and the footnotes whose marks it carries. A lead-in alone answers nothing."""
        out = list(passages)
        for passage in passages:
            follow = self.following(passage) if passage.text.rstrip().endswith(":") else []
            for extra in follow + self.footnotes(passage):
                if extra not in out:
                    out.append(extra)
        return out

    def following(self, lead: Passage) -> list[Passage]:
        """The passages a lead-in introduces, in document order."""
        same_doc = [p for p in self.lib.passages if p.document_id == lead.document_id and p.kind != "footnote"]
        after = [p for p in same_doc if p.start > lead.start]
        body = collapse(self.lib.documents[lead.document_id].text[slice(*body_span(lead))])
        items = [p for p in after if p.lead_in and collapse(p.lead_in) == body]
        if items:
            # The list goes on past an interruption (a footnote, a page break) that lost its lead-in.
            rest = [p for p in after if p.start > items[-1].start and p.kind != "footnote"]
            for passage in rest:
                if passage.kind != "list_item" or passage.section != lead.section or (passage.lead_in and collapse(passage.lead_in) != body):
                    break
                items.append(passage)
            return items[:MAX_LIST]
        out: list[Passage] = []
        children: set[tuple[str, ...]] = set()
        for passage in after:
            deeper = len(passage.section) > len(lead.section) and passage.section[:len(lead.section)] == lead.section
            if deeper:
                if passage.section not in children:  # a sub-section: its heading and first passage
                    children.add(passage.section)
                    out.append(passage)
                continue
            if children or passage.section != lead.section or passage.kind != "list_item" or lead.kind != "list_item" or LABELLED.match(passage.text):
                break
            out.append(passage)  # sub-items of a list item that ends in ':'
            if len(out) >= MAX_LIST:
                break
        return out

    def footnotes(self, passage: Passage) -> list[Passage]:
        """Footnotes of the same document whose mark `passage` carries."""
        out = []
        if passage.kind == "footnote":
            return out
        for note in self.lib.passages:
            number = footnote_number(note) if note.document_id == passage.document_id else None
            if number is not None and has_footnote_mark(passage.text, number):
                out.append(note)
        return out

    def group_title(self, passage: Passage) -> str:
        document = self.lib.documents[passage.document_id]
        if passage.insurer:
            return self.t(f"{passage.insurer} – inkoopbeleid", f"{passage.insurer} – purchasing policy")
        section = passage.section[-1] if passage.section else ""
        if passage.kind == "footnote" and len(passage.section) >= 2:
            section = f"{passage.section[-2]}, {passage.section[-1].lower()}"
        return f"{document.info.title} – {section}" if section else document.info.title


def _stem_match(term: str, subject: Sequence[str]) -> bool:
    term = loose(term)
    return any(term == s or (len(s) >= 4 and term.startswith(s)) or (len(term) >= 4 and s.startswith(term)) for s in map(loose, subject))


def q_is_bouwsteen_word(stem_: str) -> bool:
    """True for stems of words that only name a bouwsteen (they are no topic of their own)."""
    return _names_term(stem_, get_domain().bouwstenen)


def _names_term(stem_: str, named: Iterable[Term]) -> bool:
    return any(stem_ in terms(alias) for term in named for alias in term.aliases + (term.title,))


_WANT_NL = {"money": "bedrag", "percent": "percentage", "date": "datum", "contact": "contactgegevens", "count": "aantal"}
_WHICH_NL = {"money": "dat", "percent": "dat", "date": "die", "contact": "die", "count": "dat"}  # het bedrag, de datum
_WANT_EN = {"money": "amount", "percent": "percentage", "date": "date", "contact": "contact details", "count": "number"}
