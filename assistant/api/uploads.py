"""Multipart uploads read as a stream into memory: one file and a few short text fields, sizes counted as they arrive."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, MultipartState, parse_options_header

from assistant.errors import BadInputError, FileTooLargeError
from assistant.text import unreadable_message

FORM_OVERHEAD = 64 * 1024  # multipart boundaries, part headers and the insurer field
MAX_FORM_PARTS = 8
MAX_FIELD_BYTES = 1024


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
    reset connection; a body beyond four times the limit is not read at all. A second file, a field
    sent twice and a field holding control or direction characters are refused: nothing is silently
    replaced or shown differently from what was sent.
    """
    content_type, params = parse_options_header(request.headers.get("content-type"))
    if content_type != b"multipart/form-data" or not params.get(b"boundary"):
        raise BadInputError("Stuur het plan als multipart/form-data met de velden 'file' (het plan) en 'insurer' (de verzekeraar).")
    too_large = FileTooLargeError(f"Het bestand is groter dan {megabytes(max_bytes)}, de grens voor een plan. "
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
        if self._is_file and filename:  # a browser sends filename="" when no file was chosen
            if self.filename is not None:
                raise BadInputError("Het formulier bevat meer dan één bestand; stuur één plan per keer.")
            self.filename = filename.decode("utf-8", "replace")
            self.file = bytearray()
        elif not self._is_file and self._name in self.fields:
            raise BadInputError(f"Het veld '{self._name}' komt meer dan één keer voor; stuur het één keer.")

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
            value = self._value.decode("utf-8", "replace").strip()
            if refusal := unreadable_message(f"Het veld '{self._name}'", value):
                raise BadInputError(refusal)
            self.fields[self._name] = value


_UNSAFE_NAME = re.compile(r"[^\w .,()+\-]")


def plan_name(raw: str) -> str:
    """The uploaded file's own name, for display only: no folders, no markup, at most 120 characters."""
    name = _UNSAFE_NAME.sub("_", re.split(r"[\\/]", raw)[-1]).strip()
    return name[-120:] or "plan"


def megabytes(size: int) -> str:
    """'1 MB', '0,5 MB': a size as the messages write it."""
    return f"{size / 1_048_576:.1f}".removesuffix(".0").replace(".", ",") + " MB"
