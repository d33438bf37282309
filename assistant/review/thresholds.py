"""Numbers against the requirement's thresholds: a share in words is its percentage, compared with the threshold."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.catalogue import NumberRule, Requirement
from assistant.review.claims import PlanReader
from assistant.review.language import clause_state
from assistant.review.notes import fmt_number
from assistant.review.numbers import (
    ALL,
    count_items,
    counts,
    mentions_year,
    percentages,
)
from assistant.review.sentences import Sentence
from assistant.review.terms import term_pattern


@dataclass(frozen=True)
class NumberCheck:
    """What the plan says about a number the requirement sets a threshold for."""

    shortfall: str | None  # None when the number meets the threshold
    sentence: Sentence | None  # the sentence that gives the number
    found: bool  # a number was found at all

def number_check(reader: PlanReader, requirement: Requirement, rule: NumberRule) -> NumberCheck:
    """The plan's number for `rule`: the sentence that gives it, and the shortfall when it falls short."""
    index = reader.index
    if rule.money:
        amounts = [s for i in index.any_of(rule.terms) if reader.allowed(requirement, i)
                   for s in reader.sentences(i) if re.search(r"€\s?\d|\d\s?(?:euro|eur)\b", s.folded)]
        if len(amounts) >= (rule.min_count or 1):
            return NumberCheck(None, amounts[0], True)
        if amounts:
            return NumberCheck("alleen een totaalbedrag, geen specificatie per post", amounts[0], True)
        return NumberCheck("geen bedragen genoemd", None, False)
    years = [int(y) for y in requirement.years if str(y).isdigit()]
    best: tuple[tuple, float, Sentence] | None = None
    values: list[tuple[float, Sentence, int]] = []
    for i in index.any_of(rule.terms):
        for s in reader.sentences(i):
            if s.instruction:
                continue
            positions = [(rank, m.start()) for rank, t in enumerate(rule.terms) for m in term_pattern(t).finditer(s.folded)]
            if not positions or clause_state(s.folded, requirement) != "positive":
                continue
            if years and not any(mentions_year(s.folded, y) for y in years):
                continue
            if rule.min_percent is not None:
                found = percentages(s.folded)
            else:
                found = _counted(s.folded, rule)
            for value, at in found:
                rank, distance = min((r, abs(at - pos)) for r, pos in positions)
                if distance > 90:
                    continue
                values.append((value, s, rank))
                key = (rank, distance)
                if best is None or key < best[0]:
                    best = (key, value, s)
    if best is None:
        what = f"{rule.what}: geen aantal of percentage gevonden"
        return NumberCheck(what + (f" (vereist minimaal {fmt_number(rule.min_percent)} %)" if rule.min_percent is not None
                                   else f" (vereist minimaal {rule.min_count})"), None, False)
    top_rank = best[0][0]
    if top_rank > 0:  # no number for the most specific term: the weakest of the others counts
        value, sentence = min(((v, s) for v, s, r in values if r > 0), key=lambda x: x[0])
    else:
        value, sentence = best[1], best[2]
    threshold = rule.min_percent if rule.min_percent is not None else float(rule.min_count or 0)
    if value + 1e-9 >= threshold:
        return NumberCheck(None, sentence, True)
    unit = " %" if rule.min_percent is not None else ""
    return NumberCheck(f"{rule.what}: {fmt_number(value)}{unit} gevonden, minimaal {fmt_number(threshold)}{unit} vereist", sentence, True)


def _counted(folded: str, rule: NumberRule) -> list[tuple[float, int]]:
    out = [(v, at) for v, at in counts(folded) if v < 1000]
    if rule.count_terms:
        items = count_items(folded, rule.count_terms)
        if items:
            out.append((float(items), 0 if not out else out[0][1]))
    for m in ALL.finditer(folded):
        out.append((float("inf"), m.start()))
    return out
