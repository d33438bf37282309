"""The trust guarantees, named once and checked by every answer and review test."""

from __future__ import annotations

import re

from assistant.models import Answer, Review


def quotes_are_verbatim(answer: Answer, assistant) -> None:  # noqa: ANN001 - the service
    """Every citation's quote sits character for character at its offsets in its document."""
    for citation in answer.citations + answer.related:
        document = assistant.library.documents[citation.document]
        assert document.text[citation.start:citation.end] == citation.quote, citation
        assert citation.quote.strip(), citation


def markers_match_citations(answer: Answer) -> None:
    """Every [n] in the text has a citation n, and every citation is used in the text."""
    used = {int(n) for marker in re.findall(r"\[(\d+(?:, \d+)*)\]", answer.answer) for n in marker.split(", ")}
    numbers = {c.n for c in answer.citations}
    assert used == numbers, (used, numbers)
    assert sorted(numbers) == list(range(1, len(numbers) + 1))


def cited_passages_exist(answer: Answer, assistant) -> None:  # noqa: ANN001
    """Each citation points into a passage of the index that contains its span."""
    by_id = {p.id: p for p in assistant.library.passages}
    for citation in answer.citations:
        passage = by_id[citation.passage_id]
        assert passage.start <= citation.start < citation.end <= passage.end


def cited_passages_were_retrieved(answer: Answer) -> None:
    """Every cited or related passage was retrieved or looked up for this very question."""
    reached = answer.reached_passages
    assert reached is not None, "the composer recorded no retrieval"
    for citation in answer.citations + answer.related:
        assert citation.passage_id in reached, citation


def abstention_cites_nothing(answer: Answer) -> None:
    """An abstention supports no claim: no citations and no [n] markers."""
    assert answer.abstained
    assert answer.citations == []
    assert not re.search(r"\[\d+\]", answer.answer)


def every_sentence_cited(answer: Answer) -> None:
    """Each bullet line of a non-abstained answer ends with a citation marker."""
    for line in answer.answer.splitlines():
        if line.startswith("- "):
            assert re.search(r"\[\d+(?:, \d+)*\]$", line.strip()), line


def answer_first_is_cited(answer: Answer) -> None:
    """Where an answer states its answer before the context, that statement is cited sentence by sentence."""
    if answer.context_start is None:
        return
    head = answer.answer[:answer.context_start].strip()
    assert head and re.search(r"\[\d+(?:, \d+)*\]$", head), head
    assert answer.answer[answer.context_start:].strip(), "context announced but empty"


def trustworthy_answer(answer: Answer, assistant) -> None:  # noqa: ANN001
    """All answer invariants at once."""
    quotes_are_verbatim(answer, assistant)
    cited_passages_were_retrieved(answer)
    if answer.abstained:
        abstention_cites_nothing(answer)
    else:
        markers_match_citations(answer)
        cited_passages_exist(answer, assistant)
        every_sentence_cited(answer)
        answer_first_is_cited(answer)


def answered_first(assistant, question: str, fact: str) -> Answer:  # noqa: ANN001
    """Ask `question`: a trustworthy answer, not an abstention, that states `fact` within its first
    300 characters (the eval's window for the answer first)."""
    answer = assistant.ask(question)
    trustworthy_answer(answer, assistant)
    assert not answer.abstained and fact in answer.answer[:300], (question, answer.answer)
    return answer


def review_evidence_is_verbatim(review: Review, plan_text: str, page_at) -> None:  # noqa: ANN001 - callable
    """Met and partial findings carry evidence copied from the plan, on the page they name."""
    for finding in review.findings:
        if finding.status in ("met", "partial"):
            assert finding.evidence, finding.id
        for evidence in finding.evidence:
            assert evidence.quote in plan_text, (finding.id, evidence.quote)
            if evidence.start is not None:
                assert plan_text[evidence.start:evidence.end] == evidence.quote
                assert page_at(evidence.start) == evidence.page


def review_covers_insurer_only(review: Review) -> None:
    """Findings come from the handreiking and the chosen insurer, and every bouwsteen is covered."""
    assert {f.insurer for f in review.findings} <= {None, review.insurer}
    assert {f.bouwsteen for f in review.findings} == set(range(1, 8))
    counts = {s: sum(f.status == s for f in review.findings) for s in ("met", "partial", "missing")}
    assert counts == review.summary.model_dump(include={"met", "partial", "missing"})


def review_notes_are_faithful(review: Review, catalogue) -> None:  # noqa: ANN001 - list of Requirement
    """No note says more than its quotes, and no note names an internal requirement id."""
    from assistant.review.faithful import unsupported

    by_id = {r.id: r for r in catalogue}
    ids = set(by_id)
    for finding in review.findings:
        assert not unsupported(finding.note, [e.quote for e in finding.evidence], by_id[finding.id]), (finding.id, finding.note)
        assert not any(i in finding.note for i in ids), (finding.id, finding.note)


def review_of_non_plan_meets_nothing(review: Review) -> None:
    """A document that is no Dutch RESV-plan is said to be so, and no requirement comes out met."""
    assert review.document is not None and not review.document.judged
    assert review.document.statement
    assert review.summary.met == 0 and all(f.status != "met" for f in review.findings)


def no_traceback(text: str) -> None:
    """No response carries a traceback: a failure shows a message, never Python's stack."""
    assert "Traceback (most recent call last)" not in text and not re.search(r'File "[^"]*", line \d+', text), text[-2000:]
