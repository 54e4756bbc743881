"""The gold self-check reports, per tool and constraint, the schemas that disagree with their own
references (and the parts of schemas that are not JSON Schema), with the pivots concerned."""

from __future__ import annotations

import dataclasses

import pytest

from pivotrl.pivot_envs.validate import validate_pivots
from tests.conftest import call, make_pivot

TOOLS = [{"type": "function", "function": {"name": "find", "parameters": {"type": "object", "properties": {
    "genre": {"type": "string", "enum": ["Action", "Racing"]}, "players": {"type": "nonsense"}},
    "required": ["genre"]}}}]


def test_schema_disagreements_are_grouped_per_tool_and_constraint_with_their_pivots():
    pivots = [make_pivot(call("find", genre=""), tools=TOOLS, pivot_id="p1"),
              make_pivot(call("find", genre="Puzzle"), tools=TOOLS, pivot_id="p2"),
              make_pivot(call("find", genre="Action"), tools=TOOLS, pivot_id="p3")]
    report = validate_pivots(pivots)
    assert report.ok and report.checked == 3
    assert report.passes() and not report.passes(strict=True)
    relaxed = [w for w in report.warnings if w.kind == "relaxed"]
    assert [(w.tool, w.constraint, w.location, w.pivots) for w in relaxed] == [
        ("find", "enum", "properties/genre", ["p1", "p2"])]
    repaired = [w for w in report.warnings if w.kind == "repaired"]
    assert repaired[0].pivots == ["p1", "p2", "p3"] and "nonsense" in repaired[0].describe()


def test_combinators_report_what_their_members_find():
    pivot = dataclasses.replace(make_pivot(call("find", genre="Puzzle"), tools=TOOLS),
                                verifier={"name": "any_of", "params": {"verifiers": ["exact", "tool_schema"]}})
    assert {w.constraint for w in validate_pivots([pivot]).warnings} == {"enum", "schema"}


def test_references_that_fail_are_failures_not_warnings():
    pivot = dataclasses.replace(make_pivot(call("find", genre="Puzzle"), tools=TOOLS),
                                verifier={"name": "tool_schema", "params": {"relax_schema": False}})
    report = validate_pivots([pivot])
    assert not report.ok and "is not one of" in report.failures[0][1].reason


@pytest.mark.shared_data
def test_bfcl_references_all_score_one_as_bfcl_writes_its_schemas():
    from pivotrl.benchmarks.bfcl import load_bfcl
    from tests.conftest import shared_data

    pivots = {}
    for name in ("simple_python", "multiple", "parallel"):
        pivots.update({p.pivot.id: p.pivot for p in load_bfcl(shared_data("bfcl", f"BFCL_v4_{name}.json"))})
    report = validate_pivots(list(pivots.values()))
    assert report.checked == len(pivots) >= 700 and report.ok, report.failures[:3]
