"""Renderers of parsed plan blocks: PDF (reportlab), DOCX (python-docx) and plain text."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from evals.plans.blocks import Block, Heading, ListBlock, PageBreak, Para, Table, plain, runs

# --------------------------------------------------------------------------- PDF

# Soft hyphens at compound boundaries let reportlab break long Dutch words across lines, the
# way word processors hyphenate: extracted text then holds "samenwerkings-\nverband".
_JOINTS = ("samenwerkings", "eerstelijns", "huisartsen", "wijkverpleeg", "wijk", "zorg",
           "verzekeraars", "regio", "mandaat", "ontwikkel", "financierings", "verantwoordings",
           "beroeps", "ouderen", "capaciteits", "gezondheids", "apothekers", "transformatie")


def _soft_hyphenate(text: str) -> str:
    def fix(m: re.Match) -> str:
        word = m.group(0)
        low = word.lower()
        for joint in _JOINTS:
            j = low.find(joint)
            cut = j + len(joint)
            if j >= 0 and len(word) - cut >= 5 and cut >= 6:
                return word[:cut] + "\u00ad" + word[cut:]
        return word
    return re.sub(r"[A-Za-zÀ-ÿ]{15,}", fix, text)


def _pdf_markup(text: str, hyphenate: bool) -> str:
    parts = []
    for t, bold, italic in runs(text):
        t = t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if hyphenate:
            t = _soft_hyphenate(t)
        if bold:
            t = f"<b>{t}</b>"
        if italic:
            t = f"<i>{t}</i>"
        parts.append(t)
    return "".join(parts)


def to_pdf(blocks: list[Block], path: Path, footer: str, hyphenate: bool) -> None:
    """Write `blocks` as an A4 PDF with `footer` and page numbers; `hyphenate` justifies and breaks long words."""
    import reportlab
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import (KeepTogether, ListFlowable, ListItem, PageBreak as RLPageBreak,
                                    Paragraph, SimpleDocTemplate, Spacer, Table as RLTable, TableStyle)

    # Bitstream Vera ships with reportlab, so the build does not depend on system fonts.
    fonts = Path(reportlab.__file__).parent / "fonts"
    for name, file in (("Vera", "Vera.ttf"), ("Vera-Bold", "VeraBd.ttf"),
                       ("Vera-Italic", "VeraIt.ttf"), ("Vera-BoldItalic", "VeraBI.ttf")):
        pdfmetrics.registerFont(TTFont(name, str(fonts / file)))
    pdfmetrics.registerFontFamily("Vera", normal="Vera", bold="Vera-Bold", italic="Vera-Italic",
                                  boldItalic="Vera-BoldItalic")

    hy = {"embeddedHyphenation": 1, "uriWasteReduce": 0} if hyphenate else {}
    body = ParagraphStyle("body", fontName="Vera", fontSize=9.5, leading=13.2, spaceAfter=5,
                          alignment=TA_JUSTIFY if hyphenate else 0, **hy)
    cell = ParagraphStyle("cell", fontName="Vera", fontSize=8, leading=10, **hy)
    head_cell = ParagraphStyle("headcell", parent=cell, fontName="Vera-Bold")
    heads = {
        1: ParagraphStyle("h1", fontName="Vera-Bold", fontSize=17, leading=21, spaceBefore=6, spaceAfter=10,
                          textColor=colors.HexColor("#1f4e79")),
        2: ParagraphStyle("h2", fontName="Vera-Bold", fontSize=13, leading=16, spaceBefore=12, spaceAfter=6,
                          textColor=colors.HexColor("#1f4e79")),
        3: ParagraphStyle("h3", fontName="Vera-Bold", fontSize=10.5, leading=13, spaceBefore=8, spaceAfter=4),
        4: ParagraphStyle("h4", fontName="Vera-BoldItalic", fontSize=9.5, leading=12, spaceBefore=6, spaceAfter=3),
    }
    width = A4[0] - 44 * mm

    def bullets(block: ListBlock):
        # Build nested ListFlowables from (level, text) items.
        def build(items, start, level):
            flow, i = [], start
            while i < len(items):
                lvl, text = items[i]
                if lvl < level:
                    break
                if lvl > level:
                    sub, i = build(items, i, lvl)
                    flow.append(sub)
                    continue
                flow.append(ListItem(Paragraph(_pdf_markup(text, hyphenate), body), leftIndent=14 + 12 * lvl))
                i += 1
            kind = "1" if block.ordered and level == 0 else "bullet"
            return ListFlowable(flow, bulletType=kind, start="•" if kind == "bullet" else 1,
                                bulletFontName="Vera", bulletFontSize=8, leftIndent=14 + 12 * level), i
        return build(block.items, 0, 0)[0]

    story = []
    for block in blocks:
        if isinstance(block, Heading):
            story.append(Paragraph(_pdf_markup(block.text, False), heads[min(block.level, 4)]))
        elif isinstance(block, Para):
            story.append(Paragraph(_pdf_markup(block.text, hyphenate), body))
        elif isinstance(block, ListBlock):
            story.append(bullets(block))
            story.append(Spacer(1, 4))
        elif isinstance(block, Table):
            n = len(block.header)
            lengths = [max(len(plain(r[c])) for r in [block.header, *block.rows]) for c in range(n)]
            weights = [min(max(x, 4), 60) ** 0.8 for x in lengths]
            floor = 34.0  # points: a header word like "Nr." must still fit
            col_widths = [width * w / sum(weights) for w in weights]
            short = [i for i, w in enumerate(col_widths) if w < floor]
            if short:
                spare = width - floor * len(short)
                rest = sum(weights[i] for i in range(n) if i not in short)
                col_widths = [floor if i in short else spare * weights[i] / rest for i in range(n)]
            data = [[Paragraph(_pdf_markup(c, False), head_cell) for c in block.header]]
            data += [[Paragraph(_pdf_markup(c, hyphenate), cell) for c in r] for r in block.rows]
            t = RLTable(data, colWidths=col_widths, repeatRows=1, hAlign="LEFT")
            t.setStyle(TableStyle([
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#8c8c8c")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde7f0")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ]))
            story.append(KeepTogether([t]) if len(block.rows) <= 6 else t)
            story.append(Spacer(1, 8))
        elif isinstance(block, PageBreak):
            story.append(RLPageBreak())

    def decorate(canvas, doc):
        canvas.saveState()
        canvas.setFont("Vera", 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(22 * mm, 12 * mm, footer)
        canvas.drawRightString(A4[0] - 22 * mm, 12 * mm, f"pagina {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=22 * mm, rightMargin=22 * mm,
                            topMargin=20 * mm, bottomMargin=22 * mm, invariant=1,
                            title=footer, author="", creator="", producer="")
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)


# --------------------------------------------------------------------------- DOCX


def to_docx(blocks: list[Block], path: Path, title: str) -> None:
    """Write `blocks` as a Word document titled `title`, with fixed zip timestamps."""
    import docx
    from docx.shared import Pt

    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.author = ""
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(10.5)

    def add_runs(paragraph, text):
        for t, bold, italic in runs(text):
            r = paragraph.add_run(t)
            r.bold = bold or None
            r.italic = italic or None

    for block in blocks:
        if isinstance(block, Heading):
            style = "Title" if block.level == 1 else f"Heading {min(block.level - 1, 4)}"
            add_runs(document.add_paragraph(style=style), block.text)
        elif isinstance(block, Para):
            add_runs(document.add_paragraph(), block.text)
        elif isinstance(block, ListBlock):
            base = "List Number" if block.ordered else "List Bullet"
            for level, text in block.items:
                style = base if level == 0 else f"{base} {min(level + 1, 3)}"
                add_runs(document.add_paragraph(style=style), text)
        elif isinstance(block, Table):
            table = document.add_table(rows=1 + len(block.rows), cols=len(block.header), style="Table Grid")
            for c, text in enumerate(block.header):
                cell = table.rows[0].cells[c]
                cell.paragraphs[0].add_run(plain(text)).bold = True
            for r, row in enumerate(block.rows, start=1):
                for c, text in enumerate(row):
                    add_runs(table.rows[r].cells[c].paragraphs[0], text)
            document.add_paragraph()
        elif isinstance(block, PageBreak):
            document.add_page_break()

    buffer = io.BytesIO()
    document.save(buffer)
    _write_fixed_zip(buffer.getvalue(), path)


def _write_fixed_zip(data: bytes, path: Path) -> None:
    """Rewrite a zip with fixed timestamps so rebuilding gives identical bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"<dcterms:(created|modified)([^>]*)>[^<]*<",
                                 rb"<dcterms:\1\2>2026-07-01T09:00:00Z<", content)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 7, 1, 9, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(fixed, content)


# --------------------------------------------------------------------------- text


def to_txt(blocks: list[Block], path: Path) -> None:
    """Write `blocks` as plain text, the way a word processor exports it."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            text = plain(block.text)
            out += [text.upper() if block.level <= 2 else text, ""]
        elif isinstance(block, Para):
            out += [plain(block.text), ""]
        elif isinstance(block, ListBlock):
            for n, (level, text) in enumerate(block.items, start=1):
                mark = f"{n}." if block.ordered and level == 0 else "-"
                out.append("    " * level + f"{mark} {plain(text)}")
            out.append("")
        elif isinstance(block, Table):
            # Word processors export tables as tab-separated rows.
            for row in [block.header, *block.rows]:
                out.append("\t".join(plain(c) for c in row))
            out.append("")
    path.write_text("\n".join(out).rstrip() + "\n", encoding="utf-8")
