"""Filtering profiled candidates into pivots: keep ``var > min_var and mean < lam`` (mixed
outcomes that are still hard) and count the funnel per domain and per turn position, so a
user sees where the uniform (zero-advantage) candidates come from."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pivotrl.errors import DataError
from pivotrl.pivot_envs.records import Pivot

logger = logging.getLogger(__name__)

DEFAULT_LAM = 0.6  # NVIDIA's public tau-bench pivot run (K = 16)
MIN_RECOMMENDED_K = 8  # NVIDIA's stated minimum K for the statistics to mean anything
TURN_BUCKET_CAP = 10  # turn positions from here on share one row ("10+")

#: Every candidate falls in exactly one class; the funnel counts them in this order.
CLASSES = ("uniform_failure", "uniform_success", "low_variance", "too_easy", "kept")


def classify(stats: dict[str, Any], lam: float = DEFAULT_LAM, min_var: float = 0.0) -> str:
    """The funnel class of one candidate. Uniform groups (variance exactly 0) are failures when
    every reward is 0, else successes; ``kept`` is ``var > min_var and mean < lam``."""
    mean, var = float(stats["mean"]), float(stats["var"])
    if var == 0:
        return "uniform_failure" if mean == 0 else "uniform_success"
    if not var > min_var:
        return "low_variance"
    if not mean < lam:
        return "too_easy"
    return "kept"


def turn_bucket(pivot: Pivot) -> str:
    """The assistant-turn position of a candidate (``source.turn``), ``10+`` for late turns."""
    turn = (pivot.source or {}).get("turn")
    if not isinstance(turn, int):
        return "unknown"
    return f"{TURN_BUCKET_CAP}+" if turn >= TURN_BUCKET_CAP else str(turn)


@dataclass
class Funnel:
    """Counts per class, overall and per group (domain, turn position)."""

    total: dict[str, int] = field(default_factory=lambda: dict.fromkeys(("candidates", *CLASSES), 0))
    by_domain: dict[str, dict[str, int]] = field(default_factory=dict)
    by_turn: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, pivot: Pivot, cls: str) -> None:
        for counts in (self.total, self.by_domain.setdefault(pivot.domain, dict.fromkeys(("candidates", *CLASSES), 0)),
                       self.by_turn.setdefault(turn_bucket(pivot), dict.fromkeys(("candidates", *CLASSES), 0))):
            counts["candidates"] += 1
            counts[cls] += 1

    def sorted_turns(self) -> list[tuple[str, dict[str, int]]]:
        def key(item: tuple[str, dict[str, int]]) -> tuple[int, str]:
            name = item[0]
            return (int(name.rstrip("+")), name) if name.rstrip("+").isdigit() else (10**9, name)

        return sorted(self.by_turn.items(), key=key)

    def to_dict(self) -> dict[str, Any]:
        return {"total": self.total, "by_domain": self.by_domain, "by_turn": dict(self.sorted_turns())}


@dataclass
class FilterResult:
    kept: list[Pivot]
    funnel: Funnel
    lam: float
    min_var: float
    warnings: list[str] = field(default_factory=list)


def _check_stats(pivot: Pivot, index: int) -> dict[str, Any]:
    stats = pivot.stats
    if not stats or "mean" not in stats or "var" not in stats:
        raise DataError(f"candidate {pivot.id!r} has no reward statistics (stats.mean, stats.var); run "
                        "`pivotrl profile` on it first", line=index + 1, field="stats")
    return stats


def filter_pivots(profiled: Sequence[Pivot] | Iterable[Pivot], lam: float = DEFAULT_LAM,
                  min_var: float = 0.0) -> FilterResult:
    """Keep the candidates with ``var > min_var and mean < lam``; boundaries are exclusive
    (a variance of exactly ``min_var`` and a mean of exactly ``lam`` are dropped). A candidate
    that appears twice is a DataError naming both records, never counted twice."""
    if min_var < 0:
        raise DataError(f"min_var must be >= 0, got {min_var}")
    funnel = Funnel()
    kept: list[Pivot] = []
    ks: set[int] = set()
    seen: dict[str, int] = {}
    for index, pivot in enumerate(profiled):
        first = seen.setdefault(pivot.id, index)
        if first != index:  # two profiles of one candidate (two runs on one output?) would count twice
            raise DataError(f"candidate {pivot.id!r} appears twice (records {first + 1} and {index + 1}); each "
                            "candidate must be profiled once: remove the duplicate", line=index + 1, field="id")
        stats = _check_stats(pivot, index)
        if isinstance(stats.get("k"), int):
            ks.add(stats["k"])
        cls = classify(stats, lam, min_var)
        funnel.add(pivot, cls)
        if cls == "kept":
            kept.append(pivot)
    result = FilterResult(kept=kept, funnel=funnel, lam=lam, min_var=min_var)
    small = sorted(k for k in ks if k < MIN_RECOMMENDED_K)
    if small:
        message = (f"profiled with K = {', '.join(map(str, small))}: fewer than {MIN_RECOMMENDED_K} samples per "
                   "candidate make mean and variance noisy (NVIDIA's stated minimum is 8; their run used 16); "
                   "profile again with -k 16")
        result.warnings.append(message)
        warnings.warn(message, UserWarning, stacklevel=2)
    logger.info("kept %d of %d candidates (lam=%g, min_var=%g)", len(kept), funnel.total["candidates"], lam, min_var)
    return result
