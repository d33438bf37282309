"""A thin, hardened edge, against a real `resv serve`: bounded uploads, browser rules, unreadable characters.

Every refusal is JSON `{"detail": "<Dutch sentence>"}` with its 4xx status, carries the security
headers, and leaves the server answering.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from assistant.api.answers import answer_events
from assistant.service import Assistant
from assistant.settings import Settings
from tests.hostile import docx_with_body, encrypted_pdf, paragraphs, pdf_stream_bomb, rewrite_docx
from tests.test_api import QUESTION, plan_docx, refused, review_upload, still_serving
from tests.test_cli import run

if TYPE_CHECKING:
    from tests.server import Server


FOREIGN = "https://kwaadwillend.example"


@pytest.fixture(scope="module")
def client(api_server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_server.url, timeout=60) as client:
        yield client


def has_security_headers(response: httpx.Response) -> None:
    policy = response.headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in policy, (response.request.url, response.headers)
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


# --- bounded work for every upload ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "make", "status", "words"),
    [
        ("plan.docx", lambda: docx_with_body(paragraphs(200_000)), 413, "meer dan 50000 alinea's en tabelcellen"),
        ("plan.docx", lambda: rewrite_docx(add={"word/media/leeg.bin": bytes(101 * 1024 * 1024)}), 413, "uitgepakt 102 MB"),
        ("plan.pdf", pdf_stream_bomb, 413, "uitgepakt te groot"),
        ("plan.pdf", lambda: encrypted_pdf("AES-256", open_password="geheim"), 422, "met een wachtwoord beveiligd"),
        ("plan.docx", lambda: rewrite_docx(drop=("word/document.xml",), add={"xl/workbook.xml": b"<workbook/>"}), 415,
         "Excel-werkmap"),
        ("plan.docx", lambda: rewrite_docx(drop=("[Content_Types].xml",)), 422, "Het Word-document is beschadigd"),
        ("plan.docx", lambda: plan_docx()[:3000], 415, "zip-archief is beschadigd"),
    ],
    ids=["200000-paragraphs", "zip-bomb", "pdf-stream-bomb", "pdf-password", "xlsx-renamed", "no-content-types", "truncated-docx"],
)
def test_hostile_and_damaged_uploads_are_refused_quickly(client, filename, make, status, words):
    response = review_upload(client, make(), filename)
    assert words in refused(response, status)
    assert response.elapsed.total_seconds() < 10
    has_security_headers(response)
    still_serving(client)


def test_a_pdf_encrypted_with_an_empty_open_password_is_reviewed(client):
    response = review_upload(client, encrypted_pdf("AES-256", open_password=""), "beveiligd.pdf")
    assert response.status_code == 200, response.text
    assert response.json()["plan"] == "beveiligd.pdf"


def test_the_cli_refuses_a_hostile_plan_in_one_line(built_data_dir: Path, tmp_path: Path):
    bomb = tmp_path / "plan.docx"
    bomb.write_bytes(docx_with_body(paragraphs(200_000)))
    locked = tmp_path / "plan.pdf"
    locked.write_bytes(encrypted_pdf("AES-128", open_password="geheim"))
    for path, words in [(bomb, "alinea's en tabelcellen"), (locked, "met een wachtwoord beveiligd")]:
        result = run(["review", str(path), "--insurer", "CZ"], built_data_dir)
        assert result.returncode == 1, result.stderr
        assert result.stderr.startswith("Fout: ") and words in result.stderr
        assert "Traceback" not in result.stderr + result.stdout


# --- same origin for everything that changes or sends -------------------------------------------------


def test_cross_origin_posts_and_deletes_are_refused(client, api_server):
    foreign = {"Origin": FOREIGN}
    for response in [
        client.post("/api/ask", json={"question": QUESTION}, headers=foreign),
        client.post("/api/chat", json={"question": QUESTION}, headers=foreign),
        client.post("/api/review", files={"file": ("plan.docx", plan_docx())}, data={"insurer": "CZ"}, headers=foreign),
        client.post("/api/report", json={}, headers=foreign),
        client.delete("/api/documents/handreiking-contractering-resv", headers=foreign),
    ]:
        assert f"andere website ({FOREIGN})" in refused(response, 403)
        has_security_headers(response)
    assert "andere website" in refused(client.post("/api/ask", json={"question": QUESTION}, headers={"Origin": "null"}), 403)
    no_origin = client.post("/api/ask", json={"question": QUESTION}, headers={"Sec-Fetch-Site": "cross-site"})
    assert "andere website" in refused(no_origin, 403)
    assert client.get("/api/insurers", headers=foreign).status_code == 200  # reading changes nothing
    same = client.post("/api/ask", json={"question": QUESTION}, headers={"Origin": api_server.url, "Sec-Fetch-Site": "same-origin"})
    assert same.status_code == 200, same.text
    still_serving(client)


def test_a_rebound_host_name_cannot_post(client, api_server):
    """DNS rebinding: the attacker's name points at 127.0.0.1, so Origin and Host agree, but the name is unknown."""
    port = api_server.url.rsplit(":", 1)[1]
    rebound = {"Host": f"kwaadwillend.example:{port}", "Origin": f"http://kwaadwillend.example:{port}"}
    detail = refused(client.post("/api/ask", json={"question": QUESTION}, headers=rebound), 403)
    assert "'kwaadwillend.example:" in detail and "RESV_ALLOWED_HOSTS" in detail
    localhost = client.post("/api/ask", json={"question": QUESTION}, headers={"Host": f"localhost:{port}"})
    assert localhost.status_code == 200, localhost.text


def test_configured_hosts_and_origins_are_allowed(built_data_dir: Path, tmp_path: Path):
    from tests.server import copy_index, running_server

    intranet = "https://resv.intranet.example"
    env = {"RESV_ALLOWED_ORIGINS": f"{intranet}, https://andere.example", "RESV_ALLOWED_HOSTS": "resv.intranet.example"}
    with running_server(copy_index(built_data_dir, tmp_path / "data"), env=env) as server, \
            httpx.Client(base_url=server.url, timeout=60) as client:
        proxied = {"Host": "resv.intranet.example", "Origin": intranet}
        assert client.post("/api/ask", json={"question": QUESTION}, headers=proxied).status_code == 200
        assert client.post("/api/ask", json={"question": QUESTION}, headers={"Origin": server.url}).status_code == 200
        assert FOREIGN in refused(client.post("/api/ask", json={"question": QUESTION}, headers={"Origin": FOREIGN}), 403)


# --- security headers on every response ----------------------------------------------------------------


def test_every_response_carries_the_security_headers(client):
    review = review_upload(client, plan_docx(), "plan.docx").json()
    responses = [
        client.get("/"), client.get("/static/app.js"), client.get("/docs"), client.get("/openapi.json"),
        client.get("/docs-assets/swagger-ui.css"), client.get("/healthz"), client.get("/api/insurers"),
        client.post("/api/report?format=html", json=review), client.get("/api/bestaat-niet"), client.get("/api/ask"),
        client.post("/api/ask", json={"question": ""}), client.post("/api/ask", json={"question": "x" * 2_000_000}),
        client.post("/api/report?format=md", json={}),
    ]
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 200, 200, 200, 200, 404, 405, 400, 413, 422]
    for response in responses:
        has_security_headers(response)
    page, report = responses[0], responses[7]
    assert "default-src 'self'" in page.headers["content-security-policy"] and page.headers["cache-control"] == "no-cache"
    assert report.headers["content-security-policy"].startswith("default-src 'none'")  # a download runs nothing


def test_the_docs_page_may_run_its_one_inline_script_only(client):
    docs = client.get("/docs")
    inline = re.findall(r"<script>(.*?)</script>", docs.text, re.DOTALL)
    assert len(inline) == 1
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    assert f"script-src 'self' 'sha256-{digest}'" in docs.headers["content-security-policy"]
    assert "unsafe-eval" not in docs.headers["content-security-policy"]


# --- unreadable characters, form parts and content types -----------------------------------------------


@pytest.mark.parametrize(
    ("raw_question", "shown"),
    [("Wat eist CZ\\ud800 voor bouwsteen 4?", "U+D800"), ("Wat eist CZ\\u0000 voor bouwsteen 4?", "U+0000"),
     ("Wat eist \\u001b[31mCZ voor bouwsteen 4?", "U+001B"), ("Wat eist \\u202eZC voor bouwsteen 4?", "U+202E")],
    ids=["lone-surrogate", "nul", "escape", "bidi-override"],
)
def test_questions_with_unreadable_characters_are_refused(client, raw_question, shown):
    body = ('{"question": "%s"}' % raw_question).encode()
    headers = {"content-type": "application/json"}
    detail = refused(client.post("/api/ask", content=body, headers=headers), 400)
    assert f"teken dat niet in tekst thuishoort ({shown})" in detail
    with client.stream("POST", "/api/chat", content=body, headers=headers) as streamed:
        streamed.read()
        assert shown in refused(streamed, 400)  # refused before the stream starts: no cut stream
    history = {"question": QUESTION, "history": [{"role": "user", "content": "Vraag \u202e?"}]}
    assert "U+202E" in refused(client.post("/api/ask", json=history), 400)
    still_serving(client)


def test_form_fields_with_unreadable_characters_are_refused(client):
    response = client.post("/api/review", files={"file": ("plan.docx", plan_docx())}, data={"insurer": "CZ\u202e"})
    assert "Het veld 'insurer' bevat een teken dat niet in tekst thuishoort (U+202E)" in refused(response, 400)


def test_a_second_file_or_field_is_refused_not_swapped(client):
    two_files = [("file", ("plan.docx", plan_docx())), ("file", ("ander.txt", b"Een heel ander plan."))]
    assert "meer dan één bestand" in refused(client.post("/api/review", files=two_files, data={"insurer": "CZ"}), 400)
    twice = client.post("/api/review", files={"file": ("plan.docx", plan_docx())}, data={"insurer": ["CZ", "VGZ"]})
    assert "Het veld 'insurer' komt meer dan één keer voor" in refused(twice, 400)
    still_serving(client)


def test_a_json_route_says_when_the_content_type_is_wrong(client):
    body = json.dumps({"question": QUESTION})
    as_text = client.post("/api/ask", content=body, headers={"content-type": "text/plain"})
    assert "Content-Type: application/json" in refused(as_text, 415) and "'text/plain'" in refused(as_text, 415)
    as_form = client.post("/api/chat", data={"question": QUESTION})
    assert "'application/x-www-form-urlencoded'" in refused(as_form, 415)
    assert "Content-Type" in refused(client.post("/api/report", files={"file": ("r.json", b"{}")}), 415)
    assert client.post("/api/ask", content=body, headers={"content-type": "application/json; charset=utf-8"}).status_code == 200
    assert "de kop ontbreekt" in refused(client.post("/api/ask", content=body), 415)  # FastAPI reads no JSON without it


def test_the_cli_refuses_a_question_with_a_direction_override(built_data_dir: Path):
    result = run(["ask", "Wat eist \u202eZC voor bouwsteen 4?"], built_data_dir)
    assert result.returncode == 1 and result.stderr.startswith("Fout: ") and "U+202E" in result.stderr


# --- a stream that fails after its status line ---------------------------------------------------------


def test_a_failure_after_the_status_line_ends_the_stream_with_an_error_event(tmp_path: Path):
    """A real assistant over a corpus folder without a manifest: the answer fails once the stream has begun."""
    (tmp_path / "corpus").mkdir()
    assistant = Assistant(Settings(data_dir=tmp_path / "data", corpus_dir=tmp_path / "corpus"))

    async def collect() -> list[bytes]:
        return [event async for event in answer_events(assistant, assistant.read_question(QUESTION))]

    events = asyncio.run(collect())
    assert len(events) == 1 and events[0].startswith(b"event: error\ndata: ")
    detail = json.loads(events[0].decode().split("data: ", 1)[1])["detail"]
    assert "manifest" in detail.lower()


def test_no_hardening_request_leaves_a_traceback(api_server: Server):
    assert "Traceback" not in api_server.log(), api_server.log()[-3000:]

