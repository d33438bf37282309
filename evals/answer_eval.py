"""Answer eval: every question set through the product and its baselines, per frozen half.

Sets (`questions-split.toml` holds each set's frozen validation half):
    seed        `questions.jsonl`: the first gold set, written from the two seed sources
    paraphrase  `questions-paraphrase.jsonl`: the same sources asked in other words (Dutch, everyday
                English) and off-domain questions that carry a domain word
    real        `questions-real.jsonl`: facts, figures and tables of the real documents in
                ../shared/real, added to a corpus of their own (`real_corpus`)

Per set and half: retrieval hit@1, hit@5, MRR@10 and support recall@5 for the product, hybrid on
the raw question, BM25 alone, dense alone and plain llama-index; answer accuracy (every fact in the
answer), fact in the first 300 characters (fact questions), citation validity and precision,
median answer length, abstention precision and recall per language, warm latency.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import ResvError
from assistant.models import Answer, ChatTurn, Passage

from evals import metrics as m
from evals.answer_scores import _per_category, _scores
from evals.baselines import LlamaIndexBaseline

HERE = Path(__file__).resolve().parent
REAL = HERE.parent.parent / "shared" / "real"
SPLIT = HERE / "questions-split.toml"
SETS = ("seed", "paraphrase", "real")
HALVES = ("development", "validation")
K = 10  # results retrieved per query; hit@1, hit@5 and MRR@10 are read from them
WARM_UP_QUESTION = "Wat is een RESV-plan?"
REAL_DOCUMENTS = {  # manifest entries of the real documents, as a maintainer would add them
    "integraal-zorgakkoord-2022": ("Integraal Zorgakkoord: samen werken aan gezonde zorg", "16 september 2022", "Rijksoverheid (VWS en partners)"),
    "gezond-en-actief-leven-akkoord-2023": ("Gezond en Actief Leven Akkoord (GALA)", "31 januari 2023", "Rijksoverheid (VWS, VNG, ZN)"),
    "kamerbrief-voortgang-iza-azwa-2026": ("Kamerbrief inzake voortgang IZA en AZWA", "9 april 2026", "Minister van VWS"),
}
Echo = Callable[[str], None]


def split() -> dict[str, dict]:
    """Each set's entry in `questions-split.toml`: its file and its frozen validation ids."""
    return tomllib.loads(SPLIT.read_text(encoding="utf-8"))


def load_questions(name: str = "seed", limit: int | None = None) -> list[dict]:
    """The items of one set, each marked with its frozen half."""
    entry = split()[name]
    validation = set(entry["validation"])
    path = HERE / entry["file"]
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for item in items:
        item["half"] = "validation" if item["id"] in validation else "development"
    return items[:limit] if limit else items


def real_corpus(corpus_dir: Path, target: Path) -> Path | None:
    """A copy of `corpus_dir` with the real documents added (kind "other"), or None when they are not on this machine."""
    if not all((REAL / f"{doc}.pdf").is_file() for doc in REAL_DOCUMENTS):
        return None
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(corpus_dir, target)
    entries = []
    for doc, (title, version, origin) in REAL_DOCUMENTS.items():
        shutil.copy(REAL / f"{doc}.pdf", target / f"{doc}.pdf")
        entries.append(f'\n[[document]]\nid = "{doc}"\ntitle = "{title}"\nkind = "other"\nfile = "{doc}.pdf"\n'
                       f'version = "{version}"\norigin = "{origin}"\n')
    with (target / "manifest.toml").open("a", encoding="utf-8") as fh:
        fh.write("".join(entries))
    return target


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


def run_answers(service, limit: int | None, echo: Echo, name: str = "seed") -> dict:  # noqa: ANN001
    """One question set through `service` (whose corpus must hold the set's documents) and the baselines."""
    began = time.perf_counter()
    items = load_questions(name, limit)
    library = service.library
    passages = [p for p in library.passages if p.kind != "cell"]  # what retrieval searches

    echo(f"Antwoorden, set {name}: {len(items)} vragen…")
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
        history = [ChatTurn(**t) for t in item["history"]]
        raw = naive_query(item)
        chunks = llama.search(raw, K)
        ranked = {
            "product": passage_ranked(service.retrieve(item["question"], "product", K, _insurer(service, item["insurer"]), history), relevant),
            **{mode: passage_ranked(service.retrieve(raw, mode, K), relevant) for mode in ("hybrid", "bm25", "dense")},
            "llama-index": Ranked(holds=[[m.contains(c.text, q) for q in quotes] for c in chunks], texts=[c.text for c in chunks],
                                  ids=[f"{c.document}@{c.score:.3f}" for c in chunks]),
        }
        rows.append(_answer_row(service, item, answer, seconds, error, ranked, relevant))
    phases["retrieval"] = time.perf_counter() - began - sum(phases.values())

    result = {
        "set": name,
        "halves": {half: _scores([r for r in rows if r["half"] == half]) for half in HALVES},
        "meta": {
            "items": len(items), "k": K, "embedder": service.embedder.name, "seconds": round(time.perf_counter() - began, 1),
            "phase_seconds": {k: round(v, 1) for k, v in phases.items()},
            "llama_index": {"chunks": llama.chunks, "chunk_size": llama.chunk_size, "chunk_overlap": llama.chunk_overlap,
                            "openai_imported": "openai" in sys.modules, "global_models_set": llama.global_models_set()},
        },
        **_scores(rows),
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
    # the answer part: everything before the context an answer marks (the whole text when it marks none)
    head = answer.answer if answer.context_start is None else answer.answer[:answer.context_start]
    in_head = {int(n) for marks in re.findall(r"\[(\d+(?:,\s*\d+)*)\]", head) for n in re.split(r",\s*", marks)}
    citations = []
    for i, c in enumerate(answer.citations + answer.related):
        document = documents.get(c.document)
        valid = document is not None and m.quote_at(document.text, c.quote, c.start, c.end)
        support = i < len(answer.citations)
        precise = support and (any(m.contains(c.quote, f) for f in facts) or c.passage_id in supporting)
        citations.append({"n": c.n, "support": support, "valid": valid, "precise": precise, "answer_part": support and c.n in in_head,
                          "passage": c.passage_id,
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
    return {key: item[key] for key in ("id", "half", "category", "lang", "question", "history", "insurer", "abstain", "facts")} | {
        "product": product, "retrieval": systems}


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
    return {"id": row["id"], "half": row["half"], "category": row["category"], "cause": cause, "question": row["question"],
            "history": [t["content"] for t in row["history"] if t["role"] == "user"], "insurer": row["insurer"],
            "missing_facts": [f for f, ok in zip(row["facts"], product["facts_found"]) if not ok] if not row["abstain"] else [],
            "retrieval_rank": row["retrieval"]["product"]["rank"], "reason": product["reason"],
            "answer_excerpt": " ".join(product["answer"].split())[:300]}


def run_sets(service, settings_for, limit: int | None, echo: Echo, sets: Sequence[str] = SETS) -> dict:  # noqa: ANN001
    """Every question set: the seed sets on `service`, the real set on a service over a corpus with the real documents.

    `settings_for(corpus_dir)` gives that second service's settings (its own data folder).
    """
    from assistant.service import Assistant

    results = {}
    for name in sets:
        if name == "real":
            corpus = real_corpus(service.settings.corpus_dir, service.settings.data_dir / "eval-real-corpus")
            if corpus is None:
                echo("Set real overgeslagen: de documenten van ../shared/real ontbreken.")
                continue
            other = Assistant(settings_for(corpus))
            began = time.perf_counter()
            echo("Corpus met de echte documenten indexeren…")
            other.warm_up()
            results[name] = run_answers(other, limit, echo, name) | {"ingest_seconds": round(time.perf_counter() - began, 1)}
        else:
            results[name] = run_answers(service, limit, echo, name)
    return results


def answers_summary(results: dict) -> dict:
    """Key figures per set and half (the shape of reports/baseline.json)."""
    out: dict = {}
    for name, result in results.items():
        for half, scores in [("all", result), *result["halves"].items()]:
            product = scores["systems"]["product"]
            out.setdefault(name, {})[half] = {
                "accuracy": product["accuracy"], "overall": product["overall"], "hit@5": product["retrieval"]["hit@5"],
                "abstention_precision": product["abstention"]["precision"], "abstention_recall": product["abstention"]["recall"],
                "citation_validity": scores["citations"]["validity"], "citation_precision": scores["citations"]["precision"],
                "fact_first_300": scores["fact_first"]["share"], "answer_chars_p50": product["answer_chars_p50"],
                "accuracy_nl": scores["languages"]["nl"]["accuracy"], "accuracy_en": scores["languages"]["en"]["accuracy"],
                "latency_p50_ms": scores["latency"]["p50_ms"], "latency_p95_ms": scores["latency"]["p95_ms"],
            }
    return out
