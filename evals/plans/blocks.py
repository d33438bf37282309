"""The plan sources parsed into blocks, and their inline bold/italic runs (the Markdown subset is in build.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

PAGEBREAK = "<!-- pagebreak -->"


@dataclass
class Heading:
    level: int
    text: str


@dataclass
class Para:
    text: str


@dataclass
class ListBlock:
    ordered: bool
    items: list[tuple[int, str]] = field(default_factory=list)  # (nesting level, text)


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]


@dataclass
class PageBreak:
    pass


Block = Heading | Para | ListBlock | Table | PageBreak

_BULLET = re.compile(r"^( *)[-*] (.*)$")
_NUMBER = re.compile(r"^( *)\d+[.)] (.*)$")


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def parse(source: str) -> list[Block]:
    """Split the Markdown subset into blocks."""
    blocks: list[Block] = []
    lines = source.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            i += 1
        elif stripped == PAGEBREAK:
            blocks.append(PageBreak())
            i += 1
        elif stripped.startswith("#"):
            marks = len(stripped) - len(stripped.lstrip("#"))
            blocks.append(Heading(marks, stripped[marks:].strip()))
            i += 1
        elif stripped.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                rows.append(lines[i])
                i += 1
            header = _cells(rows[0])
            body = [_cells(r) for r in rows[1:] if not re.fullmatch(r"\s*\|?[\s:|-]+\|?\s*", r)]
            for r in body:
                if len(r) != len(header):
                    raise ValueError(f"table row has {len(r)} cells, header {len(header)}: {r}")
            blocks.append(Table(header, body))
        elif _BULLET.match(line) or _NUMBER.match(line):
            ordered = bool(_NUMBER.match(line)) and not _BULLET.match(line)
            block = ListBlock(ordered)
            while i < len(lines) and lines[i].strip():
                m = _BULLET.match(lines[i]) or _NUMBER.match(lines[i])
                if m:
                    block.items.append((len(m.group(1)) // 2, m.group(2).strip()))
                else:  # continuation of the previous item
                    level, text = block.items[-1]
                    block.items[-1] = (level, text + " " + lines[i].strip())
                i += 1
            blocks.append(block)
        else:
            text = []
            while i < len(lines) and lines[i].strip() and not lines[i].strip().startswith(("#", "|", PAGEBREAK)) \
                    and not _BULLET.match(lines[i]) and not _NUMBER.match(lines[i]):
                text.append(lines[i].strip())
                i += 1
            blocks.append(Para(" ".join(text)))
    return blocks


_INLINE = re.compile(r"(\*\*.+?\*\*|\*[^*\s][^*]*?\*)")


def runs(text: str) -> list[tuple[str, bool, bool]]:
    """(text, bold, italic) runs of one line of inline Markdown."""
    out = []
    for part in _INLINE.split(text):
        if not part:
            continue
        if part.startswith("**") and part.endswith("**") and len(part) > 4:
            out.append((part[2:-2], True, False))
        elif part.startswith("*") and part.endswith("*") and len(part) > 2:
            out.append((part[1:-1], False, True))
        else:
            out.append((part, False, False))
    return out


def plain(text: str) -> str:
    """One line of inline Markdown without its bold/italic markup."""
    return "".join(t for t, _, _ in runs(text))
