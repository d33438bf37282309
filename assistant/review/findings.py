"""The review of a plan: a finding per applicable requirement, with verbatim evidence, gaps first."""

from __future__ import annotations

import time
from collections.abc import Sequence

from assistant.catalogue import Requirement
from assistant.embed import Embedder
from assistant.models import Evidence, Finding, Review, SourceRef, Summary
from assistant.plan import Plan, map_bouwstenen
from assistant.review.check import MAX_EVIDENCE, Checker
from assistant.review.rank import Ranker, requirement_vectors
from assistant.review.sentences import Sentence

STATUS_ORDER = {"missing": 0, "partial": 1, "met": 2}
MAX_QUOTE = 320


def _evidence(plan: Plan, sentences: Sequence[Sentence]) -> list[Evidence]:
    out = []
    for s in sentences[:MAX_EVIDENCE]:
        start, end = s.start, s.end
        if end - start > MAX_QUOTE:
            end = start + MAX_QUOTE
            space = plan.text.rfind(" ", start, end)
            if space > start + MAX_QUOTE // 2:
                end = space
            while end > start and plan.text[end - 1] in " \n\t,;:(":
                end -= 1
        quote = plan.text[start:end]
        if quote.strip():
            out.append(Evidence(quote=quote, page=plan.page_at(start), start=start, end=end))
    return out


def _source(requirement: Requirement) -> SourceRef:
    return SourceRef(
        document=requirement.document,
        section=requirement.section,
        quote=" ".join(requirement.quote.split()),
        start=requirement.start,
        end=requirement.end,
    )


def _finding(requirement: Requirement, status: str, evidence: list[Evidence], note: str) -> Finding:
    return Finding(id=requirement.id, bouwsteen=requirement.bouwsteen, insurer=requirement.insurer,
                   requirement=requirement.requirement, status=status, evidence=evidence, source=_source(requirement), note=note)


def _aggregate(requirement: Requirement, findings: Sequence[Finding]) -> Finding:
    """A requirement that asks for a set of others (the handreiking's minimum requirements)."""
    members = [f for f in findings if f.id.startswith(requirement.aggregate or "\0")]
    met = [f for f in members if f.status == "met"]
    gaps = [f for f in members if f.status != "met"]
    missing = [f for f in members if f.status == "missing"]
    if members and not gaps:
        status, note = "met", f"Voldaan: alle {len(members)} onderliggende eisen voldaan."
    elif members and len(missing) * 2 < len(members):
        status = "partial"
        note = f"Deels: {len(met)} van de {len(members)} onderliggende eisen voldaan; niet voldaan: " + ", ".join(f.id for f in gaps) + "."
    else:
        status = "missing"
        note = f"Niet voldaan: {len(missing)} van de {len(members)} onderliggende eisen ontbreken: " + ", ".join(f.id for f in missing) + "."
    evidence = [e for f in met for e in f.evidence[:1]][:MAX_EVIDENCE] if status != "missing" else []
    if status != "missing" and not evidence:
        evidence = [e for f in members for e in f.evidence[:1]][:MAX_EVIDENCE]
        if not evidence:
            status, note = "missing", note
    return _finding(requirement, status, evidence, note)


def review_plan(plan: Plan, insurer: str, requirements: Sequence[Requirement], embedder: Embedder | None, *,
                mode: str = "hybrid") -> Review:
    """The review object of the contract: one finding per applicable requirement, gaps first.

    `mode` ranks the plan's passages by "hybrid" retrieval (the product), "bm25" or "dense" alone
    (the evaluation's baselines).
    """
    started = time.perf_counter()
    applicable = [r for r in requirements if r.insurer is None or r.insurer == insurer]
    if not plan.mapped_with_terms:
        map_bouwstenen(plan, requirements)
    ranker = Ranker(plan, embedder, mode)
    vectors = requirement_vectors(applicable, embedder) if embedder is not None and ranker.vectors is not None else None
    checker = Checker(plan, ranker)
    findings: list[Finding] = []
    for n, requirement in enumerate(applicable):
        if requirement.aggregate:
            continue
        judgement = checker.check(requirement, vectors[n] if vectors is not None else None)
        evidence = _evidence(plan, judgement.evidence)
        status = judgement.status
        if status != "missing" and not evidence:
            status, note = "missing", "Geen citeerbare passage gevonden."
        else:
            note = judgement.note
        if status == "missing" and evidence and "Niet gevonden" in note:
            evidence = []
        findings.append(_finding(requirement, status, evidence, note))
    for requirement in applicable:
        if requirement.aggregate:
            findings.append(_aggregate(requirement, findings))
    order = {r.id: n for n, r in enumerate(applicable)}
    findings.sort(key=lambda f: (STATUS_ORDER[f.status], f.bouwsteen, f.insurer is not None, order[f.id]))
    summary = Summary(
        met=sum(f.status == "met" for f in findings),
        partial=sum(f.status == "partial" for f in findings),
        missing=sum(f.status == "missing" for f in findings),
    )
    return Review(
        plan=plan.filename,
        insurer=insurer,
        findings=findings,
        summary=summary,
        pages=plan.pages,
        seconds=round(time.perf_counter() - started, 2),
    )
