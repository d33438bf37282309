"""Which bouwsteen a plan passage is about: by content as much as by headings."""

from __future__ import annotations

from assistant.plan import read_plan
from assistant.review.placement import place, term_index
from tests.plans import GOOD_PLAN, make_plan_docx


def test_bouwsteen_by_content_not_only_headings(catalogue) -> None:  # noqa: ANN001
    plan = read_plan(make_plan_docx(GOOD_PLAN), "plan.docx")
    place(plan, term_index(plan), catalogue)
    escalation = next(p for p in plan.passages if p.text.startswith("Escalatieladder"))
    budget = next(p for p in plan.passages if "lumpsum" in p.text)
    members = next(p for p in plan.passages if "regionale samenwerkingsverbanden" in p.text)
    assert escalation.bouwsteen == 5
    assert budget.bouwsteen == 7
    assert members.bouwsteen == 1
