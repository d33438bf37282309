"""Question -> `Query`: what the question names (insurers, bouwstenen, hoofdtaken, phases, years),
what kind of fact it wants, its language, and what it inherits from earlier turns.

Recognition is driven by the domain vocabulary (`data/domain.toml`); nothing here knows a
particular question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from assistant.domain import get_domain
from assistant.models import ChatTurn
from assistant.text import STOPWORDS, fold, stem, words

NUMBER_WORDS = {"een": 1, "één": 1, "one": 1, "twee": 2, "two": 2, "drie": 3, "three": 3, "vier": 4, "four": 4,
                "vijf": 5, "five": 5, "zes": 6, "six": 6, "zeven": 7, "seven": 7, "acht": 8, "eight": 8,
                "negen": 9, "nine": 9, "tien": 10, "ten": 10, "nul": 0, "zero": 0, "elf": 11, "twaalf": 12}
_NUM = r"(\d{1,3}|" + "|".join(NUMBER_WORDS) + r")"
BOUWSTEEN_REF = re.compile(
    r"(?<![\w-])(?:bouwstenen|bouwsteen|building\s+blocks?|block|bs|bb)\s*(?:nr\.?|nummer|number|no\.?|#)?\s*" + _NUM
    + r"((?:\s*(?:,|en|and|&|t/m|tot en met|-|–)\s*" + _NUM + r")*)",
)
HOOFDTAAK_REF = re.compile(r"(?<![\w-])(?:hoofdtaak|hoofdtaken|main\s+tasks?|core\s+tasks?|ht)\s*" + _NUM)
PHASE_REF = re.compile(r"(?<![\w-])(?:fase|phase)\s*(\d)")
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
    "money": re.compile(r"(?<![\w-])(?:maximale?\s+(?:budget|bedrag|vergoeding|financiering)|hoogte\s+van|euro|€|bedrag\w*|hoeveel\s+(?:geld|kost\w*|krijg\w*|betaal\w*)|how\s+much\s+(?:money|funding|does|do|will|is)|kost\w*|vergoeding\s+per|per\s+inwoner|per\s+patiënt|amount\w*|salaris|tarief\s+per)(?![\w-])"),
    "percent": re.compile(r"(?<![\w-])(?:procent|percentage|%|welk\s+deel|what\s+share|what\s+percentage)(?![\w-])"),
    "date": re.compile(r"(?<![\w-])(?:wanneer|datum|deadline|uiterlijk|when|date|op\s+welke\s+dag|voor\s+welke\s+datum|by\s+when|what\s+day)(?![\w-])"),
    "contact": re.compile(r"(?<![\w-])(?:contactpersoon|contact\s*person|telefoon\w*|phone|e-?mail\w*|naam\s+van\s+de|wie\s+is\s+de|who\s+is\s+the|name\s+of\s+the|adres|address)(?![\w-])"),
    "count": re.compile(r"(?<![\w-])(?:hoeveel|how\s+many)(?![\w-])"),
}
FACT_PATTERNS = {
    "money": re.compile(r"€\s?\d|\d[\d.,]*\s?(?:euro|eur\b|mln|miljoen|duizend)", re.IGNORECASE),
    "percent": re.compile(r"\d+\s?%|\d+\s?procent", re.IGNORECASE),
    "date": re.compile(r"\b\d{1,2}\s+(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)\b|\b(?:eind|begin|medio)\s+20\d\d\b|\b(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)\s+20\d\d\b", re.IGNORECASE),
    "contact": re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|\b0\d{1,3}[-\s]?\d{6,8}\b"),
    "count": re.compile(r"\b\d+\b|\b(?:een|één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien)\b", re.IGNORECASE),
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
    comparison: bool = False
    which_insurers: bool = False
    handreiking_only: bool = False
    follow_up: bool = False
    insurer_option: str | None = None

    @property
    def english(self) -> bool:
        return self.lang == "en"

    @property
    def has_domain_signal(self) -> bool:
        return bool(self.insurers or self.unknown_insurers or self.bouwstenen or self.invalid_bouwstenen
                    or self.hoofdtaken or self.phases or self.expansions)


def _numbers(match: re.Match[str]) -> list[int]:
    raw = [match.group(1)] + re.findall(_NUM, match.group(2) or "")
    values = [int(v) if v.isdigit() else NUMBER_WORDS[v] for v in raw]
    if match.group(2) and re.search(r"t/m|tot en met|-|–", match.group(2)) and len(values) == 2 and values[0] < values[1] <= 12:
        return list(range(values[0], values[1] + 1))
    return values


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
    numbers: list[int] = []
    for match in BOUWSTEEN_REF.finditer(folded):
        numbers.extend(_numbers(match))
    if not numbers:
        numbers = [int(t.key) for t, _ in domain.find("bouwsteen", question)]
    query.bouwstenen = list(dict.fromkeys(n for n in numbers if 1 <= n <= 7))
    query.invalid_bouwstenen = list(dict.fromkeys(n for n in numbers if not 1 <= n <= 7))
    hoofdtaken = [int(m.group(1)) if m.group(1).isdigit() else NUMBER_WORDS[m.group(1)] for m in HOOFDTAAK_REF.finditer(folded)]
    query.hoofdtaken = list(dict.fromkeys(hoofdtaken or [int(t.key) for t, _ in domain.find("hoofdtaak", question)]))
    query.phases = list(dict.fromkeys([int(m.group(1)) for m in PHASE_REF.finditer(folded)] or [int(t.key) for t, _ in domain.find("phase", question)]))
    query.years = [int(y) for y in YEAR.findall(folded)]
    query.expansions = domain.expand(question)
    query.comparison = bool(COMPARISON.search(folded)) or (len(query.insurers) > 1 and " of " not in f" {folded} ")
    query.which_insurers = bool(WHICH_INSURERS.search(folded))
    query.all_insurers = bool(ALL_INSURERS.search(folded)) and not query.insurers
    query.handreiking_only = bool(HANDREIKING_ONLY.search(folded)) and not query.insurers and not query.which_insurers
    for kind in ("contact", "money", "date", "percent", "count"):
        if WANTS[kind].search(folded):
            query.wants = kind
            break
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
        if word in STOPWORDS or word in QUESTION_WORDS or word in named or word.isdigit() or word in NUMBER_WORDS or len(word) < 3:
            continue
        out.append(stem(word))
    for term in query.expansions:
        out.extend(stem(w) for w in words(term) if w not in STOPWORDS and w not in QUESTION_WORDS and w not in named and len(w) >= 3)
    return list(dict.fromkeys(out))


def is_follow_up(question: str) -> bool:
    folded = fold(question).strip()
    content = [w for w in words(question) if w not in STOPWORDS]
    return bool(FOLLOW_UP_START.match(folded)) or len(content) <= 3 or bool(ANAPHORA.search(folded)) and len(content) <= 8


def understand(question: str, history: Sequence[ChatTurn] = (), insurer: str | None = None) -> Query:
    """Parse `question`; a follow-up takes what it leaves out from the previous user turn."""
    query = parse(question, insurer)
    previous = [t.content for t in history if t.role == "user" and t.content.strip()]
    if not previous or not is_follow_up(question):
        return query
    before = understand(previous[-1], [ChatTurn(role="user", content=q) for q in previous[:-1]], insurer)
    merged = replace(query, follow_up=True)
    if not query.bouwstenen and not query.invalid_bouwstenen and not query.hoofdtaken and not query.phases:
        merged.bouwstenen, merged.invalid_bouwstenen = before.bouwstenen, before.invalid_bouwstenen
        merged.hoofdtaken, merged.phases = before.hoofdtaken, before.phases
    if not query.insurers and not query.unknown_insurers and not query.handreiking_only and not query.which_insurers:
        merged.insurers, merged.unknown_insurers = before.insurers, before.unknown_insurers
        merged.all_insurers = before.all_insurers
    if not query.focus or all(f in before.focus for f in query.focus):
        merged.focus = list(dict.fromkeys(before.focus + query.focus))
        merged.which_insurers = query.which_insurers or (before.which_insurers and not query.insurers)
        merged.wants = query.wants or before.wants
    merged.expansions = list(dict.fromkeys(before.expansions + query.expansions))
    merged.text = f"{before.text} {question}"
    merged.lang = query.lang if len(words(question)) > 3 else before.lang
    return merged
