"""The security headers every response carries, and the Content-Security-Policy of each kind of page."""

from __future__ import annotations

import base64
import hashlib
import re

# The web app: its own scripts and styles only.
PAGE_POLICY = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
               "frame-ancestors 'none'; form-action 'self'")
# JSON, downloads and errors: nothing in them may load or run anything, or be framed.
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def security_headers(path: str, policies: dict[str, str] | None = None) -> list[tuple[bytes, bytes]]:
    """The headers for a response to `path`: no framing, no sniffing, no referrer, and its policy.

    `policies` names the policy of single paths (the API docs); the web app gets `PAGE_POLICY`
    and must be revalidated on every load, everything else gets `API_POLICY`.
    """
    page = path == "/" or path.startswith("/static/")
    policy = (policies or {}).get(path) or (PAGE_POLICY if page else API_POLICY)
    headers = [(b"content-security-policy", policy.encode()), (b"x-frame-options", b"DENY"),
               (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
    if page:
        headers.append((b"cache-control", b"no-cache"))
    return headers


def docs_policy(html: str) -> str:
    """The page policy, widened for Swagger UI: its one inline script by hash, and inline styles."""
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'"
                      for s in _INLINE_SCRIPT.findall(html))
    return PAGE_POLICY + f"; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'"
