"""Ranking plan passages for a requirement: BM25 beside dense similarity over sections of the plan."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from assistant.catalogue import Requirement
from assistant.embed import Embedder
from assistant.plan import Plan
from assistant.retrieve import BM25, RRF_K, Side, fuse
from assistant.text import terms

MAX_SECTIONS = 48
SECTION_WORDS = 24
MODES = ("hybrid", "bm25", "dense")


class RequirementVectors:
    """The requirements' dense vectors, embedded once per text; the service keeps one for all its reviews.

    The service's start-up warm-up and concurrent reviews ask at the same time: one lock serialises
    the embedding, so no text is embedded twice and no reader sees a half-written cache.
    """

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def __call__(self, requirements: Sequence[Requirement]) -> np.ndarray:
        texts = [r.requirement for r in requirements]
        with self._lock:
            todo = [t for t in dict.fromkeys(texts) if t not in self._vectors]
            if todo:
                for text, vector in zip(todo, self.embedder.embed_passages(todo), strict=True):
                    self._vectors[text] = np.asarray(vector, dtype=np.float32)
            return np.stack([self._vectors[t] for t in texts]) if texts else np.zeros((0, 384), dtype=np.float32)


class Ranker:
    """Hybrid relevance of every plan passage to a requirement.

    BM25 runs over every passage. Dense similarity is computed per section, from its headings and
    first words (at most MAX_SECTIONS short texts): embedding every passage of a 30-page plan
    would cost more than the whole review may take, and the decisions rest on the plan's own
    words anyway; the dense side only says which part of the plan is about the requirement.

    `mode` "bm25" or "dense" keeps one side only: the baselines of the evaluation.
    """

    def __init__(self, plan: Plan, embedder: Embedder | None, mode: str = "hybrid") -> None:
        if mode not in MODES:
            raise ValueError(f"unknown ranking mode {mode!r}; expected one of {', '.join(MODES)}")
        self.plan = plan
        self.mode = mode
        self.bm25 = BM25([terms(plan.context(i)) for i in range(len(plan.passages))]) if mode != "dense" else None
        self.chunk_of: list[int] = []
        self.vectors = None
        if embedder is None or not plan.passages or mode == "bm25":
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
        sides = []
        if self.bm25 is not None:
            sides.append(Side("bm25", self.bm25.scores(terms(f"{requirement.requirement} {' '.join(requirement.all_terms)}")), lexical=True))
        if self.vectors is not None and vector is not None:
            sides.append(Side("dense", (self.vectors @ vector)[self.chunk_of]))
        fused, _ = fuse(sides) if sides else (np.zeros(n), {})
        boost = np.array([1.0 + a[requirement.bouwsteen - 1] for a in self.plan.affinity])
        return fused * boost * (RRF_K + 1) / max(len(sides), 1)  # the same scale with one side or two

