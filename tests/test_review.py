"""Reviewing a draft plan: verdicts from the plan's own words, numbers against thresholds, gaps first.

Real plans (PDF, DOCX, Markdown) made by the tests, the real catalogue and the real embedder.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.plan import read_plan
from assistant.review import counts, parse_number, percentages, review_plan
from assistant.review.findings import assess
from assistant.review.numbers import measurable_quantities
from tests.invariants import review_covers_insurer_only, review_evidence_is_verbatim
from tests.plans import GAPS_PLAN, GOOD_PLAN, as_text, instruction_free, make_plan_docx, make_plan_pdf

SCHEMA = Path(__file__).resolve().parents[1].parent / "shared" / "contract" / "review.schema.json"
INSURERS = ("Zilveren Kruis", "CZ", "VGZ", "Menzis")


def _review(data: bytes, name: str, insurer: str, catalogue, embedder, vectors):  # noqa: ANN001
    plan = read_plan(data, name)
    return plan, review_plan(plan, insurer, catalogue, embedder, vectors)


def _trustworthy(plan, review) -> None:  # noqa: ANN001
    review_evidence_is_verbatim(review, plan.text, plan.page_at)
    review_covers_insurer_only(review)
    for finding in review.findings:
        assert finding.note, finding.id
        for evidence in finding.evidence:
            assert plan.text[evidence.start:evidence.end] == evidence.quote


@pytest.fixture(scope="module")
def good_pdf_review(catalogue, embedder, vectors):  # noqa: ANN001
    return _review(make_plan_pdf(GOOD_PLAN), "lindenhoven.pdf", "Zilveren Kruis", catalogue, embedder, vectors)


@pytest.fixture(scope="module")
def gaps_review(catalogue, embedder, vectors):  # noqa: ANN001
    return _review(make_plan_docx(GAPS_PLAN), "weidenbroek.docx", "Zilveren Kruis", catalogue, embedder, vectors)


def _by_id(review) -> dict:  # noqa: ANN001
    return {f.id: f for f in review.findings}


PLAN_TITLE = "# RESV-plan Eerstelijn Aadorp 2027–2029\n\n"


def _findings_of(text: str, insurer: str, catalogue, embedder, vectors) -> dict:  # noqa: ANN001
    """A Markdown plan made of `text` under an RESV-plan's title, reviewed; its findings by requirement id, after the trust checks."""
    plan, review = _review((PLAN_TITLE + text).encode(), "plan.md", insurer, catalogue, embedder, vectors)
    assert review.document is not None and review.document.judged
    _trustworthy(plan, review)
    return _by_id(review)


def _rules_of(data: bytes, name: str, insurer: str, catalogue, embedder, vectors) -> dict:  # noqa: ANN001
    """What the reading rules find per requirement id, before the judge weighs it."""
    _, items = assess(read_plan(data, name), insurer, catalogue, embedder, vectors)
    return {item.requirement.id: item.judgement for item in items}


def _met_or_doubted(finding) -> bool:  # noqa: ANN001
    """Met, or lowered by the judge to partial with a note that says why (in doubt, or its evidence no full statement), never missing."""
    return finding.status == "met" or (finding.status == "partial" and finding.lowered in {"uncertain", "qualified"})


# --- numbers in Dutch ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("zes van de tien praktijken", 60.0),
        ("13 % van de wijkverbanden", 13.0),
        ("13% operationeel", 13.0),
        ("46 van 55 praktijken", 100 * 46 / 55),
        ("drie op de vier apotheken", 75.0),
        ("driekwart van de huisartsen", 75.0),
        ("de helft van de praktijken", 50.0),
        ("bijna 75 procent", 74.99),
        ("ruim 75 %", 75.01),
        ("vijfentwintig procent", 25.0),
    ],
)
def test_percentages_in_dutch(text: str, value: float) -> None:
    assert percentages(text)[0][0] == pytest.approx(value, abs=0.01)


def test_plain_counts_skip_years_and_articles() -> None:
    found = [v for v, _ in counts("in 2027 starten twee wijkverbanden en een werkgroep met twaalf leden")]
    assert found == [2.0, 12.0]
    assert parse_number("1.420") == 1420 and parse_number("7,5") == 7.5 and parse_number("honderd") == 100


# --- the review object --------------------------------------------------------------------------


def test_good_plan_is_trustworthy_and_mostly_met(good_pdf_review, catalogue, embedder, vectors) -> None:  # noqa: ANN001
    plan, review = good_pdf_review
    _trustworthy(plan, review)
    found = _by_id(review)
    rules = _rules_of(make_plan_pdf(GOOD_PLAN), "lindenhoven.pdf", "Zilveren Kruis", catalogue, embedder, vectors)
    for rid in (
        "zk-bs1-mandatering-kernspelers",
        "zk-bs1-mandatering-overige-disciplines",
        "zk-bs1-paramedische-subdisciplines",
        "hr-bs1-werkgebied-postcode",
        "hr-bs5-escalatieladder",
        "zk-bs7-lumpsum-zonmw-staffel",
        "zk-bs5-financiele-transparantie-kwartaal",
    ):
        assert rules[rid].status == "met", (rid, rules[rid].note)
        assert _met_or_doubted(found[rid]), (rid, found[rid].note)
        assert all(e.page == 1 or e.page == 2 for e in found[rid].evidence)


def test_review_matches_the_contract_schema(good_pdf_review) -> None:  # noqa: ANN001
    jsonschema = pytest.importorskip("jsonschema")
    if not SCHEMA.is_file():
        pytest.skip("contract schema not available")
    _, review = good_pdf_review
    jsonschema.validate(json.loads(review.model_dump_json()), json.loads(SCHEMA.read_text()))


def test_gaps_come_first(gaps_review) -> None:  # noqa: ANN001
    _, review = gaps_review
    order = {"missing": 0, "partial": 1, "met": 2}
    ranks = [order[f.status] for f in review.findings]
    assert ranks == sorted(ranks)
    assert review.summary.missing > review.summary.met


def test_numbers_below_threshold_are_not_met(gaps_review) -> None:  # noqa: ANN001
    plan, review = gaps_review
    _trustworthy(plan, review)
    kernspelers = _by_id(review)["zk-bs1-mandatering-kernspelers"]
    assert kernspelers.status != "met"
    assert "60" in kernspelers.note and "75" in kernspelers.note
    paramedici = _by_id(review)["zk-bs1-paramedische-subdisciplines"]
    assert paramedici.status != "met" and "2" in paramedici.note


def test_menzis_operational_wijkverbanden_threshold(catalogue, embedder, vectors) -> None:  # noqa: ANN001
    plan, review = _review(as_text(GAPS_PLAN).encode(), "plan.md", "Menzis", catalogue, embedder, vectors)
    finding = _by_id(review)["mz-bs1-operationele-wijkverbanden-start"]
    assert finding.status != "met" and "13" in finding.note
    above = as_text(GAPS_PLAN).replace("13 % operationeel", "25 % operationeel").encode()
    assert _rules_of(above, "plan.md", "Menzis", catalogue, embedder, vectors)["mz-bs1-operationele-wijkverbanden-start"].status == "met"


def test_postponement_is_not_fulfilment(gaps_review) -> None:  # noqa: ANN001
    _, review = gaps_review
    ladder = _by_id(review)["hr-bs5-escalatieladder"]
    assert ladder.status == "missing"
    assert any("ontbreekt nog" in e.quote for e in ladder.evidence)
    risks = _by_id(review)["hr-bs5-risicos"]
    assert risks.status == "missing"


def test_vague_goals_are_not_smart(gaps_review) -> None:  # noqa: ANN001
    _, review = gaps_review
    assert _by_id(review)["hr-bs3-smart"].status != "met"


def test_embedded_instruction_changes_nothing(catalogue, embedder, vectors, gaps_review) -> None:  # noqa: ANN001
    _, with_instruction = gaps_review
    _, without = _review(make_plan_docx(instruction_free(GAPS_PLAN)), "weidenbroek.docx", "Zilveren Kruis", catalogue, embedder, vectors)
    assert [(f.id, f.status) for f in with_instruction.findings] == [(f.id, f.status) for f in without.findings]
    assert not any("markeer" in e.quote.lower() for f in with_instruction.findings for e in f.evidence)


@pytest.mark.parametrize("insurer", INSURERS)
def test_only_the_chosen_insurers_requirements(catalogue, embedder, vectors, insurer: str) -> None:  # noqa: ANN001
    plan, review = _review(as_text(GOOD_PLAN).encode(), "plan.md", insurer, catalogue, embedder, vectors)
    _trustworthy(plan, review)
    expected = {r.id for r in catalogue if r.insurer in (None, insurer)}
    assert {f.id for f in review.findings} == expected
    assert all(f.insurer in (None, insurer) for f in review.findings)


def test_compound_requirement_names_the_missing_part(catalogue, embedder, vectors) -> None:  # noqa: ANN001
    text = (
        "# Samenwerking in de regio\n\n"
        "Het RESV neemt namens de eerste lijn deel aan de IZA-Regiotafel en werkt samen met het ROAZ. "
        "Met ggz-instellingen en ziekenhuizen zijn nog geen afspraken gemaakt.\n"
    )
    _, review = _review(text.encode(), "plan.md", "VGZ", catalogue, embedder, vectors)
    finding = _by_id(review)["vgz-bs5-samenwerking-roaz-ziekenhuizen-ggz-gemeenten"]
    assert finding.status == "partial"
    assert "ggz" in finding.note and "ziekenhuizen" in finding.note


def test_met_and_partial_always_quote_the_plan(gaps_review, good_pdf_review) -> None:  # noqa: ANN001
    for plan, review in (gaps_review, good_pdf_review):
        for finding in review.findings:
            if finding.status != "missing":
                assert finding.evidence
                assert all(e.quote in plan.text for e in finding.evidence)


def test_a_long_pdf_is_reviewed_completely(catalogue, embedder, vectors) -> None:  # noqa: ANN001
    # speed (10 s for 30 pages) is measured by the eval's s/plan and benchmarks/load.py, not asserted here
    data = make_plan_pdf(GOOD_PLAN + GAPS_PLAN, repeat=10)
    plan, review = _review(data, "lang.pdf", "Zilveren Kruis", catalogue, embedder, vectors)
    assert plan.pages and plan.pages >= 10
    _trustworthy(plan, review)
    assert len(review.findings) == len([r for r in catalogue if r.insurer in (None, "Zilveren Kruis")])


# --- general rules ------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["bm25", "dense"])
def test_baseline_modes_review_the_same_requirements(catalogue, embedder, vectors, mode: str) -> None:  # noqa: ANN001
    plan = read_plan(as_text(GOOD_PLAN).encode(), "plan.md")
    review = review_plan(plan, "CZ", catalogue, embedder, vectors, mode=mode)
    _trustworthy(plan, review)
    assert {f.id for f in review.findings} == {r.id for r in catalogue if r.insurer in (None, "CZ")}


def test_unknown_mode_is_refused(catalogue, embedder, vectors) -> None:  # noqa: ANN001
    plan = read_plan(as_text(GOOD_PLAN).encode(), "plan.md")
    with pytest.raises(ValueError, match="mode"):
        review_plan(plan, "CZ", catalogue, embedder, vectors, mode="keyword")


def test_wishes_without_any_target_are_no_smart_impact(catalogue, embedder, vectors) -> None:  # noqa: ANN001
    text = (
        "# Bouwsteen 3 – Impact\n\n"
        "We willen de wachttijden bij de huisarts verminderen. "
        "We streven ernaar dat ouderen langer thuis kunnen wonen. "
        "Hoe we de resultaten meten, bepalen we in 2027 samen met de ROS.\n"
    )
    found = _findings_of(text, "VGZ", catalogue, embedder, vectors)
    assert found["hr-bs3-smart"].status == "missing", found["hr-bs3-smart"].note
    assert found["vgz-bs3-impact-smart"].status == "missing", found["vgz-bs3-impact-smart"].note


def test_means_are_no_measurable_target() -> None:
    assert measurable_quantities("1,2 fte extra poh-ggz en € 40.000 om de wachttijd te verkorten") == 0
    assert measurable_quantities("de wachttijd daalt van 6 naar 3 weken") == 2


def test_an_intention_elsewhere_keeps_a_table_row_from_met(catalogue, embedder, vectors) -> None:  # noqa: ANN001
    text = (
        "# Bouwsteen 4 – Activiteiten 2027\n\n"
        "We streven ernaar om in 2027 twee hechte wijkverbanden te starten, als de huisartsen daar tijd voor vinden.\n\n"
        "| Activiteit | Wanneer | Wie |\n|---|---|---|\n"
        "| Start twee hechte wijkverbanden | Q2 2027 | huisartsen, wijkverpleging |\n"
        "| Nieuwsbrief voor alle aanbieders | Q1 2027 | projectleider |\n"
    )
    finding = _findings_of(text, "CZ", catalogue, embedder, vectors)["hr-bs4-hechte-wijkverbanden"]
    assert finding.status == "partial", finding.note
    assert any("streven ernaar" in e.quote for e in finding.evidence)


def test_wijkverpleging_is_no_wijkverband(catalogue, embedder, vectors) -> None:  # noqa: ANN001
    text = (
        "# Bouwsteen 5 – Samenwerking\n\n"
        "Het netwerk is een samenwerking van huisartsen, apothekers en wijkverpleging in twee gemeenten. "
        "De wijkverpleging werkt samen met de huisartsen, komt maandelijks bijeen met de apothekers "
        "en heeft een vast aanspreekpunt per praktijk voor overleg over kwetsbare ouderen.\n"
    )
    assert _findings_of(text, "CZ", catalogue, embedder, vectors)["hr-bs5-samenwerking-wijkverbanden"].status == "missing"



# --- reading rules, each on a small plan ---------------------------------------------------------

READING_RULES = {
    # a thin wording ('een verslag' where 'verantwoording' is asked) shows the requirement only in part
    "thin wording": ("# Bouwsteen 5 – Sturing\n\nDe stuurgroep komt maandelijks bijeen. Wij maken jaarlijks een verslag voor VGZ.\n",
                     "VGZ", "vgz-bs5-verantwoording", "partial"),
    # 'de RHO-regio omvat ook …': the work area is smaller than the RHO region
    "contrary wording": ("# Bouwsteen 1 – Startpunt\n\nHet RESV werkt in de gemeenten Aadorp en Beekveld. "
                         "De RHO-regio van de huisartsencoöperatie beslaat ook de gemeente Craneveen, die een eigen plan maakt.\n",
                         "CZ", "hr-bs1-werkgebied-rho-regio", "missing"),
    # 'hen' stands for the beroepsgroepen named in the sentence before
    "pronoun": ("# Bouwsteen 6 – Ontwikkelstappen\n\nLogopedisten, diëtisten en ergotherapeuten zijn nog niet aangesloten. "
                "We informeren hen in 2027 via onze nieuwsbrief en een bijeenkomst in het voorjaar.\n",
                "CZ", "hr-bs6-communicatie-beroepsgroepen", "met"),
    # '…; hoe we dat doen, werken we later uit' postpones the clause before it
    "continuation clause": ("# Bouwsteen 6 – Ontwikkelstappen\n\n"
                            "We willen inwoners betrekken bij het RESV, bijvoorbeeld via een panel; hoe we dat doen, werken we later uit.\n",
                            "CZ", "hr-bs6-betrokkenheid-patienten", "missing"),
    # every sentence under 'Ons werkgebied' is about the work area, named there or not
    "specific heading": ("# Bouwsteen 1 – Startpunt\n\n## Ons werkgebied\n\n"
                         "Het RESV werkt in de gemeenten Aadorp en Beekveld (postcodes 7440–7449 en 7450–7459).\n",
                         "CZ", "hr-bs1-werkgebied-postcode", "met"),
    # columns 'Nu', '2027', '2029' make every row a goal with a baseline and targets
    "goal table": ("# Bouwsteen 3 – Impact\n\n| Knelpunt | Indicator | Nu | 2027 | 2029 |\n|---|---|---|---|---|\n"
                   "| Wachttijd fysiotherapie | gemiddelde wachttijd | 5 weken | 4 weken | 3 weken |\n"
                   "| Ouderen thuis | 75-plussers met een zorgplan | 18% | 35% | 60% |\n",
                   "CZ", "hr-bs3-smart", "met"),
    # one row 'mandaat wordt later uitgewerkt' keeps a mandate shown for the other verbanden from met
    "postponed row": ("# Bouwsteen 1 – Startpunt\n\n| Verband | Aangesloten | Mandaat |\n|---|---|---|\n"
                      "| Huisartsencoöperatie Aadorp | 30 van 34 praktijken | mandaat verleend in de ALV van 3 maart 2026 (88 % voor) |\n"
                      "| Apothekerskring Aadorp | 7 van 9 apotheken | mandaat wordt later uitgewerkt |\n\n"
                      "De huisartsen hebben hun mandaat formeel vastgelegd.\n",
                      "CZ", "cz-bs1-mandatering-aantoonbaar-breed", "partial"),
    # how conflicts are settled is no description of how the parties work together
    "escalation is no collaboration": ("# Bouwsteen 5 – Executiekracht\n\n## Escalatieladder\n\n"
                                       "Bij problemen in de uitvoering volgen we deze stappen: 1 bespreking in de werkgroep; "
                                       "2 bespreking door de coördinator met de betrokken partijen; 3 besluit in het bestuur; "
                                       "4 bestuurlijk overleg met de zorgverzekeraar en de gemeenten.\n",
                                       "CZ", "hr-bs5-samenwerking-binnen-resv", "missing"),
    # 'Deze verdeling is vastgelegd …' lays down the weighted vote of the sentences before it
    "contrary pointed back": ("# Bouwsteen 1 – Startpunt\n\nDe stemverhouding in de ledenraad is naar verhouding van de omvang van de beroepsgroep. "
                              "Besluiten worden genomen met een gewone meerderheid. "
                              "Deze verdeling is vastgelegd in de samenwerkingsovereenkomst van 1 maart 2026.\n",
                              "Zilveren Kruis", "zk-bs1-samenwerkingsovereenkomst", "partial"),
    # a year in a heading is the chapter's time frame, not a goal of the sentence under it
    "year in heading": ("# Bouwsteen 6 – Ontwikkelstappen\n\n## Op weg naar 2030\n\n"
                        "Een deel van de fysiotherapiepraktijken is nog niet aangesloten bij het regionale netwerk.\n",
                        "CZ", "hr-bs6-aansluiting-monodisciplinair", "missing"),
    # 'in 2027 communiceren' asks when: a personal approach without a moment is only part of it
    "year asked": ("# Bouwsteen 6 – Ontwikkelstappen\n\n"
                   "De regionale verbanden benaderen de praktijken die nog niet zijn aangesloten persoonlijk.\n",
                   "CZ", "hr-bs6-communicatie-niet-aangesloten", "partial"),
}


@pytest.mark.parametrize("rule", sorted(READING_RULES))
def test_reading_rule(rule: str, catalogue, embedder, vectors) -> None:  # noqa: ANN001
    text, insurer, requirement_id, status = READING_RULES[rule]
    judgement = _rules_of((PLAN_TITLE + text).encode(), "plan.md", insurer, catalogue, embedder, vectors)[requirement_id]
    assert judgement.status == status, judgement.note
    assert _findings_of(text, insurer, catalogue, embedder, vectors)[requirement_id].status in {"met": ("met", "partial")}.get(status, (status,))
