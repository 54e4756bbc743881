"""``pivotrl profile | filter | report`` end to end on CPU with a tiny local HF model (random
weights, built in the test) over shipped tool candidates: a run killed with SIGKILL mid-run and
resumed writes what an uninterrupted run writes; the funnel and the report come out of the CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from pivotrl.cli import main
from pivotrl.pivot_envs import write_jsonl
from pivotrl.pivot_envs.profiling import load_profiled
from pivotrl.verifiers import get_verifier
from tests.pivot_envs.profiling.support import shipped_candidates

ARGS = ["-k", "4", "--max-tokens", "6", "--seed", "11", "--batch-size", "2", "--keep-actions"]


@pytest.fixture(scope="module")
def model_dir() -> Path:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from pivotrl.testing.judge_server import build_tiny_model

    return build_tiny_model()


@pytest.fixture(scope="module")
def candidates_file(tmp_path_factory) -> Path:
    """The 12 tool candidates with the shortest conversations (the test's run time)."""
    pivots = sorted(shipped_candidates("tool"), key=lambda p: len(json.dumps(p.messages)))[:12]
    path = tmp_path_factory.mktemp("cands") / "candidates.jsonl"
    write_jsonl(pivots, path)
    return path


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "pivotrl.cli", *args]


ENV = {**os.environ, "OMP_NUM_THREADS": "1"}


@pytest.fixture(scope="module")
def whole_run(model_dir, candidates_file, tmp_path_factory) -> tuple[Path, str]:
    """One uninterrupted ``pivotrl profile`` run: its output and its stderr."""
    out = tmp_path_factory.mktemp("whole") / "whole.jsonl"
    run = subprocess.run(_cli("profile", str(candidates_file), "--policy", f"hf:{model_dir}", "-o", str(out), *ARGS),
                         env=ENV, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    return out, run.stderr


def test_profile_cli_statistics_match_the_verifier(whole_run):
    out, stderr = whole_run
    assert "K = 4 is below 8" in stderr and "cand/s" in stderr and "actions/s" in stderr  # warning, progress bar
    records = load_profiled(out)
    assert len(records) == 12
    verifier = get_verifier("tool_schema")
    for record in records:
        stats = record.stats
        assert len(stats["actions"]) == 4 and all(isinstance(a, str) for a in stats["actions"])
        assert stats["rewards"] == [verifier.verify(a, record).score for a in stats["actions"]]
        assert stats["mean"] == sum(stats["rewards"]) / 4
        assert record.verifier == {"name": "tool_schema", "params": {}}


def test_killed_run_resumes_to_the_uninterrupted_output(model_dir, candidates_file, whole_run, tmp_path):
    whole, _ = whole_run
    resumed = tmp_path / "resumed.jsonl"
    command = _cli("profile", str(candidates_file), "--policy", f"hf:{model_dir}", "-o", str(resumed), *ARGS)
    proc = subprocess.Popen(command, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            if resumed.exists() and resumed.read_bytes().count(b"\n") >= 3:
                break
            time.sleep(0.02)
        assert proc.poll() is None, "the run finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    partial = resumed.read_bytes().count(b"\n")
    assert 3 <= partial < 12

    rerun = subprocess.run(command, env=ENV, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{partial} already in" in rerun.stderr
    assert resumed.read_text() == whole.read_text()


def test_filter_and_report_cli(tmp_path):
    pivots = shipped_candidates("tool", limit=30)
    from pivotrl.pivot_envs.policies import SamplingParams
    from pivotrl.pivot_envs.profiling import ProfileConfig, profile
    from tests.pivot_envs.profiling.support import ReplayPolicy

    profiled = tmp_path / "profiled.jsonl"
    profile(pivots, ReplayPolicy(), profiled, ProfileConfig(k=8, sampling=SamplingParams(seed=2)))
    kept_path = tmp_path / "pivots.jsonl"
    result = CliRunner().invoke(main, ["filter", str(profiled), "-o", str(kept_path), "--lam", "0.6"])
    assert result.exit_code == 0, result.output
    kept = [json.loads(line) for line in kept_path.read_text().splitlines()]
    assert kept and all(r["stats"]["var"] > 0 and r["stats"]["mean"] < 0.6 for r in kept)
    assert f"{len(kept)} of 30 candidates kept" in result.output
    assert "per turn position" in result.output and "uniform failure" in result.output

    html = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["report", str(profiled), "--html", str(html)])
    assert result.exit_code == 0, result.output
    assert "zero GRPO advantage" in result.output and html.read_text().count("data:image/png;base64,") == 3


def test_filter_cli_refuses_unprofiled_candidates(candidates_file, tmp_path):
    result = CliRunner().invoke(main, ["filter", str(candidates_file), "-o", str(tmp_path / "x.jsonl")])
    assert result.exit_code == 2 and "pivotrl profile" in result.output


def test_profile_cli_bad_policy_spec_is_explained(candidates_file, tmp_path):
    result = CliRunner().invoke(main, ["profile", str(candidates_file), "--policy", "nonsense", "-o",
                                       str(tmp_path / "o.jsonl")])
    assert result.exit_code == 2 and "openai:URL#MODEL" in result.output
