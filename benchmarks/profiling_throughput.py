"""Profiling throughput on CPU with the tiny local HF model (random weights, built in a temp dir)
over the shipped tool candidates with the shortest prompts, in candidates/s:

- naive: candidates in file order, one ``generate`` call per sample (K calls per candidate),
  each action verified one after another with ``verify``;
- engine: ``pivotrl profile``'s engine: K samples per call (``num_return_sequences``),
  candidates batched in prefix order, verification on a thread pool overlapping sampling,
  records appended and fsynced.

Both run in the same process, interleaved per repeat; medians are reported. Torch runs one
intra-op thread in both (``--threads``): on a small shared machine OpenMP's spinning threads make
a one-row ``generate`` up to 50x slower, which would flatter the engine (it samples on its own
thread) for the wrong reason.
Run: ``python -m pivotrl.benchmarks.profiling_throughput [--quick] [--candidates N] [-k K]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from pivotrl.benchmarks.common import Result, report
from pivotrl.pivot_envs import shipped_pivots
from pivotrl.pivot_envs.domains import verifier_for
from pivotrl.pivot_envs.policies import SamplingParams, get_policy
from pivotrl.pivot_envs.profiling import ProfileConfig, profile
from pivotrl.pivot_envs.records import Pivot
from pivotrl.verifiers.spec import VerifierPool


def workload(n: int) -> list[Pivot]:
    """The ``n`` tool candidates with the shortest conversations, in file order."""
    pivots = shipped_pivots("tool")
    chosen = {p.id for p in sorted(pivots, key=lambda p: len(json.dumps(p.messages)))[:n]}
    return [p for p in pivots if p.id in chosen]


def naive(pivots: list[Pivot], policy: object, k: int, params: SamplingParams) -> int:
    verifiers = VerifierPool()  # built once per spec, as the engine does: only the scheduling differs
    samples = 0
    for pivot in pivots:
        verifier = verifiers.get(verifier_for(pivot))
        actions = [policy.sample([pivot], 1, params)[0][0] for _ in range(k)]  # type: ignore[attr-defined]
        rewards = [verifier.verify(a.action, pivot).score for a in actions]  # type: ignore[attr-defined]
        statistics.pvariance(rewards)
        samples += len(actions)
    return samples


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="8 candidates, 3 repeats, 16 tokens (under a minute)")
    parser.add_argument("--candidates", type=int, default=None)
    parser.add_argument("-k", type=int, default=8)
    parser.add_argument("--max-tokens", type=int, default=None)
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads for both paths")
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)
    n = args.candidates or (8 if args.quick else 24)
    repeats = args.repeats or (3 if args.quick else 5)
    max_tokens = args.max_tokens or (16 if args.quick else 32)

    from pivotrl.testing.judge_server import build_tiny_model

    with tempfile.TemporaryDirectory(prefix="pivotrl-bench-") as tmp:
        started = time.perf_counter()
        model = build_tiny_model(Path(tmp) / "model")
        build_s = time.perf_counter() - started
        policy = get_policy(f"hf:{model}", batch_size=8)
        pivots = workload(n)
        naive_s: list[float] = []
        engine_s: list[float] = []
        for r in range(repeats):
            params = SamplingParams(max_tokens=max_tokens, seed=r)
            policy.sample(pivots[:1], 1, params)  # warm-up
            t = time.perf_counter()
            naive(pivots, policy, args.k, params)
            naive_s.append(time.perf_counter() - t)
            out = Path(tmp) / f"profiled-{r}.jsonl"
            t = time.perf_counter()
            summary = profile(pivots, policy, out, ProfileConfig(k=args.k, sampling=params, chunk_size=8,
                                                                  concurrency=4))
            engine_s.append(time.perf_counter() - t)
            assert summary.written == len(pivots)
        policy.close()

    naive_rate = n / statistics.median(naive_s)
    engine_rate = n / statistics.median(engine_s)
    results = [
        Result("naive: candidates/s (1 request per sample, file order, serial verify)", naive_rate, "candidates/s",
               naive_rate, 1.0),
        Result("engine: candidates/s (n=K batched, prefix order, concurrent verify)", engine_rate, "candidates/s",
               naive_rate, engine_rate / naive_rate),
        Result("engine: actions/s", engine_rate * args.k, "actions/s", naive_rate * args.k, engine_rate / naive_rate),
    ]
    report("profiling_throughput", results,
           notes=(f"{n} shipped tool candidates (shortest prompts), K = {args.k}, max_tokens = {max_tokens}, "
                  f"{repeats} repeat(s), medians, {args.threads} torch thread(s); tiny model built in {build_s:.1f} s; "
                  f"naive runs {[round(s, 1) for s in naive_s]} s, engine runs {[round(s, 1) for s in engine_s]} s"))


if __name__ == "__main__":
    main()
