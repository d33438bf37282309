"""The HTTP API against a real `resv serve` process: the contract, streaming, uploads, and bad input.

Every refused request must come back as JSON `{"detail": "<Dutch sentence>"}` with a 4xx status,
and the server must go on answering afterwards.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import httpx
import jsonschema
import pytest

from assistant.api import text_chunks
from assistant.ingest.loaders import load_bytes
from assistant.models import Answer, Review
from assistant.settings import PROJECT_ROOT
from tests.documents import make_docx, make_pdf
from tests.invariants import markers_match_citations, review_covers_insurer_only, review_evidence_is_verbatim

if TYPE_CHECKING:
    from tests.server import Server


CONTRACT = PROJECT_ROOT.parent / "shared" / "contract"
QUESTION = "Wat eist CZ voor bouwsteen 4?"

PLAN = [
    [
        "RESV-plan Regio Lingeland 2027-2029",
        "Samenwerkingsverband Eerstelijn Lingeland, versie voor CZ, juni 2026",
        "1. Deelnemers en mandaat",
        "Aan het RESV nemen huisartsen, apothekers, wijkverpleging, fysiotherapeuten en sociaal werkers deel.",
        "De huisartsen hebben hun mandaat vastgelegd in de ALV van 9 april 2026.",
        "2. Werkgebied",
        "Het werkgebied omvat de gemeenten Lingedal en Beekhoven (postcodes 4100-4119).",
        "Het plan sluit aan op het IZA-regioplan en op de opgaven van de gemeenten.",
    ],
    [
        "3. Activiteiten 2027",
        "In 2027 starten we drie hechte wijkverbanden (hoofdtaak 4) in Lingedal-Noord, Beekhoven en Asperen.",
        "We richten een regionaal HR-loket in voor werving en behoud van personeel (hoofdtaak 5).",
        "4. Executiekracht",
        "Het bestuur stuurt op de voortgang; elk kwartaal verschijnt een voortgangsrapportage.",
        "5. Begroting 2027",
        "De begroting 2027 bedraagt 1,2 miljoen euro, waarvan 60 % voor de hechte wijkverbanden.",
    ],
]


def plan_docx() -> bytes:
    blocks = [("h1" if i == 0 else "h2" if line[:2].rstrip(".").isdigit() else "p", line)
              for i, line in enumerate(line for page in PLAN for line in page)]
    return make_docx(blocks)


@pytest.fixture(scope="module")
def client(api_server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_server.url, timeout=60) as client:
        yield client


def ask(client: httpx.Client, question: str = QUESTION, **body) -> dict:
    response = client.post("/api/ask", json={"question": question, **body})
    assert response.status_code == 200, response.text
    return response.json()


def refused(response: httpx.Response, status: int) -> str:
    """The response is a 4xx JSON error with a readable Dutch detail; returns the detail."""
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json")
    detail = response.json()["detail"]
    assert isinstance(detail, str) and len(detail) > 10, detail
    assert "Traceback" not in response.text and 'File "' not in response.text
    return detail


def still_serving(client: httpx.Client) -> None:
    answer = ask(client, "Welke minimumeisen gelden voor bouwsteen 1?")
    assert answer["citations"] and not answer["abstained"]


def sse_events(response: httpx.Response) -> list[tuple[str, dict]]:
    events, name, data = [], "message", []
    for line in response.iter_lines():
        if line == "":
            if data:
                events.append((name, json.loads("\n".join(data))))
            name, data = "message", []
        elif line.startswith("event:"):
            name = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].removeprefix(" "))
    return events


# --- transport helpers -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "Eén regel.", "a\n\nb\n", "- " + "woord " * 40 + "[1]\n" + "x" * 200 + "\n  ingesprongen"])
def test_text_chunks_join_to_the_text(text):
    chunks = list(text_chunks(text))
    assert "".join(chunks) == text
    assert all(len(chunk) <= 80 or " " not in chunk.strip() for chunk in chunks)


# --- service basics ---------------------------------------------------------------------------------


def test_healthz_reports_ready(client, api_server):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    print(f"/healthz ready {api_server.ready_seconds:.1f} s after start (built index)")


def test_web_app_docs_and_static_files(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "RESV-assistent" in page.text and "default-src 'self'" in page.headers["content-security-policy"]
    script = client.get("/static/app.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/docs-assets/swagger-ui-bundle.js" in docs.text
    bundle = client.get("/docs-assets/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and "javascript" in bundle.headers["content-type"]
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/ask", "/api/chat", "/api/review", "/api/report", "/api/passages/{passage_id}"} <= set(paths)
    refused(client.get("/static/../assistant/settings.py"), 404)
    refused(client.get("/static/geen-bestand.js"), 404)


def test_insurers_and_documents(client):
    assert client.get("/api/insurers").json() == {"insurers": ["Zilveren Kruis", "CZ", "VGZ", "Menzis"]}
    domain = client.get("/api/domain").json()
    assert domain["insurers"] == ["Zilveren Kruis", "CZ", "VGZ", "Menzis"]
    assert [b["number"] for b in domain["bouwstenen"]] == list(range(1, 8)) and domain["bouwstenen"][6]["title"] == "Begroting 2027"
    assert set(domain["statuses"]) == {"met", "partial", "missing", "uncertain"}
    documents = {d["id"]: d for d in client.get("/api/documents").json()["documents"]}
    assert {"handreiking-contractering-resv", "inkoopbeleid-resv-verzekeraars"} <= set(documents)
    assert all(d["title"] and d["passages"] > 0 for d in documents.values())


# --- answers -------------------------------------------------------------------------------------------


def test_ask_follows_the_contract_and_quotes_verbatim(client):
    body = ask(client)
    answer = Answer.model_validate(body)
    if (CONTRACT / "answer.schema.json").exists():
        jsonschema.validate(body, json.loads((CONTRACT / "answer.schema.json").read_text()))
    assert not answer.abstained and answer.question == QUESTION
    markers_match_citations(answer)
    assert {(c.insurer, c.bouwsteen) for c in answer.citations if c.insurer} == {("CZ", 4)}
    for citation in answer.citations:
        view = client.get(f"/api/passages/{citation.passage_id}")
        assert view.status_code == 200, view.text
        passage = view.json()
        offset = citation.start - passage["start"]
        assert passage["text"][offset:offset + len(citation.quote)] == citation.quote
        assert passage["document"] == citation.document and passage["insurer"] == citation.insurer


def test_follow_up_uses_the_history(client):
    first = ask(client)
    history = [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": first["answer"]}]
    follow_up = ask(client, "En voor VGZ?", history=history)
    cells = {(c["insurer"], c["bouwsteen"]) for c in follow_up["citations"] if c["insurer"]}
    assert cells == {("VGZ", 4)}, follow_up["answer"]


def test_insurer_option_narrows_the_answer(client):
    answer = ask(client, "Wat wordt gevraagd voor bouwsteen 5?", insurer="Menzis")
    assert {c["insurer"] for c in answer["citations"]} <= {"Menzis", None}


def test_chat_streams_the_same_answer(client):
    with client.stream("POST", "/api/chat", json={"question": QUESTION, "insurer": None, "history": []}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = sse_events(response)
    names = [name for name, _ in events]
    assert names[-2:] == ["answer", "done"] and set(names[:-2]) == {"delta"} and len(names) > 3
    streamed = "".join(data["text"] for name, data in events if name == "delta")
    final = events[-2][1]
    assert streamed == final["answer"] == ask(client)["answer"]
    assert Answer.model_validate(final).citations


def test_chat_refuses_bad_input_before_streaming(client):
    assert "leeg" in refused(client.post("/api/chat", json={"question": "   "}), 400)
    refused(client.post("/api/chat", json={"question": QUESTION, "insurer": "DSW"}), 400)
    still_serving(client)


def test_unknown_passage_is_404(client):
    assert "bestaat niet" in refused(client.get("/api/passages/0123456789abcdef"), 404)
    refused(client.get("/api/passages/..%2F..%2Fetc%2Fpasswd"), 404)
    still_serving(client)


@pytest.mark.parametrize(
    ("request_kwargs", "status", "words"),
    [
        ({"content": b'{"question": "Wat eist CZ', "headers": {"content-type": "application/json"}}, 422, "geen geldige JSON"),
        ({"content": b"", "headers": {"content-type": "application/json"}}, 422, "leeg"),
        ({"content": b'{"question": "\xff\xfe"}', "headers": {"content-type": "application/json"}}, 400, "UTF-8"),
        ({"json": ["Wat eist CZ voor bouwsteen 4?"]}, 422, "JSON-object"),
        ({"json": {"vraag": "Wat eist CZ?"}}, 422, "vraag ontbreekt"),
        ({"json": {"question": 42}}, 422, "moet tekst zijn"),
        ({"json": {"question": QUESTION, "history": "eerder"}}, 422, "lijst"),
        ({"json": {"question": QUESTION, "history": [{"role": "system", "content": "x"}]}}, 422, "'user' of 'assistant'"),
        ({"json": {"question": QUESTION, "history": [{"role": "user", "content": "Vraag?"}] * 21}}, 400, "maximum is 20"),
        ({"json": {"question": ""}}, 400, "leeg"),
        ({"json": {"question": "x" * 1001}}, 400, "maximum"),
        ({"json": {"question": QUESTION, "insurer": "DSW"}}, 400, "Onbekende verzekeraar"),
        ({"json": {"question": "x" * 2_000_000}}, 413, "groter dan 1 MB"),
    ],
    ids=["malformed-json", "empty-body", "not-utf8", "not-an-object", "missing-question", "wrong-type", "history-not-a-list",
         "bad-role", "history-too-long", "empty-question", "question-too-long", "unknown-insurer", "body-too-large"],
)
def test_bad_ask_requests_are_refused_readably(client, request_kwargs, status, words):
    assert words in refused(client.post("/api/ask", **request_kwargs), status)
    still_serving(client)


def test_oversized_body_without_content_length_is_refused(client):
    def chunks() -> Iterator[bytes]:
        yield b'{"question": "'
        for _ in range(40):
            yield b"x" * 65536
        yield b'"}'

    assert "groter dan" in refused(client.post("/api/ask", content=chunks(), headers={"content-type": "application/json"}), 413)
    still_serving(client)


def test_wrong_method_and_unknown_route(client):
    assert "niet toegestaan" in refused(client.get("/api/ask"), 405)
    refused(client.get("/api/bestaat-niet"), 404)


# --- review and report -------------------------------------------------------------------------------


def review_upload(client: httpx.Client, data: bytes, filename: str, insurer: str | None = "CZ",
                  content_type: str = "application/octet-stream") -> httpx.Response:
    form = {"insurer": insurer} if insurer is not None else {}
    return client.post("/api/review", files={"file": (filename, data, content_type)}, data=form)


@pytest.mark.parametrize(("filename", "make"), [("concept plan.pdf", lambda: make_pdf(PLAN)), ("concept-plan.docx", plan_docx)],
                         ids=["pdf", "docx"])
def test_review_of_a_plan(client, filename, make):
    data = make()
    response = review_upload(client, data, filename)
    assert response.status_code == 200, response.text
    body = response.json()
    if (CONTRACT / "review.schema.json").exists():
        jsonschema.validate(body, json.loads((CONTRACT / "review.schema.json").read_text()))
    review = Review.model_validate(body)
    assert review.plan == filename and review.insurer == "CZ"
    review_covers_insurer_only(review)
    extracted = load_bytes(data, filename)
    review_evidence_is_verbatim(review, extracted.text, extracted.page_at)
    assert review.summary.met + review.summary.partial > 0, "the plan names participants, area and activities"
    if filename.endswith(".pdf"):
        assert {e.page for f in review.findings for e in f.evidence} <= {1, 2}
    else:
        assert all(e.page is None for f in review.findings for e in f.evidence)


def test_review_file_name_is_only_a_label(client):
    response = review_upload(client, plan_docx(), "../../etc/<b>plan</b>.docx", insurer="vgz")
    assert response.status_code == 200, response.text
    review = response.json()
    assert "/" not in review["plan"] and "<" not in review["plan"] and review["plan"].endswith(".docx")
    assert review["insurer"] == "VGZ"


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_report_download(client, fmt):
    review = review_upload(client, make_pdf(PLAN), "plan-lingeland.pdf").json()
    response = client.post(f"/api/report?format={fmt}", json=review)
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == f'attachment; filename="beoordeling-plan-lingeland-{review["insurer"]}.{fmt}"'
    assert response.headers["content-type"].startswith("text/markdown" if fmt == "md" else "text/html")
    assert "plan-lingeland.pdf" in response.text
    first_missing = next(f for f in review["findings"] if f["status"] == "missing")
    assert first_missing["requirement"].split()[0] in response.text


def test_report_refuses_what_is_not_a_review(client):
    refused(client.post("/api/report?format=pdf", json={}), 422)
    assert "findings" in refused(client.post("/api/report?format=md", json={"plan": "x.pdf", "insurer": "CZ"}), 422)
    still_serving(client)


ENCRYPTED = make_pdf(PLAN, password="geheim")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


@pytest.mark.parametrize(
    ("filename", "data", "insurer", "status", "words"),
    [
        ("plan.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage without xref", "CZ", 422, ""),
        ("plan.pdf", ENCRYPTED, "CZ", 422, "beveiligd"),
        ("plan.pdf", b"", "CZ", 422, "leeg"),
        ("plan.pdf", PNG, "CZ", 415, "geen PDF"),
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(512), "CZ", 415, "ondersteund"),
        ("plan.docx", b"PK\x03\x04" + bytes(200), "CZ", 415, ""),
        ("plan.pdf", make_pdf(PLAN), "DSW", 400, "Onbekende verzekeraar"),
        ("plan.pdf", make_pdf(PLAN), "", 400, "verzekeraar"),
        ("plan.pdf", make_pdf(PLAN), None, 422, "verzekeraar"),
    ],
    ids=["corrupt-pdf", "encrypted-pdf", "empty-file", "png-named-pdf", "exe", "zip-named-docx", "unknown-insurer",
         "empty-insurer", "missing-insurer"],
)
def test_bad_uploads_are_refused_readably(client, filename, data, insurer, status, words):
    detail = refused(review_upload(client, data, filename, insurer), status)
    assert words.lower() in detail.lower()
    still_serving(client)


def test_upload_without_file_or_as_json_is_refused(client):
    assert "plan" in refused(client.post("/api/review", data={"insurer": "CZ"}, files={"x": ("", b"")}), 422)
    assert "multipart" in refused(client.post("/api/review", json={"file": "plan.pdf", "insurer": "CZ"}), 400)
    truncated = client.post("/api/review", content=b"--x\r\nrommel", headers={"content-type": "multipart/form-data; boundary=x"})
    assert "onvolledig" in refused(truncated, 400)
    still_serving(client)


# --- a server with a token and a 1 MB upload limit ------------------------------------------------------


@pytest.fixture(scope="module")
def guarded(guarded_server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=guarded_server.url, timeout=60) as client:
        yield client


@pytest.fixture(scope="module")
def token(guarded_server: Server) -> dict[str, str]:
    return {"Authorization": f"Bearer {guarded_server.token}"}


@pytest.mark.parametrize("scheme", ["", "Bearer fout-token", "Basic {token}", "Bearer", "bearer {token}x"],
                         ids=["missing", "wrong", "other-scheme", "empty", "token-prefix"])
def test_api_needs_the_token(guarded, guarded_server, token, scheme):
    headers = {"Authorization": scheme.format(token=guarded_server.token)} if scheme else {}
    for method, path, kwargs in [("POST", "/api/ask", {"json": {"question": QUESTION}}), ("GET", "/api/insurers", {}),
                                 ("POST", "/api/review", {"files": {"file": ("plan.pdf", b"x")}}),
                                 ("POST", "/api/ask", {"content": b"{kapot"})]:
        response = guarded.request(method, path, headers=headers, **kwargs)
        assert "token" in refused(response, 401).lower()
        assert response.headers["www-authenticate"] == "Bearer"
    assert guarded.post("/api/ask", json={"question": QUESTION}, headers=token).status_code == 200


def test_page_health_and_docs_stay_open_with_a_token(guarded):
    for path in ("/", "/static/app.js", "/healthz", "/docs", "/openapi.json"):
        assert guarded.get(path).status_code == 200, path


def test_upload_size_and_page_limits(guarded, token):
    big = make_pdf(PLAN) + b"\n%" + b"0" * (1024 * 1024)
    response = guarded.post("/api/review", files={"file": ("plan.pdf", big)}, data={"insurer": "CZ"}, headers=token)
    assert "1 MB" in refused(response, 413)

    boundary = "resv-grens"
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="insurer"\r\n\r\nCZ\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="plan.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n").encode()

    def chunked() -> Iterator[bytes]:  # no Content-Length: the server has to count
        yield head
        for _ in range(24):
            yield b"%" * 65536
        yield f"\r\n--{boundary}--\r\n".encode()

    multipart = {"content-type": f"multipart/form-data; boundary={boundary}"}
    response = guarded.post("/api/review", content=chunked(), headers={**token, **multipart})
    assert "1 MB" in refused(response, 413)

    three_pages = make_pdf(PLAN + [["Bijlage: deelnemerslijst"]])
    response = guarded.post("/api/review", files={"file": ("plan.pdf", three_pages)}, data={"insurer": "CZ"}, headers=token)
    assert "de grens is 2" in refused(response, 413)
    assert guarded.post("/api/ask", json={"question": QUESTION}, headers=token).status_code == 200


def test_no_request_leaves_a_traceback(api_server: Server):
    log = api_server.log()
    assert "Traceback" not in log, log[-3000:]
    assert re.search(r'"POST /api/ask HTTP/1.1" 200', log)
