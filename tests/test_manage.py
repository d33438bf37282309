"""Adding and removing corpus documents: validated, indexed beside the others, and all-or-nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.errors import BadInputError, CorpusError, DocumentError, EmptyDocumentError
from assistant.ingest.manifest import read_manifest
from assistant.settings import Settings
from tests.documents import LETTER, make_image_only_pdf, make_pdf
from tests.plans import GOOD_PLAN, make_plan_docx

AGREEMENT = [
    ("h1", "Akkoord Eerstelijn Noorderveld 2026"),
    ("p", "De partijen spreken af dat de wachttijd voor fysiotherapie uiterlijk op 1 maart 2027 onder de vier weken ligt."),
    ("p", "Voor de uitvoering stellen de gemeenten samen € 240.000 per jaar beschikbaar."),
]


@pytest.fixture
def service(private_data_dir: Path, corpus_dir: Path, tmp_path: Path):  # noqa: ANN201
    from assistant.service import Assistant

    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_dir, corpus)
    assistant = Assistant(Settings(data_dir=private_data_dir, corpus_dir=corpus))
    assistant.warm_up(build_if_missing=False)
    return assistant


def _state(service) -> tuple[str, list[str], str]:  # noqa: ANN001
    corpus = service.settings.corpus_dir
    return (corpus / "manifest.toml").read_text(encoding="utf-8"), sorted(p.name for p in corpus.iterdir()), service.index.current_build()


def test_added_document_is_listed_and_answered_from(service) -> None:  # noqa: ANN001
    added = service.add_document(make_plan_docx(AGREEMENT), "akkoord.docx", kind="other", title="Akkoord Eerstelijn Noorderveld",
                                 version="2026")
    assert added.id == "akkoord-eerstelijn-noorderveld" and added.file == "akkoord-eerstelijn-noorderveld.docx"
    assert (service.settings.corpus_dir / added.file).is_file()
    assert 'id = "akkoord-eerstelijn-noorderveld"' in (service.settings.corpus_dir / "manifest.toml").read_text(encoding="utf-8")
    assert added.id in {d.id for d in service.documents()}
    answer = service.ask("Hoeveel geld stellen de gemeenten in Noorderveld beschikbaar voor de wachttijd fysiotherapie?")
    assert not answer.abstained
    assert any(c.document == added.id for c in answer.citations)
    for citation in answer.citations:
        assert service.citation_is_valid(citation)


@pytest.mark.parametrize("data, name, error", [
    (b"", "leeg.pdf", DocumentError),
    (b"geen pdf", "kapot.pdf", DocumentError),
    (None, "scan.pdf", DocumentError),
])
def test_bad_file_leaves_corpus_and_index_as_they_were(service, data, name, error) -> None:  # noqa: ANN001
    before = _state(service)
    with pytest.raises(error):
        service.add_document(make_image_only_pdf() if data is None else data, name, kind="other", title="Iets")
    assert _state(service) == before


@pytest.mark.parametrize(("data", "name", "kind", "words"), [
    (b"\xef\xbb\xbf# RESV-plan\n", "kop.md", "other", "geen passages"),
    (b"Beleid zonder tabel.\n\nAlleen lopende tekst over de regio.", "beleid.txt", "inkoopbeleid", "geen tabel"),
], ids=["heading-only", "policy-without-table"])
def test_a_document_with_nothing_to_cite_is_refused_before_any_build(service, data, name, kind, words) -> None:  # noqa: ANN001
    """Found by the API fuzz suite: this was a CorpusError from the staged build, a 500 over HTTP."""
    before = _state(service)
    with pytest.raises(EmptyDocumentError, match=words) as refused:
        service.add_document(data, name, kind=kind, title="Niets te citeren")
    assert refused.value.status_code == 422
    assert _state(service) == before


def test_entry_text_with_line_breaks_quotes_and_backslashes_reads_back(service) -> None:  # noqa: ANN001
    """Found by the API fuzz suite: a line break in `version` wrote a manifest that no longer parsed (a 500 over HTTP)."""
    added = service.add_document(make_plan_docx(AGREEMENT), "akkoord.docx", kind="other", title="Akkoord Noorderveld",
                                 version="2026\nconcept", origin='C:\\map\\"akkoord"\t(bijlage)')
    entry = next(e for e in read_manifest(service.settings.corpus_dir) if e.id == added.id)
    assert entry.version == "2026\nconcept" and entry.origin == 'C:\\map\\"akkoord"\t(bijlage)'


@pytest.mark.parametrize("field", ["title", "version", "origin"])
def test_entry_text_that_cannot_be_written_is_refused(service, field) -> None:  # noqa: ANN001
    """A lone surrogate (from undecodable command-line bytes) or a direction override never reaches the manifest."""
    before = _state(service)
    for hidden in ("\udcff", "\u202e"):
        with pytest.raises(BadInputError, match="thuishoort"):
            service.add_document(make_plan_docx(AGREEMENT), "akkoord.docx", kind="other",
                                 **{"title": "Akkoord Noorderveld", field: f"Akkoord {hidden}"})
    assert _state(service) == before


def test_the_last_document_is_refused_as_bad_input(tmp_path: Path) -> None:
    """A person's request, so a 400 over HTTP (it was a CorpusError: a 500)."""
    from assistant.ingest.manage import remove_document

    (tmp_path / "manifest.toml").write_text('[[document]]\nid = "enig"\ntitle = "Enig"\nkind = "other"\nfile = "enig.md"\n',
                                            encoding="utf-8")
    with pytest.raises(BadInputError, match="laatste document"):
        remove_document(tmp_path, "enig", lambda stage: None, set())


def test_duplicate_and_bad_entries_are_refused(service) -> None:  # noqa: ANN001
    data = make_plan_docx(AGREEMENT)
    service.add_document(data, "a.docx", kind="other", title="Akkoord A")
    before = _state(service)
    with pytest.raises(BadInputError, match="staat al in het corpus"):
        service.add_document(data, "b.docx", kind="other", title="Akkoord B")
    with pytest.raises(BadInputError, match="al een document met id"):
        service.add_document(make_plan_docx(GOOD_PLAN), "c.docx", kind="other", title="Akkoord A")
    with pytest.raises(BadInputError, match="Onbekende soort"):
        service.add_document(make_plan_docx(GOOD_PLAN), "c.docx", kind="brief", title="Akkoord C")
    with pytest.raises(BadInputError):
        service.add_document(make_plan_docx(GOOD_PLAN), "c.docx", kind="other", title="Akkoord C", insurer="DSW")
    assert _state(service) == before


def test_failed_build_leaves_corpus_and_index_as_they_were(service, monkeypatch) -> None:  # noqa: ANN001
    before = _state(service)

    def broken(corpus_dir, progress=None):  # noqa: ANN001, ANN202 - a build that dies halfway (disk full, killed)
        raise CorpusError("index kon niet worden gebouwd")

    monkeypatch.setattr(type(service.index), "build", lambda self, corpus_dir, progress=None: broken(corpus_dir))
    with pytest.raises(CorpusError):
        service.add_document(make_plan_docx(AGREEMENT), "akkoord.docx", kind="other", title="Akkoord")
    assert _state(service) == before


def test_remove_keeps_the_file_aside_and_refuses_quoted_sources(service) -> None:  # noqa: ANN001
    before = _state(service)
    added = service.add_document(make_plan_docx(AGREEMENT), "akkoord.docx", kind="other", title="Akkoord Noorderveld")
    service.remove_document(added.id)
    manifest, files, _ = _state(service)
    assert manifest == before[0]
    assert f".removed-{added.file}" in files and added.file not in files
    assert added.id not in {d.id for d in service.documents()}
    with pytest.raises(BadInputError, match="eisencatalogus"):
        service.remove_document("handreiking-contractering-resv")
    with pytest.raises(BadInputError, match="Geen document"):
        service.remove_document("bestaat-niet")


def test_which_insurers_quotes_another_document_under_its_own_title(service) -> None:  # noqa: ANN001
    service.add_document(make_plan_docx(AGREEMENT), "akkoord.docx", kind="other", title="Akkoord Eerstelijn Noorderveld")
    answer = service.ask("Welke verzekeraars zeggen iets over de wachttijd voor fysiotherapie?")
    agreement = [c for c in answer.citations if c.document == "akkoord-eerstelijn-noorderveld"]
    assert agreement and "wachttijd" in agreement[0].quote
    heading = answer.answer.rfind("**", 0, answer.answer.index(agreement[0].quote))
    assert answer.answer[answer.answer.rfind("**", 0, heading) + 2:heading].startswith("Akkoord Eerstelijn Noorderveld")
    for citation in answer.citations:
        assert service.citation_is_valid(citation)


def test_who_signed_a_letter_is_its_signature_and_only_that_letters(service) -> None:  # noqa: ANN001
    service.add_document(make_pdf([LETTER]), "brief.pdf", kind="other", title="Brief over de voortgang van het programma")
    service.add_document(make_plan_docx(AGREEMENT), "akkoord.docx", kind="other", title="Akkoord Eerstelijn Noorderveld")
    for question in ("Wie heeft de brief over de voortgang ondertekend?", "Who signed the progress letter?"):
        answer = service.ask(question)
        assert not answer.abstained and "Anna de Vries" in answer.answer[:300], question
        assert [c.section for c in answer.citations] == ["Ondertekening"]
        assert all(service.citation_is_valid(c) for c in answer.citations)
    # another document's signers are not this letter's
    answer = service.ask("Wie hebben het Akkoord Eerstelijn Noorderveld ondertekend?")
    assert "Anna de Vries" not in answer.answer
