"""Whether a sentence a language model wrote stands in the passages it cites.

A sentence is kept only when all of these hold, against the quotes of the sources it cites (its
[n] markers; a sentence without one, citing a source it was not given, or holding a control or
direction character, is dropped):

- every number in it (a date, an amount, a count, a percentage) stands in them;
- every name in it (an insurer, an organisation, an abbreviation) stands in them;
- every content word stands in them, after folding and stemming; a word in another language
  counts where the domain's translation of it does (`domain.expand`);
- it is close in meaning to them: the embedder's similarity is at least MEANING_FLOOR.

The check decides what is shown; the eval also reports a stricter reading (`strictly_supported`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from assistant.domain import get_domain
from assistant.embed import Embedder
from assistant.text import fold, loose, terms, unreadable_message, words

# e5-small's cosine of a sentence and its paraphrase is about 0.9 (0.9 across Dutch and English),
# of two unrelated sentences of the domain 0.78-0.84: the floor sits between.
MEANING_FLOOR = 0.86
MARKER = re.compile(r"\s*\[(\d+(?:\s*,\s*\d+)*)\]")
SENTENCE_END = re.compile(r"[.!?](?:\s*\[\d+(?:\s*,\s*\d+)*\])*(?=\s|$)|\n+")
NUMBER = re.compile(r"\d+")
# A name: a capitalised word inside the sentence, or an abbreviation of capitals.
NAME = re.compile(r"(?<=[\w,;:] )[A-ZÀ-Þ][\w-]+|\b[A-Z]{2,}\b")


@dataclass(frozen=True)
class Checked:
    sentence: str  # as the model wrote it
    claim: str  # what it says, without its markers
    cited: tuple[int, ...]
    reason: str  # why it was dropped; "" when it is kept

    @property
    def kept(self) -> bool:
        return not self.reason

    @property
    def shown(self) -> str:
        """The sentence as an answer shows it: the claim, then its sources ("… juli. [1, 2]")."""
        claim = self.claim if self.claim[-1:] in ".!?" else self.claim + "."
        return f"{claim} [{', '.join(map(str, self.cited))}]"


def complete_sentences(text: str) -> tuple[list[str], str]:
    """The sentences of streamed `text` that are complete (the next one has begun), and the rest."""
    cut = 0
    for match in SENTENCE_END.finditer(text):
        after = text[match.end():].lstrip()
        if after and not after.startswith("["):
            cut = match.end()
    return sentence_parts(text[:cut]), text[cut:]


def sentence_parts(text: str) -> list[str]:
    """The sentences of a completion, each with the markers that close it ("… juli. [1]", "… juli [1].")."""
    out, start = [], 0
    for match in SENTENCE_END.finditer(text):
        if piece := text[start:match.end()].strip():
            out.append(piece)
        start = match.end()
    if rest := text[start:].strip():
        out.append(rest)
    return out


class SentenceCheck:
    """Checks model sentences against the quotes of the sources they cite."""

    def __init__(self, embedder: Embedder, floor: float = MEANING_FLOOR) -> None:
        self.embedder = embedder
        self.floor = floor

    def check(self, sentence: str, sources: Mapping[int, str]) -> Checked:
        """Keep `sentence` only when what it says stands in the sources its markers name."""
        cited = tuple(dict.fromkeys(int(n) for m in MARKER.finditer(sentence) for n in re.findall(r"\d+", m.group(1))))
        claim = " ".join(MARKER.sub("", sentence).split())
        if not cited:
            return Checked(sentence, claim, cited, "no citation")
        if any(n not in sources for n in cited):
            return Checked(sentence, claim, cited, "cites a source it was not given")
        if not words(claim):
            return Checked(sentence, claim, cited, "no statement")
        if unreadable_message("", claim):  # a control, direction or lone surrogate character: nothing a source says
            return Checked(sentence, claim, cited, "unreadable character")
        quoted = " ".join(sources[n] for n in cited)
        reason = lexical_gap(claim, quoted)
        if not reason and self.meaning(claim, quoted) < self.floor:
            reason = "meaning"
        return Checked(sentence, claim, cited, reason)

    def meaning(self, claim: str, quoted: str) -> float:
        """The embedder's similarity of the claim and the best of the cited sentences, or of the quotes as a whole."""
        pieces = [quoted, *(s for s in re.split(r"(?<=[.!?;:])\s+", quoted) if len(words(s)) >= 3)]
        vectors = self.embedder.embed_passages([claim, *pieces])
        return float(max(vectors[1:] @ vectors[0]))


def lexical_gap(claim: str, quoted: str) -> str:
    """What of `claim` does not stand in `quoted` ("number", "name", "words"); "" when everything does."""
    if not set(NUMBER.findall(claim)) <= set(NUMBER.findall(quoted)):
        return "number"
    folded_quote = fold(quoted)
    have = {loose(t) for t in terms(quoted)}
    if any(fold(name) not in folded_quote and not _translated(name, have) for name in NAME.findall(claim)):
        return "name"
    named = {term.key for term, _ in get_domain().find("insurer", quoted)}
    if any(term.key not in named for term, _ in get_domain().find("insurer", claim)):
        return "name"
    if not all(_stands(term, have) or _translated(word, have) for word in words(claim) for term in terms(word)):
        return "words"
    return ""


def strictly_supported(claim: str, quoted: str) -> bool:
    """The stricter reading the eval reports: every word of the claim (stopwords too, no stemming) stands in the quotes."""
    have = set(words(quoted))
    return all(w in have for w in words(MARKER.sub("", claim)))


def _stands(term: str, have: set[str]) -> bool:
    key = loose(term)
    return key in have or (len(key) >= 5 and any(h.startswith(key) or key.startswith(h) and len(h) >= 5 for h in have))


def _translated(word: str, have: set[str]) -> bool:
    """An English or everyday word whose domain translation stands in the quotes."""
    return any(all(_stands(t, have) for t in terms(dutch)) for dutch in get_domain().expand(word))
