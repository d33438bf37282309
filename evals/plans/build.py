"""Render the eval plans in `src/` to the formats they are delivered in.

Each plan in `plans.toml` names its delivered file; the suffix picks the renderer:

    .pdf   reportlab platypus: A4, headings, paragraphs, bullet lists, tables, page footer
    .docx  python-docx: Heading styles, 'List Bullet' paragraphs, Word tables
    .txt   plain text the way a word processor exports it (no Markdown markup)
    .md    the source itself

Run: /work/main/.venv/bin/python evals/plans/build.py [PLAN-ID ...]

The sources use a small Markdown subset: `#` headings, paragraphs, `- ` bullets (two spaces
of indent per nesting level), `1. ` numbered items, pipe tables, `**bold**` and `*italic*`,
and a line `<!-- pagebreak -->`. Output is deterministic, so a rebuild of unchanged sources
leaves the committed files byte for byte the same.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from evals.plans.blocks import PAGEBREAK, parse
from evals.plans.render import to_docx, to_pdf, to_txt

HERE = Path(__file__).resolve().parent
MAX_BYTES = 1_000_000


def source_text(plan_id: str) -> str:
    """The Markdown source of one plan, `src/<plan_id>.md`."""
    return (HERE / "src" / f"{plan_id}.md").read_text(encoding="utf-8")


def build(plan: dict) -> Path:
    """Render one `plans.toml` entry to its delivered file; the path written."""
    source = source_text(plan["id"])
    out = HERE / plan["file"]
    out.parent.mkdir(parents=True, exist_ok=True)
    blocks = parse(source)
    suffix = out.suffix.lower()
    footer = plan.get("footer", plan["id"])
    if suffix == ".pdf":
        to_pdf(blocks, out, footer, plan.get("hyphenate", False))
    elif suffix == ".docx":
        to_docx(blocks, out, footer)
    elif suffix == ".txt":
        to_txt(blocks, out)
    elif suffix == ".md":
        out.write_text("\n".join(l for l in source.splitlines() if l.strip() != PAGEBREAK) + "\n",
                       encoding="utf-8")
    else:
        raise SystemExit(f"Error: {plan['id']}: unsupported output format {suffix!r}")
    size = out.stat().st_size
    if size >= MAX_BYTES:
        raise SystemExit(f"Error: {out} is {size} bytes, over the {MAX_BYTES} limit")
    return out


def describe(path: Path) -> str:
    """Size of a built file, and for a PDF its page count and any pages without text."""
    size = f"{path.stat().st_size / 1024:.0f} kB"
    if path.suffix == ".pdf":
        import pypdf
        reader = pypdf.PdfReader(path)
        empty = [i + 1 for i, p in enumerate(reader.pages) if len(p.extract_text().strip()) < 40]
        note = f", pages without text: {empty}" if empty else ""
        return f"{len(reader.pages)} pages, {size}{note}"
    return size


def main(argv: list[str]) -> int:
    """Build the plans named in `argv`, or all of them; exit status 1 on an unknown plan id."""
    plans = tomllib.loads((HERE / "plans.toml").read_text(encoding="utf-8"))["plan"]
    wanted = set(argv)
    unknown = wanted - {p["id"] for p in plans}
    if unknown:
        print(f"Error: unknown plan id(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 1
    for plan in plans:
        if wanted and plan["id"] not in wanted:
            continue
        out = build(plan)
        print(f"{plan['id']:32} {out.relative_to(HERE)}  ({describe(out)})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
