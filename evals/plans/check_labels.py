"""Check the gold labels in `labels/` against the requirement catalogue and the plan texts.

For every plan in `plans.toml` this reports:

- label ids that are not in the catalogue (`corpus/requirements.toml`);
- catalogue ids that apply to the plan (handreiking requirements plus those of the plan's
  insurer) but have no label;
- labels for another insurer's requirements, duplicate ids, unknown statuses;
- `met`/`partial` labels without evidence, and evidence that is not verbatim in the plan
  (whitespace, including non-breaking spaces, is collapsed before comparing).

It also warns, without failing, when evidence found in the source cannot be found in the text
extracted from the delivered PDF or DOCX (for instance because a word was hyphenated there), and
when a label file was written against another catalogue `version` than the current one.

Run: /work/main/.venv/bin/python evals/plans/check_labels.py [--catalogue PATH]
Exit status 0 when everything matches, 1 on any mismatch, 2 when an input cannot be read.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
STATUSES = ("met", "partial", "missing")
HANDREIKING = {None, "", "none", "null", "handreiking"}

sys.path.insert(0, str(HERE))
import build  # noqa: E402  (same directory: the renderer knows how the sources become text)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def load_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        print(f"Error: cannot read {path}: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def catalogue_entries(data: dict) -> list[dict]:
    """The requirement tables: the first top-level array of tables whose items carry an `id`."""
    for value in data.values():
        if isinstance(value, list) and value and all(isinstance(v, dict) and "id" in v for v in value):
            return value
    print("Error: the catalogue holds no array of tables with an `id` field", file=sys.stderr)
    raise SystemExit(2)


def insurer_of(entry: dict) -> str | None:
    value = entry.get("insurer")
    return None if (value.lower() if isinstance(value, str) else value) in HANDREIKING else value


def source_plain(plan_id: str) -> str:
    """The plan's text without Markdown markup, as the delivered file presents it."""
    parts = []
    for block in build.parse(build.source_text(plan_id)):
        if isinstance(block, build.Heading | build.Para):
            parts.append(build.plain(block.text))
        elif isinstance(block, build.ListBlock):
            parts += [build.plain(t) for _, t in block.items]
        elif isinstance(block, build.Table):
            parts += [build.plain(c) for row in [block.header, *block.rows] for c in row]
    return squash("\n".join(parts))


def delivered_text(path: Path) -> str | None:
    if path.suffix == ".pdf":
        import pypdf
        return squash(" ".join(p.extract_text() for p in pypdf.PdfReader(path).pages))
    if path.suffix == ".docx":
        import docx
        document = docx.Document(str(path))
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        return squash(" ".join([p.text for p in document.paragraphs] + cells))
    if path.suffix in (".md", ".txt"):
        return squash(path.read_text(encoding="utf-8"))
    return None


def check_plan(plan: dict, catalogue: dict[str, dict], version: str | None) -> tuple[list[str], list[str], Counter]:
    errors: list[str] = []
    warnings: list[str] = []
    path = HERE / "labels" / f"{plan['id']}.toml"
    if not path.exists():
        return [f"no label file {path.relative_to(HERE)}"], warnings, Counter()
    data = load_toml(path)
    if data.get("plan") != plan["id"]:
        errors.append(f"plan = {data.get('plan')!r}, expected {plan['id']!r}")
    if data.get("insurer") != plan["insurer"]:
        errors.append(f"insurer = {data.get('insurer')!r}, plans.toml says {plan['insurer']!r}")

    if data.get("catalogue_version") != version:
        warnings.append(f"labelled against catalogue version {data.get('catalogue_version')!r}, "
                        f"the catalogue is at {version!r}: re-read the changed requirements")

    labels = data.get("label", [])
    applicable = {rid for rid, e in catalogue.items() if insurer_of(e) in (None, plan["insurer"])}
    seen = Counter(l.get("id") for l in labels)
    errors += [f"duplicate label id {rid}" for rid, n in seen.items() if n > 1]

    unknown = sorted(rid for rid in seen if rid not in catalogue)
    foreign = sorted(rid for rid in seen if rid in catalogue and rid not in applicable)
    unlabelled = sorted(applicable - set(seen))
    errors += [f"label id not in catalogue: {rid}" for rid in unknown]
    errors += [f"label for another insurer's requirement: {rid} ({catalogue[rid].get('insurer')})" for rid in foreign]
    errors += [f"catalogue id without label: {rid}" for rid in unlabelled]

    plain = source_plain(plan["id"])
    delivered = delivered_text(HERE / plan["file"])
    counts: Counter = Counter()
    for label in labels:
        rid, status = label.get("id"), label.get("status")
        counts[status] += 1
        if status not in STATUSES:
            errors.append(f"{rid}: status {status!r} is not one of {', '.join(STATUSES)}")
        if not label.get("why"):
            errors.append(f"{rid}: no `why`")
        evidence = label.get("evidence", [])
        evidence = [evidence] if isinstance(evidence, str) else evidence
        if status in ("met", "partial") and not evidence:
            errors.append(f"{rid}: status {status} without evidence")
        for quote in evidence:
            q = squash(quote)
            if q not in plain:
                errors.append(f"{rid}: evidence not verbatim in the plan: {quote[:70]!r}")
            elif delivered is not None and q not in delivered:
                warnings.append(f"{rid}: evidence not found in extracted {plan['file']}: {quote[:60]!r}")
    return errors, warnings, counts


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalogue", type=Path, default=REPO / "corpus" / "requirements.toml")
    parser.add_argument("--quiet", action="store_true", help="print problems only")
    args = parser.parse_args(argv)

    if not args.catalogue.exists():
        print(f"Error: catalogue not found: {args.catalogue}", file=sys.stderr)
        return 2
    data = load_toml(args.catalogue)
    catalogue = {e["id"]: e for e in catalogue_entries(data)}
    plans = load_toml(HERE / "plans.toml")["plan"]

    failed = False
    for plan in plans:
        errors, warnings, counts = check_plan(plan, catalogue, data.get("version"))
        failed |= bool(errors)
        if not args.quiet or errors:
            summary = ", ".join(f"{counts[s]} {s}" for s in STATUSES)
            print(f"{plan['id']:20} {plan['insurer']:15} {summary}{'' if errors else '  ok'}")
        for e in errors:
            print(f"  error: {e}")
        if not args.quiet:
            for w in warnings:
                print(f"  warning: {w}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
