"""Agreement of verifiers with ground truth on labeled pairs.

For each verifier: n, accuracy, precision, recall, F1, Cohen's kappa, false-accept rate (a
wrong action rewarded: reward hacking) and false-reject rate (a right action thrown away),
each with a bootstrap 95% interval; the confusion matrix; a per-category breakdown;
verifications per second; the first disagreements with the verdict reason; the reasons behind
the false rejects and false accepts, grouped, overall and per category (``agreement_reasons``).
For thresholded verifiers (``fuzzy``) a threshold sweep of both error rates.

``python -m pivotrl.benchmarks.agreement`` runs the shipped tool-call sets (or ``--data``) and
prints the tables, then the one-line JSON of every benchmark (``exact`` is the baseline)."""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from pivotrl.benchmarks.agreement_reasons import tally
from pivotrl.benchmarks.labeled import LabeledPair
from pivotrl.verifiers import get_verifier

METRICS = ("accuracy", "precision", "recall", "f1", "kappa", "false_accept_rate", "false_reject_rate")


def _metrics(truth: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    """All metrics for boolean arrays; columns may be stacked (bootstrap): axis -1 is pairs."""
    tp = np.sum(truth & pred, axis=-1).astype(float)
    fp = np.sum(~truth & pred, axis=-1).astype(float)
    fn = np.sum(truth & ~pred, axis=-1).astype(float)
    tn = np.sum(~truth & ~pred, axis=-1).astype(float)
    n = tp + fp + fn + tn
    with np.errstate(divide="ignore", invalid="ignore"):
        accuracy = (tp + tn) / n
        precision = np.where(tp + fp > 0, tp / (tp + fp), np.nan)
        recall = np.where(tp + fn > 0, tp / (tp + fn), np.nan)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), np.nan)
        expected = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / (n * n)
        kappa = np.where(expected < 1, (accuracy - expected) / (1 - expected), np.nan)
        far = np.where(fp + tn > 0, fp / (fp + tn), np.nan)
        frr = np.where(fn + tp > 0, fn / (fn + tp), np.nan)
    return {"accuracy": accuracy, "precision": precision, "recall": recall, "f1": f1, "kappa": kappa,
            "false_accept_rate": far, "false_reject_rate": frr}


def _interval(truth: np.ndarray, pred: np.ndarray, rounds: int, seed: int) -> dict[str, tuple[float, float]]:
    rng = np.random.default_rng(seed)
    index = rng.integers(0, len(truth), size=(rounds, len(truth)))
    stacked = _metrics(truth[index], pred[index])
    return {k: (float(np.nanpercentile(v, 2.5)), float(np.nanpercentile(v, 97.5)))
            if np.any(~np.isnan(v)) else (float("nan"), float("nan")) for k, v in stacked.items()}


@dataclass
class VerifierAgreement:
    verifier: str
    n: int
    metrics: dict[str, float]
    intervals: dict[str, tuple[float, float]]
    confusion: dict[str, int]
    per_category: dict[str, dict[str, Any]]
    verifications_per_second: float
    disagreements: list[dict[str, Any]] = field(default_factory=list)
    sweep: list[dict[str, float]] = field(default_factory=list)
    #: {"false_reject": [{"reason", "count", "examples"}], "false_accept": [...]}, most frequent first
    reasons: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.update(self.metrics)
        out["intervals"] = {k: list(v) for k, v in self.intervals.items()}
        return out


@dataclass
class AgreementResult:
    dataset: str
    results: list[VerifierAgreement]

    def to_dict(self) -> dict[str, Any]:
        return {"dataset": self.dataset, "verifiers": [r.to_dict() for r in self.results]}


def _spec_name(spec: Any) -> str:
    if isinstance(spec, str):
        return spec
    if isinstance(spec, dict):
        params = ",".join(f"{k}={v}" for k, v in sorted((spec.get("params") or {}).items()))
        return spec["name"] + (f"({params})" if params else "")
    return getattr(spec, "name", repr(spec))


def evaluate(pairs: Sequence[LabeledPair], verifier: Any, *, dataset: str = "pairs", bootstrap: int = 1000,
             seed: int = 0, max_disagreements: int = 20, sweep: bool = True) -> VerifierAgreement:
    built = get_verifier(verifier)
    actions = [p.candidate for p in pairs]
    pivots = [p.pivot for p in pairs]
    started = time.perf_counter()
    verdicts = built.verify_batch(actions, pivots)
    elapsed = time.perf_counter() - started
    truth = np.array([p.equivalent for p in pairs], dtype=bool)
    pred = np.array([v.equivalent for v in verdicts], dtype=bool)
    metrics = {k: float(v) for k, v in _metrics(truth, pred).items()}
    confusion = {"true_accept": int(np.sum(truth & pred)), "false_accept": int(np.sum(~truth & pred)),
                 "false_reject": int(np.sum(truth & ~pred)), "true_reject": int(np.sum(~truth & ~pred))}
    by_category: dict[str, list[int]] = defaultdict(list)
    for i, pair in enumerate(pairs):
        by_category[pair.category].append(i)
    per_category = {}
    for category, idx in sorted(by_category.items()):
        t, p = truth[idx], pred[idx]
        m = _metrics(t, p)
        per_category[category] = {"n": len(idx), "positives": int(t.sum()), "accuracy": float(m["accuracy"]),
                                  "false_accept_rate": float(m["false_accept_rate"]),
                                  "false_reject_rate": float(m["false_reject_rate"]),
                                  "false_reject_reasons": tally([i for i in idx if truth[i] and not pred[i]], verdicts, pairs),
                                  "false_accept_reasons": tally([i for i in idx if pred[i] and not truth[i]], verdicts, pairs)}
    disagreements = [
        {"pivot_id": pairs[i].pivot.id, "category": pairs[i].category, "label": bool(truth[i]),
         "verdict": bool(pred[i]), "reason": verdicts[i].reason,
         "candidate": pairs[i].candidate if isinstance(pairs[i].candidate, str) else str(pairs[i].candidate)[:300]}
        for i in np.flatnonzero(truth != pred)[:max_disagreements]
    ]
    reasons = {"false_reject": tally(np.flatnonzero(truth & ~pred).tolist(), verdicts, pairs, examples=3),
               "false_accept": tally(np.flatnonzero(~truth & pred).tolist(), verdicts, pairs, examples=3)}
    result = VerifierAgreement(_spec_name(verifier), len(pairs), metrics, _interval(truth, pred, bootstrap, seed),
                               confusion, per_category, len(pairs) / max(elapsed, 1e-9), disagreements,
                               reasons=reasons)
    name = verifier if isinstance(verifier, str) else (verifier.get("name") if isinstance(verifier, dict) else None)
    if sweep and name == "fuzzy":
        params = dict((verifier.get("params") or {}) if isinstance(verifier, dict) else {})
        graded = get_verifier("fuzzy", **{**params, "graded": True, "threshold": 0})
        scores = np.array([v.score * 100 for v in graded.verify_batch(actions, pivots)])
        for threshold in range(0, 101, 5):
            m = _metrics(truth, scores >= threshold)
            result.sweep.append({"threshold": threshold, "false_accept_rate": float(m["false_accept_rate"]),
                                 "false_reject_rate": float(m["false_reject_rate"])})
    return result


def agreement(pairs: Sequence[LabeledPair], verifiers: Sequence[Any], *, dataset: str = "pairs",
              bootstrap: int = 1000, seed: int = 0, max_disagreements: int = 20) -> AgreementResult:
    """Several verifiers side by side on the same pairs."""
    return AgreementResult(dataset, [evaluate(pairs, v, dataset=dataset, bootstrap=bootstrap, seed=seed,
                                              max_disagreements=max_disagreements) for v in verifiers])


def _shipped_tool_sets() -> dict[str, tuple[Any, str]]:
    """The shipped labeled sets that need no sandbox, with the verifier of their domain."""
    from importlib import resources
    from pathlib import Path

    root = Path(str(resources.files("pivotrl.benchmarks").joinpath("data")))
    verifiers = {"tool": "tool_schema", "browse": "search_overlap", "schema": "tool_schema"}
    return {name: (root / f"{name}.pairs.jsonl", verifier) for name, verifier in verifiers.items()
            if (root / f"{name}.pairs.jsonl").exists()}


def main(argv: list[str] | None = None) -> None:
    """Agreement on the shipped tool-call sets (or ``--data`` files, BFCL question files included):
    each set's verifier against ``exact``, the string-match baseline, in the same run."""
    import argparse
    from pathlib import Path

    from pivotrl.benchmarks.bfcl import load_bfcl
    from pivotrl.benchmarks.common import Result, report
    from pivotrl.benchmarks.labeled import load_labeled

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--data", type=Path, action="append", default=[], help="labeled pairs or a BFCL question file")
    parser.add_argument("--verifier", default="tool_schema", help="verifier for --data sets (default: tool_schema)")
    parser.add_argument("--bootstrap", type=int, default=200)
    parser.add_argument("--per-category", action="store_true", help="print the reasons behind each disagreement")
    args = parser.parse_args(argv)
    sets = ({p.name: (p, args.verifier) for p in args.data} if args.data else _shipped_tool_sets())
    results: list[Result] = []
    for name, (path, verifier) in sets.items():
        bfcl = (path.parent / "possible_answer" / path.name).exists()
        pairs = load_bfcl(path) if bfcl else load_labeled(path)
        outcome = agreement(pairs, [verifier, "exact"], dataset=name, bootstrap=args.bootstrap)
        ours, baseline = outcome.results
        print(f"\n{name}: {len(pairs)} pairs")
        print(f"{'verifier':16s} {'accuracy':>9s} {'false accept':>13s} {'false reject':>13s}")
        for r in outcome.results:
            m = r.metrics
            print(f"{r.verifier:16s} {100 * m['accuracy']:8.1f}% {100 * m['false_accept_rate']:12.1f}% "
                  f"{100 * m['false_reject_rate']:12.1f}%")
        if args.per_category:
            for outcome_kind in ("false_reject", "false_accept"):
                for group in ours.reasons.get(outcome_kind, []):
                    print(f"  {outcome_kind.replace('_', ' ')}: {group['count']:4d}  {group['reason']}")
            for category, c in ours.per_category.items():
                for group in c["false_reject_reasons"] + c["false_accept_reasons"]:
                    print(f"    {category}: {group['count']} x {group['reason']}")
        for metric in ("accuracy", "false_accept_rate", "false_reject_rate"):
            value, base = 100 * ours.metrics[metric], 100 * baseline.metrics[metric]
            value, base = (0.0 if math.isnan(value) else value), (0.0 if math.isnan(base) else base)
            results.append(Result(f"{name}:{ours.verifier}:{metric}", value, "%", base,
                                  value / base if base else 0.0))
    print()
    report("agreement", results, notes="baseline: exact (string match) on the same pairs; ratio 0 where the "
                                       "baseline is 0")


if __name__ == "__main__":
    main()
