"""An answer's text from what the strategy chose: the answer first (one or two cited sentences),
then the quoted passages grouped under their headings, or an abstention that cites nothing."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from assistant.answer.citations import Citations, Claim, body_span, to_citation
from assistant.answer.sources import Sources
from assistant.domain import get_messages
from assistant.models import Answer, Passage
from assistant.understand import Query

Group = tuple[str, Sequence[Passage]]


class Renderer:
    """Writes answers in the question's language."""

    def __init__(self, query: Query, sources: Sources) -> None:
        self.q = query
        self.sources = sources
        self.messages = get_messages()

    def say(self, table: str, key: str, **fields: object) -> str:
        return self.messages.say(table, key, self.q.lang, **fields)

    def fact(self, kind: str) -> str:
        return self.messages.fact(kind, self.q.lang)

    def abstain(self, reason: str, message: str, near: Sequence[Passage] = ()) -> Answer:
        """Say why there is no answer; the nearest passages are shown as related, never as support."""
        documents = self.sources.lib.documents
        related = [to_citation(i + 1, p, documents[p.document_id], *body_span(p)) for i, p in enumerate(near[:3])]
        text = message
        if related:
            text += "\n\n" + self.say("message", "nearest")
            text += "".join(f"\n- {c.title} – {c.section}" for c in related)
        return Answer(question=self.q.question, answer=text, abstained=True, citations=[], related=related, reason=reason)

    def answer(self, groups: Sequence[Group], intro: str = "", notes: Sequence[str] = (),
               lead: Sequence[Sequence[Claim]] = (), citations: Citations | None = None,
               relevant: Callable[[Sequence[Claim]], bool] | None = None) -> Answer:
        """The answer: `lead` sentences first, then `groups` (as context when there is a lead, of
        whose sentences only those `relevant` accepts are quoted)."""
        citations = citations or Citations(self.sources.lib.documents)
        head = " ".join(citations.sentence(pieces) for pieces in lead)
        # A lead sentence that opens a list ("… de volgende onderdelen:") is answered by that list.
        listed = [item for pieces in lead for item in self._listed(pieces)]
        head += "".join(f"\n- {citations.passage([item])}" for item in listed)
        given = {(c.start, c.end) for sentence in lead for c in sentence}
        groups = [(title, [p for p in passages if p not in listed]) for title, passages in groups]
        body = self._groups(groups, citations, given, relevant if head else None)
        text, context_start = head, None
        if head and body:
            context_start = len(text) + 2
            text += f"\n\n**{self.say('heading', 'context')}**"
        if intro:
            text += ("\n" if text else "") + intro
        for line in body:
            text += ("\n\n" if line.startswith("**") and text else "\n" if text else "") + line
        text = "\n".join([text, *notes]).strip()
        return Answer(question=self.q.question, answer=text, abstained=False, citations=citations.items,
                      context_start=context_start)

    def _listed(self, sentence: Sequence[Claim]) -> list[Passage]:
        """The list items a sentence introduces: it ends its passage with a colon."""
        last = sentence[-1]
        text = self.sources.lib.documents[last.passage.document_id].text
        if not text[last.start:last.end].rstrip().endswith(":") or text[last.end:last.passage.end].strip():
            return []
        return [p for p in self.sources.introduced(last.passage) if p.kind == "list_item"]

    def _groups(self, groups: Sequence[Group], citations: Citations, given: set[tuple[int, int]],
                keep: Callable[[Sequence[Claim]], bool] | None = None) -> list[str]:
        lines: list[str] = []
        for title, passages in groups:
            items = [citations.passage(run, skip=given, keep=keep) for run in self.sources.runs(passages)]
            items = [item for item in items if item]
            if items:
                lines.append(f"**{title}**")
                lines.extend(f"- {item}" for item in items)
        return lines
