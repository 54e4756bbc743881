"""Shared benchmark plumbing: median timing and the one-line JSON result every benchmark
prints last, so figures can be compared across runs."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class Result:
    name: str
    value: float
    unit: str
    baseline: float
    ratio: float


def median_seconds(fn: Callable[[], Any], repeats: int) -> float:
    """Median wall time of ``repeats`` calls after one warm-up call."""
    fn()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def report(benchmark: str, results: list[Result], notes: str = "") -> None:
    width = max(len(r.name) for r in results)
    print(f"{'benchmark':<{width}}  {'value':>14}  {'baseline':>14}  {'ratio':>8}  unit")
    for r in results:
        print(f"{r.name:<{width}}  {r.value:>14,.1f}  {r.baseline:>14,.1f}  {r.ratio:>7.1f}x  {r.unit}")
    if notes:
        print(notes)
    print(json.dumps({"benchmark": benchmark, "results": [asdict(r) for r in results]}))
