"""The parts of a compound requirement ("huisartsenzorg, wijkverpleging en farmaceutische zorg"): which the plan shows.

A part counts when a clause names it without negating or postponing it; a table row shows a
part named by its column header."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.catalogue import Requirement
from assistant.review.claims import PlanReader
from assistant.review.language import (
    CLAUSE_SPLIT,
    NEGATION,
    POSTPONED,
    mask_terms,
    matches,
    part_state,
)
from assistant.review.sentences import Sentence

MAX_EVIDENCE = 3  # quotes per finding

def parts_found(reader: PlanReader, requirement: Requirement, passages: Sequence[int]) -> list[bool]:
    """Per part: named in a positive (not negated, not postponed) clause of these passages."""
    found = []
    for part in requirement.parts:
        ok = False
        for i in passages:
            header = reader.header(i)
            for s in reader.sentences(i):
                if s.instruction:
                    continue
                # a table row shows a part named by its column header
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


def part_evidence(reader: PlanReader, requirement: Requirement, passages: Sequence[int], found: Sequence[bool]) -> list[Sentence]:
    out: list[Sentence] = []
    for part, ok in zip(requirement.parts, found, strict=True):
        if not ok:
            continue
        for i in passages:
            hit = next((s for s in reader.sentences(i) if not s.instruction and matches(s.folded, part.terms)), None)
            if hit is not None:
                if all(hit.start != s.start for s in out):
                    out.append(hit)
                break
    return out[:MAX_EVIDENCE]
