"""The reading rules' verdict on one requirement: the claims of the plan's passages, weighed.

The claims come from `claims`; what a compound requirement's parts, thresholds, years, measurable
goals and postcodes need is read by one module each (`parts`, `thresholds`, `years`,
`measurable`, `postcode`). This module weighs them: present, partly present, or absent,
negated, postponed, only intended or the opposite.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant.catalogue import Requirement
from assistant.plan import Plan
from assistant.review.claims import Candidate, PlanReader
from assistant.review.language import (
    explicitly_absent,
    groups_of,
    negated_near_core,
)
from assistant.review.measurable import asks_measurable, measurable
from assistant.review.notes import absent_note, negated_note, shorten
from assistant.review.parts import part_evidence, parts_found
from assistant.review.postcode import postcode_given
from assistant.review.rank import Ranker
from assistant.review.sentences import Claim, Sentence
from assistant.review.terms import TermIndex
from assistant.review.thresholds import number_check
from assistant.review.years import years_missing

NEARBY_PASSAGES = 2
NEARBY_SENTENCES = 6


@dataclass
class Judgement:
    """The reading rules' finding for one requirement."""

    status: str
    note: str
    evidence: list[Sentence] = field(default_factory=list)
    against: bool = False  # the plan says it is absent, postponed, only intended, or the opposite
    nearby: list[Sentence] = field(default_factory=list)  # sentences of the passages ranked first for it


class Checker:
    """Judges requirements against one plan."""

    def __init__(self, plan: Plan, index: TermIndex, ranker: Ranker) -> None:
        self.plan = plan
        self.reader = PlanReader(plan, index)
        self.ranker = ranker

    def check(self, requirement: Requirement, vector: np.ndarray | None) -> Judgement:
        index = self.reader.index
        groups = groups_of(requirement)
        part_terms = [t for part in requirement.parts for t in part.terms]
        pool = index.any_of(list(groups[0]) if groups else part_terms)
        pool = [i for i in pool if self.reader.allowed(requirement, i)]
        if not pool:
            return Judgement("missing", absent_note(requirement))
        relevance = self.ranker.scores(requirement, vector)
        judgement = self._check(requirement, pool, relevance, groups)
        top = [int(i) for i in np.argsort(-relevance, kind="stable")[:NEARBY_PASSAGES] if relevance[i] > 0]
        judgement.nearby = [s for i in top for s in self.reader.sentences(i) if not s.instruction][:NEARBY_SENTENCES]
        return judgement

    def _check(self, requirement: Requirement, pool: Sequence[int], relevance: np.ndarray, groups: list) -> Judgement:
        """The rules' verdict from the claims of the passages in `pool`."""
        full, negative, tentative = [], [], []
        for i in pool:
            claims = self.reader.claims(requirement, i)
            if not claims:
                continue
            score = 3 * float(relevance[i]) + 0.5 * self.plan.affinity[i][requirement.bouwsteen - 1]
            complete = [c for c in claims if c.complete]
            positives = [c for c in complete if c.positive]
            if any(c.negated and c.core and c.complete for c in claims):
                # 'Een escalatieladder … wordt in 2027 uitgewerkt' outweighs sentences that owe the concept to the heading
                positives = [c for c in positives if c.core]
            if positives:
                score += max(c.matched for c in positives) / 4
                full.append(Candidate(score, i, positives))
            maybes = [c for c in complete if c.state == "tentative"]
            if maybes and not positives:
                tentative.append(Candidate(score + max(c.matched for c in maybes) / 4, i, maybes))
            negatives = [c for c in claims if not c.positive and c.core]
            if negatives and not positives:
                negatives.sort(key=lambda c: (not c.complete, -c.matched))
                negative.append(Candidate(score + max(c.matched for c in negatives) / 4, i, negatives))
        for candidates in (full, negative, tentative):
            candidates.sort(key=lambda c: -c.score)

        if not groups:
            return self._parts_only(requirement, full, negative)
        if full:
            return self._judge_present(requirement, full, negative, tentative)
        if tentative:
            claim = tentative[0].claims[0]
            if requirement.smart and asks_measurable(requirement):
                vague = measurable(self.reader, requirement, [c.passage for c in tentative[:8]])
                if vague and not vague[1]:  # wishes without a single measurable target are no SMART goals
                    return Judgement("missing", "Niet voldaan: " + vague[0] + ".", [claim.sentence], against=True)
            return Judgement("partial", "Deels: alleen als voornemen of verkenning beschreven.", [claim.sentence], against=True)
        if negative:
            claim = negative[0].claims[0]
            return Judgement("missing", negated_note(requirement, claim), [claim.sentence], against=True)
        return Judgement("missing", absent_note(requirement))

    # -- verdicts

    def _judge_present(self, requirement: Requirement, full: list[Candidate], negative: list[Candidate],
                       tentative: list[Candidate]) -> Judgement:
        b = requirement.bouwsteen - 1
        best_score = full[0].score
        evidence = _best_claims(full)
        shortfalls: list[str] = []
        fatal: list[str] = []  # a shortfall that leaves the requirement unmet
        related = [c.passage for c in full[:8] if c.score >= 0.5 * best_score]
        if all(c.thin for candidate in full for c in candidate.claims):
            shortfalls.append("alleen in algemene termen beschreven")
        if requirement.parts:
            found = parts_found(self.reader, requirement, related)
            absent = [p.name for p, ok in zip(requirement.parts, found, strict=True) if not ok]
            if absent and len(absent) == len(requirement.parts):
                fatal.append("geen van de onderdelen (" + ", ".join(absent) + ") uitgewerkt")
            elif absent:
                shortfalls.append("ontbreekt: " + ", ".join(absent))
        for rule in requirement.numbers:
            number = number_check(self.reader, requirement, rule)
            if number.shortfall:
                (shortfalls if number.found else fatal).append(number.shortfall)
            if number.sentence is not None:  # the sentence that gives the number is evidence, met or not
                evidence = [number.sentence] + [s for s in evidence if s.start != number.sentence.start]
        if requirement.years:
            claim_sentences = [c.sentence for candidate in full for c in candidate.claims]  # a year may be told anywhere in the plan
            missing_years = years_missing(self.reader, requirement, claim_sentences)
            if missing_years:
                long_term = [y for y in missing_years if y.startswith("de periode")]
                (fatal if long_term else shortfalls).append("geen uitwerking voor " + ", ".join(missing_years))
        if requirement.depth > 1:
            support = {
                c.sentence.start: len(c.sentence.folded.split()) for candidate in full[:8] for c in candidate.claims
                if not requirement.years or len(years_missing(self.reader, requirement, [c.sentence])) < len(requirement.years)
            }
            if sum(support.values()) < 12 * requirement.depth:
                shortfalls.append("alleen kort genoemd, niet uitgewerkt")
        if requirement.smart:
            verdict = measurable(self.reader, requirement, related)
            if verdict:
                unmet = not verdict[1] and asks_measurable(requirement)
                (fatal if unmet else shortfalls).append(verdict[0])
        if requirement.postcode and not postcode_given(self.reader, related):
            fatal.append("werkgebied niet op postcodeniveau afgebakend")
        best_matched = max(c.matched for c in full[0].claims)

        def outweighs(score: float, claim: Claim) -> bool:
            # as strong as the best evidence, or nearly so and saying next to the core's own words that it is
            # missing or postponed (a table row whose last cell says the thing is still to come)
            return (score >= best_score and claim.matched >= best_matched or score >= 0.7 * best_score and claim.matched > best_matched
                    or score >= 0.85 * best_score and claim.core and negated_near_core(claim.sentence.folded, requirement))

        conflict = [
            n for n in negative
            if n.claims[0].complete and outweighs(n.score, n.claims[0])
            and self.plan.affinity[n.passage][b] >= 0.5 and explicitly_absent(n.claims[0].sentence.folded, requirement)
        ]
        # the plan also says it is missing or postponed, or what it lays down is the opposite of what is asked
        # (a weighted vote where an equal one is)
        opposite = [c for candidate in full for c in candidate.claims if c.contrary and c.core]
        against = conflict[0].claims[0] if conflict and not fatal else opposite[0] if opposite else None
        if against is not None:
            shortfalls.append(f"het plan zegt ook: „{shorten(self.plan.text[against.sentence.start:against.sentence.end])}”")
            evidence = evidence[:2] + [against.sentence]
        hedged = [
            n for n in tentative
            if n.claims[0].core and n.score >= best_score and n.claims[0].matched >= best_matched and self.plan.affinity[n.passage][b] >= 0.5
        ]
        if hedged and not conflict and not fatal:
            # the plan's own best statement of it is an intention: 'we streven ernaar … te starten'
            claim = hedged[0].claims[0]
            shortfalls.append(f"elders alleen als voornemen: „{shorten(self.plan.text[claim.sentence.start:claim.sentence.end])}”")
            evidence = evidence[:2] + [claim.sentence]
        said_against = against is not None or bool(hedged and not conflict and not fatal)
        if fatal:
            return Judgement("missing", "Niet voldaan: " + "; ".join(fatal + shortfalls) + ".", evidence, against=said_against)
        if shortfalls:
            return Judgement("partial", "Deels: " + "; ".join(shortfalls) + ".", evidence, against=said_against)
        return Judgement("met", "Voldaan.", evidence)  # the final note is written from the quotes (findings)

    def _parts_only(self, requirement: Requirement, full: list[Candidate], negative: list[Candidate]) -> Judgement:
        if not full:
            if negative:
                claim = negative[0].claims[0]
                return Judgement("missing", negated_note(requirement, claim), [claim.sentence], against=True)
            return Judgement("missing", absent_note(requirement))
        best_score = full[0].score
        b = requirement.bouwsteen - 1
        related = [c.passage for c in full[:10] if c.score >= 0.4 * best_score and self.plan.affinity[c.passage][b] >= 0.5] or [full[0].passage]
        found = parts_found(self.reader, requirement, related)
        present = [p.name for p, ok in zip(requirement.parts, found, strict=True) if ok]
        absent = [p.name for p, ok in zip(requirement.parts, found, strict=True) if not ok]
        evidence = part_evidence(self.reader, requirement, related, found)
        if not present or not evidence:
            return Judgement("missing", absent_note(requirement))
        if absent:
            return Judgement("partial", f"Deels: wel {', '.join(present)}; ontbreekt: {', '.join(absent)}.", evidence)
        return Judgement("met", f"Gevonden: {', '.join(present)}.", evidence)

def _best_claims(full: Sequence[Candidate]) -> list[Sentence]:
    """The best claim of each of the first candidates, two at most, no sentence twice."""
    out: list[Sentence] = []
    for candidate in full:
        claim = candidate.best
        if all(claim.sentence.start != s.start for s in out):
            out.append(claim.sentence)
        if len(out) >= 2:
            break
    return out
