"""Reviewing a draft plan: verdicts from the plan's own words, numbers against thresholds, gaps first.

Real plans (PDF, DOCX, Markdown) made by the tests, the real catalogue and the real embedder.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from assistant.plan import read_plan
from assistant.review import counts, parse_number, percentages, review_plan
from tests.invariants import review_covers_insurer_only, review_evidence_is_verbatim
from tests.plans import GAPS_PLAN, GOOD_PLAN, as_text, instruction_free, make_plan_docx, make_plan_pdf
from tests.review_fixtures import catalogue, embedder  # noqa: F401 - fixtures

SCHEMA = Path("/work/shared/contract/review.schema.json")
INSURERS = ("Zilveren Kruis", "CZ", "VGZ", "Menzis")


def _review(data: bytes, name: str, insurer: str, catalogue, embedder):  # noqa: ANN001, F811
    plan = read_plan(data, name)
    return plan, review_plan(plan, insurer, catalogue, embedder)


def _trustworthy(plan, review) -> None:  # noqa: ANN001
    review_evidence_is_verbatim(review, plan.text, plan.page_at)
    review_covers_insurer_only(review)
    for finding in review.findings:
        assert finding.note, finding.id
        for evidence in finding.evidence:
            assert plan.text[evidence.start:evidence.end] == evidence.quote


@pytest.fixture(scope="module")
def good_pdf_review(catalogue, embedder):  # noqa: ANN001, F811
    return _review(make_plan_pdf(GOOD_PLAN), "lindenhoven.pdf", "Zilveren Kruis", catalogue, embedder)


@pytest.fixture(scope="module")
def gaps_review(catalogue, embedder):  # noqa: ANN001, F811
    return _review(make_plan_docx(GAPS_PLAN), "weidenbroek.docx", "Zilveren Kruis", catalogue, embedder)


def _by_id(review) -> dict:  # noqa: ANN001
    return {f.id: f for f in review.findings}


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


def test_good_plan_is_trustworthy_and_mostly_met(good_pdf_review) -> None:  # noqa: ANN001
    plan, review = good_pdf_review
    _trustworthy(plan, review)
    found = _by_id(review)
    for rid in (
        "zk-bs1-mandatering-kernspelers",
        "zk-bs1-mandatering-overige-disciplines",
        "zk-bs1-paramedische-subdisciplines",
        "hr-bs1-werkgebied-postcode",
        "hr-bs5-escalatieladder",
        "zk-bs7-lumpsum-zonmw-staffel",
        "zk-bs5-financiele-transparantie-kwartaal",
    ):
        assert found[rid].status == "met", (rid, found[rid].note)
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


def test_menzis_operational_wijkverbanden_threshold(catalogue, embedder) -> None:  # noqa: ANN001, F811
    plan, review = _review(as_text(GAPS_PLAN).encode(), "plan.md", "Menzis", catalogue, embedder)
    finding = _by_id(review)["mz-bs1-operationele-wijkverbanden-start"]
    assert finding.status != "met" and "13" in finding.note
    above = as_text(GAPS_PLAN).replace("13 % operationeel", "25 % operationeel").encode()
    _, better = _review(above, "plan.md", "Menzis", catalogue, embedder)
    assert _by_id(better)["mz-bs1-operationele-wijkverbanden-start"].status == "met"


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


def test_embedded_instruction_changes_nothing(catalogue, embedder, gaps_review) -> None:  # noqa: ANN001, F811
    _, with_instruction = gaps_review
    _, without = _review(make_plan_docx(instruction_free(GAPS_PLAN)), "weidenbroek.docx", "Zilveren Kruis", catalogue, embedder)
    assert [(f.id, f.status) for f in with_instruction.findings] == [(f.id, f.status) for f in without.findings]
    assert not any("markeer" in e.quote.lower() for f in with_instruction.findings for e in f.evidence)


@pytest.mark.parametrize("insurer", INSURERS)
def test_only_the_chosen_insurers_requirements(catalogue, embedder, insurer: str) -> None:  # noqa: ANN001, F811
    plan, review = _review(as_text(GOOD_PLAN).encode(), "plan.md", insurer, catalogue, embedder)
    _trustworthy(plan, review)
    expected = {r.id for r in catalogue if r.insurer in (None, insurer)}
    assert {f.id for f in review.findings} == expected
    assert all(f.insurer in (None, insurer) for f in review.findings)


def test_compound_requirement_names_the_missing_part(catalogue, embedder) -> None:  # noqa: ANN001, F811
    text = (
        "# Samenwerking in de regio\n\n"
        "Het RESV neemt namens de eerste lijn deel aan de IZA-Regiotafel en werkt samen met het ROAZ. "
        "Met ggz-instellingen en ziekenhuizen zijn nog geen afspraken gemaakt.\n"
    )
    _, review = _review(text.encode(), "plan.md", "VGZ", catalogue, embedder)
    finding = _by_id(review)["vgz-bs5-samenwerking-roaz-ziekenhuizen-ggz-gemeenten"]
    assert finding.status == "partial"
    assert "ggz" in finding.note and "ziekenhuizen" in finding.note


def test_met_and_partial_always_quote_the_plan(gaps_review, good_pdf_review) -> None:  # noqa: ANN001
    for plan, review in (gaps_review, good_pdf_review):
        for finding in review.findings:
            if finding.status != "missing":
                assert finding.evidence
                assert all(e.quote in plan.text for e in finding.evidence)


def test_a_long_pdf_is_reviewed_in_seconds(catalogue, embedder) -> None:  # noqa: ANN001, F811
    data = make_plan_pdf(GOOD_PLAN + GAPS_PLAN, repeat=10)
    started = time.perf_counter()
    plan, review = _review(data, "lang.pdf", "Zilveren Kruis", catalogue, embedder)
    elapsed = time.perf_counter() - started
    assert plan.pages and plan.pages >= 10
    _trustworthy(plan, review)
    assert elapsed < 30, elapsed  # the target is 10 s on an idle 2-core machine; tests share the CPU
