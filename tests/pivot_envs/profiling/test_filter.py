"""Filtering profiled candidates (pivotrl.pivot_envs.profiling.filter): exact boundaries (var = 0 and
mean = lam dropped), the funnel per domain and turn position, the small-K warning, and the
filtered file read back by ``gym.make``."""

from __future__ import annotations

import warnings

import gymnasium as gym
import pytest

import pivotrl  # noqa: F401 - registers the pivot/* ids
from pivotrl.errors import DataError
from pivotrl.pivot_envs import Pivot, write_jsonl
from pivotrl.pivot_envs.policies import SamplingParams
from pivotrl.pivot_envs.profiling import ProfileConfig, load_profiled, profile
from pivotrl.pivot_envs.profiling.filter import classify, filter_pivots
from tests.conftest import call, make_pivot
from tests.pivot_envs.profiling.support import ReplayPolicy, shipped_candidates


def profiled(pivot_id: str, rewards: list[float], *, domain: str = "tool", turn: int = 1) -> Pivot:
    base = make_pivot(call("get_weather", city="Paris"), pivot_id=pivot_id, domain=domain)
    mean = sum(rewards) / len(rewards)
    var = sum((r - mean) ** 2 for r in rewards) / len(rewards)
    record = {**base.to_dict(), "stats": {"k": len(rewards), "rewards": rewards, "mean": mean, "var": var},
              "source": {"trajectory_id": pivot_id, "turn": turn},
              "verifier": {"name": "tool_schema", "params": {}}}
    return Pivot.from_dict(record)


def test_boundaries_are_exclusive():
    assert classify({"mean": 0.0, "var": 0.0}) == "uniform_failure"
    assert classify({"mean": 1.0, "var": 0.0}) == "uniform_success"
    assert classify({"mean": 0.6, "var": 0.24}, lam=0.6) == "too_easy"  # mean = lam dropped
    assert classify({"mean": 0.5999, "var": 0.24}, lam=0.6) == "kept"
    assert classify({"mean": 0.25, "var": 0.1875}, min_var=0.1875) == "low_variance"  # var = min_var dropped
    assert classify({"mean": 0.25, "var": 0.1875}, min_var=0.18) == "kept"


def test_filter_keeps_mixed_and_hard_candidates_on_real_stats():
    pivots = [
        profiled("fail", [0.0] * 8),
        profiled("pass", [1.0] * 8),
        profiled("partial_uniform", [0.5] * 8),  # graded but uniform: zero advantage, dropped
        profiled("at_lam", [1.0] * 6 + [0.0] * 4, turn=2),  # mean 0.6 exactly
        profiled("hard", [1.0] * 2 + [0.0] * 6, turn=2),
        profiled("easy", [1.0] * 7 + [0.0], domain="browse", turn=12),
    ]
    assert pivots[3].stats["mean"] == 0.6
    result = filter_pivots(pivots, lam=0.6)
    assert [p.id for p in result.kept] == ["hard"]
    total = result.funnel.total
    assert total == {"candidates": 6, "uniform_failure": 1, "uniform_success": 2, "low_variance": 0,
                     "too_easy": 2, "kept": 1}
    assert result.funnel.by_domain["browse"]["too_easy"] == 1
    assert result.funnel.by_turn["2"] == {"candidates": 2, "uniform_failure": 0, "uniform_success": 0,
                                          "low_variance": 0, "too_easy": 1, "kept": 1}
    assert [name for name, _ in result.funnel.sorted_turns()] == ["1", "2", "10+"]
    assert result.kept[0].stats["k"] == 8  # kept pivots carry their stats


def test_lam_one_keeps_every_mixed_candidate():
    pivots = [profiled("a", [1.0] * 7 + [0.0]), profiled("b", [1.0] * 8)]
    assert [p.id for p in filter_pivots(pivots, lam=1.0).kept] == ["a"]


def test_small_k_warns_with_nvidias_minimum():
    with pytest.warns(UserWarning, match="K = 4.*minimum is 8"):
        result = filter_pivots([profiled("a", [1.0, 0.0, 0.0, 0.0])])
    assert result.warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        filter_pivots([profiled("b", [1.0] + [0.0] * 7)])  # K = 8: silent


def test_unprofiled_candidates_are_named():
    with pytest.raises(DataError, match="pivotrl profile"):
        filter_pivots([make_pivot(call("get_weather", city="Paris"))])
    with pytest.raises(DataError, match="min_var"):
        filter_pivots([], min_var=-1)


def test_filtered_file_feeds_gym_make(tmp_path):
    profiled_path, pivots_path = tmp_path / "profiled.jsonl", tmp_path / "pivots.jsonl"
    candidates = shipped_candidates("tool", limit=30)
    profile(candidates, ReplayPolicy(), profiled_path, ProfileConfig(k=8, sampling=SamplingParams(seed=1)))
    kept = filter_pivots(load_profiled(profiled_path)).kept
    assert kept
    write_jsonl(kept, pivots_path)
    env = gym.make("pivot/tool-v0", pivots=str(pivots_path))
    assert {p.id for p in env.unwrapped.pivots} == {p.id for p in kept}
    env.reset(options={"pivot_id": kept[0].id})
    assert env.unwrapped.pivot.stats["var"] > 0 and env.unwrapped.pivot.stats["mean"] < 0.6
    _, reward, terminated, _, _ = env.step(env.unwrapped.pivot.reference)
    assert reward == 1.0 and terminated


def test_env_warns_once_when_configured_with_another_verifier(tmp_path):
    path = tmp_path / "pivots.jsonl"
    write_jsonl([profiled("a", [1.0] + [0.0] * 7)], path)
    with pytest.warns(UserWarning, match="differs from the one the pivots were made with"):
        gym.make("pivot/tool-v0", pivots=str(path), verifier={"name": "fuzzy", "params": {"threshold": 80.0}})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gym.make("pivot/tool-v0", pivots=str(path), verifier={"name": "fuzzy", "params": {"threshold": 80.0}})
        gym.make("pivot/tool-v0", pivots=str(path), verifier="tool_schema")  # the recorded one: silent
