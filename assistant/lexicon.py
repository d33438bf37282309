"""Which words the corpus knows: the test behind "the sources do not say".

A question word counts as known when the corpus has it, its stem, or its parts: Dutch glues
words together (a compound is its parts, joined by an optional linking "s") and splits verbs
(separable particles, participles with "ge-"), so a plain vocabulary lookup would call many answerable questions
unanswerable.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator

from assistant.text import stem, words

MIN_PART = 4
# Separable verb particles and the past-participle prefix.
PARTICLES = ("mee", "af", "aan", "op", "uit", "in", "vast", "door", "over", "toe", "bij", "na", "voor", "terug", "samen", "ver", "be", "ont", "her")
PARTICIPLE = re.compile(r"(?:af|aan|op|uit|in|mee|vast|door|over|toe|bij|na|voor|terug|samen)?ge(\w{3,}?)(?:d|t|en)")
LINKS = ("", "s", "e", "en")
DOUBLED_PLURAL = re.compile(r"(\w+?(\w))\2en")
INFLECTIONS = ("t", "d", "de", "te", "den", "ten")


class Lexicon:
    """Folded words and stems of a text collection, with compound- and verb-aware lookup."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.words: set[str] = set()
        for text in texts:
            self.words.update(words(text))
        self.stems = {stem(w) for w in self.words}
        self._prefixes = sorted(w for w in self.words if len(w) >= MIN_PART)
        self._cache: dict[str, bool] = {}

    def _has_prefix(self, head: str) -> bool:
        """Some corpus word starts with `head` (a stem shared by inflected forms)."""
        i = bisect.bisect_left(self._prefixes, head)
        return i < len(self._prefixes) and self._prefixes[i].startswith(head)

    def _plain(self, word: str) -> bool:
        if word in self.words or stem(word) in self.stems or (len(word) >= 6 and self._has_prefix(stem(word))):
            return True
        doubled = DOUBLED_PLURAL.fullmatch(word)  # "plannen" is the plural of "plan"
        if doubled and doubled.group(1) in self.words:
            return True
        # Verb endings the stemmer keeps: "financiert" is a form of "financieren".
        return any(word.endswith(end) and len(word) - len(end) >= 5 and self._has_prefix(word[: -len(end)]) for end in INFLECTIONS)

    def knows(self, word: str) -> bool:
        """True when the corpus has `word`, a form of it, or all of its compound parts."""
        if word not in self._cache:
            self._cache[word] = self._plain(word) or self._verb(word) or self._compound(word)
        return self._cache[word]

    def _verb(self, word: str) -> bool:
        participle = PARTICIPLE.fullmatch(word)
        if participle and len(participle.group(1)) >= 3 and self._has_prefix(participle.group(1)):
            return True
        for particle in PARTICLES:
            rest = word[len(particle):]
            if word.startswith(particle) and len(rest) >= MIN_PART + 1 and self._plain(rest):
                return True
        return False

    def _splits(self, word: str) -> Iterator[tuple[str, str]]:
        """(head, rest) cuts of `word` whose head the corpus knows, a linking s/e/en dropped."""
        for cut in range(MIN_PART, len(word) - MIN_PART + 1):
            head = word[:cut]
            if head not in self.words and stem(head) not in self.stems:
                continue
            for link in LINKS:
                rest = word[cut + len(link):]
                if word[cut:].startswith(link) and len(rest) >= MIN_PART:
                    yield head, rest

    def parts(self, word: str) -> list[str]:
        """The corpus words `word` is glued from ("knelpuntenanalyse" -> knelpunten, analyse); [] if none."""
        return next(([head, rest] for head, rest in self._splits(word) if head in self.words and self._plain(rest)), [])

    def head(self, word: str) -> str:
        """The longest corpus word `word` ends in after a part of its own ("kerntaken" -> "taken"):
        the kind of thing a Dutch compound names, whatever its first part; '' if none."""
        return next((word[cut:] for cut in range(MIN_PART, len(word) - MIN_PART + 1) if self._plain(word[cut:])), "")

    def _compound(self, word: str, depth: int = 0) -> bool:
        return depth <= 2 and any(self._plain(rest) or self._compound(rest, depth + 1) for _, rest in self._splits(word))
