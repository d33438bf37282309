"""DOCX -> `ExtractedText` with python-docx, after cheap checks that bound what the parse may cost.

A DOCX is a zip of XML files. Before python-docx builds its tree, `check_package` reads only the
zip's directory and streams `word/document.xml` once: the number of members, their unpacked size
(zipfile never unpacks more than a member declares) and the paragraphs and table cells of the
body are counted against `DocumentLimits`. A zip bomb or a body of 200,000 empty paragraphs is
refused in well under a second instead of costing minutes and gigabytes. Every failure of the zip,
the XML or python-docx becomes a `DocumentError`.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

from assistant.errors import CorruptFileError, FileTooLargeError, UnsupportedFileError
from assistant.ingest.builder import TextBuilder
from assistant.models import ExtractedText
from assistant.settings import DocumentLimits

BODY = "word/document.xml"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_END_OF_DIRECTORY = b"PK\x05\x06"
# What else a zip named .docx can be, by a member only that format has.
_OTHER_PACKAGES = {"xl/workbook.xml": "een Excel-werkmap (.xlsx)", "ppt/presentation.xml": "een PowerPoint-presentatie (.pptx)",
                   "content.xml": "een OpenDocument-bestand (.odt); sla het op als .docx of PDF"}


def check_package(data: bytes, filename: str, limits: DocumentLimits) -> None:
    """Refuse a DOCX whose parse would cost more than `limits` allow, or that is no Word document at all."""
    declared = _declared_members(data)
    if declared > limits.max_zip_members:  # read from the last bytes, before zipfile lists every member
        raise FileTooLargeError(_too_many_members(declared, limits))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > limits.max_zip_members:
                raise FileTooLargeError(_too_many_members(len(members), limits))
            unpacked = sum(m.file_size for m in members)
            if unpacked > limits.max_unzipped_bytes:
                raise FileTooLargeError(
                    f"Het Word-document is uitgepakt {unpacked / 1_048_576:.0f} MB; de grens is "
                    f"{limits.max_unzipped_bytes / 1_048_576:.0f} MB. Verklein het (bijvoorbeeld zonder afbeeldingen) of splits het.")
            names = {m.filename for m in members}
            if BODY not in names:
                other = next((kind for member, kind in _OTHER_PACKAGES.items() if member in names), None)
                raise UnsupportedFileError(f"{filename!r} is geen Word-document (.docx)" + (f" maar {other}." if other else "."))
            with archive.open(BODY) as body:
                _count_blocks(body, limits.max_blocks)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
        # RuntimeError: a member with a zip password; NotImplementedError: a compression zipfile lacks
        raise UnsupportedFileError(f"{filename!r} is geen leesbaar Word-document (.docx): het zip-archief is beschadigd, "
                                   f"onvolledig of beveiligd ({_cause(exc)}).") from exc


def _cause(exc: BaseException) -> str:
    """The error's class for a message; zlib's is called only 'error'."""
    return "zlib.error" if isinstance(exc, zlib.error) else type(exc).__name__


def _declared_members(data: bytes) -> int:
    """The member count in the zip's end-of-directory record; 0 when there is none (zipfile reports that)."""
    at = data.rfind(_END_OF_DIRECTORY, max(0, len(data) - 65_557))
    if at < 0 or at + 12 > len(data):
        return 0
    return struct.unpack("<H", data[at + 10:at + 12])[0]  # 0xFFFF (zip64) counts as too many for any sane limit


def _too_many_members(count: int, limits: DocumentLimits) -> str:
    return (f"Het Word-document bestaat uit {count} losse onderdelen; de grens is {limits.max_zip_members}. "
            "Sla het opnieuw op als .docx of PDF.")


def _count_blocks(body: io.BufferedIOBase, limit: int) -> None:
    """Stream the body once and stop past `limit` paragraphs and table cells; no entities, no network."""
    from lxml import etree

    count = 0
    try:
        for _, element in etree.iterparse(body, events=("end",), tag=(f"{_W}p", f"{_W}tc"), resolve_entities=False,
                                          no_network=True, huge_tree=False):
            count += 1
            if count > limit:
                raise FileTooLargeError(f"Het Word-document heeft meer dan {limit} alinea's en tabelcellen; dat is de grens. "
                                        "Splits het of lever alleen het plan zelf aan.")
            element.clear(keep_tail=True)  # keeps the memory of this pass flat
    except etree.LxmlError as exc:
        raise CorruptFileError(f"Het Word-document is beschadigd: de tekst is geen geldige XML ({type(exc).__name__}).") from exc


def load_docx(data: bytes, filename: str, limits: DocumentLimits) -> ExtractedText:
    """The text of a DOCX body: headings with their level, list items as '- ', table rows tab-separated."""
    import docx
    from docx.exceptions import PythonDocxError
    from docx.opc.exceptions import OpcError
    from lxml import etree

    check_package(data, filename, limits)
    try:
        return _extract(docx.Document(io.BytesIO(data)), limits)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, KeyError, ValueError, TypeError,
            AttributeError, IndexError, etree.LxmlError, PythonDocxError, OpcError) as exc:
        # a package python-docx cannot follow, in any of its parts (RuntimeError: a member with a zip password)
        raise CorruptFileError(f"Het Word-document is beschadigd en kan niet gelezen worden ({_cause(exc)}). "
                               "Open het in Word, sla het opnieuw op als .docx of PDF en probeer het nog eens.") from exc


def _extract(document, limits: DocumentLimits) -> ExtractedText:  # noqa: ANN001 - docx.document.Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    # python-docx looks up a paragraph's style by scanning every style (1.5 ms a paragraph): name them once.
    style_names = {s.style_id: s.name or "" for s in document.styles if s.type == WD_STYLE_TYPE.PARAGRAPH}
    default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    default_name = (default.name or "") if default is not None else ""
    out = TextBuilder(limits.max_text_chars)
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            text = item.text.strip()
            if not text:
                continue
            style = style_names.get(item._p.style, default_name)
            level = _heading_level(style)
            if level:
                out.heading(text, level)
            elif style.lower().startswith("list") or item._p.pPr is not None and item._p.pPr.numPr is not None:
                out.block(f"- {text}")
            else:
                out.block(text)
        elif isinstance(item, Table):
            for row in item.rows:
                cells = []
                for cell in row.cells:
                    value = " ".join(cell.text.split())
                    if not cells or cells[-1] != value:  # merged cells repeat their text
                        cells.append(value)
                if any(cells):
                    out.line("\t".join(cells))
            out.end_block()
    return out.build()


def _heading_level(style: str) -> int:
    lowered = style.lower()
    if lowered == "title":
        return 1
    match = re.match(r"(?:heading|kop)\s*(\d)", lowered)
    return int(match.group(1)) if match else 0
