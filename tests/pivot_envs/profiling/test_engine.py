"""The profiling loop (pivotrl.pivot_envs.profiling.engine) over the shipped tool data with a
deterministic policy: statistics equal rewards recomputed independently with the verifier, the
same bytes on every run, records in prefix order, resume (skipped ids, a partial last line, a chunk
sampled again whole), bad policy output, a dead policy and a broken verifier."""

from __future__ import annotations

import json
import statistics

import pytest

from pivotrl.errors import DataError, PivotRLError, VerifierError
from pivotrl.pivot_envs.policies import SampledAction, SamplingParams, prefix_order
from pivotrl.pivot_envs.profiling import (
    PolicyFailed,
    ProfileConfig,
    finished_ids,
    load_profiled,
    profile,
)
from pivotrl.verifiers import Verdict, get_verifier, register_verifier
from pivotrl.verifiers.registry import VERIFIERS
from tests.pivot_envs.profiling.support import ReplayPolicy, shipped_candidates

K = 8
CONFIG = ProfileConfig(k=K, sampling=SamplingParams(seed=5), keep_actions=True, chunk_size=4)


@pytest.fixture(scope="module")
def candidates():
    return shipped_candidates("tool", limit=40)


def _lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_stats_equal_rewards_recomputed_independently(candidates, tmp_path):
    out = tmp_path / "profiled.jsonl"
    summary = profile(candidates, ReplayPolicy(), out, CONFIG)
    assert summary.written == len(candidates) and summary.samples == K * len(candidates)
    records = load_profiled(out)
    assert {r.id for r in records} == {c.id for c in candidates}
    verifier = get_verifier("tool_schema")
    by_id = {c.id: c for c in candidates}
    for record in records:
        stats = record.stats
        pivot = by_id[record.id]
        rewards = [verifier.verify(action, pivot).score for action in stats["actions"]]  # one by one
        assert stats["rewards"] == rewards
        assert stats["k"] == K
        assert stats["mean"] == pytest.approx(sum(rewards) / K)
        assert stats["var"] == pytest.approx(sum((r - sum(rewards) / K) ** 2 for r in rewards) / K)
        assert sum(stats["reasons"].values()) == K
        assert record.verifier == {"name": "tool_schema", "params": {}}
        assert record.reference == pivot.reference and record.messages == pivot.messages
    means = {r.stats["mean"] for r in records}
    assert 0.0 in means and 1.0 in means and any(0 < m < 1 for m in means)  # every funnel class is exercised


def test_the_same_candidates_and_policy_write_the_same_bytes(tmp_path):
    """Records are a function of candidates, policy and config alone: not of thread timing,
    verification order or the process, so a profiled file can be reproduced and diffed."""
    pivots = shipped_candidates("tool", limit=12) + shipped_candidates("browse", limit=12)
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    profile(pivots, ReplayPolicy({2: "garbage", 3: "error"}), first, CONFIG)
    profile(pivots, ReplayPolicy({2: "garbage", 3: "error"}), second, CONFIG)
    assert len(first.read_text().splitlines()) == len(pivots)
    assert first.read_bytes() == second.read_bytes()


def test_records_are_written_in_prefix_order(candidates, tmp_path):
    out = tmp_path / "profiled.jsonl"
    shuffled = candidates[::-1]
    profile(shuffled, ReplayPolicy(), out, CONFIG)
    assert [r["id"] for r in _lines(out)] == [shuffled[i].id for i in prefix_order(shuffled)]


def test_rerun_skips_finished_and_equals_one_run(candidates, tmp_path):
    whole, resumed = tmp_path / "whole.jsonl", tmp_path / "resumed.jsonl"
    profile(candidates, ReplayPolicy(), whole, CONFIG)
    first = profile(candidates[:13], ReplayPolicy(), resumed, CONFIG)
    assert first.written == 13
    second = profile(candidates, ReplayPolicy(), resumed, CONFIG)
    assert second.skipped == 13 and second.written == len(candidates) - 13
    assert sorted(_lines(resumed), key=lambda r: r["id"]) == sorted(_lines(whole), key=lambda r: r["id"])
    assert profile(candidates, ReplayPolicy(), resumed, CONFIG).written == 0


def test_partial_last_line_from_a_kill_is_dropped_and_redone(candidates, tmp_path):
    whole, out = tmp_path / "whole.jsonl", tmp_path / "out.jsonl"
    profile(candidates[:6], ReplayPolicy(), whole, CONFIG)
    text = whole.read_text()
    lines = text.splitlines(keepends=True)
    out.write_text("".join(lines[:3]) + lines[3][: len(lines[3]) // 2])  # killed in the middle of a write
    ids, dropped = finished_ids(out)
    assert dropped and len(ids) == 3
    summary = profile(candidates[:6], ReplayPolicy(), out, CONFIG)
    assert summary.written == 3
    assert out.read_text() == text  # the same bytes as one uninterrupted run


def test_a_broken_line_inside_the_output_is_not_silently_overwritten(candidates, tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text('{"id": "a"}\nnot json\n{"id": "b"}\n')
    with pytest.raises(DataError, match=r"out.jsonl:2"):
        profile(candidates[:2], ReplayPolicy(), out, CONFIG)


def test_a_partly_finished_chunk_is_sampled_again_whole(candidates, tmp_path):
    out = tmp_path / "out.jsonl"
    policy = ReplayPolicy()
    order = [candidates[i] for i in prefix_order(candidates[:8])]
    profile(order[:2], ReplayPolicy(), out, CONFIG)  # the first chunk of 4 is half done
    profile(candidates[:8], policy, out, CONFIG)
    assert policy.calls == [[p.id for p in order[:4]], [p.id for p in order[4:8]]]


def test_bad_policy_output_scores_zero_with_a_reason(candidates, tmp_path):
    out = tmp_path / "out.jsonl"
    faults = {0: "empty", 1: "garbage", 2: "truncated", 3: "error"}
    pivots = [c for c in candidates if c.reference.get("tool_calls")][:6]
    summary = profile(pivots, ReplayPolicy(faults), out, CONFIG)
    assert summary.written == len(pivots) and summary.sampler_failures == len(pivots)
    for record in _lines(out):
        stats = record["stats"]
        assert stats["rewards"][:4] == [0.0, 0.0, 0.0, 0.0]
        assert stats["sampler_failures"] == 1
        assert any(r.startswith("sampler failed: ConnectionError") for r in stats["reasons"])
        assert all(len(r) <= 200 for r in stats["reasons"])


class DeadPolicy(ReplayPolicy):
    """Answers the first ``alive`` pivots, then fails every sample (an endpoint that died)."""

    def __init__(self, alive: int) -> None:
        super().__init__()
        self.alive = alive

    def sample(self, pivots, k, params):
        out = []
        for pivot in pivots:
            if self.alive > 0:
                self.alive -= 1
                out += super().sample([pivot], k, params)
            else:
                out.append([SampledAction(text="", error="APIConnectionError: Connection refused")] * k)
        return out


def test_a_dead_policy_stops_the_run_and_writes_no_zeros_for_it(candidates, tmp_path):
    out = tmp_path / "out.jsonl"
    config = ProfileConfig(k=K, sampling=SamplingParams(seed=5), chunk_size=4, max_failed_candidates=4)
    with pytest.raises(PolicyFailed, match="Connection refused"):
        profile(candidates, DeadPolicy(alive=6), out, config)
    written = _lines(out)
    assert len(written) == 6  # what was sampled before the death, nothing scored 0 for it
    summary = profile(candidates, ReplayPolicy(), out, config)  # back up: resume
    assert summary.skipped == 6 and summary.written == len(candidates) - 6


def test_a_broken_verifier_stops_the_run_with_the_output_intact(candidates, tmp_path):
    calls = {"n": 0}

    def flaky(action, pivot):
        calls["n"] += 1
        if calls["n"] > 5:
            raise RuntimeError("judge backend vanished")
        return Verdict.accept()

    register_verifier("profile_test_flaky", flaky, override=True)
    try:
        out = tmp_path / "out.jsonl"
        config = ProfileConfig(k=2, verifier="profile_test_flaky", concurrency=1, chunk_size=2)
        with pytest.raises(VerifierError, match="judge backend vanished"):
            profile(candidates, ReplayPolicy(), out, config)
        records = load_profiled(out)  # every line whole and valid
        assert 1 <= len(records) <= 3
        assert all(r.stats["rewards"] == [1.0, 1.0] for r in records)
        assert all(r.verifier["name"] == "profile_test_flaky" for r in records)
    finally:
        VERIFIERS.unregister("profile_test_flaky")


def test_duplicate_candidate_ids_are_refused(candidates, tmp_path):
    with pytest.raises(DataError, match="unique"):
        profile([candidates[0], candidates[0]], ReplayPolicy(), tmp_path / "o.jsonl", CONFIG)


def test_unknown_verifier_fails_before_sampling(candidates, tmp_path):
    policy = ReplayPolicy()
    with pytest.raises(PivotRLError, match="no_such_verifier"):
        profile(candidates[:2], policy, tmp_path / "o.jsonl", ProfileConfig(k=2, verifier="no_such_verifier"))
    assert policy.calls == []


def test_population_variance_matches_statistics_module(candidates, tmp_path):
    out = tmp_path / "out.jsonl"
    profile(candidates[:10], ReplayPolicy(), out, CONFIG)
    for record in _lines(out):
        assert record["stats"]["var"] == statistics.pvariance(record["stats"]["rewards"])


class ShortContextPolicy(ReplayPolicy):
    """Refuses the prompts of every pivot after the fourth message, as a small context would."""

    def sample(self, pivots, k, params):
        out = super().sample(pivots, k, params)
        return [[SampledAction(text="", error=f"the prompt has {900 + i} tokens, the model's context is 512")] * k
                if len(p.messages) > 4 else group for i, (p, group) in enumerate(zip(pivots, out, strict=True))]


def test_prompts_over_the_context_are_left_out_without_stopping_the_run(candidates, tmp_path):
    out = tmp_path / "out.jsonl"
    config = ProfileConfig(k=2, chunk_size=4, max_failed_candidates=2)
    summary = profile(candidates, ShortContextPolicy(), out, config)
    long = [c for c in candidates if len(c.messages) > 4]
    assert len(long) > 2 and summary.unprofiled == len(long)
    assert {r["id"] for r in _lines(out)} == {c.id for c in candidates if len(c.messages) <= 4}
    assert any("context is 512" in reason for reason in summary.unprofiled_reasons)


def test_records_carry_every_parameter_and_the_env_rebuilds_that_verifier(candidates, tmp_path):
    import warnings

    from pivotrl.pivot_envs import PivotEnv

    out = tmp_path / "profiled.jsonl"
    chosen = {"name": "fuzzy", "params": {"threshold": 80, "case_sensitive": True}}
    profile(candidates[:4], ReplayPolicy(), out, ProfileConfig(k=2, sampling=SamplingParams(seed=1), verifier=chosen))
    records = load_profiled(out)
    assert {json.dumps(r.verifier, sort_keys=True) for r in records} == {
        json.dumps({"name": "fuzzy", "params": {"threshold": 80.0, "case_sensitive": True}}, sort_keys=True)}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the recorded verifier, rebuilt: nothing differs
        env = PivotEnv(records, verifier=chosen)
    assert env.verifier.config.case_sensitive is True and env.verifier.config.threshold == 80.0
