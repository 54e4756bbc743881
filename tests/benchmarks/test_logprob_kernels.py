"""The log-prob kernel benchmark runs end to end at a tiny shape and prints the house JSON line."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytest.importorskip("torch")


def test_benchmark_prints_results_with_ratios_against_the_naive_baseline():
    out = subprocess.run([sys.executable, "-m", "pivotrl.benchmarks.logprob_kernels", "--shape", "64x16x300",
                          "--repeats", "1"], capture_output=True, text=True, timeout=300, check=True)
    last = json.loads(out.stdout.strip().splitlines()[-1])
    assert last["benchmark"] == "logprob_kernels"
    names = [r["name"] for r in last["results"]]
    for method in ("naive", "trl", "fused", "grpo_fused"):
        assert f"{method} peak MiB (N=64 H=16 V=300)" in names
        assert f"{method} fwd+bwd ms (N=64 H=16 V=300)" in names
    for r in last["results"]:
        assert set(r) == {"name", "value", "unit", "baseline", "ratio"}
        assert r["value"] >= 0 and r["ratio"] >= 0
    naive = next(r for r in last["results"] if r["name"].startswith("naive fwd+bwd"))
    assert naive["ratio"] == 1.0


def test_benchmark_rejects_a_malformed_shape():
    out = subprocess.run([sys.executable, "-m", "pivotrl.benchmarks.logprob_kernels", "--shape", "64x16"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "NxHxV" in out.stderr
