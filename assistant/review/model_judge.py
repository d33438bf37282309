"""An optional second opinion on a review's verdicts from a language model (`RESV_LLM_REVIEW`).

The model reads one requirement and the plan passages the reading rules quoted for it (as data
between delimiters, never as instructions) and answers with a verdict and a quote. Its opinion
counts only when the quote stands verbatim in the plan; then it may

- lower a `met` to `partial` (the costly error is a false `met`), and
- raise a `partial` the fitted judge doubted ("waarschijnlijk voldaan") to `met`, only when its
  quote is one of the passages the rules found for this requirement: an instruction written into
  a plan is no evidence of anything, so it cannot raise a verdict.

Anything else, or a model that fails, leaves the verdict as the rules and the judge gave it.
"""

from __future__ import annotations

import json
import logging
import re

from assistant.budget import Budget
from assistant.catalogue import Requirement
from assistant.llm import LanguageModel, LanguageModelError, load_prompt
from assistant.models import Finding
from assistant.review.judge import MIN_STATEMENT_WORDS
from assistant.review.notes import lowered_note, met_note
from assistant.text import collapse, words

log = logging.getLogger("assistant.review")
PROMPT = "judge"
VERDICTS = {"voldaan": "met", "deels": "partial", "ontbreekt": "missing"}
_OBJECT = re.compile(r"\{.*?\}", re.DOTALL)


class ModelJudge:
    """Asks the model about each finding it could change, and applies what a verbatim quote supports."""

    def __init__(self, model: LanguageModel) -> None:
        self.model = model

    def revise(self, plan_text: str, requirement: Requirement, finding: Finding, budget: Budget) -> Finding:
        """`finding`, lowered or raised as the model's quoted opinion allows; unchanged otherwise."""
        doubted = finding.status == "partial" and finding.lowered == "uncertain"
        if not finding.evidence or not (finding.status == "met" or doubted):
            return finding
        budget.check()
        opinion = self._ask(requirement, finding)
        if opinion is None:
            return finding.model_copy(update={"model_opinion": "void"})
        verdict, quote = opinion
        if quote and collapse(quote) not in collapse(plan_text):
            return finding.model_copy(update={"model_opinion": "void"})  # a quote the plan does not hold voids the verdict
        if finding.status == "met" and verdict != "met":
            return finding.model_copy(update={"status": "partial", "lowered": "model", "model_opinion": "lowered",
                                              "note": lowered_note("partial", "model", "")})
        evidence = [e.quote for e in finding.evidence]
        if doubted and verdict == "met" and len(words(quote)) >= MIN_STATEMENT_WORDS and any(collapse(quote) in collapse(e) for e in evidence):
            pages = sorted({e.page for e in finding.evidence if e.page})
            return finding.model_copy(update={"status": "met", "lowered": None, "model_opinion": "raised",
                                              "note": met_note(requirement, evidence, pages)})
        return finding.model_copy(update={"model_opinion": "kept"})

    def _ask(self, requirement: Requirement, finding: Finding) -> tuple[str, str] | None:
        """The model's verdict ('met', 'partial', 'missing') and quote, or None when it gave no usable answer."""
        passages = {n: e.quote for n, e in enumerate(finding.evidence, start=1)}
        messages = load_prompt(PROMPT).messages(requirement.requirement, "Nederlands", passages)
        try:
            text = "".join(piece for piece in self.model.stream(messages) if isinstance(piece, str))
        except LanguageModelError as exc:
            log.warning("Taalmodel als beoordelaar: %s.", exc.reason)
            return None
        for candidate in _OBJECT.findall(text):
            try:
                data = json.loads(candidate)
            except ValueError:
                continue
            verdict = VERDICTS.get(str(data.get("oordeel", "")).strip().lower()) if isinstance(data, dict) else None
            if verdict is not None:
                return verdict, str(data.get("citaat") or "")
        return None
