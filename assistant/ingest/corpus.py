"""`Document` -> `Passage`s, structured by the kind of document.

- handreiking / other: sections from headings (phases, bouwstenen, their sub-headings), passages
  per paragraph and list item (keeping the list's lead-in), hoofdtaken and footnotes recognised;
- inkoopbeleid: a table of bouwsteen rows x insurer columns: one `cell` record per cell and one
  `bullet` passage per bullet, each carrying insurer and bouwsteen;
- faq: one passage per question and its answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from assistant.domain import bouwsteen_numbers, get_domain, get_language
from assistant.errors import EmptyDocumentError
from assistant.ingest.segment import LIST_MARKER, Block, mask_running_lines, segment
from assistant.models import Document, ExtractedText, Passage
from assistant.text import fold, trim

FUNCTION_WORDS = {"en", "of", "de", "het", "een", "van", "voor", "met", "in", "op", "aan", "te", "bij", "naar", "om", "dat", "die", "and", "or", "the", "of", "to", "for"}
BOUWSTEEN_HEADING = re.compile(r"^\s*(?:#+\s*)?bouwsteen\s+(\d+)\b[\s:.\-–]*(.*)$", re.IGNORECASE)
PHASE_HEADING = re.compile(r"^\s*(?:#+\s*)?fase\s+(\d)\b", re.IGNORECASE)
FOOTNOTE_TITLE = re.compile(r"Voetnoot (\d+)")
MAX_SIGNATURE = 6  # blocks after a letter's closing: the signers, their offices, an enclosure
SIGNATURE_SECTION = "Ondertekening"  # a letter's closing and signature: who signed it, not part of its last section
FOOTNOTE_START = re.compile(r"^(?:[-•·]\s+)?([¹²³⁴⁵⁶⁷⁸⁹⁰]+|\d{1,2})\s+(?=[A-ZÀ-Þ'‘„\"])")
SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
NUMBERED_SUBHEADING = re.compile(r"^(?:[-•·]\s+)?\(?(\d)[.)]\s+\S")
HOOFDTAAK_NUMBER = re.compile(r"^(?:[-•·]\s+)?\(?(\d{1,2})\)?\s+\S")


def citable_passages(document: Document) -> list[Passage]:
    """The passages of one document; `EmptyDocumentError` when its kind finds nothing in it to cite."""
    found = list(passages_of(document))
    if not found:
        raise EmptyDocumentError(f"Het document levert als soort '{document.info.kind}' geen passages op om te citeren "
                                 "(alleen koppen, of geen tekst die bij die soort past). Controleer het bestand en de gekozen soort.")
    return found


def passages_of(document: Document) -> Iterator[Passage]:
    """Passages of one document, by its kind."""
    if document.info.kind == "inkoopbeleid":
        yield from _table_passages(document)
    elif document.info.kind == "faq":
        yield from _faq_passages(document)
    else:
        yield from _structured_passages(document)


def _passage(document: Document, start: int, end: int, **fields) -> Passage:
    text = document.text[start:end]
    return Passage(
        id=Passage.make_id(document.sha256, start, end),
        document_id=document.id,
        page=document.extracted.page_at(start),
        start=start,
        end=end,
        text=text,
        **fields,
    )


# --- handreiking and other prose documents -------------------------------------------------


@dataclass
class _Node:
    block: Block
    section: tuple[str, ...]
    bouwsteen: int | None
    hoofdtaak: int | None = None
    kind: str = "paragraph"
    continues: int | None = None
    extra: dict = field(default_factory=dict)


def _terminated(text: str) -> bool:
    stripped = text.rstrip().rstrip("¹²³⁴⁵⁶⁷⁸⁹⁰0123456789*)]\"'”’")
    return bool(stripped) and stripped[-1] in ".:;!?…"


def _is_artifact(block: Block) -> bool:
    return sum(ch.isalnum() for ch in block.text) < 3


def _structured_passages(document: Document) -> Iterator[Passage]:
    extracted: ExtractedText = document.extracted
    # a paged document's running headers, footers and page numbers are no content (offsets stay exact)
    text = mask_running_lines(extracted) if extracted.page_starts and len(extracted.page_starts) >= 2 else extracted.text
    blocks = _letter_closing([b for b in segment(text, extracted.heading_spans, figures=True) if not _is_artifact(b)], text)
    nodes = _assign_sections(blocks, document.info.title)
    _repair_continuations(nodes)
    _place_footnotes(nodes)
    for node in nodes:
        if node.block.kind == "heading":
            continue
        yield _passage(
            document,
            node.block.start,
            node.block.end,
            section=node.section,
            kind=node.kind,
            insurer=document.info.insurer,
            bouwsteen=node.bouwsteen,
            hoofdtaak=node.hoofdtaak,
            lead_in=node.block.lead_in,
            continues=_id_of(document, nodes[node.continues].block) if node.continues is not None else None,
        )


def _letter_closing(blocks: list[Block], text: str) -> list[Block]:
    """A letter's closing ("Hoogachtend,") and the signature under it as one paragraph: who signed,
    and as what, is one statement. The signature's names alone look like a heading with nothing
    under it. Only near the end: a closing is the last thing a letter says."""
    closing = get_language().document["letter_closing"]
    for i in range(len(blocks) - 1, max(len(blocks) - 1 - MAX_SIGNATURE, -1), -1):
        if closing.match(blocks[i].body):
            start, end = blocks[i].start, blocks[-1].end
            return blocks[:i] + [Block(start, end, "signature", text[start:end])]
    return blocks


def _id_of(document: Document, block: Block) -> str:
    return Passage.make_id(document.sha256, block.start, block.end)


def _heading_title(block: Block) -> str:
    return " ".join(block.body.replace("**", "").split())


def _assign_sections(blocks: list[Block], doc_title: str) -> list[_Node]:
    """Section path and bouwsteen for every block, from the headings around it."""
    domain = get_domain()
    stack: list[tuple[int, str]] = []  # (level, title)
    bouwsteen: int | None = None
    bouwsteen_level = 99
    pending_bouwsteen: int | None = None
    footnotes_seen: set[int] = set()
    nodes: list[_Node] = []
    text_so_far = ""

    def push(level: int, title: str) -> None:
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, title))

    for index, block in enumerate(blocks):
        title = _heading_title(block)
        if block.kind == "heading" and block.level == 0 and title.split()[-1].lower() in FUNCTION_WORDS:
            block.kind = "paragraph"  # a sentence broken off at a page end, not a heading
        if block.kind == "heading" and fold(title) == fold(doc_title):
            nodes.append(_Node(block, (), None))
            continue
        if block.kind == "heading":
            match = BOUWSTEEN_HEADING.match(title)
            if match:
                bouwsteen = int(match.group(1))
                bouwsteen_level = block.level or 2
                label = match.group(2).strip()
                if label:
                    push(bouwsteen_level, f"Bouwsteen {bouwsteen} – {label}")
                else:
                    pending_bouwsteen = bouwsteen
                    push(bouwsteen_level, f"Bouwsteen {bouwsteen} – {domain.bouwsteen_title(bouwsteen)}" if 1 <= bouwsteen <= 7 else f"Bouwsteen {bouwsteen}")
            elif pending_bouwsteen is not None:
                push(bouwsteen_level, f"Bouwsteen {pending_bouwsteen} – {title}")
                pending_bouwsteen = None
            else:
                level = block.level
                if not level:
                    structural = PHASE_HEADING.match(title) or (title.upper() == title and any(c.isalpha() for c in title))
                    if structural:
                        level = 1
                    elif bouwsteen is not None and stack and stack[-1][0] >= bouwsteen_level:
                        level = bouwsteen_level + 1
                    else:
                        level = 2
                if level <= bouwsteen_level or PHASE_HEADING.match(title):
                    bouwsteen, bouwsteen_level = None, 99
                push(level, title)
            nodes.append(_Node(block, tuple(t for _, t in stack), bouwsteen))
            continue
        pending_bouwsteen = None
        if block.kind == "signature":
            nodes.append(_Node(block, (SIGNATURE_SECTION,), None, kind="paragraph"))
            continue
        footnote = FOOTNOTE_START.match(block.text)
        number = int(footnote.group(1).translate(SUPERSCRIPT_DIGITS)) if footnote else None
        is_superscript = bool(footnote) and not footnote.group(1).isascii()
        if number is not None and number not in footnotes_seen and (
            is_superscript or has_footnote_mark(text_so_far, number)
        ):
            footnotes_seen.add(number)
            nodes.append(_Node(block, ("Voetnoten", f"Voetnoot {number}"), None, kind="footnote", extra={"number": number}))
            text_so_far += block.text
            continue
        if block.kind == "list_item" and NUMBERED_SUBHEADING.match(block.text) and not _terminated(block.text) and len(block.body.split()) <= 14 and bouwsteen is not None:
            push(bouwsteen_level + 1, _heading_title(Block(0, 0, "", LIST_MARKER.sub("", block.body, count=1) if block.text.lstrip().startswith("-") else block.body)))
            nodes.append(_Node(Block(block.start, block.end, "heading", block.text, level=bouwsteen_level + 1), tuple(t for _, t in stack), bouwsteen))
            continue
        section = tuple(t for _, t in stack)
        node = _Node(block, section, bouwsteen, kind=block.kind)
        if block.kind == "list_item" and any("hoofdtaken" in fold(t) for t in section):
            node.kind = "hoofdtaak"
            node.hoofdtaak = _hoofdtaak_number(block, nodes)
        nodes.append(node)
        text_so_far += block.text
    return nodes


def footnote_number(passage: Passage) -> int | None:
    """The number of a footnote passage (its section ends in 'Voetnoot N'), else None."""
    if passage.kind != "footnote" or not passage.section:
        return None
    match = FOOTNOTE_TITLE.fullmatch(passage.section[-1])
    return int(match.group(1)) if match else None


def has_footnote_mark(text: str, number: int) -> bool:
    """A footnote mark for `number` (superscript, or digits glued to a word) occurs in `text`."""
    sup = str(number).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return sup in text or re.search(rf"[a-zà-ÿ]{number}(?![\d%])", text) is not None


def _place_footnotes(nodes: list[_Node]) -> None:
    """A footnote belongs to the section of the passage that carries its mark."""
    for node in nodes:
        number = node.extra.get("number")
        if node.kind != "footnote" or number is None:
            continue
        for origin in nodes:
            if origin.kind != "footnote" and origin.block.kind != "heading" and has_footnote_mark(origin.block.text, number):
                node.section, node.bouwsteen = origin.section + (f"Voetnoot {number}",), origin.bouwsteen
                break


def _hoofdtaak_number(block: Block, nodes: list[_Node]) -> int | None:
    match = HOOFDTAAK_NUMBER.match(block.text.strip())
    if match and int(match.group(1)) in {int(t.key) for t in get_domain().hoofdtaken}:
        return int(match.group(1))
    if block.indent and nodes and nodes[-1].hoofdtaak:
        return nodes[-1].hoofdtaak  # an indented sub-item belongs to the task above it
    named = get_domain().find("hoofdtaak", block.text)
    return int(named[0][0].key) if named else None


def _repair_continuations(nodes: list[_Node]) -> None:
    """A block that starts mid-sentence continues an unfinished block; PDF columns can displace it.

    The head is the block right before when that one is unfinished, else the nearest unfinished
    long block nearby (backwards first). A displaced run takes the head's section and bouwsteen.
    """
    for i, node in enumerate(nodes):
        body = node.block.body
        if node.block.kind == "heading" or node.kind == "footnote" or not body:
            continue
        if body[0].isdigit() and node.block.kind == "paragraph" and i and _ends_mid_sentence(nodes[i - 1].block.text):
            head = i - 1  # "… voor 2028 en" / "2029. Daarbij …": a number broken onto the next line
        elif not body[0].islower():
            continue
        else:
            head = _find_head(nodes, i)
        if head is None:
            continue
        node.continues = head
        if head > i:
            j = i
            while j < len(nodes) and nodes[j].block.kind != "heading" and j != head:
                nodes[j].section, nodes[j].bouwsteen = nodes[head].section, nodes[head].bouwsteen
                j += 1
        else:
            node.section, node.bouwsteen = nodes[head].section, nodes[head].bouwsteen


def _ends_mid_sentence(text: str) -> bool:
    """The text stops on a lowercase word, as a sentence cut by a line or page break does."""
    last = text.rstrip().split()[-1:] if text.strip() else []
    return bool(last) and last[0].isalpha() and last[0].islower()


def _find_head(nodes: list[_Node], i: int) -> int | None:
    def open_block(k: int, long: bool) -> bool:
        n = nodes[k]
        return n.block.kind != "heading" and n.kind != "footnote" and not _terminated(n.block.text) and (not long or len(n.block.text.split()) >= 12)

    previous = i - 1
    while previous >= 0 and nodes[previous].kind == "footnote":
        previous -= 1
    if previous >= 0 and open_block(previous, long=False):
        return previous
    for k in range(i - 2, max(-1, i - 13), -1):
        if open_block(k, long=True):
            return k
    for k in range(i + 1, min(len(nodes), i + 13)):
        if open_block(k, long=True):
            return k
    return None


# --- the insurers' policy table ------------------------------------------------------------


def _table_passages(document: Document) -> Iterator[Passage]:
    domain = get_domain()
    text = document.text
    rows = [b for b in segment(text) if b.kind == "table_row"]
    if not rows:
        raise EmptyDocumentError("Een inkoopbeleid wordt per tabelrij gelezen, maar dit document heeft geen tabel (rijen met "
                                 "tabs of |). Kies een andere soort of lever het beleid met zijn tabel aan.")
    header = rows[0]
    columns = [domain.canonical_insurer(c) for c in _cell_spans(text, header)[1:]] if header else []
    for row in rows[1:]:
        spans = _cell_spans_offsets(text, row)
        if not spans:
            continue
        label = " ".join(text[spans[0][0]:spans[0][1]].split())
        named = BOUWSTEEN_HEADING.match(label)
        bouwsteen = int(named.group(1)) if named else None
        for (start, end), insurer in zip(spans[1:], columns, strict=False):
            if insurer is None or end <= start:
                continue
            section = (label,)
            yield _passage(document, start, end, section=section, kind="cell", insurer=insurer, bouwsteen=bouwsteen)
            for b_start, b_end in _bullet_spans(text, start, end):
                yield _passage(document, b_start, b_end, section=section, kind="bullet", insurer=insurer, bouwsteen=bouwsteen)


def _cell_spans_offsets(text: str, row: Block) -> list[tuple[int, int]]:
    spans, pos = [], row.start
    separator = "\t" if "\t" in row.text else "|"
    for part in row.text.split(separator):
        spans.append(trim(text, pos, pos + len(part), " \u00a0"))
        pos += len(part) + 1
    if separator == "|":
        spans = [s for s in spans if s[1] > s[0]]
    return spans


def _cell_spans(text: str, row: Block) -> list[str]:
    return [text[s:e] for s, e in _cell_spans_offsets(text, row)]


def _bullet_spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    cuts = [start] + [m.start() for m in re.finditer(r"[•·▪]|(?<!\w)- ", text[start:end])]
    cuts = sorted({c + start if c != start else c for c in cuts[1:]} | {start})
    cuts.append(end)
    for a, b in zip(cuts, cuts[1:]):
        s = a + 1 if text[a] in "•·▪-" else a
        while s < b and text[s] in " \u00a0":
            s += 1
        e = b
        while e > s and text[e - 1] in " \u00a0":
            e -= 1
        if e > s and any(ch.isalnum() for ch in text[s:e]):
            yield s, e


# --- FAQ -------------------------------------------------------------------------------------

QUESTION_START = re.compile(r"^(?:#+\s*)?(?:vraag\s*\d*[:.]|v[:.]|q[:.]|\d+[.)]\s+)?\s*\S.*\?\s*$", re.IGNORECASE)


def _faq_passages(document: Document) -> Iterator[Passage]:
    domain = get_domain()
    blocks = [b for b in segment(document.text, document.extracted.heading_spans, guess_headings=False) if not _is_artifact(b)]
    questions = [i for i, b in enumerate(blocks) if QUESTION_START.match(b.text.strip().split("\n")[0]) and len(b.text) < 400]
    for n, qi in enumerate(questions):
        last = (questions[n + 1] if n + 1 < len(questions) else len(blocks)) - 1
        while last > qi and blocks[last].kind == "heading":
            last -= 1
        question = " ".join(blocks[qi].body.split())
        numbers = [n for n in bouwsteen_numbers(question) if 1 <= n <= 7] or [int(t.key) for t, _ in domain.find("bouwsteen", question)]
        bouwsteen = numbers[0] if numbers else None
        yield _passage(document, blocks[qi].start, blocks[last].end, section=("Veelgestelde vragen", question),
                       kind="faq", insurer=document.info.insurer, bouwsteen=bouwsteen)
