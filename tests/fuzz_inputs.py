"""Hostile inputs for the HTTP fuzz suite, as hypothesis strategies: JSON of any shape, text a person
should never send, broken multipart bodies, uploads of random bytes and paths full of encoded junk.

Everything here is data; `tests/test_api_fuzz.py` sends it to a real server.
"""

from __future__ import annotations

import json

from hypothesis import strategies as st

INSURERS = ["Zilveren Kruis", "CZ", "VGZ", "Menzis"]

# Pieces of text that have broken services before: control and direction characters, lone surrogates,
# markup, template and SQL syntax, traversal, a byte-order mark, decomposed accents, Dutch quotes.
FRAGMENTS = [
    "\x00", "\x1b[31m", "\x7f", "\x85", "\u202e", "\u2066", "\u200b", "\ufeff", "\ud800", "\udfff", "\U0001f600",
    "<script>alert(1)</script>", "{{7*7}}", "${jndi:ldap://x}", "'; DROP TABLE passages;--", "../../etc/passwd",
    "%00", "%2e%2e%2f", "\r\n", "\t", "e\u0301", "„citaat“", "cao's", "\u00a0", "Wat eist CZ voor bouwsteen 4?",
    "bouwsteen", "VGZ", "[1]", "\\", '"', "NaN", "-1e309",
]

# Any code point, surrogates and control characters included (hypothesis leaves surrogates out by default).
ANY_CHARACTER = st.characters(exclude_categories=())


def hostile_text(max_size: int = 60) -> st.SearchStrategy[str]:
    """Short random text, glued hostile fragments, or one fragment repeated into very long text."""
    return st.one_of(
        st.text(ANY_CHARACTER, max_size=max_size),
        st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(ANY_CHARACTER, max_size=8)), max_size=8).map("".join),
        st.builds(lambda piece, times: piece * times, st.sampled_from(FRAGMENTS + ["woord "]), st.integers(500, 40_000)),
    )


def json_values(max_leaves: int = 12) -> st.SearchStrategy[object]:
    """Any JSON value (NaN and infinities included, which strict JSON refuses), nested a few levels."""
    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), hostile_text(20))
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(hostile_text(10), inner, max_size=4),
                        max_leaves=max_leaves)


def encode(value: object) -> bytes:
    """`value` as JSON bytes the way a careless client writes it: lone surrogates as \\ud800 escapes, NaN bare."""
    return json.dumps(value).encode("ascii")


@st.composite
def ask_bodies(draw: st.DrawFn) -> object:
    """A body for /api/ask and /api/chat: any JSON at all, or the right shape with wrong or hostile values."""
    if draw(st.booleans()):
        return draw(json_values())
    field = st.one_of(hostile_text(), json_values(4))
    turn = st.one_of(st.fixed_dictionaries({"role": st.sampled_from(["user", "assistant", "system", ""]) | field,
                                            "content": field}), json_values(3))
    body = draw(st.fixed_dictionaries({}, optional={
        "question": field, "insurer": st.sampled_from(INSURERS) | field, "history": st.lists(turn, max_size=3) | field,
        draw(hostile_text(10)): json_values(3),
    }))
    return body


QUESTIONS = ["Wat eist CZ voor bouwsteen 4?", "Welke minimumeisen gelden voor bouwsteen 1?", "En voor VGZ?",
             "What does Menzis require for the budget?", "Hoeveel jaar duurt de contractperiode?"]
# What passes the question check yet is odd: markup, syntax, quotes, accents, zero-width and other rare letters.
ODD_BUT_READABLE = ["<script>alert(1)</script>", "{{7*7}}", "'; DROP TABLE passages;--", "../../etc/passwd", "\u200b", "e\u0301",
                    "„citaat“", "cao's", "\u00a0", "[1]", "\\", '"', "AND OR NOT", "*", "?" * 30, "\U0001f600", "ß", "İ", "ﬁ"]


def questions() -> st.SearchStrategy[str]:
    """Questions that pass the check or nearly so: real ones with odd pieces inserted, sometimes near the length limit."""
    odd = st.lists(st.sampled_from(ODD_BUT_READABLE) | st.text(max_size=6), max_size=4).map(" ".join)
    return st.one_of(
        st.builds(lambda q, extra, where: q[:where] + extra + q[where:], st.sampled_from(QUESTIONS), odd, st.integers(0, 40)),
        st.builds(lambda q, times: (q + " ") * times, st.sampled_from(QUESTIONS), st.integers(1, 40)),
        st.sampled_from(FRAGMENTS),
    )


def nested(depth: int, kind: str) -> bytes:
    """JSON nested `depth` levels deep: lists, objects, or the question field wrapped in objects."""
    if kind == "list":
        return b"[" * depth + b"]" * depth
    if kind == "object":
        return b'{"a":' * depth + b"1" + b"}" * depth
    return b'{"question":' * depth + b'"Wat eist CZ?"' + b"}" * depth


CONTENT_TYPES = [
    None, "", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "application/json; charset=utf-16",
    "application/json; charset=latin-1", "APPLICATION/JSON", "application/vnd.api+json", "application/json;;;=",
    "application/xml", "application/json, text/plain", "*/*", "application/", "text/event-stream",
]


def content_types() -> st.SearchStrategy[str | None]:
    """Content-Type values: missing, wrong, odd spellings of JSON, or random printable ASCII."""
    return st.one_of(st.sampled_from(CONTENT_TYPES), st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40))


UPLOAD_NAMES = ["plan.pdf", "plan.docx", "plan.md", "plan.txt", "PLAN.PDF", "plan.pdf.exe", ".pdf", "plan", "../../plan.docx",
                "plan\x00.pdf", "<b>plan</b>.md", "plan\u202efdp.md", "%2e%2e%2fplan.pdf"]
MAGIC = [b"", b"%PDF-1.7\n", b"%PDF-", b"PK\x03\x04", b"PK\x03\x04\x14\x00\x06\x00", b"\xef\xbb\xbf# RESV-plan\n", b"\xff\xfe",
         b"<html>", b"{\\rtf1"]


def upload_bytes() -> st.SearchStrategy[bytes]:
    """A file's content: random bytes, behind a real magic number or not, sometimes long."""
    return st.builds(lambda head, body, times: head + body * times, st.sampled_from(MAGIC), st.binary(max_size=400),
                     st.sampled_from([1, 1, 1, 50, 2000]))


def upload_names() -> st.SearchStrategy[str]:
    """File names: plausible, traversing, with markup, NUL or a direction override, or random."""
    return st.sampled_from(UPLOAD_NAMES) | hostile_text(30)


PART_PIECES = [
    b"--{b}\r\n", b"--{b}--\r\n", b"--{b}", b"\r\n", b"\r\n\r\n", b'Content-Disposition: form-data; name="file"; filename="plan.pdf"\r\n',
    b'Content-Disposition: form-data; name="insurer"\r\n', b'Content-Disposition: form-data; name="file"\r\n',
    b"Content-Disposition: form-data\r\n", b'Content-Disposition: form-data; name="kind"\r\n', b"Content-Type: application/pdf\r\n",
    b'Content-Disposition: form-data; name="file"; filename*=UTF-8\'\'%e2%80%ae.pdf\r\n', b"CZ", b"%PDF-1.7\n", b"\x00\xff",
    b"Content-Type: text/plain; charset=\xff\r\n", b"--", b"-" * 200, b": \r\n", b"X" * 5000,
]


@st.composite
def multipart_bodies(draw: st.DrawFn) -> tuple[bytes, str]:
    """A multipart body glued from real and broken pieces, and the Content-Type that announces its boundary (or not)."""
    boundary = draw(st.sampled_from(["grens", "a", "x" * 80, "--", "grens\r\nX: y", ""]) | st.text(
        st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=20))
    pieces = draw(st.lists(st.sampled_from(PART_PIECES) | st.binary(max_size=30), max_size=14))
    body = b"".join(pieces).replace(b"{b}", boundary.encode("latin-1", "replace"))
    header = draw(st.sampled_from([f"multipart/form-data; boundary={boundary}", f'multipart/form-data; boundary="{boundary}"',
                                   "multipart/form-data", f"multipart/mixed; boundary={boundary}",
                                   f"multipart/form-data; boundary={boundary}; boundary=ander"]))
    return body, header.replace("\r", "").replace("\n", "")


PATH_PIECES = ["..", "%2e%2e", "%2E%2E%2F", "..%2f", "..%5c", "%00", "%zz", "%", "%ff%fe", "%c0%af", "%252e%252e", "~", "",
               "app.js", "index.html", "etc", "passwd", "manifest.toml", ".env", "0123456789abcdef", "handreiking-contractering-resv",
               "%e2%80%ae", "%0d%0aSet-Cookie:x=1", "a" * 300, ";", "*", "%3f", "?format=exe", "%23", "'", "%22"]
PATH_PREFIXES = ["/static/", "/docs-assets/", "/api/passages/", "/api/documents/", "/", "/docs/", "/api/", "/healthz/", "//",
                 "/api/report?format="]


def raw_paths() -> st.SearchStrategy[str]:
    """A request path (ASCII, sent as written): a route prefix followed by traversal and encoded junk."""
    return st.builds(lambda prefix, pieces: prefix + "/".join(pieces), st.sampled_from(PATH_PREFIXES),
                     st.lists(st.sampled_from(PATH_PIECES), min_size=1, max_size=6))
