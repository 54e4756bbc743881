"""Generated tool trajectories: seeded, independent of how many are asked for, disjoint across
seeds, and every reference passes its own verifier (the gold invariant holds on new data)."""

from __future__ import annotations

from pivotrl.datagen.tool import generate_tool_trajectories, tool_scenarios
from pivotrl.pivot_envs.extract import extract_candidates
from pivotrl.pivot_envs.validate import validate_pivots


def test_generation_is_seeded_and_prefix_stable():
    five = generate_tool_trajectories("banking", 5, seed=3)
    assert [t.to_dict() for t in generate_tool_trajectories("banking", 3, seed=3)] == [t.to_dict() for t in five[:3]]
    assert [t.to_dict() for t in generate_tool_trajectories("banking", 2, seed=3, start=3)] == \
        [t.to_dict() for t in five[3:]]
    other = generate_tool_trajectories("banking", 5, seed=4)
    assert not {str(t.messages) for t in five} & {str(t.messages) for t in other}
    assert len({t.id for t in five + other}) == 10


def test_every_scenario_generates_pivots_whose_references_pass_their_verifier():
    assert len(tool_scenarios()) == 7
    trajectories = [t for name in tool_scenarios() for t in generate_tool_trajectories(name, 6, seed=11)]
    assert {t.meta["scenario"] for t in trajectories} == set(tool_scenarios())
    pivots = extract_candidates(trajectories)
    report = validate_pivots(pivots)
    assert report.ok, [(p.id, v.reason) for p, v in report.failures[:3]]
    assert sum(bool(p.reference.get("tool_calls")) for p in pivots) > len(pivots) // 3
