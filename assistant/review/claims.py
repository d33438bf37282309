"""What a plan's sentences claim about a requirement, read once per plan.

`PlanReader` holds the plan, its term index and the sentences of its passages (cut once); its
`claims` are the sentences of a passage that speak about a requirement, with what they say
(positive, tentative or negative) and how much of it they show. A `Candidate` is one passage
with its claims and the score it was ranked by.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from assistant.catalogue import Requirement
from assistant.plan import Plan
from assistant.review.language import (
    ANAPHOR,
    REFERS_BACK,
    about_escalation,
    clause_state,
    groups_of,
    matches,
    says_contrary,
    specific_heading,
    states_nothing,
)
from assistant.review.numbers import YEAR
from assistant.review.sentences import Claim, Sentence, sentences_of
from assistant.review.terms import TermIndex
from assistant.text import fold

SCOPE_AFFINITY = 0.5  # a passage belongs to a bouwsteen's part of the plan from this affinity on


@dataclass(frozen=True)
class Candidate:
    """A passage offered as evidence for a requirement: its ranking score and the claims it makes."""

    score: float
    passage: int
    claims: list[Claim]

    @property
    def best(self) -> Claim:
        """The claim that shows most of the requirement."""
        return max(self.claims, key=lambda c: c.matched)


class PlanReader:
    """One plan as the reading rules see it: passages, their sentences and surroundings, and a term index."""

    def __init__(self, plan: Plan, index: TermIndex) -> None:
        self.plan = plan
        self.index = index
        self._sentences: dict[int, list[Sentence]] = {}
        self._around: dict[int, tuple[str, str]] = {}

    def sentences(self, i: int) -> list[Sentence]:
        """The sentences of passage `i` (table cells cut per line), cut once."""
        return sentences_of(self.plan, i, self._sentences)

    def surroundings(self, i: int) -> tuple[str, str]:
        """Folded headings and lead-in around passage `i`, and the part of them that may carry a core concept:
        a short heading of the passage's own, or a table header."""
        if i not in self._around:
            p = self.plan.passages[i]
            own = p.section[-1] if p.section else ""
            self._around[i] = (
                fold(" ".join([*p.section[-2:], p.lead_in or ""])),
                fold(" ".join(([own] if len(own.split()) <= 5 else []) + ([p.lead_in] if p.kind == "table_row" and p.lead_in else []))),
            )
        return self._around[i]

    def header(self, i: int) -> str:
        """The folded column header above table row `i`, else ''."""
        p = self.plan.passages[i]
        return fold(p.lead_in) if p.kind == "table_row" and p.lead_in else ""

    def allowed(self, requirement: Requirement, i: int) -> bool:
        """Whether passage `i` may be evidence: a requirement scoped to its bouwsteen only looks there."""
        if requirement.scope == "bouwsteen":
            return self.plan.affinity[i][requirement.bouwsteen - 1] >= SCOPE_AFFINITY
        return True

    def claims(self, requirement: Requirement, i: int) -> list[Claim]:
        """Sentences of passage `i` that speak about the requirement, with what they say.

        A claim is complete when every concept group is present in the sentence (with the
        anaphoric sentence after it) or in the headings and lead-in above it; it carries the
        core when the first group is in the sentence itself.
        """
        sentences = [s for s in self.sentences(i) if not s.instruction]
        groups = groups_of(requirement)
        p = self.plan.passages[i]
        around, heading = self.surroundings(i)
        core = groups[0] if groups else tuple(t for part in requirement.parts for t in part.terms)
        all_terms = requirement.all_terms
        out = []
        titled = specific_heading(heading, core)
        for n, sentence in enumerate(sentences):
            if not (titled or matches(sentence.folded, all_terms)) or about_escalation(sentence.folded, requirement):
                continue
            if states_nothing(sentence.folded):
                continue
            text = sentence.folded
            if n + 1 < len(sentences) and not sentences[n + 1].window and (len(text.split()) <= 5 or ANAPHOR.match(sentences[n + 1].folded)):
                text = f"{text} {sentences[n + 1].folded}"
                if len(sentence.folded.split()) <= 5:  # a heading-like opening ('Begroting.') says nothing without the sentence it opens
                    sentence = replace(sentence, end=sentences[n + 1].end, folded=text)
            state = clause_state(text, requirement)
            # 'We nodigen hen uit …': the pronoun stands for what the sentence before named
            before = sentences[n - 1].folded if n and not sentence.window and REFERS_BACK.search(sentence.folded) else ""
            in_sentence = matches(text, core) or (matches(before, core) and any(matches(text, g) for g in groups[1:]))
            # a year in a heading is the chapter's time frame, not a goal the sentence sets
            scope = f"{YEAR.sub(' ', heading if not in_sentence else around)} {before} {text} {sentence.window}"
            have = [matches(scope, g) for g in groups]
            matched = sum(matches(text, g) for g in groups) + sum(matches(text, part.terms) for part in requirement.parts)
            # a core concept carried only by the heading: a table row under its header, a short specific
            # heading naming the requirement's subject, or any heading when the sentence has another concept
            by_heading = not in_sentence and matches(heading, core) and (
                p.kind == "table_row" or titled or any(matches(text, g) for g in groups[1:])
            )
            thin = any(not matches(scope, strict) for strict in requirement.concepts)
            # 'Deze verdeling is vastgelegd in de samenwerkingsovereenkomst' lays down what the sentences before say
            pointed = " ".join(s.folded for s in sentences[max(0, n - 2):n]) if not sentence.window and ANAPHOR.match(sentence.folded) else ""
            contrary = says_contrary(f"{pointed} {before} {text}", requirement)
            out.append(Claim(sentence, state, matched, complete=all(have) and (in_sentence or by_heading), core=in_sentence, thin=thin,
                             contrary=contrary))
        return out
