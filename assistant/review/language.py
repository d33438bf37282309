"""What a sentence of a plan says about a requirement: present, negated, postponed or intended.

Matching uses the catalogue's concept groups on folded text; the state of a clause is read from
general Dutch markers of negation, postponement, exploration and intention (`data/review.toml`,
[reading]).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from assistant.catalogue import Requirement
from assistant.domain import get_domain, get_review_rules
from assistant.review.terms import has_term, literals, term_pattern
from assistant.text import fold

# The reading rules are data (`data/review.toml`, [reading]): general Dutch, one pattern each.
_READING = get_review_rules().reading
NEGATION = _READING["negation"]
NEAR_NEGATION = _READING["near_negation"]
POSTPONED = _READING["postponed"]
EXPLORING = _READING["exploring"]
FUTURE_WORK = _READING["future_work"]
FUTURE_WHEN = _READING["future_when"]
INTENT = _READING["intent"]
LIMITED = _READING["limited"]
INSTRUCTION = _READING["instruction"]
ANAPHOR = _READING["anaphor"]
REFERS_BACK = _READING["refers_back"]
CONTINUATION = _READING["continuation"]
CLAUSE_SPLIT = _READING["clause_split"]
CHANGE_WORDS = _READING["change_words"]
GOAL_COLUMNS = _READING["goal_columns"]
INTENDED_GOAL = _READING["intended_goal"]
ESCALATION = _READING["escalation"]
LONG_TERM = _READING["long_term"]
POSTCODE = _READING["postcode"]
FIRST_PERSON = _READING["first_person"]
CLAUSE_BREAK = _READING["clause_break"]


@lru_cache(maxsize=1)
def _demanded() -> re.Pattern[str]:
    names = sorted({fold(a) for t in get_domain().insurers for a in (*t.aliases, str(t.key))}, key=len, reverse=True)
    return re.compile(_READING["demanded"].pattern.replace("{insurers}", "|".join(re.escape(n) for n in names)))


def states_nothing(folded: str) -> bool:
    """The sentence asks a question or only repeats a source's demand: it says nothing of what the plan arranges."""
    return folded.rstrip(" )\"'”’").endswith("?") or restates_demand(folded)


def restates_demand(folded: str) -> bool:
    """The sentence tells what a source asks ('Zilveren Kruis vraagt dat …', 'volgens de handreiking moet …') and
    no clause of it says what the plan's own parties do: the plan repeating a requirement is no evidence of meeting it."""
    demanded = _demanded()
    if not demanded.search(folded):
        return False
    return not any(FIRST_PERSON.search(c) and not demanded.search(c) for c in CLAUSE_BREAK.split(folded))


def hedged(folded: str) -> bool:
    """The sentence qualifies what it says: negated, limited, postponed, explored or only intended."""
    return bool(NEGATION.search(folded) or NEAR_NEGATION.search(folded) or LIMITED.search(folded) or POSTPONED.search(folded)
                or EXPLORING.search(folded) or INTENT.search(folded) or (FUTURE_WORK.search(folded) and FUTURE_WHEN.search(folded)))


def groups_of(requirement: Requirement) -> list[tuple[str, ...]]:
    """The requirement's concept groups, thin wordings included."""
    return requirement.groups


@lru_cache(maxsize=4096)
def group_pattern(group: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for a group of alternative terms."""
    return re.compile("|".join(f"(?:{term_pattern(t).pattern})" for t in group))


@lru_cache(maxsize=4096)
def _literals(group: tuple[str, ...]) -> tuple[str, ...]:
    """Substrings one of which must occur for any term of the group to match (a cheap pre-check)."""
    return tuple(dict.fromkeys(literal for term in group for literal in literals(term)))


def matches(folded: str, group: Sequence[str]) -> bool:
    key = tuple(group)
    if not key or not any(lit in folded for lit in _literals(key)):
        return False
    return group_pattern(key).search(folded) is not None


@lru_cache(maxsize=1024)
def _mask_pattern(all_terms: tuple[str, ...]) -> re.Pattern[str] | None:
    masked = [t for t in all_terms if " " in t or any(w in fold(t) for w in ("niet", "geen", "dubbel", "zonder"))]
    return group_pattern(tuple(masked)) if masked else None


def mask_terms(folded: str, requirement: Requirement) -> str:
    """The clause without the requirement's own phrases, so 'niet aangesloten' as a term is no negation."""
    pattern = _mask_pattern(tuple(requirement.all_terms))
    return pattern.sub(" ", folded) if pattern is not None else folded


@lru_cache(maxsize=1024)
def negates_itself(all_terms: tuple[str, ...]) -> bool:
    """A requirement whose own terms are negative ('geen dubbele bekostiging'): 'geen' is no negation there."""
    words = {w for t in all_terms for w in fold(t).split()}
    return bool(words & {"geen", "niet", "dubbel", "dubbele", "zonder", "buiten", "alleen", "uitsluitend"})


def clause_state(text: str, requirement: Requirement) -> str:
    """What a claim says about the requirement: 'positive', 'tentative' or 'negative'.

    The clause that carries most of the requirement's concept groups decides (core group
    first); among equals one negated clause is enough. Negation (of the thing itself, 'PM') always
    counts. Whether a plan for later counts is the requirement's `later` (the catalogue sets it
    per bouwsteen): development steps are plans by nature, activities for 2027 are planned work,
    goals are intentions by nature; what must be in place now is not there when it is only
    planned, considered or intended. Exploring or considering is tentative at best.
    """
    groups = groups_of(requirement) or [tuple(t for p in requirement.parts for t in p.terms)]
    clauses: list[str] = []
    for clause in CLAUSE_SPLIT.split(text):
        if not clause.strip():
            continue
        if clauses and CONTINUATION.match(clause) and not any(matches(clause, g) for g in groups):
            clauses[-1] = f"{clauses[-1]}; {clause}"  # what it says about 'dat' it says about the clause before
        else:
            clauses.append(clause)
    clauses = clauses or [text]

    def weight(clause: str) -> tuple[int, int]:
        return (matches(clause, groups[0]), sum(matches(clause, g) for g in groups))

    best = max(weight(c) for c in clauses)
    decisive = [c for c in clauses if weight(c) == best]
    near = not negates_itself(tuple(requirement.all_terms))
    negated = postponed = intent = exploring = False
    for clause in decisive:
        masked = mask_terms(clause, requirement)
        if NEGATION.search(masked) or says_contrary(clause, requirement):
            negated = True
        elif near:
            spots = [m.start() for m in group_pattern(tuple(groups[0])).finditer(clause)]
            negated |= any(abs(m.start() - at) <= 45 for m in NEAR_NEGATION.finditer(masked) for at in spots)
        exploring |= bool(EXPLORING.search(masked))
        postponed |= bool(POSTPONED.search(masked) or (FUTURE_WORK.search(masked) and FUTURE_WHEN.search(masked)))
        intent |= bool(INTENT.search(masked))
    if negated:
        return "negative"
    later = requirement.later
    if any(str(y).startswith(">") or int(str(y)) >= 2028 for y in requirement.years):
        later = "counts"
    if later == "counts":
        return "tentative" if exploring else "positive"
    if later == "planned":
        return "tentative" if exploring or intent else "positive"
    if later == "intended":
        return "negative" if exploring or postponed else "tentative" if intent else "positive"
    return "negative" if exploring or postponed or intent else "positive"


def specific_heading(heading: str, core: Sequence[str]) -> bool:
    """A short heading named by a long core term: it says what the whole passage is about."""
    if len(heading.split()) > 4:
        return False
    return any(len(fold(t.lstrip("*"))) >= 6 and has_term(heading, t) for t in core)


def says_contrary(folded: str, requirement: Requirement) -> bool:
    """The text uses one of the requirement's contrary wordings."""
    return bool(requirement.contrary) and matches(folded, requirement.contrary)


def explicitly_absent(folded: str, requirement: Requirement) -> bool:
    """The sentence says in so many words that something is missing, contrary, postponed or only considered."""
    masked = mask_terms(folded, requirement)
    return bool(NEGATION.search(masked) or says_contrary(folded, requirement) or POSTPONED.search(masked) or EXPLORING.search(masked)
                or (FUTURE_WORK.search(masked) and FUTURE_WHEN.search(masked)))


def negated_near_core(folded: str, requirement: Requirement) -> bool:
    """The sentence says the requirement's core concept is missing or postponed, close to the core's own words:
    a table cell that says the core thing is still to come, not a negation further on in a long sentence."""
    groups = groups_of(requirement)
    if not groups:
        return False
    if not NEGATION.search(mask_terms(folded, requirement)):
        return False  # only the requirement's own wording ('niet aangesloten') is negative
    spots = [m.start() for m in group_pattern(tuple(groups[0])).finditer(folded)]
    return any(abs(m.start() - at) <= 45 for m in NEGATION.finditer(folded) for at in spots)


@lru_cache(maxsize=1024)
def _asks_escalation(text: str, all_terms: tuple[str, ...]) -> bool:
    return any(ESCALATION.search(fold(t)) for t in (text, *all_terms))


def about_escalation(folded: str, requirement: Requirement) -> bool:
    """The text is about settling conflicts, and the requirement is not: the escalation ladder is no
    evidence of collaboration, of talks with gemeenten or of anything else it happens to name."""
    return bool(ESCALATION.search(folded)) and not _asks_escalation(requirement.requirement, tuple(requirement.all_terms))


def part_state(clause: str, requirement: Requirement, part_terms: Sequence[str]) -> str:
    """The state of a clause that names one part of a compound requirement."""
    masked = mask_terms(clause, requirement)
    if NEGATION.search(masked):
        return "negative"
    spots = [m.start() for t in part_terms for m in term_pattern(t).finditer(clause)]
    if any(abs(m.start() - at) <= 30 for m in NEAR_NEGATION.finditer(masked) for at in spots):
        if not negates_itself(tuple(requirement.all_terms)):
            return "negative"
    return clause_state(clause, requirement) if requirement.bouwsteen != 6 else "positive"
