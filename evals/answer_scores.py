"""Answer eval figures: the scores of a question set, a half of it, a language or a category, from its item rows."""

from __future__ import annotations

from collections import defaultdict

from evals import metrics as m

FIRST_CHARS = 300  # a fact question's answer states the fact within this many characters
# categories whose answer is a list (a requirement cell, a section): the list is the answer, not one fact
LIST_CATEGORIES = frozenset({"cell", "bouwsteen", "comparison", "which-insurers", "hoofdtaak", "phase"})
ANSWER_SYSTEMS = ("product", "hybrid", "bm25", "dense", "llama-index")


def _scores(rows: list[dict]) -> dict:
    """Every figure of a set (or a half of it)."""
    return {"n": len(rows), "systems": {name: _system_scores(rows, name) for name in ANSWER_SYSTEMS}, "citations": _citation_scores(rows),
            "latency": _latency(rows), "languages": {lang: _language_scores([r for r in rows if r["lang"] == lang]) for lang in ("nl", "en")},
            "fact_first": _fact_first(rows)}


def _language_scores(rows: list[dict]) -> dict:
    answerable = [r for r in rows if not r["abstain"]]
    return {"n": len(rows), "accuracy": m.share(sum(r["product"]["correct"] for r in answerable), len(answerable)),
            "abstention": m.binary_scores([r["abstain"] for r in rows], [r["product"]["abstained"] for r in rows])}


def _fact_first(rows: list[dict]) -> dict:
    """Share of answered fact questions whose answer states a fact within the first FIRST_CHARS characters."""
    asked = [r for r in rows if not r["abstain"] and r["category"] not in LIST_CATEGORIES]
    early = sum(m.fact_within(r["facts"], r["product"]["answer"], FIRST_CHARS) for r in asked if not r["product"]["abstained"])
    return {"n": len(asked), "within": early, "share": m.share(early, len(asked))}


def _system_scores(rows: list[dict], name: str) -> dict:
    answerable = [r for r in rows if not r["abstain"]]
    with_support = [r for r in answerable if r["retrieval"][name]["support_recall@5"] is not None]
    retrieval = m.retrieval_scores([r["retrieval"][name]["rank"] for r in with_support])
    recalls = [r["retrieval"][name]["support_recall@5"] for r in with_support]
    retrieval["support_recall@5"] = m.share(sum(recalls), len(recalls))
    if name == "product":
        chars = [r["product"]["chars"] for r in answerable if not r["product"]["abstained"]]
        found = [r["product"]["facts_found"] for r in answerable]
        correct = [r["product"]["correct"] for r in rows]
        predicted_abstain = [r["product"]["abstained"] for r in rows]
    else:
        chars = [r["retrieval"][name]["chars"] for r in answerable]
        found = [r["retrieval"][name]["facts_found"] for r in answerable]
        correct = [r["retrieval"][name]["correct"] for r in rows]
        predicted_abstain = [False] * len(rows)
    return {
        "retrieval": retrieval,
        "accuracy": m.share(sum(all(f) for f in found), len(found)),
        "fact_recall": m.share(sum(sum(f) for f in found), sum(len(f) for f in found)),
        "overall": m.share(sum(correct), len(correct)),
        "answer_chars_p50": m.percentile(chars, 50),
        "abstention": m.binary_scores([r["abstain"] for r in rows], predicted_abstain),
        "n_answerable": len(answerable),
    }


def _citation_scores(rows: list[dict]) -> dict:
    every = [c for r in rows for c in r["product"]["citations"]]
    support = [c for r in rows if not r["abstain"] and not r["product"]["abstained"] for c in r["product"]["citations"] if c["support"]]
    return {"total": len(every), "valid": sum(c["valid"] for c in every), "validity": m.share(sum(c["valid"] for c in every), len(every)),
            "scored": len(support), "precise": sum(c["precise"] for c in support),
            "precision": m.share(sum(c["precise"] for c in support), len(support)),
            "answer_part_precision": m.share(sum(c["precise"] for c in support if c.get("answer_part")),
                                             sum(bool(c.get("answer_part")) for c in support))}


def _latency(rows: list[dict]) -> dict:
    seconds = [r["product"]["seconds"] for r in rows]
    return {"n": len(seconds), "p50_ms": _ms(m.percentile(seconds, 50)), "p95_ms": _ms(m.percentile(seconds, 95)),
            "max_ms": _ms(max(seconds, default=None))}


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


def _per_category(rows: list[dict]) -> dict:
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        groups[row["category"]].append(row)
    out = {}
    for category, members in groups.items():
        entry = {"n": len(members), "product": m.share(sum(r["product"]["correct"] for r in members), len(members))}
        for name in ANSWER_SYSTEMS[1:]:
            entry[name] = m.share(sum(r["retrieval"][name]["correct"] for r in members), len(members))
        out[category] = entry
    return out
