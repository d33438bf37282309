"""Before any requirement: is the document an RESV-plan, and is it written in Dutch?

An RESV-plan is the plan of one regional primary-care collaboration for the contract period. A
national agreement or a letter to parliament may speak of RESV's often, but never of its own
RESV; an annual report or a municipal policy note may plan for 2027, but not as an RESV. So a
document is taken for an RESV-plan only when it plans for the contract years and either carries
an RESV-plan in its title or names the RESV throughout and speaks of it as its own. The words come
from `data/review.toml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.domain import DocumentRules, get_review_rules
from assistant.text import fold

WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|\d{4}", re.UNICODE)
LANGUAGE_NAMES = {"nl": "Nederlands", "en": "Engels"}


@dataclass(frozen=True)
class DocumentCheck:
    """What the review decided about the document as a whole."""

    is_resv_plan: bool
    language: str  # "nl", "en" or "other"
    mentions: int  # times the RESV is named
    own: bool  # speaks of the RESV as its own, or has "RESV-plan" in its title
    period: bool  # plans for the contract years
    words: int

    @property
    def judged(self) -> bool:
        """Whether requirements may come out met: an RESV-plan the reading rules can read."""
        return self.is_resv_plan and self.language == "nl"

    def statement(self) -> str:
        """One plain Dutch sentence for the top of the review."""
        if self.words == 0:
            return "Het document bevat geen leesbare tekst; er is niets beoordeeld als voldaan."
        if not self.is_resv_plan:
            why = []
            if self.mentions < 1:
                why.append("het noemt geen RESV")
            elif not self.own:
                why.append("het spreekt niet over een eigen RESV")
            if not self.period:
                why.append("het plant niet voor 2027–2029")
            if not why:
                why.append("het noemt het RESV te weinig voor een plan")
            return ("Dit document lijkt geen RESV-plan (" + "; ".join(why) + "). De bevindingen hieronder zijn alleen "
                    "een verkenning: geen enkele eis is als voldaan beoordeeld.")
        if self.language != "nl":
            where = f"in het {LANGUAGE_NAMES[self.language]}" if self.language in LANGUAGE_NAMES else "in een andere taal dan het Nederlands"
            return (f"Dit RESV-plan is geschreven {where}. De beoordeling leest Nederlandse plannen: de bevindingen "
                    "zijn een verkenning en geen enkele eis is als voldaan beoordeeld.")
        return "Dit document is een RESV-plan: het beschrijft een eigen regionaal samenwerkingsverband voor 2027 en later."


def check_document(text: str) -> DocumentCheck:
    """Decide whether `text` is an RESV-plan and which language it is written in."""
    rules = get_review_rules()
    folded = " ".join(fold(text).split())
    words = WORD.findall(folded)
    if not words:
        return DocumentCheck(False, "other", 0, False, False, 0)
    doc = rules.document
    mentions = len(_subject(doc).findall(folded))
    titled = _titled(folded, doc)
    own = titled or bool(_own(doc).search(folded))
    period = any(re.search(rf"(?<!\d){year}(?!\d)", folded) for year in doc.period)
    # a plan titled as one may be short; otherwise the RESV must run through the document
    enough = titled or mentions >= max(doc.min_mentions, len(words) // doc.words_per_mention)
    return DocumentCheck(enough and own and period, language_of(words), mentions, own, period, len(words))


def language_of(words: list[str]) -> str:
    """'nl', 'en' or 'other', by the share of each language's function words."""
    rules = get_review_rules().language
    shares = {code: sum(w in vocabulary for w in words) / len(words) for code, vocabulary in rules.words.items()}
    best = max(shares, key=lambda code: shares[code])
    return best if shares[best] >= rules.min_share else "other"


@lru_cache(maxsize=4)
def _subject(doc: DocumentRules) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(t) for t in sorted(doc.subject, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?:'s|s)?(?![\w])")


@lru_cache(maxsize=4)
def _own(doc: DocumentRules) -> re.Pattern[str]:
    owns = "|".join(re.escape(t) for t in doc.own)
    return re.compile(rf"(?<![\w-])(?:{owns})\s+(?:[\w-]+\s+){{0,{doc.own_gap}}}?{_subject(doc).pattern}")


def _titled(folded: str, doc: DocumentRules) -> bool:
    """The opening of the document titles it a plan of an RESV (the subject and a plan word together)."""
    head = folded[: doc.title_chars]
    return bool(_subject(doc).search(head)) and any(re.search(rf"(?<![\w]){re.escape(w)}", head) for w in doc.title_words)
