"""The domain vocabulary (`data/domain.toml`): insurers, bouwstenen, hoofdtaken, phases, glossary."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from assistant.text import STOPWORDS, fold, words

DATA_DIR = Path(__file__).parent / "data"
DATA_FILE = DATA_DIR / "domain.toml"

NUMBER_WORDS = {"een": 1, "één": 1, "one": 1, "twee": 2, "two": 2, "drie": 3, "three": 3, "vier": 4, "four": 4,
                "vijf": 5, "five": 5, "zes": 6, "six": 6, "zeven": 7, "seven": 7, "acht": 8, "eight": 8,
                "negen": 9, "nine": 9, "tien": 10, "ten": 10, "nul": 0, "zero": 0, "elf": 11, "twaalf": 12}
NUMBER_PATTERN = r"(\d{1,3}|" + "|".join(NUMBER_WORDS) + r")"
BOUWSTEEN_REF = re.compile(
    r"(?<![\w-])(?:bouwstenen|bouwsteen|building\s+blocks?|block|bs|bb)\s*(?:nr\.?|nummer|number|no\.?|#)?\s*" + NUMBER_PATTERN
    + r"((?:\s*(?:,|en|and|&|t/m|tot en met|-|–)\s*" + NUMBER_PATTERN + r")*)",
)


def bouwsteen_numbers(text: str) -> list[int]:
    """Numbers of bouwstenen referred to by number: 'bouwsteen 4', 'BS4', 'building blocks 5 and 6', 'bouwstenen 1 t/m 3'."""
    out: list[int] = []
    for match in BOUWSTEEN_REF.finditer(fold(text)):
        raw = [match.group(1)] + re.findall(NUMBER_PATTERN, match.group(2) or "")
        values = [int(v) if v.isdigit() else NUMBER_WORDS[v] for v in raw]
        if match.group(2) and re.search(r"t/m|tot en met|-|–", match.group(2)) and len(values) == 2 and values[0] < values[1] <= 12:
            values = list(range(values[0], values[1] + 1))
        out.extend(values)
    return list(dict.fromkeys(out))


@dataclass(frozen=True)
class Term:
    """A named thing with the aliases that refer to it."""

    key: str | int
    title: str
    aliases: tuple[str, ...]


def _alias_pattern(aliases: list[str], compounds: bool = False) -> re.Pattern[str]:
    """Aliases on word boundaries; with `compounds`, also as the head of a Dutch compound ('begrotingseisen')."""
    parts = sorted({re.escape(fold(a)) for a in aliases}, key=len, reverse=True)
    tail = r"(?!\w)" if not compounds else r"(?:(?!\w)|(?<=\w{6})(?=\w))"
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")" + tail)


class Domain:
    """Lookup of domain terms in free text; all matching is on folded text."""

    def __init__(self, data: dict) -> None:
        self.version: str = data["version"]
        self.insurers = [Term(i["name"], i["name"], tuple(i["aliases"])) for i in data["insurer"]]
        self.other_insurers = [Term(i["name"], i["name"], tuple(i["aliases"])) for i in data["other_insurer"]]
        self.bouwstenen = [Term(b["number"], b["title"], tuple(b["aliases"])) for b in data["bouwsteen"]]
        self.budget_bouwsteen: int | None = next((b["number"] for b in data["bouwsteen"] if b.get("budget")), None)
        self.hoofdtaken = [Term(h["number"], h["title"], tuple(h["aliases"])) for h in data["hoofdtaak"]]
        self.phases = [Term(p["number"], p["title"], tuple(p["aliases"])) for p in data["phase"]]
        self.glossary: dict[str, list[str]] = data["glossary"]
        self.core_terms: frozenset[str] = frozenset(data.get("core_terms", ()))

    @property
    def insurer_names(self) -> list[str]:
        return [str(t.key) for t in self.insurers]

    def bouwsteen_title(self, number: int) -> str:
        return next(t.title for t in self.bouwstenen if t.key == number)

    @cached_property
    def _patterns(self) -> dict[str, list[tuple[Term, re.Pattern[str]]]]:
        groups = {
            "insurer": self.insurers,
            "other_insurer": self.other_insurers,
            "bouwsteen": self.bouwstenen,
            "hoofdtaak": self.hoofdtaken,
            "phase": self.phases,
        }
        return {name: [(t, _alias_pattern(list(t.aliases) + [t.title], compounds=name == "bouwsteen")) for t in terms]
                for name, terms in groups.items()}

    def find(self, group: str, text: str) -> list[tuple[Term, int]]:
        """Terms of `group` named in `text`, with the folded offset of their first mention, in text order."""
        folded = fold(text)
        found = []
        for term, pattern in self._patterns[group]:
            match = pattern.search(folded)
            if match:
                found.append((term, match.start()))
        return sorted(found, key=lambda pair: pair[1])

    def canonical_insurer(self, name: str) -> str | None:
        """'zk' -> 'Zilveren Kruis'; None when the name is not one of the corpus insurers."""
        folded = " ".join(fold(name).split())
        for term in self.insurers:
            if folded in {fold(a) for a in term.aliases} or folded == fold(term.title):
                return str(term.key)
        return None

    @cached_property
    def _glossary_patterns(self) -> list[tuple[re.Pattern[str], list[str]]]:
        items = sorted(self.glossary.items(), key=lambda kv: len(kv[0]), reverse=True)
        return [(re.compile(r"(?<![\w-])" + re.escape(fold(k)) + r"(?![\w-])"), v) for k, v in items]

    def expand(self, text: str) -> list[str]:
        """Dutch document terms for the English or colloquial terms in `text` (longest match first)."""
        folded = fold(text)
        out: list[str] = []
        for pattern, targets in self._glossary_patterns:
            if pattern.search(folded):
                folded = pattern.sub(" ", folded)
                out.extend(targets)
        return out


TRANSLATION_FILE = DATA_DIR / "translation.toml"
MAX_PHRASE = 3  # words in the longest English rendering looked up


class Translation:
    """English words and phrases with the Dutch words they render (`data/translation.toml`).

    The file lists Dutch words, from the seed sources and general Dutch, with their ordinary
    English renderings; it is read the other way round. Unlike the glossary, a translation is no
    sign that a question is about the domain: it only lets an English question meet Dutch text.
    """

    def __init__(self, data: dict, function_words: frozenset[str]) -> None:
        self.version: str = data["version"]
        table: dict[tuple[str, ...], list[str]] = {}
        for section in ("source", "general"):
            for dutch, renderings in data[section].items():
                for english in renderings:
                    key = tuple(words(english))
                    if not 0 < len(key) <= MAX_PHRASE or (len(key) == 1 and key[0] in function_words):
                        continue  # "is", "does": a question's frame, not its subject
                    if dutch not in table.setdefault(key, []):
                        table[key].append(dutch)
        self.table = table

    def spans(self, text: str) -> list[tuple[int, int, list[str]]]:
        """(first word, end word, Dutch words) of each rendering in `text`'s words, longest first, left to right."""
        tokens = words(text)
        out = []
        i = 0
        while i < len(tokens):
            for n in range(min(MAX_PHRASE, len(tokens) - i), 0, -1):
                dutch = self.table.get(tuple(tokens[i:i + n]))
                if dutch:
                    out.append((i, i + n, dutch))
                    i += n
                    break
            else:
                i += 1
        return out


@lru_cache(maxsize=1)
def get_translation() -> Translation:
    """The English renderings of Dutch words, parsed once."""
    language = get_language()
    return Translation(_read(TRANSLATION_FILE), STOPWORDS | language.question_words | language.function_words | language.markers["en"])


@lru_cache(maxsize=1)
def get_domain() -> Domain:
    """The domain vocabulary, parsed once."""
    return Domain(_read(DATA_FILE))


def _read(path: Path) -> dict:
    """One of the versioned data files."""
    with path.open("rb") as fh:
        return tomllib.load(fh)


def _patterns(table: dict[str, str]) -> dict[str, re.Pattern[str]]:
    """A table of named regular expressions, compiled, in its order."""
    return {name: re.compile(pattern) for name, pattern in table.items()}


REVIEW_FILE = DATA_DIR / "review.toml"


@dataclass(frozen=True)
class DocumentRules:
    """What makes a document an RESV-plan (`data/review.toml`, [document])."""

    subject: tuple[str, ...]
    own: tuple[str, ...]
    own_gap: int
    period: tuple[int, ...]
    min_mentions: int
    words_per_mention: int
    title_chars: int
    title_words: tuple[str, ...]


@dataclass(frozen=True)
class LanguageRules:
    """Function words that tell Dutch from English (`data/review.toml`, [language])."""

    min_share: float
    words: dict[str, frozenset[str]]


@dataclass(frozen=True)
class ReviewRules:
    version: str
    document: DocumentRules
    language: LanguageRules
    reading: dict[str, re.Pattern[str]]  # general Dutch markers: negation, postponement, intention, …
    status_labels: dict[str, str]  # what 'met', 'partial' and 'missing' are called where people read them


@lru_cache(maxsize=1)
def get_review_rules() -> ReviewRules:
    """The review's reading data, parsed once."""
    data = _read(REVIEW_FILE)
    doc = data["document"]
    lang = data["language"]
    return ReviewRules(
        version=data["version"],
        document=DocumentRules(
            subject=tuple(fold(t) for t in doc["subject"]), own=tuple(fold(t) for t in doc["own"]), own_gap=int(doc["own_gap"]),
            period=tuple(int(y) for y in doc["period"]), min_mentions=int(doc["min_mentions"]),
            words_per_mention=int(doc["words_per_mention"]), title_chars=int(doc["title_chars"]),
            title_words=tuple(fold(t) for t in doc["title_words"]),
        ),
        language=LanguageRules(min_share=float(lang["min_share"]),
                               words={code: frozenset(lang[code]) for code in ("nl", "en")}),
        reading=_patterns(data["reading"]),
        status_labels=dict(data["status"]),
    )


MESSAGES_FILE = DATA_DIR / "messages.toml"


class Messages:
    """What the answer stage says to people (`data/messages.toml`), Dutch and English side by side."""

    def __init__(self, data: dict) -> None:
        self.version: str = data["version"]
        self._tables: dict[str, dict[str, dict[str, str]]] = {k: v for k, v in data.items() if isinstance(v, dict)}

    def say(self, table: str, key: str, lang: str, **fields: object) -> str:
        """The `lang` text of `table.key` with its {fields} filled in."""
        return self._tables[table][key][lang].format(**fields)

    def fact(self, kind: str, lang: str) -> str:
        """The name of a kind of fact ("bedrag", "amount")."""
        return self._tables["fact"][kind][lang]


@lru_cache(maxsize=1)
def get_messages() -> Messages:
    """The answer stage's bilingual messages, parsed once."""
    return Messages(_read(MESSAGES_FILE))


LANGUAGE_FILE = DATA_DIR / "language.toml"


@dataclass(frozen=True)
class PersonalTopic:
    """A personal matter outside the sources, with its name for people in both languages."""

    pattern: re.Pattern[str]
    names: dict[str, str]


@dataclass(frozen=True)
class Language:
    """How questions are read (`data/language.toml`): question kinds, wanted facts, personal matters."""

    version: str
    markers: dict[str, frozenset[str]]
    question: dict[str, re.Pattern[str]]
    wants: dict[str, re.Pattern[str]]  # in the order they are tried
    facts: dict[str, re.Pattern[str]]  # a fact of each kind as the sources write it
    personal_topics: tuple[PersonalTopic, ...]
    question_words: frozenset[str]
    function_words: frozenset[str]  # general function words of both languages
    ordinals: dict[str, int]
    document: dict[str, re.Pattern[str]]  # how documents are written (a letter's closing)


@lru_cache(maxsize=1)
def get_language() -> Language:
    """The question-reading data, parsed once."""
    data = _read(LANGUAGE_FILE)
    if unmatched := set(data["wants"]) - set(data["facts"]):
        raise ValueError(f"{LANGUAGE_FILE.name}: a wanted kind of fact without a [facts] pattern: {sorted(unmatched)}")
    return Language(
        version=data["version"],
        markers={code: frozenset(ws) for code, ws in data["markers"].items()},
        question=_patterns(data["question"]),
        wants=_patterns(data["wants"]),
        facts=_patterns(data["facts"]),
        personal_topics=tuple(PersonalTopic(re.compile(t["pattern"]), {"nl": t["nl"], "en": t["en"]}) for t in data["personal_topic"]),
        question_words=frozenset(data["question_words"]),
        function_words=frozenset(data["function_words"]),
        ordinals={k: int(v) for k, v in data["ordinals"].items()},
        document=_patterns(data["document"]),
    )
