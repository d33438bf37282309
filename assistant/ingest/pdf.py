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
_BLANKS = " \t\u00a0"
_ADDRESS = re.compile(r"\.(?:pdf|docx?|xlsx?|pptx?)\b|\w\+\w|https?://|www\.", re.IGNORECASE)  # a file or web address
_SENTENCE_END = re.compile(r"[.!](?:\s|$)")
MAX_HEADING_WORDS = 16  # a longer line in a heading's look is a quote or an introduction set large
SHORT_HEADING = 5  # words of a heading that may still end with a full stop ("Tot slot.")
RUN_IN_HEADING = 3  # words of a heading that may end with a colon ("Monitoring:"); a longer line opens a list
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

    The body size is the size most characters have. Levels follow the sizes, largest first. A
    heading set over two or more lines is one span; lines in a heading's look that read as prose
    (`_is_heading`) are left out, as are lines that cannot be found back in the page text.
    """
    weight: dict[float, int] = {}
    for lines in styled:
        for line, size, _ in lines:
            weight[round(size, 1)] = weight.get(round(size, 1), 0) + len(line)
    if not weight:
        return ()
    body = max(weight, key=weight.__getitem__)
    candidates = []  # (page, index of the line on its page, line, size key)
    for page, lines in enumerate(styled):
        for index, (line, size, bold) in enumerate(lines):
            big = size >= body * 1.12
            if 2 <= len(line) <= 120 and sum(c.isalpha() for c in line) >= 2 and (big or (bold and size >= body * 0.98)):
                candidates.append((page, index, line, round(size, 1) if big else 0.0))
    sizes = sorted({c[3] for c in candidates if c[3]}, reverse=True)
    level_of = {s: i + 1 for i, s in enumerate(sizes)} | {0.0: len(sizes) + 1}
    levels, cursor = [], [0] * len(texts)
    groups: list[list[tuple[int, int, int]]] = []  # per heading, its lines' (page, start, end) in the page text
    previous = None
    for page, index, line, size in candidates:
        text = texts[page]
        at = _whole_line(text, line, cursor[page])
        if at == -1:
            previous = None
            continue
        cursor[page] = at + len(line)
        # The next line of a heading set over more than one: adjacent, in the same look, and the
        # heading still reads as one with it (a sentence set as large after a heading is not part of it).
        follows = (previous is not None and previous[:2] == (page, index - 1) and previous[2] == size
                   and text[groups[-1][-1][2]:at].strip(_BLANKS) == "\n"
                   and _is_heading(" ".join([*(text[a:b] for _, a, b in groups[-1]), line])))
        if follows:
            groups[-1].append((page, at, at + len(line)))
        else:
            groups.append([(page, at, at + len(line))])
            levels.append(min(level_of[size], 6))
        previous = (page, index, size)
    out = []
    for level, lines in zip(levels, groups, strict=True):
        page = lines[0][0]
        heading = " ".join(texts[page][a:b] for _, a, b in lines)
        if _is_heading(heading):
            out.append((starts[page] + lines[0][1], starts[page] + lines[-1][2], level))
    return tuple(out)


def _whole_line(text: str, line: str, start: int) -> int:
    """Where `line` stands on a line of its own in `text` from `start` (blanks may trail it), or -1."""
    at = text.find(line, start)
    while at != -1:
        rest = text[at + len(line):].lstrip(_BLANKS)
        if (at == 0 or text[at - 1] == "\n") and (not rest or rest[0] == "\n"):
            return at
        at = text.find(line, at + 1)
    return -1


def _is_heading(line: str) -> bool:
    """A line in a heading's look that reads as one: it does not open in lower case (the rest of a
    sentence) and is no file or web address (an attachment's running title, a source), no prose
    (more than MAX_HEADING_WORDS words, or a longer line with a full stop) and no bold lead-in of a
    list ("Partijen maken hiertoe de volgende afspraken:"), which its items are read with."""
    first = next((c for c in line if c.isalpha()), "")
    if first.islower() or _ADDRESS.search(line):
        return False
    count = len(line.split())
    if line.rstrip().endswith(":") and count > RUN_IN_HEADING:
        return False
    return count <= MAX_HEADING_WORDS and (count <= SHORT_HEADING or not _SENTENCE_END.search(line))


def _clean_pdf_page(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\u00ad\n", "").replace("\u00ad", "")
    return _HYPHEN_BREAK.sub("", text).strip("\n")
