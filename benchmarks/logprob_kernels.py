"""Peak memory and time of forward + backward for chosen-token log-probs from hidden states, and
for the GRPO loss end to end, on our fused path vs materialised logits, measured in the same run.

Methods: (a) naive ``log_softmax(h @ W.T / T).gather``; (b) TRL's ``selective_log_softmax`` idea
(logits materialised, selected logit minus a per-sequence ``logsumexp``); (c) ``fused_linear_logprobs``;
(d) ``fused_grpo_loss`` vs ``grpo_loss`` on (a). Memory: each method runs once in a fresh subprocess;
its peak is the rise of the process's peak RSS (VmHWM, reset through /proc/self/clear_refs once the
inputs exist) over the RSS at that moment, so inputs and the interpreter are not counted but every
buffer the method allocates (logits, the gradients of hidden and lm_head) is. Time: one more
subprocess runs the methods in interleaved rounds, so a busy machine slows them alike.

Run: ``python -m pivotrl.benchmarks.logprob_kernels [--quick] [--shape NxHxV ...] [--repeats R]``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from pivotrl.benchmarks.common import Result, report

SHAPES = ((4096, 1024, 32768), (1024, 1024, 151936))
QUICK_SHAPES = ((512, 256, 32768),)
METHODS = ("naive", "trl", "fused", "grpo_naive", "grpo_fused")
SEQ_LEN = 512  # tokens per sequence where a method needs [B, T] (TRL's loop, the GRPO loss)
TEMPERATURE = 0.7


def _status_kib(key: str) -> int:
    with open("/proc/self/status") as f:
        found = re.search(rf"^{key}:\s+(\d+)", f.read(), re.M)
    if found is None:
        raise RuntimeError(f"/proc/self/status has no {key} (the memory figures need Linux)")
    return int(found.group(1))


def _reset_peak() -> int:
    """Reset the peak RSS to the current RSS (Linux >= 4.0) and return the current RSS in bytes."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    return _status_kib("VmRSS") * 1024


def _inputs(n: int, h_size: int, v: int) -> dict[str, Any]:
    import torch

    g = torch.Generator().manual_seed(0)
    seq = min(SEQ_LEN, n)
    b = max(n // seq, 1)
    return {
        "hidden": torch.randn(n, h_size, generator=g).requires_grad_(True),
        "weight": (torch.randn(v, h_size, generator=g) / h_size**0.5).requires_grad_(True),
        "ids": torch.randint(0, v, (n,), generator=g),
        "upstream": torch.randn(n, generator=g),
        "advantages": torch.randn(b, generator=g),
        # old log-probs near the uniform policy's, so some ratios clip as in a real step
        "old": torch.full((b, seq), -math.log(v)) + 0.1 * torch.randn(b, seq, generator=g),
        "mask": torch.ones(b, seq, dtype=torch.bool),
        "shape": (n, h_size, v, b, seq),
    }


def _runner(method: str, x: dict[str, Any]) -> Callable[[], None]:
    """A closure running ``method``'s forward + backward once on the inputs ``x``."""
    import torch

    from pivotrl.trainer_plugin.grpo import GRPOConfig, fused_grpo_loss, grpo_loss
    from pivotrl.trainer_plugin.kernels import fused_linear_logprobs

    hidden, weight, ids, upstream = x["hidden"], x["weight"], x["ids"], x["upstream"]
    n, h_size, v, b, seq = x["shape"]
    config = GRPOConfig(temperature=TEMPERATURE)

    def naive_logprobs() -> torch.Tensor:
        logits = hidden @ weight.t() / TEMPERATURE
        return torch.log_softmax(logits, dim=-1).gather(-1, ids[:, None])[:, 0]

    def trl_logprobs() -> torch.Tensor:
        logits = (hidden @ weight.t() / TEMPERATURE).view(b, seq, v)
        selected = logits.gather(-1, ids.view(b, seq, 1))[..., 0]
        lse = torch.stack([torch.logsumexp(row, dim=-1) for row in logits])  # TRL loops to bound the peak
        return (selected - lse).reshape(n)

    def run() -> None:
        hidden.grad = weight.grad = None
        if method == "naive":
            (naive_logprobs() * upstream).sum().backward()
        elif method == "trl":
            (trl_logprobs() * upstream).sum().backward()
        elif method == "fused":
            (fused_linear_logprobs(hidden, weight, ids, TEMPERATURE) * upstream).sum().backward()
        elif method == "grpo_naive":
            grpo_loss(naive_logprobs().view(b, seq), x["advantages"], x["mask"], config,
                      old_logprobs=x["old"]).loss.backward()
        elif method == "grpo_fused":
            fused_grpo_loss(hidden.view(b, seq, h_size), weight, ids.view(b, seq), x["advantages"], x["mask"],
                            config, old_logprobs=x["old"]).loss.backward()
        else:
            raise ValueError(f"unknown method {method!r}; known: {METHODS}")

    return run


def _set_chunk(chunk: int | None, v: int) -> None:
    if chunk:
        from pivotrl.trainer_plugin.kernels import chunked

        chunked.CHUNK_BYTES = chunk * 4 * v


def _memory_worker(method: str, shape: tuple[int, int, int], chunk: int | None) -> dict[str, float]:
    _set_chunk(chunk, shape[2])
    run = _runner(method, _inputs(*shape))
    start = _reset_peak()
    run()
    return {"peak_bytes": float(_status_kib("VmHWM") * 1024 - start)}


def _time_worker(methods: list[str], shape: tuple[int, int, int], repeats: int, chunk: int | None
                 ) -> dict[str, list[float]]:
    """Interleaved rounds (each method once per round) after one warm-up call each."""
    _set_chunk(chunk, shape[2])
    x = _inputs(*shape)
    runs = {m: _runner(m, x) for m in methods}
    for run in runs.values():
        run()
    times: dict[str, list[float]] = {m: [] for m in methods}
    for _ in range(repeats):
        for m, run in runs.items():
            started = time.perf_counter()
            run()
            times[m].append(time.perf_counter() - started)
    return times


def _call(args: list[str]) -> Any:
    # A fixed mmap threshold returns freed logits to the OS at once for every method alike, instead of
    # glibc's adaptive threshold keeping some in the heap depending on the order of allocations.
    env = dict(os.environ, MALLOC_MMAP_THRESHOLD_=str(1 << 20))
    cmd = [sys.executable, "-m", "pivotrl.benchmarks.logprob_kernels", *args]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    if out.returncode != 0:
        raise RuntimeError(f"benchmark worker {' '.join(args)} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(shape: tuple[int, int, int], repeats: int, chunk: int | None = None,
            methods: tuple[str, ...] = METHODS) -> dict[str, dict[str, Any]]:
    """Peak memory of each method in a fresh interpreter, and interleaved timings in one more."""
    extra = ["--chunk", str(chunk)] if chunk else []
    text = "x".join(map(str, shape))
    got: dict[str, dict[str, Any]] = {m: _call(["--worker", "memory", "--method", m, "--shape", text, *extra])
                                      for m in methods}
    times = _call(["--worker", "time", "--shape", text, "--repeats", str(repeats), *extra,
                   *[a for m in methods for a in ("--method", m)]])
    for m in methods:
        got[m]["times"] = times[m]
    return got


def _shape(text: str) -> tuple[int, int, int]:
    parts = text.lower().split("x")
    if len(parts) != 3 or not all(p.isdigit() and int(p) > 0 for p in parts):
        raise argparse.ArgumentTypeError(f"shape must be NxHxV (tokens x hidden x vocab), got {text!r}")
    return int(parts[0]), int(parts[1]), int(parts[2])


def results_for(shape: tuple[int, int, int], got: dict[str, dict[str, Any]]) -> list[Result]:
    """Peak, peak beyond the lm_head gradient, and time of each method, each against its baseline."""
    n, h_size, v = shape
    tag = f"N={n} H={h_size} V={v}"
    floor = v * h_size * 4  # the fp32 lm_head gradient every method must hold
    out = []
    for method, base in (("naive", "naive"), ("trl", "naive"), ("fused", "naive"), ("grpo_fused", "grpo_naive")):
        m, ref = got[method], got[base]
        out.append(Result(f"{method} peak MiB ({tag})", m["peak_bytes"] / 2**20, "MiB",
                          ref["peak_bytes"] / 2**20, m["peak_bytes"] / max(ref["peak_bytes"], 1.0)))
        above, ref_above = max(m["peak_bytes"] - floor, 0.0), max(ref["peak_bytes"] - floor, 1.0)
        out.append(Result(f"{method} peak beyond lm_head grad MiB ({tag})", above / 2**20, "MiB",
                          ref_above / 2**20, above / ref_above))
        ratios = [a / b for a, b in zip(m["times"], ref["times"], strict=True)]
        out.append(Result(f"{method} fwd+bwd ms ({tag})", statistics.median(m["times"]) * 1e3, "ms",
                          statistics.median(ref["times"]) * 1e3, statistics.median(ratios)))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="one small shape, two rounds (CI smoke run)")
    parser.add_argument("--shape", type=_shape, action="append", help="NxHxV; repeat for several shapes")
    parser.add_argument("--repeats", type=int, default=None, help="timed rounds (median)")
    parser.add_argument("--chunk", type=int, default=None, help="rows per chunk on our paths (default: auto)")
    parser.add_argument("--worker", choices=("memory", "time"), help=argparse.SUPPRESS)
    parser.add_argument("--method", choices=METHODS, action="append", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker == "memory":
        print(json.dumps(_memory_worker(args.method[0], args.shape[0], args.chunk)))
        return
    if args.worker == "time":
        print(json.dumps(_time_worker(args.method or list(METHODS), args.shape[0], args.repeats, args.chunk)))
        return
    shapes = args.shape or (QUICK_SHAPES if args.quick else SHAPES)
    repeats = args.repeats if args.repeats is not None else (2 if args.quick else 5)
    results: list[Result] = []
    for shape in shapes:
        results += results_for(shape, measure(shape, repeats, args.chunk))
    notes = ("baseline: (a) naive log_softmax(h @ W.T / T).gather for the log-prob methods, grpo_loss on (a) for "
             "grpo_fused. peak: rise of peak RSS over the inputs, fresh process per method (MALLOC_MMAP_THRESHOLD_"
             "=1 MiB); 'beyond lm_head grad' subtracts the V x H fp32 weight gradient every method holds. time: "
             f"median of {repeats} interleaved rounds after a warm-up; ratio = median of per-round ratios; "
             f"{os.cpu_count()} CPU threads, shared machine")
    report("logprob_kernels", results, notes)


if __name__ == "__main__":
    main()
