"""Which bouwsteen each passage of a plan is about.

Plans use their own chapter names and order, so the bouwsteen of a passage comes from its
content as much as from its headings: the evidence terms of the requirement catalogue vote for
the bouwsteen whose requirements use them, a heading that names a bouwsteen ("Bouwsteen 5",
"Begroting", "(bouwsteen 1)") votes strongly, and a passage shares in the votes of its section.
A plan is placed once per review.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from assistant.domain import get_domain
from assistant.plan import Plan
from assistant.review.terms import TermIndex
from assistant.text import fold

BOUWSTEEN_IN_HEADING = re.compile(r"\bbouwsteen\s*(?:nr\.?\s*)?(\d{1,2})\b")
MONEY = re.compile(r"€\s?\d|\d\s?(?:euro|eur)\b")


def term_index(plan: Plan) -> TermIndex:
    """The index of the plan's passages in their context (headings and lead-in)."""
    return TermIndex([fold(plan.context(i)) for i in range(len(plan.passages))])


def place(plan: Plan, index: TermIndex, requirements: Sequence) -> None:
    """Set each passage's bouwsteen affinity (and its `bouwsteen` where one stands out)."""
    plan.affinity = bouwsteen_affinity(plan, index, requirements)
    plan.passages = [
        p.model_copy(update={"bouwsteen": _confident(a)}) for p, a in zip(plan.passages, plan.affinity, strict=True)
    ]


def _term_weights(requirements: Sequence) -> dict[str, list[float]]:
    """For each evidence term: how strongly it points at each bouwsteen (shares sum to 1)."""
    count = len(get_domain().bouwstenen)
    counts: dict[str, list[float]] = defaultdict(lambda: [0.0] * count)
    for requirement in requirements:
        for term in set(requirement.all_terms):
            counts[term][requirement.bouwsteen - 1] += 1
    weights = {}
    for term, row in counts.items():
        total = sum(row)
        spread = sum(1 for v in row if v)
        if total and spread <= 4:  # a term used by most bouwstenen says nothing about the place
            weights[term] = [v / total for v in row]
    return weights


def _heading_votes(section: tuple[str, ...]) -> list[float]:
    """Bouwstenen named by the section headings, the nearest heading counting most."""
    domain = get_domain()
    votes = [0.0] * len(domain.bouwstenen)
    for depth, title in enumerate(reversed(section)):
        folded = fold(title)
        strength = 1.0 / (1 + depth)
        named = BOUWSTEEN_IN_HEADING.findall(folded)
        for number in (int(n) for n in named if 1 <= int(n) <= len(votes)):
            votes[number - 1] = max(votes[number - 1], 2.0 * strength)
        if not named:
            for term, _ in domain.find("bouwsteen", title):
                votes[int(term.key) - 1] = max(votes[int(term.key) - 1], 1.2 * strength)
    return votes


def bouwsteen_affinity(plan: Plan, index: TermIndex, requirements: Sequence) -> list[tuple[float, ...]]:
    """Per passage, one weight per bouwsteen in [0, 1]: how much it is about each (max = 1)."""
    weights = _term_weights(requirements)
    count = len(get_domain().bouwstenen)
    own: list[list[float]] = [[0.0] * count for _ in plan.passages]
    for term, row in weights.items():
        for i in index.find(term):
            for b in range(count):
                own[i][b] += row[b]
    budget = get_domain().budget_bouwsteen
    for i, p in enumerate(plan.passages):
        if budget and MONEY.search(p.text.lower()):
            own[i][budget - 1] += 1.5
    by_section: dict[tuple[str, ...], list[float]] = defaultdict(lambda: [0.0] * count)
    for i, p in enumerate(plan.passages):
        key = p.section[:2]
        for b in range(count):
            by_section[key][b] += own[i][b]
    out = []
    for i, p in enumerate(plan.passages):
        section = _normalised(by_section[p.section[:2]])
        mine = _normalised(own[i])
        heading = _heading_votes(p.section)
        scores = [0.45 * mine[b] + 0.35 * section[b] + heading[b] for b in range(count)]
        out.append(tuple(round(v, 3) for v in _normalised(scores)))
    return out


def _normalised(row: Sequence[float]) -> list[float]:
    top = max(row) if row else 0.0
    return [v / top for v in row] if top > 0 else [0.0] * len(row)


def _confident(affinity: Sequence[float]) -> int | None:
    """The bouwsteen a passage is mainly about, or None when no bouwsteen stands out."""
    ranked = sorted(range(len(affinity)), key=lambda b: -affinity[b])
    best, second = ranked[0], ranked[1]
    if affinity[best] <= 0 or affinity[second] > 0.8 * affinity[best]:
        return None
    return best + 1
