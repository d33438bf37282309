"""The eval suite's metric functions on small hand-made inputs (the scores themselves are not tested)."""

from __future__ import annotations

import pytest

from assistant.models import ExtractedText
from evals import metrics as m
from evals.answer_eval import relevant_passages
from evals.review_eval import parse_labels


# --- fact matching ------------------------------------------------------------------------------


def test_facts_match_ignoring_case_and_whitespace() -> None:
    answer = "Zilveren Kruis eist een **strenge mandatering**: 75%\u00a0kernspelers,\n65–75% overige disciplines [1]."
    assert m.facts_found(["75% Kernspelers", "strenge  mandatering", "min. 3 hoofdtaken"], [answer]) == [True, True, False]


def test_fact_found_in_a_second_text_counts() -> None:
    assert m.facts_found(["Kassier bij voorkeur RHO"], ["Zie de bron [1].", "Kassier bij voorkeur RHO."]) == [True]


def test_empty_fact_never_matches() -> None:
    assert m.facts_found(["", "   "], ["elke tekst"]) == [False, False]
    assert not m.contains("elke tekst", "")


def test_normalize_keeps_dutch_punctuation() -> None:
    assert m.normalize("  „Gelijkwaardige stem“\n+ cao's\u00a0") == "„gelijkwaardige stem“ + cao's"


def test_holds_quote_by_text_or_by_heading_without_its_number() -> None:
    assert m.holds_quote("Min. 3 paramedische subdisciplines.", "• Min. 3 paramedische\nsubdisciplines. •")
    headings = ("Bouwsteen 5 – Executiekracht", "Samenwerking tussen aangesloten organisaties en beroepsbeoefenaren")
    assert m.holds_quote("1. Samenwerking tussen aangesloten organisaties en beroepsbeoefenaren", "Het RESV-plan beschrijft …", headings)
    assert not m.holds_quote("Sturing en verantwoording", "Het RESV-plan beschrijft …", headings)


def test_relevant_passages_prefer_text_over_headings() -> None:
    from assistant.models import Passage

    def passage(pid: str, text: str, section: tuple[str, ...]) -> Passage:
        return Passage(id=pid, document_id="d", section=section, start=0, end=len(text), text=text)

    passages = [passage("a", "Deadline RESV-plan 15 juli 2026 staat in de kop.", ("Inleiding",)),
                passage("b", "uiterlijk 15 juli voorafgaand aan het jaar", ("Deadline RESV-plan 15 juli 2026",))]
    assert relevant_passages("Deadline RESV-plan 15 juli 2026", passages) == {"a"}
    assert relevant_passages("Deadline RESV-plan 15 juli 2026", passages[1:]) == {"b"}
    assert relevant_passages("Fase 9", passages) == set()


# --- retrieval ----------------------------------------------------------------------------------


def test_first_rank_and_mrr() -> None:
    assert m.first_rank([False, False, True, True]) == 3
    assert m.first_rank([False, False]) is None
    assert m.first_rank([]) is None
    scores = m.retrieval_scores([1, 3, None, 10])
    assert scores["hit@1"] == pytest.approx(0.25)
    assert scores["hit@5"] == pytest.approx(0.5)
    assert scores["mrr"] == pytest.approx((1 + 1 / 3 + 0 + 1 / 10) / 4)
    assert scores["n"] == 4


def test_retrieval_scores_of_nothing_are_not_measurable() -> None:
    assert m.retrieval_scores([]) == {"hit@1": None, "hit@5": None, "mrr": None, "n": 0}


# --- abstention, latency, citations -------------------------------------------------------------


def test_abstention_precision_and_recall() -> None:
    gold = [True, True, False, False, False]
    predicted = [True, False, True, False, False]
    scores = m.binary_scores(gold, predicted)
    assert (scores["tp"], scores["fp"], scores["fn"]) == (1, 1, 1)
    assert scores["precision"] == pytest.approx(0.5)
    assert scores["recall"] == pytest.approx(0.5)
    assert scores["f1"] == pytest.approx(0.5)


def test_no_abstention_predicted_has_no_precision_and_zero_recall() -> None:
    scores = m.binary_scores([True, False, True], [False, False, False])
    assert scores["precision"] is None
    assert scores["recall"] == 0.0
    assert scores["f1"] is None


def test_no_abstention_in_gold_has_no_recall() -> None:
    scores = m.binary_scores([False, False], [True, False])
    assert scores["recall"] is None
    assert scores["precision"] == 0.0


def test_binary_scores_refuse_lists_of_different_length() -> None:
    with pytest.raises(ValueError, match="gold has 2 items"):
        m.binary_scores([True, False], [True])


def test_percentile_interpolates() -> None:
    assert m.percentile([], 50) is None
    assert m.percentile([0.3], 95) == pytest.approx(0.3)
    assert m.percentile([4.0, 1.0, 3.0, 2.0], 50) == pytest.approx(2.5)
    assert m.percentile([float(i) for i in range(1, 101)], 95) == pytest.approx(95.05)


def test_quote_at_offsets() -> None:
    text = "Het werkgebied is minimaal gelijk aan de R(H)O-regio.\nDe focus ligt op cao's."
    start = text.index("R(H)O")
    assert m.quote_at(text, "R(H)O-regio", start, start + 11)
    assert not m.quote_at(text, "R(H)O-regio", start + 1, start + 12)
    assert not m.quote_at(text, "R(H)O-regio", None, None)
    assert not m.quote_at(text, "", 3, 3)
    assert not m.quote_at(text, "x", len(text), len(text) + 1)


# --- reviews ------------------------------------------------------------------------------------


def test_confusion_matrix_counts_gold_rows_and_predicted_columns() -> None:
    gold = ["met", "met", "partial", "missing", "missing", "missing"]
    predicted = ["met", "partial", "met", "missing", "partial", "met"]
    matrix = m.confusion_matrix(gold, predicted)
    assert matrix["met"] == {"met": 1, "partial": 1, "missing": 0}
    assert matrix["partial"] == {"met": 1, "partial": 0, "missing": 0}
    assert matrix["missing"] == {"met": 1, "partial": 1, "missing": 1}


def test_confusion_matrix_rejects_unknown_status() -> None:
    with pytest.raises(ValueError, match="unknown label"):
        m.confusion_matrix(["met"], ["voldaan"])


def test_verdict_scores() -> None:
    matrix = m.confusion_matrix(["met", "met", "partial", "missing", "missing", "missing"],
                                ["met", "partial", "met", "missing", "partial", "met"])
    scores = m.verdict_scores(matrix)
    assert scores["n"] == 6
    assert scores["accuracy"] == pytest.approx(2 / 6)
    assert scores["per_class"]["met"]["precision"] == pytest.approx(1 / 3)
    assert scores["per_class"]["met"]["recall"] == pytest.approx(1 / 2)
    assert scores["per_class"]["partial"]["precision"] == pytest.approx(0.0)
    assert scores["per_class"]["partial"]["recall"] == pytest.approx(0.0)
    assert scores["per_class"]["missing"]["precision"] == pytest.approx(1.0)
    assert scores["gaps"] == 4
    assert scores["gap_recall"] == pytest.approx(2 / 4)  # missing->missing, missing->partial
    assert scores["false_reassurance"] == pytest.approx(2 / 4)  # partial->met, missing->met


def test_verdict_scores_without_gaps_or_predictions() -> None:
    scores = m.verdict_scores(m.confusion_matrix(["met"], ["met"]))
    assert scores["gap_recall"] is None and scores["false_reassurance"] is None
    assert scores["per_class"]["missing"]["precision"] is None
    assert m.verdict_scores(m.confusion_matrix([], []))["accuracy"] is None


def test_add_matrices() -> None:
    a = m.confusion_matrix(["met"], ["missing"])
    b = m.confusion_matrix(["met", "partial"], ["missing", "partial"])
    total = m.add_matrices([a, b])
    assert total["met"]["missing"] == 2 and total["partial"]["partial"] == 1
    assert sum(v for row in total.values() for v in row.values()) == 3


def test_keyword_status() -> None:
    assert m.keyword_status([True, True]) == "met"
    assert m.keyword_status([True, False]) == "partial"
    assert m.keyword_status([False, False]) == "missing"
    assert m.keyword_status([]) == "missing"


def test_evidence_check_on_pages() -> None:
    pages = ["Bouwsteen 5\nWe hanteren een escalatieladder.", "Begroting 2027\nKassier is de RHO."]
    extracted = ExtractedText(text="\f".join(pages), page_starts=(0, len(pages[0]) + 1))
    assert m.evidence_check(extracted.text, extracted.page_at, "Kassier is de RHO.", 2) == {"verbatim": True, "page_ok": True}
    assert m.evidence_check(extracted.text, extracted.page_at, "Kassier is de RHO.", 1) == {"verbatim": True, "page_ok": False}
    assert m.evidence_check(extracted.text, extracted.page_at, "Kassier is het RHO.", 2) == {"verbatim": False, "page_ok": False}
    start = extracted.text.index("escalatieladder")
    assert m.evidence_check(extracted.text, extracted.page_at, "escalatieladder", 1, start, start + 15)["page_ok"]
    assert not m.evidence_check(extracted.text, extracted.page_at, "escalatieladder", 1, start + 1, start + 16)["verbatim"]


def test_evidence_check_without_pages_wants_no_page() -> None:
    extracted = ExtractedText(text="# Plan\n\nDe cao's zijn gevolgd.")
    assert m.evidence_check(extracted.text, extracted.page_at, "cao's", None)["page_ok"]
    assert not m.evidence_check(extracted.text, extracted.page_at, "cao's", 1)["page_ok"]


def test_parse_labels_accepts_the_usual_shapes() -> None:
    assert parse_labels({"bs1-mandaat": "met", "plan": "zk-lingebeek"}) == {"bs1-mandaat": "met"}
    assert parse_labels({"labels": {"bs5-escalatieladder": {"status": "missing", "note": "uitgesteld"}}}) == {"bs5-escalatieladder": "missing"}
    assert parse_labels({"label": [{"id": "bs7-lumpsum", "status": "partial"}, {"id": "x", "status": "onbekend"}]}) == {"bs7-lumpsum": "partial"}


# --- regression ---------------------------------------------------------------------------------


def test_flatten_and_deltas() -> None:
    current = m.flatten({"answers": {"product": {"hit@5": 0.8, "accuracy": None, "ok": True}}})
    assert current == {"answers.product.hit@5": 0.8}
    changes = m.deltas(current, {"answers.product.hit@5": 0.75, "answers.bm25.hit@5": 0.7})
    assert changes["answers.product.hit@5"] == pytest.approx((0.75, 0.8, 0.05))
    assert list(changes) == ["answers.product.hit@5"]


# --- review baseline ----------------------------------------------------------------------------


def test_keyword_review_counts_evidence_groups_anywhere_in_the_plan() -> None:
    from assistant.catalogue import Requirement
    from evals.baselines import keyword_review

    def requirement(rid: str, insurer: str | None, concepts: list[list[str]]) -> Requirement:
        return Requirement(id=rid, bouwsteen=5, insurer=insurer, requirement="Het plan bevat een escalatieladder.",
                           document="handreiking-contractering-resv", section="Sturing en verantwoording", quote="escalatieladder",
                           concepts=[tuple(g) for g in concepts])

    plan = "Bouwsteen 5\nDe stuurgroep ontvangt kwartaal-rapportages; bij problemen volgt de escalatie­ladder van de coöperatie."
    catalogue = [
        requirement("hr-bs5-rapportage", None, [["*rapportage"], ["stuurgroep", "bestuur"]]),
        requirement("hr-bs5-risico", None, [["risicoanalyse"], ["cooperatie"]]),
        requirement("hr-bs5-mitigatie", None, [["mitigerende maatregel"]]),
        requirement("cz-bs5-kassier", "CZ", [["kassier"]]),
    ]
    findings = {f["id"]: f["status"] for f in keyword_review(plan, catalogue, "VGZ")}
    assert findings == {"hr-bs5-rapportage": "met", "hr-bs5-risico": "partial", "hr-bs5-mitigatie": "missing"}
