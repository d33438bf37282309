"""The on-disk index: atomic builds, reuse of unchanged vectors, embedder changes, Chroma server."""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import index
from assistant.errors import CorpusError, IndexNotReadyError
from assistant.service import Assistant
from assistant.settings import Settings


def _current(data_dir: Path) -> str:
    return (data_dir / "CURRENT").read_text()


def test_reingest_reuses_unchanged_vectors(private_data_dir: Path, corpus_dir: Path, tmp_path: Path):
    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_dir, corpus)
    service = Assistant(Settings(data_dir=private_data_dir, corpus_dir=corpus))
    report = service.ingest()
    assert report.embedded == 0 and report.reused == report.passages
    policy = corpus / "inkoopbeleid-resv-verzekeraars.txt"
    policy.write_text(policy.read_text(encoding="utf-8").replace("Kassier bij voorkeur RHO.", "Kassier bij voorkeur de RHO-organisatie."), encoding="utf-8")
    report = service.ingest()
    handreiking = sum(1 for p in service.library.passages if p.document_id == "handreiking-contractering-resv")
    assert 0 < report.embedded < report.passages and report.reused >= handreiking
    answer = service.ask("Wat eist Zilveren Kruis voor bouwsteen 1?")
    assert any("RHO-organisatie" in c.quote for c in answer.citations)
    assert len(list((private_data_dir / "builds").iterdir())) == 2  # the build in use and its fallback


def test_a_vector_is_reused_only_for_the_text_it_was_embedded_from(private_data_dir: Path, corpus_dir: Path):
    # What the embedder reads of a passage may change between versions while the passage does not:
    # its old vector must then not be taken for the new text.
    service = Assistant(Settings(data_dir=private_data_dir, corpus_dir=corpus_dir))
    record = private_data_dir / "builds" / _current(private_data_dir) / "embedded.json"
    digests = json.loads(record.read_text(encoding="utf-8"))
    record.write_text(json.dumps(["0" * 40] + digests[1:]), encoding="utf-8")  # the first vector: of another text
    report = service.ingest()
    assert report.embedded == 1 and report.reused == report.passages - 1
    (private_data_dir / "builds" / _current(private_data_dir) / "embedded.json").unlink()  # a build that kept no record
    report = service.ingest()
    assert report.embedded == report.passages


def test_failed_ingest_keeps_the_index_in_use(private_data_dir: Path, corpus_dir: Path, tmp_path: Path):
    before = _current(private_data_dir)
    broken = tmp_path / "corpus"
    shutil.copytree(corpus_dir, broken)
    (broken / "handreiking-contractering-resv.txt").write_bytes(b"")
    with pytest.raises(CorpusError):
        Assistant(Settings(data_dir=private_data_dir, corpus_dir=broken)).ingest()
    with pytest.raises(CorpusError, match="bestaat niet"):
        Assistant(Settings(data_dir=private_data_dir, corpus_dir=tmp_path / "nergens")).ingest()
    assert _current(private_data_dir) == before
    service = Assistant(Settings(data_dir=private_data_dir, corpus_dir=corpus_dir))
    assert not service.ask("Wat eist CZ voor bouwsteen 4?").abstained
    assert not any(p.name.startswith(".") for p in (private_data_dir / "builds").iterdir())


def test_an_index_read_by_other_code_is_read_again_at_start_and_serves_meanwhile(private_data_dir: Path, corpus_dir: Path,
                                                                                  tmp_path: Path):
    meta_file = private_data_dir / "builds" / _current(private_data_dir) / "meta.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    assert meta["reader"] == index.reader_fingerprint()
    meta_file.write_text(json.dumps(meta | {"reader": "an older version"}), encoding="utf-8")
    before = _current(private_data_dir)
    # Without its corpus the outdated index cannot be rebuilt: it still answers.
    missing = Assistant(Settings(data_dir=private_data_dir, corpus_dir=tmp_path / "nergens"))
    assert missing.index.status() == "outdated"
    assert not missing.ask("Wat eist CZ voor bouwsteen 4?").abstained and _current(private_data_dir) == before
    service = Assistant(Settings(data_dir=private_data_dir, corpus_dir=corpus_dir))
    service.warm_up()
    assert _current(private_data_dir) != before and service.index.status() == "ready"


def test_index_records_its_embedder(private_data_dir: Path, corpus_dir: Path):
    service = Assistant(Settings(data_dir=private_data_dir, corpus_dir=corpus_dir, embedder="minilm"))
    assert service.index.status() == "stale"
    with pytest.raises(IndexNotReadyError, match="ander embeddingmodel"):
        service.index.load()


def test_minilm_backend_loads_offline_from_its_package(private_data_dir: Path, corpus_dir: Path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    service = Assistant(Settings(data_dir=private_data_dir, corpus_dir=corpus_dir, embedder="minilm"))
    vector = service.embedder.embed_query("Wat eist CZ voor bouwsteen 4?")
    assert vector.shape == (384,) and abs(float((vector ** 2).sum()) - 1.0) < 1e-3


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Chroma server on loopback, for the store tests that run against both stores."""
    port = _free_port()
    chroma = Path(sys.executable).with_name("chroma")
    folder = tmp_path_factory.mktemp("chroma-server")
    process = subprocess.Popen([str(chroma), "run", "--path", str(folder), "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(params=["embedded", pytest.param("server", marks=pytest.mark.server)])
def store_settings(request: pytest.FixtureRequest, private_data_dir: Path, corpus_dir: Path) -> Settings:
    """Settings over a copy of the built index, with the embedded store or a real Chroma server."""
    url = request.getfixturevalue("chroma_server") if request.param == "server" else None
    return Settings(data_dir=private_data_dir, corpus_dir=corpus_dir, chroma_url=url)


def _collections(settings: Settings) -> set[str]:
    """The index's collections in the store the settings name (an embedded store lives in each build folder)."""
    if settings.chroma_url:
        import chromadb

        host, port = settings.chroma_url.rsplit("/", 1)[-1].split(":")
        names = chromadb.HttpClient(host=host, port=int(port)).list_collections()
        return {n if isinstance(n, str) else n.name for n in names if (n if isinstance(n, str) else n.name).startswith("resv_")}
    return {f"resv_{build.name}" for build in (settings.data_dir / "builds").iterdir() if (build / "chroma").is_dir()}


def test_either_store_serves_answers_and_keeps_one_fallback(store_settings: Settings):
    service = Assistant(store_settings)
    for _ in range(3):  # every build beyond the current one and its fallback is dropped, collection and all
        report = service.ingest()
        assert report.embedded == 0 and report.reused == report.passages  # the vectors of the copied index
    current, previous = _current(store_settings.data_dir), (store_settings.data_dir / "PREVIOUS").read_text()
    assert _collections(store_settings) == {f"resv_{current}", f"resv_{previous}"}
    answer = service.ask("Welke verzekeraars eisen een escalatieladder?")
    assert {c.insurer for c in answer.citations} >= {"VGZ", "Menzis"}
    assert Assistant(store_settings).ask("Wat eist CZ voor bouwsteen 4?").citations  # another client, the same store


def test_either_store_falls_back_to_the_previous_build(store_settings: Settings):
    Assistant(store_settings).ingest()
    Assistant(store_settings).ingest()
    current = _current(store_settings.data_dir)
    (store_settings.data_dir / "builds" / current / "vectors.npy").write_bytes(b"damaged")
    answer = Assistant(store_settings).ask("Wat eist CZ voor bouwsteen 4?")
    assert not answer.abstained and answer.citations


def test_staging_folders_of_dead_builds_are_removed_and_live_ones_kept(private_data_dir: Path, corpus_dir: Path):
    builds = private_data_dir / "builds"
    dead = builds / ".20260101000000-dead00.4194305.tmp"  # above every kernel's pid_max: no such process
    legacy = builds / ".20260101000000-old000.tmp"
    live = builds / f".20260101000000-live00.{os.getpid()}.tmp"  # a build this process is still writing
    for folder in (dead, legacy, live):
        (folder / "chroma").mkdir(parents=True)
        (folder / "passages.jsonl").write_text("half")
    (private_data_dir / ".CURRENT.20260101000000-dead00.4194305").write_text("20260101000000-dead00")
    service = Assistant(Settings(data_dir=private_data_dir, corpus_dir=corpus_dir))
    assert not service.ask("Wat eist CZ voor bouwsteen 4?").abstained
    assert not dead.exists() and not legacy.exists() and live.is_dir()
    assert not list(private_data_dir.glob(".CURRENT.*"))


def test_a_damaged_build_falls_back_to_the_previous_one(private_data_dir: Path, corpus_dir: Path, caplog):
    Assistant(Settings(data_dir=private_data_dir, corpus_dir=corpus_dir)).ingest()  # the first build becomes the fallback
    current, previous = _current(private_data_dir), (private_data_dir / "PREVIOUS").read_text()
    assert current != previous and (private_data_dir / "builds" / previous).is_dir()
    (private_data_dir / "builds" / current / "passages.jsonl").write_text('{"not": "a passage"}\n')
    with caplog.at_level(logging.WARNING, logger="assistant.index"):
        service = Assistant(Settings(data_dir=private_data_dir, corpus_dir=corpus_dir))
        answer = service.ask("Wat eist CZ voor bouwsteen 4?")
    assert not answer.abstained and answer.citations
    assert any(previous in r.getMessage() and "resv ingest" in r.getMessage() for r in caplog.records)
    shutil.rmtree(private_data_dir / "builds" / previous)
    with pytest.raises(IndexNotReadyError, match="beschadigd; voer `resv ingest` uit"):
        Assistant(Settings(data_dir=private_data_dir, corpus_dir=corpus_dir)).index.load()
    report = Assistant(Settings(data_dir=private_data_dir, corpus_dir=corpus_dir)).ingest()  # the advice works
    assert report.passages > 0 and _current(private_data_dir) != current


def test_an_unreachable_chroma_server_is_retried_then_refused_without_its_address(caplog):
    port = _free_port()  # nothing listens there
    with caplog.at_level(logging.WARNING, logger="assistant.index"), pytest.raises(IndexNotReadyError) as refused:
        index.ChromaVectorStore.server(f"http://resv:geheim@127.0.0.1:{port}")
    assert "niet bereikbaar" in str(refused.value)
    assert "geheim" not in str(refused.value) and str(port) not in str(refused.value)
    retries = [r for r in caplog.records if "poging" in r.getMessage()]
    assert len(retries) == index.CONNECT_ATTEMPTS - 1
