"""The human report: Dutch, gaps first, evidence with pages, source quoted; HTML self-contained and escaped."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

import pytest

from assistant.models import Evidence, Finding, Review, SourceRef, Summary
from assistant.report import render

DAY = date(2026, 7, 14)


def _finding(fid: str, bouwsteen: int, status: str, quote: str | None = None, insurer: str | None = None) -> Finding:
    return Finding(
        id=fid,
        bouwsteen=bouwsteen,
        insurer=insurer,
        requirement=f"Eis {fid} in gewone woorden.",
        status=status,
        evidence=[Evidence(quote=quote, page=3)] if quote else [],
        source=SourceRef(document="handreiking-contractering-resv", section=f"Bouwsteen {bouwsteen}", quote="Het RESV-plan bevat een escalatieladder"),
        note=f"Toelichting bij {fid}.",
    )


REVIEW = Review(
    plan="concept-plan „Lindenhoven“.pdf",
    insurer="Menzis",
    findings=[
        _finding("hr-bs5-escalatieladder", 5, "missing"),
        _finding("mz-bs1-operationele-wijkverbanden-start", 1, "partial", "13\u00a0% van de wijkverbanden is operationeel", insurer="Menzis"),
        _finding("hr-bs7-financiering-nodig", 7, "met", "Totaal € 657.500 <script>alert('x')</script> & cao's"),
    ],
    summary=Summary(met=1, partial=1, missing=1),
)


def test_markdown_report() -> None:
    md = render(REVIEW, "md", today=DAY)
    assert md.startswith("# Eerste beoordeling RESV-plan")
    assert "Menzis" in md and "14-07-2026" in md and "Lindenhoven" in md
    assert md.count("| Bouwsteen ") == 8  # header row + seven bouwstenen
    assert md.index("## Ontbreekt") < md.index("## Deels voldaan") < md.index("## Voldaan")
    assert "(p. 3)" in md
    assert "Het RESV-plan bevat een escalatieladder" in md and "Handreiking contractering RESV" in md
    assert "Toelichting bij hr-bs5-escalatieladder." in md
    assert "inkoopbeleid Menzis" in md


class _Checker(HTMLParser):
    VOID = {"meta", "br", "hr", "img", "link", "input"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.scripts = 0
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:  # noqa: ANN001
        if tag == "script":
            self.scripts += 1
        for name, value in attrs:
            if name in ("src", "href") and value and re.match(r"https?:|//", value):
                self.external.append(value)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-3:])
        self.stack.pop()


def test_html_report_is_self_contained_printable_and_escaped() -> None:
    page = render(REVIEW, "html", today=DAY)
    checker = _Checker()
    checker.feed(page)
    assert checker.stack == []
    assert checker.scripts == 0 and checker.external == []
    assert "<style>" in page and "@media print" in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "cao&#x27;s" in page
    assert page.index("Ontbreekt (1)") < page.index("Deels voldaan (1)") < page.index("Voldaan (1)")
    assert 'lang="nl"' in page and "(p. 3)" in page


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="md of html"):
        render(REVIEW, "pdf")  # type: ignore[arg-type]
