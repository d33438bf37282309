"""The on-disk index: atomic builds, reuse of unchanged vectors, embedder changes, Chroma server."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

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
    assert len(list((private_data_dir / "builds").iterdir())) == 1


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


@pytest.mark.server
def test_chroma_server_backend(tmp_path: Path, corpus_dir: Path):
    port = _free_port()
    chroma = Path(sys.executable).with_name("chroma")
    process = subprocess.Popen([str(chroma), "run", "--path", str(tmp_path / "chroma"), "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.3)
        settings = Settings(data_dir=tmp_path / "data", corpus_dir=corpus_dir, chroma_url=f"http://127.0.0.1:{port}")
        service = Assistant(settings)
        service.ingest()
        assert not (tmp_path / "data" / "builds" / (tmp_path / "data" / "CURRENT").read_text() / "chroma").exists()
        answer = service.ask("Welke verzekeraars eisen een escalatieladder?")
        assert {c.insurer for c in answer.citations} >= {"VGZ", "Menzis"}
        fresh = Assistant(settings)  # a second process-like client reads the same server collection
        assert fresh.ask("Wat eist CZ voor bouwsteen 4?").citations
    finally:
        process.terminate()
        process.wait(timeout=20)
