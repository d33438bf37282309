"""Metric functions of the eval suite: pure, small, and tested on hand-made inputs.

Nothing here knows the product, a question or a plan; the runner feeds it lists and counts.
A share whose denominator is zero is `None` ("not measurable"), never 0 or 1.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence

from assistant.text import fold

STATUSES = ("met", "partial", "missing")
GAP = ("partial", "missing")
_SPACE = re.compile(r"\s+")
_LIST_NUMBER = re.compile(r"^\s*(?:[-•·]\s*)?\d{1,2}[.)]\s+")


def share(part: float, whole: float) -> float | None:
    """part / whole, or None when nothing was measured."""
    return part / whole if whole else None


# --- text matching ----------------------------------------------------------------------------


def normalize(text: str) -> str:
    """Case-folded, whitespace runs (line breaks, non-breaking spaces) collapsed to one space."""
    return _SPACE.sub(" ", text).strip().casefold()


def contains(text: str, fragment: str) -> bool:
    """`fragment` occurs in `text`, ignoring case and whitespace differences; an empty fragment never does."""
    needle = normalize(fragment)
    return bool(needle) and needle in normalize(text)


def facts_found(facts: Sequence[str], texts: Iterable[str]) -> list[bool]:
    """For each fact: does it occur in one of `texts`?"""
    haystack = [normalize(t) for t in texts]
    return [any(normalize(f) in h for h in haystack) if normalize(f) else False for f in facts]


def fact_within(facts: Sequence[str], answer: str, limit: int) -> bool:
    """Does one of the facts start within the first `limit` characters of the answer (case and whitespace ignored)?"""
    head = normalize(answer)
    return any(0 <= head.find(normalize(f)) < limit for f in facts if normalize(f))


def strip_list_number(text: str) -> str:
    """'1. Samenwerking …' -> 'Samenwerking …': a heading's number is not part of its text."""
    return _LIST_NUMBER.sub("", text)


def holds_quote(quote: str, text: str, headings: Sequence[str] = ()) -> bool:
    """A retrieval unit holds a gold quote if its text contains it, or one of its headings is it.

    Headings count because some gold quotes are headings ("Fase 1: Voorbereiding RESV-plan"),
    which the product keeps as the section path of the passages under them.
    """
    if contains(text, quote):
        return True
    bare = normalize(strip_list_number(quote))
    return bool(bare) and any(bare in normalize(h) for h in headings)


# --- retrieval --------------------------------------------------------------------------------


def first_rank(relevant: Sequence[bool]) -> int | None:
    """1-based rank of the first relevant result, None if none is relevant."""
    for i, ok in enumerate(relevant, start=1):
        if ok:
            return i
    return None


def hit_at(rank: int | None, k: int) -> bool:
    return rank is not None and rank <= k


def reciprocal_rank(rank: int | None) -> float:
    return 1.0 / rank if rank else 0.0


def retrieval_scores(ranks: Sequence[int | None], ks: Sequence[int] = (1, 5)) -> dict[str, float | None]:
    """hit@k for each k and MRR over items, from each item's first relevant rank."""
    out: dict[str, float | None] = {f"hit@{k}": share(sum(hit_at(r, k) for r in ranks), len(ranks)) for k in ks}
    out["mrr"] = share(sum(reciprocal_rank(r) for r in ranks), len(ranks))
    out["n"] = len(ranks)
    return out


# --- answers ----------------------------------------------------------------------------------


def binary_scores(gold: Sequence[bool], predicted: Sequence[bool]) -> dict[str, float | int | None]:
    """Precision and recall of the positive class (for abstention: positive = abstain)."""
    if len(gold) != len(predicted):
        raise ValueError(f"gold has {len(gold)} items, predicted {len(predicted)}")
    tp = sum(g and p for g, p in zip(gold, predicted))
    fp = sum(p and not g for g, p in zip(gold, predicted))
    fn = sum(g and not p for g, p in zip(gold, predicted))
    precision, recall = share(tp, tp + fp), share(tp, tp + fn)
    f1 = 2 * precision * recall / (precision + recall) if precision and recall else (0.0 if precision is not None and recall is not None else None)
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0–100) by linear interpolation between closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def quote_at(text: str, quote: str, start: int | None, end: int | None) -> bool:
    """A citation is valid when its quote sits exactly at its offsets in the document."""
    return start is not None and end is not None and 0 <= start <= end <= len(text) and text[start:end] == quote and bool(quote)


# --- reviews ----------------------------------------------------------------------------------


def confusion_matrix(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] = STATUSES) -> dict[str, dict[str, int]]:
    """Counts with gold labels as rows and predicted labels as columns."""
    if len(gold) != len(predicted):
        raise ValueError(f"gold has {len(gold)} items, predicted {len(predicted)}")
    matrix = {g: {p: 0 for p in labels} for g in labels}
    for g, p in zip(gold, predicted):
        if g not in matrix or p not in matrix[g]:
            raise ValueError(f"unknown label in pair ({g!r}, {p!r}); expected one of {', '.join(labels)}")
        matrix[g][p] += 1
    return matrix


def add_matrices(matrices: Iterable[Mapping[str, Mapping[str, int]]], labels: Sequence[str] = STATUSES) -> dict[str, dict[str, int]]:
    total = {g: {p: 0 for p in labels} for g in labels}
    for matrix in matrices:
        for g in labels:
            for p in labels:
                total[g][p] += matrix.get(g, {}).get(p, 0)
    return total


def verdict_scores(matrix: Mapping[str, Mapping[str, int]], labels: Sequence[str] = STATUSES) -> dict[str, object]:
    """Accuracy, per-class precision/recall, gap recall and false reassurance from a confusion matrix.

    gap recall: gold missing or partial that the review flags (predicts missing or partial).
    false reassurance: gold missing or partial that the review calls met.
    """
    total = sum(matrix[g][p] for g in labels for p in labels)
    correct = sum(matrix[label][label] for label in labels)
    per_class = {}
    for label in labels:
        predicted = sum(matrix[g][label] for g in labels)
        actual = sum(matrix[label][p] for p in labels)
        per_class[label] = {"precision": share(matrix[label][label], predicted), "recall": share(matrix[label][label], actual),
                            "gold": actual, "predicted": predicted}
    gaps = sum(matrix[g][p] for g in GAP for p in labels)
    flagged = sum(matrix[g][p] for g in GAP for p in GAP)
    reassured = sum(matrix[g]["met"] for g in GAP)
    return {"n": total, "accuracy": share(correct, total), "per_class": per_class,
            "gap_recall": share(flagged, gaps), "false_reassurance": share(reassured, gaps), "gaps": gaps}


def keyword_status(present: Sequence[bool]) -> str:
    """Keyword baseline: every term present -> met, some -> partial, none (or no terms) -> missing."""
    if present and all(present):
        return "met"
    return "partial" if any(present) else "missing"


def evidence_check(text: str, page_at: Callable[[int], int | None], quote: str, page: int | None,
                   start: int | None = None, end: int | None = None) -> dict[str, bool]:
    """Is an evidence quote verbatim in the plan's text, and on the page it names?

    With offsets the quote must sit exactly there; without, any occurrence counts. For a format
    without pages the named page must be None (`page_at` returns None there).
    """
    if not quote:
        return {"verbatim": False, "page_ok": False}
    if start is not None and end is not None:
        offsets = [start] if text[start:end] == quote else []
    else:
        offsets = [m.start() for m in re.finditer(re.escape(quote), text)]
    if not offsets:
        return {"verbatim": False, "page_ok": False}
    return {"verbatim": True, "page_ok": any(page_at(o) == page for o in offsets)}


# --- regression -------------------------------------------------------------------------------


def flatten(tree: Mapping[str, object], prefix: str = "") -> dict[str, float]:
    """{'a': {'b': 1}} -> {'a.b': 1}; only numbers are kept."""
    out: dict[str, float] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten(value, name + "."))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            out[name] = float(value)
    return out


def deltas(current: Mapping[str, float], baseline: Mapping[str, float]) -> dict[str, tuple[float, float, float]]:
    """(baseline, current, current - baseline) for each metric both have."""
    return {k: (baseline[k], current[k], current[k] - baseline[k]) for k in current if k in baseline}


_PAGE_REF = re.compile(r"\(p\. [\d, ]+\)")
_FIGURE = re.compile(r"\d+(?:[.,]\d+)?")
_QUOTED = re.compile(r"„(.+?)”")


def note_faithful(note: str, quotes: Sequence[str], requirement: str) -> bool:
    """Does the note say no more than its quotes? Every figure in it (page references aside) stands in a
    quote or in the requirement (its threshold), and every text it quotes („…”) stands in a quote.

    Written apart from the product's own check (assistant.review.faithful), so the eval does not
    grade the product with the product's check; only the reading of numbers written in words
    ("zes van de tien" is 60 %) is shared.
    """
    from assistant.review.numbers import counts, percentages

    evidence = normalize(" ".join(quotes))
    own = normalize(requirement)
    values = {round(v, 1) for v, _ in [*percentages(fold(evidence)), *counts(fold(evidence))]}
    for quoted in _QUOTED.findall(note):
        if normalize(quoted.removesuffix("…")) not in evidence:
            return False
    for figure in _FIGURE.findall(_QUOTED.sub(" ", _PAGE_REF.sub(" ", note))):
        forms = {figure, figure.replace(",", "."), figure.replace(".", ",")}
        if round(float(figure.replace(",", ".")), 1) in values:
            continue
        if not any(re.search(rf"(?<![\d.,]){re.escape(f)}(?!\d)", text) for f in forms for text in (evidence, own)):
            return False
    return True
