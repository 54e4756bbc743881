"""The environments as Gymnasium users run them: make_vec in sync and async mode with default
arguments (async shares observations through shared memory), a pivot order of its own per
sub-env, and render_mode="ansi"."""

from __future__ import annotations

import gymnasium as gym
import pytest

import pivotrl  # noqa: F401 - registers the pivot/* ids
from pivotrl.errors import PivotRLError
from pivotrl.pivot_envs import PivotEnv
from tests.pivot_envs.test_envs import GOOD_A, PIVOTS


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_make_vec_works_with_default_arguments(mode):
    env = gym.make_vec("pivot/tool-v0", num_envs=3, vectorization_mode=mode)
    try:
        pivots = {p.id: p for p in env.get_attr("pivots")[0]}
        obs, info = env.reset(seed=0)
        seeded = list(info["pivot_id"])
        for i, pivot_id in enumerate(seeded):  # each sub-env's observation is its own pivot's
            assert list(obs["messages"][i]) == pivots[pivot_id].messages
            assert list(obs["tools"][i]) == pivots[pivot_id].tools
        actions = [pivots[pid].reference for pid in seeded]
        obs, rewards, terminated, truncated, info = env.step(actions)
        assert list(rewards) == [1.0, 1.0, 1.0] and all(terminated) and not any(truncated)
        assert [v.score for v in info["verdict"]] == [1.0, 1.0, 1.0]
    finally:
        env.close()


def test_sync_and_async_serve_the_same_seeded_order():
    orders = []
    for mode in ("sync", "async"):
        env = gym.make_vec("pivot/tool-v0", num_envs=2, vectorization_mode=mode)
        try:
            ids = [list(env.reset(seed=5)[1]["pivot_id"])]
            ids += [list(env.reset()[1]["pivot_id"]) for _ in range(3)]
        finally:
            env.close()
        orders.append(ids)
    assert orders[0] == orders[1]


def test_each_unseeded_sub_env_draws_its_own_pivot_order():
    env = gym.make_vec("pivot/tool-v0", num_envs=4, vectorization_mode="sync")
    try:
        firsts = [tuple(env.reset()[1]["pivot_id"]) for _ in range(3)]
    finally:
        env.close()
    assert all(len(set(ids)) > 1 for ids in firsts)  # not every sub-env on the same pivot


def test_render_ansi_shows_the_pivot_and_the_last_verdict():
    env = gym.make("pivot/tool-v0", pivots=PIVOTS, render_mode="ansi")
    env.reset(options={"pivot_id": "a"})
    before = env.render()
    assert "pivot a (domain tool, verifier tool_schema" in before and "[user] Book me Paris to Rome." in before
    assert "reference: -> book_flight(" in before and "no action yet" in before
    env.step(GOOD_A)
    after = env.render()
    assert "action: <tool_call>" in after and "verdict: reward 1 (equivalent)" in after
    env.reset(options={"pivot_id": "c"})
    env.step("<tool_call>{broken")
    assert "verdict: reward 0 (not equivalent)" in env.render()
    for hostile in ({"role": "assistant", "content": 5}, {"role": "assistant", "content": [{"type": "text", "text": None},
                                                                                          {"type": "image_url"}, 7]}):
        env.step(hostile)  # a malformed message is shown as it came, never raised from render
        assert "verdict: reward 0" in env.render()
    plain = gym.make("pivot/tool-v0", pivots=PIVOTS)
    plain.reset(seed=0)
    assert plain.render() is None  # no render mode: nothing
    with pytest.raises(PivotRLError, match="render_mode must be one of"):
        PivotEnv(PIVOTS, render_mode="human")


def test_an_env_refuses_two_pivots_with_one_id():
    from pivotrl.errors import DataError

    with pytest.raises(DataError, match=r"pivot id 'a' appears twice \(pivots 1 and 4"):
        PivotEnv([*PIVOTS, PIVOTS[0]])
