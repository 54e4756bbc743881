"""The generated ``schema`` labeled set: tools of many shapes in wild schema dialects. It is balanced,
covers every dialect and construction, every reference scores 1 (also where the written schema is
wrong on purpose), and tool_schema meets the project's goals on it (false accepts <= 1%, false rejects <= 10%)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from pivotrl.benchmarks.agreement import agreement
from pivotrl.benchmarks.labeled import load_labeled
from pivotrl.pivot_envs.io import load_pivots
from pivotrl.pivot_envs.validate import validate_pivots

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data"
DIALECTS = {"$ref", "default_as_string", "integer_enum_as_strings", "items_absent", "openapi_exclusive_minimum",
            "optional:anyof_null", "optional:default_null", "optional:nullable", "optional:type_list_null",
            "optional:plain", "optional:typing", "property_optional", "property_required", "prose_default", "required_unknown",
            "type:java", "type:json", "type:python", "type_missing"}


@pytest.fixture(scope="module")
def pairs():
    return load_labeled(DATA / "schema.pairs.jsonl")


def test_the_set_is_big_balanced_and_labels_follow_the_category_prefix(pairs):
    assert len(pairs) >= 900
    labels = Counter(p.equivalent for p in pairs)
    assert min(labels.values()) >= 0.4 * len(pairs), labels
    assert all(p.equivalent == p.category.startswith("eq/") for p in pairs)
    assert all(n >= 10 for n in Counter(p.category for p in pairs).values())


def test_every_dialect_is_written_by_many_pivots(pairs):
    counts = Counter(d for p in {p.pivot.id: p.pivot for p in pairs}.values() for d in p.meta["dialects"])
    assert set(counts) == DIALECTS and min(counts.values()) >= 5, counts


def test_every_reference_scores_one_and_written_schema_mistakes_are_reported():
    pivots = load_pivots(DATA / "schema.pivots.jsonl")
    report = validate_pivots(pivots)
    assert report.ok, report.failures[:3]
    broken = {p.id for p in pivots if p.meta["schema_breaks"]}
    relaxed = {pivot for w in report.warnings if w.kind == "relaxed" for pivot in w.pivots}
    assert broken and broken <= relaxed


def test_tool_schema_meets_the_goals_on_it(pairs):
    result = agreement(pairs, ["tool_schema"], bootstrap=20).results[0]
    assert result.metrics["false_accept_rate"] <= 0.01 and result.metrics["false_reject_rate"] <= 0.10

