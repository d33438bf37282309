"""The decision: which strategy answers a question, or why the sources cannot."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from assistant.answer import shapes
from assistant.answer.context import Context
from assistant.answer.sources import Library
from assistant.models import Answer
from assistant.understand import Query


class Composer(Protocol):
    def compose(self, query: Query, library: Library) -> Answer: ...

    def compose_stream(self, query: Query, library: Library) -> Iterator[str | Answer]:
        """The answer's text as it is written (pieces of `str`), then the answer."""
        ...


class GroundedComposer:
    """Extractive, offline composer: every sentence quoted from the sources."""

    def compose(self, query: Query, library: Library) -> Answer:
        """Answer `query` from the library, or abstain and say why."""
        ctx = Context.of(query, library)
        return decide(ctx).reached(ctx.sources.reached)

    def compose_stream(self, query: Query, library: Library) -> Iterator[str | Answer]:
        """The answer at once: the quoted answer is not written piece by piece."""
        yield self.compose(query, library)


def decide(ctx: Context) -> Answer:
    """Abstain on what the sources cannot hold; otherwise the strategy for the question's shape."""
    q, say = ctx.q, ctx.out.say
    if q.invalid_bouwstenen and not q.bouwstenen:
        numbers = ", ".join(str(n) for n in q.invalid_bouwstenen)
        return ctx.out.abstain("no_such_bouwsteen", say("message", "no_such_bouwsteen", numbers=numbers, count=len(ctx.domain.bouwstenen)))
    if q.unknown_insurers and not q.insurers:
        near = ctx.sources.handreiking(q.bouwstenen[0]) if q.bouwstenen else ctx.near()
        return ctx.out.abstain("insurer_not_in_corpus", say(
            "message", "insurer_not_in_corpus", names=ctx.joined(q.unknown_insurers), known=", ".join(ctx.domain.insurer_names)), near)
    if topic := ctx.focus.personal_topic():
        return ctx.out.abstain("outside_domain", say("message", "personal_matter", topic=topic), ctx.near())
    if ctx.focus.target_unknown() and ctx.focus.in_domain():
        return ctx.out.abstain("fact_not_in_sources", say("message", "term_not_in_sources", term=q.target), ctx.near())
    if q.wants and (name := ctx.focus.unknown_name()):  # "hoeveel krijgt Zwolle": a fact of a place the sources never name
        return ctx.out.abstain("fact_not_in_sources", say("message", "term_not_in_sources", term=name), ctx.near())
    if q.signers and (signed := shapes.signers(ctx)):
        return signed
    if q.which_insurers and not q.insurers:
        return shapes.which_insurers(ctx)
    if q.insurers and (q.bouwstenen or not q.focus):
        return shapes.requirements(ctx)
    if q.insurers and not ctx.focus.known():  # a topic in words the policy does not use
        return shapes.requirements(ctx, shapes.closest_insurer_topics(ctx))
    if q.insurers and not q.bouwstenen and (topics := shapes.insurer_topics(ctx)):
        bullets = [p for i in q.insurers for p in ctx.sources.bullets(i) if p.bouwsteen in topics]
        if not q.wants or ctx.focus.has_wanted_fact(bullets):
            return shapes.requirements(ctx, topics)
    if q.bouwstenen and not q.insurers and not ctx.focus.known_topic() and not q.definition:
        return shapes.bouwsteen_text(ctx)  # what a bouwsteen is called is not what it asks
    if q.phases and not q.insurers and not q.bouwstenen and not q.wants and not ctx.focus.known_beyond_structure():
        if outline := shapes.phase_outline(ctx):
            return outline
    return shapes.general(ctx)
