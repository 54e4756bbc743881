"""Reward statistics and profiled records (pivotrl.pivot_envs.profiling.stats): exact mean and
population variance (a uniform group has a variance of exactly 0), the record profiling writes,
and load_profiled refusing unprofiled or malformed records with the line and field named."""

from __future__ import annotations

import json

import pytest

from pivotrl.errors import DataError
from pivotrl.pivot_envs.policies import SampledAction
from pivotrl.pivot_envs.profiling.stats import load_profiled, profiled_record, reward_stats
from tests.pivot_envs.profiling.support import shipped_candidates
from tests.pivot_envs.test_io import TRAJ


@pytest.fixture(scope="module")
def candidates():
    return shipped_candidates("tool", limit=2)


def test_uniform_groups_have_exactly_zero_variance():
    scores = [(0.1, "partial", False)] * 3
    stats = reward_stats(scores, 3)
    assert stats["var"] == 0.0 and stats["mean"] == 0.1
    assert reward_stats([(1.0, "ok", False), (0.0, "no", False)], 2)["var"] == 0.25


def test_skips_and_sampler_failures_are_counted_only_when_present():
    actions = [SampledAction(text="a"), SampledAction(text="", error="timeout")]
    stats = reward_stats([(1.0, "ok", True), (0.0, "sampler failed: timeout", False)], 2, actions)
    assert stats["skipped"] == 1 and stats["sampler_failures"] == 1
    assert stats["reasons"] == {"ok": 1, "sampler failed: timeout": 1}
    clean = reward_stats([(1.0, "ok", False)], 1, [SampledAction(text="a")])
    assert "skipped" not in clean and "sampler_failures" not in clean


def test_a_record_keeps_actions_only_when_asked(candidates):
    pivot = candidates[0]
    actions = [SampledAction(text="x", finish_reason="stop"), SampledAction(text="", error="down")]
    scores = [(1.0, "ok", False), (0.0, "sampler failed: down", False)]
    spec = {"name": "tool_schema", "params": {}}
    lean = profiled_record(pivot, spec, scores, 2, actions, keep_actions=False)
    assert lean["verifier"] == spec and lean["id"] == pivot.id and "actions" not in lean["stats"]
    full = profiled_record(pivot, spec, scores, 2, actions, keep_actions=True)
    assert full["stats"]["actions"] == ["x", None]  # a failed sample keeps no text
    assert full["stats"]["finish_reasons"] == ["stop", None]


def test_load_profiled_names_unprofiled_records(candidates, tmp_path):
    path = tmp_path / "cands.jsonl"
    path.write_text(json.dumps(candidates[0].to_dict()) + "\n")
    with pytest.raises(DataError, match=r"cands.jsonl:1.*pivotrl profile"):
        load_profiled(path)


@pytest.mark.parametrize(("stats", "field"), [
    ({"k": 2, "rewards": [0, 1], "mean": 1.5, "var": 0.25}, "stats.mean"),
    ({"k": 2, "rewards": [0, 1], "mean": 0.5, "var": True}, "stats.var"),
    ({"k": 2, "rewards": [0, "1"], "mean": 0.5, "var": 0.25}, "stats.rewards"),
    ({"k": True, "rewards": [0, 1], "mean": 0.5, "var": 0.25}, "stats.k"),
])
def test_load_profiled_refuses_malformed_stats_naming_the_field(candidates, tmp_path, stats, field):
    path = tmp_path / "profiled.jsonl"
    path.write_text(json.dumps({**candidates[0].to_dict(), "stats": stats}) + "\n")
    with pytest.raises(DataError) as info:
        load_profiled(path)
    assert info.value.field == field and info.value.line == 1


def test_an_empty_source_is_not_silently_zero_records(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_text("")
    with pytest.raises(DataError, match="empty"):
        load_profiled(path)


def test_profiled_duplicates_name_both_lines(tmp_path):
    record = {**json.loads(json.dumps(TRAJ)), "reference": {"role": "assistant", "content": "ok"},
              "stats": {"k": 2, "rewards": [0, 1], "mean": 0.5, "var": 0.25}}
    path = tmp_path / "profiled.jsonl"
    path.write_text("\n".join([json.dumps(record), json.dumps({**record, "id": "t9"}), json.dumps(record)]) + "\n")
    with pytest.raises(DataError, match=r"appears twice \(lines 1 and 3\)") as info:
        load_profiled(path)
    assert f"{path}:3" in str(info.value)
    path.write_text(json.dumps({**record, "stats": {**record["stats"], "mean": "high"}}) + "\n")
    with pytest.raises(DataError, match=r"stats\.mean"):
        load_profiled(path)
