"""ASGI middleware: the API token, body limits, the same-origin rule for state-changing requests, security headers."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.api.handlers import resv_error_response
from assistant.api.headers import security_headers
from assistant.api.uploads import megabytes
from assistant.errors import FileTooLargeError, ForbiddenError, UnauthorizedError

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_DEFAULT_PORTS = {"http": "80", "https": "443"}


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
                await resv_error_response(UnauthorizedError(detail))(scope, receive, send)
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
        too_large = f"De aanvraag is groter dan {megabytes(limit)}, de grens voor {path}."
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await resv_error_response(FileTooLargeError(too_large))(scope, receive, send)
            return
        received = 0

        async def receive_within_limit() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(413, too_large)  # FastAPI passes it on to the HTTP error handler
            return message

        await self.app(scope, receive_within_limit, send)


class SameOrigin:
    """A request that changes or sends something (POST, PUT, PATCH, DELETE) must come from this server's own pages.

    Its Host must be one the server is known by (`allowed_hosts`, "*" for any), which defeats DNS
    rebinding; a browser's Origin must name that same host or be one of `allowed_origins`. Requests
    without an Origin (curl, scripts, the CLI) pass unless the browser says they are cross-site.
    """

    def __init__(self, app: ASGIApp, allowed_hosts: Sequence[str], allowed_origins: Sequence[str] = ()) -> None:
        self.app = app
        self.allowed_hosts = {h.lower().strip("[]") for h in allowed_hosts}
        self.allowed_origins = {o.lower().rstrip("/") for o in allowed_origins}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in STATE_CHANGING:
            refusal = self.refusal(Headers(scope=scope))
            if refusal:
                await resv_error_response(ForbiddenError(refusal))(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def refusal(self, headers: Headers) -> str | None:
        """Why a state-changing request with these headers is refused; None when it may pass."""
        host = headers.get("host", "").lower()
        if "*" not in self.allowed_hosts and _host_name(host) not in self.allowed_hosts:
            return (f"Deze server is niet bekend onder het adres {host or '(leeg)'!r} en weigert daarom deze aanvraag. "
                    "Gebruik het adres van de server, of zet deze naam in RESV_ALLOWED_HOSTS.")
        origin = headers.get("origin")
        if origin is None:
            if headers.get("sec-fetch-site") == "cross-site":
                return "Aanvragen vanaf een andere website worden geweigerd; gebruik de webapp van deze server zelf."
            return None
        if origin.lower().rstrip("/") in self.allowed_origins or _same_host(origin, host):
            return None
        return (f"Aanvragen vanaf een andere website ({origin}) worden geweigerd; gebruik de webapp van deze server zelf, "
                "of zet die website in RESV_ALLOWED_ORIGINS.")


def _host_name(host: str) -> str:
    """'127.0.0.1' of '127.0.0.1:8000', '::1' of '[::1]:8000'."""
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.rpartition(":")[0] if ":" in host else host


def _same_host(origin: str, host: str) -> bool:
    """Whether the Origin's host and port are the Host header's (a default port may be left out of either)."""
    parts = urlsplit(origin.lower())
    if parts.scheme not in _DEFAULT_PORTS or not parts.netloc:
        return False  # "null" (a sandboxed frame or a file) and other schemes are never this server
    default = ":" + _DEFAULT_PORTS[parts.scheme]
    return parts.netloc.removesuffix(default) == host.removesuffix(default)


class SecurityHeaders:
    """Every response gets `security_headers`: no framing, no sniffing, no referrer, a Content-Security-Policy."""

    def __init__(self, app: ASGIApp, policies: dict[str, str] | None = None) -> None:
        self.app = app
        self.policies = policies or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        added = security_headers(scope.get("path", ""), self.policies)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], *added]
            await send(message)

        await self.app(scope, receive, send_with_headers)
