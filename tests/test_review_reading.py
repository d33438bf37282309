"""Reading rules on real sentences: a plan that repeats what a source demands has not met it."""

from __future__ import annotations

import pytest

from assistant.plan import read_plan
from assistant.review import review_plan
from assistant.review.language import restates_demand, states_nothing
from assistant.text import fold
from tests.plans import GOOD_PLAN, as_text


@pytest.mark.parametrize(
    ("sentence", "restated"),
    [
        ("Zilveren Kruis vraagt dat het RESV elk kwartaal een financieel overzicht aanlevert.", True),
        ("Volgens de handreiking moet het RESV een escalatieladder hebben.", True),
        ("De zorgverzekeraars verwachten dat het werkgebied op postcodeniveau is afgebakend.", True),
        ("CZ vraagt dat we elk kwartaal rapporteren.", True),
        ("Zoals de handreiking vraagt, hebben wij een escalatieladder opgesteld.", False),
        ("De verzekeraars verwachten een escalatieladder; wij hebben die in mei 2026 vastgesteld.", False),
        ("Zilveren Kruis ontvangt elk kwartaal een financieel overzicht.", False),
        ("Het bestuur vraagt de werkgroep om een voorstel voor de begroting.", False),
    ],
)
def test_a_demand_of_a_source_is_told_from_the_plans_own_arrangement(sentence: str, restated: bool) -> None:
    assert restates_demand(" ".join(fold(sentence).split())) is restated


def test_a_plan_that_only_repeats_the_insurers_demand_has_not_met_it(catalogue, embedder, vectors) -> None:  # noqa: ANN001
    repeated = "Zilveren Kruis vraagt dat het RESV elk kwartaal een financieel overzicht met de realisatie per begrotingspost aanlevert."
    plan = [("p", repeated) if b[0] == "p" and str(b[1]).startswith("Zilveren Kruis ontvangt elk kwartaal") else b for b in GOOD_PLAN]
    assert ("p", repeated) in plan
    before = {f.id: f for f in review_plan(read_plan(as_text(GOOD_PLAN).encode(), "plan.md"), "Zilveren Kruis", catalogue, embedder, vectors).findings}
    after = {f.id: f for f in review_plan(read_plan(as_text(plan).encode(), "plan.md"), "Zilveren Kruis", catalogue, embedder, vectors).findings}
    quarterly = "zk-bs5-financiele-transparantie-kwartaal"
    assert before[quarterly].status == "met"
    assert after[quarterly].status != "met" and all("vraagt dat" not in e.quote for e in after[quarterly].evidence)


def test_a_question_states_nothing() -> None:
    assert states_nothing("hoe richten we de escalatieladder tussen de partijen in, en wie zit de laatste trede voor?")
    assert not states_nothing("de escalatieladder kent drie treden: werkgroep, bestuur en bestuurlijk overleg.")


def test_an_open_question_in_the_plan_is_no_evidence(catalogue, embedder, vectors) -> None:  # noqa: ANN001
    plan = [b for b in GOOD_PLAN if not (b[0] == "p" and str(b[1]).startswith("Escalatieladder."))]
    plan += [("h1", "Open vragen"), ("p", "Hoe richten we de escalatieladder tussen de partijen en Zilveren Kruis in, en wie zit de laatste trede voor?")]
    findings = {f.id: f for f in review_plan(read_plan(as_text(plan).encode(), "plan.md"), "Zilveren Kruis", catalogue, embedder, vectors).findings}
    assert findings["hr-bs5-escalatieladder"].status != "met"


@pytest.mark.parametrize(
    ("term", "text", "found"),
    [
        ("overleg met huisartsen", "het overleg met de huisartsen vindt elke maand plaats", True),
        ("samenvalt", "het gebied van de coöperatie valt geheel samen met dat van de huisartsenkring", True),
        ("samenwerkt", "de huisartsen werken in de wijk samen met het sociaal team", True),
        ("deelneemt", "de apotheek neemt vanaf januari deel aan het overleg", True),
        ("samenwerkt", "we werken met een vast team, de gemeente en de wijkverpleging en vele anderen samen", False),  # too far apart
        ("overeenkomst", "de komst van een nieuw overleg; overeen kwamen we niets", False),  # a noun does not split
    ],
)
def test_terms_read_dutch_phrases_with_articles_and_split_verbs(term: str, text: str, found: bool) -> None:
    from assistant.review.terms import term_pattern

    assert bool(term_pattern(term).search(" ".join(fold(text).split()))) is found


def test_the_term_audit_reads_a_term_only_as_written() -> None:
    from assistant.review.terms import term_pattern

    assert term_pattern("samenvalt").search("het gebied van de coöperatie valt geheel samen met dat van de huisartsenkring")
    assert not term_pattern("samenvalt", forms=False).search("het gebied van de coöperatie valt geheel samen met dat van de huisartsenkring")
    assert not term_pattern("overleg met huisartsen", forms=False).search("overleg met de huisartsen")


def test_a_split_verb_is_found_in_the_plan_index_and_by_the_concept_pre_check() -> None:
    from assistant.review.language import matches
    from assistant.review.terms import TermIndex

    texts = ["het gebied van de coöperatie valt geheel samen met dat van de huisartsenkring", "het werkgebied is kleiner dan de regio"]
    assert TermIndex(texts).find("samenvalt") == {0}
    assert matches(texts[0], ("gelijk", "samenvalt")) and not matches(texts[1], ("gelijk", "samenvalt"))
