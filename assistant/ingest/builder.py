"""Text assembled block by block, with the offsets of its headings: shared by the DOCX and HTML loaders."""

from __future__ import annotations

from assistant.errors import FileTooLargeError
from assistant.models import ExtractedText


class TextBuilder:
    """Accumulates blocks separated by blank lines and remembers heading spans.

    With `max_chars` it stops with `FileTooLargeError` as soon as the text grows past it.
    """

    def __init__(self, max_chars: int | None = None) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.headings: list[tuple[int, int, int]] = []
        self.max_chars = max_chars

    def _add(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)
        if self.max_chars is not None and self.length > self.max_chars:
            raise FileTooLargeError(too_much_text(self.max_chars))

    def _separate(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n\n"):
            self._add("\n" if self.parts[-1].endswith("\n") else "\n\n")

    def heading(self, text: str, level: int) -> None:
        self._separate()
        self.headings.append((self.length, self.length + len(text), level))
        self._add(text)

    def block(self, text: str) -> None:
        self._separate()
        self._add(text)

    def line(self, text: str) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self._add("\n")
        self._add(text + "\n")

    def end_block(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n\n"):
            self._add("\n")

    def build(self) -> ExtractedText:
        return ExtractedText(text="".join(self.parts).rstrip() + "\n", heading_spans=tuple(self.headings))


def too_much_text(limit: int) -> str:
    """The message for a document whose text is longer than `limit` characters."""
    return (f"Het document bevat meer dan {limit:,} tekens tekst, de grens voor één document. ".replace(",", ".")
            + "Splits het of lever alleen het plan zelf aan.")
