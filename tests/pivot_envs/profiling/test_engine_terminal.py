"""Profiling the shipped terminal tasks with shell_exec in Docker: statistics equal the rewards
the verifier gives each action again, and the filtered file feeds ``gym.make("pivot/terminal-v0",
pivots=...)`` directly."""

from __future__ import annotations

import gymnasium as gym
import pytest

import pivotrl  # noqa: F401 - registers the pivot/* ids
from pivotrl.pivot_envs import write_jsonl
from pivotrl.pivot_envs.policies import SamplingParams
from pivotrl.pivot_envs.profiling import ProfileConfig, load_profiled, profile
from pivotrl.pivot_envs.profiling.filter import filter_pivots
from tests.pivot_envs.profiling.support import ReplayPolicy, shipped_candidates, success_rate

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def verifier():
    from pivotrl.errors import VerifierError
    from pivotrl.verifiers import get_verifier

    try:
        return get_verifier("shell_exec", sandbox="docker")
    except VerifierError as exc:
        pytest.skip(f"no Docker sandbox: {exc}")


def test_terminal_profile_filter_and_env(verifier, tmp_path):
    pool = [p for p in shipped_candidates("terminal") if p.reference.get("tool_calls")]
    candidates = [p for p in pool if 0 < success_rate(p) < 0.6][:2] + [p for p in pool if success_rate(p) == 0][:1]
    profiled_path, pivots_path = tmp_path / "profiled.jsonl", tmp_path / "pivots.jsonl"
    config = ProfileConfig(k=8, sampling=SamplingParams(seed=4), keep_actions=True,
                           verifier={"name": "shell_exec", "params": {"sandbox": "docker"}})
    summary = profile(candidates, ReplayPolicy(), profiled_path, config)
    assert summary.written == 3
    records = load_profiled(profiled_path)
    for record in records:
        rewards = [verifier.verify(a, record).score for a in record.stats["actions"]]
        assert record.stats["rewards"] == rewards
        assert record.verifier == {"name": "shell_exec", "params": {"sandbox": "docker"}}
    kept = filter_pivots(records).kept
    assert kept, [r.stats["rewards"] for r in records]
    write_jsonl(kept, pivots_path)
    env = gym.make("pivot/terminal-v0", pivots=str(pivots_path))
    assert env.unwrapped.verifier.spec() == {"name": "shell_exec", "params": {"sandbox": "docker"}}
    env.reset(options={"pivot_id": kept[0].id})
    _, reward, terminated, _, info = env.step(env.unwrapped.pivot.reference)
    assert reward == 1.0 and terminated, info["verdict"].reason
