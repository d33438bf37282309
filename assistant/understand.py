"""Question -> `Query`: what the question names (insurers, bouwstenen, hoofdtaken, phases, years),
what kind of fact it wants, its language, and what it inherits from earlier turns.

Recognition is driven by the domain vocabulary (`data/domain.toml`); nothing here knows a
particular question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from assistant.domain import NUMBER_WORDS, NUMBER_PATTERN, bouwsteen_numbers, get_domain
from assistant.models import ChatTurn
from assistant.text import STOPWORDS, fold, stem, words

HOOFDTAAK_REF = re.compile(r"(?<![\w-])(?:hoofdtaak|hoofdtaken|main\s+tasks?|core\s+tasks?|ht)\s*" + NUMBER_PATTERN)
ALL_HOOFDTAKEN = re.compile(r"(?<![\w-])(?:hoofdtaken|main\s+tasks|core\s+tasks)(?![\w-])")
PHASE_REF = re.compile(r"(?<![\w-])(?:fase|phase)\s*(\d)")
ORDINALS = {"eerste": 1, "first": 1, "tweede": 2, "second": 2, "derde": 3, "third": 3, "vierde": 4, "fourth": 4,
            "vijfde": 5, "fifth": 5, "zesde": 6, "sixth": 6, "zevende": 7, "seventh": 7}
ORDINAL = re.compile(r"(?<![\w-])(?:de|het|the)\s+(" + "|".join(ORDINALS) + r")(?![\w-])")
YEAR = re.compile(r"(?<!\d)(20[2-3]\d)(?!\d)")

ENGLISH_MARKERS = {"what", "which", "does", "do", "the", "is", "are", "for", "require", "requires", "how", "when",
                   "who", "must", "should", "about", "between", "difference", "and", "of", "insurers", "building", "block"}
DUTCH_MARKERS = {"wat", "welke", "eist", "eisen", "de", "het", "voor", "hoe", "wanneer", "wie", "moet", "over",
                 "tussen", "verschil", "en", "van", "bij", "verzekeraars", "bouwsteen", "zegt", "vraagt"}

FOLLOW_UP_START = re.compile(r"^(?:en|and|ook|also|what about|how about|hoe zit het met|en hoe zit het met|idem|same for|en wat|and what|en bij|and for|en voor)\b")
ANAPHORA = re.compile(r"(?<![\w-])(?:daarover|daarvan|daarbij|hierover|dat|dit|die|deze|that|this|those|these|it|same|hetzelfde|zelfde)(?![\w-])")
COMPARISON = re.compile(r"(?<![\w-])(?:verschil\w*|vergelijk\w*|verschillen|compare\w*|comparison|difference\w*|differ\w*|versus|vs\.?|ten opzichte van|t\.o\.v\.|overeenkomst\w*)(?![\w-])")
WHICH_INSURERS = re.compile(r"(?<![\w-])(?:welke|which|wie van de|welk)\s+(?:\w+\s+){0,2}(?:zorg)?verzekeraars?(?![\w-])|(?<![\w-])(?:which|what)\s+(?:\w+\s+)?(?:health\s+)?insurers?(?![\w-])")
ALL_INSURERS = re.compile(r"(?<![\w-])(?:alle|elke|iedere|de|all|each|every|the)\s+(?:vier\s+|four\s+)?(?:zorg)?(?:verzekeraars?|insurers?)(?![\w-])|(?<![\w-])per\s+(?:zorg)?verzekeraar(?![\w-])")
HANDREIKING_ONLY = re.compile(r"(?<![\w-])(?:handreiking|guidance|guideline|landelijk\w*|national)(?![\w-])")

WANTS = {
    # "kosten" alone is a topic ("hoe worden de kosten verdeeld"), not a request for an amount.
    "money": re.compile(r"(?<![\w-])(?:maximale?\s+(?:budget|bedrag|vergoeding|financiering)|hoogte\s+van|euro|€|\w*bedrag\w*|hoeveel\s+(?:geld|kost\w*|krijg\w*|betaal\w*)|wat\s+kost\w*|hoe\s+(?:hoog|duur)|how\s+(?:much\s+(?:money|funding|does|do|will|is)|high|expensive)|vergoeding\s+per|per\s+inwoner|per\s+patiënt|amount\w*|salaris|\w*tarief|tarief\s+per|goedkoop\w*|premie\w*|prijs\w*|cheap\w*|price\w*|premium\w*)(?![\w-])"),
    "percent": re.compile(r"(?<![\w-])(?:\w*procent|\w*percentage|%|welk\s+deel|what\s+share|what\s+percentage)(?![\w-])"),
    # "wanneer"/"when" also asks for a condition ("wanneer wordt de financiering definitief?"),
    # so only these ask for a date for certain; see SOFT_DATE.
    "date": re.compile(r"(?<![\w-])(?:datum|(?:wat\s+is\s+de|welke|what\s+is\s+the|which)\s+deadline|op\s+welke\s+dag|voor\s+welke\s+datum|by\s+when|what\s+day|what\s+date|which\s+date|welke\s+dag)(?![\w-])"),
    "contact": re.compile(r"(?<![\w-])(?:contactpersoon|contact\s*person|telefoon\w*|phone|e-?mail\w*|naam\s+van\s+de|wie\s+is\s+de|who\s+is\s+the|name\s+of\s+the|adres|address|voorzitter\w*|who\s+(?:chairs|leads|heads|runs)|chair(?:man|person|s)?)(?![\w-])"),
    "count": re.compile(r"(?<![\w-])(?:hoeveel|how\s+many)(?![\w-])"),
}
SOFT_DATE = re.compile(r"(?<![\w-])(?:wanneer|when|uiterlijk|hoe\s+laat)(?![\w-])")
# "welke boete", "hoeveel RESV's", "wat is het uurtarief", "how many inhabitants": the thing asked for.
TARGET = re.compile(r"(?<![\w-])(?:welke?|hoeveel|which|how\s+many|wat\s+(?:is|zijn|was)\s+(?:de|het|een)|what\s+(?:is|are)\s+(?:the|a))\s+([^\W\d_]+(?:'[^\W\d_]+)?)")
FACT_PATTERNS = {
    "money": re.compile(r"€\s?\d|\d[\d.,]*\s?(?:euro|eur\b|mln|miljoen|duizend)", re.IGNORECASE),
    "percent": re.compile(r"\d+\s?%|\d+\s?procent", re.IGNORECASE),
    "date": re.compile(r"\b\d{1,2}\s+(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)\b|\b(?:eind|begin|medio)\s+20\d\d\b|\b(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)\s+20\d\d\b", re.IGNORECASE),
    "contact": re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|\b0\d{1,3}[-\s]?\d{6,8}\b"),
    # "een" is mostly the article; only "één" counts.
    "count": re.compile(r"\b\d+\b|(?<!\w)(?:één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf)(?!\w)", re.IGNORECASE),
}
# Words that say what a question is, not what it is about.
QUESTION_WORDS = {
    "eist", "eisen", "eis", "vraagt", "vragen", "verwacht", "verwachten", "stelt", "stellen", "zegt", "zeggen",
    "staat", "noemt", "noemen", "require", "requires", "required", "requirement", "requirements", "demand", "demands",
    "expect", "expects", "say", "says", "state", "states", "mention", "mentions", "need", "needs", "ask", "asks",
    "zorgverzekeraar", "zorgverzekeraars", "verzekeraar", "verzekeraars", "insurer", "insurers", "beleid", "policy",
    "inkoopbeleid", "bouwsteen", "bouwstenen", "building", "block", "blocks", "bs", "welke", "which", "wat", "what",
    "verschil", "difference", "vergelijk", "compare", "tussen", "between", "resv", "plan", "resv-plan", "precies",
    "graag", "please", "tell", "vertel", "me", "mij", "kun", "kunt", "can", "could", "would", "you", "je", "jij", "u",
    "handreiking", "guidance", "guideline", "document", "documenten", "bronnen", "sources", "eigenlijk", "allemaal",
    "verplicht", "mandatory", "moeten", "moet", "must", "should", "zijn", "is", "are", "be", "er", "there", "precisely",
    "exactly", "main", "eisen?", "gelden", "geldt", "apply", "applies", "regarding", "about", "over", "rond", "omtrent",
    "specifiek", "specific", "specifically", "concreet", "anders", "different", "differently", "verschillen", "differ",
    "en", "and", "of", "or", "ook", "also", "nog", "still", "meer", "more", "does", "do", "did",
    "hoeveel", "how", "many", "much", "krijgt", "krijgen", "get", "gets", "per", "waar", "where", "wanneer", "when",
    "wie", "who", "hoe", "welk", "zeggen", "vinden", "find", "look", "like", "uit", "zien", "eruit",
    "definitie", "definition", "define", "defines", "defined", "betekent", "betekenis", "meaning", "mean", "means",
    "uitleg", "explain", "houdt", "inhoud", "minimaal", "minimum", "tenminste", "ten", "minste", "least", "at",
    "beschrijven", "beschrijft", "describe", "describes", "bevatten", "bevat", "contain", "contains", "include",
    "opnemen", "opgenomen", "worden", "wordt", "staan", "daarover", "hierover", "daarvan", "precies", "wel",
    "opzichte", "aanzien", "behoeve", "betreft", "respect", "regard", "volgens", "according", "onder", "binnen",
    "ieder", "geval", "elk", "case", "any", "gebeurt", "gebeuren", "happens", "happen", "valt", "vallen", "falls",
    "fall", "in", "doen", "doet", "lang", "duurt", "duren", "long", "last", "lasts", "take", "takes",
}


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
    focus: list[str] = field(default_factory=list)
    wants: str | None = None
    wants_date_maybe: bool = False
    target: str | None = None
    comparison: bool = False
    which_insurers: bool = False
    handreiking_only: bool = False
    all_hoofdtaken: bool = False
    follow_up: bool = False
    names_domain: bool = False
    insurer_option: str | None = None

    @property
    def english(self) -> bool:
        return self.lang == "en"

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
    query.comparison = bool(COMPARISON.search(folded)) or (len(query.insurers) > 1 and " of " not in f" {folded} ")
    query.which_insurers = bool(WHICH_INSURERS.search(folded))
    query.all_insurers = bool(ALL_INSURERS.search(folded)) and not query.insurers
    query.handreiking_only = bool(HANDREIKING_ONLY.search(folded)) and not query.insurers and not query.which_insurers
    for kind in ("contact", "money", "date", "percent", "count"):
        if WANTS[kind].search(folded):
            query.wants = kind
            break
    query.wants_date_maybe = query.wants is None and bool(SOFT_DATE.search(folded))
    target = TARGET.search(folded)
    word = target.group(1) if target else ""
    if word and word not in STOPWORDS | QUESTION_WORDS and word not in NUMBER_WORDS and not any(w.search(word) for w in WANTS.values()):
        query.target = word
    query.focus = focus_terms(question, query)
    if insurer:
        query.insurer_option = insurer
        if not query.insurers:
            query.insurers = [insurer]
    return query


def focus_terms(question: str, query: Query) -> list[str]:
    """Stems of what the question is about, once names, numbers and question words are set aside."""
    domain = get_domain()
    named = set()
    for group in ("insurer", "other_insurer", "bouwsteen"):
        for term, _ in domain.find(group, question):
            for alias in term.aliases + (term.title,):
                named.update(words(alias))
    out = []
    for word in words(question):
        if any(w.fullmatch(word) for w in WANTS.values()):
            continue  # "percentage", "bedrag": the kind of fact asked for, not the topic
        if word in STOPWORDS or word in QUESTION_WORDS or word in named or word.isdigit() or word in NUMBER_WORDS or len(word) < 3:
            continue
        out.append(stem(word))
    for term in query.expansions:
        out.extend(stem(w) for w in words(term) if w not in STOPWORDS and w not in QUESTION_WORDS and w not in named and len(w) >= 3)
    return list(dict.fromkeys(out))


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
        # "Wat valt onder de vijfde?" after a question about the hoofdtaken: the fifth of those.
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
    # "En wanneer moet dat klaar zijn?": an anaphor keeps the topic, new words only add to it.
    if not query.focus or all(f in before.focus for f in query.focus) or ANAPHORA.search(fold(question)):
        merged.focus = list(dict.fromkeys(before.focus + query.focus))
        merged.which_insurers = query.which_insurers or (before.which_insurers and not query.insurers)
        merged.wants = query.wants or before.wants
    merged.expansions = list(dict.fromkeys(before.expansions + query.expansions))
    merged.text = f"{before.text} {question}"
    merged.lang = query.lang if len(words(question)) > 3 else before.lang
    return merged
