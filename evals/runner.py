"""`resv eval`: the product and its baselines over every gold set, in one run, with per-item rows.

Answers: `answer_eval` (the seed, paraphrase and real-document question sets, each by its frozen
development and validation halves). Reviews: `review_eval` (the eval plans by their frozen
halves, and the real documents of ../shared/real as documents that are no RESV-plan).

Language model (`--llm`): `llm_eval`, the model path beside the extractive one.

Writes OUT/answers.json, OUT/reviews.json (or OUT/llm.json), OUT/summary.json (key metrics, the shape of
`reports/baseline.json`) and OUT/report.md; prints the tables and, when a baseline file exists,
the change of each key metric. Never fails on a score.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from assistant.errors import BadInputError
from assistant.service import Assistant

from evals import metrics as m
from evals.answer_eval import answers_summary, run_sets
from evals.answer_report import answers_markdown, answers_table
from evals.llm_eval import LLM_SETS, llm_markdown, llm_table, run_llm
from evals.review_eval import reviews_markdown, reviews_summary, reviews_table, run_reviews

HERE = Path(__file__).resolve().parent
DEFAULT_BASELINE = HERE / "reports" / "baseline.json"
Echo = Callable[[str], None]


def run(service, out_dir: Path, only: str = "all", limit: int | None = None, echo: Echo = print,  # noqa: ANN001 - Assistant
        baseline_file: Path | None = None, sets: tuple[str, ...] | None = None) -> dict:
    """Run the selected parts, write the outputs to `out_dir`, print tables; return the summary.

    `only="llm"`: the language-model path (the service's `RESV_LLM_URL`) beside the extractive one.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    echo("Index en modellen laden…")
    service.warm_up()
    summary: dict = {}
    markdown = ["# RESV-assistent – evaluatie", ""]
    if only == "llm":
        if not service.settings.llm_url:
            raise BadInputError("Zet RESV_LLM_URL (en RESV_LLM_MODEL) op het taalmodel dat geëvalueerd wordt.")
        extractive = Assistant(service.settings.model_copy(update={"llm_url": None}))
        result = run_llm(extractive, service, sets or LLM_SETS, limit, echo)
        _write_json(out_dir / "llm.json", result)
        summary["llm"] = {name: entry["halves"] for name, entry in result["sets"].items()}
        echo(llm_table(result))
        markdown += llm_markdown(result)
    if only in ("answers", "all"):
        def settings_for(corpus: Path):  # noqa: ANN202 - the second service's settings: same backends, own corpus and data
            return service.settings.model_copy(update={"corpus_dir": corpus, "data_dir": service.settings.data_dir / "eval-real"})

        results = run_sets(service, settings_for, limit, echo, *([sets] if sets else []))
        _write_json(out_dir / "answers.json", results)
        summary["answers"] = answers_summary(results)
        echo(answers_table(results))
        markdown += answers_markdown(results)
    if only in ("reviews", "all"):
        result = run_reviews(service, echo)
        _write_json(out_dir / "reviews.json", result)
        summary["reviews"] = reviews_summary(result)
        echo(reviews_table(result))
        markdown += reviews_markdown(result)
    _write_json(out_dir / "summary.json", summary)
    baseline_path = Path(baseline_file) if baseline_file else DEFAULT_BASELINE
    if baseline_path.is_file():
        if limit:
            echo(f"Let op: --limit {limit}; de vergelijking met de baseline is daardoor niet zuiver.")
        lines = regression_lines(summary, json.loads(baseline_path.read_text(encoding="utf-8")), baseline_path)
        echo("\n".join(lines))
        markdown += ["", "## Verschil met de baseline", "", *lines]
    (out_dir / "report.md").write_text("\n".join(markdown) + "\n", encoding="utf-8")
    written = [n for n in ("answers.json", "reviews.json", "llm.json", "summary.json", "report.md") if (out_dir / n).is_file()]
    echo(f"Geschreven in {out_dir}: {', '.join(written)}")
    return summary


def regression_lines(summary: dict, baseline: dict, path: Path) -> list[str]:
    """The change of each key metric against a stored summary; informative, never a failure."""
    changes = m.deltas(m.flatten(summary), m.flatten(baseline))
    lines = [f"Verschil met {path}:"]
    for key, (before, now, delta) in sorted(changes.items()):
        if abs(delta) > 1e-9:
            lines.append(f"  {key}: {before:.3f} -> {now:.3f} ({delta:+.3f})")
    if len(lines) == 1:
        lines.append("  geen verschillen")
    return lines


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
