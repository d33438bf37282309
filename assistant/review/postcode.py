"""A work area given on postcode level: postcodes or postcode ranges, not negated."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.review.claims import PlanReader
from assistant.review.language import CLAUSE_SPLIT, POSTCODE


def postcode_given(reader: PlanReader, passages: Sequence[int]) -> bool:
    for i in passages:
        for s in reader.sentences(i):
            m = POSTCODE.search(s.folded)
            if not m:
                continue
            if m.group(1) and not (1000 <= int(m.group(1)) <= 9999 and not (1990 <= int(m.group(1)) <= 2100)):
                continue
            clause = next((c for c in CLAUSE_SPLIT.split(s.folded) if POSTCODE.search(c)), s.folded)
            if not re.search(r"\b(?:niet|geen|ontbre\w*)\b", clause):
                return True
    return False
