"""Fit the review judge on the development plans, cross-validated by plan.

    python -m evals.fit_judge            # fit, report the folds, write assistant/data/judge.json
    python -m evals.fit_judge --dry-run  # report only

Rows are the (plan, requirement) pairs of the development half (`plans/split.toml`) that the
reading rules call met in a document that may have mets at all (a Dutch RESV-plan); a
validation plan is never read here. The target is whether the gold
label is met too. The features are the judge's (`assistant.review.judge.FEATURES`), computed by
the service exactly as a review computes them. The model is a logistic regression on
standardised features, with balanced class weights. Folds group by plan, so a fold's score is on
plans the model has not seen. The met threshold is the lowest probability at which the
out-of-fold decisions keep met precision at or above TARGET_PRECISION (a margin over the
issue's 0.95), taken over the full decision the product applies to every requirement (the
judge, the hard conditions, the document check); when no threshold reaches it, the lowest that
keeps false reassurance at or below TARGET_FALSE_REASSURANCE. Per-fold figures go to evals/reports/judge-fit.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np

from assistant.review.judge import FEATURES, MODEL_FILE, JudgeModel, decide

CLASSES = ("missing", "partial", "met")

HERE = Path(__file__).resolve().parent
PLANS = HERE / "plans"
REPORT = HERE / "reports" / "judge-fit.md"
TARGET_PRECISION = 0.97
TARGET_FALSE_REASSURANCE = 0.02
MIN_MET_RECALL = 0.2
THRESHOLDS = np.round(np.arange(0.30, 0.96, 0.025), 3)
FOLDS = 4
C = 0.3  # strong regularisation: nine plans, a dozen features


def development_plans() -> list[dict]:
    """The eval plans of the development half that have labels."""
    from evals.review_eval import load_labels, load_plans, validation_ids

    plans, _ = load_plans()
    validation = validation_ids()
    out = []
    for entry in plans:
        if entry["id"] in validation:
            continue
        gold, problem = load_labels(entry["id"])
        if gold is not None and problem is None:
            out.append(entry | {"gold": gold})
    return out


def feature_rows(service, plans: Sequence[dict]) -> tuple[np.ndarray, list[str], list]:  # noqa: ANN001 - Assistant
    """y, the plan of each row, and (features, may_meet) for building X per fold and replaying the decision."""
    ys, groups, replay = [], [], []
    for entry in plans:
        path = PLANS / entry["file"]
        document, items = service.assess(path.read_bytes(), path.name, entry["insurer"])
        for item in items:
            gold = entry["gold"].get(item.requirement.id)
            if gold is None:
                continue
            ys.append(CLASSES.index(gold))  # rows the rules do not call met are replayed, not fitted on
            groups.append(entry["id"])
            replay.append((item.features, document.judged))
        print(f"  {entry['id']}: {len(items)} eisen", file=sys.stderr)
    return np.array(ys), groups, replay


def _fit(y: np.ndarray, replay: Sequence) -> JudgeModel:
    """Fit on the rows the rules call met: does the gold label agree?"""
    from sklearn.linear_model import LogisticRegression

    # only where the judge decides: the rules call it met in a document that may have mets at all
    rows = [n for n, (features, may_meet) in enumerate(replay) if features.rule == "met" and may_meet]
    target = np.array([int(y[n] == CLASSES.index("met")) for n in rows])
    xs = np.array([replay[n][0].vector() for n in rows]) if rows else np.zeros((0, len(FEATURES)))
    mean = xs.mean(axis=0) if len(xs) else np.zeros(len(FEATURES))
    scale = xs.std(axis=0) if len(xs) else np.ones(len(FEATURES))
    scale[scale == 0] = 1.0
    if len(set(target)) < 2:  # every rules' met agrees (or none does): a constant model
        return JudgeModel(mean, scale, np.zeros(len(FEATURES)), 10.0 if target.all() else -10.0, 0.5, "fold")
    model = LogisticRegression(C=C, max_iter=2000, class_weight="balanced").fit((xs - mean) / scale, target)
    return JudgeModel(mean, scale, model.coef_[0], float(model.intercept_[0]), 0.5, "fold")


def _scores(gold: Sequence[int], predicted: Sequence[int]) -> dict:
    gold, predicted = np.asarray(gold), np.asarray(predicted)
    met = CLASSES.index("met")
    said_met = predicted == met
    gaps = gold != met
    return {
        "n": int(len(gold)),
        "accuracy": float((gold == predicted).mean()) if len(gold) else None,
        "met_precision": float((gold[said_met] == met).mean()) if said_met.any() else None,
        "met_recall": float((predicted[gold == met] == met).mean()) if (gold == met).any() else None,
        "false_reassurance": float(said_met[gaps].mean()) if gaps.any() else None,
    }


def _decisions(models: Sequence[JudgeModel], fold_of: Sequence[int], replay: Sequence, threshold: float) -> list[int]:
    out = []
    for n, (features, may_meet) in enumerate(replay):
        model = models[fold_of[n]]
        tuned = model.with_threshold(threshold)
        out.append(CLASSES.index(decide(features, tuned, may_meet=may_meet).status))
    return out


def cross_validate(y: np.ndarray, groups: Sequence[str], replay: Sequence) -> dict:
    """Out-of-fold models by plan, the chosen threshold, and per-fold figures at it."""
    from sklearn.model_selection import GroupKFold

    names = sorted(set(groups))
    folds = min(FOLDS, len(names))
    fold_of = np.zeros(len(y), dtype=int)
    models = []
    for k, (train, test) in enumerate(GroupKFold(n_splits=folds).split(np.zeros(len(y)), y, groups)):
        models.append(_fit(y[train], [replay[i] for i in train]))
        fold_of[test] = k
    curve = []
    for threshold in THRESHOLDS:
        scores = _scores(y, _decisions(models, fold_of, replay, float(threshold)))
        curve.append((float(threshold), scores))
    # a precision measured on a handful of mets proves nothing: the threshold must keep some recall
    ok = [(t, s) for t, s in curve if s["met_precision"] is not None and s["met_precision"] >= TARGET_PRECISION
          and (s["met_recall"] or 0) >= MIN_MET_RECALL]
    safe = [(t, s) for t, s in curve if s["false_reassurance"] is not None and s["false_reassurance"] <= TARGET_FALSE_REASSURANCE]
    if ok:
        threshold, rule = min(ok, key=lambda ts: ts[0])[0], f"met precision ≥ {TARGET_PRECISION:.2f}"
    elif safe:
        threshold, rule = min(safe, key=lambda ts: ts[0])[0], f"false reassurance ≤ {100 * TARGET_FALSE_REASSURANCE:.0f} % (no threshold reaches the precision target)"
    else:
        threshold, rule = float(THRESHOLDS[-1]), "the highest threshold (no target reached)"
    predicted = _decisions(models, fold_of, replay, threshold)
    separation = _separation(y, replay, models, fold_of)
    rules = [CLASSES.index(f.rule) if may else min(CLASSES.index(f.rule), 1) for f, may in replay]
    per_fold = []
    for k in range(folds):
        idx = np.flatnonzero(fold_of == k)
        per_fold.append({"plans": sorted({groups[i] for i in idx}), "judge": _scores(y[idx], [predicted[i] for i in idx]),
                         "rules": _scores(y[idx], [rules[i] for i in idx])})
    return {"threshold": threshold, "rule": rule, "curve": curve, "folds": per_fold, "separation": separation,
            "pooled": {"judge": _scores(y, predicted), "rules": _scores(y, rules)}}


def _separation(y: np.ndarray, replay: Sequence, models: Sequence[JudgeModel], fold_of: np.ndarray) -> dict[str, float | None]:
    """How well each feature alone, and the out-of-fold probability, tell a rules' "met" that holds
    from one that does not, over the rows the judge decides (ROC AUC: 0.5 is chance)."""
    from sklearn.metrics import roc_auc_score

    rows = [n for n, (features, may_meet) in enumerate(replay) if features.rule == "met" and may_meet]
    target = np.array([int(y[n] == CLASSES.index("met")) for n in rows])
    if len(set(target)) < 2:
        return {}
    xs = np.array([replay[n][0].vector() for n in rows])
    out: dict[str, float | None] = {name: float(roc_auc_score(target, xs[:, i])) for i, name in enumerate(FEATURES)}
    out["out-of-fold probability"] = float(roc_auc_score(target, [models[fold_of[n]].probability(replay[n][0]) for n in rows]))
    return out


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def report(cv: dict, model: JudgeModel, plans: Sequence[str]) -> str:
    lines = [
        "# Review judge: fit on the development plans", "",
        f"Fitted {date.today().isoformat()} by `python -m evals.fit_judge` on {len(plans)} development plans "
        f"({', '.join(plans)}); {FOLDS}-fold cross-validation grouped by plan. Met threshold "
        f"{cv['threshold']:.3f}: the lowest with out-of-fold {cv['rule']}.", "",
        "| fold | plans | system | n | accuracy | met precision | met recall | false reassurance |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for k, fold in enumerate(cv["folds"]):
        for system in ("judge", "rules"):
            s = fold[system]
            lines.append(f"| {k + 1} | {', '.join(fold['plans'])} | {system} | {s['n']} | {_pct(s['accuracy'])} | "
                         f"{_pct(s['met_precision'])} | {_pct(s['met_recall'])} | {_pct(s['false_reassurance'])} |")
    for system in ("judge", "rules"):
        s = cv["pooled"][system]
        lines.append(f"| all | out of fold | {system} | {s['n']} | {_pct(s['accuracy'])} | {_pct(s['met_precision'])} | "
                     f"{_pct(s['met_recall'])} | {_pct(s['false_reassurance'])} |")
    lines += ["", "`rules` is the reading rules' verdict under the same document check, without the judge.", "",
              "Threshold curve (out of fold):", "", "| threshold | accuracy | met precision | met recall | false reassurance |",
              "|---|---|---|---|---|"]
    for threshold, s in cv["curve"][::2]:
        lines.append(f"| {threshold:.3f} | {_pct(s['accuracy'])} | {_pct(s['met_precision'])} | {_pct(s['met_recall'])} | "
                     f"{_pct(s['false_reassurance'])} |")
    if cv["separation"]:
        lines += ["", "How well each feature alone, and the judge's out-of-fold probability, separate a rules' met that "
                  "holds from one that does not (ROC AUC over the rows the judge decides; 0.5 is chance, below 0.5 "
                  "the feature speaks against the met):", "", "| feature | AUC |", "|---|---|"]
        lines += [f"| {name} | {auc:.3f} |" for name, auc in cv["separation"].items()]
    lines += ["", "Coefficients of the final model (standardised features; positive = the rules' met holds):", "",
              "| feature | coefficient |", "|---|---|"]
    for n, name in enumerate(FEATURES):
        lines.append(f"| {name} | {model.coef[n]:+.2f} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    from assistant.service import Assistant

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="report the folds, write no model")
    args = parser.parse_args(argv)
    plans = development_plans()
    if len(plans) < 2:
        print("Error: fewer than two labelled development plans", file=sys.stderr)
        return 1
    service = Assistant()
    y, groups, replay = feature_rows(service, plans)
    cv = cross_validate(y, groups, replay)
    final = _fit(y, replay)
    version = f"{date.today().isoformat()}.1"
    model = JudgeModel(final.mean, final.scale, final.coef, final.intercept, cv["threshold"], version)
    text = report(cv, model, [p["id"] for p in plans])
    print(text)
    if args.dry_run:
        return 0
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(text, encoding="utf-8")
    MODEL_FILE.write_text(json.dumps({
        "version": version, "features": list(FEATURES), "classes": list(CLASSES),
        "mean": model.mean.tolist(), "scale": model.scale.tolist(), "coef": model.coef.tolist(),
        "intercept": model.intercept, "met_threshold": model.met_threshold,
        "trained_on": [p["id"] for p in plans], "target_met_precision": TARGET_PRECISION,
        "cross_validation": {"pooled": cv["pooled"], "folds": cv["folds"]},
    }, indent=1) + "\n", encoding="utf-8")
    print(f"Geschreven: {MODEL_FILE} en {REPORT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
