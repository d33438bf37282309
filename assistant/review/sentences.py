"""The sentences of a plan passage, with table cells flattened by PDF extraction cut per line."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.ingest.segment import line_spans
from assistant.plan import Plan
from assistant.review.language import INSTRUCTION
from assistant.text import fold, sentence_spans, trim

TABLE_WINDOW = 6


@dataclass
class Sentence:
    start: int
    end: int
    folded: str
    passage: int
    instruction: bool = False
    window: str = ""  # for a cell of a table flattened by PDF extraction: the cells around it


@dataclass
class Claim:
    """A sentence (with the anaphoric sentence after it) as evidence for a requirement."""

    sentence: Sentence
    state: str  # positive | tentative | negative
    matched: int  # concept groups and parts it shows
    complete: bool = True  # every concept group present (in the sentence or the headings above it)
    core: bool = True  # the first concept group is in the sentence itself
    thin: bool = False  # some concept group is shown only by a thin wording ('verslag' for 'verantwoording')
    contrary: bool = False  # it, or the sentence its 'deze'/'dit' points back to, says the opposite of the requirement

    @property
    def positive(self) -> bool:
        return self.state == "positive"

    @property
    def negated(self) -> bool:
        return self.state == "negative"


def sentences_of(plan: Plan, i: int, cache: dict[int, list[Sentence]]) -> list[Sentence]:
    if i not in cache:
        p = plan.passages[i]
        spans = []
        for s, e in sentence_spans(p.text, offset=p.start):
            # a table blob from a PDF or a list glued to its lead-in: cut further at bullets
            cut = s
            for m in re.finditer(r"\n\s*[•·▪]\s*\n?", plan.text[s:e]):
                if m.start() > 0:
                    spans.append((cut, s + m.start()))
                    cut = s + m.end()
            spans.append((cut, e))
        out = []
        for s, e in spans:
            while s < e and plan.text[s] in " \n\t\f\u00a0•·▪-–":
                s += 1
            while e > s and plan.text[e - 1] in " \n\t\f\u00a0":
                e -= 1
            if e - s < 2:
                continue
            lines = _tabular_lines(plan.text, s, e)
            if lines:
                folded_lines = [" ".join(fold(plan.text[a:b]).split()) for a, b in lines]
                for n, (a, b) in enumerate(lines):
                    window = " ".join(folded_lines[max(0, n - TABLE_WINDOW):n] + folded_lines[n + 1:n + 1 + TABLE_WINDOW])
                    out.append(Sentence(a, b, folded_lines[n], i, instruction=bool(INSTRUCTION.search(folded_lines[n])), window=window))
                continue
            folded = " ".join(fold(plan.text[s:e]).split())
            out.append(Sentence(s, e, folded, i, instruction=bool(INSTRUCTION.search(folded))))
        cache[i] = out
    return cache[i]


def _tabular_lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The lines of a span that is a table flattened into one cell per line (PDF extraction), else []."""
    trimmed = (trim(text, start + a, start + b) for a, b in line_spans(text[start:end]))
    lines = [(a, b) for a, b in trimmed if b > a]
    if len(lines) < 5:
        return []
    lengths = sorted(b - a for a, b in lines)
    return lines if lengths[len(lengths) // 2] <= 32 else []

