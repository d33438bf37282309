"""Hostile and damaged documents, built for real in the test: DOCX zips rewritten member by member, raw PDFs.

Each helper returns the bytes of a file a person (or an attacker) could upload.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from tests.documents import make_docx, make_pdf

W_NAMESPACE = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PLAN_LINES = ["RESV-plan Regio Lingeland 2027-2029", "Aan het RESV nemen huisartsen, apothekers en wijkverpleging deel."]


def base_docx() -> bytes:
    """A small, valid Word document made by python-docx."""
    return make_docx([("h1", PLAN_LINES[0]), ("p", PLAN_LINES[1])])


def rewrite_docx(replace: dict[str, bytes] | None = None, drop: tuple[str, ...] = (), add: dict[str, bytes] | None = None,
                 source: bytes | None = None) -> bytes:
    """`source` (a valid DOCX by default) with members replaced, dropped or added, deflated like Word does."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source or base_docx())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename not in drop:
                dst.writestr(info.filename, (replace or {}).get(info.filename, src.read(info.filename)))
        for name, data in (add or {}).items():
            dst.writestr(name, data)
    return out.getvalue()


def docx_with_body(body: bytes) -> bytes:
    """A valid package whose `word/document.xml` body is exactly `body` (WordprocessingML elements)."""
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W_NAMESPACE}">'
                "<w:body>").encode() + body + b"</w:body></w:document>"
    return rewrite_docx({"word/document.xml": document})


def paragraphs(count: int, text: bytes = b"x") -> bytes:
    """`count` one-run paragraphs of `text`: about 35 bytes each, deflated to almost nothing."""
    return (b"<w:p><w:r><w:t>" + text + b"</w:t></w:r></w:p>") * count


def table(rows: int, columns: int) -> bytes:
    """A table of `rows` x `columns` cells, each holding one paragraph 'cel <row>.<column>'."""
    cells = ("".join(f"<w:tc><w:p><w:r><w:t>cel {r}.{c}</w:t></w:r></w:p></w:tc>" for c in range(columns)) for r in range(rows))
    return ("<w:tbl>" + "".join(f"<w:tr>{row}</w:tr>" for row in cells) + "</w:tbl>").encode()


def raw_pdf(content: bytes, deflate: bool = True, form: bytes | None = None) -> bytes:
    """A one-page PDF written byte by byte around one content stream, with a correct cross-reference table.

    With `form`, the page's resources hold a form XObject /X0 with that content (draw it with `/X0 Do`).
    """

    def stream(data: bytes, extra: bytes = b"") -> bytes:
        packed = zlib.compress(data, 9) if deflate else data
        return (b"<< /Length %d%s%s >>\nstream\n" % (len(packed), b" /Filter /FlateDecode" if deflate else b"", extra)
                + packed + b"\nendstream")

    forms = b" /XObject << /X0 6 0 R >>" if form is not None else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >>%s >> >>"
        % forms,
        stream(content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    if form is not None:
        objects.append(stream(form, b" /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >>"))
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


TEXT_OPERATOR = b"BT /F1 12 Tf 72 720 Td (x) Tj ET\n"


def drawing_instructions(megabytes: float) -> bytes:
    """Valid text-drawing instructions of about `megabytes` MB: pypdf interprets them at about 3 s a megabyte."""
    return TEXT_OPERATOR * int(megabytes * 1024 * 1024 / len(TEXT_OPERATOR))


def pdf_stream_bomb(megabytes: int = 80) -> bytes:
    """A PDF of about 80 KB whose page content inflates to `megabytes` MB (pypdf stops at 75 MB)."""
    return raw_pdf(b"BT /F1 12 Tf 72 720 Td (Een regel.) Tj ET\n" + b" " * (megabytes * 1024 * 1024))


def encrypted_pdf(algorithm: str, open_password: str) -> bytes:
    """The plan as a PDF encrypted by pypdf with `algorithm` ("AES-256", "AES-128", "RC4-128")."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf([PLAN_LINES]))))
    writer.encrypt(user_password=open_password, owner_password="eigenaar-wachtwoord", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
