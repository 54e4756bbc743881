"""Reward statistics of a profiled candidate and the record that carries them: computed exactly
(a uniform group has a variance of exactly 0, so filtering can trust ``var == 0``), and checked
on the way back in, so filtering never runs on unprofiled or hand-broken records."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from pivotrl.errors import DataError
from pivotrl.pivot_envs.io import UniqueIds, iter_raw
from pivotrl.pivot_envs.policies.base import SampledAction
from pivotrl.pivot_envs.profiling.scoring import Score
from pivotrl.pivot_envs.records import Pivot


def reward_stats(scores: Sequence[Score], k: int, actions: Sequence[SampledAction] | None = None) -> dict[str, Any]:
    """``{"k", "rewards", "mean", "var", "reasons"}``; mean and population variance are exact
    (``statistics`` works in fractions), so a uniform group has a variance of exactly 0."""
    rewards = [s[0] for s in scores]
    reasons = Counter(s[1] for s in scores)
    out: dict[str, Any] = {
        "k": k, "rewards": rewards, "mean": float(statistics.mean(rewards)),
        "var": float(statistics.pvariance(rewards)), "reasons": dict(reasons.most_common()),
    }
    skipped = sum(s[2] for s in scores)
    if skipped:
        out["skipped"] = skipped
    failures = sum(a.error is not None for a in actions or [])
    if failures:
        out["sampler_failures"] = failures
    return out


def profiled_record(pivot: Pivot, verifier_spec: dict[str, Any], scores: Sequence[Score], k: int,
                    actions: Sequence[SampledAction], keep_actions: bool) -> dict[str, Any]:
    """The candidate as a profiled Pivot record: the verifier that scored it and its ``stats``
    (the K actions and finish reasons too when ``keep_actions``)."""
    stats = reward_stats(scores, k, actions)
    if keep_actions:
        stats["actions"] = [a.action if a.error is None else None for a in actions]
        stats["finish_reasons"] = [a.finish_reason for a in actions]
    record = pivot.to_dict()
    record["verifier"] = verifier_spec
    record["stats"] = stats
    return record


def _check_profiled_stats(stats: Mapping[str, Any]) -> None:
    """Raise a DataError naming the field unless ``stats`` is what profiling writes."""
    for key in ("k", "rewards", "mean", "var"):
        if key not in stats:
            raise DataError(f"not profiled: stats has no '{key}'; run `pivotrl profile` on the candidates first",
                            field=f"stats.{key}")
    for key in ("mean", "var"):
        value = stats[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= float(value) <= 1.0:
            raise DataError(f"expected a number within [0, 1], found {value!r}", field=f"stats.{key}")
    rewards = stats["rewards"]
    if not isinstance(rewards, list) or not all(isinstance(r, (int, float)) and not isinstance(r, bool)
                                                for r in rewards):
        raise DataError("expected a list of numbers", field="stats.rewards")
    if isinstance(stats["k"], bool) or not isinstance(stats["k"], int):
        raise DataError(f"expected a whole number, found {stats['k']!r}", field="stats.k")


def load_profiled(source: Any) -> list[Pivot]:
    """Profiled records (``stats`` required and well-formed, ids unique), from any source
    ``load_pivots`` reads; an empty source is a DataError."""
    out: list[Pivot] = []
    ids = UniqueIds("profiled candidate")
    for record, path, line in iter_raw(source):
        try:
            pivot = Pivot.from_dict(record)
            _check_profiled_stats(pivot.stats or {})
        except DataError as exc:
            raise exc.located(path=path or "<records>", line=line) from None
        ids.add(pivot.id, path, line)
        out.append(pivot)
    if not out:
        raise DataError("no profiled records: the given records are empty")
    return out
