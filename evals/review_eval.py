"""Review eval: every eval plan and the real documents through the product and its baselines, per frozen half.

Plans (`plans/plans.toml`, gold in `plans/labels/<id>.toml`, halves in `plans/split.toml`): see
`run_reviews`. The real documents of ../shared/real are reviewed as if they were plans: each
must be flagged as no RESV-plan, with nothing met.
"""

from __future__ import annotations

import time
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path

from evals import metrics as m
from evals.baselines import keyword_review
from evals.format import console, num, pct, table

HERE = Path(__file__).resolve().parent
PLANS = HERE / "plans"
REVIEW_LABELS = {
    "product": "product review",
    "keyword": "keyword matching",
    "bm25": "review, BM25-only evidence",
    "dense": "review, dense-only evidence",
}
Echo = Callable[[str], None]


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
    return [{"id": f.id, "bouwsteen": f.bouwsteen, "insurer": f.insurer, "status": f.status, "note": f.note, "lowered": f.lowered,
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
        # 'waarschijnlijk voldaan, na te lezen': how often the gold label is met where the judge doubted a met
        doubted = [f["id"] for f in findings if f.get("lowered") == "uncertain" and f["id"] in gold]
        out["uncertain"] = {"n": len(doubted), "gold_met": sum(gold[i] == "met" for i in doubted)}
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
        extracted = service.extract(data, filename)
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
    rows = []
    insurers = service.insurers
    for n, path in enumerate(sorted(REAL.glob("*.pdf")) if REAL.is_dir() else []):
        insurer = insurers[n % len(insurers)]
        data = path.read_bytes()
        extracted = service.extract(data, path.name)
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
        "uncertain_n": sum(r.get("uncertain", {}).get("n", 0) for r in labelled),
        "uncertain_met": m.share(sum(r.get("uncertain", {}).get("gold_met", 0) for r in labelled),
                                 sum(r.get("uncertain", {}).get("n", 0) for r in labelled)),
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

REVIEW_HEADER = ("system", "accuracy", "gap recall", "false reass.", "met P/R", "partial P/R", "missing P/R", "to check (gold met)",
                 "evidence ok", "on page", "notes ok", "other ins.", "bouwst.", "s/plan")
GROUP_LABELS = {"development": "development (tuned on)", "validation": "validation (frozen)",
                "validation, new": "validation, plans written after the split", "validation, seen": "validation, plans the earlier rules saw",
                "all": "all plans"}


def _review_rows(systems: dict) -> list[list[str]]:
    rows = []
    for name, s in systems.items():
        per = s.get("per_class", {})
        pr = [f"{pct(per[k]['precision'])}/{pct(per[k]['recall'])}" if k in per else "–" for k in m.STATUSES]
        rows.append([REVIEW_LABELS[name], pct(s.get("accuracy")), pct(s.get("gap_recall")), pct(s.get("false_reassurance")),
                     *pr, f"{s.get('uncertain_n', 0)} ({pct(s.get('uncertain_met'))})",
                     pct(s["evidence_verbatim"]), pct(s["evidence_on_page"]), pct(s.get("note_faithfulness")),
                     str(s["other_insurer"]), f"{s['bouwstenen_min']}–{s['bouwstenen_max']}", num(s["seconds_per_plan"], 1)])
    return rows


REAL_HEADER = ("document", "pages", "insurer", "flagged as no RESV-plan", "met", "partial", "evidence ok", "notes ok", "seconds")


def _real_rows(result: dict) -> list[list[str]]:
    return [[r["id"], str(r["pages"]), r["insurer"], "ja" if not r["document"]["predicted_plan"] else "NEE", str(r["met"]),
             str(r["partial"]), pct(m.share(r["evidence"]["verbatim"], r["evidence"]["n"])),
             pct(m.share(r["notes"]["faithful"], r["notes"]["n"])), num(r["seconds"], 1)] for r in result.get("real", [])]


def reviews_table(result: dict) -> str:
    lines = ["", f"Beoordelingen ({len(result['plans'])} plannen, {len(result.get('real', []))} echte documenten)"]
    for group in ("development", "validation", "validation, new"):
        half = result.get("halves", {}).get(group)
        if half and half["systems"]:
            lines += ["", f"{GROUP_LABELS[group]}: {len(half['plans'])} plannen, documentcheck {pct(half['document_check'])}",
                      console(REVIEW_HEADER, _review_rows(half["systems"]))]
    if result.get("real"):
        lines += ["", "echte documenten (geen RESV-plan)", console(REAL_HEADER, _real_rows(result))]
    lines += [f"let op: {p}" for p in result["problems"]]
    return "\n".join(lines)


def reviews_markdown(result: dict) -> list[str]:
    out = ["", "## Beoordelingen", ""]
    out += [f"- **let op:** {p}" for p in result["problems"]]
    if not result["systems"]:
        return out + ["", "Geen beoordelingen gedraaid."]
    out += ["", "Scores over gelabelde plannen, per helft van de vaste splitsing (`evals/plans/split.toml`); *gap recall* = gold "
            "missing/partial als missing/partial voorspeld; *false reass.* = gold missing/partial als met voorspeld; *to check* = "
            "deels, maar 'waarschijnlijk voldaan, na te lezen' (tussen haakjes: hoe vaak gold dan met is); *evidence ok* = "
            "citaat letterlijk in de tekst van het plan; *notes ok* = de toelichting noemt geen cijfer of citaat dat niet in het "
            "bewijs of de eis staat; *documentcheck* = RESV-plan of niet goed herkend.", ""]
    for group, half in result["halves"].items():
        if not half["systems"]:
            continue
        out += [f"### {GROUP_LABELS[group]} ({len(half['plans'])} plannen; documentcheck {pct(half['document_check'])})", "",
                ", ".join(f"`{p}`" for p in half["plans"]), "", *table(REVIEW_HEADER, _review_rows(half["systems"])), ""]
    if result.get("real"):
        out += ["### Echte documenten uit ../shared/real (geen RESV-plan: elk moet herkend worden, met 0 keer voldaan)", "",
                *table(REAL_HEADER, _real_rows(result)), ""]
    for name in ("product",):
        for group in ("development", "validation"):
            s = result["halves"].get(group, {}).get("systems", {}).get(name)
            if s:
                out += [f"### Confusion matrix – {REVIEW_LABELS[name]}, {GROUP_LABELS[group]} (rijen gold, kolommen voorspeld)", "",
                        *table(["gold \\ voorspeld", *m.STATUSES],
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
