"""`resv eval`: the product and its baselines over the gold sets, in one run, with per-item rows.

Answers (`questions.jsonl`):
    retrieval   hit@1, hit@5, MRR@10 and support recall@5 (share of an item's support quotes held by
                the top 5) for: the product's retrieval (query understanding + hybrid), hybrid on the
                raw question, BM25 alone, dense alone, and plain llama-index (default chunking).
                A passage holds a support quote when its text contains it; a quote that is a heading
                (no passage text holds it) is held by the passages under that heading.
    answers     accuracy: share of non-abstain items whose answer holds every fact (case and
                whitespace ignored; a fact in one of the answer's citation quotes counts). Baselines
                answer with their top-5 texts joined and never abstain.
    citations   validity (quote == document.text[start:end]) over every citation and related passage;
                precision over the citations of non-abstain items: precise if the quote holds one of
                the item's facts or the cited passage holds one of its support quotes.
    abstention  precision and recall, positive class = abstain; an input error (e.g. unknown
                insurer) counts as an abstention.
    latency     p50/p95 of `service.ask`, warm (one untimed call first).
Reviews (`plans/plans.toml`, gold in `plans/labels/<id>.toml`): see `run_reviews`.

Writes OUT/answers.json, OUT/reviews.json, OUT/summary.json (key metrics, the shape of
`reports/baseline.json`) and OUT/report.md; prints a side-by-side table and, when a baseline
file exists, the change of each key metric. Never fails on a score.
"""

from __future__ import annotations

import json
import sys
import time
import tomllib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import ResvError
from assistant.models import Answer, ChatTurn, Passage
from assistant.understand import understand

from evals import metrics as m
from evals.baselines import LlamaIndexBaseline, keyword_review

HERE = Path(__file__).resolve().parent
QUESTIONS = HERE / "questions.jsonl"
PLANS = HERE / "plans"
DEFAULT_BASELINE = HERE / "reports" / "baseline.json"
K = 10  # results retrieved per query; hit@1, hit@5 and MRR@10 are read from them
WARM_UP_QUESTION = "Wat is een RESV-plan?"
ANSWER_SYSTEMS = ("product", "hybrid", "bm25", "dense", "llama-index")
SYSTEM_LABELS = {
    "product": "product (understanding + hybrid)",
    "hybrid": "hybrid, raw question",
    "bm25": "BM25 alone",
    "dense": "dense alone",
    "llama-index": "llama-index default",
}
REVIEW_LABELS = {
    "product": "product review",
    "keyword": "keyword matching",
    "bm25": "review, BM25-only evidence",
    "dense": "review, dense-only evidence",
}
Echo = Callable[[str], None]


def run(service, out_dir: Path, only: str = "all", limit: int | None = None, echo: Echo = print,  # noqa: ANN001 - Assistant
        baseline_file: Path | None = None) -> dict:
    """Run the selected parts, write the outputs to `out_dir`, print tables; return the summary."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    echo("Index en modellen laden…")
    service.warm_up()
    summary: dict = {}
    markdown = ["# RESV-assistent – evaluatie", ""]
    if only in ("answers", "all"):
        result = run_answers(service, limit, echo)
        _write_json(out_dir / "answers.json", result)
        summary["answers"] = answers_summary(result)
        echo(answers_table(result))
        markdown += answers_markdown(result)
    if only in ("reviews", "all"):
        result = run_reviews(service, echo)
        _write_json(out_dir / "reviews.json", result)
        summary["reviews"] = reviews_summary(result)
        echo(reviews_table(result))
        markdown += reviews_markdown(result)
    _write_json(out_dir / "summary.json", summary)
    baseline_path = Path(baseline_file) if baseline_file else DEFAULT_BASELINE
    if baseline_path.is_file():
        if limit:
            echo(f"Let op: --limit {limit}; de vergelijking met de baseline is daardoor niet zuiver.")
        lines = regression_lines(summary, json.loads(baseline_path.read_text(encoding="utf-8")), baseline_path)
        echo("\n".join(lines))
        markdown += ["", "## Verschil met de baseline", "", *lines]
    (out_dir / "report.md").write_text("\n".join(markdown) + "\n", encoding="utf-8")
    written = [n for n in ("answers.json", "reviews.json", "summary.json", "report.md") if (out_dir / n).is_file()]
    echo(f"Geschreven in {out_dir}: {', '.join(written)}")
    return summary


# --- answers ------------------------------------------------------------------------------------


@dataclass
class Ranked:
    """One system's ranked results for one item: per result, which support quotes it holds."""

    holds: list[list[bool]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)

    @property
    def rank(self) -> int | None:
        return m.first_rank([any(h) for h in self.holds])

    def support_recall(self, k: int, quotes: int) -> float | None:
        return m.share(sum(any(h[j] for h in self.holds[:k]) for j in range(quotes)), quotes)


def load_questions(limit: int | None = None) -> list[dict]:
    items = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return items[:limit] if limit else items


def relevant_passages(quote: str, passages: Sequence[Passage]) -> set[str]:
    """Ids of the passages that hold a gold quote: by text, else (a heading) by section path."""
    by_text = {p.id for p in passages if m.contains(p.text, quote)}
    return by_text or {p.id for p in passages if m.holds_quote(quote, "", p.section)}


def naive_query(item: dict) -> str:
    """What a system without query understanding sees: earlier user turns, then the question."""
    turns = [t["content"] for t in item["history"] if t["role"] == "user"]
    return " ".join(turns + [item["question"]])


def _ask(service, item: dict) -> tuple[Answer, float, str | None]:  # noqa: ANN001
    history = [ChatTurn(**t) for t in item["history"]]
    began = time.perf_counter()
    try:
        answer = service.ask(item["question"], item["insurer"], history)
    except ResvError as exc:  # e.g. an insurer we do not know: the product refuses, which is an abstention
        answer = Answer(question=item["question"], answer=exc.message, abstained=True, reason=f"error:{type(exc).__name__}")
        return answer, time.perf_counter() - began, exc.message
    return answer, time.perf_counter() - began, None


def _insurer(service, name: str | None) -> str | None:  # noqa: ANN001
    try:
        return service.resolve_insurer(name)
    except ResvError:
        return None


def run_answers(service, limit: int | None, echo: Echo) -> dict:  # noqa: ANN001
    began = time.perf_counter()
    items = load_questions(limit)
    library = service.library
    retriever = library.retriever
    passages = retriever.passages

    echo(f"Antwoorden: {len(items)} vragen…")
    service.ask(WARM_UP_QUESTION)  # the first call pays for lazy set-up; not timed
    answers = [_ask(service, item) for item in items]
    phases = {"ask": time.perf_counter() - began}

    echo("Baseline llama-index opbouwen (standaard chunking)…")
    llama = LlamaIndexBaseline(library.documents, service.embedder)
    phases["llama_index_build"] = time.perf_counter() - began - sum(phases.values())

    def passage_ranked(hits, relevant: list[set[str]]) -> Ranked:
        return Ranked(holds=[[h.passage.id in r for r in relevant] for h in hits], texts=[h.passage.text for h in hits],
                      ids=[h.passage.id for h in hits])

    rows = []
    for item, (answer, seconds, error) in zip(items, answers):
        quotes = [s["quote"] for s in item["support"]]
        relevant = [relevant_passages(q, passages) for q in quotes]
        query = understand(" ".join(item["question"].split()), [ChatTurn(**t) for t in item["history"]], _insurer(service, item["insurer"]))
        raw = naive_query(item)
        chunks = llama.search(raw, K)
        ranked = {
            "product": passage_ranked(retriever.search(query.text, K, expansions=query.expansions), relevant),
            "hybrid": passage_ranked(retriever.search(raw, K), relevant),
            "bm25": passage_ranked(retriever.search(raw, K, mode="bm25"), relevant),
            "dense": passage_ranked(retriever.search(raw, K, mode="dense"), relevant),
            "llama-index": Ranked(holds=[[m.contains(c.text, q) for q in quotes] for c in chunks], texts=[c.text for c in chunks],
                                  ids=[f"{c.document}@{c.score:.3f}" for c in chunks]),
        }
        rows.append(_answer_row(service, item, answer, seconds, error, ranked, relevant))
    phases["retrieval"] = time.perf_counter() - began - sum(phases.values())

    result = {
        "meta": {
            "items": len(items), "k": K, "embedder": service.embedder.name, "seconds": round(time.perf_counter() - began, 1),
            "phase_seconds": {k: round(v, 1) for k, v in phases.items()},
            "llama_index": {"chunks": llama.chunks, "chunk_size": llama.chunk_size, "chunk_overlap": llama.chunk_overlap,
                            "openai_imported": "openai" in sys.modules, "global_models_set": llama.global_models_set()},
        },
        "systems": {name: _system_scores(rows, name) for name in ANSWER_SYSTEMS},
        "citations": _citation_scores(rows),
        "latency": _latency(rows),
        "per_category": _per_category(rows),
        "failures": [_failure(row) for row in rows if not row["product"]["correct"]],
        "items": rows,
    }
    return result


def _answer_row(service, item: dict, answer: Answer, seconds: float, error: str | None,  # noqa: ANN001
                ranked: dict[str, Ranked], relevant: list[set[str]]) -> dict:
    facts = item["facts"]
    quotes = [s["quote"] for s in item["support"]]
    documents = service.library.documents
    cited_ids = {c.passage_id for c in answer.citations}
    supporting = set().union(*relevant) if relevant else set()
    citations = []
    for i, c in enumerate(answer.citations + answer.related):
        document = documents.get(c.document)
        valid = document is not None and m.quote_at(document.text, c.quote, c.start, c.end)
        support = i < len(answer.citations)
        precise = support and (any(m.contains(c.quote, f) for f in facts) or c.passage_id in supporting)
        citations.append({"n": c.n, "support": support, "valid": valid, "precise": precise, "passage": c.passage_id,
                          "quote": " ".join(c.quote.split())[:160]})
    found = [False] * len(facts) if answer.abstained else m.facts_found(facts, [answer.answer] + [c.quote for c in answer.citations])
    product = {
        "abstained": answer.abstained, "reason": answer.reason, "error": error, "seconds": round(seconds, 4),
        "facts_found": found, "correct": answer.abstained if item["abstain"] else (not answer.abstained and all(found)),
        "support_cited": [bool(r & cited_ids) for r in relevant], "citations": citations,
        "answer": answer.answer, "chars": len(answer.answer),
    }
    systems = {}
    for name, result in ranked.items():
        entry = {"rank": result.rank, "support_recall@5": result.support_recall(5, len(quotes)), "top": result.ids[:5]}
        if name != "product":
            entry["facts_found"] = m.facts_found(facts, result.texts[:5])
            entry["chars"] = sum(len(t) for t in result.texts[:5])
            entry["correct"] = (not item["abstain"]) and all(entry["facts_found"])
        systems[name] = entry
    return {key: item[key] for key in ("id", "category", "lang", "question", "history", "insurer", "abstain", "facts")} | {
        "product": product, "retrieval": systems}


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
            "precision": m.share(sum(c["precise"] for c in support), len(support))}


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


def _failure(row: dict) -> dict:
    """Why the product got an item wrong, in terms a maintainer can act on."""
    product = row["product"]
    if row["abstain"]:
        cause = "answered instead of abstaining"
    elif product["abstained"]:
        cause = f"abstained wrongly ({product['reason'] or 'no reason'})"
    else:
        cited_all = bool(product["support_cited"]) and all(product["support_cited"])
        retrieved = row["retrieval"]["product"]["rank"] is not None
        if cited_all:
            cause = "support cited, fact not in answer text"
        else:
            cause = f"support passage not cited ({'retrieved in top-' + str(K) if retrieved else 'not retrieved in top-' + str(K)})"
    return {"id": row["id"], "category": row["category"], "cause": cause, "question": row["question"],
            "history": [t["content"] for t in row["history"] if t["role"] == "user"], "insurer": row["insurer"],
            "missing_facts": [f for f, ok in zip(row["facts"], product["facts_found"]) if not ok] if not row["abstain"] else [],
            "retrieval_rank": row["retrieval"]["product"]["rank"], "reason": product["reason"],
            "answer_excerpt": " ".join(product["answer"].split())[:300]}


def answers_summary(result: dict) -> dict:
    out: dict = {}
    for name, scores in result["systems"].items():
        out[name] = {"hit@1": scores["retrieval"]["hit@1"], "hit@5": scores["retrieval"]["hit@5"], "mrr": scores["retrieval"]["mrr"],
                     "accuracy": scores["accuracy"]}
    out["product"] |= {"abstention_precision": result["systems"]["product"]["abstention"]["precision"],
                       "abstention_recall": result["systems"]["product"]["abstention"]["recall"],
                       "overall": result["systems"]["product"]["overall"],
                       "citation_validity": result["citations"]["validity"], "citation_precision": result["citations"]["precision"],
                       "latency_p50_ms": result["latency"]["p50_ms"], "latency_p95_ms": result["latency"]["p95_ms"]}
    return out


# --- reviews ------------------------------------------------------------------------------------


def load_plans() -> tuple[list[dict], list[str]]:
    """The evaluation plans and any problems reading them."""
    path = PLANS / "plans.toml"
    if not path.is_file():
        return [], [f"{path} ontbreekt"]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        return [], [f"{path}: {exc}"]
    plans, problems = [], []
    for entry in data.get("plan", []):
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("id", "file", "insurer")):
            problems.append(f"plans.toml: ongeldige plan-regel {entry!r} (id, file en insurer zijn verplicht)")
            continue
        plans.append(entry)
    return plans, problems


def validation_ids() -> frozenset[str]:
    """The frozen validation half of the eval plans (`plans/split.toml`): never tuned on."""
    return frozenset(tomllib.loads((PLANS / "split.toml").read_text(encoding="utf-8"))["validation"])


def parse_labels(data: object) -> dict[str, str]:
    """Gold status per requirement id from a labels file, in any of the shapes a labeller may write:
    `id = "met"`, `[id] status = "met"`, `[[label]] id = … status = …`, or those inside one table."""
    out: dict[str, str] = {}

    def visit(node: object, key: str | None) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("id"), str) and node.get("status") in m.STATUSES:
                out[node["id"]] = node["status"]
                return
            if key is not None and node.get("status") in m.STATUSES:
                out[key] = node["status"]
                return
            for k, v in node.items():
                visit(v, k)
        elif isinstance(node, list):
            for v in node:
                visit(v, None)
        elif isinstance(node, str) and key is not None and node in m.STATUSES:
            out[key] = node

    visit(data, None)
    return out


def load_labels(plan_id: str) -> tuple[dict[str, str] | None, str | None]:
    path = PLANS / "labels" / f"{plan_id}.toml"
    if not path.is_file():
        return None, f"geen gold-labels: {path.relative_to(HERE.parent)} ontbreekt"
    try:
        labels = parse_labels(tomllib.loads(path.read_text(encoding="utf-8")))
    except tomllib.TOMLDecodeError as exc:
        return None, f"{path.name}: {exc}"
    if not labels:
        return None, f"{path.name} bevat geen labels met status met/partial/missing"
    return labels, None


REAL = HERE.parent.parent / "shared" / "real"
HALVES = ("development", "validation")


def _finding_rows(review, requirements: Sequence = ()) -> list[dict]:  # noqa: ANN001 - assistant.models.Review
    """The findings as rows; `requirement` holds what a note may cite besides the plan: the requirement, its source
    quote, and the catalogue's years and thresholds for it."""
    own = {r.id: " ".join([*map(str, r.years), *(f"{n.min_percent} {n.min_count}" for n in r.numbers)]) for r in requirements}
    return [{"id": f.id, "bouwsteen": f.bouwsteen, "insurer": f.insurer, "status": f.status, "note": f.note,
             "requirement": f"{f.requirement} {f.source.quote} {own.get(f.id, '')}", "evidence": [e.model_dump() for e in f.evidence]}
            for f in review.findings]


def score_review(findings: list[dict], gold: dict[str, str] | None, insurer: str, extracted) -> dict:  # noqa: ANN001
    """One system's findings on one plan against the gold labels."""
    checks = [m.evidence_check(extracted.text, extracted.page_at, e["quote"], e.get("page"), e.get("start"), e.get("end"))
              for f in findings for e in f["evidence"]]
    noted = [f for f in findings if "note" in f and "requirement" in f]
    out = {
        "findings": len(findings),
        "met": sum(f["status"] == "met" for f in findings),
        "other_insurer": sum(f["insurer"] not in (None, insurer) for f in findings),
        "bouwstenen": sorted({f["bouwsteen"] for f in findings if f["bouwsteen"] is not None}),
        "unevidenced": sum(f["status"] != "missing" and not f["evidence"] for f in findings),
        "evidence": {"n": len(checks), "verbatim": sum(c["verbatim"] for c in checks), "on_page": sum(c["page_ok"] for c in checks)},
        "notes": {"n": len(noted), "faithful": sum(m.note_faithful(f["note"], [e["quote"] for e in f["evidence"]], f["requirement"])
                                                   for f in noted)},
    }
    if gold is not None:
        predicted = {f["id"]: f["status"] for f in findings}
        pairs = [(g, predicted[i]) for i, g in gold.items() if i in predicted]
        out["matrix"] = m.confusion_matrix([g for g, _ in pairs], [p for _, p in pairs])
        out["unpredicted"] = sorted(i for i in gold if i not in predicted)
        out["unlabelled"] = sorted(i for i in predicted if i not in gold)
        out["wrong"] = [{"id": i, "gold": g, "predicted": predicted[i]} for i, g in gold.items() if i in predicted and predicted[i] != g]
    return out


def _not_a_plan(plan_id: str) -> bool:
    """A labelled document that is no RESV-plan (`not_resv_plan = true` in its labels file)."""
    path = PLANS / "labels" / f"{plan_id}.toml"
    try:
        return bool(tomllib.loads(path.read_text(encoding="utf-8")).get("not_resv_plan"))
    except (OSError, tomllib.TOMLDecodeError):
        return False


def _seen_ids() -> frozenset[str]:
    return frozenset(tomllib.loads((PLANS / "split.toml").read_text(encoding="utf-8"))["seen_by_earlier_rules"])


def _document_row(review, is_plan: bool) -> dict:  # noqa: ANN001 - assistant.models.Review
    document = review.document
    flagged = document is not None and not document.is_resv_plan
    return {"is_resv_plan": is_plan, "predicted_plan": not flagged, "correct": flagged != is_plan,
            "judged": bool(document and document.judged), "statement": document.statement if document else None}


def run_reviews(service, echo: Echo) -> dict:  # noqa: ANN001
    """Review every eval plan and every real document with the product and the baselines.

    Per system and per half (development, validation; validation also split into the plans the
    earlier hand-made rules were written against and those written after): 3x3 confusion matrix,
    verdict accuracy, per-class precision and recall, gap recall, false reassurance, evidence
    validity (verbatim in the plan's extracted text and on the named page), note faithfulness,
    findings of another insurer (must be 0), bouwstenen covered, seconds per plan. The document
    check (is this an RESV-plan?) is scored on every eval document and on the real documents of
    ../shared/real (none is an RESV-plan; none may have a requirement met). Baselines: keyword
    matching, and the review with BM25-only and dense-only evidence retrieval.
    """
    from assistant.ingest.loaders import load_bytes

    plans, problems = load_plans()
    validation, seen = validation_ids(), _seen_ids()
    result: dict = {"plans": [], "real": [], "problems": problems, "systems": {}, "halves": {}}
    requirements = service.requirements
    echo(f"Beoordelingen: {len(plans)} plannen…")
    for entry in plans:
        path = PLANS / entry["file"]
        if not path.is_file():
            result["problems"].append(f"{entry['id']}: bestand {entry['file']} ontbreekt")
            continue
        data, filename, insurer = path.read_bytes(), path.name, entry["insurer"]
        gold, problem = load_labels(entry["id"])
        if problem:
            result["problems"].append(f"{entry['id']}: {problem}")
        extracted = load_bytes(data, filename)
        half = "validation" if entry["id"] in validation else "development"
        row: dict = {"id": entry["id"], "file": entry["file"], "insurer": insurer, "labelled": gold is not None, "gold": gold,
                     "half": half, "seen": entry["id"] in seen, "systems": {}}
        began = time.perf_counter()
        review = service.review(data, filename, insurer)
        seconds = time.perf_counter() - began
        row["document"] = _document_row(review, not _not_a_plan(entry["id"]))
        rows = _finding_rows(review, requirements)
        row["systems"]["product"] = score_review(rows, gold, insurer, extracted) | {"seconds": round(seconds, 2), "rows": rows}
        row["systems"]["keyword"] = score_review(keyword_review(extracted.text, requirements, insurer), gold, insurer, extracted)
        for mode in ("bm25", "dense"):
            began = time.perf_counter()
            baseline = service.review(data, filename, insurer, mode=mode)
            row["systems"][mode] = score_review(_finding_rows(baseline, requirements), gold, insurer, extracted) | {
                "seconds": round(time.perf_counter() - began, 2)}
        echo(f"  {entry['id']} ({half}): {len(review.findings)} bevindingen, {review.summary.met} voldaan, in {seconds:.1f} s")
        result["plans"].append(row)
    result["real"] = _real_documents(service, echo)
    groups = {"all": result["plans"], **{h: [p for p in result["plans"] if p["half"] == h] for h in HALVES},
              "validation, new": [p for p in result["plans"] if p["half"] == "validation" and not p["seen"]],
              "validation, seen": [p for p in result["plans"] if p["half"] == "validation" and p["seen"]]}
    for group, rows in groups.items():
        systems = {}
        for name in ("product", "keyword", "bm25", "dense"):
            scored = [p["systems"][name] for p in rows if name in p["systems"]]
            if scored:
                systems[name] = _review_aggregate(scored)
        documents = [p["document"] for p in rows]
        result["halves"][group] = {"plans": [p["id"] for p in rows], "systems": systems,
                                   "document_check": m.share(sum(d["correct"] for d in documents), len(documents))}
    result["systems"] = result["halves"]["all"]["systems"]
    return result


def _real_documents(service, echo: Echo) -> list[dict]:  # noqa: ANN001
    """The real public documents, reviewed as if they were plans: each must be flagged, with nothing met."""
    from assistant.ingest.loaders import load_bytes

    rows = []
    insurers = service.insurers
    for n, path in enumerate(sorted(REAL.glob("*.pdf")) if REAL.is_dir() else []):
        insurer = insurers[n % len(insurers)]
        data = path.read_bytes()
        extracted = load_bytes(data, path.name)
        began = time.perf_counter()
        review = service.review(data, path.name, insurer)
        seconds = time.perf_counter() - began
        scored = score_review(_finding_rows(review, service.requirements), None, insurer, extracted)
        rows.append({"id": path.stem, "insurer": insurer, "pages": review.pages, "seconds": round(seconds, 2),
                     "document": _document_row(review, False), "met": review.summary.met, "partial": review.summary.partial,
                     "evidence": scored["evidence"], "notes": scored["notes"]})
        echo(f"  {path.name}: geen RESV-plan={not rows[-1]['document']['predicted_plan']}, {review.summary.met} voldaan, {seconds:.1f} s")
    return rows


def _review_aggregate(rows: list[dict]) -> dict:
    labelled = [r for r in rows if "matrix" in r]
    matrix = m.add_matrices(r["matrix"] for r in labelled)
    evidence = {k: sum(r["evidence"][k] for r in rows) for k in ("n", "verbatim", "on_page")}
    notes = {k: sum(r["notes"][k] for r in rows) for k in ("n", "faithful")}
    seconds = [r["seconds"] for r in rows if "seconds" in r]
    return {
        "plans": len(rows), "labelled_plans": len(labelled), "matrix": matrix,
        **(m.verdict_scores(matrix) if labelled else {}),
        "evidence_verbatim": m.share(evidence["verbatim"], evidence["n"]), "evidence_on_page": m.share(evidence["on_page"], evidence["n"]),
        "evidence_n": evidence["n"], "unevidenced": sum(r["unevidenced"] for r in rows),
        "note_faithfulness": m.share(notes["faithful"], notes["n"]),
        "other_insurer": sum(r["other_insurer"] for r in rows),
        "bouwstenen_min": min(len(r["bouwstenen"]) for r in rows), "bouwstenen_max": max(len(r["bouwstenen"]) for r in rows),
        "unpredicted": sum(len(r.get("unpredicted", [])) for r in labelled),
        "seconds_per_plan": m.share(sum(seconds), len(seconds)),
    }


def reviews_summary(result: dict) -> dict:
    out: dict = {}
    for group, half in result["halves"].items():
        out[group] = {"document_check": half["document_check"]}
        for name, s in half["systems"].items():
            per = s.get("per_class", {})
            out[group][name] = {k: s.get(k) for k in ("accuracy", "gap_recall", "false_reassurance", "evidence_verbatim",
                                                     "evidence_on_page", "note_faithfulness", "other_insurer", "seconds_per_plan")}
            out[group][name]["met_precision"] = per.get("met", {}).get("precision")
    real = result.get("real", [])
    out["real"] = {"documents": len(real), "flagged": sum(not r["document"]["predicted_plan"] for r in real),
                   "met": sum(r["met"] for r in real), "seconds_max": max((r["seconds"] for r in real), default=None)}
    return out


# --- output -------------------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _num(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|", *("| " + " | ".join(r) + " |" for r in rows)]


def _console(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows)]
    line = lambda cells: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)])


ANSWER_HEADER = ("system", "hit@1", "hit@5", "MRR@10", "supp.rec@5", "accuracy", "fact recall", "overall", "abst. P", "abst. R",
                 "chars p50")


def _answer_rows(result: dict) -> list[list[str]]:
    rows = []
    for name in ANSWER_SYSTEMS:
        s = result["systems"][name]
        r = s["retrieval"]
        rows.append([SYSTEM_LABELS[name], _pct(r["hit@1"]), _pct(r["hit@5"]), _num(r["mrr"]), _pct(r["support_recall@5"]),
                     _pct(s["accuracy"]), _pct(s["fact_recall"]), _pct(s["overall"]), _pct(s["abstention"]["precision"]),
                     _pct(s["abstention"]["recall"]), _num(s["answer_chars_p50"], 0)])
    return rows


def answers_table(result: dict) -> str:
    c, lat = result["citations"], result["latency"]
    return "\n".join([
        "", f"Antwoorden ({result['meta']['items']} vragen, {result['systems']['product']['n_answerable']} met antwoord, "
        f"{result['meta']['seconds']} s)",
        _console(ANSWER_HEADER, _answer_rows(result)),
        f"citaten: geldig {c['valid']}/{c['total']} ({_pct(c['validity'])}), precisie {c['precise']}/{c['scored']} ({_pct(c['precision'])}); "
        f"latentie p50 {lat['p50_ms']} ms, p95 {lat['p95_ms']} ms; fout beantwoord: {len(result['failures'])}",
    ])


def answers_markdown(result: dict) -> list[str]:
    meta, c, lat = result["meta"], result["citations"], result["latency"]
    out = ["## Antwoorden", "",
           f"{meta['items']} vragen ({result['systems']['product']['n_answerable']} met antwoord), embedder `{meta['embedder']}`, "
           f"top-{meta['k']} per zoekvraag, {meta['seconds']} s ({', '.join(f'{k} {v} s' for k, v in meta['phase_seconds'].items())}). llama-index: {meta['llama_index']['chunks']} chunks van "
           f"{meta['llama_index']['chunk_size']} tokens (overlap {meta['llama_index']['chunk_overlap']}), openai geïmporteerd: "
           f"{meta['llama_index']['openai_imported']}, globale llama-index-modellen gezet: {meta['llama_index']['global_models_set']}.", "",
           "Retrieval-kolommen tellen over items met een bronpassage; *accuracy* en *fact recall* over items met een antwoord; "
           "*overall* over alle items (een terecht onthouden antwoord telt als goed). Baselines antwoorden met hun top-5 teksten "
           "en onthouden zich nooit; *chars p50* is de mediane lengte van dat antwoord: een lang antwoord bevat feiten makkelijker "
           "(de chunks van llama-index zijn ~3000 tekens).", "",
           *_table(ANSWER_HEADER, _answer_rows(result)), "",
           f"- Citaatgeldigheid: {c['valid']}/{c['total']} ({_pct(c['validity'])})",
           f"- Citaatprecisie: {c['precise']}/{c['scored']} ({_pct(c['precision'])})",
           f"- Latentie `ask` (warm): p50 {lat['p50_ms']} ms, p95 {lat['p95_ms']} ms, max {lat['max_ms']} ms over {lat['n']} vragen", "",
           "### Per categorie (share goed)", ""]
    categories = result["per_category"]
    out += _table(["categorie", "n", *(SYSTEM_LABELS[s] for s in ANSWER_SYSTEMS)],
                  [[cat, str(v["n"]), *(_pct(v[s]) for s in ANSWER_SYSTEMS)] for cat, v in sorted(categories.items())])
    out += ["", f"### Fout beantwoorde items ({len(result['failures'])}), per oorzaak", ""]
    by_cause: dict[str, list[dict]] = defaultdict(list)
    for failure in result["failures"]:
        by_cause[failure["cause"]].append(failure)
    for cause, failures in sorted(by_cause.items(), key=lambda kv: -len(kv[1])):
        out += [f"#### {cause} ({len(failures)})", ""]
        for f in failures:
            context = f" (na: {' / '.join(f['history'])})" if f["history"] else ""
            insurer = f" [insurer={f['insurer']}]" if f["insurer"] else ""
            out.append(f"- `{f['id']}` ({f['category']}): {f['question']}{context}{insurer}")
            if f["missing_facts"]:
                out.append(f"  - ontbrekende feiten: {'; '.join(repr(x) for x in f['missing_facts'])} · retrieval-rang: {f['retrieval_rank'] or '>' + str(K)}")
            out.append(f"  - antwoord: {f['answer_excerpt']}")
        out.append("")
    return out


REVIEW_HEADER = ("system", "accuracy", "gap recall", "false reass.", "met P/R", "partial P/R", "missing P/R", "evidence ok",
                 "on page", "notes ok", "other ins.", "bouwst.", "s/plan")
GROUP_LABELS = {"development": "development (tuned on)", "validation": "validation (frozen)",
                "validation, new": "validation, plans written after the split", "validation, seen": "validation, plans the earlier rules saw",
                "all": "all plans"}


def _review_rows(systems: dict) -> list[list[str]]:
    rows = []
    for name, s in systems.items():
        per = s.get("per_class", {})
        pr = [f"{_pct(per[k]['precision'])}/{_pct(per[k]['recall'])}" if k in per else "–" for k in m.STATUSES]
        rows.append([REVIEW_LABELS[name], _pct(s.get("accuracy")), _pct(s.get("gap_recall")), _pct(s.get("false_reassurance")),
                     *pr, _pct(s["evidence_verbatim"]), _pct(s["evidence_on_page"]), _pct(s.get("note_faithfulness")),
                     str(s["other_insurer"]), f"{s['bouwstenen_min']}–{s['bouwstenen_max']}", _num(s["seconds_per_plan"], 1)])
    return rows


REAL_HEADER = ("document", "pages", "insurer", "flagged as no RESV-plan", "met", "partial", "evidence ok", "notes ok", "seconds")


def _real_rows(result: dict) -> list[list[str]]:
    return [[r["id"], str(r["pages"]), r["insurer"], "ja" if not r["document"]["predicted_plan"] else "NEE", str(r["met"]),
             str(r["partial"]), _pct(m.share(r["evidence"]["verbatim"], r["evidence"]["n"])),
             _pct(m.share(r["notes"]["faithful"], r["notes"]["n"])), _num(r["seconds"], 1)] for r in result.get("real", [])]


def reviews_table(result: dict) -> str:
    lines = ["", f"Beoordelingen ({len(result['plans'])} plannen, {len(result.get('real', []))} echte documenten)"]
    for group in ("development", "validation", "validation, new"):
        half = result.get("halves", {}).get(group)
        if half and half["systems"]:
            lines += ["", f"{GROUP_LABELS[group]}: {len(half['plans'])} plannen, documentcheck {_pct(half['document_check'])}",
                      _console(REVIEW_HEADER, _review_rows(half["systems"]))]
    if result.get("real"):
        lines += ["", "echte documenten (geen RESV-plan)", _console(REAL_HEADER, _real_rows(result))]
    lines += [f"let op: {p}" for p in result["problems"]]
    return "\n".join(lines)


def reviews_markdown(result: dict) -> list[str]:
    out = ["", "## Beoordelingen", ""]
    out += [f"- **let op:** {p}" for p in result["problems"]]
    if not result["systems"]:
        return out + ["", "Geen beoordelingen gedraaid."]
    out += ["", "Scores over gelabelde plannen, per helft van de vaste splitsing (`evals/plans/split.toml`); *gap recall* = gold "
            "missing/partial als missing/partial voorspeld; *false reass.* = gold missing/partial als met voorspeld; *evidence ok* = "
            "citaat letterlijk in de tekst van het plan; *notes ok* = de toelichting noemt geen cijfer of citaat dat niet in het "
            "bewijs of de eis staat; *documentcheck* = RESV-plan of niet goed herkend.", ""]
    for group, half in result["halves"].items():
        if not half["systems"]:
            continue
        out += [f"### {GROUP_LABELS[group]} ({len(half['plans'])} plannen; documentcheck {_pct(half['document_check'])})", "",
                ", ".join(f"`{p}`" for p in half["plans"]), "", *_table(REVIEW_HEADER, _review_rows(half["systems"])), ""]
    if result.get("real"):
        out += ["### Echte documenten uit ../shared/real (geen RESV-plan: elk moet herkend worden, met 0 keer voldaan)", "",
                *_table(REAL_HEADER, _real_rows(result)), ""]
    for name in ("product",):
        for group in ("development", "validation"):
            s = result["halves"].get(group, {}).get("systems", {}).get(name)
            if s:
                out += [f"### Confusion matrix – {REVIEW_LABELS[name]}, {GROUP_LABELS[group]} (rijen gold, kolommen voorspeld)", "",
                        *_table(["gold \\ voorspeld", *m.STATUSES],
                                [[g, *(str(s["matrix"][g][p]) for p in m.STATUSES)] for g in m.STATUSES]), ""]
    out += ["### Per plan", ""]
    for plan in result["plans"]:
        product = plan["systems"]["product"]
        out.append(f"- `{plan['id']}` ({plan['insurer']}, {plan['half']}): {product['findings']} bevindingen, {product['met']} voldaan, "
                   f"{product['seconds']} s, RESV-plan {'ja' if plan['document']['predicted_plan'] else 'nee'}"
                   f"{'' if plan['document']['correct'] else ' (FOUT)'}" + ("" if plan["labelled"] else " — niet gelabeld"))
        if plan["half"] == "validation":
            continue  # the validation half is scored, never read item by item: that would be tuning on it
        for wrong in product.get("wrong", []):
            flag = " ⚠ valse geruststelling" if wrong["gold"] in m.GAP and wrong["predicted"] == "met" else ""
            out.append(f"  - `{wrong['id']}`: gold {wrong['gold']}, product {wrong['predicted']}{flag}")
    return out


def regression_lines(summary: dict, baseline: dict, path: Path) -> list[str]:
    """The change of each key metric against a stored summary; informative, never a failure."""
    changes = m.deltas(m.flatten(summary), m.flatten(baseline))
    lines = [f"Verschil met {path}:"]
    for key, (before, now, delta) in sorted(changes.items()):
        if abs(delta) > 1e-9:
            lines.append(f"  {key}: {before:.3f} -> {now:.3f} ({delta:+.3f})")
    if len(lines) == 1:
        lines.append("  geen verschillen")
    return lines


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
