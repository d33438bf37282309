"""Fuzz and abuse over every HTTP route, against real `resv serve` processes (tests as specifications).

Whatever arrives (JSON of any shape or depth, text with lone surrogates, control or direction
characters, wrong Content-Types, broken multipart bodies, random bytes named .pdf/.docx/.md, paths
full of traversal and encoded junk, wrong tokens) the answer is never a 5xx, a refusal is JSON
`{"detail": "<Dutch sentence>"}`, no response carries a traceback, every response has the security
headers and comes within `BOUND_SECONDS`, and afterwards the server is healthy, still answers and
has lost none of its documents.

Read-only routes go to the session's `api_server` and `guarded_server`; adding and removing
documents goes to `corpus_server`, which owns a copy of the corpus.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assistant.api.app import WEB_DIR
from tests.fuzz_inputs import (INSURERS, ask_bodies, content_types, encode, hostile_text, json_values, multipart_bodies, nested,
                               questions, raw_paths, upload_bytes, upload_names)
from tests.invariants import no_traceback
from tests.server import Server, copy_index, running_server
from tests.test_api import QUESTION, plan_docx


BOUND_SECONDS = 10.0
SECURITY_HEADERS = ("content-security-policy", "x-frame-options", "x-content-type-options")
# A Dutch sentence has at least one of these words; an English fallback such as "Not Found" has none.
DUTCH_WORDS = re.compile(r"\b(de|het|een|niet|geen|is|van|op|moet|stuur|kies|aanvraag|veld|gevonden|fout|te|en|of)\b", re.I)


def fuzz(examples: int) -> settings:
    """Modest, repeatable runs: the same examples every time, no deadline (the bound is checked per request)."""
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])


# --- what every response must be ------------------------------------------------------------------------


def well_behaved(response: httpx.Response, seconds: float, body: str | None = None) -> None:
    """No 5xx, security headers, bounded time, no traceback, and a 4xx is a Dutch JSON refusal."""
    request = f"{response.request.method} {response.request.url.raw_path[:200]!r}"
    assert response.status_code < 500, (request, response.status_code, response.text[:500])
    assert seconds < BOUND_SECONDS, (request, f"{seconds:.1f} s")
    for name in SECURITY_HEADERS:
        assert response.headers.get(name), (request, name, dict(response.headers))
    if response.request.method == "HEAD":
        return
    text = response.text if body is None else body
    no_traceback(text)
    if response.status_code >= 400:
        assert response.headers.get("content-type", "").startswith("application/json"), (request, response.headers)
        detail = json.loads(text)["detail"]
        assert isinstance(detail, str) and len(detail) > 10 and DUTCH_WORDS.search(detail), (request, detail)


def send(client: httpx.Client, method: str, path: str, content: bytes | None = None,
         headers: dict[str, str] | None = None, raw_path: str | None = None) -> httpx.Response:
    """One request, sent exactly as given (`raw_path` bypasses URL normalisation), checked by `well_behaved`."""
    request = client.build_request(method, path, content=content, headers=headers)
    if raw_path is not None:
        request.url = request.url.copy_with(raw_path=raw_path.encode("ascii"))
    began = time.perf_counter()
    response = client.send(request)
    well_behaved(response, time.perf_counter() - began)
    return response


def json_headers(content_type: str | None = "application/json") -> dict[str, str]:
    """The Content-Type header, or none at all."""
    return {} if content_type is None else {"content-type": content_type}


def form(fields: dict[str, str], filename: str | None, data: bytes, boundary: str = "resv-fuzz-grens") -> tuple[bytes, dict[str, str]]:
    """A multipart body written byte for byte: names and values as UTF-8 with lone surrogates kept, nothing escaped."""

    def raw(text: str) -> bytes:
        return text.encode("utf-8", "surrogatepass")

    parts = [b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (boundary.encode(), raw(k), raw(v))
             for k, v in fields.items()]
    if filename is not None:
        parts.append(b'--%s\r\nContent-Disposition: form-data; name="file"; filename="%s"\r\n'
                     b"Content-Type: application/octet-stream\r\n\r\n%s\r\n" % (boundary.encode(), raw(filename), data))
    body = b"".join(parts) + b"--%s--\r\n" % boundary.encode()
    return body, {"content-type": f"multipart/form-data; boundary={boundary}"}


def document_ids(client: httpx.Client, headers: dict[str, str] | None = None) -> list[str]:
    """The ids of the documents the server lists, sorted."""
    response = client.get("/api/documents", headers=headers)
    assert response.status_code == 200, response.text
    return sorted(d["id"] for d in response.json()["documents"])


def healthy(client: httpx.Client, server: Server, documents: list[str], headers: dict[str, str] | None = None) -> None:
    """/healthz ok, a normal question answered with citations, the same documents listed, no traceback logged."""
    assert client.get("/healthz").json() == {"status": "ok"}
    answer = client.post("/api/ask", json={"question": QUESTION}, headers=headers)
    assert answer.status_code == 200 and answer.json()["citations"], answer.text
    assert document_ids(client, headers) == documents
    assert server.alive()
    no_traceback(server.log())


# --- servers -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(api_server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_server.url, timeout=60) as client:
        yield client


@pytest.fixture(scope="module")
def stored(client: httpx.Client) -> list[str]:
    """The documents the session server lists before the fuzzing."""
    return document_ids(client)


@pytest.fixture(scope="module")
def corpus_server(built_data_dir: Path, corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server over its own copy of the corpus: fuzzed additions and removals never touch `corpus/`."""
    root = tmp_path_factory.mktemp("fuzz-corpus")
    corpus = shutil.copytree(corpus_dir, root / "corpus")
    with running_server(copy_index(built_data_dir, root / "data"), env={"RESV_CORPUS_DIR": str(corpus)}) as server:
        yield server


@pytest.fixture(scope="module")
def corpus_client(corpus_server: Server) -> Iterator[tuple[httpx.Client, list[str]]]:
    """A client of `corpus_server` and the documents it lists before the fuzzing."""
    with httpx.Client(base_url=corpus_server.url, timeout=60) as client:
        yield client, document_ids(client)


@pytest.fixture(scope="module")
def guarded(guarded_server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=guarded_server.url, timeout=60) as client:
        yield client


@pytest.fixture(scope="module")
def review_object(client: httpx.Client) -> dict:
    """A real review object, the starting point for mutated report requests."""
    body, headers = form({"insurer": "CZ"}, "plan.docx", plan_docx())
    response = client.post("/api/review", content=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


# --- answers -------------------------------------------------------------------------------------------


@fuzz(60)
@given(body=ask_bodies())
def test_ask_survives_any_json(client, stored, body):
    response = send(client, "POST", "/api/ask", encode(body), json_headers())
    if response.status_code == 200:
        assert isinstance(response.json()["answer"], str)


@fuzz(40)
@given(question=questions(), insurer=st.one_of(st.none(), st.sampled_from(INSURERS), hostile_text(20)),
       history=st.lists(st.fixed_dictionaries({"role": st.sampled_from(["user", "assistant"]), "content": questions()}), max_size=3))
def test_ask_survives_odd_questions(client, question, insurer, history):
    response = send(client, "POST", "/api/ask", encode({"question": question, "insurer": insurer, "history": history}), json_headers())
    if response.status_code == 200:
        assert response.json()["abstained"] or response.json()["citations"]


@fuzz(25)
@given(content=st.one_of(st.binary(max_size=200), ask_bodies().map(encode)), content_type=content_types(),
       path=st.sampled_from(["/api/ask", "/api/chat", "/api/report", "/api/report?format=html", "/api/report?format=../x"]))
def test_json_routes_refuse_other_bodies_and_content_types(client, content, content_type, path):
    response = send(client, "POST", path, content, json_headers(content_type))
    media = (content_type or "").split(";")[0].strip().lower()
    assert response.status_code != 200 or media == "application/json" or media.endswith("+json"), content_type


@fuzz(12)
@given(depth=st.sampled_from([50, 1_000, 20_000, 200_000]), kind=st.sampled_from(["list", "object", "question"]),
       path=st.sampled_from(["/api/ask", "/api/chat", "/api/report"]))
def test_deeply_nested_json_is_refused(client, depth, kind, path):
    response = send(client, "POST", path, nested(depth, kind), json_headers())
    assert response.status_code in (400, 413, 422), response.text[:300]


@fuzz(6)
@given(size=st.sampled_from([1_100_000, 5_000_000]), path=st.sampled_from(["/api/ask", "/api/chat"]))
def test_huge_json_is_refused(client, size, path):
    body = encode({"question": "Wat eist CZ? " + "woord " * (size // 6)})
    assert send(client, "POST", path, body, json_headers()).status_code == 413


@fuzz(30)
@given(body=ask_bodies())
def test_chat_stream_ends_with_done_or_a_dutch_error(client, body):
    began = time.perf_counter()
    with client.stream("POST", "/api/chat", content=encode(body), headers=json_headers()) as response:
        text = response.read().decode("utf-8")
    well_behaved(response, time.perf_counter() - began, text)
    if response.status_code == 200:
        assert response.headers["content-type"].startswith("text/event-stream")
        events = re.findall(r"^event: (\w+)\ndata: (.*)$", text, re.M)
        name, data = events[-1]
        assert name in ("done", "error"), text[-500:]
        if name == "error":
            assert DUTCH_WORDS.search(json.loads(data)["detail"])


# --- uploads: review and report ----------------------------------------------------------------------------


@fuzz(50)
@given(data=upload_bytes(), filename=upload_names(), insurer=st.sampled_from(INSURERS))
def test_review_survives_random_files(client, data, filename, insurer):
    body, headers = form({"insurer": insurer}, filename, data)
    response = send(client, "POST", "/api/review", body, headers)
    if response.status_code == 200:
        assert response.json()["insurer"] == insurer


@fuzz(25)
@given(fields=st.dictionaries(st.sampled_from(["insurer", "kind", "title", "id", "version", "file", "onbekend"]) | hostile_text(10),
                              hostile_text(40), max_size=4),
       filename=st.none() | upload_names(), path=st.sampled_from(["/api/review", "/api/documents"]))
def test_upload_fields_with_hostile_text(corpus_client, fields, filename, path):
    client, _ = corpus_client
    body, headers = form(fields, filename, b"# RESV-plan\n\nAan het RESV nemen huisartsen deel.\n")
    response = send(client, "POST", path, body, headers)
    if response.status_code == 201:  # a valid document after all: take it out again
        assert send(client, "DELETE", f"/api/documents/{response.json()['id']}").status_code == 200


@fuzz(80)
@given(multipart=multipart_bodies(), path=st.sampled_from(["/api/review", "/api/documents"]))
def test_malformed_multipart_is_refused(corpus_client, multipart, path):
    client, _ = corpus_client
    body, content_type = multipart
    assert send(client, "POST", path, body, {"content-type": content_type}).status_code in (400, 413, 415, 422)


def _paths(value: object, at: tuple = ()) -> Iterator[tuple]:
    """Every place in a JSON value, as a tuple of keys and indexes (the root is `()`)."""
    yield at
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, inner in items:
        yield from _paths(inner, (*at, key))


def _at(value: object, at: tuple) -> object:
    for key in at:
        value = value[key]
    return value


def _replaced(value: object, at: tuple, new: object) -> object:
    """A copy of `value` with `new` at `at`; `value` itself is left as it was."""
    if not at:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[at[0]] = _replaced(copy[at[0]], at[1:], new)
    return copy


@fuzz(60)
@given(changes=st.lists(st.tuples(st.integers(0, 10_000), st.booleans(), hostile_text(), json_values(4)), min_size=1, max_size=3),
       fmt=st.sampled_from(["md", "html"]))
def test_report_survives_mutated_reviews(client, review_object, changes, fmt):
    """Mostly hostile text where the review has text (the report must render it), otherwise any JSON."""
    paths = list(_paths(review_object))
    mutated = review_object
    for index, as_text, text, value in changes:
        at = paths[index % len(paths)]
        try:
            mutated = _replaced(mutated, at, text if as_text or isinstance(_at(mutated, at), str) else value)
        except (KeyError, IndexError, TypeError):  # an earlier change replaced the container
            continue
    response = send(client, "POST", f"/api/report?format={fmt}", encode(mutated), json_headers())
    if response.status_code == 200:
        assert response.headers["content-disposition"].startswith('attachment; filename="beoordeling-')


# --- documents, on a server with its own corpus ------------------------------------------------------------


@fuzz(15)
@given(data=upload_bytes(), filename=upload_names(), kind=st.sampled_from(["other", "faq", "handreiking", "inkoopbeleid"]),
       insurer=st.sampled_from(["", *INSURERS]))
def test_adding_random_documents_is_refused_or_undone(corpus_client, data, filename, kind, insurer):
    client, _ = corpus_client
    body, headers = form({"kind": kind, "title": "Fuzz-document", "insurer": insurer}, filename, data)
    response = send(client, "POST", "/api/documents", body, headers)
    if response.status_code == 201:  # a readable file was accepted: take it out again
        assert send(client, "DELETE", f"/api/documents/{response.json()['id']}").status_code == 200


@fuzz(12)
@given(title=questions(), extra=st.dictionaries(st.sampled_from(["version", "origin", "id", "insurer"]),
                                                st.sampled_from(["2026\nconcept", 'C:\\map\\"x"', "\t", "a-b"]) | hostile_text(30),
                                                max_size=3))
@example(title="Akkoord Noorderveld", extra={"version": "2026\nconcept", "origin": 'C:\\map\\"x"'})  # was a 500
def test_document_entries_with_odd_text(corpus_client, title, extra):
    client, _ = corpus_client
    text = f"# {title}\n\nDe gemeenten stellen samen € 240.000 per jaar beschikbaar voor {title!r}.\n"
    body, headers = form({"kind": "other", "title": title, **extra}, "akkoord.md", text.encode("utf-8", "surrogatepass"))
    response = send(client, "POST", "/api/documents", body, headers)
    if response.status_code == 201:
        assert send(client, "DELETE", f"/api/documents/{response.json()['id']}").status_code == 200


@fuzz(30)
@given(path=raw_paths(), method=st.sampled_from(["DELETE", "GET", "POST"]))
def test_document_paths_with_junk(corpus_client, path, method):
    client, _ = corpus_client
    tail = path.split("/", 1)[1]
    send(client, method, "/", raw_path="/api/documents/" + tail.replace("?", "%3f"))


# --- paths, static files and docs ----------------------------------------------------------------------------


@fuzz(100)
@given(path=raw_paths(), method=st.sampled_from(["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST"]))
def test_any_path_is_answered_safely(client, path, method):
    response = send(client, method, "/", raw_path=path)
    if path.startswith("/static/") and response.status_code == 200 and method == "GET":
        assert response.content in {f.read_bytes() for f in WEB_DIR.iterdir() if f.is_file()}, path


@fuzz(8)
@given(path=st.sampled_from(["/healthz", "/docs", "/openapi.json", "/", "/static/app.js", "/docs-assets/swagger-ui.css",
                             "/api/insurers", "/api/documents"]),
       junk=st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=40))
def test_known_pages_with_odd_accept_headers(client, path, junk):
    assert send(client, "GET", path, headers={"accept": junk}).status_code == 200


# --- the API token ------------------------------------------------------------------------------------------


TOKEN = "resv-test-token-9f3a"  # tests.server.TOKEN, checked below
TOKEN_GUESSES = ["", "Bearer", f"Bearer {TOKEN[:-1]}", f"Bearer {TOKEN}x", f"Bearer {TOKEN.upper()}", f"Basic {TOKEN}",
                 f"Token {TOKEN}", TOKEN, f"Bearer  {TOKEN[1:]}", f"Bearer {TOKEN}\u00ff".encode("latin-1"), f"bearer\t{TOKEN}"]


def header_value(raw: bytes) -> bytes:
    """`raw` as a legal header value (visible bytes and inner spaces): uvicorn answers anything else itself."""
    return bytes(c for c in raw if c == 0x20 or (0x21 <= c <= 0xFF and c != 0x7F)).strip()


@fuzz(60)
@given(authorization=st.one_of(st.none(), st.sampled_from(TOKEN_GUESSES),
                               st.binary(max_size=60).map(header_value)),
       route=st.sampled_from([("GET", "/api/insurers"), ("GET", "/api/documents"), ("POST", "/api/ask"), ("POST", "/api/review"),
                              ("DELETE", "/api/documents/handreiking-contractering-resv"), ("GET", "/api/passages/..%2f")]))
def test_wrong_or_missing_tokens_are_refused(guarded, guarded_server, authorization, route):
    assert guarded_server.token == TOKEN
    method, path = route
    headers = {} if authorization is None else {"authorization": authorization}
    response = send(guarded, method, path, encode({"question": QUESTION}), headers)
    assert response.status_code == 401, (authorization, response.text)
    assert response.headers["www-authenticate"] == "Bearer"


# --- afterwards ---------------------------------------------------------------------------------------------


def test_servers_are_healthy_and_lost_nothing(client, stored, api_server, corpus_client, corpus_server, guarded, guarded_server):
    healthy(client, api_server, stored)
    corpus, before = corpus_client
    healthy(corpus, corpus_server, before)
    healthy(guarded, guarded_server, stored, {"Authorization": f"Bearer {TOKEN}"})
