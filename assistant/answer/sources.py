"""What a composer may look up in the library besides the ranked hits: the insurers' bullets, the
handreiking's text per bouwsteen, continuations, lists after a lead-in, footnotes.

Every passage a lookup or a search hands out is recorded in `Sources.reached`: an answer may cite
only passages reached for its own question (checked by the service before an answer is given)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from assistant.answer.citations import Claim, body_span, is_table, sentences
from assistant.domain import get_language
from assistant.ingest.corpus import footnote_number, has_footnote_mark
from assistant.lexicon import Lexicon
from assistant.models import Document, Passage
from assistant.retrieve import Hit, HybridRetriever
from assistant.text import collapse, sentence_spans, words

MAX_LIST = 10
MIN_WORDS = 4  # fewer words (numbers aside) is a heading or a label, not a statement
POINTER = get_language().document["pointer"]
# "Escalatieladder: Het RESV-plan bevat …": a labelled item starts a new point, not a sub-item.
LABELLED = re.compile(r"^[-•·\s]*[A-ZÀ-Þ][^:.\n]{0,50}:\s")


class Library(Protocol):
    """The indexed corpus as the answer stage sees it."""

    documents: dict[str, Document]
    passages: list[Passage]
    retriever: HybridRetriever
    lexicon: Lexicon
    heading_terms: set[str]


def table_header(passage: Passage) -> str:
    """The column header a table's rows are read with ("Bedragen x € 1 miljoen 2023 2024 …"): a
    later block's lead-in, else the block's first line; "" for any other passage. For reading what
    a row states, never for quoting it."""
    if passage.kind != "table":
        return ""
    return passage.lead_in or passage.text.strip().split("\n", 1)[0]


class Sources:
    """Lookups over the library's passages."""

    def __init__(self, library: Library) -> None:
        self.lib = library
        self.by_id = {p.id: p for p in library.passages}
        self.reached: set[str] = set()

    def reach(self, passages: Iterable[Passage]) -> list[Passage]:
        """Record `passages` as reached for this question, and return them."""
        out = list(passages)
        self.reached.update(p.id for p in out)
        return out

    def select(self, keep: Callable[[Passage], bool]) -> list[Passage]:
        """The library's passages that `keep` accepts, in index order."""
        return self.reach(p for p in self.lib.passages if keep(p))

    def search(self, text: str, k: int, **options) -> list[Hit]:  # noqa: ANN003 - the retriever's options
        """The retriever's top `k` hits for `text`."""
        hits = self.lib.retriever.search(text, k=k, **options)
        self.reach(h.passage for h in hits)
        return hits

    def bullets(self, insurer: str, bouwsteen: int | None = None) -> list[Passage]:
        return self.select(lambda p: p.kind == "bullet" and p.insurer == insurer and (bouwsteen is None or p.bouwsteen == bouwsteen))

    def handreiking(self, bouwsteen: int, footnotes: bool = False) -> list[Passage]:
        return self.select(lambda p: p.insurer is None and p.bouwsteen == bouwsteen and p.kind != "cell"
                           and (footnotes or p.kind != "footnote") and self.lib.documents[p.document_id].info.kind == "handreiking")

    def with_continuations(self, passages: Iterable[Passage]) -> list[Passage]:
        """Add the other half of a sentence split across passages, keeping document order."""
        chosen = {p.id: p for p in passages}
        for passage in list(chosen.values()):
            if passage.continues and passage.continues in self.by_id:
                chosen.setdefault(passage.continues, self.by_id[passage.continues])
        for passage in self.lib.passages:
            if passage.continues in chosen:
                chosen.setdefault(passage.id, passage)
        return self.reach(sorted(chosen.values(), key=lambda p: (p.document_id, p.start)))

    def runs(self, passages: Iterable[Passage]) -> list[list[Passage]]:
        """Each passage with the passages that continue its last sentence, in document order."""
        ordered = self.with_continuations(passages)
        ids = {o.id for o in ordered}
        out = []
        for passage in ordered:
            if passage.continues in ids:
                continue
            parts = [passage]
            while nxt := next((p for p in ordered if p.continues == parts[-1].id), None):
                parts.append(nxt)
            out.append(parts)
        return out

    def sentences(self, passages: Iterable[Passage]) -> list[tuple[str, frozenset[str], str]]:
        """The sentences of `passages`, a sentence split over two passages joined again, each with
        the ids of the passages its run is made of and the header it is read with (a table's row:
        its column header; "" for any other sentence)."""
        out = []
        for parts in self.runs(passages):
            ids = frozenset(p.id for p in parts)
            if is_table(parts):
                header, text = table_header(parts[0]), self.lib.documents[parts[0].document_id].text
                rows = (text[c.start:c.end].strip() for [c] in self.claims(parts))  # a table's claims are its rows
                out.extend((row, ids, header) for row in rows if row != header)
                continue
            text = " ".join(p.text for p in parts)
            out.extend((text[s:e], ids, "") for s, e in sentence_spans(text))
        return out

    def adjacent(self, one: Sequence[Claim], other: Sequence[Claim]) -> bool:
        """Two sentences (as claims) follow each other in their document, nothing but blanks or a
        list marker between them."""
        if not one or not other or one[0].passage.document_id != other[0].passage.document_id:
            return False
        text = self.lib.documents[one[0].passage.document_id].text
        first, second = (one, other) if one[0].start <= other[0].start else (other, one)
        return first[-1].end <= second[0].start and not text[first[-1].end:second[0].start].strip(" \t\n\f\u00a0-•·")

    def claims(self, run: Sequence[Passage]) -> list[list[Claim]]:
        """The sentences of a run of passages as claims; a sentence split over two passages is two claims."""
        return sentences(self.lib.documents[run[0].document_id].text, run)

    def answer_units(self, passages: Sequence[Passage]) -> list[Passage]:
        """Complete what a passage opens: the list or sub-sections after a lead-in ending in ':',
        and the footnotes whose marks it carries; a footnote comes with the passage that carries
        its mark ("⁴ Deze afbakening …" says nothing without what it notes). A lead-in alone answers nothing."""
        out = list(passages)
        for passage in passages:
            for extra in self.introduced(passage) + self.footnotes(passage) + self.noted_by(passage):
                if extra not in out:
                    out.append(extra)
        return out

    def says_something(self, passage: Passage, chosen: Sequence[Passage]) -> bool:
        """A statement, not a label: a paragraph of enough words (an item or a policy bullet may be
        terse: its list or table says what it is about), and a lead-in only with the list it opens;
        a paragraph whose last sentence opens a list says what its other sentences say."""
        if passage.text.rstrip().endswith(":") and len(sentence_spans(passage.text)) < 2:
            return any(item in chosen for item in self.introduced(passage))
        return passage.kind != "paragraph" or len([w for w in words(passage.text) if not w.isdigit()]) >= MIN_WORDS

    @staticmethod
    def points_elsewhere(text: str) -> bool:
        """The sentence only says where something is written ("Hier staat …", "Zie …"), not what."""
        return POINTER.match(text) is not None

    def introduced(self, passage: Passage) -> list[Passage]:
        """The list or sub-sections a passage ending in ':' introduces; nothing for any other."""
        return self.following(passage) if passage.text.rstrip().endswith(":") else []

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
            return self.reach(items[:MAX_LIST])
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
        return self.reach(out)

    def noted_by(self, note: Passage) -> list[Passage]:
        """The passages of the same document that carry the mark of the footnote `note`."""
        number = footnote_number(note)
        if number is None:
            return []
        return self.select(lambda p: p.document_id == note.document_id and p.kind != "footnote" and has_footnote_mark(p.text, number))

    def footnotes(self, passage: Passage) -> list[Passage]:
        """Footnotes of the same document whose mark `passage` carries."""
        if passage.kind == "footnote":
            return []
        return self.select(lambda note: note.document_id == passage.document_id
                           and (number := footnote_number(note)) is not None and has_footnote_mark(passage.text, number))
