"""A note never says more than its quotes: every specific it claims must stand in the evidence.

Checked for every finding, as citations are for answers. The specifics of a note are its
figures (numbers, percentages, years), the plan text it quotes („…”), and the claims the notes
make about completeness, measurability and postcodes (`notes.py`). A figure may be written in
words in the evidence (a share in words for its percentage), and may come from
the requirement itself (its threshold, its years); page references "(p. 3)" point at the
evidence and are no claim about it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.catalogue import Requirement
from assistant.review.language import POSTCODE, matches
from assistant.review.numbers import counts, percentages
from assistant.text import fold

PAGES = re.compile(r"\(p\. [\d, ]+\)")
FIGURE = re.compile(r"\d+(?:[.,]\d+)?")
QUOTED = re.compile(r"„(.+?)”")
PARTS_CLAIM = re.compile(r"alle onderdelen genoemd \(([^)]*)\)")
MEASURABLE_CLAIM = "doelen meetbaar geformuleerd"
POSTCODE_CLAIM = "werkgebied op postcodeniveau"


def _squash(text: str) -> str:
    return " ".join(fold(text).split())


def _requirement_text(requirement: Requirement) -> str:
    thresholds = [f"{rule.min_percent} {rule.min_count}" for rule in requirement.numbers]
    return _squash(" ".join([requirement.requirement, requirement.quote, *map(str, requirement.years), *thresholds]))


def _figure_in(figure: str, text: str) -> bool:
    """'60' in '60%' or '60 procent', '12,5' as '12.5', not inside '1600'."""
    variants = {figure, figure.replace(",", "."), figure.replace(".", ",")}
    return any(re.search(rf"(?<![\d.,]){re.escape(v)}(?![\d])", text) for v in variants)


def _read_values(text: str) -> set[float]:
    """Numbers the evidence states in words or figures ('zes van de tien' is 60 %)."""
    return {round(value, 1) for value, _ in [*percentages(text), *counts(text)]}


def unsupported(note: str, quotes: Sequence[str], requirement: Requirement) -> list[str]:
    """The specifics of `note` that neither the quoted evidence nor the requirement shows."""
    evidence = _squash(" ".join(quotes))
    own = _requirement_text(requirement)
    values = _read_values(evidence)
    out = []
    for quoted in QUOTED.findall(note):
        fragment = _squash(quoted.removesuffix("…").strip())
        if fragment and fragment not in evidence:
            out.append(f"„{quoted}”")
    bare = QUOTED.sub(" ", PAGES.sub(" ", note))
    for figure in FIGURE.findall(bare):
        if not (_figure_in(figure, evidence) or _figure_in(figure, own) or round(float(figure.replace(",", ".")), 1) in values):
            out.append(figure)
    claim = PARTS_CLAIM.search(note)
    if claim:
        named = {p.strip() for p in claim.group(1).split(",")}
        for part in requirement.parts:
            if part.name in named and not matches(evidence, part.terms):
                out.append(part.name)
    if MEASURABLE_CLAIM in note and not FIGURE.search(evidence):
        out.append(MEASURABLE_CLAIM)
    if POSTCODE_CLAIM in note and not POSTCODE.search(evidence):
        out.append(POSTCODE_CLAIM)
    return out


def is_faithful(note: str, quotes: Sequence[str], requirement: Requirement) -> bool:
    return not unsupported(note, quotes, requirement)
