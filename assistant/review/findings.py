"""The review of a plan: a finding per applicable requirement, with verbatim evidence, gaps first.

First the document as a whole is checked (is it a Dutch RESV-plan?); then the reading rules
judge every requirement (`check`), the evidence sentences are embedded once for the whole plan,
and the judge (`judge`) weighs the rules' verdict against what the evidence says. Every note is
checked against its quotes (`faithful`) before it is returned.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.budget import Budget
from assistant.catalogue import Requirement
from assistant.embed import Embedder
from assistant.models import (
    DocumentAssessment,
    Evidence,
    Finding,
    Review,
    SourceRef,
    Summary,
)
from assistant.plan import Plan
from assistant.review.check import Checker, Judgement
from assistant.review.document import WORD, DocumentCheck, check_document, language_of
from assistant.review.faithful import is_faithful
from assistant.review.judge import Evidence as JudgedEvidence
from assistant.review.judge import (
    Features,
    MIN_STATEMENT_WORDS,
    JudgeModel,
    Verdict,
    asks_description,
    decide,
    fitted_model,
    gates_hold,
    is_compound,
    lexical_share,
)
from assistant.review.language import hedged
from assistant.review.model_judge import ModelJudge
from assistant.review.notes import fallback_note, lowered_note, met_note
from assistant.review.parts import MAX_EVIDENCE
from assistant.review.placement import place, term_index
from assistant.review.rank import Ranker, RequirementVectors
from assistant.review.sentences import Sentence
from assistant.text import fold

STATUS_ORDER = {"missing": 0, "partial": 1, "met": 2}
MAX_QUOTE = 320
EMBED_CHARS = 240  # a sentence's opening carries its meaning; longer texts only cost time
MAX_EMBEDDED = 256  # sentences embedded per plan, evidence first (about 20 ms each on 2 cores)


@dataclass
class Assessment:
    """Everything the review knows about one requirement before the verdict."""

    requirement: Requirement
    judgement: Judgement
    features: Features


def _quotes(plan: Plan, sentences: Sequence[Sentence]) -> list[Evidence]:
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


def _finding(requirement: Requirement, status: str, evidence: list[Evidence], note: str, lowered: str | None = None) -> Finding:
    return Finding(id=requirement.id, bouwsteen=requirement.bouwsteen, insurer=requirement.insurer,
                   requirement=requirement.requirement, status=status, evidence=evidence, source=_source(requirement), note=note,
                   lowered=lowered)


def _aggregate(requirement: Requirement, findings: Sequence[Finding]) -> Finding:
    """A requirement that asks for a set of others (the handreiking's minimum requirements)."""
    members = [f for f in findings if f.id.startswith(requirement.aggregate or "\0")]
    met = [f for f in members if f.status == "met"]
    missing = [f for f in members if f.status == "missing"]
    where = "zie de andere bevindingen van deze bouwsteen"
    if members and len(met) == len(members):
        status, note = "met", f"Voldaan: alle onderliggende eisen zijn voldaan ({where})."
    elif members and len(missing) * 2 < len(members):
        status, note = "partial", f"Deels: niet alle onderliggende eisen zijn voldaan ({where})."
    else:
        status, note = "missing", f"Niet voldaan: de meeste onderliggende eisen ontbreken ({where})."
    evidence = [e for f in met for e in f.evidence[:1]][:MAX_EVIDENCE] if status != "missing" else []
    if status != "missing" and not evidence:
        evidence = [e for f in members for e in f.evidence[:1]][:MAX_EVIDENCE]
        if not evidence:
            status, note = "missing", "Niet voldaan: geen van de onderliggende eisen is met een passage onderbouwd."
    return _finding(requirement, status, evidence, note)


def _context(plan: Plan, s: Sentence) -> str:
    p = plan.passages[s.passage]
    return " ".join([*p.section[-2:], p.lead_in or ""])


def _embed_text(plan: Plan, s: Sentence) -> str:
    return " ".join(plan.text[s.start:s.end].split())[:EMBED_CHARS]


def _sentence_vectors(plan: Plan, judgements: Sequence[Judgement], embedder: Embedder | None) -> dict[tuple[int, int], np.ndarray]:
    """One batch for the whole plan: every evidence sentence first, then the nearby ones, up to MAX_EMBEDDED."""
    if embedder is None:
        return {}
    order: dict[tuple[int, int], Sentence] = {}
    for pool in ([s for j in judgements for s in j.evidence], [s for j in judgements for s in j.nearby]):
        for s in pool:
            if len(order) >= MAX_EMBEDDED:
                break
            order.setdefault((s.start, s.end), s)
    if not order:
        return {}
    vectors = np.asarray(embedder.embed_passages([_embed_text(plan, s) for s in order.values()]), dtype=np.float32)
    return dict(zip(order.keys(), vectors, strict=True))


@dataclass(frozen=True)
class PlanProfile:
    """How the plan reads as a whole: the judge weighs each finding against it."""

    met_share: float  # share of the requirements the reading rules call met
    hedged_share: float  # share of the plan's sentences that qualify what they say


def _profile(checker: Checker, judgements: Sequence[Judgement]) -> PlanProfile:
    sentences = [s for i in range(len(checker.plan.passages)) for s in checker.reader.sentences(i) if not s.instruction]
    return PlanProfile(
        met_share=sum(j.status == "met" for j in judgements) / len(judgements) if judgements else 0.0,
        hedged_share=sum(hedged(s.folded) for s in sentences) / len(sentences) if sentences else 0.0,
    )


def _foreign(sentence: str) -> bool:
    """A statement written in another language than Dutch (a cell or a heading is too short to tell)."""
    found = WORD.findall(fold(sentence))
    return len(found) >= MIN_STATEMENT_WORDS and language_of(found) != "nl"


def _features(plan: Plan, requirement: Requirement, judgement: Judgement, vector: np.ndarray | None,
              sentence_vectors: dict[tuple[int, int], np.ndarray], background: float, profile: PlanProfile) -> Features:
    def cosine(s: Sentence) -> float:
        v = sentence_vectors.get((s.start, s.end))
        return float(v @ vector) if v is not None and vector is not None else 0.0

    offered = judgement.evidence if judgement.status != "missing" else []
    evidence = [JudgedEvidence(plan.text[s.start:s.end], _context(plan, s)) for s in offered]
    similarity = max((cosine(s) for s in offered), default=0.0)
    best = max((cosine(s) for s in [*offered, *judgement.nearby]), default=0.0)
    return Features(
        requirement=requirement.id, rule=judgement.status, against=judgement.against, similarity=similarity, background=background,
        best_similarity=best, lexical=lexical_share(requirement, evidence), gates=gates_hold(requirement, evidence),
        sentences=len(offered), hedged=any(hedged(s.folded) for s in offered),
        hedged_nearby=any(hedged(s.folded) for s in judgement.nearby if s.passage in {e.passage for e in offered}),
        describes=asks_description(requirement), compound=is_compound(requirement),
        longest=max((len(e.text.split()) for e in evidence), default=0),
        foreign=any(_foreign(e.text) for e in evidence),
        plan_met_share=profile.met_share, plan_hedged_share=profile.hedged_share,
    )


def assess(plan: Plan, insurer: str, requirements: Sequence[Requirement], embedder: Embedder | None,
           requirement_vectors: RequirementVectors | None = None, *,
           mode: str = "hybrid", budget: Budget | None = None) -> tuple[DocumentCheck, list[Assessment]]:
    """The document check, and for every applicable requirement (aggregates aside) the rules' judgement and the judge's features.

    `requirement_vectors` is the caller's cache of the requirements' vectors (a new one by default).
    `mode` ranks the plan's passages by "hybrid" retrieval (the product), "bm25" or "dense" alone
    (the evaluation's baselines). `budget` is checked between requirements: a review over its time,
    or whose client has gone, stops with `WorkStoppedError`.
    """
    budget = budget or Budget()
    document = check_document(plan.text)
    applicable = [r for r in requirements if (r.insurer is None or r.insurer == insurer) and not r.aggregate]
    index = term_index(plan)
    place(plan, index, requirements)  # once per review
    ranker = Ranker(plan, embedder, mode)
    vectors = (requirement_vectors or RequirementVectors(embedder))(applicable) if embedder is not None else None
    ranking_vectors = vectors if ranker.vectors is not None else None
    checker = Checker(plan, index, ranker)
    judgements = []
    for n, requirement in enumerate(applicable):
        budget.check()
        judgements.append(checker.check(requirement, ranking_vectors[n] if ranking_vectors is not None else None))
    budget.check()
    # where nothing can come out met the judge has nothing to weigh: spare a long document the embedding
    sentence_vectors = _sentence_vectors(plan, judgements, embedder) if document.judged else {}
    matrix = np.stack(list(sentence_vectors.values())) if sentence_vectors else None
    profile = _profile(checker, judgements)
    out = []
    for n, (requirement, judgement) in enumerate(zip(applicable, judgements, strict=True)):
        vector = vectors[n] if vectors is not None else None
        background = float(np.median(matrix @ vector)) if matrix is not None and vector is not None else 0.0
        out.append(Assessment(requirement, judgement, _features(plan, requirement, judgement, vector, sentence_vectors, background, profile)))
    return document, out


def _verdict_finding(plan: Plan, item: Assessment, verdict: Verdict, document: DocumentCheck) -> Finding:
    requirement, judgement = item.requirement, item.judgement
    evidence = _quotes(plan, judgement.evidence)
    status = verdict.status
    if status != "missing" and not evidence:
        status = "missing"
    if status == "met":
        note = met_note(requirement, [e.quote for e in evidence], sorted({e.page for e in evidence if e.page}))
    elif verdict.reason:
        note = lowered_note(status, verdict.reason, document.statement())
    else:
        note = judgement.note
    if not is_faithful(note, [e.quote for e in evidence], requirement):
        note = fallback_note(status)
    return _finding(requirement, status, evidence, note, verdict.reason if status == "partial" and verdict.reason else None)


def review_plan(plan: Plan, insurer: str, requirements: Sequence[Requirement], embedder: Embedder | None,
                requirement_vectors: RequirementVectors | None = None, *,
                mode: str = "hybrid", model: JudgeModel | None | str = "fitted", budget: Budget | None = None,
                second_opinion: ModelJudge | None = None) -> Review:
    """The review object of the contract: the document check and one finding per applicable requirement, gaps first.

    `model` is the judge's fitted model ("fitted": the committed one; None: the rules' verdicts
    under the hard conditions only). `second_opinion`, a language model, may lower a `met` and
    raise a doubted one with a quote the rules found (`model_judge`).
    """
    started = time.perf_counter()
    budget = budget or Budget()
    judge = fitted_model() if model == "fitted" else model
    document, items = assess(plan, insurer, requirements, embedder, requirement_vectors, mode=mode, budget=budget)
    findings = [_verdict_finding(plan, item, decide(item.features, judge, may_meet=document.judged), document) for item in items]
    if second_opinion is not None and document.judged:
        findings = [second_opinion.revise(plan.text, item.requirement, finding, budget) for item, finding in zip(items, findings, strict=True)]
    applicable = [r for r in requirements if r.insurer is None or r.insurer == insurer]
    for requirement in applicable:
        if requirement.aggregate:
            findings.append(_aggregate(requirement, findings))
    order = {r.id: n for n, r in enumerate(applicable)}
    findings.sort(key=lambda f: (STATUS_ORDER[f.status], f.bouwsteen, f.insurer is not None, order[f.id]))
    summary = Summary(
        met=sum(f.status == "met" for f in findings),
        partial=sum(f.status == "partial" for f in findings),
        missing=sum(f.status == "missing" for f in findings),
        uncertain=sum(f.lowered == "uncertain" for f in findings),
    )
    return Review(
        plan=plan.filename,
        insurer=insurer,
        findings=findings,
        summary=summary,
        pages=plan.pages,
        seconds=round(time.perf_counter() - started, 2),
        document=DocumentAssessment(is_resv_plan=document.is_resv_plan, language=document.language, judged=document.judged,
                                    statement=document.statement()),
    )
