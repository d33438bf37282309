"""Adding and removing corpus documents: validated, staged, and written only once the new index is built.

A change is made on a staging copy of the corpus folder (the manifest plus links to the files),
the index is built from that copy, and only when the build succeeded are the file and the
manifest entry written into the corpus (the manifest by an atomic replace). A failure at any step
leaves the corpus and the index in use exactly as they were. Editing `manifest.toml` by hand
keeps working: this module appends and removes whole `[[document]]` tables and leaves the rest
of the file as it is.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.errors import BadInputError, CorpusError
from assistant.ingest.corpus import citable_passages
from assistant.ingest.manifest import MANIFEST, read_manifest
from assistant.ingest.loaders import load_bytes
from assistant.models import Document, DocumentInfo
from assistant.settings import DocumentLimits
from assistant.text import fold, unreadable_message

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,79}$")
SUFFIXES = (".pdf", ".docx", ".html", ".htm", ".md", ".markdown", ".txt")


def slug(text: str) -> str:
    """'Aanvullend Zorg- en Welzijnsakkoord (2025)' -> 'aanvullend-zorg-en-welzijnsakkoord-2025'."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:80].strip("-")


_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _toml_string(value: str) -> str:
    """`value` as a TOML basic string: quotes, backslashes and control characters escaped, so the manifest always reads back."""
    return '"' + re.sub(r'["\\\x00-\x1f\x7f]', lambda m: _TOML_ESCAPES.get(m.group(), f"\\u{ord(m.group()):04x}"), value) + '"'


def manifest_entry(info: DocumentInfo) -> str:
    """The `[[document]]` table of one entry, as a maintainer would write it."""
    lines = ["", "[[document]]"]
    for key in ("id", "title", "kind", "file", "insurer", "version", "origin"):
        value = getattr(info, key)
        if value is not None:
            lines.append(f"{key} = {_toml_string(str(value))}")
    return "\n".join(lines) + "\n"


def without_entry(manifest: str, document_id: str) -> str:
    """The manifest text without the `[[document]]` table whose id is `document_id`."""
    tables = re.split(r"(?m)^(?=\[\[document\]\])", manifest)
    kept = [t for t in tables if not re.search(rf'(?m)^id\s*=\s*"{re.escape(document_id)}"\s*$', t)]
    return "".join(kept).rstrip("\n") + "\n"


@contextmanager
def staged(corpus_dir: Path, manifest: str, extra: dict[str, bytes] | None = None) -> Iterator[Path]:
    """A temporary corpus folder: `manifest`, links to the corpus files, and `extra` files; removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="resv-corpus-") as tmp:
        stage = Path(tmp)
        for path in corpus_dir.iterdir():
            if path.is_file() and path.name != MANIFEST:
                os.symlink(path.resolve(), stage / path.name)
        for name, data in (extra or {}).items():
            (stage / name).write_bytes(data)
        (stage / MANIFEST).write_text(manifest, encoding="utf-8")
        yield stage


def _suffix(data: bytes, filename: str) -> str:
    """The stored file's suffix: the one given when the loader accepted it, else by content."""
    suffix = Path(filename).suffix.lower()
    if suffix in SUFFIXES:
        return suffix
    if data.startswith(b"%PDF-"):
        return ".pdf"
    return ".docx" if data.startswith(b"PK") else ".txt"


def _replace(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically: a reader sees the old file or the new one, never half of it."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def add_document(corpus_dir: Path, data: bytes, filename: str, info: DocumentInfo, build: Callable[[Path], object], *,
                 limits: DocumentLimits | None = None) -> DocumentInfo:
    """Validate `data`, build the index with it, then copy it into the corpus and write its manifest entry.

    `info.file` is ignored: the file is stored as `<id><suffix>`. `build(corpus)` builds the index
    from a corpus folder and raises on failure.
    """
    for key in ("title", "insurer", "version", "origin"):
        if refusal := unreadable_message(f"'{key}'", getattr(info, key) or ""):
            raise BadInputError(refusal)
    # A clear DocumentError when unreadable, or when its kind finds nothing to cite (a heading only, a policy
    # without its table): refused here, not as a failed index build.
    extracted = load_bytes(data, filename, limits)
    citable_passages(Document(info=info, extracted=extracted, sha256=hashlib.sha256(extracted.text.encode()).hexdigest()))
    existing = read_manifest(corpus_dir)
    if not ID_PATTERN.match(info.id):
        raise BadInputError(f"Ongeldige document-id {info.id!r}: gebruik kleine letters, cijfers en streepjes (2 tot 80 tekens).")
    if any(e.id == info.id for e in existing):
        raise BadInputError(f"Er staat al een document met id {info.id!r} in het corpus; kies een andere id of verwijder het eerst.")
    digest = hashlib.sha256(data).digest()
    for e in existing:
        path = corpus_dir / e.file
        if path.is_file() and hashlib.sha256(path.read_bytes()).digest() == digest:
            raise BadInputError(f"Dit bestand staat al in het corpus als {e.id!r} ({e.title}).")
    name = info.id + _suffix(data, filename)
    if (corpus_dir / name).exists():
        raise BadInputError(f"In de corpusmap staat al een bestand {name}; kies een andere id.")
    stored = info.model_copy(update={"file": name})
    manifest_path = corpus_dir / MANIFEST
    manifest = manifest_path.read_text(encoding="utf-8")
    updated = manifest.rstrip("\n") + "\n" + manifest_entry(stored)
    with staged(corpus_dir, updated, {name: data}) as stage:
        read_manifest(stage)  # the new entry must read back as written
        build(stage)
    target = corpus_dir / name
    _replace(target, data)
    try:
        _replace(manifest_path, updated.encode("utf-8"))
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return stored


def remove_document(corpus_dir: Path, document_id: str, build: Callable[[Path], object], protected: set[str]) -> DocumentInfo:
    """Build the index without the document, then drop its manifest entry and its file.

    `protected` ids (documents the requirement catalogue quotes) are refused.
    """
    existing = {e.id: e for e in read_manifest(corpus_dir)}
    info = existing.get(document_id)
    if info is None:
        raise BadInputError(f"Geen document met id {document_id!r}; `resv documents` toont de id's.")
    if document_id in protected:
        raise BadInputError(f"{document_id!r} kan niet weg: de eisencatalogus van resv review citeert het.")
    if len(existing) == 1:
        raise BadInputError("Het laatste document van het corpus kan niet weg; voeg eerst een ander document toe.")
    manifest_path = corpus_dir / MANIFEST
    updated = without_entry(manifest_path.read_text(encoding="utf-8"), document_id)
    with staged(corpus_dir, updated) as stage:
        if document_id in {e.id for e in read_manifest(stage)}:
            raise CorpusError(f"De manifestregel van {document_id!r} is niet als los [[document]]-blok te verwijderen; pas {MANIFEST} met de hand aan.")
        build(stage)
    _replace(manifest_path, updated.encode("utf-8"))
    file = corpus_dir / info.file
    if file.is_file() and not any(e.file == info.file for e in existing.values() if e.id != document_id):
        shutil.move(str(file), str(file.with_name(f".removed-{file.name}")))  # kept aside, not lost
    return info
