"""Measurable (SMART) goals: a number with a baseline, a target or a date, not only good intentions."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.catalogue import Requirement
from assistant.review.claims import PlanReader
from assistant.review.language import (
    CHANGE_WORDS,
    GOAL_COLUMNS,
    INTENDED_GOAL,
    clause_state,
)
from assistant.review.numbers import YEAR, measurable_quantities
from assistant.text import fold

# A requirement that asks for measurability itself ('SMART geformuleerd', 'meetbare effecten'), not
# only for goals that are best made measurable.
MEASURABLE_ASKED = re.compile(r"\bsmart\b|\bmeetba")


def asks_measurable(requirement: Requirement) -> bool:
    return bool(MEASURABLE_ASKED.search(fold(requirement.requirement)))

def measurable(reader: PlanReader, requirement: Requirement, passages: Sequence[int]) -> tuple[str, bool] | None:
    """None when the goals are measurable; else what is vague about them, and whether some are measurable."""
    b = requirement.bouwsteen - 1
    sections = {reader.plan.passages[i].section for i in passages}
    pool = set(passages) | {i for i, a in enumerate(reader.plan.affinity) if a[b] >= 0.7}
    pool |= {i for i, q in enumerate(reader.plan.passages) if q.section in sections}
    measurable = vague = 0
    for i in sorted(pool):
        context_head = fold(" ".join(reader.plan.passages[i].section[-1:]) + " " + (reader.plan.passages[i].lead_in or ""))
        # a table row is a goal under a goal heading or in a table with baseline and target columns
        table_goal = reader.plan.passages[i].kind == "table_row" and (CHANGE_WORDS.search(context_head) or GOAL_COLUMNS.search(reader.header(i)))
        for s in reader.sentences(i):
            if s.instruction:
                continue
            intention = INTENDED_GOAL.search(s.folded)
            if not (intention or CHANGE_WORDS.search(s.folded) or table_goal):
                continue
            # a stated intention is judged on its own words; other goal lines may take their row's numbers
            text = s.folded if intention or not s.window else f"{s.folded} {s.window}"
            quantities = measurable_quantities(text)
            deadline = bool(YEAR.search(text)) or "nulmeting" in text or "streefwaarde" in text
            if quantities >= 2 or (quantities >= 1 and deadline):
                measurable += 1
            elif clause_state(s.folded, requirement) == "negative" and not re.search(r"\b(?:meten|gemeten|meting|indicator)", s.folded):
                continue
            elif intention:
                vague += 1
    if measurable and not vague:
        return None
    if measurable:
        return ("niet alle doelen hebben een meetbare streefwaarde (niet SMART)", True)
    return ("doelen niet meetbaar (SMART) geformuleerd: geen nulmeting, streefwaarde of termijn", False)
