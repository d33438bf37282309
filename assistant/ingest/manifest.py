"""The corpus folder: its manifest (`manifest.toml`, one `[[document]]` per file) and the files it names, read into `Document`s."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

from pydantic import ValidationError

from assistant.errors import CorpusError, DocumentError
from assistant.ingest.corpus import citable_passages
from assistant.ingest.loaders import load_path
from assistant.models import Document, DocumentInfo, Passage

MANIFEST = "manifest.toml"


def read_manifest(corpus_dir: Path) -> list[DocumentInfo]:
    """The manifest entries; a clear `CorpusError` when the folder or manifest is missing or wrong."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"De corpusmap {corpus_dir} bestaat niet. Zet RESV_CORPUS_DIR naar een map met {MANIFEST}.")
    path = corpus_dir / MANIFEST
    if not path.is_file():
        raise CorpusError(f"In {corpus_dir} ontbreekt {MANIFEST} (één [[document]] per bestand).")
    try:
        entries = tomllib.loads(path.read_text(encoding="utf-8")).get("document", [])
        infos = [DocumentInfo(**entry) for entry in entries]
    except (tomllib.TOMLDecodeError, ValidationError, TypeError) as exc:
        raise CorpusError(f"{path} is ongeldig: {exc}") from exc
    if not infos:
        raise CorpusError(f"{path} noemt geen documenten.")
    ids = [i.id for i in infos]
    if len(set(ids)) != len(ids):
        raise CorpusError(f"{path}: document-id's moeten uniek zijn.")
    return infos


def load_document(corpus_dir: Path, info: DocumentInfo) -> Document:
    """Read one manifest entry's file; errors name the file."""
    path = corpus_dir / info.file
    if not path.is_file():
        raise CorpusError(f"{info.id}: bestand {path} ontbreekt.")
    try:
        extracted = load_path(path)
    except DocumentError as exc:
        raise CorpusError(f"{info.id} ({path.name}): {exc.message}") from exc
    return Document(info=info, extracted=extracted, sha256=hashlib.sha256(extracted.text.encode()).hexdigest())


def load_corpus(corpus_dir: Path) -> tuple[list[Document], list[Passage]]:
    """All documents of the manifest and their passages, in reading order."""
    documents, passages = [], []
    for info in read_manifest(corpus_dir):
        document = load_document(corpus_dir, info)
        try:
            found = citable_passages(document)
        except DocumentError as exc:
            raise CorpusError(f"{info.id} ({info.file}): {exc.message}") from exc
        documents.append(document)
        passages.extend(found)
    return documents, passages
