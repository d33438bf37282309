"""Numbers as Dutch plans write them: digits with '%', shares and fractions in words, ranges of numbered items, years."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.review.terms import has_term
from assistant.text import fold

YEAR = re.compile(r"(?<!\d)(20[2-4]\d)(?!\d)")
YEAR_RANGE = re.compile(r"(?<!\d)(20[2-4]\d)\s*(?:–|-|t/m|tot en met|tot)\s*(20[2-4]\d)(?!\d)")
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
    """Percentages a sentence states, with their offset: digits with '%', shares and fractions in words."""
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
    # means are no target: staff (fte), money and hours say what is put in, not what changes
    stripped = re.sub(r"(?:€\s?)?\d+(?:[.,]\d+)*\s*(?:fte|euro|eur|uur|uren)\b|€\s?\d+(?:[.,]\d+)*", " ", stripped)
    numbers = re.findall(r"(?<![\w])\d+(?:[.,]\d+)?(?![\w])", stripped)
    words = re.findall(r"\b(?:twee|drie|vier|vijf|zes|zeven|acht|negen|tien|twaalf|twintig|dertig|veertig|vijftig|honderd|helft)\b", stripped)
    return len(numbers) + len(words)


def mentions_year(text: str, year: int) -> bool:
    if str(year) in YEAR.findall(text):
        return True
    return any(int(a) <= year <= int(b) for a, b in YEAR_RANGE.findall(text))


def count_items(folded: str, count_terms: Sequence[str]) -> int:
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

