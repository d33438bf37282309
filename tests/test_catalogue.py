"""The requirement catalogue: complete, well-formed, and every source quote verbatim in the corpus."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from assistant.catalogue import load_catalogue, locate_quote
from assistant.errors import CorpusError
from assistant.ingest.corpus import passages_of
from assistant.ingest.manifest import load_document, read_manifest
from assistant.settings import PROJECT_ROOT
from assistant.text import collapse

CORPUS = PROJECT_ROOT / "corpus"
INSURERS = ("Zilveren Kruis", "CZ", "VGZ", "Menzis")


def test_size_and_unique_ids(catalogue) -> None:  # noqa: ANN001
    ids = [r.id for r in catalogue]
    assert len(ids) == len(set(ids))
    per_insurer = Counter(r.insurer for r in catalogue)
    assert 35 <= per_insurer[None] <= 60
    assert all(12 <= per_insurer[name] <= 30 for name in INSURERS)


@pytest.mark.parametrize("insurer", [None, *INSURERS])
def test_every_bouwsteen_has_requirements(catalogue, insurer) -> None:  # noqa: ANN001
    assert {r.bouwsteen for r in catalogue if r.insurer == insurer} == set(range(1, 8))


def test_ids_name_their_source(catalogue) -> None:  # noqa: ANN001
    prefix = {None: "hr", "Zilveren Kruis": "zk", "CZ": "cz", "VGZ": "vgz", "Menzis": "mz"}
    for r in catalogue:
        assert r.id.startswith(f"{prefix[r.insurer]}-bs{r.bouwsteen}-"), r.id


def test_every_quote_is_verbatim_at_its_offsets(catalogue) -> None:  # noqa: ANN001
    documents = {info.id: load_document(CORPUS, info) for info in read_manifest(CORPUS)}
    spans = {doc_id: [(p.start, p.end) for p in passages_of(doc)] for doc_id, doc in documents.items()}
    for r in catalogue:
        text = documents[r.document].text
        assert r.start is not None and r.end is not None, r.id
        assert collapse(text[r.start:r.end]) == collapse(r.quote), r.id
        assert any(s <= r.start and r.end <= e for s, e in spans[r.document]), r.id


def test_insurer_requirements_quote_the_insurers_cell(catalogue) -> None:  # noqa: ANN001
    documents = {info.id: load_document(CORPUS, info) for info in read_manifest(CORPUS)}
    policy = documents["inkoopbeleid-resv-verzekeraars"]
    cells = [p for p in passages_of(policy) if p.kind == "cell"]
    for r in catalogue:
        if r.insurer is None:
            continue
        cell = next(p for p in cells if p.start <= r.start and r.end <= p.end)
        assert (cell.insurer, cell.bouwsteen) == (r.insurer, r.bouwsteen), r.id


def test_thresholds_are_data(catalogue) -> None:  # noqa: ANN001
    by_id = {r.id: r for r in catalogue}
    assert by_id["zk-bs1-mandatering-kernspelers"].numbers[0].min_percent == 75
    assert by_id["mz-bs1-operationele-wijkverbanden-start"].numbers[0].min_percent == 20
    assert by_id["zk-bs1-paramedische-subdisciplines"].numbers[0].min_count == 3
    assert by_id["hr-bs1-werkgebied-postcode"].postcode
    assert by_id["vgz-bs3-impact-smart"].smart


def _corpus_with(tmp_path: Path, entry: str) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    (target / "requirements.toml").write_text('version = "test"\n\n[[requirement]]\n' + entry, encoding="utf-8")
    return target


ENTRY = """id = "hr-bs5-test"
bouwsteen = 5
requirement = "Het plan bevat een escalatieladder."
document = "handreiking-contractering-resv"
section = "Bouwsteen 5 – Executiekracht"
concepts = [["escalatie"]]
"""


def test_a_quote_not_in_the_corpus_is_an_error(tmp_path: Path) -> None:
    corpus = _corpus_with(tmp_path, ENTRY + 'quote = "Het RESV-plan bevat een noodplan"\n')
    with pytest.raises(CorpusError, match="hr-bs5-test"):
        load_catalogue(corpus)


def test_an_ambiguous_quote_must_name_its_occurrence(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="occurrence"):
        load_catalogue(_corpus_with(tmp_path, ENTRY + 'quote = "Het RESV-plan beschrijft"\n'))
    second = load_catalogue(_corpus_with(tmp_path / "b", ENTRY + 'quote = "Het RESV-plan beschrijft"\noccurrence = 2\n'))
    first_at = locate_quote(load_document(CORPUS, read_manifest(CORPUS)[0]).text, "Het RESV-plan beschrijft", 1)[0]
    assert second[0].start > first_at


def test_whitespace_in_a_quote_may_differ(tmp_path: Path) -> None:
    quote = "hoe verantwoording wordt afgelegd over de inkomsten en uitgaven"  # a line break in the source
    [requirement] = load_catalogue(_corpus_with(tmp_path, ENTRY + f'quote = "{quote}"\n'))
    assert requirement.end - requirement.start > len(quote) - 5


def test_an_entry_without_evidence_terms_is_refused(tmp_path: Path) -> None:
    entry = ENTRY.replace('concepts = [["escalatie"]]\n', "") + 'quote = "Het RESV-plan bevat een escalatieladder"\n'
    with pytest.raises(CorpusError, match="hr-bs5-test"):
        load_catalogue(_corpus_with(tmp_path, entry))


def test_thin_wordings_join_their_concept_group(tmp_path: Path) -> None:
    entry = ENTRY + 'quote = "Het RESV-plan bevat een escalatieladder"\nthin = [["geschil"]]\n'
    [requirement] = load_catalogue(_corpus_with(tmp_path, entry))
    assert requirement.groups == [("escalatie", "geschil")]
    assert "geschil" in requirement.all_terms
    too_many = ENTRY + 'quote = "Het RESV-plan bevat een escalatieladder"\nthin = [["a"], ["b"]]\n'
    with pytest.raises(CorpusError, match="hr-bs5-test"):
        load_catalogue(_corpus_with(tmp_path / "b", too_many))


def test_a_number_rule_needs_one_threshold(tmp_path: Path) -> None:
    entry = ENTRY + 'quote = "Het RESV-plan bevat een escalatieladder"\nnumbers = [{ what = "x", terms = ["x"] }]\n'
    with pytest.raises(CorpusError, match="threshold|min_percent"):
        load_catalogue(_corpus_with(tmp_path, entry))


def test_missing_catalogue_file(tmp_path: Path) -> None:
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    (target / "requirements.toml").unlink()
    with pytest.raises(CorpusError, match="requirements.toml"):
        load_catalogue(target)


def test_no_catalogue_term_comes_only_from_an_eval_plan() -> None:
    import tomllib

    from evals.term_audit import CATALOGUE, eval_plans, recorded_real_terms, seen_plans, source_text, suspect_terms

    catalogue = tomllib.loads(CATALOGUE.read_text(encoding="utf-8"))
    assert suspect_terms(catalogue, source_text(), eval_plans(catalogue.get("version")), seen_plans(), recorded_real_terms()) == []


def test_plans_written_after_the_catalogue_are_no_origin_of_its_terms() -> None:
    from evals.term_audit import eval_plans

    everything, before = eval_plans(), eval_plans("2026-12-02.1")
    assert "cz-heuvelrand" in everything and "cz-heuvelrand" not in before
    assert "cz-baronie" in before  # written before that catalogue: a possible origin


def test_recorded_real_document_terms_are_current() -> None:
    import tomllib

    from evals.term_audit import CATALOGUE, REAL, real_documents_here, recorded_real_terms, terms_in_real_documents

    if not real_documents_here():
        pytest.skip(f"{REAL} is not on this machine")
    catalogue = tomllib.loads(CATALOGUE.read_text(encoding="utf-8"))
    # the file vouches for exactly the catalogue terms the real documents hold; refresh with --refresh
    assert recorded_real_terms() & _all_terms(catalogue) == terms_in_real_documents(catalogue)


def _all_terms(catalogue: dict) -> set[str]:
    from evals.term_audit import catalogue_terms

    return {term for entry in catalogue["requirement"] for term in catalogue_terms(entry)}


def test_term_audit_flags_a_phrase_found_only_in_a_plan() -> None:
    from evals.term_audit import suspect_terms

    catalogue = {"requirement": [{"id": "hr-bs1-x", "concepts": [["werkgebied", "loopt via de kassier"]]}]}
    plans = {"a": "De betaling loopt via de kassier.", "b": "Het werkgebied is klein."}
    assert suspect_terms(catalogue, "Het werkgebied van het samenwerkingsverband.", plans) == [("hr-bs1-x", "loopt via de kassier", ["a"])]


def test_term_audit_flags_a_long_compound_found_in_plans_only_and_keeps_a_short_word() -> None:
    from evals.term_audit import suspect_terms

    entries = {"requirement": [{"id": "hr-bs5-x", "concepts": [["overlegstructuurtafel", "stichting"]]}]}
    plans = {"a": "De overlegstructuurtafel van de stichting.", "b": "Een overlegstructuurtafel en een stichting."}
    assert suspect_terms(entries, "Het samenwerkingsverband.", plans, seen={"a", "b"}) == [("hr-bs5-x", "overlegstructuurtafel", ["a", "b"])]
    assert suspect_terms(entries, "De overlegstructuurtafel.", plans, seen={"a", "b"}) == []  # a source has it
