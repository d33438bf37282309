"""File -> `ExtractedText`, for PDF, DOCX, HTML, Markdown and plain text.

The type is decided by the content, not the name: a `.pdf` that is not a PDF is refused. Every
failure is a `DocumentError` with a message that says what to do. Every document is read within
`DocumentLimits` (size, pages, text, and for a DOCX its zip), each checked before the parse it
guards. PDF (`pdf.py`) and DOCX (`word.py`) have modules of their own; HTML, Markdown and text are
read here.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

from assistant.errors import CorruptFileError, EmptyDocumentError, FileTooLargeError, UnsupportedFileError
from assistant.ingest.builder import TextBuilder, too_much_text
from assistant.ingest.pdf import load_pdf
from assistant.ingest.word import load_docx
from assistant.models import ExtractedText
from assistant.settings import DocumentLimits

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".html", ".htm"}
SUPPORTED = ".pdf, .docx, .md, .txt, .html"
_TAG_RE = re.compile(r"<(?:/?[a-zA-Z][a-zA-Z0-9]*)(?:\s[^<>]*)?/?>")


def load_path(path: Path, limits: DocumentLimits | None = None) -> ExtractedText:
    """Read a file from disk; see `load_bytes`."""
    if not path.is_file():
        raise CorruptFileError(f"Bestand niet gevonden: {path}")
    return load_bytes(path.read_bytes(), path.name, limits)


def load_bytes(data: bytes, filename: str, limits: DocumentLimits | None = None) -> ExtractedText:
    """Extract the text of a document given as bytes; `filename` only hints at the expected type.

    `limits` bound the work (the defaults of the settings when not given).
    """
    limits = limits or DocumentLimits()
    if len(data) > limits.max_bytes:
        raise FileTooLargeError(
            f"Het bestand is {len(data) / 1_048_576:.1f} MB; de grens is {limits.max_bytes / 1_048_576:.0f} MB."
        )
    if not data.strip():
        raise EmptyDocumentError(f"Het bestand {filename!r} is leeg.")
    suffix = Path(filename).suffix.lower()
    kind = _sniff(data)
    if suffix == ".pdf" or kind == "pdf":
        if kind != "pdf":
            raise UnsupportedFileError(f"{filename!r} heet .pdf maar is geen PDF-bestand.")
        extracted = load_pdf(data, limits)
    elif suffix == ".docx" or kind == "zip":
        if kind != "zip":
            raise UnsupportedFileError(f"{filename!r} heet .docx maar is geen Word-document (.docx).")
        extracted = load_docx(data, filename, limits)
    elif kind in ("ole", "binary"):
        hint = (" Word 97-2003 (.doc) en met een wachtwoord beveiligde Word-documenten worden niet ondersteund: "
                "sla het op als .docx zonder wachtwoord of als PDF.") if kind == "ole" else ""
        raise UnsupportedFileError(f"{filename!r} is geen ondersteund documenttype ({SUPPORTED}).{hint}")
    elif suffix in TEXT_SUFFIXES or suffix == "":
        text = _decode(data, filename)
        if len(text) > limits.max_text_chars:  # before the HTML parser, the slow part for text
            raise FileTooLargeError(too_much_text(limits.max_text_chars))
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
        return "zip"  # a DOCX or not: `word.check_package` decides, within the limits
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
        self.out = TextBuilder()
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
