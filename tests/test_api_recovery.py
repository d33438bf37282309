"""Recovery, against a real `resv serve`: a broken corpus, an unreachable store and a failed index
load are reported as "not ready" with a hint, never with a secret, and tried again without a restart."""

from __future__ import annotations

import time

import httpx

from tests.server import running_server
from tests.test_api import QUESTION, refused


def test_a_broken_corpus_is_reported_not_crashed(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    with running_server(tmp_path / "data", env={"RESV_CORPUS_DIR": str(corpus)}, wait_until_ready=False) as server:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            deadline = time.monotonic() + 30
            while (health := client.get("/healthz").json())["status"] == "loading" and time.monotonic() < deadline:
                time.sleep(0.1)
            assert health["status"] == "error" and "resv ingest" in health["detail"], health
            detail = refused(client.post("/api/ask", json={"question": QUESTION}), 503)
            assert "niet beschikbaar" in detail
            assert client.get("/").status_code == 200
        assert "manifest" in server.log().lower()  # the cause is in the log, for whoever runs the server


def test_healthz_never_shows_the_store_url_or_its_secret(tmp_path):
    url = "http://resv:s3cret-pw@127.0.0.1:9"  # nothing listens on port 9
    with running_server(tmp_path / "data", env={"RESV_CHROMA_URL": url}, wait_until_ready=False) as server:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            deadline = time.monotonic() + 60
            while (response := client.get("/healthz")).json()["status"] == "loading" and time.monotonic() < deadline:
                time.sleep(0.2)
            asked = client.post("/api/ask", json={"question": QUESTION})
    for body in (response.text, asked.text):
        assert "s3cret" not in body and "127.0.0.1:9" not in body and "resv:" not in body, body
    assert response.status_code == 503 and response.json()["status"] == "error"
    assert asked.status_code == 503


def test_a_failed_index_load_is_tried_again_without_a_restart(private_data_dir, tmp_path):
    pointer = private_data_dir / "CURRENT"
    aside = private_data_dir / "CURRENT.aside"
    pointer.rename(aside)
    (private_data_dir / "PREVIOUS").unlink(missing_ok=True)
    empty = tmp_path / "geen-corpus"
    empty.mkdir()  # no index and nothing to build one from: the load fails
    with running_server(private_data_dir, env={"RESV_CORPUS_DIR": str(empty)}, wait_until_ready=False) as server:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            deadline = time.monotonic() + 60
            while (status := client.get("/healthz").json()["status"]) == "loading" and time.monotonic() < deadline:
                time.sleep(0.2)
            assert status == "error"
            aside.rename(pointer)  # `resv ingest` elsewhere has made an index meanwhile
            deadline = time.monotonic() + 60
            while (status := client.get("/healthz").json()["status"]) != "ok" and time.monotonic() < deadline:
                time.sleep(0.5)
            assert status == "ok"
            assert client.post("/api/ask", json={"question": QUESTION}).status_code == 200
