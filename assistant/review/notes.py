"""The Dutch notes of the findings."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.catalogue import Requirement
from assistant.review.faithful import is_faithful
from assistant.review.sentences import Claim


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


def met_note(requirement: Requirement, quotes: Sequence[str], pages: Sequence[int]) -> str:
    """'Voldaan: …' naming only what the quoted evidence itself shows."""
    bits = []
    if requirement.parts:
        bits.append("alle onderdelen genoemd (" + ", ".join(p.name for p in requirement.parts) + ")")
    for rule in requirement.numbers:
        bits.append(f"{rule.what} voldoet aan de grens")
    if requirement.smart:
        bits.append("doelen meetbaar geformuleerd")
    if requirement.postcode:
        bits.append("werkgebied op postcodeniveau")
    shown = [bit for bit in bits if is_faithful(bit, quotes, requirement)]
    where = f" (p. {', '.join(map(str, pages))})" if pages else ""
    return ("Voldaan: " + "; ".join(shown) + where + ".") if shown else f"Voldaan: beschreven in het plan{where}."


LOWERED = {
    "uncertain": {
        "partial": "Deels: de passages hieronder gaan over deze eis, maar de beoordeling is niet zeker genoeg om voldaan te "
                   "zeggen; lees ze na.",
    },
    "gates": {
        "partial": "Deels: het plan beschrijft dit, maar het jaar of de omvang die de eis noemt staat niet bij de gevonden passages.",
    },
    "qualified": {
        "partial": "Deels: de gevonden passage zegt het niet zonder voorbehoud (ontkend, beperkt, uitgesteld of alleen "
                   "voorgenomen) of is geen volzin; lees haar na.",
    },
    "model": {
        "partial": "Deels: het taalmodel dat de passages hieronder las, vond de eis er niet volledig in; lees ze na.",
    },
    "language": {
        "partial": "Deels: de gevonden passage is niet in het Nederlands geschreven; de beoordeling leest Nederlandse tekst en "
                   "zegt daarom niet voldaan. Lees de passage na.",
    },
}


def lowered_note(status: str, reason: str, document_statement: str) -> str:
    """Why the verdict is lower than the reading rules found."""
    if reason == "document":
        return "Deels: het onderwerp komt in het document voor, maar het is niet beoordeeld als voldaan. " + document_statement
    return LOWERED.get(reason, {}).get(status) or fallback_note(status)


def fallback_note(status: str) -> str:
    """A note that claims nothing beyond the status."""
    return {"met": "Voldaan: beschreven in het plan.", "partial": "Deels: het plan beschrijft dit niet volledig.",
            "missing": "Niet voldaan."}[status]
