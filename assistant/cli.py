"""`resv`: ingest, ask, chat, review, eval, serve. Human output by default, `--json` for machines.

Every `ResvError` becomes `Fout: …` on stderr and exit 1, in one place (`main`); nothing the user
can cause ends in a traceback.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from assistant.errors import ResvError
from assistant.models import Answer, ChatTurn


def _service():
    from assistant.service import Assistant

    return Assistant()


def _progress(stage: str, done: int, total: int) -> None:
    if stage == "embedden":
        click.echo(f"\r  embedden: {done}/{total} passages", err=True, nl=done >= total)
    elif stage in ("lezen", "opslaan"):
        click.echo(f"  {stage}…", err=True)


def render_answer(answer: Answer, shown: str = "") -> str:
    """The answer (after `shown`, the part already printed as it was written), its note, then its numbered sources."""
    lines = [answer.unsent(shown)]
    if answer.composer_note:
        lines.append(f"\n({answer.composer_note})")
    if answer.citations:
        lines.append("\nBronnen:")
        for c in answer.citations:
            where = " · ".join(x for x in (c.title, c.section, f"p. {c.page}" if c.page else "") if x)
            lines.append(f"[{c.n}] {where}\n    „{' '.join(c.quote.split())}“")
    return "\n".join(lines)


@click.group()
@click.version_option(package_name="resv-assistent")
def cli() -> None:
    """RESV-assistent: vragen over de handreiking en het inkoopbeleid, en beoordeling van RESV-plannen."""


@cli.command()
def ingest() -> None:
    """Bouw de index uit de corpusmap (alleen gewijzigde documenten worden opnieuw ge-embed)."""
    report = _service().ingest(_progress)
    click.echo(f"Index {report.build_id}: {report.documents} documenten, {report.passages} passages "
               f"({report.embedded} ge-embed, {report.reused} hergebruikt) in {report.seconds:.1f} s.")


@cli.command()
@click.argument("question")
@click.option("--insurer", help="Beperk tot het beleid van één verzekeraar (plus de handreiking).")
@click.option("--json", "as_json", is_flag=True, help="Eén JSON-object (of JSON Lines bij '-').")
def ask(question: str, insurer: str | None, as_json: bool) -> None:
    """Beantwoord QUESTION; '-' leest één vraag per regel van stdin."""
    service = _service()
    service.resolve_insurer(insurer)
    service.warm_up(_progress)
    if question != "-":
        answer = service.ask(question, insurer)
        click.echo(answer.model_dump_json() if as_json else render_answer(answer))
        return
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            answer = service.ask(line, insurer)
        except ResvError as exc:
            if not as_json:
                raise
            answer = Answer(question=line.strip(), answer=exc.message, abstained=True, citations=[], reason="invalid_question")
        click.echo(answer.model_dump_json() if as_json else render_answer(answer) + "\n")
        sys.stdout.flush()


@cli.command()
@click.option("--insurer", help="Beperk tot het beleid van één verzekeraar.")
def chat(insurer: str | None) -> None:
    """Interactief gesprek; vervolgvragen ('En voor VGZ?') gebruiken de eerdere vragen. /nieuw wist, /stop stopt."""
    service = _service()
    service.resolve_insurer(insurer)
    service.warm_up(_progress)
    history: list[ChatTurn] = []
    click.echo("RESV-assistent. Stel uw vraag (/nieuw = nieuw gesprek, /stop of Ctrl-D = stoppen).")
    while True:
        try:
            question = input("\nVraag> ").strip()
        except EOFError:
            click.echo()
            return
        if question in ("/stop", "/exit", "/quit"):
            return
        if question == "/nieuw":
            history.clear()
            click.echo("Nieuw gesprek.")
            continue
        if not question:
            continue
        shown = ""
        try:
            for item in service.answer_stream(service.read_question(question, insurer, history[-service.settings.max_history_turns:])):
                if isinstance(item, str):  # a language model's checked sentence, shown as it passes
                    click.echo(item, nl=False)
                    shown += item
                else:
                    answer = item
        except ResvError as exc:
            click.echo(f"Fout: {exc.message}", err=True)
            continue
        click.echo(render_answer(answer, shown))
        history += [ChatTurn(role="user", content=question), ChatTurn(role="assistant", content=answer.answer)]
        history = history[-service.settings.max_history_turns:]


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--insurer", required=True, help="De verzekeraar die marktleider is in de regio van het plan.")
@click.option("--json", "as_json", is_flag=True, help="Het review-object als JSON.")
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), help="Rapport als Markdown of HTML.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Schrijf naar dit bestand in plaats van stdout.")
def review(file: Path, insurer: str, as_json: bool, fmt: str | None, output: Path | None) -> None:
    """Eerste beoordeling van een concept-RESV-plan (PDF, DOCX, Markdown of tekst)."""
    from assistant.report import render

    service = _service()
    service.resolve_insurer(insurer)
    _check_file(file, service.settings.max_upload_bytes)
    began = time.perf_counter()
    result = service.review(file.read_bytes(), file.name, insurer)
    result.seconds = round(time.perf_counter() - began, 2)
    text = result.model_dump_json(indent=2) if as_json else render(result, fmt or "md")
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Rapport geschreven naar {output} ({result.summary.met} voldaan, {result.summary.partial} gedeeltelijk, "
                   f"{result.summary.missing} ontbreekt).", err=True)
    else:
        click.echo(text)


def _check_file(file: Path, limit: int) -> None:
    """A clear error for a path that is no file or too large, before it is read."""
    from assistant.errors import DocumentError, FileTooLargeError

    if not file.is_file():
        raise DocumentError(f"Bestand niet gevonden: {file}")
    if file.stat().st_size > limit:
        raise FileTooLargeError(f"{file.name} is {file.stat().st_size / 1_048_576:.1f} MB; de grens is {limit / 1_048_576:.0f} MB.")


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--kind", required=True, type=click.Choice(["handreiking", "inkoopbeleid", "faq", "other"]), help="Soort document.")
@click.option("--title", required=True, help="Titel zoals gebruikers het document kennen.")
@click.option("--insurer", help="Alleen voor een document van één verzekeraar.")
@click.option("--version", "version", help="Versie of datum van het document.")
@click.option("--origin", help="Herkomst (uitgever, bron).")
@click.option("--id", "document_id", help="Document-id (standaard: afgeleid van de titel).")
def add(file: Path, kind: str, title: str, insurer: str | None, version: str | None, origin: str | None, document_id: str | None) -> None:
    """Voeg een document toe aan het corpus en indexeer alleen wat nieuw is; bij een fout blijft alles zoals het was."""
    service = _service()
    _check_file(file, service.settings.max_upload_bytes)
    added = service.add_document(file.read_bytes(), file.name, kind=kind, title=title, insurer=insurer, version=version,
                                 origin=origin, document_id=document_id, progress=_progress)
    click.echo(f"\nToegevoegd: {added.id} ({added.title}) als {added.file}.", err=True)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Als JSON.")
def documents(as_json: bool) -> None:
    """Toon de documenten in de index."""
    import json

    listed = _service().documents()
    if as_json:
        click.echo(json.dumps([d.model_dump() for d in listed], ensure_ascii=False, indent=1))
        return
    for d in listed:
        extra = ", ".join(x for x in (d.kind, d.insurer, d.version) if x)
        click.echo(f"{d.id}\t{d.title} ({extra}; {d.passages} passages)")


@cli.command()
@click.argument("document_id")
def remove(document_id: str) -> None:
    """Haal een document uit het corpus en de index (het bestand blijft bewaard als .removed-…)."""
    removed = _service().remove_document(document_id, progress=_progress)
    click.echo(f"\nVerwijderd: {removed.id} ({removed.title}).", err=True)


@cli.command(name="eval")
@click.option("--out", type=click.Path(path_type=Path), default=Path("evals/reports/latest"), show_default=True)
@click.option("--only", type=click.Choice(["answers", "reviews", "all"]), default="all", show_default=True)
@click.option("--limit", type=int, default=None, help="Alleen de eerste N items per set (snelle controle).")
@click.option("--set", "sets", type=click.Choice(["seed", "paraphrase", "real"]), multiple=True,
              help="Alleen deze vragenset(s); standaard alle drie.")
@click.option("--llm", is_flag=True, help="De antwoorden met het taalmodel van RESV_LLM_URL naast de citerende (seed en paraphrase).")
def eval_command(out: Path, only: str, limit: int | None, sets: tuple[str, ...], llm: bool) -> None:
    """Draai de evaluatie (antwoorden en beoordelingen, met baselines) en schrijf JSON + rapport."""
    from evals.runner import run

    run(_service(), out, only="llm" if llm else only, limit=limit, echo=click.echo, sets=sets or None)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Start de webapp en API op http://HOST:PORT."""
    from assistant.api import serve as run_server

    run_server(host, port)


def main() -> None:
    """Console entry point: user errors become `Fout: …` and exit 1."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Afgebroken.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ResvError as exc:
        click.echo(f"Fout: {exc.message}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("Afgebroken.", err=True)
        sys.exit(130)
    except (BrokenPipeError, OSError) as exc:
        if isinstance(exc, BrokenPipeError):
            sys.exit(1)
        click.echo(f"Fout: {exc}", err=True)
        sys.exit(1)
