"""Soak: long and concurrent use of the environments, as an RL run uses them.

1. ``pivot/browse-v0``: ``--browse-steps`` steps (1,000,000 by default), each a search with a
   query never seen before, so every cache of the path fills and turns over; every 1,000th step
   is the pivot's own reference, which must score 1.
2. ``pivot/tool-v0``: ``--threads`` threads (64), each with its own env over one shared pivot
   list, for ``--seconds`` (60): each step is the reference or a one-value perturbation of it,
   and its reward must equal the one measured single-threaded beforehand.

Reported: steps/s (beside the first tenth of the run, or one thread, measured in the same run),
RSS growth after warm-up (the first tenth) and over the second half, when every bounded cache has
long been full (goal: under 50 MB), and errors (exceptions and wrong rewards; goal: 0).

Run: ``python -m pivotrl.benchmarks.soak [--quick]``.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gymnasium as gym
from tqdm import tqdm

import pivotrl  # noqa: F401 - registers the pivot/* ids
from pivotrl.benchmarks.common import Result, report
from pivotrl.pivot_envs import shipped_pivots
from pivotrl.pivot_envs.domains import data_path
from pivotrl.pivot_envs.perturb import perturb_reference

RSS_GOAL_MB = 50.0
CHECK_EVERY = 1000


def rss_mb() -> float:
    """Resident set size now (Linux /proc), else the peak (getrusage)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Phase:
    steps: int = 0
    seconds: float = 0.0
    early_rate: float = 0.0
    rss_start: float = 0.0
    rss_half: float = 0.0
    rss_end: float = 0.0
    errors: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.steps / self.seconds if self.seconds else 0.0

    @property
    def rss_growth(self) -> float:
        return self.rss_end - self.rss_start

    @property
    def rss_growth_second_half(self) -> float:
        """Growth once every bounded cache had long been full: what a leak would show."""
        return self.rss_end - self.rss_half


def _vocabulary() -> list[str]:
    words: set[str] = set()
    with open(data_path("browse/corpus.jsonl"), encoding="utf-8") as handle:
        for line in handle:
            words.update(w.lower() for w in json.loads(line).get("title", "").split() if w.isalpha())
    return sorted(words) or ["river", "bridge", "history"]


def browse_soak(steps: int, seed: int = 0) -> Phase:
    """``steps`` browse steps with distinct search queries; the reference every CHECK_EVERY."""
    rng = random.Random(seed)
    words = _vocabulary()
    env = gym.make("pivot/browse-v0")
    env.reset(seed=seed)
    phase = Phase()
    warmup = max(1, steps // 10)
    started = time.perf_counter()
    # progress on stderr (a full soak takes minutes); the table and JSON line stay on stdout
    for i in tqdm(range(steps), desc="browse soak", unit="step", mininterval=10, file=sys.stderr):
        if i == warmup:
            gc.collect()
            phase.rss_start = rss_mb()
            phase.early_rate = warmup / (time.perf_counter() - started)
        if i == steps // 2:
            gc.collect()
            phase.rss_half = rss_mb()
        env.reset()
        pivot = env.unwrapped.pivot
        check = i % CHECK_EVERY == 0
        if check:
            action: Any = pivot.reference
        else:
            query = " ".join(rng.sample(words, 3)) + f" {i}"
            action = json.dumps({"name": "search", "arguments": {"query": query}})
        try:
            _, reward, _, _, info = env.step(action)
        except Exception as exc:  # the soak counts what breaks; it must not stop at the first
            phase.errors.append(f"step {i} at {pivot.id}: {type(exc).__name__}: {exc}"[:300])
            continue
        if not 0.0 <= reward <= 1.0 or (check and reward != 1.0):
            phase.errors.append(f"step {i} at {pivot.id}: reward {reward} ({info['verdict'].reason})"[:300])
        phase.steps += 1
    phase.seconds = time.perf_counter() - started
    gc.collect()
    phase.rss_end = rss_mb()
    if steps <= warmup:
        phase.rss_start, phase.early_rate = phase.rss_end, phase.rate
    if steps < 2:
        phase.rss_half = phase.rss_end
    env.close()
    return phase


def _tool_cases() -> tuple[list[Any], list[tuple[str, Any, float]]]:
    """Shared pivots and (pivot id, action, expected reward) measured on one thread."""
    pivots = shipped_pivots("tool")
    env = gym.make("pivot/tool-v0", pivots=pivots)
    cases = []
    for k, pivot in enumerate(pivots):
        for action in (pivot.reference, perturb_reference(pivot, seed=k)):
            env.reset(options={"pivot_id": pivot.id})
            cases.append((pivot.id, action, env.step(action)[1]))
    env.close()
    return pivots, cases


def _tool_worker(pivots: list[Any], cases: list[tuple[str, Any, float]], deadline: float, seed: int,
                 counts: list[int], errors: list[str], lock: threading.Lock) -> None:
    rng = random.Random(seed)
    try:
        env = gym.make("pivot/tool-v0", pivots=pivots)
    except Exception as exc:
        with lock:
            errors.append(f"thread {seed}: env: {type(exc).__name__}: {exc}"[:300])
        return
    done = 0
    while time.perf_counter() < deadline:
        pivot_id, action, expected = cases[rng.randrange(len(cases))]
        try:
            env.reset(options={"pivot_id": pivot_id})
            reward = env.step(action)[1]
        except Exception as exc:
            with lock:
                errors.append(f"thread {seed} at {pivot_id}: {type(exc).__name__}: {exc}"[:300])
            continue
        if reward != expected:
            with lock:
                errors.append(f"thread {seed} at {pivot_id}: reward {reward}, {expected} on one thread")
        done += 1
    env.close()
    with lock:
        counts.append(done)


def tool_threads_soak(threads: int, seconds: float) -> Phase:
    """``threads`` threads stepping tool-v0 for ``seconds``; ``early_rate`` is one thread's rate."""
    pivots, cases = _tool_cases()
    phase = Phase()

    def run(n: int, duration: float) -> tuple[int, float, list[str]]:
        counts: list[int] = []
        errors: list[str] = []
        lock = threading.Lock()
        started = time.perf_counter()
        workers = [threading.Thread(target=_tool_worker, args=(pivots, cases, started + duration, s, counts, errors,
                                                               lock), name=f"soak-{s}") for s in range(n)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        return sum(counts), time.perf_counter() - started, errors

    single_steps, single_seconds, single_errors = run(1, max(1.0, seconds / 10))
    phase.early_rate = single_steps / single_seconds
    gc.collect()
    phase.rss_start = rss_mb()
    phase.steps, phase.seconds, errors = run(threads, seconds)
    phase.errors = single_errors + errors
    gc.collect()
    phase.rss_end = rss_mb()
    return phase


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="CI size: 20,000 browse steps, 8 threads for 5 s.")
    parser.add_argument("--browse-steps", type=int, default=None)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--seconds", type=float, default=None)
    args = parser.parse_args(argv)
    steps = args.browse_steps if args.browse_steps is not None else (20_000 if args.quick else 1_000_000)
    threads = args.threads if args.threads is not None else (8 if args.quick else 64)
    seconds = args.seconds if args.seconds is not None else (5.0 if args.quick else 60.0)

    browse = browse_soak(steps)
    print(f"tool soak: {threads} threads for {seconds:g} s (after {max(1.0, seconds / 10):g} s on one thread)",
          file=sys.stderr, flush=True)
    tool = tool_threads_soak(threads, seconds)
    results = [
        Result("browse steps/s (distinct queries) vs first tenth", browse.rate, "steps/s", browse.early_rate,
               browse.rate / browse.early_rate if browse.early_rate else 0.0),
        Result("browse RSS growth after warm-up vs 50 MB goal", browse.rss_growth, "MB", RSS_GOAL_MB,
               browse.rss_growth / RSS_GOAL_MB),
        Result("browse RSS growth over the second half vs 50 MB goal", browse.rss_growth_second_half, "MB",
               RSS_GOAL_MB, browse.rss_growth_second_half / RSS_GOAL_MB),
        Result("browse errors", float(len(browse.errors)), "errors", 0.0, float(len(browse.errors))),
        Result(f"tool steps/s on {threads} threads vs 1 thread", tool.rate, "steps/s", tool.early_rate,
               tool.rate / tool.early_rate if tool.early_rate else 0.0),
        Result(f"tool RSS growth on {threads} threads vs 50 MB goal", tool.rss_growth, "MB", RSS_GOAL_MB,
               tool.rss_growth / RSS_GOAL_MB),
        Result("tool errors (exceptions, wrong rewards)", float(len(tool.errors)), "errors", 0.0,
               float(len(tool.errors))),
    ]
    problems = browse.errors[:5] + tool.errors[:5]
    notes = (f"browse: {browse.steps:,} steps in {browse.seconds:,.0f} s; tool: {tool.steps:,} steps on {threads} "
             f"threads in {tool.seconds:,.0f} s.")
    if problems:
        notes += "\nfirst errors:\n  " + "\n  ".join(problems)
    report("soak", results, notes)
    return {"browse": browse, "tool": tool}


if __name__ == "__main__":
    main()
