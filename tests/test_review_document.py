"""Is this an RESV-plan? Real public documents, eval non-plans, an English plan and plans titled as one."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.ingest.loaders import load_bytes
from assistant.plan import read_plan
from assistant.review import review_plan
from assistant.review.document import check_document, language_of
from tests.invariants import review_notes_are_faithful, review_of_non_plan_meets_nothing
from tests.plans import GOOD_PLAN, make_plan_pdf

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real"
PLANS = Path(__file__).resolve().parents[1] / "evals" / "plans" / "files"


def _real(name: str) -> Path:
    path = REAL / name
    if not path.is_file():
        pytest.skip(f"{path} is not on this machine")
    return path


@pytest.mark.parametrize("name", ["kamerbrief-voortgang-iza-azwa-2026.pdf", "gezond-en-actief-leven-akkoord-2023.pdf"])
def test_real_government_documents_are_no_resv_plans(name: str) -> None:
    path = _real(name)
    check = check_document(load_bytes(path.read_bytes(), path.name).text)
    assert not check.is_resv_plan and check.language == "nl"
    assert "geen RESV-plan" in check.statement()


def test_a_letter_that_speaks_of_resvs_meets_nothing(catalogue, embedder, vectors) -> None:  # noqa: ANN001
    # the letter to parliament names RESV's, but as the minister's subject, never as its own plan
    path = _real("kamerbrief-voortgang-iza-azwa-2026.pdf")
    review = review_plan(read_plan(path.read_bytes(), path.name), "VGZ", catalogue, embedder, vectors)
    review_of_non_plan_meets_nothing(review)
    review_notes_are_faithful(review, catalogue)


@pytest.mark.parametrize("name", ["neg-zorggroep-jaarverslag.pdf", "neg-gemeente-gezondheidsnota.pdf"])
def test_related_documents_are_no_resv_plans(name: str) -> None:
    data = (PLANS / name).read_bytes()
    assert not check_document(load_bytes(data, name).text).is_resv_plan


def test_a_plan_titled_as_one_is_an_resv_plan() -> None:
    check = check_document(load_bytes(make_plan_pdf(GOOD_PLAN), "plan.pdf").text)
    assert check.is_resv_plan and check.judged


def test_an_english_plan_is_recognised_and_judged_met_nowhere(catalogue, embedder, vectors) -> None:  # noqa: ANN001
    data = (PLANS / "menzis-twentevelden.docx").read_bytes()
    review = review_plan(read_plan(data, "plan.docx"), "Menzis", catalogue, embedder, vectors)
    assert review.document is not None and review.document.is_resv_plan and review.document.language == "en"
    review_of_non_plan_meets_nothing(review)
    assert "Engels" in review.document.statement


def test_the_same_text_without_the_rESV_is_no_plan() -> None:
    text = "# Jaarplan Zorggroep Aadorp 2027\n\nWe breiden de ketenzorg uit in 2027 en 2028. Onze praktijken werken samen.\n"
    assert not check_document(text).is_resv_plan
    assert check_document("# RESV-plan Aadorp 2027–2029\n\n" + text).is_resv_plan


def test_language_by_function_words() -> None:
    assert language_of("we do not have an escalation ladder yet and we will work it out in the spring".split()) == "en"
    assert language_of("de escalatieladder ontbreekt nog en wordt in het voorjaar uitgewerkt door het bestuur".split()) == "nl"
    assert language_of("zorg zorg zorg".split()) == "other"


def test_empty_text_is_no_plan() -> None:
    check = check_document("")
    assert not check.is_resv_plan and "geen leesbare tekst" in check.statement()


def test_a_plan_in_a_third_language_is_said_so_plainly() -> None:
    text = ("# RESV-Plan 2027–2029 der Region Grenzland\n\nUnser RESV ist ein Zusammenschluss der Hausärzte und Apotheken. "
            "Das RESV plant für 2027, 2028 und 2029. Das RESV arbeitet mit den Gemeinden. Das RESV berichtet an die Versicherer.\n")
    check = check_document(text)
    assert check.is_resv_plan and check.language == "other" and not check.judged
    assert "in een andere taal dan het Nederlands" in check.statement() and "het een" not in check.statement()
