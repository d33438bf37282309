"""The years a requirement speaks about (2027, 2028, the period after 2030): does the evidence cover them?"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.catalogue import Requirement
from assistant.review.claims import PlanReader
from assistant.review.language import LONG_TERM
from assistant.review.numbers import YEAR, mentions_year
from assistant.review.sentences import Sentence
from assistant.text import fold


def years_missing(reader: PlanReader, requirement: Requirement, claims: Sequence[Sentence]) -> list[str]:
    """Required years (or the period after a year) that the evidence does not speak about."""
    headings = {fold(" ".join([*reader.plan.passages[s.passage].section, reader.plan.passages[s.passage].lead_in or ""])) for s in claims}
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
