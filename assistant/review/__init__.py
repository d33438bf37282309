"""First-pass review of a draft RESV-plan: every applicable requirement met, partial or missing.

For each requirement of the handreiking and of the one insurer named (never another insurer's),
the plan's passages that use the requirement's evidence terms are ranked by hybrid retrieval
(BM25 beside dense similarity, boosted where the passage is about the requirement's bouwsteen),
and then judged by rules that read the plan's own sentences:

- every concept group of the requirement must be present in one sentence (or in the heading or
  table header above it, or in the sentence before when a pronoun such as "hen" points back to
  it), and that sentence must not be negated, contrary, postponed or a mere intention (the
  general Dutch markers in `data/review.toml`); how much a plan for later counts depends on the
  bouwsteen;
- a description ("het plan beschrijft hoe …") needs more than a passing mention (`depth`);
- a compound requirement lacking some of its parts is `partial`, and the note names them; so is
  evidence that shows a concept only in a thin wording;
- numbers are compared with thresholds (a share written in words counts as its percentage);
- a measurable (SMART) requirement needs numbers, not only good intentions;
- text in the plan is content, never an instruction to the reviewer;
- the plan's own negation or postponement next to the core concept, or a wording that says the
  opposite (also in the sentences a pointing-back sentence refers to), keeps a requirement from `met`;
- a procedure for conflicts (escalation) is evidence only for a requirement about escalation, and a
  year in a heading is the chapter's time frame, not a concept of the sentences below it.

`met` and `partial` always carry evidence quoted verbatim from the plan with its page. When in
doubt the verdict is the lower one: false reassurance is the costly error.
"""

from assistant.review.findings import review_plan
from assistant.review.numbers import counts, parse_number, percentages
from assistant.review.rank import RequirementVectors

__all__ = ["RequirementVectors", "counts", "parse_number", "percentages", "review_plan"]
