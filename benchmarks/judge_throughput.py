"""Judged actions per second against a local OpenAI-compatible server (the tiny CPU model
served by ``transformers serve``, or any ``--base-url``): concurrency 1 vs the configured
limit, and the cache-hit path, printed as ratios against concurrency 1.

Run: ``python -m pivotrl.benchmarks.judge_throughput [--quick] [--base-url URL --model M]``.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import tempfile
import time
from pathlib import Path

from pivotrl.benchmarks.common import Result, report
from pivotrl.pivot_envs import shipped_pivots
from pivotrl.verifiers import get_verifier


def workload(n: int, seed: int = 0) -> tuple[list[str], list]:
    """Text-reply pivots of the tool domain, each with another pivot's reply as candidate."""
    pivots = [p for p in shipped_pivots("tool")
              if not p.reference.get("tool_calls")]
    rng = random.Random(seed)
    chosen = [rng.choice(pivots) for _ in range(n)]
    return [rng.choice(pivots).reference["content"] for _ in chosen], chosen


def timed(verifier, actions, pivots) -> float:
    started = time.perf_counter()
    verifier.verify_batch(actions, pivots)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default=None, help="an OpenAI-compatible endpoint (default: start the tiny model)")
    parser.add_argument("--model", default=None)
    parser.add_argument("--n", type=int, default=24, help="judged actions per measurement")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--max-tokens", type=int, default=16)
    parser.add_argument("--continuous-batching", action="store_true", help="start the tiny server with it")
    parser.add_argument("--quick", action="store_true", help="n=6: a smoke run for CI")
    args = parser.parse_args(argv)
    if args.quick:
        args.n = 6
    with contextlib.ExitStack() as stack:
        base_url, model = args.base_url, args.model
        if base_url is None:
            from pivotrl.testing.judge_server import TinyServer, build_tiny_model

            extra = ["--continuous-batching"] if args.continuous_batching else []
            server = stack.enter_context(TinyServer(build_tiny_model(), extra_args=extra))
            base_url, model = server.base_url, server.model
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        common = {"base_url": base_url, "model": model, "max_tokens": args.max_tokens, "on_failure": "zero",
                  "max_retries": 1}
        actions, pivots = workload(args.n)
        serial = get_verifier("llm_judge", concurrency=1, cache=False, **common)
        parallel = get_verifier("llm_judge", concurrency=args.concurrency, cache=False, **common)
        cached = get_verifier("llm_judge", concurrency=args.concurrency, cache=str(tmp / "judge.sqlite"), **common)
        timed(serial, actions[:2], pivots[:2])  # warm-up: the server loads the model on first use
        t_serial = timed(serial, actions, pivots)
        t_parallel = timed(parallel, [a + " " for a in actions], pivots)  # new texts: no server-side reuse
        # the cache-hit path: one stored answer per action, then a timed pass served from the cache
        # (seeded directly: a random tiny model's answers are unparseable, and those are never cached)
        filler = [a + "  " for a in actions]
        for action, pivot in zip(filler, pivots, strict=True):
            key, _ = cached._request(cached.parse(action), pivot)
            cached.cache.put(key, {"equivalent": False, "reason": "seeded", "how": "json", "text": ""})
        hits_before = cached.stats["cache_hits"]
        t_cached = timed(cached, filler, pivots)
        n = len(actions)
        unparseable = serial.stats["unparseable"] + parallel.stats["unparseable"]
        results = [
            Result("judge, concurrency 1", n / t_serial, "judged actions/s", n / t_serial, 1.0),
            Result(f"judge, concurrency {args.concurrency}", n / t_parallel, "judged actions/s", n / t_serial,
                   t_serial / t_parallel),
            Result("judge, cache hits", n / t_cached, "judged actions/s", n / t_serial, t_serial / t_cached),
        ]
        report("judge_throughput", results,
               f"{n} judged actions per row at {base_url} ({model}); max_tokens={args.max_tokens}; "
               f"{cached.stats['cache_hits'] - hits_before} cache hits in the last row; {unparseable} unparseable "
               "answers (a random tiny model babbles: this measures throughput, not accuracy)")


if __name__ == "__main__":
    main()
