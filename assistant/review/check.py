"""Judging one requirement against one plan: the claims its sentences make, then the verdict."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant.catalogue import NumberRule, Requirement
from assistant.plan import Plan, term_pattern
from assistant.review.language import (
    ANAPHOR,
    CHANGE_WORDS,
    CLAUSE_SPLIT,
    GOAL_COLUMNS,
    INTENDED_GOAL,
    LONG_TERM,
    NEGATION,
    POSTCODE,
    POSTPONED,
    REFERS_BACK,
    about_escalation,
    clause_state,
    explicitly_absent,
    groups_of,
    mask_terms,
    matches,
    negated_near_core,
    part_state,
    says_contrary,
    specific_heading,
)
from assistant.review.notes import absent_note, fmt_number, negated_note, shorten
from assistant.review.numbers import ALL, YEAR, count_items, counts, measurable_quantities, mentions_year, percentages
from assistant.review.rank import Ranker
from assistant.review.sentences import Claim, Sentence, sentences_of
from assistant.text import fold

MAX_EVIDENCE = 3
# A requirement that asks for measurability itself ('SMART geformuleerd', 'meetbare effecten'), not
# only for goals that are best made measurable.
MEASURABLE_ASKED = re.compile(r"\bsmart\b|\bmeetba")
SCOPE_AFFINITY = 0.5
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


@dataclass(frozen=True)
class NumberCheck:
    """What the plan says about a number the requirement sets a threshold for."""

    shortfall: str | None  # None when the number meets the threshold
    sentence: Sentence | None  # the sentence that gives the number
    found: bool  # a number was found at all


class Checker:
    """Judges requirements against one plan."""

    def __init__(self, plan: Plan, ranker: Ranker) -> None:
        self.plan = plan
        self.ranker = ranker
        self.sentences: dict[int, list[Sentence]] = {}
        self._around: dict[int, tuple[str, str]] = {}

    # -- candidates

    def _surroundings(self, i: int) -> tuple[str, str]:
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

    def _header(self, i: int) -> str:
        """The folded column header above table row `i`, else ''."""
        p = self.plan.passages[i]
        return fold(p.lead_in) if p.kind == "table_row" and p.lead_in else ""

    def _allowed(self, requirement: Requirement, i: int) -> bool:
        if requirement.scope == "bouwsteen":
            return self.plan.affinity[i][requirement.bouwsteen - 1] >= SCOPE_AFFINITY
        return True

    def check(self, requirement: Requirement, vector: np.ndarray | None) -> Judgement:
        index = self.plan.index
        assert index is not None
        groups = groups_of(requirement)
        part_terms = [t for part in requirement.parts for t in part.terms]
        pool = index.any_of(list(groups[0]) if groups else part_terms)
        pool = [i for i in pool if self._allowed(requirement, i)]
        if not pool:
            return Judgement("missing", absent_note(requirement))
        relevance = self.ranker.scores(requirement, vector)
        judgement = self._check(requirement, pool, relevance, groups)
        top = [int(i) for i in np.argsort(-relevance, kind="stable")[:NEARBY_PASSAGES] if relevance[i] > 0]
        judgement.nearby = [s for i in top for s in sentences_of(self.plan, i, self.sentences) if not s.instruction][:NEARBY_SENTENCES]
        return judgement

    def _check(self, requirement: Requirement, pool: Sequence[int], relevance: np.ndarray, groups: list) -> Judgement:
        """The rules' verdict from the claims of the passages in `pool`."""
        full, negative, tentative = [], [], []
        for i in pool:
            claims = self._claims(requirement, i)
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
                full.append((score, i, positives))
            maybes = [c for c in complete if c.state == "tentative"]
            if maybes and not positives:
                tentative.append((score + max(c.matched for c in maybes) / 4, i, maybes))
            negatives = [c for c in claims if not c.positive and c.core]
            if negatives and not positives:
                negatives.sort(key=lambda c: (not c.complete, -c.matched))
                negative.append((score + max(c.matched for c in negatives) / 4, i, negatives))
        full.sort(key=lambda x: -x[0])
        negative.sort(key=lambda x: -x[0])
        tentative.sort(key=lambda x: -x[0])

        if not groups:
            return self._parts_only(requirement, full, negative)
        if full:
            return self._judge_present(requirement, full, negative, tentative)
        if tentative:
            tentative.sort(key=lambda x: -x[0])
            claim = tentative[0][2][0]
            if requirement.smart and MEASURABLE_ASKED.search(fold(requirement.requirement)):
                vague = self._smart(requirement, [i for _, i, _ in tentative[:8]])
                if vague and not vague[1]:  # wishes without a single measurable target are no SMART goals
                    return Judgement("missing", "Niet voldaan: " + vague[0] + ".", [claim.sentence], against=True)
            return Judgement("partial", "Deels: alleen als voornemen of verkenning beschreven.", [claim.sentence], against=True)
        if negative:
            claim = negative[0][2][0]
            return Judgement("missing", negated_note(requirement, claim), [claim.sentence], against=True)
        return Judgement("missing", absent_note(requirement))

    def _claims(self, requirement: Requirement, i: int) -> list[Claim]:
        """Sentences of passage `i` that speak about the requirement, with what they say.

        A claim is complete when every concept group is present in the sentence (with the
        anaphoric sentence after it) or in the headings and lead-in above it; it carries the
        core when the first group is in the sentence itself.
        """
        sentences = [s for s in sentences_of(self.plan, i, self.sentences) if not s.instruction]
        groups = groups_of(requirement)
        p = self.plan.passages[i]
        around, heading = self._surroundings(i)
        core = groups[0] if groups else tuple(t for part in requirement.parts for t in part.terms)
        all_terms = requirement.all_terms
        out = []
        titled = specific_heading(heading, core)
        for n, sentence in enumerate(sentences):
            if not (titled or matches(sentence.folded, all_terms)) or about_escalation(sentence.folded, requirement):
                continue
            text = sentence.folded
            if n + 1 < len(sentences) and not sentences[n + 1].window and (len(text.split()) <= 5 or ANAPHOR.match(sentences[n + 1].folded)):
                text = f"{text} {sentences[n + 1].folded}"
            state = clause_state(text, requirement)
            # 'We nodigen hen uit …': the pronoun stands for what the sentence before named
            before = sentences[n - 1].folded if n and not sentence.window and REFERS_BACK.search(sentence.folded) else ""
            in_sentence = matches(text, core) or (matches(before, core) and any(matches(text, g) for g in groups[1:]))
            # a year in a heading ('Op weg naar 2030') is the chapter's time frame, not a goal the sentence sets
            scope = f"{YEAR.sub(' ', heading if not in_sentence else around)} {before} {text} {sentence.window}"
            have = [matches(scope, g) for g in groups]
            matched = sum(matches(text, g) for g in groups) + sum(matches(text, part.terms) for part in requirement.parts)
            # a core concept carried only by the heading: a table row under its header, a short specific
            # heading ('Ons werkgebied', 'Escalatieladder'), or any heading when the sentence has another concept
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

    # -- verdicts

    def _judge_present(self, requirement: Requirement, full: list, negative: list, tentative: list) -> Judgement:
        b = requirement.bouwsteen - 1
        best_score = full[0][0]
        evidence = _best_claims(full)
        shortfalls: list[str] = []
        fatal: list[str] = []  # a shortfall that leaves the requirement unmet
        related = [i for score, i, _ in full[:8] if score >= 0.5 * best_score]
        if all(c.thin for _, _, positives in full for c in positives):
            shortfalls.append("alleen in algemene termen beschreven")
        if requirement.parts:
            found = self._parts_found(requirement, related)
            absent = [p.name for p, ok in zip(requirement.parts, found, strict=True) if not ok]
            if absent and len(absent) == len(requirement.parts):
                fatal.append("geen van de onderdelen (" + ", ".join(absent) + ") uitgewerkt")
            elif absent:
                shortfalls.append("ontbreekt: " + ", ".join(absent))
        for rule in requirement.numbers:
            number = self._number(requirement, rule)
            if number.shortfall:
                (shortfalls if number.found else fatal).append(number.shortfall)
            if number.sentence is not None:  # the sentence that gives the number is evidence, met or not
                evidence = [number.sentence] + [s for s in evidence if s.start != number.sentence.start]
        if requirement.years:
            claim_sentences = [c.sentence for _, _, positives in full for c in positives]  # a year may be told anywhere in the plan
            missing_years = self._years_missing(requirement, claim_sentences)
            if missing_years:
                long_term = [y for y in missing_years if y.startswith("de periode")]
                (fatal if long_term else shortfalls).append("geen uitwerking voor " + ", ".join(missing_years))
        if requirement.depth > 1:
            support = {
                c.sentence.start: len(c.sentence.folded.split()) for _, _, positives in full[:8] for c in positives
                if not requirement.years or len(self._years_missing(requirement, [c.sentence])) < len(requirement.years)
            }
            if sum(support.values()) < 12 * requirement.depth:
                shortfalls.append("alleen kort genoemd, niet uitgewerkt")
        if requirement.smart:
            verdict = self._smart(requirement, related)
            if verdict:
                unmet = not verdict[1] and MEASURABLE_ASKED.search(fold(requirement.requirement))
                (fatal if unmet else shortfalls).append(verdict[0])
        if requirement.postcode and not self._postcode(related):
            fatal.append("werkgebied niet op postcodeniveau afgebakend")
        best_matched = max(c.matched for c in full[0][2])

        def outweighs(score: float, claim: Claim) -> bool:
            # as strong as the best evidence, or nearly so and saying next to the core's own words that it is
            # missing or postponed ('| Apothekerskring | … | mandaat wordt later uitgewerkt |')
            return (score >= best_score and claim.matched >= best_matched or score >= 0.7 * best_score and claim.matched > best_matched
                    or score >= 0.85 * best_score and claim.core and negated_near_core(claim.sentence.folded, requirement))

        conflict = [
            n for n in negative
            if n[2][0].complete and outweighs(n[0], n[2][0])
            and self.plan.affinity[n[1]][b] >= 0.5 and explicitly_absent(n[2][0].sentence.folded, requirement)
        ]
        # the plan also says it is missing or postponed, or what it lays down is the opposite of what is asked
        # (a weighted vote where an equal one is)
        opposite = [c for _, _, positives in full for c in positives if c.contrary and c.core]
        against = conflict[0][2][0] if conflict and not fatal else opposite[0] if opposite else None
        if against is not None:
            shortfalls.append(f"het plan zegt ook: „{shorten(self.plan.text[against.sentence.start:against.sentence.end])}”")
            evidence = evidence[:2] + [against.sentence]
        hedged = [
            n for n in tentative
            if n[2][0].core and n[0] >= best_score and n[2][0].matched >= best_matched and self.plan.affinity[n[1]][b] >= 0.5
        ]
        if hedged and not conflict and not fatal:
            # the plan's own best statement of it is an intention: 'we streven ernaar … te starten'
            claim = hedged[0][2][0]
            shortfalls.append(f"elders alleen als voornemen: „{shorten(self.plan.text[claim.sentence.start:claim.sentence.end])}”")
            evidence = evidence[:2] + [claim.sentence]
        said_against = against is not None or bool(hedged and not conflict and not fatal)
        if fatal:
            return Judgement("missing", "Niet voldaan: " + "; ".join(fatal + shortfalls) + ".", evidence, against=said_against)
        if shortfalls:
            return Judgement("partial", "Deels: " + "; ".join(shortfalls) + ".", evidence, against=said_against)
        return Judgement("met", "Voldaan.", evidence)  # the final note is written from the quotes (findings)

    def _parts_only(self, requirement: Requirement, full: list, negative: list) -> Judgement:
        if not full:
            if negative:
                claim = negative[0][2][0]
                return Judgement("missing", negated_note(requirement, claim), [claim.sentence], against=True)
            return Judgement("missing", absent_note(requirement))
        best_score = full[0][0]
        b = requirement.bouwsteen - 1
        related = [i for score, i, _ in full[:10] if score >= 0.4 * best_score and self.plan.affinity[i][b] >= 0.5] or [full[0][1]]
        found = self._parts_found(requirement, related)
        present = [p.name for p, ok in zip(requirement.parts, found, strict=True) if ok]
        absent = [p.name for p, ok in zip(requirement.parts, found, strict=True) if not ok]
        evidence = self._part_evidence(requirement, related, found)
        if not present or not evidence:
            return Judgement("missing", absent_note(requirement))
        if absent:
            return Judgement("partial", f"Deels: wel {', '.join(present)}; ontbreekt: {', '.join(absent)}.", evidence)
        return Judgement("met", f"Gevonden: {', '.join(present)}.", evidence)

    def _parts_found(self, requirement: Requirement, passages: Sequence[int]) -> list[bool]:
        """Per part: named in a positive (not negated, not postponed) clause of these passages."""
        found = []
        for part in requirement.parts:
            ok = False
            for i in passages:
                header = self._header(i)
                for s in sentences_of(self.plan, i, self.sentences):
                    if s.instruction:
                        continue
                    # a table row shows a part named by its column header ('Wat merkt de inwoner ervan')
                    clauses = [c for c in CLAUSE_SPLIT.split(s.folded) if matches(c, part.terms)]
                    if not clauses and matches(header, part.terms):
                        clauses = [s.folded]
                    if not clauses:
                        continue
                    if NEGATION.search(mask_terms(s.folded, requirement)) or POSTPONED.search(s.folded):
                        continue  # 'steunen het plan; een formeel besluit volgt na de zomer' shows the part only in part
                    if any(part_state(c, requirement, part.terms) == "positive" for c in clauses):
                        ok = True
                        break
                if ok:
                    break
            found.append(ok)
        return found

    def _part_evidence(self, requirement: Requirement, passages: Sequence[int], found: Sequence[bool]) -> list[Sentence]:
        out: list[Sentence] = []
        for part, ok in zip(requirement.parts, found, strict=True):
            if not ok:
                continue
            for i in passages:
                hit = next((s for s in sentences_of(self.plan, i, self.sentences) if not s.instruction and matches(s.folded, part.terms)), None)
                if hit is not None:
                    if all(hit.start != s.start for s in out):
                        out.append(hit)
                    break
        return out[:MAX_EVIDENCE]

    def _number(self, requirement: Requirement, rule: NumberRule) -> NumberCheck:
        """The plan's number for `rule`: the sentence that gives it, and the shortfall when it falls short."""
        index = self.plan.index
        assert index is not None
        if rule.money:
            amounts = [s for i in index.any_of(rule.terms) if self._allowed(requirement, i)
                       for s in sentences_of(self.plan, i, self.sentences) if re.search(r"€\s?\d|\d\s?(?:euro|eur)\b", s.folded)]
            if len(amounts) >= (rule.min_count or 1):
                return NumberCheck(None, amounts[0], True)
            if amounts:
                return NumberCheck("alleen een totaalbedrag, geen specificatie per post", amounts[0], True)
            return NumberCheck("geen bedragen genoemd", None, False)
        years = [int(y) for y in requirement.years if str(y).isdigit()]
        best: tuple[tuple, float, Sentence] | None = None
        values: list[tuple[float, Sentence, int]] = []
        for i in index.any_of(rule.terms):
            for s in sentences_of(self.plan, i, self.sentences):
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
                    found = self._counted(s.folded, rule)
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

    def _counted(self, folded: str, rule: NumberRule) -> list[tuple[float, int]]:
        out = [(v, at) for v, at in counts(folded) if v < 1000]
        if rule.count_terms:
            items = count_items(folded, rule.count_terms)
            if items:
                out.append((float(items), 0 if not out else out[0][1]))
        for m in ALL.finditer(folded):
            out.append((float("inf"), m.start()))
        return out

    def _years_missing(self, requirement: Requirement, claims: Sequence[Sentence]) -> list[str]:
        """Required years (or the period after a year) that the evidence does not speak about."""
        headings = {fold(" ".join([*self.plan.passages[s.passage].section, self.plan.passages[s.passage].lead_in or ""])) for s in claims}
        text = " ".join([s.folded for s in claims] + sorted(headings))
        missing = []
        for year in requirement.years:
            token = str(year)
            if token.startswith(">"):
                if not (LONG_TERM.search(text) or any(int(y) > int(token[1:]) for y in YEAR.findall(text))):
                    missing.append("de periode na " + token[1:])
            elif not mentions_year(text, int(token)):
                missing.append(token)
        return missing

    def _smart(self, requirement: Requirement, passages: Sequence[int]) -> tuple[str, bool] | None:
        """None when the goals are measurable; else what is vague about them, and whether some are measurable."""
        b = requirement.bouwsteen - 1
        sections = {self.plan.passages[i].section for i in passages}
        pool = set(passages) | {i for i, a in enumerate(self.plan.affinity) if a[b] >= 0.7}
        pool |= {i for i, q in enumerate(self.plan.passages) if q.section in sections}
        measurable = vague = 0
        for i in sorted(pool):
            context_head = fold(" ".join(self.plan.passages[i].section[-1:]) + " " + (self.plan.passages[i].lead_in or ""))
            # a table row is a goal under a goal heading or in a table with baseline and target columns
            table_goal = self.plan.passages[i].kind == "table_row" and (CHANGE_WORDS.search(context_head) or GOAL_COLUMNS.search(self._header(i)))
            for s in sentences_of(self.plan, i, self.sentences):
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

    def _postcode(self, passages: Sequence[int]) -> bool:
        for i in passages:
            for s in sentences_of(self.plan, i, self.sentences):
                m = POSTCODE.search(s.folded)
                if not m:
                    continue
                if m.group(1) and not (1000 <= int(m.group(1)) <= 9999 and not (1990 <= int(m.group(1)) <= 2100)):
                    continue
                clause = next((c for c in CLAUSE_SPLIT.split(s.folded) if POSTCODE.search(c)), s.folded)
                if not re.search(r"\b(?:niet|geen|ontbre\w*)\b", clause):
                    return True
        return False


def _best_claims(full: list) -> list[Sentence]:
    out: list[Sentence] = []
    for _, _, positives in full:
        claim = max(positives, key=lambda c: c.matched)
        if all(claim.sentence.start != s.start for s in out):
            out.append(claim.sentence)
        if len(out) >= 2:
            break
    return out

