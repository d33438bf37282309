"""Documents over HTTP: added behind the API token, answered from, removed; bad files refused with a 4xx."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx

from tests.plans import make_plan_docx
from tests.server import copy_index, running_server
from tests.test_manage import AGREEMENT

TOKEN = "documenten-token"


def test_add_ask_and_remove_over_http(built_data_dir: Path, corpus_dir: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_dir, corpus)
    data_dir = copy_index(built_data_dir, tmp_path / "data")
    with running_server(data_dir, env={"RESV_CORPUS_DIR": str(corpus), "RESV_API_TOKEN": TOKEN}) as server, \
            httpx.Client(base_url=server.url, timeout=120) as client:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        form = {"kind": "other", "title": "Akkoord Eerstelijn Noorderveld"}
        files = {"file": ("akkoord.docx", make_plan_docx(AGREEMENT))}
        assert client.post("/api/documents", files=files, data=form).status_code == 401  # no token, nothing stored
        assert not (corpus / "akkoord-eerstelijn-noorderveld.docx").exists()
        created = client.post("/api/documents", files=files, data=form, headers=auth)
        assert created.status_code == 201, created.text
        assert created.json()["id"] == "akkoord-eerstelijn-noorderveld"
        listed = client.get("/api/documents", headers=auth).json()["documents"]
        assert "akkoord-eerstelijn-noorderveld" in {d["id"] for d in listed}
        again = client.post("/api/documents", files=files, data=form | {"title": "Hetzelfde akkoord"}, headers=auth)
        assert again.status_code == 400 and "staat al in het corpus" in again.json()["detail"]
        broken = client.post("/api/documents", files={"file": ("x.pdf", b"geen pdf")}, data=form | {"title": "Kapot"}, headers=auth)
        assert 400 <= broken.status_code < 500 and "PDF" in broken.json()["detail"]
        missing = client.post("/api/documents", files=files, data={"kind": "other"}, headers=auth)
        assert missing.status_code == 422
        answer = client.post("/api/ask", json={"question": "Hoeveel geld geven de gemeenten in Noorderveld per jaar?"}, headers=auth).json()
        assert any(c["document"] == "akkoord-eerstelijn-noorderveld" for c in answer["citations"])
        gone = client.delete("/api/documents/akkoord-eerstelijn-noorderveld", headers=auth)
        assert gone.status_code == 200
        assert "akkoord-eerstelijn-noorderveld" not in {d["id"] for d in client.get("/api/documents", headers=auth).json()["documents"]}
        assert client.delete("/api/documents/handreiking-contractering-resv", headers=auth).status_code == 400
