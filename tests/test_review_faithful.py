"""A note never says more than its quotes: the check, and the notes the review writes."""

from __future__ import annotations

from assistant.review.faithful import unsupported
from assistant.review.notes import met_note


def _requirement(requirements, rid: str):  # noqa: ANN001, ANN202
    return next(r for r in requirements if r.id == rid)


def test_a_figure_must_stand_in_the_quote(catalogue) -> None:  # noqa: ANN001
    kernspelers = _requirement(catalogue, "zk-bs1-mandatering-kernspelers")
    note = "Deels: kernspelers: 60 % gevonden, minimaal 75 % vereist."
    assert unsupported(note, ["Van de huisartsen is 60 % aangesloten."], kernspelers) == []
    assert unsupported(note, ["Zes van de tien huisartsenpraktijken zijn aangesloten."], kernspelers) == []  # in words
    assert unsupported(note, ["De huisartsen zijn aangesloten."], kernspelers) == ["60"]


def test_a_quoted_fragment_must_stand_in_the_quote(catalogue) -> None:  # noqa: ANN001
    ladder = _requirement(catalogue, "hr-bs5-escalatieladder")
    note = "Deels: het plan zegt ook: „De escalatieladder ontbreekt nog …”."
    assert unsupported(note, ["De escalatieladder ontbreekt nog en volgt in 2027."], ladder) == []
    assert unsupported(note, ["Er is een escalatieladder."], ladder) != []


def test_page_references_are_no_claims(catalogue) -> None:  # noqa: ANN001
    ladder = _requirement(catalogue, "hr-bs5-escalatieladder")
    assert unsupported("Voldaan: beschreven in het plan (p. 7, 12).", ["Er is een escalatieladder."], ladder) == []


def test_met_note_names_only_the_parts_its_quotes_show(catalogue) -> None:  # noqa: ANN001
    kernspelers = next(r for r in catalogue if r.parts)
    names = [p.name for p in kernspelers.parts]
    shown = met_note(kernspelers, ["Geen van de genoemde onderdelen staat hier."], [3])
    assert "alle onderdelen" not in shown and shown.endswith("(p. 3).")
    assert all(name not in shown for name in names)
