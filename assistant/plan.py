"""A draft RESV-plan as the review reads it: its text and its passages with their place.

Which bouwsteen a passage is about is decided by the review (`review.placement`), which needs
the requirement catalogue; this module only reads the plan.

Offsets are exact: `plan.text[p.start:p.end] == p.text` for every passage, and a page is the
1-based PDF page that holds the passage's first character.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from assistant.ingest.loaders import load_bytes
from assistant.ingest.segment import Block, mask_running_lines, segment
from assistant.models import ExtractedText, Passage
from assistant.settings import DocumentLimits
from assistant.text import sentence_spans

DOCUMENT_ID = "plan"
MAX_WORDS = 140  # a longer paragraph is cut at sentence ends into passages of about this size
NUMBERED_HEADING = re.compile(r"^(?:(?:hoofdstuk|bijlage|deel|paragraaf)\s+)?(\d{1,2}(?:\.\d{1,2})*)\.?\s+\S", re.IGNORECASE)
CHAPTER_WORD = re.compile(r"^(?:hoofdstuk|bouwsteen|bijlage|deel)\b", re.IGNORECASE)
WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass
class Plan:
    """The plan's text, its passages, and each passage's bouwsteen affinity (index 0 = bouwsteen 1)."""

    filename: str
    extracted: ExtractedText
    passages: list[Passage]
    affinity: list[tuple[float, ...]] = field(default_factory=list)  # set by review.placement

    @property
    def text(self) -> str:
        return self.extracted.text

    @property
    def pages(self) -> int | None:
        return len(self.extracted.page_starts) if self.extracted.page_starts is not None else None

    def page_at(self, offset: int) -> int | None:
        return self.extracted.page_at(offset)

    def context(self, i: int) -> str:
        """What a passage means in its place: section titles, list lead-in and its own text."""
        p = self.passages[i]
        return "\n".join([*p.section, p.lead_in or "", p.text])


def read_plan(data: bytes, filename: str, limits: DocumentLimits | None = None) -> Plan:
    """Extract and segment a draft plan within `limits`. Errors are the loader's `DocumentError`s (Dutch messages).

    Which bouwsteen each passage is about is the review's business (`review.placement`).
    """
    extracted = load_bytes(data, filename, limits)
    return Plan(filename=filename, extracted=extracted, passages=plan_passages(extracted))


# --- passages ---------------------------------------------------------------------------------


def _heading_level(block: Block, levels_known: bool, depth: int) -> int:
    title = block.body
    numbered = NUMBERED_HEADING.match(title)
    if numbered and not levels_known:
        return numbered.group(1).count(".") + 1
    if block.level:
        return block.level
    if CHAPTER_WORD.match(title) or (title.upper() == title and sum(c.isalpha() for c in title) > 3):
        return 1
    return min(depth + 1, 3) if depth else 1


def _looks_like_heading_item(block: Block, following: Block | None) -> bool:
    """A numbered list item in plain text that is a chapter heading (a short upper-case title)."""
    body = block.body
    if "\n" in block.text.strip() or not re.match(r"^\s*\d{1,2}[.)]\s", block.text) or not body:
        return False
    if body[-1] in ".:;,!?" or len(body.split()) > 10:
        return False
    letters = [c for c in body if c.isalpha()]
    shouting = bool(letters) and all(c.isupper() for c in letters)
    return shouting or (body[0].isupper() and (following is None or following.kind != "list_item"))


def plan_passages(extracted: ExtractedText) -> list[Passage]:
    """Passages of a plan: paragraphs, list items, table rows, long paragraphs cut at sentence ends."""
    text = extracted.text
    masked = mask_running_lines(extracted)
    known = bool(extracted.heading_spans)
    blocks = [b for b in segment(masked, extracted.heading_spans, guess_headings=not known) if sum(c.isalnum() for c in b.text) >= 2]
    for i, block in enumerate(blocks):
        if block.kind == "list_item" and _looks_like_heading_item(block, blocks[i + 1] if i + 1 < len(blocks) else None):
            block.kind, block.level = "heading", 1
    stack: list[tuple[int, str]] = []
    out: list[Passage] = []
    table_header: str | None = None
    previous_kind = ""
    for i, block in enumerate(blocks):
        if block.kind == "heading":
            title = " ".join(block.body.replace("**", "").split())
            level = _heading_level(block, known and block.level > 0, stack[-1][0] if stack else 0)
            wrapped = previous_kind == "heading" and stack and stack[-1][0] == level and text[blocks[i - 1].end:block.start] == "\n"
            if wrapped and not NUMBERED_HEADING.match(title) and not CHAPTER_WORD.match(title):
                stack[-1] = (level, f"{stack[-1][1]} {title}")  # a heading wrapped over two lines
            else:
                while stack and stack[-1][0] >= level:
                    stack.pop()
                stack.append((level, title))
            previous_kind = "heading"
            table_header = None
            continue
        section = tuple(t for _, t in stack)
        lead_in = block.lead_in
        if block.kind == "table_row":
            if previous_kind != "table_row":
                table_header = " | ".join(c for c in block.cells if c)
            elif table_header:
                lead_in = table_header
        previous_kind = block.kind
        for start, end in _cut(text, block.start, block.end):
            out.append(
                Passage(
                    id=Passage.make_id(DOCUMENT_ID, start, end),
                    document_id=DOCUMENT_ID,
                    section=section,
                    page=extracted.page_at(start),
                    start=start,
                    end=end,
                    text=text[start:end],
                    kind=block.kind,
                    lead_in=" ".join(lead_in.split()) if lead_in else None,
                )
            )
    return out


def _cut(text: str, start: int, end: int) -> Iterable[tuple[int, int]]:
    """A block as one span, cut at a page break that follows a finished sentence, and cut at
    sentence ends when it is much longer than MAX_WORDS."""
    for m in re.finditer(r"(?<=[.!?:;])[ \t]*\f", text[start:end]):
        cut = start + m.start()
        yield from _cut(text, start, _rstrip(text, start, cut))
        rest = start + m.end()
        while rest < end and text[rest].isspace():
            rest += 1
        if rest < end:
            yield from _cut(text, rest, end)
        return
    if len(text[start:end].split()) <= MAX_WORDS * 1.5:
        yield start, end
        return
    chunk_start, words = start, 0
    for s, e in sentence_spans(text[start:end], offset=start):
        if words and words + len(text[s:e].split()) > MAX_WORDS:
            yield chunk_start, _rstrip(text, chunk_start, s)
            chunk_start, words = s, 0
        words += len(text[s:e].split())
    if chunk_start < end:
        yield chunk_start, end


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end
