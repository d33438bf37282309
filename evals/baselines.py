"""Baselines the product is measured against, in the same run and on the same items.

Answers (retrieval; the "answer" is the concatenated top-5 texts and never abstains):
    BM25 alone and dense alone  -> `HybridRetriever.search(mode="bm25" | "dense")` (used by the runner directly)
    plain llama-index           -> `LlamaIndexBaseline`: `VectorStoreIndex` with its default chunking
                                   (`SentenceSplitter()`) over the corpus texts, our embedder wrapped as a
                                   llama-index `BaseEmbedding`, the default in-memory `SimpleVectorStore`.
Reviews:
    keyword matching            -> `keyword_review`
    BM25 / dense evidence       -> `assistant.review.review_plan(..., mode=...)` (called by the runner)

The llama-index baseline passes every model explicitly and never reads the global `Settings` for a
model: retrieval needs no LLM, so nothing can fall back to OpenAI or reach the network.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.text import STOPWORDS, fold, words

from evals.metrics import keyword_status

if TYPE_CHECKING:
    from assistant.catalogue import Requirement
    from assistant.embed import Embedder
    from assistant.models import Document


@dataclass(frozen=True)
class Chunk:
    """One retrieved llama-index node: its text and the corpus document it was cut from."""

    document: str
    text: str
    score: float


def embedding_adapter(embedder: Embedder):  # noqa: ANN201 - the class exists only once llama-index is imported
    """Our embedder as a llama-index `BaseEmbedding` (queries and passages encoded as the embedder does)."""
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from pydantic import PrivateAttr

    class ResvEmbedding(BaseEmbedding):
        _embedder: Embedder = PrivateAttr()

        def __init__(self, inner: Embedder) -> None:
            super().__init__(model_name=inner.name, embed_batch_size=16)
            self._embedder = inner

        def _get_query_embedding(self, query: str) -> list[float]:
            return self._embedder.embed_query(query).tolist()

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._embedder.embed_passages([text])[0].tolist()

        async def _aget_text_embedding(self, text: str) -> list[float]:
            return self._get_text_embedding(text)

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return self._embedder.embed_passages(texts).tolist()

    return ResvEmbedding(embedder)


class LlamaIndexBaseline:
    """A plain `VectorStoreIndex` over the corpus documents' texts, default chunking, top-k by cosine."""

    def __init__(self, documents: Mapping[str, Document], embedder: Embedder) -> None:
        from llama_index.core import Document as LlamaDocument
        from llama_index.core import VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter

        splitter = SentenceSplitter()  # llama-index defaults: chunk_size=1024 tokens, chunk_overlap=200
        self.chunk_size, self.chunk_overlap = splitter.chunk_size, splitter.chunk_overlap
        sources = [LlamaDocument(text=d.text, id_=d.id) for d in documents.values()]
        self.index = VectorStoreIndex.from_documents(sources, embed_model=embedding_adapter(embedder), transformations=[splitter])
        self.chunks = len(self.index.docstore.docs)

    @staticmethod
    def global_models_set() -> bool:
        """True if llama-index's global `Settings` holds an LLM or embedding model (this baseline sets neither)."""
        from llama_index.core import Settings

        return Settings._llm is not None or Settings._embed_model is not None

    def search(self, query: str, k: int) -> list[Chunk]:
        retriever = self.index.as_retriever(similarity_top_k=k)
        return [Chunk(document=n.node.ref_doc_id or "", text=n.node.get_content(), score=float(n.score or 0.0))
                for n in retriever.retrieve(query)]


# --- reviews --------------------------------------------------------------------------------


def evidence_groups(requirement: Requirement) -> list[tuple[str, ...]]:
    """The keyword baseline's "evidence terms" of a requirement: each concept group, each named part
    and each number rule of the catalogue entry is one term, present when any of its alternatives
    occurs. An entry without them falls back to the content words of the requirement text."""
    groups = [tuple(g) for g in requirement.concepts]
    groups += [tuple(part.terms) for part in requirement.parts]
    groups += [tuple(rule.terms) for rule in requirement.numbers]
    if groups:
        return groups
    return [(w,) for w in dict.fromkeys(words(requirement.requirement)) if w not in STOPWORDS and len(w) >= 4 and not w.isdigit()]


def term_pattern(term: str) -> re.Pattern[str]:
    """A catalogue term on folded text: at the start of a word, may run on; a leading '*' may start
    inside a compound; the words of a phrase may be separated by spaces or hyphens."""
    inside = term.startswith("*")
    body = r"[\s\-]+".join(re.escape(w) for w in fold(term.lstrip("*")).split())
    return re.compile(("" if inside else r"(?<![a-z0-9])") + body)


def keyword_review(plan_text: str, requirements: Sequence[Requirement], insurer: str) -> list[dict]:
    """Findings of the keyword baseline for every requirement that applies to `insurer` (the
    handreiking's and that insurer's): met if all of its evidence terms occur anywhere in the plan,
    partial if some, missing if none. It quotes no evidence and reads no numbers."""
    folded = fold(plan_text)
    findings = []
    for requirement in requirements:
        if requirement.insurer not in (None, insurer):
            continue
        groups = evidence_groups(requirement)
        present = [any(term_pattern(t).search(folded) for t in group) for group in groups]
        findings.append({"id": requirement.id, "bouwsteen": requirement.bouwsteen, "insurer": requirement.insurer,
                         "status": keyword_status(present), "evidence": [], "note": f"{sum(present)}/{len(present)} termen gevonden"})
    return findings
