"""Citations and their rendering: every claim is a whole sentence or list item with its [n] at
the end, every [n] a span of the document copied at its offsets."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.ingest.segment import LIST_MARKER, line_spans
from assistant.models import Citation, Document, Passage
from assistant.text import collapse, sentence_spans


@dataclass(frozen=True)
class Claim:
    """One quoted span: a sentence of a passage, or the part of it that answers."""

    passage: Passage
    start: int
    end: int


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


class Citations:
    """Numbers citations in order of first use; one number per quoted span."""

    def __init__(self, documents: dict[str, Document]) -> None:
        self.documents = documents
        self.items: list[Citation] = []
        self._index: dict[tuple[str, int, int], int] = {}

    def cite(self, claim: Claim) -> int:
        key = (claim.passage.document_id, claim.start, claim.end)
        if key not in self._index:
            document = self.documents[claim.passage.document_id]
            self.items.append(to_citation(len(self.items) + 1, claim.passage, document, claim.start, claim.end))
            self._index[key] = len(self.items)
        return self._index[key]

    def sentence(self, pieces: Sequence[Claim]) -> str:
        """One sentence on one line, its citation marker at the end.

        A sentence broken over two passages (a page or column break) is quoted in two pieces,
        since a citation never leaves its passage; the sentence is still shown whole, "[3, 4]".
        """
        text = " ".join(collapse(self.documents[c.passage.document_id].text[c.start:c.end]) for c in pieces)
        return f"{text} [{', '.join(str(self.cite(c)) for c in pieces)}]"

    def passage(self, run: Sequence[Passage], skip: set[tuple[int, int]] = frozenset(),
                keep: Callable[[Sequence[Claim]], bool] | None = None) -> str:
        """The sentences of a passage and of the passages that continue it, each with its marker.
        Sentences in `skip` (already given as the answer) are left out; with `keep`, only the
        sentences it accepts (else the first), an ellipsis where sentences are left out between them."""
        text = self.documents[run[0].document_id].text
        if is_table(run):  # quoted whole: a citation per row would bury the answer in markers
            return self.sentence([Claim(p, *body_span(p)) for p in run])
        shown = [(i, pieces) for i, pieces in enumerate(sentences(text, run)) if not any((c.start, c.end) in skip for c in pieces)]
        if keep is not None:
            shown = [(i, pieces) for i, pieces in shown if keep(pieces)] or shown[:1]
        out: list[str] = []
        for n, (i, pieces) in enumerate(shown):
            if keep is not None and n and i != shown[n - 1][0] + 1:
                out.append("…")
            out.append(self.sentence(pieces))
        return " ".join(out)


def is_table(run: Sequence[Passage]) -> bool:
    """The run is a table: it opens with one (what continues it after a page break is more of its rows)."""
    return bool(run) and run[0].kind == "table"


def sentences(text: str, run: Sequence[Passage]) -> list[list[Claim]]:
    """The sentences of a run of passages (one that continues the last sentence of the one before)
    as claims; a sentence split over two passages is two claims. A table's sentences are its rows."""
    if is_table(run):
        return [[Claim(p, start + s, start + e)] for p in run for start, end in [body_span(p)]
                for s, e in line_spans(text[start:end]) if text[start + s:start + e].strip()]
    out: list[list[Claim]] = []
    for i, passage in enumerate(run):
        start, end = body_span(passage)
        for j, (s, e) in enumerate(sentence_spans(text[start:end], offset=start)):
            claim = Claim(passage, s, e)
            if i > 0 and j == 0 and out:
                out[-1].append(claim)  # the rest of the sentence the previous passage began
            else:
                out.append([claim])
    return out
