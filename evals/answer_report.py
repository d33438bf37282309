"""Answer eval output: console tables and the Markdown report section of the results of `run_sets`."""

from __future__ import annotations

from collections import defaultdict

from evals.answer_eval import HALVES, K
from evals.answer_scores import ANSWER_SYSTEMS
from evals.format import console, num, pct, table

SYSTEM_LABELS = {
    "product": "product (understanding + hybrid)",
    "hybrid": "hybrid, raw question",
    "bm25": "BM25 alone",
    "dense": "dense alone",
    "llama-index": "llama-index default",
}
ANSWER_HEADER = ("system", "hit@1", "hit@5", "MRR@10", "supp.rec@5", "accuracy", "fact recall", "overall", "abst. P", "abst. R",
                 "chars p50")
PRODUCT_HEADER = ("half", "n", "accuracy", "acc. nl", "acc. en", "fact ≤300", "cit. valid", "cit. precise", "cit. answer", "abst. P/R nl",
                  "abst. P/R en", "chars p50", "p50 ms", "p95 ms")


def _answer_rows(scores: dict) -> list[list[str]]:
    rows = []
    for name in ANSWER_SYSTEMS:
        s = scores["systems"][name]
        r = s["retrieval"]
        rows.append([SYSTEM_LABELS[name], pct(r["hit@1"]), pct(r["hit@5"]), num(r["mrr"]), pct(r["support_recall@5"]),
                     pct(s["accuracy"]), pct(s["fact_recall"]), pct(s["overall"]), pct(s["abstention"]["precision"]),
                     pct(s["abstention"]["recall"]), num(s["answer_chars_p50"], 0)])
    return rows


def _product_rows(result: dict) -> list[list[str]]:
    rows = []
    for half, scores in [*result["halves"].items(), ("all", result)]:
        lang, c, lat, product = scores["languages"], scores["citations"], scores["latency"], scores["systems"]["product"]
        pr = [f"{pct(lang[code]['abstention']['precision'])}/{pct(lang[code]['abstention']['recall'])}" for code in ("nl", "en")]
        rows.append([half, str(scores["n"]), pct(product["accuracy"]), pct(lang["nl"]["accuracy"]), pct(lang["en"]["accuracy"]),
                     pct(scores["fact_first"]["share"]), pct(c["validity"]), pct(c["precision"]), pct(c.get("answer_part_precision")), *pr,
                     num(product["answer_chars_p50"], 0), num(lat["p50_ms"], 0), num(lat["p95_ms"], 0)])
    return rows


def answers_table(results: dict) -> str:
    """The console tables of every set: the product per half, then every system per half."""
    lines = []
    for name, result in results.items():
        lines += ["", f"Antwoorden, set {name} ({result['meta']['items']} vragen, {result['meta']['seconds']} s)",
                  console(PRODUCT_HEADER, _product_rows(result))]
        for half in HALVES:
            lines += [f"  {half}:", console(ANSWER_HEADER, _answer_rows(result["halves"][half]))]
    return "\n".join(lines)


def answers_markdown(results: dict) -> list[str]:
    """The report's answers section: per set its tables and the development half's failures."""
    out = ["## Antwoorden", "",
           "Per set de vaste helften (`evals/questions-split.toml`): *development* mag worden bekeken en is waarop regels "
           "worden afgesteld, *validation* nooit. Retrieval-kolommen tellen over items met een bronpassage; *accuracy* over items "
           "met een antwoord; *overall* over alle items (een terecht onthouden antwoord telt als goed); *fact ≤300*: een feit "
           "staat in de eerste 300 tekens (feitvragen, geen lijstvragen); *cit. precise*: het citaat bevat een feit of is een "
           "bronpassage; *cit. answer*: idem, alleen de citaten van het antwoord zelf (vóór de gemarkeerde context). Baselines antwoorden met hun top-5 teksten en onthouden zich nooit.", ""]
    for name, result in results.items():
        meta = result["meta"]
        out += [f"### Set `{name}`: {meta['items']} vragen", "",
                f"Embedder `{meta['embedder']}`, top-{meta['k']}, {meta['seconds']} s"
                + (f", indexeren van het corpus met de echte documenten {result['ingest_seconds']} s" if "ingest_seconds" in result else "")
                + ".", "", *table(PRODUCT_HEADER, _product_rows(result)), ""]
        for half in HALVES:
            out += [f"#### {half}", "", *table(ANSWER_HEADER, _answer_rows(result["halves"][half])), ""]
        out += _failures_markdown([f for f in result["failures"] if f["half"] == "development"])
    return out


def _failures_markdown(failures: list[dict]) -> list[str]:
    """The development half's wrong answers by cause (the validation half is scored, never read item by item)."""
    out = [f"#### Fout beantwoord, development ({len(failures)}), per oorzaak", ""]
    by_cause: dict[str, list[dict]] = defaultdict(list)
    for failure in failures:
        by_cause[failure["cause"]].append(failure)
    for cause, members in sorted(by_cause.items(), key=lambda kv: -len(kv[1])):
        out += [f"- **{cause}** ({len(members)})"]
        for f in members:
            context = f" (na: {' / '.join(f['history'])})" if f["history"] else ""
            insurer = f" [insurer={f['insurer']}]" if f["insurer"] else ""
            out.append(f"  - `{f['id']}` ({f['category']}): {f['question']}{context}{insurer}")
            if f["missing_facts"]:
                out.append(f"    - ontbrekende feiten: {'; '.join(repr(x) for x in f['missing_facts'])} · retrieval-rang: "
                           f"{f['retrieval_rank'] or '>' + str(K)}")
            out.append(f"    - antwoord: {f['answer_excerpt']}")
    return out + [""]
