"""Question -> `Query`: what the question names (insurers, bouwstenen, hoofdtaken, phases, years),
what kind of fact it wants, its language, and what it inherits from earlier turns.

Recognition is driven by the domain vocabulary (`data/domain.toml`) and the general reading of
questions in Dutch and English (`data/language.toml`); nothing here knows a particular question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from assistant.domain import NUMBER_PATTERN, NUMBER_WORDS, PersonalTopic, bouwsteen_numbers, get_domain, get_language, get_translation
from assistant.models import ChatTurn
from assistant.text import STOPWORDS, fold, stem, words

HOOFDTAAK_REF = re.compile(r"(?<![\w-])(?:hoofdtaak|hoofdtaken|main\s+tasks?|core\s+tasks?|ht)\s*" + NUMBER_PATTERN)
ALL_HOOFDTAKEN = re.compile(r"(?<![\w-])(?:hoofdtaken|main\s+tasks|core\s+tasks)(?![\w-])")
PHASE_REF = re.compile(r"(?<![\w-])(?:fase|phase)\s*(\d)")
_LANGUAGE = get_language()
ORDINALS = _LANGUAGE.ordinals
ORDINAL = re.compile(r"(?<![\w-])(?:de|het|the)\s+(" + "|".join(ORDINALS) + r")(?![\w-])")
YEAR = re.compile(r"(?<!\d)(20[2-3]\d)(?!\d)")
ENGLISH_MARKERS = _LANGUAGE.markers["en"]
DUTCH_MARKERS = _LANGUAGE.markers["nl"]
FOLLOW_UP_START = _LANGUAGE.question["follow_up_start"]
ANAPHORA = _LANGUAGE.question["anaphora"]
COMPARISON = _LANGUAGE.question["comparison"]
WHICH_INSURERS = _LANGUAGE.question["which_insurers"]
SIGNERS = _LANGUAGE.question["signers"]
ALL_INSURERS = _LANGUAGE.question["all_insurers"]
HANDREIKING_ONLY = _LANGUAGE.question["handreiking_only"]
SOFT_DATE = _LANGUAGE.question["soft_date"]
TARGET = _LANGUAGE.question["target"]
PERSONAL = _LANGUAGE.question["personal"]
DEFINITION = _LANGUAGE.question["definition"]
NEAR_WANTED = 3  # words between the thing asked for and a kind of fact that still describes it ("what is the usual hourly fee")
WANTS = _LANGUAGE.wants
FACT_PATTERNS = _LANGUAGE.facts
# Words that never say what a question is about: function words and the words that say what it is.
NOT_TOPIC = STOPWORDS | _LANGUAGE.question_words | _LANGUAGE.function_words


@dataclass
class Query:
    """What a question asks, as far as the vocabulary can tell."""

    question: str
    text: str
    lang: str = "nl"
    insurers: list[str] = field(default_factory=list)
    unknown_insurers: list[str] = field(default_factory=list)
    all_insurers: bool = False
    bouwstenen: list[int] = field(default_factory=list)
    invalid_bouwstenen: list[int] = field(default_factory=list)
    hoofdtaken: list[int] = field(default_factory=list)
    phases: list[int] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    expansions: list[str] = field(default_factory=list)
    translations: list[str] = field(default_factory=list)  # Dutch words for an English question's words
    focus: list[str] = field(default_factory=list)
    wants: str | None = None
    wants_date_maybe: bool = False
    target: str | None = None
    target_terms: list[str] = field(default_factory=list)  # the Dutch words of an English target
    alternatives: dict[str, str] = field(default_factory=dict)  # focus stem -> the stem it is another rendering of
    comparison: bool = False
    which_insurers: bool = False
    signers: bool = False  # who signed a document
    definition: bool = False  # what a term means
    handreiking_only: bool = False
    all_hoofdtaken: bool = False
    follow_up: bool = False
    names_domain: bool = False
    insurer_option: str | None = None
    personal: bool = False  # the asker speaks of themselves ("mijn", "my")
    personal_topics: list[PersonalTopic] = field(default_factory=list)

    @property
    def english(self) -> bool:
        return self.lang == "en"

    def things(self, stems: Sequence[str]) -> set[str]:
        """The things `stems` ask about: the Dutch renderings of one English word are one."""
        return {self.alternatives.get(f, f) for f in stems}

    @property
    def lexical_terms(self) -> list[str]:
        """The Dutch terms the lexical search adds to the question's own words."""
        return self.expansions + self.translations

    @property
    def has_domain_signal(self) -> bool:
        return bool(self.insurers or self.unknown_insurers or self.bouwstenen or self.invalid_bouwstenen
                    or self.hoofdtaken or self.phases or self.expansions or self.names_domain)


def detect_language(text: str) -> str:
    tokens = words(text)
    en = sum(t in ENGLISH_MARKERS for t in tokens)
    nl = sum(t in DUTCH_MARKERS for t in tokens)
    return "en" if en > nl else "nl"


def parse(question: str, insurer: str | None = None) -> Query:
    """Recognise what one question names, without context."""
    domain = get_domain()
    folded = fold(question)
    query = Query(question=question, text=question, lang=detect_language(question))
    query.insurers = [str(t.key) for t, _ in domain.find("insurer", question)]
    query.unknown_insurers = [str(t.key) for t, _ in domain.find("other_insurer", question)]
    numbers = bouwsteen_numbers(question)
    if not numbers:
        numbers = [int(t.key) for t, _ in domain.find("bouwsteen", question)]
    query.bouwstenen = list(dict.fromkeys(n for n in numbers if 1 <= n <= 7))
    query.invalid_bouwstenen = list(dict.fromkeys(n for n in numbers if not 1 <= n <= 7))
    hoofdtaken = [int(m.group(1)) if m.group(1).isdigit() else NUMBER_WORDS[m.group(1)] for m in HOOFDTAAK_REF.finditer(folded)]
    query.all_hoofdtaken = bool(ALL_HOOFDTAKEN.search(folded)) and not hoofdtaken
    query.hoofdtaken = list(dict.fromkeys(hoofdtaken or [int(t.key) for t, _ in domain.find("hoofdtaak", question)]))
    query.phases = list(dict.fromkeys([int(m.group(1)) for m in PHASE_REF.finditer(folded)] or [int(t.key) for t, _ in domain.find("phase", question)]))
    query.years = [int(y) for y in YEAR.findall(folded)]
    query.names_domain = any(w in domain.core_terms for w in words(question))
    query.expansions = domain.expand(question)
    spans = get_translation().spans(question) if query.english else []
    query.translations = list(dict.fromkeys(d for _, _, dutch in spans for d in dutch))
    query.comparison = bool(COMPARISON.search(folded)) or (len(query.insurers) > 1 and " of " not in f" {folded} ")
    query.which_insurers = bool(WHICH_INSURERS.search(folded))
    query.signers = bool(SIGNERS.search(folded))
    query.definition = bool(DEFINITION.search(folded))
    query.all_insurers = bool(ALL_INSURERS.search(folded)) and not query.insurers
    query.handreiking_only = bool(HANDREIKING_ONLY.search(folded)) and not query.insurers and not query.which_insurers
    for kind, pattern in WANTS.items():
        if pattern.search(folded):
            query.wants = kind
            break
    query.wants_date_maybe = query.wants is None and bool(SOFT_DATE.search(folded))
    target = TARGET.search(folded)
    word = target.group(1) if target else ""
    # "de uiterste datum": a word before the wanted kind of fact describes it, it is not the thing asked for;
    # nor is a word the wanted kind's own phrase holds ("in welk jaar").
    describes_wanted = bool(target) and any(w.match(folded, target.end(1) + 1) for w in WANTS.values())
    asked = WANTS[query.wants].search(folded, target.start()) if target and query.wants else None
    names_wanted = bool(asked) and asked.start() <= target.start(1) < asked.end()
    if word and word not in NOT_TOPIC and word not in NUMBER_WORDS and not describes_wanted and not names_wanted \
            and not any(w.search(word) for w in WANTS.values()):
        query.target = word
        # "Welke partijen tekenen voordat de eerste euro wordt overgemaakt?" asks for parties: a kind of
        # fact named elsewhere in a question for a thing is context, unless the question word asks it.
        between = len(words(folded[target.end(1):asked.start()])) if asked else 0
        if between > NEAR_WANTED and not target.group(0).startswith(("hoeveel", "how")):
            query.wants = None
        # An English target is often the first word of a phrase ("how many allied health …"): its Dutch words.
        first = next(iter(get_translation().spans(folded[target.start(1):])), None) if query.english else None
        query.target_terms = first[2] if first and first[0] == 0 else []
    query.focus, query.alternatives = focus_terms(question, query, spans)
    query.personal = bool(PERSONAL.search(folded))
    query.personal_topics = [t for t in _LANGUAGE.personal_topics if t.pattern.search(folded)]
    if insurer:
        query.insurer_option = insurer
        if not query.insurers:
            query.insurers = [insurer]
    return query


def focus_terms(question: str, query: Query, spans: Sequence[tuple[int, int, list[str]]] = ()) -> tuple[list[str], dict[str, str]]:
    """Stems of what the question is about, once names, numbers and question words are set aside,
    and which of them are other renderings of one word (stem -> the stem they stand beside).

    An English word with a Dutch rendering (`spans`, from the translation table) stands in the
    focus as its Dutch words: the sources are Dutch, and only those can be found in them.
    """
    domain = get_domain()
    named = set()
    for group in ("insurer", "other_insurer", "bouwsteen"):
        for term, _ in domain.find(group, question):
            for alias in term.aliases + (term.title,):
                named.update(words(alias))
    out: list[str] = []
    alternatives: dict[str, str] = {}
    rendered = {i: dutch if i == start else [] for start, end, dutch in spans for i in range(start, end)}
    for i, word in enumerate(words(question)):
        if i in rendered and word not in NOT_TOPIC and word not in named:
            dutch = list(dict.fromkeys(stem(w) for d in rendered[i] for w in words(d) if w not in STOPWORDS and len(w) >= 3))
            for alternative in dutch[1:]:  # renderings of one word are one thing asked about, not several
                alternatives.setdefault(alternative, dutch[0])
            out.extend(dutch)
            continue
        if any(w.fullmatch(word) for w in WANTS.values()):
            continue  # "percentage", "bedrag": the kind of fact asked for, not the topic
        if word in NOT_TOPIC or word in named or word.isdigit() or word in NUMBER_WORDS or len(word) < 3:
            continue
        out.append(stem(word))
    for term in query.expansions:
        out.extend(stem(w) for w in words(term) if w not in NOT_TOPIC and w not in named and len(w) >= 3)
    return list(dict.fromkeys(out)), alternatives


def is_follow_up(question: str, query: Query) -> bool:
    """Elliptic ("En voor VGZ?"), anaphoric ("Wat zegt de handreiking daarover?") or only names."""
    folded = fold(question).strip()
    content = [w for w in words(question) if w not in STOPWORDS]
    if FOLLOW_UP_START.match(folded) or ORDINAL.search(folded):
        return True
    if ANAPHORA.search(folded) and len(content) <= 8:
        return True
    return not query.focus and len(content) <= 3


def understand(question: str, history: Sequence[ChatTurn] = (), insurer: str | None = None) -> Query:
    """Parse `question`; a follow-up takes what it leaves out from the previous user turn."""
    query = parse(question, insurer)
    previous = [t.content for t in history if t.role == "user" and t.content.strip()]
    if not previous or not is_follow_up(question, query):
        return query
    before = understand(previous[-1], [ChatTurn(role="user", content=q) for q in previous[:-1]], insurer)
    ordinal = ORDINAL.search(fold(question))
    if ordinal and not (query.bouwstenen or query.hoofdtaken or query.phases):
        # An ordinal alone after a question about the hoofdtaken (or bouwstenen, phases): that one of those.
        n = [ORDINALS[ordinal.group(1)]]
        if before.all_hoofdtaken or before.hoofdtaken:
            query = replace(query, hoofdtaken=n)
        elif before.bouwstenen:
            query = replace(query, bouwstenen=n)
        elif before.phases:
            query = replace(query, phases=n)
    merged = replace(query, follow_up=True)
    if not query.bouwstenen and not query.invalid_bouwstenen and not query.hoofdtaken and not query.phases:
        merged.bouwstenen, merged.invalid_bouwstenen = before.bouwstenen, before.invalid_bouwstenen
        merged.hoofdtaken, merged.phases = before.hoofdtaken, before.phases
        merged.all_hoofdtaken = before.all_hoofdtaken
    if not query.insurers and not query.unknown_insurers and not query.handreiking_only and not query.which_insurers:
        merged.insurers, merged.unknown_insurers = before.insurers, before.unknown_insurers
        merged.all_insurers = before.all_insurers
    # An anaphor ("dat", "that") keeps the earlier topic; new words only add to it.
    if not query.focus or all(f in before.focus for f in query.focus) or ANAPHORA.search(fold(question)):
        merged.focus = list(dict.fromkeys(before.focus + query.focus))
        merged.which_insurers = query.which_insurers or (before.which_insurers and not query.insurers)
        merged.wants = query.wants or before.wants
    merged.expansions = list(dict.fromkeys(before.expansions + query.expansions))
    merged.translations = list(dict.fromkeys(before.translations + query.translations))
    merged.alternatives = before.alternatives | query.alternatives
    merged.text = f"{before.text} {question}"
    merged.lang = query.lang if len(words(question)) > 3 else before.lang
    return merged
