"""Bounded work and clear errors for every document a person can hand in: real hostile and damaged files.

Each limit is checked before the parse it guards, so a refusal is fast; each failure of pypdf,
zipfile, lxml or python-docx is a `DocumentError` with its HTTP status and a Dutch message.
"""

from __future__ import annotations

import io
import time
import zipfile

import pytest

from assistant.errors import CorruptFileError, DocumentError, EncryptedPdfError, FileTooLargeError, UnsupportedFileError
from assistant.ingest.loaders import load_bytes
from assistant.settings import MB, DocumentLimits, Settings
from tests.documents import make_pdf
from tests.hostile import (
    PLAN_LINES,
    base_docx,
    docx_with_body,
    drawing_instructions,
    encrypted_pdf,
    paragraphs,
    pdf_stream_bomb,
    raw_pdf,
    rewrite_docx,
    table,
)


def refused(data: bytes, filename: str, error: type, status: int, words: str, limits: DocumentLimits | None = None,
            seconds: float = 5.0) -> str:
    """`load_bytes` raises `error` quickly, with `status` and a message holding `words`."""
    began = time.perf_counter()
    with pytest.raises(error) as caught:
        load_bytes(data, filename, limits)
    assert time.perf_counter() - began < seconds, "refused, but only after the expensive work"
    assert caught.value.status_code == status
    assert words in caught.value.message, caught.value.message
    return caught.value.message


# --- limits ------------------------------------------------------------------------------------------


def test_settings_carry_every_limit_from_the_environment(monkeypatch):
    assert Settings().document_limits == DocumentLimits()
    for name, value in [("RESV_MAX_TEXT_CHARS", "5000"), ("RESV_MAX_UNZIPPED_MB", "2"), ("RESV_MAX_ZIP_MEMBERS", "50"),
                        ("RESV_MAX_BLOCKS", "300"), ("RESV_MAX_UPLOAD_MB", "1"), ("RESV_MAX_PAGES", "3"),
                        ("RESV_MAX_PDF_CONTENT_MB", "4")]:
        monkeypatch.setenv(name, value)
    assert Settings().document_limits == DocumentLimits(max_bytes=MB, max_pages=3, max_text_chars=5000, max_unzipped_bytes=2 * MB,
                                                        max_zip_members=50, max_blocks=300, max_pdf_content_bytes=4 * MB)


def test_a_docx_of_200000_tiny_paragraphs_is_refused_before_python_docx_parses_it():
    data = docx_with_body(paragraphs(200_000))
    assert len(data) < MB
    message = refused(data, "plan.docx", FileTooLargeError, 413, "meer dan 50000 alinea's en tabelcellen")
    assert "Splits het" in message


def test_table_cells_count_toward_the_block_limit():
    limits = DocumentLimits(max_blocks=100)
    refused(docx_with_body(table(rows=10, columns=10)), "plan.docx", FileTooLargeError, 413, "meer dan 100 alinea's", limits)
    assert "cel 3.0\tcel 3.1" in load_bytes(docx_with_body(table(rows=4, columns=10)), "plan.docx", limits).text


def test_a_zip_bomb_is_refused_by_its_unpacked_size():
    data = rewrite_docx(add={"word/media/leeg.bin": bytes(101 * MB)})  # 101 MB of zeros, deflated to ~100 KB
    assert len(data) < MB
    refused(data, "plan.docx", FileTooLargeError, 413, "uitgepakt 102 MB; de grens is 100 MB")


def test_a_docx_of_thousands_of_members_is_refused():
    data = rewrite_docx(add={f"customXml/item{i}.xml": b"<x/>" for i in range(2, 1200)})
    refused(data, "plan.docx", FileTooLargeError, 413, "losse onderdelen; de grens is 1000")


def test_the_text_of_every_format_is_capped():
    limits = DocumentLimits(max_text_chars=2000)
    long_line = "Het samenwerkingsverband zet in op hechte wijkverbanden in elke kern. " * 40
    refused(docx_with_body(paragraphs(5, long_line.encode())), "plan.docx", FileTooLargeError, 413, "meer dan 2.000 tekens", limits)
    refused(make_pdf([[long_line[:90]] * 40] * 3), "plan.pdf", FileTooLargeError, 413, "meer dan 2.000 tekens", limits)
    refused(long_line.encode(), "plan.md", FileTooLargeError, 413, "meer dan 2.000 tekens", limits)
    refused(f"<html><body><p>{long_line}</p></body></html>".encode(), "plan.html", FileTooLargeError, 413, "2.000 tekens", limits)
    assert load_bytes(long_line[:1500].encode(), "plan.txt", limits).text.startswith("Het samenwerkingsverband")


def test_a_pdf_stream_that_inflates_past_pypdfs_limit_is_refused():
    refused(pdf_stream_bomb(), "plan.pdf", FileTooLargeError, 413, "uitgepakt te groot")


def test_a_pdf_full_of_drawing_instructions_is_refused_before_they_are_interpreted():
    """30 MB of instructions in a 90 KB file would cost pypdf about 90 s; the budget stops it first."""
    bomb = raw_pdf(drawing_instructions(30))
    assert len(bomb) < 200_000
    refused(bomb, "plan.pdf", FileTooLargeError, 413, "meer dan 25 MB aan opmaakinstructies")
    limits = DocumentLimits(max_pdf_content_bytes=MB)
    hidden_in_a_form = raw_pdf(b"q /X0 Do Q\n", form=drawing_instructions(1.5))
    refused(hidden_in_a_form, "plan.pdf", FileTooLargeError, 413, "meer dan 1 MB aan opmaakinstructies", limits)
    assert load_bytes(raw_pdf(b"q /X0 Do Q\n", form=drawing_instructions(0.01)), "plan.pdf", limits).text.startswith("x")


# --- damaged and disguised files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "filename", "error", "status", "words"),
    [
        (lambda: base_docx()[: len(base_docx()) // 2], "plan.docx", UnsupportedFileError, 415, "zip-archief is beschadigd"),
        (lambda: rewrite_docx(drop=("word/document.xml",)), "plan.docx", UnsupportedFileError, 415, "geen Word-document (.docx)."),
        (lambda: rewrite_docx(drop=("word/document.xml",), add={"xl/workbook.xml": b"<workbook/>"}), "plan.docx",
         UnsupportedFileError, 415, "Excel-werkmap"),
        (lambda: rewrite_docx(drop=("[Content_Types].xml",)), "plan.docx", CorruptFileError, 422, "opnieuw op als .docx"),
        (lambda: rewrite_docx(drop=("word/styles.xml",)), "plan.docx", CorruptFileError, 422, "beschadigd"),
        (lambda: rewrite_docx({"word/document.xml": b"<w:document><w:body><w:p>"}), "plan.docx", CorruptFileError, 422,
         "geen geldige XML"),
        (lambda: rewrite_docx({"[Content_Types].xml": _content_types().replace(b"wordprocessingml.document.main+xml",
                                                                             b"spreadsheetml.sheet.main+xml")}),
         "plan.docx", CorruptFileError, 422, "beschadigd"),
        (lambda: _flip_bytes_of("word/document.xml"), "plan.docx", UnsupportedFileError, 415, "zip-archief is beschadigd"),
        (lambda: _flip_bytes_of("word/styles.xml"), "plan.docx", CorruptFileError, 422, "kan niet gelezen worden (zlib.error)"),
        (lambda: make_pdf([PLAN_LINES])[: len(make_pdf([PLAN_LINES])) // 2], "plan.pdf", CorruptFileError, 422, "PDF-bestand is beschadigd"),
        (lambda: base_docx(), "plan.pdf", UnsupportedFileError, 415, "heet .pdf maar is geen PDF"),
    ],
    ids=["truncated-zip", "no-document-xml", "xlsx-renamed", "no-content-types", "no-styles", "broken-xml", "wrong-main-part",
         "bad-deflate-body", "bad-deflate-styles", "truncated-pdf", "docx-renamed-pdf"],
)
def test_damaged_documents_get_a_clear_error(make, filename, error, status, words):
    refused(make(), filename, error, status, words)


def test_an_entity_bomb_in_the_body_is_not_expanded():
    entities = "".join(f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, 9))
    document = (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e0 "lol">{entities}]>'
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                "<w:body><w:p><w:r><w:t>&e8;</w:t></w:r></w:p></w:body></w:document>").encode()
    refused(rewrite_docx({"word/document.xml": document}), "plan.docx", CorruptFileError, 422, "geen geldige XML")


def test_a_paragraph_with_an_unknown_style_reads_as_body_text():
    body = _member(base_docx(), "word/document.xml").replace(b"<w:p>", b'<w:p><w:pPr><w:pStyle w:val="Bestaatniet"/></w:pPr>', 1)
    extracted = load_bytes(rewrite_docx({"word/document.xml": body}), "plan.docx")
    assert PLAN_LINES[1] in extracted.text


def test_a_large_real_docx_reads_quickly():
    """python-docx's own style lookup costs 1.5 ms a paragraph; the loader names styles once."""
    began = time.perf_counter()
    extracted = load_bytes(docx_with_body(paragraphs(20_000, b"Een alinea van het plan.")), "plan.docx")
    assert extracted.text.count("Een alinea van het plan.") == 20_000
    assert time.perf_counter() - began < 10


# --- encrypted PDFs --------------------------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["AES-256", "AES-128", "RC4-128"])
def test_a_pdf_with_an_empty_open_password_is_read(algorithm):
    extracted = load_bytes(encrypted_pdf(algorithm, open_password=""), "plan.pdf")
    assert PLAN_LINES[1] in extracted.text


@pytest.mark.parametrize("algorithm", ["AES-256", "AES-128", "RC4-128"])
def test_a_pdf_that_needs_a_password_is_refused(algorithm):
    refused(encrypted_pdf(algorithm, open_password="geheim"), "plan.pdf", EncryptedPdfError, 422, "met een wachtwoord beveiligd")


# --- helpers ---------------------------------------------------------------------------------------------


def _member(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name)


def _content_types() -> bytes:
    return _member(base_docx(), "[Content_Types].xml")


def _flip_bytes_of(name: str) -> bytes:
    """A DOCX whose member `name` has its deflated data overwritten: the zip directory is intact."""
    data = bytearray(base_docx())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo(name)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start:start + 40] = b"\xff" * 40
    return bytes(data)


@pytest.mark.parametrize(("field", "unknown"), [(b"/Filter /Standard", b"/Filter /PubSecXX"), (b"/V 2", b"/V 9")],
                         ids=["certificate-handler", "unknown-version"])
def test_a_pdf_encrypted_in_a_way_pypdf_lacks_is_refused_clearly(field, unknown):
    data = encrypted_pdf("RC4-128", open_password="").replace(field, unknown)  # same length: the offsets stay right
    refused(data, "plan.pdf", DocumentError, 422, "versleuteling of codering die deze installatie niet kan lezen")
