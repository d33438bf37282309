"""Errors to responses, in one place: every error is `{"detail": "<Dutch message>"}` with its status.

A `ResvError` brings its own status; request validation is 422 with one Dutch sentence; Starlette's
HTTP errors get Dutch text; anything else is a bug: 500 "Interne fout", logged, no traceback sent.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from assistant.api.headers import security_headers
from assistant.errors import ResvError

log = logging.getLogger("assistant.api")


def install(app: FastAPI) -> None:
    """Register the handlers on `app`."""
    app.add_exception_handler(ResvError, _on_resv_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(HTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected_error)


def error_response(status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    """The JSON error body every refusal uses."""
    return JSONResponse({"detail": detail, **extra}, status_code=status, headers=headers)


def resv_error_response(exc: ResvError) -> JSONResponse:
    """A domain error as its status and message; the middleware answers with it too."""
    headers = {401: {"WWW-Authenticate": "Bearer"}, 503: {"Retry-After": "5"}}.get(exc.status_code)
    return error_response(exc.status_code, exc.message, headers)


async def _on_resv_error(request: Request, exc: ResvError) -> JSONResponse:
    if exc.status_code >= 500:
        log.warning("%s %s: %s", request.method, request.url.path, exc.message)
    return resv_error_response(exc)


async def _on_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    brief = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in errors]
    return error_response(422, validation_message(errors), errors=brief)


async def _on_http_error(request: Request, exc: HTTPException) -> Response:
    messages = {
        400: "De aanvraag kon niet worden gelezen; stuur geldige JSON in UTF-8.",  # FastAPI: "error parsing the body"
        404: f"Niet gevonden: {request.url.path}",
        405: f"{request.method} is niet toegestaan op {request.url.path}.",
    }
    return error_response(exc.status_code, messages.get(exc.status_code, str(exc.detail)), dict(exc.headers or {}))


async def _on_unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # Starlette re-raises after this response, so the server logs the traceback once more. The response
    # leaves through Starlette's outermost layer, past the middleware: it takes the security headers itself.
    log.error("%s %s faalde: %s: %s", request.method, request.url.path, type(exc).__name__, exc)
    response = error_response(500, "Interne fout")
    response.headers.update({name.decode(): value.decode() for name, value in security_headers(request.url.path)})
    return response


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
