"""The judge: a fitted model that may only lower the reading rules' "met", and the plan profile it weighs."""

from __future__ import annotations

from dataclasses import replace

from assistant.plan import read_plan
from assistant.review import review_plan
from assistant.review.findings import assess
from assistant.review.judge import FEATURES, Features, decide, fitted_model
from tests.plans import GAPS_PLAN, GOOD_PLAN, as_text, make_plan_docx, make_plan_pdf

MET = Features(
    requirement="hr-bs5-escalatieladder", rule="met", against=False, similarity=0.86, background=0.80, best_similarity=0.87,
    lexical=0.6, gates=True, sentences=2, hedged=False, hedged_nearby=False, describes=False, compound=False, longest=14,
    plan_met_share=0.5, plan_hedged_share=0.1, foreign=False,
)


def test_the_committed_model_was_fitted_on_these_features() -> None:
    model = fitted_model()
    assert model is not None and len(model.coef) == len(FEATURES)


def test_a_plan_that_hedges_much_of_what_it_says_is_trusted_less() -> None:
    model = fitted_model()
    plain, hedging = replace(MET, plan_hedged_share=0.05), replace(MET, plan_hedged_share=0.45)
    assert model.probability(hedging) < model.probability(plain)


def test_the_judge_only_lowers() -> None:
    model = fitted_model().with_threshold(0.0)  # trusts every met it is asked about
    assert decide(replace(MET, rule="partial"), model, may_meet=True).status == "partial"
    assert decide(replace(MET, rule="missing"), model, may_meet=True).status == "missing"
    assert decide(MET, model, may_meet=False).status == "partial"  # a document that is no RESV-plan meets nothing
    assert decide(replace(MET, hedged=True), model, may_meet=True).status == "partial"
    assert decide(replace(MET, foreign=True), model, may_meet=True).status == "partial"
    assert decide(MET, model.with_threshold(1.0), may_meet=True).status == "partial"


def test_the_plan_profile_is_read_from_the_whole_plan(catalogue, embedder, vectors) -> None:  # noqa: ANN001
    _, good = assess(read_plan(make_plan_pdf(GOOD_PLAN), "goed.pdf"), "Zilveren Kruis", catalogue, embedder, vectors)
    _, gaps = assess(read_plan(make_plan_docx(GAPS_PLAN), "gaten.docx"), "Zilveren Kruis", catalogue, embedder, vectors)
    assert len({item.features.plan_hedged_share for item in good}) == 1  # one figure per plan
    assert gaps[0].features.plan_hedged_share > good[0].features.plan_hedged_share
    assert gaps[0].features.plan_met_share < good[0].features.plan_met_share


def test_a_sentence_in_another_language_under_a_dutch_heading_is_not_met(catalogue, embedder, vectors) -> None:  # noqa: ANN001
    english = "An escalation ladder does not exist yet; we will work it out in 2027."
    plan: list = []
    for block in GOOD_PLAN:
        if block[0] == "p" and str(block[1]).startswith("Escalatieladder."):
            plan += [("h2", "Escalatieladder"), ("p", english)]
        else:
            plan.append(block)
    review = review_plan(read_plan(as_text(plan).encode(), "plan.md"), "Zilveren Kruis", catalogue, embedder, vectors)
    ladder = next(f for f in review.findings if f.id == "hr-bs5-escalatieladder")
    assert review.document.judged and ladder.status != "met"
    assert "niet in het Nederlands" in ladder.note or ladder.status == "missing"


def test_requirement_vectors_are_embedded_once_when_asked_from_many_threads(catalogue, embedder) -> None:  # noqa: ANN001
    import threading

    from assistant.review.rank import RequirementVectors

    class Counting:
        name = embedder.name

        def __init__(self) -> None:
            self.texts: list[str] = []

        def embed_passages(self, texts):  # noqa: ANN001, ANN202
            self.texts += texts
            return embedder.embed_passages(texts)

    counting = Counting()
    vectors = RequirementVectors(counting)
    subset = catalogue[:12]
    results: list = []
    threads = [threading.Thread(target=lambda: results.append(vectors(subset))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(counting.texts) == sorted({r.requirement for r in subset})  # each text embedded once
    assert all((r == results[0]).all() for r in results) and results[0].shape == (12, 384)


def test_a_met_the_judge_doubts_is_said_to_be_probably_met(catalogue, embedder, vectors) -> None:  # noqa: ANN001
    from assistant.report import render

    plan = read_plan(make_plan_pdf(GOOD_PLAN), "goed.pdf")
    doubting = review_plan(plan, "Zilveren Kruis", catalogue, embedder, vectors, model=fitted_model().with_threshold(1.0))
    doubted = [f for f in doubting.findings if f.lowered == "uncertain"]
    assert doubted and all(f.status == "partial" and "niet zeker genoeg" in f.note for f in doubted)
    assert doubting.summary.uncertain == len(doubted) and doubting.summary.met == 0
    report = render(doubting, "md")
    assert f"waarvan {len(doubted)} waarschijnlijk voldaan, na te lezen" in report
    assert "## Waarschijnlijk voldaan, na te lezen" in report


def test_the_fit_report_says_how_well_each_feature_separates() -> None:
    import numpy as np

    from evals.fit_judge import CLASSES, _separation

    # a met that holds in plans that hedge little, one that does not in plans that hedge much;
    # the rows the rules do not call met are not the judge's to decide
    holds = [replace(MET, plan_hedged_share=0.05 + i / 100) for i in range(4)]
    fails = [replace(MET, plan_hedged_share=0.40 + i / 100) for i in range(4)]
    other = [replace(MET, rule="partial", plan_hedged_share=0.9)]
    replay = [(f, True) for f in holds + fails + other]
    y = np.array([CLASSES.index("met")] * 4 + [CLASSES.index("partial")] * 4 + [CLASSES.index("met")])
    model = fitted_model()
    separation = _separation(y, replay, [model], np.zeros(len(y), dtype=int))
    assert separation["plan_hedged_share"] == 0.0  # a higher share always speaks against the met
    assert separation["similarity"] == 0.5  # the same for every row: chance
    assert separation["out-of-fold probability"] == 1.0
