"""The answer first: of the passages chosen to answer a fact question, the one or two sentences
that state what it asks, to open the answer with."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from assistant.answer.citations import Claim
from assistant.answer.focus import Focus, coverage
from assistant.answer.sources import MIN_WORDS, Sources, table_header
from assistant.models import Passage
from assistant.text import words
from assistant.understand import FACT_PATTERNS

SECOND = 0.9  # a second sentence leads too when it scores this close to the best
MIN_SCORE = 0.34  # below this score (share of the focus, closeness in meaning) a sentence does not state the answer
RANK_PRIOR = 0.15  # retrieval order breaks ties between sentences that cover the focus alike
FACT_BONUS = 1.0  # a sentence with the wanted kind of fact about the subject
# Weight of the embedder's closeness of a sentence's passage to the question (0 … 1 over the hits):
# a question in other words than the sources shares few words with the sentence that answers it.
MEANING = 0.6


def lead_sentences(passages: Sequence[Passage], focus: Focus, sources: Sources, wanted: str | None,
                   closeness: Mapping[str, float] | None = None) -> list[list[Claim]]:
    """The sentences (each one or two claims, when split over passages) that state the answer.

    Passages come in the order the strategy ranked them. With a wanted kind of fact (an amount, a
    date) only a sentence that holds one about the question's subject leads; otherwise the
    sentence that covers most of the question's rare words, its passage's `closeness` in meaning
    to the question (passage id to 0 … 1) counting beside them.
    """
    topic = focus.known_topic() or focus.known()
    weights = focus.weights(topic)
    parts = focus.parts()
    text_of = sources.lib.documents
    scored: list[tuple[float, int, list[Claim]]] = []  # (score, order found, sentence)
    position = {p.id: i for i, p in enumerate(passages)}
    runs = sorted(sources.runs(passages), key=lambda run: min(position.get(p.id, len(position)) for p in run))
    for rank, run in enumerate(runs):
        prior = RANK_PRIOR / (1 + rank)
        header = table_header(run[0])  # a table's rows, also those continued after a page break, read with its header
        for sentence in sources.claims(run):
            text = " ".join(text_of[c.passage.document_id].text[c.start:c.end] for c in sentence)
            if (len(words(f"{header} {text}")) < MIN_WORDS or text.rstrip().endswith("?") or text.strip() == header
                    or (sources.points_elsewhere(text) and wanted not in FACT_PATTERNS)):
                # A label, a question the source asks, a table's header, a pointer elsewhere (unless it
                # holds the fact asked for: "meer informatie: <e-mail>"): none states an answer.
                continue
            score = coverage(f"{header} {text}", topic, weights, parts, focus.q.alternatives) if topic else 0.0
            if closeness:
                score += MEANING * max(closeness.get(c.passage.id, 0.0) for c in sentence)
            if wanted in FACT_PATTERNS:
                if not focus.sentence_states(text, wanted, (c.passage.id for c in sentence), header):
                    continue
                score += FACT_BONUS
            elif score < MIN_SCORE:
                continue
            if focus.q.definition and focus.defines(f"{header} {text}"):
                score += FACT_BONUS  # "wat verstaat … onder X": the sentence that says what X is
            scored.append((score + prior, len(scored), sentence))
    if not scored:
        return []
    scored.sort(key=lambda item: (-item[0], item[1]))
    best = scored[0][0]
    return [sentence for score, _, sentence in scored[:2] if score >= best * SECOND]
