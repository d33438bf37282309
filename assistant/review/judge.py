"""The verdict: the reading rules' finding weighed against what the evidence itself says.

The reading rules (`review.check`) find sentences that use a requirement's concepts and read
whether they are negated, postponed or intended. Sharing a word is not stating a requirement, so
the verdict also weighs how close the evidence comes to the requirement in meaning (cosine of the
multilingual embedder between the requirement and each evidence sentence), how many of the
requirement's own content words the evidence and its headings carry, and whether a time-scoped or
quantified requirement finds its year or quantity there, whether the evidence or the passages
around it qualify what they say (negated, limited, postponed, only intended), and how the plan
as a whole reads: a plan the rules find thin on most requirements, or that hedges much of what it
says, holds fewer full answers than one that states its arrangements. A logistic model fitted on the labelled development plans
(`evals/fit_judge.py`, cross-validated by plan; `data/judge.json`) gives the probability that a
"met" of the rules holds; below the threshold fitted for a met precision of at least 0.95 it
becomes "partial". "Met" also needs conditions no weight can buy: quoted evidence that is a statement (not a table
header) in Dutch, the language the reading rules read, that does not itself qualify what it says,
the required year and quantity in it, and a document that is a Dutch RESV-plan. The judge only lowers: a
partial or missing of the rules stands. Without a fitted model the rules' "met" stands, under
the same hard conditions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.catalogue import Requirement
from assistant.review.numbers import YEAR
from assistant.text import fold, terms

MODEL_FILE = Path(__file__).resolve().parents[1] / "data" / "judge.json"
FEATURES = (
    "similarity", "similarity_gap", "best_similarity", "lexical", "gates", "evidence_sentences",
    "hedged", "hedged_nearby", "describes", "compound", "plan_met_share", "plan_hedged_share",
)
# a sentence that states a requirement has a subject, a verb and what it is about
MIN_STATEMENT_WORDS = 5
# words every requirement uses about the plan itself: they say nothing about what is asked
PLAN_WORDS = frozenset(terms("het plan beschrijft maakt duidelijk is zijn wordt worden welke hoe er"))
NUMBER = re.compile(r"\d|\b(?:een|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|alle|helft|kwart)\b")
DESCRIBES = re.compile(r"\bbeschrijft\b|\bspecificeert\b|\bgeeft aan\b|\bonderbouwt\b|\bmaakt duidelijk\b")


@dataclass(frozen=True)
class Evidence:
    """One sentence offered as evidence, with the text around it that gives it meaning."""

    text: str  # the sentence as it stands in the plan
    context: str  # its headings and lead-in


@dataclass(frozen=True)
class Features:
    """What the judge knows about one requirement in one plan."""

    requirement: str  # the requirement's id
    rule: str  # the reading rules' status
    against: bool  # the rules found the plan saying it is absent, postponed, only intended or the opposite
    similarity: float  # best cosine between the requirement and an evidence sentence
    background: float  # median cosine between the requirement and the plan's candidate sentences
    best_similarity: float  # best cosine over every candidate sentence
    lexical: float  # share of the requirement's own content words in the evidence and its headings
    gates: bool  # the year and quantity the requirement asks for stand in the evidence
    sentences: int  # evidence sentences offered
    hedged: bool  # an evidence sentence qualifies what it says (negated, limited, postponed, intended)
    hedged_nearby: bool  # so does a sentence of the passages ranked first for the requirement
    describes: bool  # the requirement asks for a description ("beschrijft hoe"), not a fact
    compound: bool  # the requirement has named parts, thresholds or years
    longest: int  # words of the longest evidence sentence: a table header states nothing
    foreign: bool  # an evidence sentence is written in another language than Dutch: the rules cannot read it
    plan_met_share: float  # share of the plan's requirements the reading rules call met
    plan_hedged_share: float  # share of the plan's sentences that qualify what they say

    def vector(self) -> np.ndarray:
        return np.array([
            self.similarity, self.similarity - self.background, self.best_similarity, self.lexical, self.gates,
            min(self.sentences, 3), self.hedged, self.hedged_nearby, self.describes, self.compound,
            self.plan_met_share, self.plan_hedged_share,
        ], dtype=np.float64)


@dataclass(frozen=True)
class Verdict:
    status: str
    probability: float | None  # the judge's probability that the rules' "met" holds; None when not asked
    reason: str  # "" when the judge agrees with the rules, else why it lowered the verdict


def asks_description(requirement: Requirement) -> bool:
    return bool(DESCRIBES.search(fold(requirement.requirement)))


def is_compound(requirement: Requirement) -> bool:
    return bool(requirement.parts or requirement.numbers or requirement.years)


def content_words(requirement: Requirement) -> frozenset[str]:
    """The stems of what the requirement asks about, without the words every requirement uses."""
    return frozenset(terms(requirement.requirement)) - PLAN_WORDS


def lexical_share(requirement: Requirement, evidence: Sequence[Evidence]) -> float:
    wanted = content_words(requirement)
    if not wanted or not evidence:
        return 0.0
    present = set(terms(" ".join(f"{e.context} {e.text}" for e in evidence)))
    return len(wanted & present) / len(wanted)


def gates_hold(requirement: Requirement, evidence: Sequence[Evidence]) -> bool:
    """A time-scoped requirement needs one of its years, a quantified one a quantity, in the evidence."""
    text = fold(" ".join(f"{e.context} {e.text}" for e in evidence))
    if requirement.years:
        years = {int(y) for y in requirement.years if str(y).isdigit()}
        later = [int(str(y)[1:]) for y in requirement.years if str(y).startswith(">")]
        found = {int(y) for y in YEAR.findall(text)}
        if not (found & years or any(y > limit for y in found for limit in later)):
            return False
    if requirement.numbers and not NUMBER.search(text):
        return False
    return True


@dataclass(frozen=True)
class JudgeModel:
    """A fitted logistic model over `FEATURES`: does the rules' "met" hold? (see evals/fit_judge.py)."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    met_threshold: float
    version: str

    def probability(self, features: Features) -> float:
        z = float(self.coef @ ((features.vector() - self.mean) / self.scale) + self.intercept)
        return 1.0 / (1.0 + np.exp(-z))

    def with_threshold(self, threshold: float) -> JudgeModel:
        return JudgeModel(self.mean, self.scale, self.coef, self.intercept, threshold, self.version)

    @classmethod
    def from_dict(cls, data: dict) -> JudgeModel:
        if tuple(data["features"]) != FEATURES:
            raise ValueError("judge model was fitted on other features")
        return cls(np.asarray(data["mean"], float), np.asarray(data["scale"], float), np.asarray(data["coef"], float),
                   float(data["intercept"]), float(data["met_threshold"]), str(data["version"]))


@lru_cache(maxsize=1)
def fitted_model() -> JudgeModel | None:
    """The committed model, or None when none has been fitted (the rules' verdicts stand)."""
    if not MODEL_FILE.is_file():
        return None
    return JudgeModel.from_dict(json.loads(MODEL_FILE.read_text(encoding="utf-8")))


def decide(features: Features, model: JudgeModel | None, *, may_meet: bool) -> Verdict:
    """The final status: the rules' verdict, a "met" kept only when the judge trusts it and every hard condition holds."""
    if features.sentences == 0:
        return Verdict("missing", None, "")
    if features.rule != "met":
        return Verdict(features.rule, None, "")
    if not may_meet:
        return Verdict("partial", None, "document")
    probability = model.probability(features) if model is not None else None
    if probability is not None and probability < model.met_threshold:
        return Verdict("partial", probability, "uncertain")
    if not features.gates:
        return Verdict("partial", probability, "gates")
    if features.foreign:
        return Verdict("partial", probability, "language")
    if features.hedged or features.longest < MIN_STATEMENT_WORDS:
        return Verdict("partial", probability, "qualified")
    return Verdict("met", probability, "")
