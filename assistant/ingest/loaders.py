"""File -> `ExtractedText`, for PDF, DOCX, HTML, Markdown and plain text.

The type is decided by the content, not the name: a `.pdf` that is not a PDF is refused. Every
failure is a `DocumentError` with a message that says what to do. Pages are kept as offsets so a
passage can name its page; PDF words hyphenated across lines are joined.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

from assistant.errors import (
    CorruptFileError,
    EmptyDocumentError,
    EncryptedPdfError,
    FileTooLargeError,
    NoTextLayerError,
    UnsupportedFileError,
)
from assistant.models import ExtractedText

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".html", ".htm"}
SUPPORTED = ".pdf, .docx, .md, .txt, .html"
_TAG_RE = re.compile(r"<(?:/?[a-zA-Z][a-zA-Z0-9]*)(?:\s[^<>]*)?/?>")
_HYPHEN_BREAK = re.compile(r"(?<=[a-zà-ÿ])-\n(?=[a-zà-ÿ])")


def load_path(path: Path, max_bytes: int | None = None, max_pages: int | None = None) -> ExtractedText:
    """Read a file from disk; see `load_bytes`."""
    if not path.is_file():
        raise CorruptFileError(f"Bestand niet gevonden: {path}")
    return load_bytes(path.read_bytes(), path.name, max_bytes=max_bytes, max_pages=max_pages)


def load_bytes(data: bytes, filename: str, max_bytes: int | None = None, max_pages: int | None = None) -> ExtractedText:
    """Extract the text of a document given as bytes; `filename` only hints at the expected type."""
    if max_bytes is not None and len(data) > max_bytes:
        raise FileTooLargeError(
            f"Het bestand is {len(data) / 1_048_576:.1f} MB; de grens is {max_bytes / 1_048_576:.0f} MB."
        )
    if not data.strip():
        raise EmptyDocumentError(f"Het bestand {filename!r} is leeg.")
    suffix = Path(filename).suffix.lower()
    kind = _sniff(data)
    if suffix == ".pdf" or kind == "pdf":
        if kind != "pdf":
            raise UnsupportedFileError(f"{filename!r} heet .pdf maar is geen PDF-bestand.")
        extracted = _load_pdf(data, max_pages)
    elif suffix == ".docx" or kind == "docx":
        if kind != "docx":
            raise UnsupportedFileError(f"{filename!r} heet .docx maar is geen Word-document (.docx).")
        extracted = _load_docx(data)
    elif kind in ("zip", "ole", "binary"):
        hint = " Word 97-2003 (.doc) wordt niet ondersteund: sla het op als .docx of PDF." if kind == "ole" else ""
        raise UnsupportedFileError(f"{filename!r} is geen ondersteund documenttype ({SUPPORTED}).{hint}")
    elif suffix in TEXT_SUFFIXES or suffix == "":
        text = _decode(data, filename)
        if suffix in (".html", ".htm") or _looks_like_html_page(text):
            extracted = html_to_text(text)
        elif suffix in (".md", ".markdown"):
            extracted = _markdown(text)
        else:
            extracted = ExtractedText(text=strip_inline_html(text) if _TAG_RE.search(text) else text)
    else:
        raise UnsupportedFileError(f"{filename!r}: bestandstype {suffix} wordt niet ondersteund ({SUPPORTED}).")
    if not extracted.text.strip():
        raise EmptyDocumentError(f"{filename!r} bevat geen tekst.")
    return extracted


def _sniff(data: bytes) -> str:
    head = data[:8]
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return "docx" if "word/document.xml" in archive.namelist() else "zip"
        except zipfile.BadZipFile:
            return "binary"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    if b"\x00" in data[:4096]:
        return "binary"
    return "text"


def _decode(data: bytes, filename: str) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _control_ratio(text) < 0.01:
            return text.replace("\r\n", "\n").replace("\r", "\n")
    raise UnsupportedFileError(f"{filename!r} is geen leesbare tekst (verwacht {SUPPORTED}).")


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    return bad / max(len(sample), 1)


def _load_pdf(data: bytes, max_pages: int | None) -> ExtractedText:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise EncryptedPdfError("Het PDF-bestand is met een wachtwoord beveiligd. Verwijder de beveiliging en probeer het opnieuw.")
        pages = reader.pages
        if max_pages is not None and len(pages) > max_pages:
            raise FileTooLargeError(f"Het PDF-bestand heeft {len(pages)} pagina's; de grens is {max_pages}.")
        styled: list[list[tuple[str, float, bool]]] = []
        texts = []
        for page in pages:
            lines = _StyledLines()
            texts.append(_clean_pdf_page(page.extract_text(visitor_text=lines.visit) or ""))
            styled.append(lines.finish())
    except (EncryptedPdfError, FileTooLargeError):
        raise
    except PdfReadError as exc:
        if "decrypt" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise EncryptedPdfError("Het PDF-bestand is versleuteld en kan niet gelezen worden.") from exc
        raise CorruptFileError(f"Het PDF-bestand is beschadigd en kan niet gelezen worden ({exc}).") from exc
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError) as exc:
        raise CorruptFileError(f"Het PDF-bestand is beschadigd en kan niet gelezen worden ({type(exc).__name__}).") from exc
    if not any(t.strip() for t in texts):
        raise NoTextLayerError(
            "Het PDF-bestand heeft geen tekstlaag (waarschijnlijk gescand). OCR wordt niet ondersteund: "
            "lever een PDF met tekst of een .docx aan."
        )
    starts, parts, offset = [], [], 0
    for text in texts:
        starts.append(offset)
        parts.append(text)
        offset += len(text) + 1
    return ExtractedText(text="\f".join(parts), page_starts=tuple(starts), heading_spans=_pdf_headings(texts, starts, styled))


class _StyledLines:
    """Collects the lines pypdf draws, each with its smallest font size and whether it is all bold."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, float, bool]] = []
        self.text: list[str] = []
        self.sizes: list[float] = []
        self.bold: list[bool] = []

    def visit(self, text: str, cm, tm, font, size) -> None:  # noqa: ANN001 - pypdf visitor signature
        if not text:
            return
        scale = abs(tm[3] * cm[3]) or 1.0
        name = str((font or {}).get("/BaseFont", "")).lower()
        bold = any(word in name for word in ("bold", "black", "heavy", "semibold", "demi"))
        pieces = text.split("\n")
        for i, piece in enumerate(pieces):
            if piece.strip():
                self.text.append(piece)
                self.sizes.append(float(size) * scale)
                self.bold.append(bold)
            if i < len(pieces) - 1:
                self._end_line()

    def _end_line(self) -> None:
        line = "".join(self.text).strip()
        if line:
            self.lines.append((line, min(self.sizes), all(self.bold)))
        self.text, self.sizes, self.bold = [], [], []

    def finish(self) -> list[tuple[str, float, bool]]:
        self._end_line()
        return self.lines


def _pdf_headings(texts: list[str], starts: list[int], styled: list[list[tuple[str, float, bool]]]) -> tuple[tuple[int, int, int], ...]:
    """Heading spans from the look of the lines: larger than the body text, or bold at body size.

    The body size is the size most characters have. Levels follow the sizes, largest first. Lines
    that cannot be found back in the page text are left out; the others keep their exact offsets.
    """
    weight: dict[float, int] = {}
    for lines in styled:
        for line, size, _ in lines:
            weight[round(size, 1)] = weight.get(round(size, 1), 0) + len(line)
    if not weight:
        return ()
    body = max(weight, key=weight.__getitem__)
    candidates = []
    for page, lines in enumerate(styled):
        for line, size, bold in lines:
            big = size >= body * 1.12
            if 2 <= len(line) <= 120 and sum(c.isalpha() for c in line) >= 2 and (big or (bold and size >= body * 0.98)):
                candidates.append((page, line, round(size, 1) if big else 0.0))
    sizes = sorted({s for _, _, s in candidates if s}, reverse=True)
    level_of = {s: i + 1 for i, s in enumerate(sizes)} | {0.0: len(sizes) + 1}
    spans, cursor = [], [0] * len(texts)
    for page, line, size in candidates:
        text = texts[page]
        at = text.find(line, cursor[page])
        while at != -1 and not ((at == 0 or text[at - 1] == "\n") and (at + len(line) == len(text) or text[at + len(line)] == "\n")):
            at = text.find(line, at + 1)
        if at == -1:
            continue
        cursor[page] = at + len(line)
        spans.append((starts[page] + at, starts[page] + at + len(line), min(level_of[size], 6)))
    return tuple(spans)


def _clean_pdf_page(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\u00ad\n", "").replace("\u00ad", "")
    return _HYPHEN_BREAK.sub("", text).strip("\n")


def _load_docx(data: bytes) -> ExtractedText:
    import docx
    from docx.document import Document as DocxDocument
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document: DocxDocument = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise CorruptFileError(f"Het Word-document is beschadigd en kan niet gelezen worden ({type(exc).__name__}).") from exc
    except Exception as exc:  # python-docx raises lxml and package errors of many kinds
        raise CorruptFileError(f"Het Word-document kan niet gelezen worden ({type(exc).__name__}).") from exc

    out = _TextBuilder()
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            text = item.text.strip()
            if not text:
                continue
            style = (item.style.name if item.style is not None else "") or ""
            level = _heading_level(style)
            if level:
                out.heading(text, level)
            elif style.lower().startswith("list") or item._p.pPr is not None and item._p.pPr.numPr is not None:
                out.block(f"- {text}")
            else:
                out.block(text)
        elif isinstance(item, Table):
            for row in item.rows:
                cells = []
                for cell in row.cells:
                    value = " ".join(cell.text.split())
                    if not cells or cells[-1] != value:  # merged cells repeat their text
                        cells.append(value)
                if any(cells):
                    out.line("\t".join(cells))
            out.end_block()
    return out.build()


def _heading_level(style: str) -> int:
    lowered = style.lower()
    if lowered == "title":
        return 1
    match = re.match(r"(?:heading|kop)\s*(\d)", lowered)
    return int(match.group(1)) if match else 0


class _TextBuilder:
    """Accumulates blocks separated by blank lines and remembers heading spans."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.headings: list[tuple[int, int, int]] = []

    def _add(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def _separate(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n\n"):
            self._add("\n" if self.parts[-1].endswith("\n") else "\n\n")

    def heading(self, text: str, level: int) -> None:
        self._separate()
        self.headings.append((self.length, self.length + len(text), level))
        self._add(text)

    def block(self, text: str) -> None:
        self._separate()
        self._add(text)

    def line(self, text: str) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self._add("\n")
        self._add(text + "\n")

    def end_block(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n\n"):
            self._add("\n")

    def build(self) -> ExtractedText:
        return ExtractedText(text="".join(self.parts).rstrip() + "\n", heading_spans=tuple(self.headings))


def strip_inline_html(text: str) -> str:
    """Remove tags from text that embeds HTML fragments (tables exported with list markup)."""
    return html.unescape(_TAG_RE.sub("", text))


def _looks_like_html_page(text: str) -> bool:
    head = text[:2000].lower()
    return "<html" in head or "<!doctype html" in head or "<body" in head


def _markdown(text: str) -> ExtractedText:
    headings = []
    for match in re.finditer(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", text, re.MULTILINE):
        headings.append((match.start(2), match.end(2), len(match.group(1))))
    return ExtractedText(text=text, heading_spans=tuple(headings))


class _HtmlToText(HTMLParser):
    BLOCK = {"p", "div", "section", "article", "header", "footer", "blockquote", "pre", "ul", "ol", "dl", "dt", "dd", "br", "hr", "main", "nav", "aside", "figure", "figcaption"}
    SKIP = {"script", "style", "head", "title", "noscript", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out = _TextBuilder()
        self.buffer: list[str] = []
        self.skip = 0
        self.heading_level = 0
        self.row: list[str] | None = None
        self.cell: list[str] | None = None

    def _flush(self) -> None:
        text = " ".join("".join(self.buffer).split())
        self.buffer = []
        if not text:
            return
        if self.heading_level:
            self.out.heading(text, self.heading_level)
        else:
            self.out.block(text)

    def handle_starttag(self, tag: str, attrs) -> None:  # noqa: ANN001 - HTMLParser signature
        if tag in self.SKIP:
            self.skip += 1
        elif self.cell is not None:
            if tag == "li":
                self.cell.append(" • ")
            elif tag in ("br", "p"):
                self.cell.append(" ")
        elif tag == "tr":
            self._flush()
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
        elif re.fullmatch(r"h[1-6]", tag):
            self._flush()
            self.heading_level = int(tag[1])
        elif tag == "li":
            self._flush()
            self.buffer.append("- ")
        elif tag in self.BLOCK or tag == "table":
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if any(self.row):
                self.out.line("\t".join(self.row))
            self.row = None
        elif tag == "table":
            self.out.end_block()
        elif re.fullmatch(r"h[1-6]", tag):
            self._flush()
            self.heading_level = 0
        elif tag in self.BLOCK or tag == "li":
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.cell is not None:
            self.cell.append(data)
        else:
            self.buffer.append(data)


def html_to_text(text: str) -> ExtractedText:
    """Readable text of an HTML page: blocks separated by blank lines, table rows tab-separated."""
    parser = _HtmlToText()
    parser.feed(text)
    parser.close()
    parser._flush()
    return parser.out.build()
