"""The HTTP edge of the `Assistant`: JSON API, streamed chat, plan uploads and the web app.

    resv serve --port 8000                               # uvicorn, one worker
    uvicorn assistant.api:create_app --factory           # the same app

The service adds no logic of its own beyond transport. Routes (every `/api/*` route needs
`Authorization: Bearer <token>` when `RESV_API_TOKEN` is set):

    GET  /healthz                 200 {"status": "ok"} once the index is loaded, 503 before
    POST /api/ask                 {"question", "insurer", "history"} -> answer object (contract)
    POST /api/chat                the same answer as server-sent events: delta…, answer, done
    GET  /api/insurers            {"insurers": [...]}
    GET  /api/documents           {"documents": [...]}
    POST /api/documents           multipart `file` + `kind` + `title` [+ `insurer`, `version`, `origin`, `id`] -> manifest entry
    DELETE /api/documents/{id}    -> the removed manifest entry
    GET  /api/passages/{id}       a passage in its document context, for the source viewer
    POST /api/review              multipart `file` + `insurer` -> review object (contract)
    POST /api/report?format=md    review object -> the report as a download (md or html)
    GET  /                        the web app (`web/index.html`); its files under /static
    GET  /docs                    OpenAPI documentation

Every error is `{"detail": "<Dutch message a person can act on>"}`: a `ResvError` with its own
status, request validation 422, anything else 500 "Interne fout" (logged, no traceback sent).
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import threading
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, MultipartState, parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.domain import get_domain
from assistant.errors import BadInputError, FileTooLargeError, IndexNotReadyError, ResvError
from assistant.models import Answer, ChatTurn, DocumentInfo, Review
from assistant.service import Assistant, DocumentSummary, PassageView
from assistant.settings import PROJECT_ROOT

log = logging.getLogger("assistant.api")

WEB_DIR = PROJECT_ROOT / "web"
JSON_BODY_LIMIT = 1024 * 1024  # ask and chat: 20 turns of history fit several times over
REPORT_BODY_LIMIT = 16 * 1024 * 1024  # a review object with every finding and quote
FORM_OVERHEAD = 64 * 1024  # multipart boundaries, part headers and the insurer field
MAX_FORM_PARTS = 8
MAX_FIELD_BYTES = 1024
DELTA_CHARS = 80


# --- request and response shapes -------------------------------------------------------------


class AskRequest(BaseModel):
    question: str = Field(description="De vraag, in het Nederlands of het Engels.", examples=["Welke eisen stelt VGZ aan bouwsteen 2?"])
    insurer: str | None = Field(None, description="Beperk tot het beleid van één verzekeraar (plus de handreiking).")
    history: list[ChatTurn] = Field(
        default_factory=list, description="Eerdere beurten van het gesprek, oudste eerst; de server bewaart geen sessies."
    )


class InsurerList(BaseModel):
    insurers: list[str]


class DocumentList(BaseModel):
    documents: list[DocumentSummary]


class Health(BaseModel):
    status: Literal["ok", "loading", "error"]
    detail: str | None = None


class ErrorBody(BaseModel):
    detail: str


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in [(400, "Ongeldige invoer"), (401, "Token ontbreekt of is onjuist"), (422, "Ongeldige aanvraag"),
                         (503, "De index wordt nog geladen")]
}


# --- warm-up -----------------------------------------------------------------------------------


NOT_READY_HINT = ("De assistent is niet beschikbaar: de index kon niet worden geladen. De oorzaak staat in het serverlog; "
                  "bouw de index zo nodig opnieuw met `resv ingest`.")


class Readiness:
    """Loads (or first builds) the index in a background thread, so the server answers /healthz at once."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.error: str | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None and not self.assistant.ready:
            self._thread = threading.Thread(target=self._warm_up, name="resv-warm-up", daemon=True)
            self._thread.start()

    def _warm_up(self) -> None:
        began = time.perf_counter()
        try:
            self.assistant.warm_up(_log_progress)
        except ResvError as exc:
            self.error = exc.message
            log.error("De index kon niet worden geladen: %s", exc.message)
            return
        except Exception:  # a bug: keep serving /healthz with a message, log the traceback
            self.error = "Interne fout bij het laden van de index; zie het serverlog."
            log.exception("De index kon niet worden geladen")
            return
        log.info("Index geladen in %.1f s; de assistent is gereed.", time.perf_counter() - began)

    def require(self) -> None:
        """`IndexNotReadyError` (503) until the index is loaded."""
        if self.assistant.ready:
            return
        if self.error:
            raise IndexNotReadyError(NOT_READY_HINT)
        raise IndexNotReadyError("De index wordt nog geladen; probeer het over enkele seconden opnieuw.")


def _log_progress(stage: str, done: int, total: int) -> None:
    if stage != "embedden" or done >= total or done % 64 == 0:
        log.info("index bouwen: %s %d/%d", stage, done, total)


async def ready_assistant(request: Request) -> Assistant:
    """The assistant, once its index is loaded (503 before)."""
    request.app.state.readiness.require()
    return request.app.state.assistant


# --- routes --------------------------------------------------------------------------------------

router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)


@router.post("/ask", response_model=Answer, summary="Beantwoord een vraag")
def ask(body: AskRequest, assistant: Assistant = Depends(ready_assistant)) -> Answer:
    """One answer object; `history` makes follow-ups such as "En voor VGZ?" work without server state."""
    return assistant.ask(body.question, body.insurer, body.history)


@router.post(
    "/chat",
    response_class=StreamingResponse,
    summary="Beantwoord een vraag als stroom (server-sent events)",
    responses={200: {"content": {"text/event-stream": {}}, "description": "event: delta…, answer, done (or error)"}},
)
def chat(body: AskRequest, assistant: Assistant = Depends(ready_assistant)) -> StreamingResponse:
    """`event: delta` chunks of the answer text, `event: answer` with the answer object, then `event: done`.

    Invalid input is refused as ordinary JSON before the stream starts; a failure after that is
    sent as `event: error` with `{"detail": ...}`.
    """
    assistant.check_question(body.question)
    assistant.resolve_insurer(body.insurer)
    assistant.check_history(body.history)
    return StreamingResponse(
        _answer_events(assistant, body),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _answer_events(assistant: Assistant, body: AskRequest) -> AsyncIterator[str]:
    try:
        answer = await run_in_threadpool(assistant.ask, body.question, body.insurer, body.history)
    except ResvError as exc:
        yield _event("error", {"detail": exc.message})
        return
    except Exception:  # the status line is sent: report in the stream, log the traceback
        log.exception("POST /api/chat faalde")
        yield _event("error", {"detail": "Interne fout"})
        return
    for chunk in text_chunks(answer.answer):
        yield _event("delta", {"text": chunk})
    yield _event("answer", answer.model_dump(mode="json"))
    yield _event("done", {})


def _event(name: str, data: object) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def text_chunks(text: str, width: int = DELTA_CHARS) -> Iterator[str]:
    """`text` in pieces of about `width` characters, split after a line or a word; they join to `text`."""
    for line in text.splitlines(keepends=True):
        piece = ""
        for word in re.split(r"(?<=\s)(?=\S)", line):
            if piece and len(piece) + len(word) > width:
                yield piece
                piece = ""
            piece += word
        if piece:
            yield piece


@router.get("/insurers", response_model=InsurerList, summary="De verzekeraars in het corpus")
def insurers() -> InsurerList:
    return InsurerList(insurers=get_domain().insurer_names)


@router.post("/documents", response_model=DocumentInfo, status_code=201, summary="Voeg een document toe aan het corpus",
             responses={409: {"model": ErrorBody, "description": "Het document staat er al"}})
async def add_document(request: Request, assistant: Assistant = Depends(ready_assistant)) -> DocumentInfo:
    """Multipart `file`, `kind`, `title` and optional `insurer`, `version`, `origin`, `id`: validated, indexed, then stored."""
    upload = await read_upload(request, assistant.settings.max_upload_bytes, required=("kind", "title"))
    f = upload.fields
    return await run_in_threadpool(lambda: assistant.add_document(
        upload.data, upload.filename, kind=f["kind"], title=f["title"], insurer=f.get("insurer") or None,
        version=f.get("version") or None, origin=f.get("origin") or None, document_id=f.get("id") or None))


@router.delete("/documents/{document_id}", response_model=DocumentInfo, summary="Haal een document uit het corpus")
def remove_document(document_id: str, assistant: Assistant = Depends(ready_assistant)) -> DocumentInfo:
    return assistant.remove_document(document_id)


@router.get("/documents", response_model=DocumentList, summary="De documenten in de index")
def documents(assistant: Assistant = Depends(ready_assistant)) -> DocumentList:
    return DocumentList(documents=assistant.documents())


@router.get("/passages/{passage_id}", response_model=PassageView, summary="Een passage in haar context",
            responses={404: {"model": ErrorBody, "description": "Onbekende passage"}})
def passage(passage_id: str, assistant: Assistant = Depends(ready_assistant)) -> PassageView:
    return assistant.passage(passage_id)


_REVIEW_FORM = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "insurer"],
                    "properties": {
                        "file": {"type": "string", "format": "binary",
                                 "description": "Het concept-plan: PDF, DOCX, Markdown of tekst."},
                        "insurer": {"type": "string", "description": "De verzekeraar die marktleider is in de regio.",
                                    "examples": ["CZ"]},
                    },
                }
            }
        },
    }
}


@router.post("/review", response_model=Review, openapi_extra=_REVIEW_FORM, summary="Beoordeel een concept-RESV-plan",
             responses={413: {"model": ErrorBody, "description": "Bestand te groot"},
                        415: {"model": ErrorBody, "description": "Bestandstype niet ondersteund"}})
async def review(request: Request, assistant: Assistant = Depends(ready_assistant)) -> Review:
    """The plan is read into memory only, checked by its content, reviewed and forgotten."""
    upload = await read_upload(request, assistant.settings.max_upload_bytes)
    began = time.perf_counter()
    result = await run_in_threadpool(assistant.review, upload.data, upload.filename, upload.insurer)
    if result.seconds is None:
        result.seconds = round(time.perf_counter() - began, 2)
    return result


@router.post("/report", response_class=Response, summary="Het rapport van een beoordeling",
             responses={200: {"content": {"text/markdown": {}, "text/html": {}}, "description": "Het rapport als download"}})
def report(review: Review, fmt: Literal["md", "html"] = Query("md", alias="format", description="md of html")) -> Response:
    """Render a review object (as `POST /api/review` returned it) as a Markdown or HTML file."""
    from assistant.report import render

    media = "text/markdown" if fmt == "md" else "text/html"
    return Response(render(review, fmt), media_type=f"{media}; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{report_filename(review, fmt)}"'})


def report_filename(review: Review, fmt: str) -> str:
    """'beoordeling-plan-lingeland-VGZ.md': which plan and insurer, safe as a file name anywhere."""
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", review.plan)
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", f"{stem}-{review.insurer}").strip("-")[:100]
    return f"beoordeling-{safe or 'plan'}.{fmt}"


# --- uploads --------------------------------------------------------------------------------------


@dataclass
class Upload:
    filename: str
    data: bytes
    fields: dict[str, str]

    @property
    def insurer(self) -> str:
        return self.fields["insurer"]


async def read_upload(request: Request, max_bytes: int, required: tuple[str, ...] = ("insurer",)) -> Upload:
    """The `file` and the text fields of a multipart body, in memory, refusing more than `max_bytes`.

    The size is counted while reading (a missing or false Content-Length changes nothing). Past the
    limit the rest of the body is read and dropped, so the client receives the 413 instead of a
    reset connection; a body beyond four times the limit is not read at all.
    """
    content_type, params = parse_options_header(request.headers.get("content-type"))
    if content_type != b"multipart/form-data" or not params.get(b"boundary"):
        raise BadInputError("Stuur het plan als multipart/form-data met de velden 'file' (het plan) en 'insurer' (de verzekeraar).")
    too_large = FileTooLargeError(f"Het bestand is groter dan {_megabytes(max_bytes)}, de grens voor een plan. "
                                  "Verklein het (bijvoorbeeld zonder afbeeldingen) of splits het.")
    drain_limit = 4 * max_bytes + FORM_OVERHEAD
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > drain_limit:
        raise too_large
    form = _Form(max_bytes)
    parser = MultipartParser(params[b"boundary"], form.callbacks)
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > drain_limit:
                raise too_large
            if not form.too_large and received <= max_bytes + FORM_OVERHEAD:
                parser.write(chunk)
        if form.too_large or received > max_bytes + FORM_OVERHEAD:
            raise too_large
        parser.finalize()
        if parser.state != MultipartState.END:
            raise BadInputError("Het formulier is onvolledig ontvangen; stuur het plan opnieuw.")
    except FormParserError as exc:
        raise BadInputError("Het formulier kon niet worden gelezen; stuur multipart/form-data met 'file' en 'insurer'.") from exc
    missing = [name for name, value in (("file", form.filename), *((f, form.fields.get(f)) for f in required)) if value is None]
    if missing:
        raise RequestValidationError([{"type": "missing", "loc": ("body", name), "msg": "Field required", "input": None}
                                      for name in missing])
    assert form.filename is not None
    return Upload(filename=plan_name(form.filename), data=bytes(form.file), fields=dict(form.fields))


class _Form:
    """Callbacks for python-multipart's streaming parser: collects one file and small text fields."""

    def __init__(self, max_file_bytes: int) -> None:
        self.max_file_bytes = max_file_bytes
        self.file = bytearray()
        self.filename: str | None = None
        self.fields: dict[str, str] = {}
        self.too_large = False
        self._parts = 0
        self._header_name = bytearray()
        self._header_value = bytearray()
        self._headers: dict[str, str] = {}
        self._name = ""
        self._is_file = False
        self._value = bytearray()
        self.callbacks = {
            "on_part_begin": self._part_begin,
            "on_header_field": lambda data, start, end: self._header_name.extend(data[start:end]),
            "on_header_value": lambda data, start, end: self._header_value.extend(data[start:end]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
        }

    def _part_begin(self) -> None:
        self._parts += 1
        if self._parts > MAX_FORM_PARTS:
            raise BadInputError("Het formulier heeft te veel velden; stuur alleen 'file' en 'insurer'.")
        self._headers = {}
        self._value = bytearray()

    def _header_end(self) -> None:
        self._headers[self._header_name.decode("latin-1").strip().lower()] = self._header_value.decode("latin-1")
        self._header_name, self._header_value = bytearray(), bytearray()

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get("content-disposition"))
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        self._is_file = self._name == "file" and filename is not None
        if self._is_file and filename:
            self.filename = filename.decode("utf-8", "replace")
            self.file = bytearray()

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._is_file:
            if len(self.file) + (end - start) > self.max_file_bytes:
                self.too_large = True
                return
            self.file.extend(data[start:end])
        else:
            if len(self._value) + (end - start) > MAX_FIELD_BYTES:
                raise BadInputError(f"Het veld '{self._name}' is te lang.")
            self._value.extend(data[start:end])

    def _part_end(self) -> None:
        if not self._is_file and self._name:
            self.fields[self._name] = self._value.decode("utf-8", "replace").strip()


_UNSAFE_NAME = re.compile(r"[^\w .,()+\-]")


def plan_name(raw: str) -> str:
    """The uploaded file's own name, for display only: no folders, no markup, at most 120 characters."""
    name = _UNSAFE_NAME.sub("_", re.split(r"[\\/]", raw)[-1]).strip()
    return name[-120:] or "plan"


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:.1f}".removesuffix(".0").replace(".", ",") + " MB"


# --- errors -----------------------------------------------------------------------------------------


def _error(status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    return JSONResponse({"detail": detail, **extra}, status_code=status, headers=headers)


async def _on_resv_error(request: Request, exc: ResvError) -> JSONResponse:
    headers = {401: {"WWW-Authenticate": "Bearer"}, 503: {"Retry-After": "5"}}.get(exc.status_code)
    if exc.status_code >= 500:
        log.warning("%s %s: %s", request.method, request.url.path, exc.message)
    return _error(exc.status_code, exc.message, headers)


async def _on_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    brief = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in errors]
    return _error(422, validation_message(errors), errors=brief)


async def _on_http_error(request: Request, exc: HTTPException) -> Response:
    messages = {
        400: "De aanvraag kon niet worden gelezen; stuur geldige JSON in UTF-8.",  # FastAPI: "error parsing the body"
        404: f"Niet gevonden: {request.url.path}",
        405: f"{request.method} is niet toegestaan op {request.url.path}.",
    }
    return _error(exc.status_code, messages.get(exc.status_code, str(exc.detail)), dict(exc.headers or {}))


async def _on_unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # Starlette re-raises after this response, so the server logs the traceback once more.
    log.error("%s %s faalde: %s: %s", request.method, request.url.path, type(exc).__name__, exc)
    return _error(500, "Interne fout")


_FRIENDLY_MISSING = {
    "question": "De vraag ontbreekt: stuur JSON zoals {\"question\": \"Welke eisen stelt VGZ aan bouwsteen 2?\"}.",
    "file": "Kies een plan om te beoordelen (het veld 'file' ontbreekt).",
    "insurer": "Kies de verzekeraar die marktleider is in de regio van het plan (het veld 'insurer' ontbreekt).",
}


def validation_message(errors: Sequence[dict[str, Any]]) -> str:
    """One Dutch sentence for pydantic's list of validation errors."""
    parts = []
    for error in errors:
        kind = error.get("type", "")
        loc = [str(x) for x in error.get("loc", ()) if x not in ("body", "query", "path")]
        field = ".".join(loc)
        if kind == "json_invalid":
            reason = (error.get("ctx") or {}).get("error", "")
            return f"De aanvraag is geen geldige JSON ({reason}). Stuur een JSON-object met Content-Type: application/json."
        if kind == "missing" and not loc:
            return "De aanvraag is leeg: stuur een JSON-object."
        if kind == "missing" and field in _FRIENDLY_MISSING:
            return _FRIENDLY_MISSING[field]
        if kind == "missing":
            parts.append(f"het veld '{field}' ontbreekt")
        elif kind in ("model_attributes_type", "dict_type", "model_type") and not loc:
            return "De aanvraag moet een JSON-object zijn, zoals {\"question\": \"...\"}."
        elif kind in ("model_attributes_type", "dict_type", "model_type"):
            parts.append(f"'{field}' moet een object zijn")
        elif kind == "string_type":
            parts.append(f"'{field}' moet tekst zijn")
        elif kind == "list_type":
            parts.append(f"'{field}' moet een lijst zijn")
        elif kind in ("int_type", "int_parsing", "int_from_float"):
            parts.append(f"'{field}' moet een geheel getal zijn")
        elif kind in ("bool_type", "bool_parsing"):
            parts.append(f"'{field}' moet true of false zijn")
        elif kind == "literal_error":
            expected = str((error.get("ctx") or {}).get("expected", "")).replace(" or ", " of ")
            parts.append(f"'{field}' moet {expected} zijn")
        else:
            parts.append(f"'{field}' is ongeldig ({error.get('msg', kind)})")
    shown = parts[:3] + ([f"en nog {len(parts) - 3} fout(en)"] if len(parts) > 3 else [])
    return "Ongeldige aanvraag: " + "; ".join(shown) + "."


# --- middleware -------------------------------------------------------------------------------------


class BearerToken:
    """Every `/api` request must carry `Authorization: Bearer <token>`; the page, /healthz and /docs stay open."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and (path == "/api" or path.startswith("/api/")):
            scheme, _, given = Headers(scope=scope).get("authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not given.strip():
                detail = "Deze server vraagt om een API-token: stuur de kop 'Authorization: Bearer <token>'."
            elif not secrets.compare_digest(given.strip().encode(), self.token):
                detail = "Het API-token is onjuist."
            else:
                detail = ""
            if detail:
                await _error(401, detail, {"WWW-Authenticate": "Bearer"})(scope, receive, send)
                return
        await self.app(scope, receive, send)


class BodyLimit:
    """Refuses JSON bodies over a size limit with 413, counted while reading (uploads count their own)."""

    def __init__(self, app: ASGIApp, limits: dict[str, int], default: int, exempt: Sequence[str] = ()) -> None:
        self.app = app
        self.limits = limits
        self.default = default
        self.exempt = set(exempt)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith("/api/") or path in self.exempt:
            await self.app(scope, receive, send)
            return
        limit = self.limits.get(path, self.default)
        too_large = f"De aanvraag is groter dan {_megabytes(limit)}, de grens voor {path}."
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _error(413, too_large)(scope, receive, send)
            return
        received = 0

        async def receive_within_limit() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(413, too_large)  # FastAPI passes it on to `_on_http_error`
            return message

        await self.app(scope, receive_within_limit, send)


_CONTENT_SECURITY = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                     "frame-ancestors 'none'; form-action 'self'")


class SecurityHeaders:
    """nosniff everywhere; the web app gets a strict Content-Security-Policy and is revalidated on every load."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        page = path == "/" or path.startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                headers += [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
                if page:
                    headers += [(b"content-security-policy", _CONTENT_SECURITY.encode()), (b"cache-control", b"no-cache")]
            await send(message)

        await self.app(scope, receive, send_with_headers)


# --- the app --------------------------------------------------------------------------------------


def create_app(assistant: Assistant | None = None) -> FastAPI:
    """The web app and API over `assistant` (a new one from the environment's settings by default)."""
    assistant = assistant or Assistant()
    readiness = Readiness(assistant)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        readiness.start()
        yield

    app = FastAPI(
        title="RESV-assistent",
        summary="Vragen over de handreiking en het inkoopbeleid, met controleerbare bronnen; RESV-plannen beoordelen.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served below from an installed package: no CDN, works offline
    )
    app.state.assistant = assistant
    app.state.readiness = readiness
    app.add_exception_handler(ResvError, _on_resv_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(HTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected_error)
    app.include_router(router)

    @app.get("/healthz", response_model=Health, tags=["status"], summary="Gereed?",
             responses={503: {"model": Health, "description": "De index wordt nog geladen"}})
    def healthz() -> JSONResponse:
        if assistant.ready:
            return JSONResponse({"status": "ok"})
        if readiness.error:
            # Unauthenticated: says that, never why (the cause can hold a server URL with its credentials).
            return JSONResponse({"status": "error", "detail": NOT_READY_HINT}, status_code=503)
        return JSONResponse({"status": "loading", "detail": "De index wordt geladen."}, status_code=503,
                            headers={"Retry-After": "2"})

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        page = WEB_DIR / "index.html"
        if not page.is_file():
            raise HTTPException(404)
        return FileResponse(page, media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=WEB_DIR, check_dir=False), name="static")
    _add_docs(app)
    app.add_middleware(BodyLimit, limits={"/api/report": REPORT_BODY_LIMIT}, default=JSON_BODY_LIMIT, exempt=["/api/review"])
    if assistant.settings.api_token:
        app.add_middleware(BearerToken, token=assistant.settings.api_token)
    app.add_middleware(SecurityHeaders)
    return app


def _add_docs(app: FastAPI) -> None:
    """OpenAPI docs at /docs with Swagger UI 5 (OpenAPI 3.1) from the `swagger-ui-py` package."""
    import swagger_ui
    from fastapi.openapi.docs import get_swagger_ui_html

    assets = Path(swagger_ui.__file__).parent / "static"
    app.mount("/docs-assets", StaticFiles(directory=assets), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json", title="RESV-assistent – API",
                                   swagger_js_url="/docs-assets/swagger-ui-bundle.js",
                                   swagger_css_url="/docs-assets/swagger-ui.css",
                                   swagger_favicon_url="/docs-assets/favicon-32x32.png")


def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the app with uvicorn in one worker; the index loads in the background (see /healthz)."""
    import uvicorn
    from uvicorn.config import LOGGING_CONFIG

    logging_config = json.loads(json.dumps(LOGGING_CONFIG))
    logging_config["loggers"]["assistant"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    uvicorn.run(create_app(), host=host, port=port, workers=1, log_config=logging_config, timeout_graceful_shutdown=5)


__all__ = ["create_app", "serve", "text_chunks", "validation_message"]
