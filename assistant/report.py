"""A review as a report a person can read and hand on: Markdown or self-contained, printable HTML.

Dutch throughout: title, plan, insurer and date; a table per bouwsteen with the counts of met,
partial and missing; then the gaps (missing, then partial) and then everything met, each with
the requirement, its status, the note, the plan's own words with their page, and the source
passage of the requirement. All content from the plan is escaped in HTML: it is text, never markup.
"""

from __future__ import annotations

import html
from collections import Counter
from datetime import date
from typing import Literal

from assistant.domain import get_domain, get_review_rules
from assistant.models import Finding, Review

Format = Literal["md", "html"]
STATUS_ICON = {"met": "✔", "partial": "◐", "missing": "✘"}
DOCUMENT_TITLE = {
    "handreiking-contractering-resv": "Handreiking contractering RESV",
    "inkoopbeleid-resv-verzekeraars": "Inkoopbeleid RESV – Bouwstenen",
}


def render(review: Review, fmt: Format = "md", today: date | None = None) -> str:
    """The report of `review` as Markdown (`md`) or as one self-contained HTML page (`html`)."""
    if fmt == "md":
        return _markdown(review, today or date.today())
    if fmt == "html":
        return _html(review, today or date.today())
    raise ValueError(f"Onbekend rapportformaat {fmt!r}: kies md of html.")


def _label(status: str, capital: bool = False) -> str:
    """What a status is called where people read it (data/review.toml [status]: the web page uses the same)."""
    label = get_review_rules().status_labels[status]
    return label[:1].upper() + label[1:] if capital else label


def _bouwsteen_title(number: int) -> str:
    return f"Bouwsteen {number} – {get_domain().bouwsteen_title(number)}"


def _counts(review: Review) -> list[tuple[int, Counter]]:
    per: dict[int, Counter] = {int(b.key): Counter() for b in get_domain().bouwstenen}
    for finding in review.findings:
        per[finding.bouwsteen][finding.status] += 1
    return sorted(per.items())


def _sections(review: Review) -> list[tuple[str, str, list[Finding]]]:
    missing = [f for f in review.findings if f.status == "missing"]
    partial = [f for f in review.findings if f.status == "partial" and f.lowered != "uncertain"]
    uncertain = [f for f in review.findings if f.lowered == "uncertain"]  # probably met: a quick read settles them
    met = [f for f in review.findings if f.status == "met"]
    return [(status, _label(status, capital=True), findings) for status, findings in
            (("missing", missing), ("partial", partial), ("uncertain", uncertain), ("met", met))]


def _shown(finding: Finding) -> str:
    """The finding's status as people read it; a partial the judge doubted says it is probably met."""
    return _label("uncertain" if finding.lowered == "uncertain" else finding.status)


def _outcome(review: Review) -> str:
    s = review.summary
    doubted = f" (waarvan {s.uncertain} {_label('uncertain')})" if s.uncertain else ""
    return f"{s.met} voldaan, {s.partial} deels{doubted}, {s.missing} ontbreekt"


def _source_name(finding: Finding) -> str:
    name = DOCUMENT_TITLE.get(finding.source.document, finding.source.document)
    return f"{name} – {finding.insurer}" if finding.insurer else name


def _where(finding: Finding) -> str:
    return "handreiking" if finding.insurer is None else f"inkoopbeleid {finding.insurer}"


def _page(page: int | None) -> str:
    return f"p. {page}" if page else "zonder paginanummer"


# --- Markdown -----------------------------------------------------------------------------------


def _md_inline(text: str) -> str:
    """Plan text on one line, with Markdown's active characters neutralised."""
    text = " ".join(text.split())
    for ch in "\\`*_[]<>|#":
        text = text.replace(ch, "\\" + ch)
    return text


def _markdown(review: Review, today: date) -> str:
    s = review.summary
    lines = [
        "# Eerste beoordeling RESV-plan",
        "",
        f"- **Plan:** {_md_inline(review.plan)}",
        f"- **Zorgverzekeraar (marktleider):** {review.insurer}",
        f"- **Datum:** {today.strftime('%d-%m-%Y')}",
        f"- **Getoetst:** {len(review.findings)} eisen uit de handreiking en het inkoopbeleid van {review.insurer}",
        f"- **Uitkomst:** {_outcome(review)}",
        "",
        *([f"> **{_md_inline(review.document.statement)}**", ""] if review.document is not None and not review.document.judged else []),
        "> Dit is een eerste, automatische beoordeling. Elke uitspraak citeert het plan; controleer de "
        "tekortkomingen en twijfelgevallen zelf voordat u het plan afwijst of goedkeurt.",
        "",
        "## Overzicht per bouwsteen",
        "",
        f"| Bouwsteen | {_label('met', True)} | {_label('partial', True)} | {_label('missing', True)} |",
        "|---|---:|---:|---:|",
    ]
    for number, counts in _counts(review):
        lines.append(f"| {_bouwsteen_title(number)} | {counts['met']} | {counts['partial']} | {counts['missing']} |")
    lines.append(f"| **Totaal** | **{s.met}** | **{s.partial}** | **{s.missing}** |")
    for status, title, findings in _sections(review):
        lines += ["", f"## {title} ({len(findings)})", ""]
        if not findings:
            lines.append("_Geen._")
        for finding in findings:
            lines += _md_finding(finding)
    return "\n".join(lines).rstrip() + "\n"


def _md_finding(finding: Finding) -> list[str]:
    out = [
        f"### {STATUS_ICON[finding.status]} {_md_inline(finding.requirement)}",
        "",
        f"- **Status:** {_shown(finding)} · bouwsteen {finding.bouwsteen} · {_where(finding)}",
    ]
    if finding.note:
        out.append(f"- **Toelichting:** {_md_inline(finding.note)}")
    if finding.evidence:
        out.append("- **Uit het plan:**")
        for evidence in finding.evidence:
            out.append(f"  - „{_md_inline(evidence.quote)}” ({_page(evidence.page)})")
    else:
        out.append("- **Uit het plan:** geen passage gevonden")
    out.append(
        f"- **Bron van de eis:** {_source_name(finding)}, {_md_inline(finding.source.section)}: „{_md_inline(finding.source.quote)}”"
    )
    out.append("")
    return out


# --- HTML ---------------------------------------------------------------------------------------

CSS = """
:root { --met: #1b7f3b; --partial: #a15c00; --missing: #b3261e; --line: #d0d4d9; --muted: #5b6470; }
* { box-sizing: border-box; }
body { font: 11pt/1.45 "Segoe UI", Arial, sans-serif; color: #1d232a; margin: 2rem auto; max-width: 60rem; padding: 0 1.2rem; }
h1 { font-size: 1.6rem; margin: 0 0 .6rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .8rem; border-bottom: 2px solid var(--line); padding-bottom: .3rem; }
h3 { font-size: 1.02rem; margin: 0 0 .4rem; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0 0 1rem; }
dl.meta dt { font-weight: 600; } dl.meta dd { margin: 0; }
.disclaimer { border-left: 4px solid var(--line); padding: .4rem .8rem; color: var(--muted); margin: 1rem 0; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid var(--line); padding: .35rem .6rem; text-align: left; }
td.n, th.n { text-align: right; width: 7rem; }
tfoot td { font-weight: 700; }
.finding { border: 1px solid var(--line); border-left: 6px solid var(--line); border-radius: 4px; padding: .7rem .9rem; margin: 0 0 .8rem; break-inside: avoid; page-break-inside: avoid; }
.finding.met { border-left-color: var(--met); } .finding.partial { border-left-color: var(--partial); } .finding.missing { border-left-color: var(--missing); }
.badge { display: inline-block; font-size: .8rem; font-weight: 700; padding: .05rem .45rem; border-radius: 3px; color: #fff; }
.badge.met { background: var(--met); } .badge.partial { background: var(--partial); } .badge.missing { background: var(--missing); }
.meta-line { color: var(--muted); font-size: .88rem; margin-bottom: .4rem; }
.meta-line code { font-size: .85rem; }
blockquote { margin: .3rem 0 .3rem 0; padding: .2rem .7rem; border-left: 3px solid var(--line); background: #f6f7f8; white-space: pre-line; }
.page { color: var(--muted); font-size: .85rem; white-space: nowrap; }
.label { font-weight: 600; margin-top: .4rem; }
.none { color: var(--muted); font-style: italic; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .badge { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _html(review: Review, today: date) -> str:
    s = review.summary
    rows = "\n".join(
        f"<tr><td>{_e(_bouwsteen_title(n))}</td><td class=\"n\">{c['met']}</td><td class=\"n\">{c['partial']}</td><td class=\"n\">{c['missing']}</td></tr>"
        for n, c in _counts(review)
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="nl">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Eerste beoordeling RESV-plan – {_e(review.plan)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        "<h1>Eerste beoordeling RESV-plan</h1>",
        '<dl class="meta">',
        f"<dt>Plan</dt><dd>{_e(review.plan)}</dd>",
        f"<dt>Zorgverzekeraar (marktleider)</dt><dd>{_e(review.insurer)}</dd>",
        f"<dt>Datum</dt><dd>{today.strftime('%d-%m-%Y')}</dd>",
        f"<dt>Getoetst</dt><dd>{len(review.findings)} eisen uit de handreiking en het inkoopbeleid van {_e(review.insurer)}</dd>",
        f"<dt>Uitkomst</dt><dd>{_e(_outcome(review))}</dd>",
        "</dl>",
        *([f'<p class="document-warning" role="alert"><strong>{_e(review.document.statement)}</strong></p>']
          if review.document is not None and not review.document.judged else []),
        '<p class="disclaimer">Dit is een eerste, automatische beoordeling. Elke uitspraak citeert het plan; '
        "controleer de tekortkomingen en twijfelgevallen zelf voordat u het plan afwijst of goedkeurt.</p>",
        "</header>",
        "<section>",
        "<h2>Overzicht per bouwsteen</h2>",
        '<table><thead><tr><th>Bouwsteen</th>' + "".join(f'<th class="n">{_e(_label(status, True))}</th>' for status in ("met", "partial", "missing"))
        + "</tr></thead>",
        f"<tbody>{rows}</tbody>",
        f'<tfoot><tr><td>Totaal</td><td class="n">{s.met}</td><td class="n">{s.partial}</td><td class="n">{s.missing}</td></tr></tfoot>',
        "</table>",
        "</section>",
    ]
    for status, title, findings in _sections(review):
        parts.append(f'<section class="{status}-list">')
        parts.append(f"<h2>{_e(title)} ({len(findings)})</h2>")
        if not findings:
            parts.append('<p class="none">Geen.</p>')
        parts.extend(_html_finding(f) for f in findings)
        parts.append("</section>")
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _html_finding(finding: Finding) -> str:
    evidence = (
        "".join(f"<blockquote>{_e(e.quote)} <span class=\"page\">({_page(e.page)})</span></blockquote>" for e in finding.evidence)
        if finding.evidence
        else '<p class="none">Geen passage in het plan gevonden.</p>'
    )
    note = f"<p>{_e(finding.note)}</p>" if finding.note else ""
    return (
        f'<article class="finding {finding.status}">'
        f"<h3><span class=\"badge {finding.status}\">{_e(_shown(finding))}</span> {_e(finding.requirement)}</h3>"
        f'<div class="meta-line">Bouwsteen {finding.bouwsteen} · {_e(_where(finding))}</div>'
        f"{note}"
        f'<div class="label">Uit het plan</div>{evidence}'
        f'<div class="label">Bron van de eis: {_e(_source_name(finding))}, {_e(finding.source.section)}</div>'
        f"<blockquote>{_e(finding.source.quote)}</blockquote>"
        "</article>"
    )
