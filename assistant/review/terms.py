"""Catalogue terms in plan text: one pattern per term, and an index of which passages hold a term.

Terms are matched on folded text (lower case, accents removed) at the start of a word and may
run on ("gemeente" matches "gemeenten"); a leading "*" lets a term start inside a compound
("*rapportage" matches "kwartaalrapportage").
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache

from assistant.text import fold

WORD = re.compile(r"[^\W_]+", re.UNICODE)
ARTICLE = r"(?:(?:de|het|een)\s+)?"
# Particles of Dutch separable verbs that build the catalogue's verbs of working together and agreeing
# (samenwerken, overeenkomen, deelnemen, meedoen): in a main clause the particle goes to the end.
SEPARABLE = ("overeen", "samen", "deel", "mee")


@lru_cache(maxsize=8192)
def term_pattern(term: str, forms: bool = True) -> re.Pattern[str]:
    """Regex of a catalogue term on folded text: at a word start (or anywhere with a leading '*'),
    running on to longer words; the words of a phrase separated by spaces, hyphens or slashes.

    With `forms` it also reads the term as Dutch writes it around other words (an article inside a
    phrase, a separable verb split); without, only the term as written (the term audit's origin test).
    """
    infix = term.startswith("*")
    words = fold(term.lstrip("*")).split()
    parts = []
    for n, word in enumerate(words):
        piece = re.escape(word)
        # a short function word ('op', 'in') does not run on into a longer word ('opzetten')
        if n < len(words) - 1 and word[-1:].isalnum() and len(word) > 2:
            piece += r"\w*"
        parts.append(piece)
    # an article may stand between the words of a phrase ('overleg met de apothekers' for 'overleg met apothekers')
    body = (r"[\s\-/]+" + (ARTICLE if forms else "")).join(parts)
    head = "" if infix or not words[0][:1].isalnum() else r"(?<![\w])"
    split = _split_verb(words[0]) if forms and len(words) == 1 and not infix else None
    return re.compile(head + (f"(?:{body}|{split[1]})" if split else body))


def literals(term: str) -> tuple[str, ...]:
    """Substrings one of which stands in any text the term matches (a cheap pre-check before the regex)."""
    words = fold(term.lstrip("*")).split()
    if not words:
        return ("",)
    split = _split_verb(words[0]) if len(words) == 1 else None
    return (words[0], split[0]) if split else (words[0],)


def _split_verb(word: str) -> tuple[str, str] | None:
    """A separable verb as a main clause splits it: 'samenwerkt' also reads 'werkt (nauw) samen'.

    The particle and the pattern of the split form, or None when `word` is no such verb form.
    """
    for particle in SEPARABLE:
        rest = word[len(particle):]
        stem = rest[:-1] if rest.endswith("t") else rest[:-2] if rest.endswith("en") else ""
        if word.startswith(particle) and len(stem) >= 3 and not rest.startswith("ge") and not rest.endswith("st"):
            # the verb in any person ('valt', 'vallen'), up to four words, then the particle
            return particle, rf"(?<![\w]){re.escape(stem)}\w*(?:\s+[\w-]+){{0,4}}?\s+{particle}(?![\w])"
    return None


def has_term(folded: str, term: str) -> bool:
    return term_pattern(term).search(folded) is not None


class TermIndex:
    """Which passages (given as folded text) contain a term, without a regex pass per passage.

    Simple terms (one word of letters and digits) are looked up by prefix in the sorted
    vocabulary; phrases and terms with punctuation are confirmed by regex on the passages
    that hold their first word (or on all passages when that cannot narrow them down).
    """

    def __init__(self, folded_texts: Sequence[str]) -> None:
        self.texts = list(folded_texts)
        postings: dict[str, set[int]] = defaultdict(set)
        for i, text in enumerate(self.texts):
            for word in set(WORD.findall(text)):
                postings[word].add(i)
        self.postings = postings
        self.vocabulary = sorted(postings)
        self._cache: dict[str, frozenset[int]] = {}

    def _prefixed(self, prefix: str) -> set[int]:
        out: set[int] = set()
        at = bisect.bisect_left(self.vocabulary, prefix)
        while at < len(self.vocabulary) and self.vocabulary[at].startswith(prefix):
            out |= self.postings[self.vocabulary[at]]
            at += 1
        return out

    def find(self, term: str) -> frozenset[int]:
        """Indices of the passages that contain `term`."""
        cached = self._cache.get(term)
        if cached is not None:
            return cached
        bare = fold(term.lstrip("*"))
        if not term.startswith("*") and re.fullmatch(r"[a-z0-9]+", bare):
            found = frozenset(self._prefixed(bare))
            if len(hints := literals(term)) > 1:  # a separable verb, split in a main clause
                pattern = term_pattern(term)
                found |= frozenset(i for i in self.postings.get(hints[1], ()) if pattern.search(self.texts[i]))
        else:
            first = WORD.findall(bare)
            if term.startswith("*") or not first or not bare[:1].isalnum():
                pool: Iterable[int] = range(len(self.texts))
            else:
                pool = self._prefixed(first[0])
            pattern = term_pattern(term)
            found = frozenset(i for i in pool if pattern.search(self.texts[i]))
        self._cache[term] = found
        return found

    def any_of(self, terms: Iterable[str]) -> frozenset[int]:
        out: set[int] = set()
        for term in terms:
            out |= self.find(term)
        return frozenset(out)
