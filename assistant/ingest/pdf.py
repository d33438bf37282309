"""PDF -> `ExtractedText` with pypdf: pages as offsets, headings from the look of the lines.

The page count is checked before any page is read; before a page's text is extracted, the size of
its unpacked drawing instructions (its content and the forms it draws) is added to a budget, and
its text to another. pypdf interprets instructions at about 3 s a megabyte, so a 12 KB PDF can
otherwise hold minutes of work. Every pypdf failure becomes a `DocumentError`: encrypted,
inflating past pypdf's limits, or damaged.
"""

from __future__ import annotations

import io
import re

from assistant.errors import CorruptFileError, DocumentError, EncryptedPdfError, FileTooLargeError, NoTextLayerError
from assistant.ingest.builder import too_much_text
from assistant.models import ExtractedText
from assistant.settings import DocumentLimits

_HYPHEN_BREAK = re.compile(r"(?<=[a-zà-ÿ])-\n(?=[a-zà-ÿ])")
NEEDS_PASSWORD = "Het PDF-bestand is met een wachtwoord beveiligd. Verwijder de beveiliging en probeer het opnieuw."
RESAVE = "Sla het opnieuw op als PDF (bijvoorbeeld via 'Afdrukken als PDF') of lever een .docx aan."


def load_pdf(data: bytes, limits: DocumentLimits) -> ExtractedText:
    """The text of a PDF, page by page; a PDF that opens without a password is read, one that needs one is refused."""
    from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError, PyPdfError

    try:
        texts, styled = _read_pages(data, limits)
    except FileNotDecryptedError as exc:
        raise EncryptedPdfError(NEEDS_PASSWORD) from exc
    except LimitReachedError as exc:  # a stream that inflates past pypdf's own bounds
        raise FileTooLargeError(f"Het PDF-bestand bevat een onderdeel dat uitgepakt te groot is om te lezen. {RESAVE}") from exc
    except (DependencyError, NotImplementedError) as exc:  # a security handler or filter pypdf does not have
        raise DocumentError("Het PDF-bestand gebruikt een versleuteling of codering die deze installatie niet kan lezen. "
                            "Sla het opnieuw op als PDF zonder beveiliging of lever een .docx aan.") from exc
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError,
            ZeroDivisionError) as exc:  # pypdf lets the errors of a damaged file through as they come
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


def _read_pages(data: bytes, limits: DocumentLimits) -> tuple[list[str], list[list[tuple[str, float, bool]]]]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        raise EncryptedPdfError(NEEDS_PASSWORD)
    pages = reader.pages
    if len(pages) > limits.max_pages:
        raise FileTooLargeError(f"Het PDF-bestand heeft {len(pages)} pagina's; de grens is {limits.max_pages}.")
    styled: list[list[tuple[str, float, bool]]] = []
    texts: list[str] = []
    total = content = 0
    for page in pages:
        content += _content_bytes(page)
        if content > limits.max_pdf_content_bytes:
            raise FileTooLargeError(f"Het PDF-bestand bevat meer dan {limits.max_pdf_content_bytes / 1_048_576:.0f} MB aan "
                                    f"opmaakinstructies, de grens voor één document. {RESAVE}")
        lines = _StyledLines()
        texts.append(_clean_pdf_page(page.extract_text(visitor_text=lines.visit) or ""))
        styled.append(lines.finish())
        total += len(texts[-1])
        if total > limits.max_text_chars:
            raise FileTooLargeError(too_much_text(limits.max_text_chars))
    return texts, styled


def _content_bytes(page) -> int:  # noqa: ANN001 - pypdf PageObject
    """The unpacked size of what extracting `page`'s text interprets: its content and the forms it can draw, once each."""
    contents = page.get_contents()
    total = len(contents.get_data()) if contents is not None else 0
    pending, seen = [page.get("/Resources")], set()
    while pending:
        resources = pending.pop()
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        if xobjects is None:
            continue
        for reference in xobjects.get_object().values():  # malformed resources: AttributeError, a damaged file
            key = getattr(reference, "idnum", id(reference))
            form = reference.get_object()
            if key in seen or form.get("/Subtype") != "/Form":
                continue
            seen.add(key)
            total += len(form.get_data())
            pending.append(form.get("/Resources"))
    return total


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
