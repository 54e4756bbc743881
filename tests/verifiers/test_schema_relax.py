"""The gold invariant: a pivot's reference scores 1 under tool_schema whatever its schema says.
Constraints the reference breaks are widened just enough for it, at that pivot only; a candidate
still has to match the reference, and what the schema still says is still enforced."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pivotrl.verifiers import get_verifier
from pivotrl.verifiers.schema_canon import Canonicalizer
from pivotrl.verifiers.schema_dialects import strict_schema
from pivotrl.verifiers.schema_relax import fit_to_reference
from tests.conftest import call, make_pivot

CABIN = [{"type": "function", "function": {"name": "book", "parameters": {"type": "object", "properties": {
    "cabin": {"type": "string", "enum": ["economy", "business"]},
    "seats": {"type": "integer", "minimum": 1, "maximum": 4},
    "code": {"type": "string", "pattern": "^[A-Z]{3}$"},
    "note": {"type": "string"}}, "required": ["cabin", "seats"]}}}]


def hermes(name: str, **args) -> str:
    return f"<tool_call>{json.dumps({'name': name, 'arguments': args})}</tool_call>"


def fit(schema: dict, *references: dict):
    canon = Canonicalizer()
    return fit_to_reference("t", strict_schema(schema).schema, list(references), canon.strict_arguments)


def test_each_broken_constraint_is_widened_just_enough():
    fitted = fit(CABIN[0]["function"]["parameters"], {"cabin": "premium", "seats": 9, "code": "lhr", "extra": 1})
    props = fitted.schema["properties"]
    assert props["cabin"]["enum"] == ["economy", "business", "premium"]    # gains the value, not "anything"
    assert props["seats"]["maximum"] == 9 and props["seats"]["minimum"] == 1
    assert props["code"]["pattern"].endswith("|^lhr$")
    assert props["extra"] == {}                                             # only this undeclared name
    assert fitted.enforced
    assert {(r.keyword, r.location) for r in fitted.relaxations} == {
        ("enum", "properties/cabin"), ("maximum", "properties/seats"), ("pattern", "properties/code"),
        ("additionalProperties", "")}


def test_a_required_argument_the_reference_omits_stops_being_required_and_a_wrong_type_widens():
    fitted = fit(CABIN[0]["function"]["parameters"], {"cabin": "economy", "seats": 2.5})
    assert "integer" in fitted.schema["properties"]["seats"]["type"] and "number" in fitted.schema["properties"]["seats"]["type"]
    assert fit(CABIN[0]["function"]["parameters"], {"cabin": "economy"}).schema["required"] == ["cabin"]


def test_the_reference_scores_one_and_a_candidate_still_has_to_match_it():
    pivot = make_pivot(call("book", cabin="premium", seats=9, code="lhr"), tools=CABIN)
    verifier = get_verifier("tool_schema")
    assert verifier.verify(pivot.reference, pivot).score == 1.0
    assert verifier.verify(hermes("book", seats=9, code="lhr", cabin="premium"), pivot).equivalent
    assert not verifier.verify(hermes("book", cabin="premium", seats=8, code="lhr"), pivot).equivalent
    other = verifier.verify(hermes("book", cabin="first", seats=9, code="lhr"), pivot)   # still not in the enum
    assert not other.equivalent and other.details["failure_kind"] == "schema:enum"
    assert not verifier.verify(hermes("book", cabin="premium", seats=9, code="LHR"), pivot).equivalent


def test_pivots_sharing_a_schema_are_relaxed_by_their_own_reference_only():
    broken = make_pivot(call("book", cabin="premium", seats=2), tools=CABIN, pivot_id="a")
    valid = make_pivot(call("book", cabin="economy", seats=2), tools=CABIN, pivot_id="b")
    verifier = get_verifier("tool_schema")
    assert verifier.verify(hermes("book", cabin="premium", seats=2), broken).equivalent
    at_valid = verifier.verify(hermes("book", cabin="premium", seats=2), valid)
    assert not at_valid.equivalent and at_valid.details["failure_kind"] == "schema:enum"
    assert [f.constraint for f in verifier.findings(broken)] == ["enum"] and verifier.findings(valid) == []


def test_an_enum_member_spelled_in_another_case_by_the_reference_accepts_the_member():
    pivot = make_pivot(call("book", cabin="Economy", seats=2), tools=CABIN)
    verifier = get_verifier("tool_schema")
    assert verifier.verify(pivot.reference, pivot).equivalent
    assert verifier.verify(hermes("book", cabin="economy", seats=2), pivot).equivalent
    assert not verifier.verify(hermes("book", cabin="business", seats=2), pivot).equivalent
    assert "spells 'economy' as 'Economy'" in verifier.findings(pivot)[0].detail


def test_a_tool_the_reference_calls_undeclared_is_compared_as_given():
    pivot = make_pivot(call("cancel", booking="B12"), tools=CABIN)
    verifier = get_verifier("tool_schema")
    assert verifier.verify(pivot.reference, pivot).equivalent
    assert not verifier.verify(hermes("cancel", booking="B13"), pivot).equivalent
    assert not verifier.verify(hermes("refund", booking="B12"), pivot).equivalent   # other tools stay unknown
    assert [f.kind for f in verifier.findings(pivot)] == ["undeclared_tool"]


def test_relaxation_can_be_switched_off_and_then_the_schema_is_enforced_as_written():
    pivot = make_pivot(call("book", cabin="premium", seats=2), tools=CABIN)
    strict = get_verifier("tool_schema", relax_schema=False)
    verdict = strict.verify(pivot.reference, pivot)
    assert verdict.score == 0 and "is not one of" in verdict.reason


# -- any schema, any reference --------------------------------------------------------------------
_json = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False),
              st.text(max_size=12)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=12)
_schema_nodes = st.recursive(
    st.one_of(st.sampled_from(["string", "int", "float", "dict", "Optional[str]", "list", "nonsense", "any"]),
              st.none(), st.booleans(), st.integers(-2, 5)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["type", "properties", "items", "enum", "required", "default", "anyOf",
                                         "minimum", "maximum", "maxLength", "pattern", "const", "nullable",
                                         "additionalProperties", "format", "uniqueItems", "a", "b"]),
                        inner, max_size=5)),
    max_leaves=20)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.dictionaries(st.sampled_from(["a", "b", "c"]), _schema_nodes, max_size=3), st.booleans(),
       st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), _json, min_size=1, max_size=4),
       st.sampled_from([{}, {"case_sensitive": True}, {"mode": "f1"}, {"prose_defaults": False}]))
def test_any_reference_scores_one_under_any_schema_and_a_changed_copy_does_not(properties, closed, args, params):
    parameters = {"type": "object", "properties": properties, "required": sorted(properties)[:1]}
    if closed:
        parameters["additionalProperties"] = False
    tools = [{"type": "function", "function": {"name": "f", "parameters": parameters}}]
    pivot = make_pivot(call("f", **args), tools=tools)
    verifier = get_verifier("tool_schema", **params)
    assert verifier.verify(pivot.reference, pivot).score == 1.0
    key = sorted(args)[0]
    changed = hermes("f", **{**args, key: "\u2063wrong\u2063"})
    assert verifier.verify(changed, pivot).score == 0.0
