"""Retrieval: BM25 over Dutch stems beside dense vectors, fused by reciprocal rank, on the real corpus index."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.retrieve import BM25, RRF_K, Side, fuse
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.text import terms


@pytest.fixture(scope="module")
def service(built_data_dir, corpus_dir) -> Assistant:  # noqa: ANN001
    assistant = Assistant(Settings(data_dir=built_data_dir, corpus_dir=corpus_dir))
    assistant.warm_up(build_if_missing=False)
    return assistant


def test_bm25_matches_dutch_word_forms_and_nothing_else() -> None:
    index = BM25([terms("De gemeenten stellen middelen beschikbaar."), terms("Het plan beschrijft de escalatieladder.")])
    scores = index.scores(terms("Welke gemeente stelt middelen beschikbaar?"))
    assert scores[0] > 0 and scores[1] == 0
    assert not index.scores(terms("appeltaart")).any()


def test_fusion_votes_by_rank_and_a_lexical_side_votes_only_where_a_term_is_shared() -> None:
    lexical = Side("bm25", np.array([2.0, 0.0, 1.0]), lexical=True)
    dense = Side("dense", np.array([0.1, 0.9, 0.5]), weight=3.0)
    fused, ranks = fuse([lexical, dense])
    assert list(ranks["bm25"]) == [1, 3, 2] and list(ranks["dense"]) == [3, 1, 2]
    assert fused[1] == pytest.approx(3.0 / (RRF_K + 1))  # no shared term: only the dense vote
    faint, _ = fuse([lexical, dense], absent_rank=1000)
    assert faint[1] == pytest.approx(3.0 / (RRF_K + 1) + 1.0 / (RRF_K + 1000))
    kept, kept_ranks = fuse([dense], keep=np.array([True, False, True]))
    assert list(kept_ranks["dense"][[0, 2]]) == [2, 1]  # ranks among the passages kept


def test_each_mode_finds_the_passage_that_answers(service: Assistant) -> None:
    for mode in ("hybrid", "bm25", "dense"):
        hits = service.retrieve("escalatieladder kwartaalrapportages verplicht", mode, k=8)
        assert any(h.passage.bouwsteen == 5 for h in hits), mode


def test_an_english_question_reaches_dutch_passages_through_the_dense_side(service: Assistant) -> None:
    hits = service.retrieve("Which insurer requires an escalation ladder?", "dense", k=8)
    assert any("escalatieladder" in h.passage.text.lower() for h in hits)


def test_filters_and_boosts_are_the_callers(service: Assistant) -> None:
    retriever = service.library.retriever
    only_cz = retriever.search("bouwsteen 4 activiteiten", 5, allow=lambda p: p.insurer == "CZ")
    assert only_cz and all(h.passage.insurer == "CZ" for h in only_cz)
    plain = retriever.search("activiteiten 2027", 5)
    boosted = retriever.search("activiteiten 2027", 5, boost=lambda p: 5.0 if p.insurer == "Menzis" else 1.0)
    assert sum(h.passage.insurer == "Menzis" for h in boosted) >= sum(h.passage.insurer == "Menzis" for h in plain)


def test_one_answer_asks_the_vector_store_once_for_its_question(service: Assistant) -> None:
    retriever = service.library.retriever
    store = retriever.vector_store
    assert store is not None, "the service searches the Chroma collection"
    asked: list[int] = []
    real_query = store.query

    def counting_query(vector, k):  # noqa: ANN001, ANN202 - the real query, counted
        asked.append(k)
        return real_query(vector, k)

    store.query = counting_query
    try:
        # a date question: its hits, then the passages closest in meaning to it
        answer = service.ask("Vóór welke datum moeten de samenwerkende partijen hun stukken indienen?")
    finally:
        del store.query
    assert not answer.abstained
    assert len(asked) == 1, asked
