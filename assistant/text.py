"""Text helpers shared by ingestion, retrieval, answering and review: folding, tokens, sentences."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

import Stemmer

WORD_RE = re.compile(r"[0-9]+(?:[.,][0-9]+)?%?|[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")

# Function words of Dutch and English. Domain words (bouwsteen, RESV, …) are not stopwords.
STOPWORDS = frozenset(
    """
    de het een en of in op van voor met aan bij als dat die dit deze er is zijn wordt worden
    te om tot uit over door naar ook nog niet wel dan maar zo hoe wat welke wie waar wanneer
    waarom hier daar je jij u uw we wij ze zij hun hen hem haar ik mij me mijn ons onze
    kan kunnen moet moeten mag mogen zal zullen heeft hebben had was waren geen al alle meer
    the a an and or of in on for with at by as that this these those is are be been being was
    were to from into about how what which who whom where when why do does did can could should
    would will shall may might must has have had not no any all more than then there their they
    it its i you your we our he she his her them me my
    """.split()
)

ABBREVIATIONS = ("min.", "max.", "o.a.", "t.b.v.", "bijv.", "incl.", "c.q.", "e.d.", "m.b.t.", "t.a.v.", "nl.", "ca.", "i.p.v.", "z.s.m.", "e.g.", "i.e.", "etc.", "vs.", "nr.", "art.", "blz.", "p.")
# "1. De voorbereiding": a list number is not a sentence of its own.
_ENUMERATOR = re.compile(r"(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)]")
_SENTENCE_END = re.compile(r"[.!?](?:[\"'”’)\]]*)\s+(?=[\"'„“‘(]*[A-Z0-9À-Þ•\-])")


def fold(text: str) -> str:
    """Lowercase, superscripts to digits, accents removed: 'Coöperatie³' -> 'cooperatie3'."""
    text = unicodedata.normalize("NFKD", text.translate(SUPERSCRIPTS).lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def digest(text: str) -> str:
    """A text's key for caches of what was computed from it (its vector)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def collapse(text: str) -> str:
    """Whitespace runs (line breaks, non-breaking spaces) to one space, trimmed."""
    return " ".join(text.split())


def words(text: str) -> list[str]:
    """Folded word and number tokens, stopwords kept."""
    return WORD_RE.findall(fold(text))


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("dutch_porter")


def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def terms(text: str) -> list[str]:
    """Retrieval terms: folded, stopwords dropped, Dutch-stemmed."""
    stemmer = _stemmer()
    return [stemmer.stemWord(w) for w in words(text) if w not in STOPWORDS]


def trim(text: str, start: int, end: int, blanks: str = " \t\f\u00a0") -> tuple[int, int]:
    """The span start:end of `text` without leading and trailing `blanks`."""
    while start < end and text[start] in blanks:
        start += 1
    while end > start and text[end - 1] in blanks:
        end -= 1
    return start, end


_DOUBLE_VOWEL = re.compile(r"([aeiou])\1")


def loose(term: str) -> str:
    """A comparison key for stems that Dutch spelling keeps apart: "beoordeelt" and "beoordel"
    (vowel doubling), "afgerond" and "afgerond-e" (final d/t)."""
    key = _DOUBLE_VOWEL.sub(r"\1", term)
    return key[:-1] if len(key) > 4 and key[-1] in "dt" else key


def sentence_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Spans of the sentences in `text`, shifted by `offset`; abbreviations do not end a sentence."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.start() + 1
        head = text[start:end]
        if any(head.lower().endswith(abbr) for abbr in ABBREVIATIONS) or _ENUMERATOR.fullmatch(head.strip()):
            continue
        spans.append((start, end))
        start = match.end()
    tail = text[start:].rstrip()
    if tail:
        spans.append((start, start + len(tail)))
    return [(s + offset, e + offset) for s, e in spans if text[s:e].strip()]


# Characters no question or form field needs: they end strings early (NUL), drive terminals (ESC),
# reverse what a reader sees (bidi overrides and isolates), or cannot be encoded at all (lone
# surrogates, which a JSON escape such as "\ud800" produces).
_UNREADABLE = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def unreadable_message(subject: str, text: str, retry: str = "Verwijder het en probeer het opnieuw.") -> str | None:
    """Why `text` is refused, when it holds a character no question or field needs (a control or a
    direction character, named as 'U+202E'); None when it holds none. `subject` names it for people."""
    match = _UNREADABLE.search(text)
    if match is None:
        return None
    return (f"{subject} bevat een teken dat niet in tekst thuishoort (U+{ord(match.group()):04X}), zoals een stuurteken of "
            f"een richtingsteken. {retry}")
