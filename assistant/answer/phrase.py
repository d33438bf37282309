"""Answers a language model phrases, from the sources the extractive composer chose, every sentence checked.

The extractive composer decides first: what answers, and whether to abstain. An abstention is
returned as it is; the model never sees it and cannot turn it into an answer. Otherwise the model
gets the question and the quotes the extractive answer cites, numbered as there, and writes a short
answer with [n] markers. Only the sentences that stand in the sources they cite (`verify`) are
shown, followed by the extractive answer as what the sources say literally. When the model fails or
no sentence stands, the extractive answer is given with a note that says so.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

from assistant.answer.compose import Composer
from assistant.answer.sources import Library
from assistant.answer.verify import Checked, SentenceCheck, complete_sentences, sentence_parts
from assistant.domain import get_messages
from assistant.llm import Completion, LanguageModel, LanguageModelError, load_prompt
from assistant.models import Answer, Phrasing
from assistant.understand import Query

log = logging.getLogger("assistant.answer")
LANGUAGE_NAMES = {"nl": "Nederlands", "en": "Engels"}  # as the (Dutch) prompt names the answer's language
PROMPT = "answer"


class PhrasingComposer:
    """A language model writes the answer; the extractive composer chose its sources and stands in when it fails."""

    def __init__(self, model: LanguageModel, check: SentenceCheck, extractive: Composer) -> None:
        self.model = model
        self.check = check
        self.extractive = extractive

    def compose(self, query: Query, library: Library) -> Answer:
        """The phrased answer, or the extractive one with a note."""
        return _last(self.compose_stream(query, library))

    def compose_stream(self, query: Query, library: Library) -> Iterator[str | Answer]:
        """The checked sentences as the model writes them (each a `str`), then the whole answer."""
        base = self.extractive.compose(query, library)
        if base.abstained or not base.citations:
            yield base
            return
        sources = {c.n: c.quote for c in base.citations}
        prompt = load_prompt(PROMPT)
        messages = prompt.messages(query.question, LANGUAGE_NAMES.get(query.lang, LANGUAGE_NAMES["nl"]), sources)
        began = time.perf_counter()
        checked: list[Checked] = []
        usage: list[Completion] = []
        failure = None
        try:
            for sentence in self._sentences(messages, usage):
                checked.append(self.check.check(sentence, sources))
                if checked[-1].kept:  # shown as it passes: it stays, whatever the model does next
                    yield (" " if any(c.kept for c in checked[:-1]) else "") + checked[-1].shown
        except LanguageModelError as exc:
            failure = exc.reason
            log.warning("Taalmodel %s: %s.", self.model.name, exc.reason)
        kept = [c.shown for c in checked if c.kept]
        phrasing = Phrasing(model=self.model.name, prompt=prompt.version, sentences=len(checked), kept=len(kept),
                            dropped=[c.reason for c in checked if not c.kept] + ([failure] if failure else []),
                            prompt_tokens=usage[0].prompt_tokens if usage else None,
                            completion_tokens=usage[0].completion_tokens if usage else None,
                            seconds=round(time.perf_counter() - began, 3))
        if not kept:
            yield self._extractive(base, query, "model_unavailable" if failure else "model_unsupported", phrasing)
            return
        head = " ".join(kept)
        quoted = get_messages().say("heading", "quoted", query.lang)
        yield base.model_copy(update={
            "answer": f"{head}\n\n**{quoted}**\n{base.answer}", "context_start": len(head) + 2,
            "composer": "language-model", "phrasing": phrasing,
        })  # a copy keeps the passages retrieved for the question: the service checks the citations against them

    def _sentences(self, messages: list[dict[str, str]], usage: list[Completion]) -> Iterator[str]:
        """The model's sentences, each as soon as it is complete; the whole completion lands in `usage`."""
        pending = ""
        for piece in self.model.stream(messages):
            if isinstance(piece, Completion):
                usage.append(piece)
                continue
            done, pending = complete_sentences(pending + piece)
            yield from done
        yield from sentence_parts(pending)

    def _extractive(self, base: Answer, query: Query, why: str, phrasing: Phrasing | None = None) -> Answer:
        note = get_messages().say("message", why, query.lang)
        return base.model_copy(update={"composer_note": note, "phrasing": phrasing})


def _last(items: Iterator[str | Answer]) -> Answer:
    answer = None
    for item in items:
        answer = item
    assert isinstance(answer, Answer)
    return answer
