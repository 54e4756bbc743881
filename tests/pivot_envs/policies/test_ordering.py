"""Prefix ordering (pivotrl.pivot_envs.policies.ordering): pivots of one trajectory go together,
longest first, so a server's prefix cache is hit, and results come back in input order."""

from __future__ import annotations

import pytest

from pivotrl.pivot_envs import Pivot
from pivotrl.pivot_envs.policies import apply_order, prefix_order, restore_order, trajectory_key
from tests.pivot_envs.policies.support import shuffled_tool_pivots


@pytest.fixture(scope="module")
def tool_pivots() -> list[Pivot]:
    return shuffled_tool_pivots()


def test_prefix_order_groups_trajectories_longest_first_and_round_trips(tool_pivots):
    order = prefix_order(tool_pivots)
    assert sorted(order) == list(range(len(tool_pivots)))
    assert order != list(range(len(tool_pivots)))  # the shuffle made the input order cache-hostile
    ordered = apply_order(tool_pivots, order)
    keys = [trajectory_key(p) for p in ordered]
    runs = [k for i, k in enumerate(keys) if i == 0 or keys[i - 1] != k]
    assert len(runs) == len(set(keys)) == 3  # each trajectory's pivots are contiguous
    for key in set(keys):
        lengths = [len(p.messages) for p in ordered if trajectory_key(p) == key]
        assert lengths == sorted(lengths, reverse=True)
    assert restore_order(ordered, order) == list(tool_pivots)
    assert restore_order([p.id for p in ordered], order) == [p.id for p in tool_pivots]
    with pytest.raises(ValueError):
        restore_order(ordered[:-1], order)


def test_pivots_without_source_group_by_their_opening_messages(tool_pivots):
    bare = [Pivot.from_dict({**p.to_dict(), "source": None}) for p in tool_pivots]
    assert all(trajectory_key(p).startswith("hash:") for p in bare)
    for p, bp in zip(tool_pivots, bare, strict=True):
        for q, bq in zip(tool_pivots, bare, strict=True):
            if trajectory_key(p) == trajectory_key(q):  # one trajectory: one group
                assert trajectory_key(bp) == trajectory_key(bq)
            if trajectory_key(bp) == trajectory_key(bq):  # one group: one shared opening (cacheable)
                assert (bp.tools, bp.messages[:2]) == (bq.tools, bq.messages[:2])
    order = prefix_order(bare)
    keys = [trajectory_key(p) for p in apply_order(bare, order)]
    assert len([k for i, k in enumerate(keys) if i == 0 or keys[i - 1] != k]) == len(set(keys))
    assert restore_order(apply_order(bare, order), order) == bare
