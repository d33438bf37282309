"""Text -> blocks: headings, paragraphs, list items (with their lead-in), table rows.

Works on any loader's output. Spans are exact offsets into the text; a block's text is always
`text[start:end]`. Wrapped lines of one paragraph or item stay together.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.text import collapse

if TYPE_CHECKING:
    from assistant.models import ExtractedText

_LINE_END = re.compile(r"[\n\f]")  # a newline, or a page break between two pages' text
LIST_MARKER = re.compile(r"^[ \t]*(?:[-*•·▪◦–]|\(?\d{1,2}[.)]|\(\d{1,2}\)|[a-z][.)])[ \t]+")
MD_HEADING = re.compile(r"^#{1,6}[ \t]+")
# "Pagina 3 van 7" is a page number wherever extraction put it on the page
PAGE_OF_LINE = re.compile(r"^\s*(?:pagina|page|blz\.?)\s*\d{1,3}\s*(?:van|of|/)\s*\d{1,3}\s*$", re.IGNORECASE)
# A contents entry: a title, then (after dot leaders or spaces) the page it starts on.
CONTENTS_ENTRY = re.compile(r"^(?=.*[^\W\d_]{2}).{2,160}?(?:\s*[.·…_]{2,}\s*|\s+)(\d{1,3})\s*$")
MIN_CONTENTS_ENTRIES = 4
PAGE_NUMBER_LINE = re.compile(r"^\s*(?:pagina|page|blz\.?|p\.)?\s*[-–]?\s*\d{1,3}\s*(?:(?:van|of|/)\s*\d{1,3})?\s*[-–]?\s*$", re.IGNORECASE)
TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
# A row of a table of figures as PDF text gives it: a label, then two or more numbers ("3.074",
# "0,4%", "€ 51,4", "-"), nothing after them. A number never ends in a full stop: that is a sentence.
_CELL = r"(?:€\s?)?(?:[-–]?\d(?:[\d.,]*\d)?\s?%?\*?|[-–])"
NUMBER_ROW = re.compile(rf"^[^\n]*?(?<![\w.,])(?:{_CELL})(?:[ \t\u00a0]+(?:{_CELL}))+[ \t\u00a0]*$")
MIN_TABLE_LINES = 3  # a header and two rows: fewer is a line of prose that ends in numbers
TABLE_ROWS = 8  # rows per table block; a longer table goes on in blocks that carry its header as lead-in
TERMINAL = ".:;!?…"


@dataclass
class Block:
    start: int
    end: int
    kind: str  # heading | paragraph | list_item | table_row | table | signature (a letter's closing)
    text: str
    level: int = 0
    lead_in: str | None = None
    indent: int = 0
    cells: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        """Text without a list marker or Markdown heading marks."""
        return MD_HEADING.sub("", LIST_MARKER.sub("", self.text, count=1), count=1).strip()


def line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line of `text`, without its newline; a page break ends a line too."""
    spans, pos = [], 0
    for end in _LINE_END.finditer(text):
        spans.append((pos, end.start()))
        pos = end.end()
    return [*spans, (pos, len(text))]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\f\n\u00a0":
        start += 1
    while end > start and text[end - 1] in " \t\f\n\u00a0":
        end -= 1
    return start, end


def is_heading_line(line: str, next_line: str | None) -> bool:
    """A short line with no sentence punctuation, standing on its own: a heading by its look."""
    stripped = line.strip().lstrip("#").strip()
    if not stripped or len(stripped) > 90 or stripped[-1] in TERMINAL + ",":
        return False
    words = stripped.split()
    if len(words) > 12 or not (stripped[0].isupper() or stripped[0].isdigit()):
        return False
    if "\t" in line or stripped.startswith("|"):
        return False
    if next_line is not None and next_line.strip() and next_line.strip()[0].islower():
        return False  # the sentence goes on in the next line
    return True


def number_tables(text: str, lines: Sequence[tuple[int, int]]) -> dict[int, list[int]]:
    """Tables of figures in text without table markup: runs of MIN_TABLE_LINES or more lines that
    each end in two or more numbers. Index of each run's first line (its header) -> its lines."""
    runs: dict[int, list[int]] = {}
    run: list[int] = []
    for i, (start, end) in enumerate([*lines, (0, 0)]):
        if end > start and NUMBER_ROW.match(text[start:end]):
            run.append(i)
            continue
        if len(run) >= MIN_TABLE_LINES:
            runs[run[0]] = run
        run = []
    return runs


def segment(text: str, heading_spans: tuple[tuple[int, int, int], ...] = (), guess_headings: bool = True,
            figures: bool = False) -> list[Block]:
    """Split `text` into blocks. Known heading spans win; other headings are guessed by their look.

    With `figures`, a table of figures without markup (PDF text) becomes blocks of kind "table":
    its header line with the first TABLE_ROWS rows, then further rows with the header as lead-in.
    """
    heading_at = {start: level for start, _, level in heading_spans}
    heading_end = {start: end for start, end, _ in heading_spans}  # a heading may be set over more than one line
    lines = line_spans(text)
    tables = number_tables(text, lines) if figures else {}
    in_table: set[int] = {i for run in tables.values() for i in run}
    blocks: list[Block] = []
    current: list[int] | None = None  # [start, end, kind]
    kind = ""

    def close() -> None:
        nonlocal current
        if current is not None:
            start, end = _trim(text, current[0], current[1])
            if end > start:
                line_start = text.rfind("\n", 0, start) + 1
                blocks.append(Block(start, end, kind, text[start:end], indent=start - line_start))
        current = None

    heading_until = 0  # the end of a heading set over more than one line: its later lines are read with it
    for i, (ls, le) in enumerate(lines):
        if ls < heading_until:
            continue
        if i in tables:
            close()
            blocks.extend(_table_blocks(text, [lines[j] for j in tables[i]]))
        if i in in_table:
            continue
        line = text[ls:le]
        stripped = line.strip(" \t\f\u00a0")
        next_line = text[lines[i + 1][0]:lines[i + 1][1]] if i + 1 < len(lines) else None
        if not stripped:
            close()
            continue
        first = ls + (len(line) - len(line.lstrip(" \t\f\u00a0")))
        if first in heading_at or MD_HEADING.match(stripped):
            close()
            heading_until = max(le, heading_end.get(first, le))
            start, end = _trim(text, ls, heading_until)
            level = heading_at.get(first) or len(stripped) - len(stripped.lstrip("#"))
            blocks.append(Block(start, end, "heading", text[start:end], level=level or 2))
            continue
        if "\t" in stripped or stripped.startswith("|"):
            close()
            if TABLE_SEPARATOR.match(stripped):
                continue
            start, end = _trim(text, ls, le)
            cells = [c.strip() for c in stripped.strip("|").split("\t" if "\t" in stripped else "|")]
            blocks.append(Block(start, end, "table_row", text[start:end], cells=cells))
            continue
        if LIST_MARKER.match(line) and not (line.startswith((" ", "\t")) and current is not None and kind == "list_item" and not LIST_MARKER.match(line.lstrip())):
            close()
            current, kind = [ls, le], "list_item"
            continue
        starts_new = (
            current is not None
            and kind == "paragraph"
            and text[current[1] - 1:current[1]] in tuple(".!?")
            and (stripped[0].isupper() or stripped[0].isdigit())
            and not line.startswith((" ", "\t"))
            and _looks_wrapped_short(text[current[0]:current[1]])
        )
        if current is None or starts_new:
            close()
            if guess_headings and is_heading_line(line, next_line) and (next_line is None or not next_line.strip() or not LIST_MARKER.match(line)):
                start, end = _trim(text, ls, le)
                blocks.append(Block(start, end, "heading", text[start:end], level=0))
                continue
            current, kind = [ls, le], "paragraph"
        else:
            current[1] = le
    close()
    _attach_lead_ins(blocks)
    return blocks


def _table_blocks(text: str, rows: Sequence[tuple[int, int]]) -> list[Block]:
    """A table's blocks: the header with the first rows, then the rest in groups with the header as lead-in."""
    header = collapse(text[rows[0][0]:rows[0][1]])
    groups = [rows[:TABLE_ROWS + 1]] + [rows[k:k + TABLE_ROWS] for k in range(TABLE_ROWS + 1, len(rows), TABLE_ROWS)]
    out = []
    for n, group in enumerate(groups):
        start, end = _trim(text, group[0][0], group[-1][1])
        out.append(Block(start, end, "table", text[start:end], lead_in=header if n else None))
    return out


def _looks_wrapped_short(paragraph: str) -> bool:
    """In PDF text a paragraph's last line is shorter than the wrapped ones before it."""
    rows = paragraph.split("\n")
    return len(rows) >= 2 and len(rows[-1]) < 0.8 * max(len(r) for r in rows[:-1])


def _attach_lead_ins(blocks: list[Block]) -> None:
    """A list item keeps the sentence that introduces its list ("… de volgende eisen:")."""
    lead: str | None = None
    for block in blocks:
        if block.kind == "heading":
            lead = None
        elif block.kind == "paragraph":
            body = block.text.rstrip()
            if body.endswith(":"):
                short_label = len(body.split()) <= 4
                lead = f"{lead} {body}" if short_label and lead else " ".join(body.split())
            else:
                lead = None
        elif block.kind == "list_item":
            block.lead_in = lead
            if block.text.rstrip().endswith(":"):
                pass  # a nested lead-in item: the items below still belong to the outer lead-in


def page_lines(text: str, lines: Sequence[tuple[int, int]], page_starts: Sequence[int]) -> list[list[tuple[int, int]]]:
    """The non-blank lines of each page, in one pass over the lines (they come in text order)."""
    pages: list[list[tuple[int, int]]] = [[] for _ in page_starts]
    for start, end in lines:
        n = bisect_right(page_starts, start) - 1
        page_end = page_starts[n + 1] - 1 if n + 1 < len(page_starts) else len(text)
        if n >= 0 and end <= page_end and text[start:end].strip():
            pages[n].append((start, end))
    return pages


def contents_lines(text: str, pages: Sequence[Sequence[tuple[int, int]]]) -> list[tuple[int, int]]:
    """The lines of a table of contents: on one page, at least MIN_CONTENTS_ENTRIES entries in a row
    that each end in the number of a later page of the document, in page order. An entry's title may
    wrap onto one line without a number. Figures at the end of a table's rows rarely pass: they
    would have to rise, stay within the page count and point past the page they stand on.
    `pages`: each page's non-blank lines (`page_lines`).
    """
    found: list[tuple[int, int]] = []
    for n, spans in enumerate(pages):
        run: list[tuple[int, int]] = []
        entries = last = 0
        wrapped: tuple[int, int] | None = None
        for span in spans:
            match = CONTENTS_ENTRY.match(text[span[0]:span[1]].strip())
            page = int(match.group(1)) if match else 0
            later = n + 1 < page <= len(pages)
            if later and page >= last:
                run += [wrapped, span] if wrapped else [span]
                entries, last, wrapped = entries + 1, page, None
            elif run and not later and wrapped is None:
                wrapped = span
            else:
                found += run if entries >= MIN_CONTENTS_ENTRIES else []
                run, entries, last, wrapped = ([span], 1, page, None) if later else ([], 0, 0, None)
        found += run if entries >= MIN_CONTENTS_ENTRIES else []
    return found


def running_key(line: str) -> str:
    """What a running header or footer keeps from page to page: its words, whatever their order,
    with every number as '#' ("Regioplan 2026 | 12" and "13 | Regioplan 2026" are one)."""
    return " ".join(sorted(re.findall(r"[^\W\d_]+|#", re.sub(r"\d+", "#", line))))


def mask_running_lines(extracted: ExtractedText) -> str:
    """The text with page breaks as line breaks and running headers, footers and page numbers blanked.

    Every replacement keeps the length, so offsets into the mask are offsets into the text.
    A running line is one of the first or last three lines of a page that recurs (digits, order
    and separators aside: left and right pages mirror it) on at least half of the pages; a line
    "Pagina 3 van 7" is a page number wherever it stands. A table of contents (see
    `contents_lines`) is navigation, not content: it is blanked too. A bullet glyph alone on its
    line (as PDF extraction leaves it) is joined to its item.
    """
    text = extracted.text.replace("\f", "\n")
    chars = list(text)
    lines = line_spans(text)
    starts = extracted.page_starts or ()
    if len(starts) >= 2:
        pages = page_lines(text, lines, starts)
        edges = [span for spans in pages for span in spans[:3] + spans[-3:]]
        keys = {span: running_key(text[span[0]:span[1]]) for span in set(edges)}
        seen = Counter(keys.values())
        running = {k for k, n in seen.items() if sum(c.isalpha() for c in k) >= 4 and n >= max(2, len(starts) // 2) and len(k) <= 120}
        for (start, end), key in keys.items():
            if key in running or PAGE_NUMBER_LINE.match(text[start:end]):
                chars[start:end] = " " * (end - start)
        for start, end in contents_lines(text, pages):
            chars[start:end] = " " * (end - start)
    for start, end in lines:
        if PAGE_OF_LINE.match(text[start:end]):
            chars[start:end] = " " * (end - start)
        if text[start:end].strip() in ("•", "·", "▪", "◦", "-", "–") and end < len(text):
            chars[end] = " "  # "•\nitem" -> "• item"
    return "".join(chars)
