"""`resv eval --llm`: the language-model path beside the extractive one, over the same gold questions.

Per set and frozen half: how often the model wrote the answer (rather than the fallback), answer
accuracy of the whole answer and of the model's sentences alone (every gold fact in them), the
sentences written and the share the check kept, shown sentences the check would not keep (0 by
its own definition) and shown sentences a stricter reading does not find word for word in their
sources, abstentions that changed (must be 0), latency and tokens.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence

from assistant.answer.verify import MARKER, SentenceCheck, sentence_parts, strictly_supported
from assistant.errors import ResvError
from assistant.models import Answer, ChatTurn

from evals import metrics as m
from evals.answer_eval import HALVES, load_questions
from evals.format import console, num, pct, table

Echo = Callable[[str], None]
LLM_SETS = ("seed", "paraphrase")  # the real-document set needs a corpus of its own: not run with the model
HEADER = ("set", "half", "n", "model wrote", "acc. extractive", "acc. with model", "facts in model text", "sentences",
          "kept", "unsupported shown", "strictly unsupported", "abstentions changed", "p50 s", "p95 s", "tokens in/out")


def run_llm(service, phrasing, sets: Sequence[str] = LLM_SETS, limit: int | None = None, echo: Echo = print) -> dict:  # noqa: ANN001
    """Every question of `sets` through `service` (extractive) and `phrasing` (the same index, a language model set)."""
    check = SentenceCheck(service.embedder)
    out: dict = {"model": phrasing.settings.llm_model or phrasing.settings.llm_url, "sets": {}}
    for name in sets:
        items = load_questions(name, limit)
        echo(f"Taalmodel, set {name}: {len(items)} vragen…")
        rows = [_row(item, _ask(service, item)[0], *_ask(phrasing, item), check) for item in items]
        out["sets"][name] = {"halves": {half: _scores([r for r in rows if r["half"] == half]) for half in HALVES},
                             "all": _scores(rows), "items": rows}
    return out


def _ask(service, item: dict) -> tuple[Answer, float]:  # noqa: ANN001
    began = time.perf_counter()
    try:
        answer = service.ask(item["question"], item["insurer"], [ChatTurn(**t) for t in item["history"]])
    except ResvError as exc:
        answer = Answer(question=item["question"], answer=exc.message, abstained=True, reason="error")
    return answer, time.perf_counter() - began


def _row(item: dict, extractive: Answer, phrased: Answer, seconds: float, check: SentenceCheck) -> dict:
    head = phrased.answer[:phrased.context_start].strip() if phrased.composer == "language-model" else ""
    sources = {c.n: c.quote for c in phrased.citations}
    shown = sentence_parts(head)
    facts = item["facts"]

    def correct(answer: Answer, texts: Sequence[str]) -> bool:
        return answer.abstained if item["abstain"] else (not answer.abstained and all(m.facts_found(facts, texts)))

    phrasing = phrased.phrasing
    return {
        "id": item["id"], "half": item["half"], "abstain": item["abstain"], "composer": phrased.composer,
        "extractive_correct": correct(extractive, [extractive.answer, *(c.quote for c in extractive.citations)]),
        "phrased_correct": correct(phrased, [phrased.answer, *(c.quote for c in phrased.citations)]),
        "facts_in_model_text": bool(head) and not item["abstain"] and all(m.facts_found(facts, [head])),
        "sentences": phrasing.sentences if phrasing else 0, "kept": phrasing.kept if phrasing else 0,
        "unsupported_shown": sum(not check.check(s, sources).kept for s in shown),
        "strictly_unsupported": sum(not strictly_supported(s, " ".join(sources.get(int(n), "") for n in _cited(s)))
                                    for s in shown),
        "abstention_changed": phrased.abstained != extractive.abstained, "seconds": round(seconds, 3),
        "prompt_tokens": phrasing.prompt_tokens if phrasing else None,  # None: the endpoint did not report them
        "completion_tokens": phrasing.completion_tokens if phrasing else None,
        "model_text": head, "dropped": phrasing.dropped if phrasing else [],
    }


def _cited(sentence: str) -> list[str]:
    return [n.strip() for match in MARKER.finditer(sentence) for n in match.group(1).split(",")]


def _scores(rows: list[dict]) -> dict:
    answerable = [r for r in rows if not r["abstain"]]
    seconds = [r["seconds"] for r in rows]
    return {
        "n": len(rows),
        "model_wrote": m.share(sum(r["composer"] == "language-model" for r in rows), len(rows)),
        "accuracy_extractive": m.share(sum(r["extractive_correct"] for r in rows), len(rows)),
        "accuracy_with_model": m.share(sum(r["phrased_correct"] for r in rows), len(rows)),
        "facts_in_model_text": m.share(sum(r["facts_in_model_text"] for r in answerable), len(answerable)),
        "sentences": sum(r["sentences"] for r in rows), "kept": sum(r["kept"] for r in rows),
        "kept_share": m.share(sum(r["kept"] for r in rows), sum(r["sentences"] for r in rows)),
        "unsupported_shown": sum(r["unsupported_shown"] for r in rows),
        "strictly_unsupported": sum(r["strictly_unsupported"] for r in rows),
        "abstentions_changed": sum(r["abstention_changed"] for r in rows),
        "p50_seconds": m.percentile(seconds, 50), "p95_seconds": m.percentile(seconds, 95),
        "prompt_tokens": _total(r["prompt_tokens"] for r in rows), "completion_tokens": _total(r["completion_tokens"] for r in rows),
    }


def _total(values: Iterable[int | None]) -> int | None:
    """The sum of the reported counts; None when the endpoint reported none."""
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _rows(result: dict) -> list[list[str]]:
    out = []
    for name, entry in result["sets"].items():
        for half, s in [*entry["halves"].items(), ("all", entry["all"])]:
            out.append([name, half, str(s["n"]), pct(s["model_wrote"]), pct(s["accuracy_extractive"]), pct(s["accuracy_with_model"]),
                        pct(s["facts_in_model_text"]), str(s["sentences"]), f"{s['kept']} ({pct(s['kept_share'])})",
                        str(s["unsupported_shown"]), str(s["strictly_unsupported"]), str(s["abstentions_changed"]),
                        num(s["p50_seconds"], 1), num(s["p95_seconds"], 1), f"{s['prompt_tokens'] if s['prompt_tokens'] is not None else '–'}/"
                        f"{s['completion_tokens'] if s['completion_tokens'] is not None else '–'}"])
    return out


def llm_table(result: dict) -> str:
    """The figures for the console."""
    return f"Taalmodel {result['model']}\n" + console(HEADER, _rows(result))


def llm_markdown(result: dict) -> list[str]:
    """The figures for the report."""
    return ["## Antwoorden met een taalmodel", "", f"Model `{result['model']}`; *unsupported shown* telt getoonde zinnen "
            "die de controle zelf niet zou houden (hoort 0 te zijn), *strictly unsupported* zinnen waarvan niet elk woord "
            "letterlijk in de geciteerde bron staat.", "", *table(HEADER, _rows(result)), ""]
