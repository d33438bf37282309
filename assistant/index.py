"""The on-disk index: passages, their vectors, and a Chroma collection, built atomically.

Layout under `data_dir`:

    builds/<build-id>/passages.jsonl, documents.json, vectors.npy, embedded.json, meta.json, chroma/
    builds/.<build-id>.<pid>.tmp/   a build being written by process <pid>
    CURRENT            -> the build in use (replaced atomically with os.replace)
    PREVIOUS           -> the build before it, kept as a fallback

A build is written completely before `CURRENT` points at it; a failure midway removes the half
build and leaves the index in use untouched, and the staging folder of a process that died while
building is removed by the next build or load. When the current build cannot be read (a file
damaged or deleted, its Chroma collection gone) the previous one is used and the log says to run
`resv ingest`. Vectors of passages whose document did not change are copied from the previous
build, so only changed documents are embedded again. The build records its embedder; loading
with another embedder asks for a rebuild.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.domain import get_domain
from assistant.embed import Embedder
from assistant.errors import IndexNotReadyError, ResvError
from assistant.ingest.manifest import load_corpus
from assistant.models import Document, Passage
from assistant.retrieve import VectorStore, dense_text
from assistant.text import digest

FORMAT_VERSION = 1
SERVING = ("ready", "outdated")  # states of a build whose passages and vectors can still be used
READER_FILES = ("ingest/*.py", "text.py")  # the code that turns documents into passages


@lru_cache(maxsize=1)
def reader_fingerprint() -> str:
    """A digest of the code that reads documents into passages. An index built by other code holds
    other passages (how tables, headers or headings are read), so it is outdated."""
    root = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(p for pattern in READER_FILES for p in root.glob(pattern)):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
Progress = Callable[[str, int, int], None]
# A Chroma server that is restarting or briefly unreachable: try again before giving up.
CONNECT_ATTEMPTS = 4
CONNECT_BACKOFF_SECONDS = 0.25  # doubled after every failed attempt
log = logging.getLogger("assistant.index")


class ChromaVectorStore:
    """Chroma, embedded on disk or as a server; telemetry off and no embedding function of its own."""

    def __init__(self, client) -> None:  # noqa: ANN001 - chromadb's client types differ per mode
        self.client = client
        self.collection = None

    @staticmethod
    def _settings():
        from chromadb.config import Settings as ChromaSettings

        return ChromaSettings(anonymized_telemetry=False, allow_reset=False)

    @classmethod
    def embedded(cls, path: Path) -> ChromaVectorStore:
        import chromadb

        return cls(chromadb.PersistentClient(path=str(path), settings=cls._settings()))

    @classmethod
    def server(cls, url: str) -> ChromaVectorStore:
        import chromadb
        from urllib.parse import urlparse

        parsed = urlparse(url)
        delay, last = CONNECT_BACKOFF_SECONDS, None
        for attempt in range(CONNECT_ATTEMPTS):
            if attempt:
                log.warning("Chroma-server niet bereikbaar (%s); poging %d van %d over %.2f s",
                            type(last).__name__, attempt + 1, CONNECT_ATTEMPTS, delay)
                time.sleep(delay)
                delay *= 2
            try:
                client = chromadb.HttpClient(
                    host=parsed.hostname or "localhost",
                    port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                    ssl=parsed.scheme == "https",
                    settings=cls._settings(),
                )
                client.heartbeat()
                return cls(client)
            except Exception as exc:  # chromadb raises transport errors of several libraries
                last = exc
        # the address stays out of the message: a URL can carry its user and password
        raise IndexNotReadyError(f"De Chroma-server is niet bereikbaar ({type(last).__name__}).") from last

    def write(self, name: str, ids: Sequence[str], vectors: np.ndarray, metadatas: Sequence[dict]) -> None:
        collection = self.client.create_collection(
            name=name, embedding_function=None, metadata={"hnsw:space": "cosine"}
        )
        for start in range(0, len(ids), 500):
            collection.add(
                ids=list(ids[start:start + 500]),
                embeddings=vectors[start:start + 500].tolist(),
                metadatas=list(metadatas[start:start + 500]),
            )
        self.collection = collection

    def open(self, name: str) -> None:
        try:
            self.collection = self.client.get_collection(name=name, embedding_function=None)
        except Exception as exc:  # NotFoundError / ValueError depending on the chromadb version
            raise IndexNotReadyError(f"De Chroma-collectie {name} ontbreekt; voer `resv ingest` uit.") from exc

    def query(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        k = min(k, self.collection.count())
        if k == 0:
            return []
        result = self.collection.query(query_embeddings=[vector.tolist()], n_results=k, include=["distances"])
        return [(pid, 1.0 - dist) for pid, dist in zip(result["ids"][0], result["distances"][0], strict=True)]

    def drop_except(self, keep: Sequence[str]) -> None:
        for collection in self.client.list_collections():
            name = collection if isinstance(collection, str) else collection.name
            if name.startswith("resv_") and name not in keep:
                self.client.delete_collection(name)


@dataclass
class IndexData:
    """A loaded build: everything retrieval and citation checking need."""

    build_id: str
    meta: dict
    documents: dict[str, Document]
    passages: list[Passage]
    vectors: np.ndarray
    store: VectorStore


@dataclass
class BuildReport:
    build_id: str
    documents: int
    passages: int
    embedded: int
    reused: int
    seconds: float


def _collection_name(build_id: str) -> str:
    return f"resv_{build_id}"


class IndexManager:
    """Builds, swaps and loads index builds under one data folder."""

    def __init__(self, data_dir: Path, embedder: Embedder, store_factory: Callable[[Path], VectorStore]) -> None:
        self.data_dir = data_dir
        self.embedder = embedder
        self.store_factory = store_factory

    @property
    def current_file(self) -> Path:
        return self.data_dir / "CURRENT"

    @property
    def previous_file(self) -> Path:
        return self.data_dir / "PREVIOUS"

    def _pointed(self, pointer: Path) -> Path | None:
        try:
            build_id = pointer.read_text().strip()
        except (FileNotFoundError, UnicodeDecodeError):
            return None
        path = self.data_dir / "builds" / build_id
        return path if build_id and (path / "meta.json").is_file() else None

    def current_build(self) -> Path | None:
        return self._pointed(self.current_file)

    def _candidates(self) -> list[Path]:
        """The current build, then the previous one as its fallback."""
        return [b for b in dict.fromkeys([self.current_build(), self._pointed(self.previous_file)]) if b is not None]

    def _usable(self, build: Path) -> str:
        """'ready', 'outdated' (read by other code: it still serves), 'stale' (another embedder or
        format: it cannot serve) or 'damaged' (its record unreadable)."""
        try:
            meta = json.loads((build / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return "damaged"
        if not isinstance(meta, dict):
            return "damaged"
        if meta.get("embedder") != self.embedder.name or meta.get("format") != FORMAT_VERSION:
            return "stale"
        return "ready" if meta.get("reader") == reader_fingerprint() else "outdated"

    def status(self) -> str:
        """'ready', 'outdated' (built by other reading code; usable until rebuilt), 'stale' (built with
        another embedder or format) or 'missing'."""
        states = [self._usable(b) for b in self._candidates()]
        for state in ("ready", "outdated", "stale"):
            if state in states:
                return state
        return "missing"

    def remove_dead_staging(self) -> None:
        """Remove the staging folders of builds whose process died midway (a kill, a power cut)."""
        builds = self.data_dir / "builds"
        if not builds.is_dir():
            return
        for path in builds.iterdir():
            parts = path.name.split(".")  # ".<build-id>.<pid>.tmp"
            if path.name.startswith(".") and path.name.endswith(".tmp") and not _alive(parts[-2] if len(parts) >= 4 else ""):
                log.warning("Halve build van een gestopt proces verwijderd: %s", path.name)
                shutil.rmtree(path, ignore_errors=True)
        for pointer in self.data_dir.glob(".CURRENT.*"):
            if not _alive(pointer.name.rsplit(".", 1)[-1]):
                pointer.unlink(missing_ok=True)

    def build(self, corpus_dir: Path, progress: Progress | None = None) -> BuildReport:
        """Build a new index from the corpus and make it current; the old one stays in use on failure."""
        began = time.perf_counter()
        report = progress or (lambda stage, done, total: None)
        report("lezen", 0, 1)
        self.remove_dead_staging()
        documents, passages = load_corpus(corpus_dir)  # fails before anything is written
        searchable = [p for p in passages if p.kind != "cell"]
        build_id = time.strftime("%Y%m%d%H%M%S") + "-" + uuid.uuid4().hex[:6]
        builds = self.data_dir / "builds"
        target = builds / build_id
        staging = builds / f".{build_id}.{os.getpid()}.tmp"
        try:
            staging.mkdir(parents=True)
            # first the store: an unreachable Chroma server fails the build before minutes of embedding
            store = self.store_factory(staging)  # an embedded store lives inside the build folder
            texts = [dense_text(p) for p in searchable]
            vectors, embedded = self._vectors(texts, report)
            self._write_files(staging, documents, passages, vectors, texts)
            report("opslaan", 0, 1)
            store.write(
                _collection_name(build_id),
                [p.id for p in searchable],
                vectors,
                [{"document": p.document_id, "insurer": p.insurer or "", "bouwsteen": p.bouwsteen or 0} for p in searchable],
            )
            del store
            staging.rename(target)
            previous = self.current_build()
            if previous is not None and self._usable(previous) in SERVING:
                self._point(self.previous_file, previous.name)
            self._point(self.current_file, build_id)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        self._remove_old_builds()
        report("klaar", 1, 1)
        return BuildReport(build_id, len(documents), len(searchable), embedded, len(searchable) - embedded,
                           time.perf_counter() - began)

    def _vectors(self, texts: list[str], report: Progress) -> tuple[np.ndarray, int]:
        """The vectors of the passages' dense texts, taken from the current build where it embedded the
        same text; how many were embedded."""
        previous = self._previous_vectors()
        vectors = np.zeros((len(texts), 384), dtype=np.float32)
        todo = []
        for i, text in enumerate(texts):
            cached = previous.get(digest(text))
            if cached is not None:
                vectors[i] = cached
            else:
                todo.append(i)
        if todo:
            self.embedder.warm_up()
            batch = 16
            todo.sort(key=lambda i: len(texts[i]))  # like lengths in a batch: its threads finish together
            for start in range(0, len(todo), batch):
                chunk = todo[start:start + batch]
                embedded = self.embedder.embed_passages([texts[i] for i in chunk])
                if embedded.shape[1] != vectors.shape[1]:
                    vectors = np.zeros((len(texts), embedded.shape[1]), dtype=np.float32) if start == 0 else vectors
                vectors[chunk] = embedded
                report("embedden", min(start + batch, len(todo)), len(todo))
        return vectors, len(todo)

    def _write_files(self, folder: Path, documents: list[Document], passages: list[Passage], vectors: np.ndarray,
                     texts: list[str]) -> None:
        with (folder / "passages.jsonl").open("w", encoding="utf-8") as fh:
            for passage in passages:
                fh.write(passage.model_dump_json() + "\n")
        (folder / "documents.json").write_text(
            json.dumps([d.model_dump(mode="json") for d in documents], ensure_ascii=False), encoding="utf-8"
        )
        np.save(folder / "vectors.npy", vectors)
        # What each vector was embedded from: a later build reuses a vector only for the same text.
        (folder / "embedded.json").write_text(json.dumps([digest(t) for t in texts]), encoding="utf-8")
        meta = {
            "format": FORMAT_VERSION,
            "embedder": self.embedder.name,
            "reader": reader_fingerprint(),
            "domain": get_domain().version,
            "built": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "documents": {d.id: d.sha256 for d in documents},
            "passages": len(passages),
        }
        (folder / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")

    def _previous_vectors(self) -> dict[str, np.ndarray]:
        """Vectors of the current build keyed by the digest of the text they were embedded from, if it used this embedder."""
        build = self.current_build()
        if build is None or self._usable(build) not in SERVING:  # vectors of this embedder
            return {}
        try:
            digests = json.loads((build / "embedded.json").read_text(encoding="utf-8"))
            vectors = np.load(build / "vectors.npy")
        except (OSError, ValueError):
            return {}  # a build from before the texts were recorded: everything is embedded anew
        if not isinstance(digests, list) or len(digests) != len(vectors):
            return {}
        return {str(d): vectors[i] for i, d in enumerate(digests)}

    def _point(self, pointer: Path, build_id: str) -> None:
        tmp = self.data_dir / f".CURRENT.{build_id}.{os.getpid()}"
        tmp.write_text(build_id)
        os.replace(tmp, pointer)

    def _remove_old_builds(self) -> None:
        """Every build but the current one and its fallback, with their Chroma collections."""
        keep = [b.name for b in self._candidates()]
        builds = self.data_dir / "builds"
        for path in builds.iterdir():
            if path.name not in keep and not path.name.startswith("."):
                shutil.rmtree(path, ignore_errors=True)
        try:
            self.store_factory(builds / keep[0]).drop_except([_collection_name(k) for k in keep])
        except ResvError:
            pass

    def load(self) -> IndexData:
        """The current build, or the previous one when the current cannot be read; `IndexNotReadyError` when neither can."""
        self.remove_dead_staging()
        candidates = self._candidates()
        if not candidates:
            raise IndexNotReadyError("Er is nog geen index; voer `resv ingest` uit.")
        first: ResvError | None = None
        for build in candidates:
            try:
                data = self._load(build)
            except (OSError, ValueError, ResvError) as exc:
                log.error("Index-build %s is niet te lezen: %s", build.name, exc)
                first = first or (exc if isinstance(exc, IndexNotReadyError) else IndexNotReadyError(
                    "De index is beschadigd; voer `resv ingest` uit om hem opnieuw te bouwen."))
                continue
            if build != candidates[0]:
                log.warning("De huidige index is niet te lezen; de vorige build %s wordt gebruikt. Voer `resv ingest` uit "
                            "om de index te herstellen.", build.name)
            return data
        raise first

    def _load(self, build: Path) -> IndexData:
        if self._usable(build) == "stale":
            raise IndexNotReadyError("De index is gebouwd met een ander embeddingmodel; voer `resv ingest` uit.")
        meta = json.loads((build / "meta.json").read_text(encoding="utf-8"))
        documents = {
            d["info"]["id"]: Document.model_validate(d)
            for d in json.loads((build / "documents.json").read_text(encoding="utf-8"))
        }
        passages = _read_passages(build)
        vectors = np.load(build / "vectors.npy")
        if len(vectors) != sum(p.kind != "cell" for p in passages):
            raise ValueError("vectors and passages differ in number")
        store = self.store_factory(build)
        store.open(_collection_name(build.name))
        return IndexData(build.name, meta, documents, passages, vectors, store)


def _alive(pid: str) -> bool:
    """Whether the process `pid` still runs (a staging folder or pointer it owns may not be touched)."""
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _read_passages(build: Path) -> list[Passage]:
    with (build / "passages.jsonl").open(encoding="utf-8") as fh:
        return [Passage.model_validate_json(line) for line in fh if line.strip()]
