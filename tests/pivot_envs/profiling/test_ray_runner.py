"""Profiling on Ray (pivotrl.pivot_envs.profiling.ray_runner): a local two-CPU cluster verifies in its
workers and writes the same bytes as the single-process run; a broken verifier in a worker
stays a VerifierError in the driver, with the output intact."""

from __future__ import annotations

import pytest

from pivotrl.errors import VerifierError
from pivotrl.pivot_envs.policies import SamplingParams
from pivotrl.pivot_envs.profiling import ProfileConfig, load_profiled, profile
from pivotrl.verifiers import register_verifier
from tests.pivot_envs.profiling.support import ReplayPolicy, shipped_candidates

pytestmark = pytest.mark.integration


@register_verifier("ray_test_broken", override=True)
def ray_test_broken(action, pivot):
    """Registered here and, through ``worker_imports``, in every Ray worker; breaks when used."""
    raise RuntimeError("sandbox daemon went away")


CONFIG = ProfileConfig(k=8, sampling=SamplingParams(seed=9), keep_actions=True, chunk_size=4, concurrency=2)


@pytest.fixture(scope="module")
def runner():
    pytest.importorskip("ray")
    from pivotrl.pivot_envs.profiling.ray_runner import RayRunner

    policy = ReplayPolicy(faults={5: "garbage", 6: "error"})
    ray_runner = RayRunner("hf:in-driver", policy=policy, num_cpus=2, worker_imports=["tests.pivot_envs.profiling.test_ray_runner"])
    yield ray_runner
    ray_runner.close()


def test_ray_output_equals_the_single_process_run(runner, tmp_path):
    candidates = shipped_candidates("tool", limit=40)
    local, distributed = tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
    profile(candidates, ReplayPolicy(faults={5: "garbage", 6: "error"}), local, CONFIG)
    summary = profile(candidates, runner.policy, distributed, CONFIG, runner=runner)
    assert summary.written == len(candidates) and runner.cpus == 2
    assert distributed.read_text() == local.read_text()


def test_ray_worker_verifier_error_stays_a_verifier_error(runner, tmp_path):
    candidates = shipped_candidates("tool", limit=6)
    out = tmp_path / "out.jsonl"
    config = ProfileConfig(k=2, verifier="ray_test_broken")
    with pytest.raises(VerifierError, match="sandbox daemon went away"):
        profile(candidates, runner.policy, out, config, runner=runner)
    assert out.read_text() == ""  # nothing scored 0 for a broken verifier


def test_remote_sampling_needs_an_openai_policy_or_a_local_one():
    pytest.importorskip("ray")
    from pivotrl.errors import PivotRLError
    from pivotrl.pivot_envs.profiling.ray_runner import RayRunner

    with pytest.raises(PivotRLError, match="samples in this process"):
        RayRunner("hf:/some/model")


def test_cli_profile_with_ray_writes_the_single_process_file(runner, tmp_path):
    pytest.importorskip("transformers")
    from click.testing import CliRunner

    from pivotrl.cli import main
    from pivotrl.pivot_envs import write_jsonl
    from pivotrl.testing.judge_server import build_tiny_model

    model = build_tiny_model()
    candidates = tmp_path / "candidates.jsonl"
    write_jsonl(shipped_candidates("tool", limit=4), candidates)
    args = ["--policy", f"hf:{model}", "-k", "2", "--max-tokens", "4", "--seed", "1", "--keep-actions"]
    single, distributed = tmp_path / "single.jsonl", tmp_path / "ray.jsonl"
    first = CliRunner().invoke(main, ["profile", str(candidates), "-o", str(single), *args])
    second = CliRunner().invoke(main, ["profile", str(candidates), "-o", str(distributed), "--ray", *args])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert distributed.read_text() == single.read_text()
    assert len(load_profiled(distributed)) == 4


def test_openai_sampling_runs_in_ray_workers(runner, tmp_path):
    pytest.importorskip("transformers")
    pytest.importorskip("openai")
    from pivotrl.pivot_envs.profiling.ray_runner import RayRunner
    from pivotrl.testing.judge_server import TinyServer, build_tiny_model
    from pivotrl.verifiers import get_verifier

    candidates = shipped_candidates("tool", limit=4)
    out = tmp_path / "out.jsonl"
    with TinyServer(build_tiny_model()) as server:
        remote = RayRunner(f"openai:{server.base_url}#{server.model}", policy_options={"max_retries": 0})
        assert remote.remote_sampling and remote.sample_depth >= 2
        config = ProfileConfig(k=2, sampling=SamplingParams(max_tokens=4, seed=1), keep_actions=True, chunk_size=1)
        summary = profile(candidates, None, out, config, runner=remote)
        remote.close()
    assert summary.written == 4 and summary.sampler_failures == 0
    verifier = get_verifier("tool_schema")
    for record in load_profiled(out):
        assert record.stats["rewards"] == [verifier.verify(a, record).score for a in record.stats["actions"]]
