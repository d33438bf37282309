"""The Dutch notes of the findings."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.catalogue import Requirement
from assistant.plan import Plan
from assistant.review.sentences import Claim, Sentence

def fmt_number(value: float | None) -> str:
    if value is None:
        return "?"
    if value == float("inf"):
        return "alle"
    return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}".replace(".", ",")


def shorten(text: str, limit: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"


def absent_note(requirement: Requirement) -> str:
    return "Niet gevonden in het plan."


def negated_note(requirement: Requirement, claim: Claim) -> str:
    return "Ontbreekt volgens het plan." if claim.negated else "Uitgesteld of alleen voorgenomen in het plan."


def met_note(requirement: Requirement, plan: Plan, evidence: Sequence[Sentence]) -> str:
    bits = []
    if requirement.parts:
        bits.append("alle onderdelen genoemd (" + ", ".join(p.name for p in requirement.parts) + ")")
    for rule in requirement.numbers:
        bits.append(f"{rule.what} voldoet aan de grens")
    if requirement.smart:
        bits.append("doelen meetbaar geformuleerd")
    if requirement.postcode:
        bits.append("werkgebied op postcodeniveau")
    pages = sorted({plan.page_at(s.start) for s in evidence if plan.page_at(s.start)})
    where = f" (p. {', '.join(map(str, pages))})" if pages else ""
    return ("Voldaan: " + "; ".join(bits) + where + ".") if bits else f"Voldaan: beschreven in het plan{where}."

