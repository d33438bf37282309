"""Catalogue terms whose only origin can be an eval plan, and their removal.

The requirement catalogue's evidence terms must come from the sources (the handreiking and the
insurers' policy), from the real public documents of the field (`../shared/real`: national
agreements, a letter to parliament) or from general Dutch. A term that stands in none of those
documents but in an eval plan is suspect when it is a wording rather than a word: a phrase of
several words, a long compound (LONG letters or more), or a code such as "ht2" or "k1", in any eval
plan; or any term that occurs in exactly one of the plans the earlier rules were written against.
Short single words of general Dutch used by plans ("stichting", "begroting") stay.

    python -m evals.term_audit            # list the suspect terms
    python -m evals.term_audit --remove   # strip them from corpus/requirements.toml
    python -m evals.term_audit --refresh  # rewrite evals/real_terms.txt from ../shared/real

The real documents are not in every checkout (a fresh clone lacks `../shared`), so the catalogue
terms they hold are kept in `evals/real_terms.txt`; a test keeps that file current where they are.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

from assistant.ingest.loaders import load_path
from assistant.review.terms import term_pattern  # forms=False: a term's origin is its wording as written
from assistant.text import fold, stem, words

REPO = Path(__file__).resolve().parents[1]
CATALOGUE = REPO / "corpus" / "requirements.toml"
SOURCES = ("handreiking-contractering-resv.txt", "inkoopbeleid-resv-verzekeraars.txt")
SPLIT = REPO / "evals" / "plans" / "split.toml"
REAL = REPO.parent / "shared" / "real"
REAL_TERMS = REPO / "evals" / "real_terms.txt"
CODE = re.compile(r"^[a-z]{1,3}\d+$")
LONG = 12  # letters from which a single word is a specific compound, not general vocabulary


def catalogue_terms(entry: dict) -> Iterator[str]:
    """Every evidence term of one catalogue entry."""
    for key in ("concepts", "thin"):
        for group in entry.get(key, []):
            yield from group
    yield from entry.get("contrary", [])
    for part in entry.get("parts", []):
        yield from part["terms"]
    for rule in entry.get("numbers", []):
        yield from rule.get("terms", [])
        yield from rule.get("count_terms", [])


def suspect_terms(
    catalogue: dict, sources: str, plans: dict[str, str], seen: set[str] = frozenset(), vouched: set[str] = frozenset()
) -> list[tuple[str, str, list[str]]]:
    """(requirement id, term, plans holding it) for every term whose only origin can be a plan.

    `sources` is every document a term may come from; `vouched` holds terms known to stand in
    other documents of the field; `seen` names the plans the earlier rules were written against.
    """
    folded_sources = fold(sources)
    source_stems = {stem(w) for w in words(folded_sources)}
    folded_plans = {name: fold(text) for name, text in plans.items()}
    out = []
    for entry in catalogue.get("requirement", []):
        for term in dict.fromkeys(catalogue_terms(entry)):
            term_words = fold(term).strip("* ").split()
            if not term_words or term in vouched:
                continue
            pattern = term_pattern(term, forms=False)
            # another form of the sources' own word ("operationeel" beside their "operationele") is theirs too
            if pattern.search(folded_sources) or (len(term_words) == 1 and stem(term_words[0]) in source_stems):
                continue
            holders = [name for name, text in folded_plans.items() if pattern.search(text)]
            wording = len(term_words) > 1 or len(re.sub(r"[^a-zà-ÿ]", "", term_words[0])) >= LONG or CODE.match(term_words[0])
            seen_once = len([h for h in holders if h in seen]) == 1
            if holders and (wording or seen_once):
                out.append((entry["id"], term, holders))
    return out


def eval_plans(catalogue_version: str | None = None) -> dict[str, str]:
    """The texts of the eval plans a catalogue term could have come from, development and validation alike:
    every plan but those written after `catalogue_version` (a plan written later cannot be the origin of its terms)."""
    listed = tomllib.loads((REPO / "evals" / "plans" / "plans.toml").read_text(encoding="utf-8")).get("plan", [])
    written = {entry["id"]: str(entry["written"]) for entry in listed if "written" in entry}
    made = (catalogue_version or "").split(".")[0]
    return {
        path.stem: path.read_text(encoding="utf-8")
        for path in sorted((REPO / "evals" / "plans" / "src").glob("*.md"))
        if not (made and path.stem in written and written[path.stem] > made)
    }


def seen_plans() -> set[str]:
    """The plans the earlier, hand-made rules were written against."""
    return set(tomllib.loads(SPLIT.read_text(encoding="utf-8"))["seen_by_earlier_rules"])


def source_text() -> str:
    """The text of the sources the catalogue is written from."""
    return "\n".join((REPO / "corpus" / name).read_text(encoding="utf-8") for name in SOURCES)


def real_documents_here() -> bool:
    return REAL.is_dir() and any(REAL.glob("*.pdf"))


def terms_in_real_documents(catalogue: dict) -> set[str]:
    """The catalogue terms that stand in the real public documents (read from ../shared/real)."""
    text = fold("\n".join(load_path(path).text for path in sorted(REAL.glob("*.pdf"))))
    terms = {term for entry in catalogue.get("requirement", []) for term in catalogue_terms(entry)}
    return {term for term in terms if fold(term).strip("* ") and term_pattern(term, forms=False).search(text)}


def recorded_real_terms() -> set[str]:
    """The catalogue terms the real documents held when evals/real_terms.txt was last refreshed."""
    return {line for line in REAL_TERMS.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")}


def write_real_terms(terms: set[str]) -> None:
    header = "# catalogue terms found in ../shared/real; written by python -m evals.term_audit --refresh\n"
    REAL_TERMS.write_text(header + "".join(f"{term}\n" for term in sorted(terms)), encoding="utf-8")


def remove_terms(toml_text: str, suspects: list[tuple[str, str, list[str]]]) -> str:
    """The catalogue text without the suspect terms; groups and parts left empty are dropped."""
    by_id: dict[str, set[str]] = {}
    for requirement_id, term, _ in suspects:
        by_id.setdefault(requirement_id, set()).add(term)
    blocks = re.split(r"(?m)^(?=\[\[requirement\]\])", toml_text)
    out = []
    for block in blocks:
        found = re.search(r'(?m)^id = "([^"]+)"', block)
        terms = by_id.get(found.group(1), set()) if found else set()
        for term in terms:
            quoted = re.escape('"' + term.replace("\\", "\\\\").replace('"', '\\"') + '"')
            block = re.sub(rf"{quoted}\s*,\s*|,\s*{quoted}(?=\s*\])|{quoted}", "", block)
        out.append(_drop_empty(block) if terms else block)
    return "".join(out)


def _drop_empty(block: str) -> str:
    """Drop parts and concept groups that lost all their terms (thin groups stay aligned as [])."""
    block = re.sub(r'(?m)^\s*\{ name = "[^"]*", terms = \[\s*\] \},?\n', "", block)
    concepts = re.search(r"(?ms)^concepts = \[\n(.*?)^\]\n", block)
    if concepts is None:
        return block
    lines = concepts.group(1).splitlines(keepends=True)
    empty = [n for n, line in enumerate(lines) if re.match(r"^\s*\[\s*\],?\s*$", line)]
    if not empty:
        return block
    kept = "".join(line for n, line in enumerate(lines) if n not in empty)
    block = block[: concepts.start(1)] + kept + block[concepts.end(1):]
    thin = re.search(r"(?ms)^thin = \[\n(.*?)^\]\n", block)
    if thin is not None:
        rows = thin.group(1).splitlines(keepends=True)
        rows = [row for n, row in enumerate(rows) if n not in empty]
        block = block[: thin.start(1)] + "".join(rows) + block[thin.end(1):]
    return block


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--remove", action="store_true", help="strip the suspect terms from the catalogue")
    parser.add_argument("--refresh", action="store_true", help="rewrite evals/real_terms.txt from ../shared/real")
    args = parser.parse_args(argv)
    text = CATALOGUE.read_text(encoding="utf-8")
    catalogue = tomllib.loads(text)
    if args.refresh:
        if not real_documents_here():
            print(f"{REAL} holds no PDF: nothing to refresh from", file=sys.stderr)
            return 1
        write_real_terms(terms_in_real_documents(catalogue))
    suspects = suspect_terms(catalogue, source_text(), eval_plans(catalogue.get("version")), seen_plans(), recorded_real_terms())
    for requirement_id, term, holders in suspects:
        print(f"{requirement_id}\t{term!r}\t{', '.join(holders)}")
    print(f"{len(suspects)} suspect terms", file=sys.stderr)
    if args.remove and suspects:
        CATALOGUE.write_text(remove_terms(text, suspects), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
