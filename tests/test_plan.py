"""Reading a draft plan: exact offsets and pages, its own sections, bouwstenen by content, clear errors."""

from __future__ import annotations

import pytest

from assistant.errors import (
    CorruptFileError,
    EmptyDocumentError,
    EncryptedPdfError,
    FileTooLargeError,
    NoTextLayerError,
    UnsupportedFileError,
)
from assistant.plan import read_plan
from assistant.review.terms import TermIndex, has_term
from assistant.settings import DocumentLimits
from tests.documents import make_image_only_pdf
from tests.plans import (
    GAPS_PLAN,
    GOOD_PLAN,
    as_text,
    encrypt_pdf,
    make_hyphenated_pdf,
    make_plan_docx,
    make_plan_pdf,
)


def _offsets_hold(plan) -> None:  # noqa: ANN001
    for p in plan.passages:
        assert plan.text[p.start:p.end] == p.text
        assert p.page == plan.page_at(p.start)
        assert p.document_id == "plan"


def test_pdf_plan_passages_pages_and_sections() -> None:
    data = make_plan_pdf(GOOD_PLAN, repeat=2)
    plan = read_plan(data, "concept-plan.pdf")
    _offsets_hold(plan)
    assert plan.pages and plan.pages >= 2
    assert {p.page for p in plan.passages} >= {1, 2}
    sections = {p.section[-1] for p in plan.passages if p.section}
    assert {"Wie doen er mee", "Geld"} <= sections
    assert not any("pagina" in p.text for p in plan.passages), "running footer is not plan content"


def test_docx_tables_keep_their_header() -> None:
    plan = read_plan(make_plan_docx(GOOD_PLAN), "plan.docx")
    _offsets_hold(plan)
    rows = [p for p in plan.passages if p.kind == "table_row"]
    assert len(rows) == 4
    assert all(p.lead_in and p.lead_in.startswith("Post") for p in rows[1:])
    assert plan.pages is None and all(p.page is None for p in plan.passages)


def test_markdown_and_nbsp_and_quotes() -> None:
    text = as_text(GOOD_PLAN).replace("lumpsum", "„lumpsum“")
    plan = read_plan(text.encode(), "plan.md")
    _offsets_hold(plan)
    assert any("84\u00a0%" in p.text for p in plan.passages)
    assert any("„lumpsum“" in p.text for p in plan.passages)


def test_plain_text_numbered_capital_headings() -> None:
    text = "RESV-PLAN 2027\n\n1. DEELNEMERS\n\nHuisartsen en apothekers doen mee.\n\n2. BEGROTING\n\nWe vragen € 100.000.\n"
    plan = read_plan(text.encode(), "plan.txt")
    assert [p.section[-1] for p in plan.passages] == ["DEELNEMERS", "BEGROTING"]


def test_words_hyphenated_across_pdf_lines_are_joined() -> None:
    data = make_hyphenated_pdf([["**Samenwerking**", "De regionale samenwerkings-", "verbanden ondertekenden het convenant."], ["Tweede pagina."]])
    plan = read_plan(data, "plan.pdf")
    assert "samenwerkingsverbanden" in plan.text
    first = next(p for p in plan.passages if "samenwerkingsverbanden" in p.text)
    assert first.page == 1 and first.section == ("Samenwerking",)
    assert next(p for p in plan.passages if "Tweede" in p.text).page == 2


def test_term_index_matches_prefixes_phrases_and_compounds() -> None:
    index = TermIndex(["de gemeenten en het sociaal domein", "een kwartaalrapportage aan vgz", "€ 12.000 voor de kassier"])
    assert index.find("gemeente") == {0}
    assert index.find("sociaal domein") == {0}
    assert index.find("*rapportage") == {1}
    assert index.find("rapportage") == frozenset()
    assert index.find("€") == {2}


def test_a_short_word_of_a_phrase_does_not_run_on() -> None:
    # 'op regionaal' is 'op regionaal niveau', never 'opzetten regionaal secretariaat'
    assert has_term("activiteiten op regionaal niveau", "op regionaal")
    assert not has_term("opzetten regionaal secretariaat", "op regionaal")
    assert has_term("de wijkteams sociaal domein", "wijkteam sociaal")  # a longer word still runs on


@pytest.mark.parametrize(
    ("data", "name", "error"),
    [
        (b"", "plan.pdf", EmptyDocumentError),
        (b"   \n ", "plan.txt", EmptyDocumentError),
        (b"%PDF-1.7\n this is not really a pdf", "plan.pdf", CorruptFileError),
        (b"Een gewone tekst, geen PDF.", "plan.pdf", UnsupportedFileError),
        (b"PK\x03\x04 kapot", "plan.docx", UnsupportedFileError),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "plan.doc", UnsupportedFileError),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "plan.png", UnsupportedFileError),
    ],
)
def test_unreadable_files_give_the_right_error(data: bytes, name: str, error: type) -> None:
    with pytest.raises(error) as caught:
        read_plan(data, name)
    assert caught.value.message  # a Dutch message a person can act on


def test_encrypted_pdf() -> None:
    with pytest.raises(EncryptedPdfError, match="wachtwoord|versleuteld"):
        read_plan(encrypt_pdf(make_plan_pdf(GAPS_PLAN)), "plan.pdf")


def test_scanned_pdf_without_text_layer() -> None:
    with pytest.raises(NoTextLayerError, match="tekstlaag"):
        read_plan(make_image_only_pdf(), "scan.pdf")


def test_oversize_and_too_many_pages() -> None:
    data = make_plan_pdf(GOOD_PLAN, repeat=3)
    with pytest.raises(FileTooLargeError):
        read_plan(data, "plan.pdf", DocumentLimits(max_bytes=len(data) - 1))
    with pytest.raises(FileTooLargeError, match="pagina"):
        read_plan(data, "plan.pdf", DocumentLimits(max_pages=1))
