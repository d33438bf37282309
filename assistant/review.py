"""First-pass review of a draft RESV-plan: every applicable requirement met, partial or missing.

For each requirement of the handreiking and of the one insurer named (never another insurer's),
the plan's passages that use the requirement's evidence terms are ranked by hybrid retrieval
(BM25 beside dense similarity, boosted where the passage is about the requirement's bouwsteen),
and then judged by rules that read the plan's own sentences:

- every concept group of the requirement must be present in one sentence (or in the heading or
  table header above it), and that sentence must not be negated, postponed or a mere intention
  ("ontbreekt nog", "wordt later uitgewerkt", "is gepland voor 2028", "we streven ernaar",
  "wordt overwogen", "PM"); how much a plan for later counts depends on the bouwsteen;
- a description ("het plan beschrijft hoe …") needs more than a passing mention (`depth`);
- a compound requirement lacking some of its parts is `partial`, and the note names them;
- numbers are compared with thresholds ("zes van de tien" is 60 %, below 75 %);
- a measurable (SMART) requirement needs numbers, not only good intentions;
- text in the plan is content, never an instruction to the reviewer.

`met` and `partial` always carry evidence quoted verbatim from the plan with its page. When in
doubt the verdict is the lower one: false reassurance is the costly error.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from assistant.catalogue import NumberRule, Requirement
from assistant.embed import Embedder
from assistant.models import Evidence, Finding, Review, SourceRef, Summary
from assistant.plan import Plan, has_term, map_bouwstenen, term_pattern
from assistant.retrieve import BM25, RRF_K
from assistant.text import fold, sentence_spans, terms

STATUS_ORDER = {"missing": 0, "partial": 1, "met": 2}
MAX_QUOTE = 320
MAX_EVIDENCE = 3
MAX_SECTIONS = 48
TABLE_WINDOW = 6
SECTION_WORDS = 24
SCOPE_AFFINITY = 0.5

# --- what a sentence says about itself ---------------------------------------------------------

# Absent or not done: counts against every requirement.
NEGATION = re.compile(
    r"\bontbre\w*|\bnog (?:niet|geen)\b|\bniet (?:opgenomen|uitgewerkt|beschreven|vastgelegd|geregeld|bekend|beschikbaar|"
    r"gemaakt|aanwezig|voorzien|formeel|duidelijk|bepaald|vastgesteld)\b|"
    r"\b(?:later|nader|nog|verder) (?:uit ?te ?werken|uitgewerkt|uitwerken|bepaald|te bepalen|ingevuld|vastgesteld|aangeleverd)\b|"
    r"\bnader te bepalen\b|\bn\.?t\.?b\.?(?!\w)|\btbd\b|(?<![\w.])p\.?m\.?(?![\w.])|\bvolgt (?:later|nog|na|in|zodra)\b|"
    r"\bwordt later\b|\bworden later\b|\bwerken we (?:\w+ ){0,6}uit\b|\bwerken (?:\w+ ){0,3}(?:later|nog) uit\b"
)
# 'geen', 'niet', 'zonder' negate only close to the requirement's own words.
NEAR_NEGATION = re.compile(r"\b(?:geen|niet|zonder)\b")
# Not yet there: planned for later or provisional.
POSTPONED = re.compile(
    r"\bgepland\b|\bin voorbereiding\b|\bin ontwikkeling\b|\bwordt ontwikkeld\b|\bzodra\b|\bvoorlopig\b|\bi\.o\.(?!\w)|"
    r"\bin oprichting\b|\bna de zomer\b|\bin het najaar\b|\bin de loop van\b|\bop termijn\b|\bnog (?:op te|te)\b"
)
# Only being considered or explored.
EXPLORING = re.compile(
    r"\bhangt af van\b|\bafhankelijk van\b|\bonder voorbehoud\b|\bmits\b|\boverw\w+|\bonderzoeken\b|\bonderzocht\b|\bverken\w*|\bkijken (?:we |wij )?(?:of|naar)\b|\bbekijken\b|\bnagaan\b|\bin gesprek\b"
)
# '... worden in 2027 opgesteld': work still to be done, with a moment in the future.
FUTURE_WORK = re.compile(
    r"\b(?:wordt|worden|zal|zullen|gaan|gaat)\b.*\b(?:opgesteld|opstellen|uitgewerkt|uitwerken|ontwikkeld|ontwikkelen|vastgesteld|vastleggen|"
    r"vastgelegd|gemaakt|maken|ingericht|inrichten|aangesteld|aanstellen|aangewezen|opgezet|opzetten|opgericht|oprichten|bepaald|bepalen|besproken|"
    r"afgesproken|afspreken|overeengekomen|geregeld|regelen|gesloten|sluiten|aangeleverd|uitgebreid)\b"
    r"|\bstellen (?:we|wij)\b.*\bop\b|\bleggen (?:we|wij)\b.*\bvast\b|\bbepalen (?:we|wij)\b|\bbesluiten (?:we|wij)\b|\bwerken (?:we|wij)\b.*\buit\b"
)
FUTURE_WHEN = re.compile(r"\b(?:in|vanaf|per|voor|na|begin|eind) (?:20(?:2[6-9]|3\d))\b|\blater\b|\bzodra\b|\bnajaar\b|\bvoorjaar\b|\bzomer\b|\bbinnenkort\b|\bkwartaal van 20\d\d\b|\bq[1-4] 20\d\d\b|\bdan\b")
# Only an intention: fulfils nothing that must be in place now.
INTENT = re.compile(
    r"\bte willen\b|\bgraag\b|\b(?:gaan|gaat) (?:we |wij )?er ?van ?uit\b|\bnemen (?:we |wij )?aan\b|\bverwachten (?:we|wij)\b|\bstreven? ernaar\b|\bstreeft ernaar\b|\bintentie\b|\bvoornemen(?:s)?\b|\bwillen (?:we|wij)\b|\b(?:we|wij) willen\b|\bhopen\b"
)
# A sentence addressed to the reviewer instead of describing the plan.
INSTRUCTION = re.compile(
    r"\b(?:markeer|negeer|beoordeel|beschouw|keur|rapporteer|neem geen|vermeld geen|ignore|mark all|let op beoordelaar|"
    r"aan de beoordelaar|instructie)\b"
)
ANAPHOR = re.compile(r"^\W*(?:deze|die|dit|dat|daarvoor|hiervoor|daarover|hierover|hij|zij|ze|het)\b")
CLAUSE_SPLIT = re.compile(r";|\s[–-]\s|,?\s(?:maar|terwijl|echter|behalve|alleen|wel)\s")
CHANGE_WORDS = re.compile(
    r"\b(?:verminder|verlag|verkort|verbeter|vergrot|verhog|terugdring|terug te brengen|terugbreng|halver|verdubbel|"
    r"toename|afname|daling|stijging|dalen|daalt|stijgt|stijgen|minder|meer|sneller|kortere|lagere|hogere|groei|"
    r"streef|doel|ambitie|willen)\w*"
)
INTENDED_GOAL = re.compile(r"\b(?:we|wij) (?:willen|streven|gaan|zullen)\b|\bstreven\b|\bons doel\b|\bdoel is\b|\bwillen (?:we|wij)\b")
YEAR = re.compile(r"(?<!\d)(20[2-4]\d)(?!\d)")
YEAR_RANGE = re.compile(r"(?<!\d)(20[2-4]\d)\s*(?:–|-|t/m|tot en met|tot)\s*(20[2-4]\d)(?!\d)")
LONG_TERM = re.compile(r"\b(?:lange|langere) termijn\b|\bna 2030\b|>\s?2030|\btoekomstscenario\w*|\bscenario")
POSTCODE = re.compile(r"\bpostcode\w*|(?<![\d.,])\d{4}\s?[a-z]{2}\b|(?<![\d.,])(\d{4})\s*(?:–|-|t/m|tot)\s*(\d{4})(?![\d.,])")

# --- numbers in Dutch -------------------------------------------------------------------------

UNITS = {
    "een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8, "negen": 9,
    "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14, "vijftien": 15, "zestien": 16,
    "zeventien": 17, "achttien": 18, "negentien": 19,
}
TENS = {"twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60, "zeventig": 70, "tachtig": 80, "negentig": 90}
FRACTIONS = {"de helft": 50.0, "helft": 50.0, "driekwart": 75.0, "drie kwart": 75.0, "drievierde": 75.0, "een kwart": 25.0,
             "een derde": 100 / 3, "twee derde": 200 / 3, "tweederde": 200 / 3, "een vijfde": 20.0}
_WORD_NUMBER = (
    r"(?:(?:een|twee|drie|vier|vijf|zes|zeven|acht|negen)en(?:twintig|dertig|veertig|vijftig|zestig|zeventig|tachtig|negentig)"
    r"|twintig|dertig|veertig|vijftig|zestig|zeventig|tachtig|negentig|honderd|dertien|veertien|vijftien|zestien|zeventien|"
    r"achttien|negentien|twaalf|elf|tien|een|twee|drie|vier|vijf|zes|zeven|acht|negen)"
)
NUMBER = r"(?:\d+(?:[.,]\d+)?|" + _WORD_NUMBER + r")"
QUALIFIER = r"(?:(ruim|meer dan|bijna|ruim over|minder dan|circa|ca\.|ongeveer|zo'n|minimaal|ten minste|tenminste|minstens|maximaal|hooguit|gemiddeld)\s+)?"
PERCENT = re.compile(QUALIFIER + r"(" + NUMBER + r")\s*(?:%|procent\b)")
RATIO = re.compile(QUALIFIER + r"(" + NUMBER + r")\s+(?:van|op|uit)\s+(?:de\s+|het\s+|alle\s+)?(" + NUMBER + r")(?!\s*(?:%|procent))\b")
FRACTION = re.compile(QUALIFIER + r"(" + "|".join(sorted((re.escape(k) for k in FRACTIONS), key=len, reverse=True)) + r")\b")
COUNT = re.compile(r"(?<![\w.,])(" + NUMBER + r")(?![\w.,%])")
ALL = re.compile(r"\balle\b")


def parse_number(token: str) -> float | None:
    """'12' -> 12, '7,5' -> 7.5, 'zes' -> 6, 'vijfentwintig' -> 25, 'honderd' -> 100."""
    token = token.strip().lower()
    if re.fullmatch(r"\d+(?:[.,]\d+)?", token):
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", token):
            return float(token.replace(".", ""))
        return float(token.replace(",", "."))
    if token in UNITS:
        return float(UNITS[token])
    if token in TENS:
        return float(TENS[token])
    if token == "honderd":
        return 100.0
    match = re.fullmatch(r"(een|twee|drie|vier|vijf|zes|zeven|acht|negen)en(\w+)", token)
    if match and match.group(2) in TENS:
        return float(UNITS[match.group(1)] + TENS[match.group(2)])
    return None


def _qualified(value: float, qualifier: str | None) -> float:
    """'bijna 75' is just under 75; 'ruim 75' just over; other qualifiers keep the number."""
    if qualifier in ("bijna", "minder dan"):
        return value - 0.01
    if qualifier in ("ruim", "meer dan", "ruim over"):
        return value + 0.01
    return value


def percentages(folded: str) -> list[tuple[float, int]]:
    """Percentages a sentence states, with their offset: '86 %', 'zes van de tien', 'driekwart'."""
    out = []
    for m in PERCENT.finditer(folded):
        value = parse_number(m.group(2))
        if value is not None:
            out.append((_qualified(value, m.group(1)), m.start(2)))
    for m in RATIO.finditer(folded):
        part, whole = parse_number(m.group(2)), parse_number(m.group(3))
        if part is not None and whole and 0 <= part <= whole and not (1990 <= whole <= 2100):
            out.append((_qualified(100 * part / whole, m.group(1)), m.start(2)))
    for m in FRACTION.finditer(folded):
        out.append((_qualified(FRACTIONS[m.group(2)], m.group(1)), m.start(2)))
    return out


def counts(folded: str) -> list[tuple[float, int]]:
    """Plain numbers a sentence states (no percentages, years or ratios), with their offset."""
    taken = [(m.start(), m.end()) for m in PERCENT.finditer(folded)] + [(m.start(), m.end()) for m in RATIO.finditer(folded)]
    out = []
    for m in COUNT.finditer(folded):
        if any(s <= m.start() < e for s, e in taken):
            continue
        value = parse_number(m.group(1))
        if value is None or (1990 <= value <= 2100 and "." not in m.group(1)):
            continue
        if m.group(1) == "een" and not re.match(r"\s+\w+(?:en|s)\b", folded[m.end():]):
            continue  # 'een' is mostly the article
        out.append((value, m.start()))
    return out


def measurable_quantities(folded: str) -> int:
    """How many quantities a sentence states that can serve as a baseline or target."""
    stripped = re.sub(r"\b(?:[a-z]{1,3}\d{1,2}|ht ?\d)\b", " ", folded)  # labels like K1, A7, HT4
    stripped = YEAR.sub(" ", stripped)
    numbers = re.findall(r"(?<![\w])\d+(?:[.,]\d+)?(?![\w])", stripped)
    words = re.findall(r"\b(?:twee|drie|vier|vijf|zes|zeven|acht|negen|tien|twaalf|twintig|dertig|veertig|vijftig|honderd|helft)\b", stripped)
    return len(numbers) + len(words)


# --- sentences of the plan ----------------------------------------------------------------------


@dataclass
class Sentence:
    start: int
    end: int
    folded: str
    passage: int
    instruction: bool = False
    window: str = ""  # for a cell of a table flattened by PDF extraction: the cells around it


@dataclass
class Claim:
    """A sentence (with the anaphoric sentence after it) as evidence for a requirement."""

    sentence: Sentence
    state: str  # positive | tentative | negative
    matched: int  # concept groups and parts it shows
    complete: bool = True  # every concept group present (in the sentence or the headings above it)
    core: bool = True  # the first concept group is in the sentence itself

    @property
    def positive(self) -> bool:
        return self.state == "positive"

    @property
    def negated(self) -> bool:
        return self.state == "negative"


def _sentences(plan: Plan, i: int, cache: dict[int, list[Sentence]]) -> list[Sentence]:
    if i not in cache:
        p = plan.passages[i]
        spans = []
        for s, e in sentence_spans(p.text, offset=p.start):
            # a table blob from a PDF or a list glued to its lead-in: cut further at bullets
            cut = s
            for m in re.finditer(r"\n\s*[•·▪]\s*\n?", plan.text[s:e]):
                if m.start() > 0:
                    spans.append((cut, s + m.start()))
                    cut = s + m.end()
            spans.append((cut, e))
        out = []
        for s, e in spans:
            while s < e and plan.text[s] in " \n\t\f\u00a0•·▪-–":
                s += 1
            while e > s and plan.text[e - 1] in " \n\t\f\u00a0":
                e -= 1
            if e - s < 2:
                continue
            lines = _tabular_lines(plan.text, s, e)
            if lines:
                folded_lines = [" ".join(fold(plan.text[a:b]).split()) for a, b in lines]
                for n, (a, b) in enumerate(lines):
                    window = " ".join(folded_lines[max(0, n - TABLE_WINDOW):n] + folded_lines[n + 1:n + 1 + TABLE_WINDOW])
                    out.append(Sentence(a, b, folded_lines[n], i, instruction=bool(INSTRUCTION.search(folded_lines[n])), window=window))
                continue
            folded = " ".join(fold(plan.text[s:e]).split())
            out.append(Sentence(s, e, folded, i, instruction=bool(INSTRUCTION.search(folded))))
        cache[i] = out
    return cache[i]


def _tabular_lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The lines of a span that is a table flattened into one cell per line (PDF extraction), else []."""
    lines = []
    pos = start
    for line in text[start:end].split("\n"):
        a, b = pos, pos + len(line)
        pos = b + 1
        while a < b and text[a] in " \t\f\u00a0":
            a += 1
        while b > a and text[b - 1] in " \t\f\u00a0":
            b -= 1
        if b > a:
            lines.append((a, b))
    if len(lines) < 5:
        return []
    lengths = sorted(b - a for a, b in lines)
    return lines if lengths[len(lengths) // 2] <= 32 else []


# --- ranking: BM25 over passages beside dense similarity over chunks of passages --------------


_VECTOR_CACHE: dict[tuple[str, str], np.ndarray] = {}


def _requirement_vectors(requirements: Sequence[Requirement], embedder: Embedder) -> np.ndarray:
    """Dense vectors of the requirements, computed once per embedder and text (one batch)."""
    name = getattr(embedder, "name", type(embedder).__name__)
    texts = [r.requirement for r in requirements]
    todo = [t for t in dict.fromkeys(texts) if (name, t) not in _VECTOR_CACHE]
    if todo:
        for text, vector in zip(todo, embedder.embed_passages(todo), strict=True):
            _VECTOR_CACHE[(name, text)] = np.asarray(vector, dtype=np.float32)
    return np.stack([_VECTOR_CACHE[(name, t)] for t in texts]) if texts else np.zeros((0, 384), dtype=np.float32)


def warm_up(requirements: Sequence[Requirement], embedder: Embedder) -> None:
    """Embed the requirements once, ahead of the first review (a service calls this at start-up)."""
    _requirement_vectors(list(requirements), embedder)


class Ranker:
    """Hybrid relevance of every plan passage to a requirement.

    BM25 runs over every passage. Dense similarity is computed per section, from its headings and
    first words (at most MAX_SECTIONS short texts): embedding every passage of a 30-page plan
    would cost more than the whole review may take, and the decisions rest on the plan's own
    words anyway; the dense side only says which part of the plan is about the requirement.
    """

    def __init__(self, plan: Plan, embedder: Embedder | None) -> None:
        self.plan = plan
        self.bm25 = BM25([terms(plan.context(i)) for i in range(len(plan.passages))])
        self.chunk_of: list[int] = []
        self.vectors = None
        if embedder is None or not plan.passages:
            return
        depth = 3
        while depth > 1 and len({p.section[:depth] for p in plan.passages}) > MAX_SECTIONS:
            depth -= 1
        keys: dict[tuple[str, ...], int] = {}
        texts: list[str] = []
        for p in plan.passages:
            key = p.section[:depth]
            if key not in keys:
                if len(keys) >= MAX_SECTIONS:
                    key = next(reversed(keys))
                else:
                    keys[key] = len(texts)
                    words = " ".join(p.text.split()[:SECTION_WORDS])
                    texts.append(" > ".join(key[-2:]) + ("\n" if key else "") + words)
            self.chunk_of.append(keys[key])
        self.vectors = np.asarray(embedder.embed_passages(texts), dtype=np.float32)

    def scores(self, requirement: Requirement, vector: np.ndarray | None) -> np.ndarray:
        """Reciprocal-rank fusion of BM25 and dense, times the bouwsteen boost; one score per passage."""
        n = len(self.plan.passages)
        if n == 0:
            return np.zeros(0)
        query = terms(f"{requirement.requirement} {' '.join(requirement.all_terms)}")
        fused = np.zeros(n)
        lexical = self.bm25.scores(query)
        order = np.argsort(-lexical, kind="stable")
        rank = np.empty(n)
        rank[order] = np.arange(1, n + 1)
        fused += np.where(lexical > 0, 1.0 / (RRF_K + rank), 0.0)
        if self.vectors is not None and vector is not None:
            dense = (self.vectors @ vector)[self.chunk_of]
            order = np.argsort(-dense, kind="stable")
            rank[order] = np.arange(1, n + 1)
            fused += 1.0 / (RRF_K + rank)
        boost = np.array([1.0 + a[requirement.bouwsteen - 1] for a in self.plan.affinity])
        return fused * boost * (RRF_K + 1) / 2  # about 1 for the best passage


# --- judging one requirement --------------------------------------------------------------------


@dataclass
class Judgement:
    status: str
    note: str
    evidence: list[Sentence] = field(default_factory=list)


def _groups(requirement: Requirement) -> list[tuple[str, ...]]:
    return [tuple(g) for g in requirement.concepts]


@lru_cache(maxsize=4096)
def _group_pattern(group: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for a group of alternative terms."""
    return re.compile("|".join(f"(?:{term_pattern(t).pattern})" for t in group))


@lru_cache(maxsize=4096)
def _literals(group: tuple[str, ...]) -> tuple[str, ...]:
    """Substrings one of which must occur for any term of the group to match (a cheap pre-check)."""
    out = []
    for term in group:
        words = fold(term.lstrip("*")).split()
        out.append(words[0] if words else "")
    return tuple(dict.fromkeys(out))


def _matches(folded: str, group: Sequence[str]) -> bool:
    key = tuple(group)
    if not key or not any(lit in folded for lit in _literals(key)):
        return False
    return _group_pattern(key).search(folded) is not None


@lru_cache(maxsize=1024)
def _mask_pattern(all_terms: tuple[str, ...]) -> re.Pattern[str] | None:
    masked = [t for t in all_terms if " " in t or any(w in fold(t) for w in ("niet", "geen", "dubbel", "zonder"))]
    return _group_pattern(tuple(masked)) if masked else None


def _mask_terms(folded: str, requirement: Requirement) -> str:
    """The clause without the requirement's own phrases, so 'niet aangesloten' as a term is no negation."""
    pattern = _mask_pattern(tuple(requirement.all_terms))
    return pattern.sub(" ", folded) if pattern is not None else folded


@lru_cache(maxsize=1024)
def _negates_itself(all_terms: tuple[str, ...]) -> bool:
    """A requirement whose own terms are negative ('geen dubbele bekostiging'): 'geen' is no negation there."""
    words = {w for t in all_terms for w in fold(t).split()}
    return bool(words & {"geen", "niet", "dubbel", "dubbele", "zonder", "buiten", "alleen", "uitsluitend"})


def _clause_state(text: str, requirement: Requirement) -> str:
    """What a claim says about the requirement: 'positive', 'tentative' or 'negative'.

    The clause that carries most of the requirement's concept groups decides (core group
    first); among equals one negated clause is enough. Negation ('ontbreekt nog', 'PM') always
    counts. Whether a plan for later counts depends on the bouwsteen: development steps
    (bouwsteen 6) are plans by nature, activities for 2027 (4) are planned work, goals (3) are
    intentions by nature; what must be in place now (1, 2, 5, 7) is not there when it is only
    planned, considered or intended. Exploring or considering is tentative at best.
    """
    clauses = [c for c in CLAUSE_SPLIT.split(text) if c.strip()] or [text]
    groups = _groups(requirement) or [tuple(t for p in requirement.parts for t in p.terms)]

    def weight(clause: str) -> tuple[int, int]:
        return (_matches(clause, groups[0]), sum(_matches(clause, g) for g in groups))

    best = max(weight(c) for c in clauses)
    decisive = [c for c in clauses if weight(c) == best]
    near = not _negates_itself(tuple(requirement.all_terms))
    negated = postponed = intent = exploring = False
    for clause in decisive:
        masked = _mask_terms(clause, requirement)
        if NEGATION.search(masked):
            negated = True
        elif near:
            spots = [m.start() for m in _group_pattern(tuple(groups[0])).finditer(clause)]
            negated |= any(abs(m.start() - at) <= 45 for m in NEAR_NEGATION.finditer(masked) for at in spots)
        exploring |= bool(EXPLORING.search(masked))
        postponed |= bool(POSTPONED.search(masked) or (FUTURE_WORK.search(masked) and FUTURE_WHEN.search(masked)))
        intent |= bool(INTENT.search(masked))
    if negated:
        return "negative"
    b = requirement.bouwsteen
    future = b == 6 or any(str(y).startswith(">") or int(str(y)) >= 2028 for y in requirement.years)
    if future:
        return "tentative" if exploring else "positive"
    if b == 4:
        return "tentative" if exploring or intent else "positive"
    if b == 3:
        return "negative" if exploring or postponed else "tentative" if intent else "positive"
    return "negative" if exploring or postponed or intent else "positive"


def _specific(heading: str, core: Sequence[str]) -> bool:
    """A short heading named by a long core term: it says what the whole passage is about."""
    if len(heading.split()) > 4:
        return False
    return any(len(fold(t.lstrip("*"))) >= 6 and has_term(heading, t) for t in core)


def _explicitly_absent(folded: str, requirement: Requirement) -> bool:
    """The sentence says in so many words that something is missing, postponed or only considered."""
    masked = _mask_terms(folded, requirement)
    return bool(NEGATION.search(masked) or POSTPONED.search(masked) or EXPLORING.search(masked)
                or (FUTURE_WORK.search(masked) and FUTURE_WHEN.search(masked)))


def _part_state(clause: str, requirement: Requirement, part_terms: Sequence[str]) -> str:
    """The state of a clause that names one part of a compound requirement."""
    masked = _mask_terms(clause, requirement)
    if NEGATION.search(masked):
        return "negative"
    spots = [m.start() for t in part_terms for m in term_pattern(t).finditer(clause)]
    if any(abs(m.start() - at) <= 30 for m in NEAR_NEGATION.finditer(masked) for at in spots):
        if not _negates_itself(tuple(requirement.all_terms)):
            return "negative"
    return _clause_state(clause, requirement) if requirement.bouwsteen != 6 else "positive"


class Checker:
    """Judges requirements against one plan."""

    def __init__(self, plan: Plan, ranker: Ranker) -> None:
        self.plan = plan
        self.ranker = ranker
        self.sentences: dict[int, list[Sentence]] = {}
        self._around: dict[int, tuple[str, str]] = {}

    # -- candidates

    def _surroundings(self, i: int) -> tuple[str, str]:
        """Folded headings and lead-in around passage `i`, and the part of them that may carry a core concept:
        a short heading of the passage's own, or a table header."""
        if i not in self._around:
            p = self.plan.passages[i]
            own = p.section[-1] if p.section else ""
            self._around[i] = (
                fold(" ".join([*p.section[-2:], p.lead_in or ""])),
                fold(" ".join(([own] if len(own.split()) <= 5 else []) + ([p.lead_in] if p.kind == "table_row" and p.lead_in else []))),
            )
        return self._around[i]

    def _allowed(self, requirement: Requirement, i: int) -> bool:
        if requirement.scope == "bouwsteen":
            return self.plan.affinity[i][requirement.bouwsteen - 1] >= SCOPE_AFFINITY
        return True

    def check(self, requirement: Requirement, vector: np.ndarray | None) -> Judgement:
        index = self.plan.index
        assert index is not None
        groups = _groups(requirement)
        part_terms = [t for part in requirement.parts for t in part.terms]
        pool = index.any_of(list(groups[0]) if groups else part_terms)
        pool = [i for i in pool if self._allowed(requirement, i)]
        if not pool:
            return Judgement("missing", _absent_note(requirement))
        relevance = self.ranker.scores(requirement, vector)

        full, negative, tentative = [], [], []
        for i in pool:
            claims = self._claims(requirement, i)
            if not claims:
                continue
            score = 3 * float(relevance[i]) + 0.5 * self.plan.affinity[i][requirement.bouwsteen - 1]
            complete = [c for c in claims if c.complete]
            positives = [c for c in complete if c.positive]
            if any(c.negated and c.core and c.complete for c in claims):
                # 'Een escalatieladder … wordt in 2027 uitgewerkt' outweighs sentences that owe the concept to the heading
                positives = [c for c in positives if c.core]
            if positives:
                score += max(c.matched for c in positives) / 4
                full.append((score, i, positives))
            maybes = [c for c in complete if c.state == "tentative"]
            if maybes and not positives:
                tentative.append((score + max(c.matched for c in maybes) / 4, i, maybes))
            negatives = [c for c in claims if not c.positive and c.core]
            if negatives and not positives:
                negatives.sort(key=lambda c: (not c.complete, -c.matched))
                negative.append((score + max(c.matched for c in negatives) / 4, i, negatives))
        full.sort(key=lambda x: -x[0])
        negative.sort(key=lambda x: -x[0])

        if not groups:
            return self._parts_only(requirement, full, negative)
        if full:
            return self._judge_present(requirement, full, negative)
        if tentative:
            tentative.sort(key=lambda x: -x[0])
            claim = tentative[0][2][0]
            return Judgement("partial", "Deels: alleen als voornemen of verkenning beschreven.", [claim.sentence])
        if negative:
            claim = negative[0][2][0]
            return Judgement("missing", _negated_note(requirement, claim), [claim.sentence])
        return Judgement("missing", _absent_note(requirement))

    def _claims(self, requirement: Requirement, i: int) -> list[Claim]:
        """Sentences of passage `i` that speak about the requirement, with what they say.

        A claim is complete when every concept group is present in the sentence (with the
        anaphoric sentence after it) or in the headings and lead-in above it; it carries the
        core when the first group is in the sentence itself.
        """
        sentences = [s for s in _sentences(self.plan, i, self.sentences) if not s.instruction]
        groups = _groups(requirement)
        p = self.plan.passages[i]
        around, heading = self._surroundings(i)
        core = groups[0] if groups else tuple(t for part in requirement.parts for t in part.terms)
        all_terms = requirement.all_terms
        out = []
        for n, sentence in enumerate(sentences):
            if not _matches(sentence.folded, all_terms):
                continue
            text = sentence.folded
            if n + 1 < len(sentences) and not sentences[n + 1].window and (len(text.split()) <= 5 or ANAPHOR.match(sentences[n + 1].folded)):
                text = f"{text} {sentences[n + 1].folded}"
            state = _clause_state(text, requirement)
            in_sentence = _matches(text, core)
            scope = f"{heading if not in_sentence else around} {text} {sentence.window}"
            have = [_matches(scope, g) for g in groups]
            matched = sum(_matches(text, g) for g in groups) + sum(_matches(text, part.terms) for part in requirement.parts)
            # a core concept carried only by the heading: a table row under its header, a short specific
            # heading ('Ons werkgebied', 'Escalatieladder'), or any heading when the sentence has another concept
            by_heading = not in_sentence and _matches(heading, core) and (
                p.kind == "table_row" or _specific(heading, core) or any(_matches(text, g) for g in groups[1:])
            )
            out.append(Claim(sentence, state, matched, complete=all(have) and (in_sentence or by_heading), core=in_sentence))
        return out

    # -- verdicts

    def _judge_present(self, requirement: Requirement, full: list, negative: list) -> Judgement:
        b = requirement.bouwsteen - 1
        best_score = full[0][0]
        evidence = _best_claims(full)
        shortfalls: list[str] = []
        fatal: list[str] = []  # a shortfall that leaves the requirement unmet
        related = [i for score, i, _ in full[:8] if score >= 0.5 * best_score]
        if requirement.parts:
            found = self._parts_found(requirement, related)
            absent = [p.name for p, ok in zip(requirement.parts, found, strict=True) if not ok]
            if absent and len(absent) == len(requirement.parts):
                fatal.append("geen van de onderdelen (" + ", ".join(absent) + ") uitgewerkt")
            elif absent:
                shortfalls.append("ontbreekt: " + ", ".join(absent))
        for rule in requirement.numbers:
            verdict = self._number(requirement, rule)
            if verdict:
                note, sentence, found_any = verdict
                (shortfalls if found_any else fatal).append(note)
                if sentence is not None:
                    evidence = [sentence] + [s for s in evidence if s.start != sentence.start]
        if requirement.years:
            claim_sentences = [c.sentence for _, _, positives in full[:6] for c in positives]
            missing_years = self._years_missing(requirement, claim_sentences)
            if missing_years:
                long_term = [y for y in missing_years if y.startswith("de periode")]
                (fatal if long_term else shortfalls).append("geen uitwerking voor " + ", ".join(missing_years))
        if requirement.depth > 1:
            support = {
                c.sentence.start: len(c.sentence.folded.split()) for _, _, positives in full[:8] for c in positives
                if not requirement.years or len(self._years_missing(requirement, [c.sentence])) < len(requirement.years)
            }
            if sum(support.values()) < 12 * requirement.depth:
                shortfalls.append("alleen kort genoemd, niet uitgewerkt")
        if requirement.smart:
            verdict = self._smart(requirement, related)
            if verdict:
                (shortfalls if verdict[1] else fatal).append(verdict[0])
        if requirement.postcode and not self._postcode(related):
            fatal.append("werkgebied niet op postcodeniveau afgebakend")
        best_matched = max(c.matched for c in full[0][2])
        conflict = [
            n for n in negative
            if n[2][0].complete and (n[0] >= best_score and n[2][0].matched >= best_matched or n[0] >= 0.7 * best_score and n[2][0].matched > best_matched)
            and self.plan.affinity[n[1]][b] >= 0.5 and _explicitly_absent(n[2][0].sentence.folded, requirement)
        ]
        if conflict and not fatal:
            claim = conflict[0][2][0]
            shortfalls.append(f"het plan zegt ook: „{_short(self.plan.text[claim.sentence.start:claim.sentence.end])}”")
            evidence = evidence[:2] + [claim.sentence]
        if fatal:
            return Judgement("missing", "Niet voldaan: " + "; ".join(fatal + shortfalls) + ".", evidence)
        if shortfalls:
            return Judgement("partial", "Deels: " + "; ".join(shortfalls) + ".", evidence)
        return Judgement("met", _met_note(requirement, self.plan, evidence), evidence)

    def _parts_only(self, requirement: Requirement, full: list, negative: list) -> Judgement:
        if not full:
            if negative:
                claim = negative[0][2][0]
                return Judgement("missing", _negated_note(requirement, claim), [claim.sentence])
            return Judgement("missing", _absent_note(requirement))
        best_score = full[0][0]
        b = requirement.bouwsteen - 1
        related = [i for score, i, _ in full[:10] if score >= 0.4 * best_score and self.plan.affinity[i][b] >= 0.5] or [full[0][1]]
        found = self._parts_found(requirement, related)
        present = [p.name for p, ok in zip(requirement.parts, found, strict=True) if ok]
        absent = [p.name for p, ok in zip(requirement.parts, found, strict=True) if not ok]
        evidence = self._part_evidence(requirement, related, found)
        if not present or not evidence:
            return Judgement("missing", _absent_note(requirement))
        if absent:
            return Judgement("partial", f"Deels: wel {', '.join(present)}; ontbreekt: {', '.join(absent)}.", evidence)
        return Judgement("met", f"Gevonden: {', '.join(present)}.", evidence)

    def _parts_found(self, requirement: Requirement, passages: Sequence[int]) -> list[bool]:
        """Per part: named in a positive (not negated, not postponed) clause of these passages."""
        found = []
        for part in requirement.parts:
            ok = False
            for i in passages:
                for s in _sentences(self.plan, i, self.sentences):
                    if s.instruction or not _matches(s.folded, part.terms):
                        continue
                    if NEGATION.search(_mask_terms(s.folded, requirement)) or POSTPONED.search(s.folded):
                        continue  # 'steunen het plan; een formeel besluit volgt na de zomer' shows the part only in part
                    clauses = [c for c in CLAUSE_SPLIT.split(s.folded) if _matches(c, part.terms)]
                    if any(_part_state(c, requirement, part.terms) == "positive" for c in clauses):
                        ok = True
                        break
                if ok:
                    break
            found.append(ok)
        return found

    def _part_evidence(self, requirement: Requirement, passages: Sequence[int], found: Sequence[bool]) -> list[Sentence]:
        out: list[Sentence] = []
        for part, ok in zip(requirement.parts, found, strict=True):
            if not ok:
                continue
            for i in passages:
                hit = next((s for s in _sentences(self.plan, i, self.sentences) if not s.instruction and _matches(s.folded, part.terms)), None)
                if hit is not None:
                    if all(hit.start != s.start for s in out):
                        out.append(hit)
                    break
        return out[:MAX_EVIDENCE]

    def _number(self, requirement: Requirement, rule: NumberRule) -> tuple[str, Sentence | None, bool] | None:
        """None when the plan's number meets the rule, else (shortfall note, the sentence that says it,
        whether a number was found at all)."""
        index = self.plan.index
        assert index is not None
        if rule.money:
            amounts = [s for i in index.any_of(rule.terms) if self._allowed(requirement, i)
                       for s in _sentences(self.plan, i, self.sentences) if re.search(r"€\s?\d|\d\s?(?:euro|eur)\b", s.folded)]
            if len(amounts) >= (rule.min_count or 1):
                return None
            if amounts:
                return ("alleen een totaalbedrag, geen specificatie per post", amounts[0], True)
            return ("geen bedragen genoemd", None, False)
        years = [int(y) for y in requirement.years if str(y).isdigit()]
        best: tuple[tuple, float, Sentence] | None = None
        values: list[tuple[float, Sentence, int]] = []
        for i in index.any_of(rule.terms):
            for s in _sentences(self.plan, i, self.sentences):
                if s.instruction:
                    continue
                positions = [(rank, m.start()) for rank, t in enumerate(rule.terms) for m in term_pattern(t).finditer(s.folded)]
                if not positions or _clause_state(s.folded, requirement) != "positive":
                    continue
                if years and not any(_mentions_year(s.folded, y) for y in years):
                    continue
                if rule.min_percent is not None:
                    found = percentages(s.folded)
                else:
                    found = self._counted(s.folded, rule)
                for value, at in found:
                    rank, distance = min((r, abs(at - pos)) for r, pos in positions)
                    if distance > 90:
                        continue
                    values.append((value, s, rank))
                    key = (rank, distance)
                    if best is None or key < best[0]:
                        best = (key, value, s)
        if best is None:
            what = f"{rule.what}: geen aantal of percentage gevonden"
            return (what + (f" (vereist minimaal {_fmt(rule.min_percent)} %)" if rule.min_percent is not None else f" (vereist minimaal {rule.min_count})"), None, False)
        top_rank = best[0][0]
        if top_rank > 0:  # no number for the most specific term: the weakest of the others counts
            value, sentence = min(((v, s) for v, s, r in values if r > 0), key=lambda x: x[0])
        else:
            value, sentence = best[1], best[2]
        threshold = rule.min_percent if rule.min_percent is not None else float(rule.min_count or 0)
        if value + 1e-9 >= threshold:
            return None
        unit = " %" if rule.min_percent is not None else ""
        return (f"{rule.what}: {_fmt(value)}{unit} gevonden, minimaal {_fmt(threshold)}{unit} vereist", sentence, True)

    def _counted(self, folded: str, rule: NumberRule) -> list[tuple[float, int]]:
        out = [(v, at) for v, at in counts(folded) if v < 1000]
        if rule.count_terms:
            items = _count_items(folded, rule.count_terms)
            if items:
                out.append((float(items), 0 if not out else out[0][1]))
        for m in ALL.finditer(folded):
            out.append((float("inf"), m.start()))
        return out

    def _years_missing(self, requirement: Requirement, claims: Sequence[Sentence]) -> list[str]:
        """Required years (or the period after a year) that the evidence does not speak about."""
        headings = {fold(" ".join([*self.plan.passages[s.passage].section, self.plan.passages[s.passage].lead_in or ""])) for s in claims}
        text = " ".join([s.folded for s in claims] + sorted(headings))
        missing = []
        for year in requirement.years:
            token = str(year)
            if token.startswith(">"):
                if not (LONG_TERM.search(text) or any(int(y) > int(token[1:]) for y in YEAR.findall(text))):
                    missing.append("de periode na " + token[1:])
            elif not _mentions_year(text, int(token)):
                missing.append(token)
        return missing

    def _smart(self, requirement: Requirement, passages: Sequence[int]) -> tuple[str, bool] | None:
        """None when the goals are measurable; else what is vague about them, and whether some are measurable."""
        b = requirement.bouwsteen - 1
        sections = {self.plan.passages[i].section for i in passages}
        pool = set(passages) | {i for i, a in enumerate(self.plan.affinity) if a[b] >= 0.7}
        pool |= {i for i, q in enumerate(self.plan.passages) if q.section in sections}
        measurable = vague = 0
        for i in sorted(pool):
            context_head = fold(" ".join(self.plan.passages[i].section[-1:]) + " " + (self.plan.passages[i].lead_in or ""))
            table_goal = self.plan.passages[i].kind == "table_row" and CHANGE_WORDS.search(context_head)
            for s in _sentences(self.plan, i, self.sentences):
                if s.instruction:
                    continue
                intention = INTENDED_GOAL.search(s.folded)
                if not (intention or CHANGE_WORDS.search(s.folded) or table_goal):
                    continue
                # a stated intention is judged on its own words; other goal lines may take their row's numbers
                text = s.folded if intention or not s.window else f"{s.folded} {s.window}"
                quantities = measurable_quantities(text)
                deadline = bool(YEAR.search(text)) or "nulmeting" in text or "streefwaarde" in text
                if quantities >= 2 or (quantities >= 1 and deadline):
                    measurable += 1
                elif _clause_state(s.folded, requirement) == "negative" and not re.search(r"\b(?:meten|gemeten|meting|indicator)", s.folded):
                    continue
                elif intention:
                    vague += 1
        if measurable and not vague:
            return None
        if measurable:
            return (f"{vague} van de {measurable + vague} doelen zonder meetbare streefwaarde (niet SMART)", True)
        return ("doelen niet meetbaar (SMART) geformuleerd: geen nulmeting, streefwaarde of termijn", False)

    def _postcode(self, passages: Sequence[int]) -> bool:
        for i in passages:
            for s in _sentences(self.plan, i, self.sentences):
                m = POSTCODE.search(s.folded)
                if not m:
                    continue
                if m.group(1) and not (1000 <= int(m.group(1)) <= 9999 and not (1990 <= int(m.group(1)) <= 2100)):
                    continue
                clause = next((c for c in CLAUSE_SPLIT.split(s.folded) if POSTCODE.search(c)), s.folded)
                if not re.search(r"\b(?:niet|geen|ontbre\w*)\b", clause):
                    return True
        return False


def _mentions_year(text: str, year: int) -> bool:
    if str(year) in YEAR.findall(text):
        return True
    return any(int(a) <= year <= int(b) for a, b in YEAR_RANGE.findall(text))


def _count_items(folded: str, count_terms: Sequence[str]) -> int:
    """Distinct named items in a sentence; 'HT1 t/m HT5' and 'hoofdtaken 1, 2 en 4' count every number."""
    found = {t for t in count_terms if has_term(folded, t)}
    numbered = {re.sub(r"\s*\d+$", "", fold(t)) for t in count_terms if re.search(r"\d$", t)}
    if numbered:
        digits: set[int] = set()
        prefix = "|".join(sorted((re.escape(p) for p in numbered if p), key=len, reverse=True))
        for m in re.finditer(rf"(?:{prefix})\w*\s?(\d)((?:\s*(?:,|en|t/m|tot en met|–|-|/)\s*(?:(?:{prefix})\w*\s?)?\d)*)", folded):
            numbers = [int(m.group(1))] + [int(d) for d in re.findall(r"\d", m.group(2))]
            ranges = re.findall(r"(\d)\s*(?:t/m|tot en met|–|-)\s*(?:(?:" + prefix + r")\w*\s?)?(\d)", m.group(0))
            for a, b in ranges:
                numbers.extend(range(int(a), int(b) + 1))
            digits.update(numbers)
        if digits:
            return len(digits)
    return len(found)


def _best_claims(full: list) -> list[Sentence]:
    out: list[Sentence] = []
    for _, _, positives in full:
        claim = max(positives, key=lambda c: c.matched)
        if all(claim.sentence.start != s.start for s in out):
            out.append(claim.sentence)
        if len(out) >= 2:
            break
    return out


# --- notes -------------------------------------------------------------------------------------


def _fmt(value: float | None) -> str:
    if value is None:
        return "?"
    if value == float("inf"):
        return "alle"
    return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}".replace(".", ",")


def _short(text: str, limit: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"


def _absent_note(requirement: Requirement) -> str:
    return "Niet gevonden in het plan."


def _negated_note(requirement: Requirement, claim: Claim) -> str:
    return "Ontbreekt volgens het plan." if claim.negated else "Uitgesteld of alleen voorgenomen in het plan."


def _met_note(requirement: Requirement, plan: Plan, evidence: Sequence[Sentence]) -> str:
    bits = []
    if requirement.parts:
        bits.append("alle onderdelen genoemd (" + ", ".join(p.name for p in requirement.parts) + ")")
    for rule in requirement.numbers:
        bits.append(f"{rule.what} voldoet aan de grens")
    if requirement.smart:
        bits.append("doelen meetbaar geformuleerd")
    if requirement.postcode:
        bits.append("werkgebied op postcodeniveau")
    pages = sorted({plan.page_at(s.start) for s in evidence if plan.page_at(s.start)})
    where = f" (p. {', '.join(map(str, pages))})" if pages else ""
    return ("Voldaan: " + "; ".join(bits) + where + ".") if bits else f"Voldaan: beschreven in het plan{where}."


# --- the review --------------------------------------------------------------------------------


def _evidence(plan: Plan, sentences: Sequence[Sentence]) -> list[Evidence]:
    out = []
    for s in sentences[:MAX_EVIDENCE]:
        start, end = s.start, s.end
        if end - start > MAX_QUOTE:
            end = start + MAX_QUOTE
            space = plan.text.rfind(" ", start, end)
            if space > start + MAX_QUOTE // 2:
                end = space
            while end > start and plan.text[end - 1] in " \n\t,;:(":
                end -= 1
        quote = plan.text[start:end]
        if quote.strip():
            out.append(Evidence(quote=quote, page=plan.page_at(start), start=start, end=end))
    return out


def _source(requirement: Requirement) -> SourceRef:
    return SourceRef(
        document=requirement.document,
        section=requirement.section,
        quote=" ".join(requirement.quote.split()),
        start=requirement.start,
        end=requirement.end,
    )


def _aggregate(requirement: Requirement, findings: Sequence[Finding]) -> Finding:
    """A requirement that asks for a set of others (the handreiking's minimum requirements)."""
    members = [f for f in findings if f.id.startswith(requirement.aggregate or "\0")]
    met = [f for f in members if f.status == "met"]
    gaps = [f for f in members if f.status != "met"]
    missing = [f for f in members if f.status == "missing"]
    if members and not gaps:
        status, note = "met", f"Voldaan: alle {len(members)} onderliggende eisen voldaan."
    elif members and len(missing) * 2 < len(members):
        status = "partial"
        note = f"Deels: {len(met)} van de {len(members)} onderliggende eisen voldaan; niet voldaan: " + ", ".join(f.id for f in gaps) + "."
    else:
        status = "missing"
        note = f"Niet voldaan: {len(missing)} van de {len(members)} onderliggende eisen ontbreken: " + ", ".join(f.id for f in missing) + "."
    evidence = [e for f in met for e in f.evidence[:1]][:MAX_EVIDENCE] if status != "missing" else []
    if status != "missing" and not evidence:
        evidence = [e for f in members for e in f.evidence[:1]][:MAX_EVIDENCE]
        if not evidence:
            status, note = "missing", note
    return Finding(
        id=requirement.id,
        bouwsteen=requirement.bouwsteen,
        insurer=requirement.insurer,
        requirement=requirement.requirement,
        status=status,
        evidence=evidence,
        source=_source(requirement),
        note=note,
    )


def review_plan(plan: Plan, insurer: str, requirements: Sequence[Requirement], embedder: Embedder | None) -> Review:
    """The review object of the contract: one finding per applicable requirement, gaps first."""
    started = time.perf_counter()
    applicable = [r for r in requirements if r.insurer is None or r.insurer == insurer]
    if not plan.mapped_with_terms:
        map_bouwstenen(plan, requirements)
    ranker = Ranker(plan, embedder)
    vectors = _requirement_vectors(applicable, embedder) if embedder is not None and ranker.vectors is not None else None
    checker = Checker(plan, ranker)
    findings: list[Finding] = []
    for n, requirement in enumerate(applicable):
        if requirement.aggregate:
            continue
        judgement = checker.check(requirement, vectors[n] if vectors is not None else None)
        evidence = _evidence(plan, judgement.evidence)
        status = judgement.status
        if status != "missing" and not evidence:
            status, note = "missing", "Geen citeerbare passage gevonden."
        else:
            note = judgement.note
        if status == "missing" and evidence and "Niet gevonden" in note:
            evidence = []
        findings.append(
            Finding(
                id=requirement.id,
                bouwsteen=requirement.bouwsteen,
                insurer=requirement.insurer,
                requirement=requirement.requirement,
                status=status,
                evidence=evidence,
                source=_source(requirement),
                note=note,
            )
        )
    for requirement in applicable:
        if requirement.aggregate:
            findings.append(_aggregate(requirement, findings))
    order = {r.id: n for n, r in enumerate(applicable)}
    findings.sort(key=lambda f: (STATUS_ORDER[f.status], f.bouwsteen, f.insurer is not None, order[f.id]))
    summary = Summary(
        met=sum(f.status == "met" for f in findings),
        partial=sum(f.status == "partial" for f in findings),
        missing=sum(f.status == "missing" for f in findings),
    )
    return Review(
        plan=plan.filename,
        insurer=insurer,
        findings=findings,
        summary=summary,
        pages=plan.pages,
        seconds=round(time.perf_counter() - started, 2),
    )
