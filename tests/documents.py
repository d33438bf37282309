"""Real files made by tests: PDFs with reportlab, DOCX with python-docx."""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas


# One page of a letter: its closing and signature spaced as letters set them.
LETTER = ["Voortgang van het programma",
          "Hierbij informeren wij u over de voortgang van het programma in het afgelopen jaar.",
          "Wij zullen u na de zomer opnieuw informeren over de resultaten.",
          " ", "Hoogachtend,", " ", "de minister van Volksgezondheid,", " ", " ", "Anna de Vries"]


def one_document_corpus(folder: Path, name: str, content: bytes | str, kind: str = "other") -> Path:
    """`folder` as a corpus of one file, `name`, with its manifest entry; returns `folder`."""
    data = content.encode() if isinstance(content, str) else content
    (folder / name).write_bytes(data)
    (folder / "manifest.toml").write_text(f'[[document]]\nid = "doc"\ntitle = "Document"\nkind = "{kind}"\nfile = "{name}"\n',
                                          encoding="utf-8")
    return folder


def one_document_service(tmp_path: Path, name: str, content: bytes | str):  # noqa: ANN201 - an Assistant
    """An assistant over a corpus of one document (in `tmp_path`/corpus, its index in `tmp_path`/data)."""
    from assistant.service import Assistant
    from assistant.settings import Settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    return Assistant(Settings(data_dir=tmp_path / "data", corpus_dir=one_document_corpus(corpus, name, content)))


def make_pdf(pages: list[list[str]], password: str | None = None) -> bytes:
    """A PDF with one text line per entry, page by page; optionally encrypted."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, encrypt=password)
    for lines in pages:
        y = 800
        for line in lines:
            pdf.drawString(60, y, line)
            y -= 16
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def make_image_only_pdf() -> bytes:
    """A 'scanned' PDF: drawings, no text layer."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.rect(50, 50, 400, 600, fill=1)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def make_docx(blocks: list[tuple[str, str]], table: list[list[str]] | None = None) -> bytes:
    """A Word document from (style, text) pairs: style is 'h1', 'h2', 'p' or 'li'."""
    import docx

    document = docx.Document()
    for style, text in blocks:
        if style in ("h1", "h2"):
            document.add_heading(text, level=int(style[1]))
        elif style == "li":
            document.add_paragraph(text, style="List Bullet")
        else:
            document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
