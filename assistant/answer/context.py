"""Everything a strategy needs to answer one question, built once per question."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.answer.focus import Focus
from assistant.answer.render import Renderer
from assistant.answer.sources import Library, Sources
from assistant.domain import Domain, get_domain
from assistant.models import Passage
from assistant.retrieve import Hit
from assistant.understand import Query


@dataclass
class Context:
    """One question against the library."""

    q: Query
    lib: Library
    sources: Sources
    focus: Focus
    out: Renderer
    domain: Domain = field(default_factory=get_domain)

    @classmethod
    def of(cls, query: Query, library: Library) -> Context:
        sources = Sources(library)
        return cls(query, library, sources, Focus(query, library, sources), Renderer(query, sources))

    def hits(self, k: int = 8, allow: Callable[[Passage], bool] | None = None,
             boost: Callable[[Passage], float] | None = None) -> list[Hit]:
        return self.sources.search(self.q.text, k, allow=allow, boost=boost, expansions=self.q.lexical_terms)

    def near(self, k: int = 3) -> list[Passage]:
        """The top passages for the question, shown beside an abstention."""
        return [h.passage for h in self.hits(k)]

    def joined(self, names: list[str]) -> str:
        return self.out.say("intro", "and").join(names)
