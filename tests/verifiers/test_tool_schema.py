"""tool_schema: calls that mean the same are accepted; one wrong value is rejected, with
the difference named."""

from __future__ import annotations

import json

import pytest

from pivotrl.errors import VerifierError
from pivotrl.verifiers import get_verifier
from tests.conftest import call, make_pivot


def hermes(*calls: tuple[str, dict]) -> str:
    return "".join(f"<tool_call>{json.dumps({'name': n, 'arguments': a})}</tool_call>" for n, a in calls)


@pytest.fixture
def verifier():
    return get_verifier("tool_schema")


@pytest.mark.parametrize("args", [
    {"destination": "Rome", "origin": "Paris", "passengers": 2},                 # argument order
    {"origin": "Paris", "destination": "Rome", "passengers": "2"},               # "2" -> 2 for integer
    {"origin": "Paris", "destination": "Rome", "passengers": 2.0},               # 2.0 is an integer
    {"origin": "Paris", "destination": "Rome", "passengers": 2, "cabin": "economy"},  # explicit default
    {"origin": "Paris", "destination": "Rome", "passengers": 2, "refundable": "false"},  # "false" -> false
    {"origin": " Paris ", "destination": "Rome", "passengers": 2},              # whitespace
    {"origin": "Paris", "destination": "Rome", "passengers": 2, "max_price": None},  # null optional = omitted
])
def test_equivalent_rewrites_are_accepted(verifier, flight_pivot, args):
    verdict = verifier.verify(hermes(("book_flight", args)), flight_pivot)
    assert verdict.equivalent and verdict.score == 1.0, verdict.reason


@pytest.mark.parametrize(("args", "reason"), [
    ({"origin": "Paris", "destination": "Rome", "passengers": 3}, "passengers: expected 2, got 3"),
    ({"origin": "Paris", "destination": "Roma", "passengers": 2}, "destination"),
    ({"origin": "Paris", "destination": "Rome", "passengers": 2, "cabin": "business"}, "cabin"),
    ({"origin": "Paris", "destination": "Rome", "passengers": True}, "not of type 'integer'"),
    ({"origin": "Paris", "destination": "Rome", "passengers": 2, "seat": "12A"}, "'seat' was unexpected"),
    ({"origin": "Paris", "passengers": 2}, "'destination' is a required property"),
    ({"origin": "Paris", "destination": "Rome", "passengers": 0}, "minimum"),
    ({"origin": "Paris", "destination": "Rome", "passengers": 2, "cabin": "first"}, "is not one of"),
])
def test_near_misses_are_rejected_with_the_difference(verifier, flight_pivot, args, reason):
    verdict = verifier.verify(hermes(("book_flight", args)), flight_pivot)
    assert not verdict.equivalent and verdict.score == 0.0
    assert reason in verdict.reason


def test_true_is_never_an_integer_and_one_equals_one_point_zero(verifier):
    pivot = make_pivot(call("book_flight", origin="A", destination="B", max_price=1))
    assert verifier.verify(hermes(("book_flight", {"origin": "A", "destination": "B", "max_price": 1.0})), pivot).equivalent
    assert not verifier.verify(hermes(("book_flight", {"origin": "A", "destination": "B", "max_price": True})), pivot).equivalent


def test_numeric_tolerance_is_configurable():
    pivot = make_pivot(call("book_flight", origin="A", destination="B", max_price=100.0))
    action = hermes(("book_flight", {"origin": "A", "destination": "B", "max_price": 100.4}))
    assert not get_verifier("tool_schema").verify(action, pivot).equivalent
    assert get_verifier("tool_schema", abs_tol=0.5).verify(action, pivot).equivalent


def test_string_policy_is_configurable():
    pivot = make_pivot(call("get_weather", city="São Paulo"))
    shouted = hermes(("get_weather", {"city": "SAO PAULO"}))
    decomposed = hermes(("get_weather", {"city": "Sa\u0303o Paulo"}))  # NFD form of ã
    assert get_verifier("tool_schema").verify(decomposed, pivot).equivalent
    assert not get_verifier("tool_schema").verify(shouted, pivot).equivalent
    assert not get_verifier("tool_schema", case_sensitive=False).verify(shouted, pivot).equivalent  # ã vs A
    assert get_verifier("tool_schema", case_sensitive=False).verify(hermes(("get_weather", {"city": "SÃO PAULO"})), pivot).equivalent
    punct = make_pivot(call("get_weather", city="St. Louis"))
    assert get_verifier("tool_schema", strip_punctuation=True).verify(hermes(("get_weather", {"city": "St Louis"})), punct).equivalent


def test_nested_objects_and_arrays_are_canonicalised(verifier):
    pivot = make_pivot(call("book_flight", origin="A", destination="B", traveler={"name": "Ada", "age": 36}, tags=["work"]))
    ok = hermes(("book_flight", {"origin": "A", "destination": "B", "traveler": {"age": "36", "name": "Ada"}, "tags": ["work"]}))
    bad = hermes(("book_flight", {"origin": "A", "destination": "B", "traveler": {"age": 37, "name": "Ada"}, "tags": ["work"]}))
    assert verifier.verify(ok, pivot).equivalent
    assert "traveler" in verifier.verify(bad, pivot).reason


def test_url_arguments_are_normalised(verifier):
    pivot = make_pivot(call("open_page", url="https://wiki.example.org/wiki/Rhine"))
    for url in ("http://WIKI.example.org/wiki/Rhine/", "https://wiki.example.org/wiki/Rhine#History", "wiki.example.org/wiki/Rhine"):
        assert verifier.verify(hermes(("open_page", {"url": url})), pivot).equivalent, url
    assert not verifier.verify(hermes(("open_page", {"url": "https://wiki.example.org/wiki/Rhone"})), pivot).equivalent


def test_unknown_tool_scores_zero_with_reason(verifier, flight_pivot):
    verdict = verifier.verify(hermes(("cancel_everything", {})), flight_pivot)
    assert verdict.score == 0 and "unknown tool 'cancel_everything'" in verdict.reason


def test_parallel_calls_are_paired_by_optimal_assignment_not_order(verifier):
    pivot = make_pivot(call("get_weather", city="Paris"), call("get_weather", city="Tokyo"), call("get_weather", city="Cairo"))
    shuffled = hermes(("get_weather", {"city": "Cairo"}), ("get_weather", {"city": "Paris"}), ("get_weather", {"city": "Tokyo"}))
    assert verifier.verify(shuffled, pivot).equivalent


def test_assignment_beats_greedy_pairing():
    # Greedy pairing of reference call 1 with the first candidate that shares most arguments
    # would steal candidate B's partner; the optimal assignment matches both.
    tools = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object", "properties": {
        "a": {"type": "integer"}, "b": {"type": "integer"}, "c": {"type": "integer"}}}}}]
    pivot = make_pivot(call("f", a=1, b=1, c=1), call("f", a=1, b=1, c=2), tools=tools)
    action = hermes(("f", {"a": 1, "b": 1, "c": 2}), ("f", {"a": 1, "b": 1, "c": 1}))
    verdict = get_verifier("tool_schema").verify(action, pivot)
    assert verdict.equivalent and verdict.details["matched"] == 2


@pytest.mark.parametrize(("mode", "score"), [("binary", 0.0), ("fractional", 2 / 3), ("f1", 0.8)])
def test_partial_parallel_match_scoring_modes(mode, score):
    pivot = make_pivot(call("get_weather", city="Paris"), call("get_weather", city="Tokyo"), call("get_weather", city="Cairo"))
    action = hermes(("get_weather", {"city": "Paris"}), ("get_weather", {"city": "Tokyo"}))
    verdict = get_verifier("tool_schema", mode=mode).verify(action, pivot)
    assert not verdict.equivalent
    assert verdict.score == pytest.approx(score)


def test_extra_call_is_rejected(verifier):
    pivot = make_pivot(call("get_weather", city="Paris"))
    verdict = verifier.verify(hermes(("get_weather", {"city": "Paris"}), ("get_weather", {"city": "Rome"})), pivot)
    assert not verdict.equivalent and "extra call" in verdict.reason


def test_text_reference_compared_by_kind_by_default_and_by_content_on_request():
    pivot = make_pivot(text="Your flight from Paris to Rome is booked for two passengers.")
    assert get_verifier("tool_schema").verify("Done, booked!", pivot).equivalent
    assert not get_verifier("tool_schema").verify(hermes(("get_weather", {"city": "Rome"})), pivot).equivalent
    fuzzy = get_verifier("tool_schema", text_match="fuzzy", text_threshold=80)
    assert fuzzy.verify("Your flight from Paris to Rome is booked for two passengers!", pivot).equivalent
    assert not fuzzy.verify("I cannot help with that.", pivot).equivalent


def test_tool_call_where_text_was_expected_and_vice_versa(verifier, flight_pivot):
    verdict = verifier.verify("Sure, I booked it.", flight_pivot)
    assert verdict.score == 0 and "replies in text" in verdict.reason


def test_pivot_without_schemas_compares_arguments_as_given(verifier):
    pivot = make_pivot(call("execute_bash", command="ls"), tools=[])
    assert verifier.verify(hermes(("execute_bash", {"command": "ls"})), pivot).equivalent
    assert not verifier.verify(hermes(("execute_bash", {"command": "ls -a"})), pivot).equivalent


def test_invalid_schema_parts_are_dropped_and_reported_not_scored_zero():
    tools = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object", "properties": {
        "a": {"type": "nonsense"}, "b": {"type": "integer", "minimum": "zero"}}}}}]
    pivot = make_pivot(call("f", a=1, b=2), tools=tools)
    verifier = get_verifier("tool_schema")
    assert verifier.verify(pivot.reference, pivot).equivalent
    assert not verifier.verify(hermes(("f", {"a": 2, "b": 2})), pivot).equivalent
    assert not verifier.verify(hermes(("f", {"a": 1, "b": "two"})), pivot).equivalent  # b is still an integer
    findings = verifier.findings(pivot)
    assert {(f.kind, f.location) for f in findings} == {("repaired", "properties/a/type"), ("repaired", "properties/b/minimum")}


def test_bad_parameters_fail_at_construction():
    with pytest.raises(VerifierError, match="mode"):
        get_verifier("tool_schema", mode="lenient")
    with pytest.raises(VerifierError, match="accepts"):
        get_verifier("tool_schema", not_a_param=1)


def test_batch_matches_single_path(verifier, flight_pivot):
    other = make_pivot(call("get_weather", city="Oslo"), pivot_id="p2")
    actions = [hermes(("book_flight", {"origin": "Paris", "destination": "Rome", "passengers": 2})),
               hermes(("get_weather", {"city": "Oslo"})), "text", "<tool_call>{", hermes(("get_weather", {"city": "Oslo", "unit": "kelvin"}))]
    pivots = [flight_pivot, other, flight_pivot, other, other]
    batch = verifier.verify_batch(actions, pivots)
    single = [verifier.verify(a, p) for a, p in zip(actions, pivots, strict=True)]
    assert [v.to_dict() for v in batch] == [v.to_dict() for v in single]
    assert [v.score for v in batch] == [1, 1, 0, 0, 0]


def test_batch_broadcasts_one_pivot_to_k_samples(verifier, flight_pivot):
    ok = hermes(("book_flight", {"origin": "Paris", "destination": "Rome", "passengers": 2}))
    assert [v.score for v in verifier.verify_batch([ok, "no", ok], flight_pivot)] == [1, 0, 1]
    with pytest.raises(ValueError, match="2 actions but 1 pivots"):
        verifier.verify_batch([ok, ok], [flight_pivot])


@pytest.mark.parametrize("name", ["tool_schema", "exact", "fuzzy", "search_overlap"])
def test_deeply_nested_arguments_score_zero_not_crash(name, flight_pivot):
    nested = "[" * 990 + "]" * 990
    action = '{"name": "book_flight", "arguments": {"origin": "Paris", "destination": "Rome", "tags": ' + nested + "}}"
    verifier = get_verifier(name)
    assert verifier.verify(action, flight_pivot).score == 0.0
    assert [v.score for v in verifier.verify_batch([action, action], flight_pivot)] == [0.0, 0.0]


def test_arrays_marked_unique_items_compare_as_sets_and_others_in_order(verifier):
    tools = [{"type": "function", "function": {"name": "tag", "parameters": {"type": "object", "properties": {
        "labels": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
        "steps": {"type": "array", "items": {"type": "string"}}}}}}]
    pivot = make_pivot(call("tag", labels=["a", "b"], steps=["x", "y"]), tools=tools)
    assert verifier.verify(hermes(("tag", {"labels": ["b", "a"], "steps": ["x", "y"]})), pivot).equivalent
    assert not verifier.verify(hermes(("tag", {"labels": ["a", "b"], "steps": ["y", "x"]})), pivot).equivalent


def test_enum_values_are_case_sensitive_unless_enum_case_sensitive_is_off(flight_pivot):
    args = {"origin": "Paris", "destination": "Rome", "passengers": 2, "cabin": "Economy"}
    strict = get_verifier("tool_schema").verify(hermes(("book_flight", args)), flight_pivot)
    assert not strict.equivalent and "Economy" in strict.reason
    assert not get_verifier("tool_schema", case_sensitive=False).verify(hermes(("book_flight", args)), flight_pivot).equivalent
    lenient = get_verifier({"name": "tool_schema", "params": {"enum_case_sensitive": False}})
    assert lenient.verify(hermes(("book_flight", args)), flight_pivot).equivalent


# -- strings by kind --------------------------------------------------------------------------------
KINDS = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object", "properties": {
    "city": {"type": "string"}, "order_id": {"type": "string"}, "target": {"type": "string"},
    "unit": {"type": "string", "enum": ["km", "mi"]}, "day": {"type": "string", "format": "date"},
    "code": {"type": "string", "pattern": "^[A-Za-z]+$"}, "page": {"type": "string", "format": "uri"}}}}}]


@pytest.mark.parametrize(("arg", "reference", "candidate", "same"), [
    ("city", "New York, NY", "new york,  ny ", True),          # free text: case and spacing do not matter
    ("city", "New York, NY", "NEW YORK, NY", True),
    ("city", "New York, NY", "New York NY", False),            # punctuation does, by default
    ("order_id", "ord-1234", "ORD-1234", False),               # an identifier by its name
    ("target", "/srv/Data/q3.csv", "/srv/data/q3.csv", False),  # an identifier by its shape
    ("target", "/srv/Data/q3.csv", " /srv/Data/q3.csv ", True),
    ("unit", "km", "KM", False),                               # enum members are exact
    ("code", "Abc", "abc", False),                             # pattern strings are exact
    ("page", "https://Example.com/Docs", "http://example.com/Docs/", True),  # a URL is a URL
    ("page", "https://example.com/Docs", "https://example.com/docs", False),
])
def test_strings_compare_by_kind(arg, reference, candidate, same):
    pivot = make_pivot(call("f", **{arg: reference}), tools=KINDS)
    verdict = get_verifier("tool_schema").verify(hermes(("f", {arg: candidate})), pivot)
    assert verdict.equivalent is same, verdict.reason


@pytest.mark.parametrize(("params", "arg", "candidate"), [
    ({"case_sensitive": True}, "city", "new york, ny"),
    ({"collapse_whitespace": False}, "city", "New  York, NY"),
    ({"enum_case_sensitive": False}, "unit", "KM"),
    ({"identifier_case_sensitive": False}, "order_id", "ORD-1"),
    ({"format_case_sensitive": False}, "code", "ABC"),
])
def test_each_kind_has_its_own_switch(params, arg, candidate):
    reference = {"city": "New York, NY", "unit": "km", "order_id": "ord-1", "code": "abc"}[arg]
    pivot = make_pivot(call("f", **{arg: reference}), tools=KINDS)
    default = get_verifier("tool_schema").verify(hermes(("f", {arg: candidate})), pivot).equivalent
    switched = get_verifier("tool_schema", **params).verify(hermes(("f", {arg: candidate})), pivot).equivalent
    assert default != switched


# -- null, omission and defaults --------------------------------------------------------------------
OPTIONAL = [{"type": "function", "function": {"name": "g", "parameters": {"type": "dict", "properties": {
    "q": {"type": "str"}, "lang": {"type": "string", "default": None},
    "limit": {"type": "integer", "default": 10}, "tag": {"type": ["string", "null"], "default": "all"}},
    "required": ["q"]}}}]


@pytest.mark.parametrize(("reference", "candidate", "same"), [
    ({"q": "x"}, {"q": "x", "lang": None}, True),                 # default null: null is omission
    ({"q": "x", "lang": None}, {"q": "x"}, True),
    ({"q": "x"}, {"q": "x", "limit": None}, True),               # null for an optional argument: its default
    ({"q": "x"}, {"q": "x", "limit": "10"}, True),
    ({"q": "x"}, {"q": "x", "limit": 11}, False),
    ({"q": "x"}, {"q": "x", "tag": None}, False),                # null allowed and another default: a value
    ({"q": "x"}, {"q": None}, False),                            # required
])
def test_null_omission_and_defaults(reference, candidate, same):
    pivot = make_pivot(call("g", **reference), tools=OPTIONAL)
    verdict = get_verifier("tool_schema").verify(hermes(("g", candidate)), pivot)
    assert verdict.equivalent is same, verdict.reason


def test_string_encoded_numbers_and_booleans_where_the_schema_allows_both_or_says_nothing():
    tools = [{"type": "function", "function": {"name": "h", "parameters": {"type": "object", "properties": {
        "n": {"type": ["string", "integer"]}, "anything": {}, "flag": {"type": "bool"}}}}}]
    pivot = make_pivot(call("h", n=5, anything=True, flag=False), tools=tools)
    verifier = get_verifier("tool_schema")
    assert verifier.verify(hermes(("h", {"n": "5", "anything": "true", "flag": "false"})), pivot).equivalent
    assert not verifier.verify(hermes(("h", {"n": "6", "anything": "true", "flag": "false"})), pivot).equivalent


def test_rejections_name_a_failure_kind_a_run_can_count(flight_pivot):
    verifier = get_verifier("tool_schema")
    kinds = {
        "value_differs:free_text": {"origin": "Paris", "destination": "Roma", "passengers": 2},
        "value_differs:number": {"origin": "Paris", "destination": "Rome", "passengers": 3},
        "schema:type": {"origin": "Paris", "destination": "Rome", "passengers": True},
        "schema:required": {"origin": "Paris", "passengers": 2},
        "schema:additionalProperties": {"origin": "Paris", "destination": "Rome", "passengers": 2, "x": 1},
    }
    for kind, args in kinds.items():
        assert verifier.verify(hermes(("book_flight", args)), flight_pivot).details["failure_kind"] == kind
    assert verifier.verify(hermes(("nope", {})), flight_pivot).details["failure_kind"] == "unknown_tool"
    assert verifier.verify("text", flight_pivot).details["failure_kind"] == "text_instead_of_calls"
    accepted = verifier.verify(hermes(("book_flight", {"origin": "PARIS", "destination": "Rome", "passengers": "2"})),
                               flight_pivot)
    assert accepted.details["normalised"] == ["case/spacing", "type coerced"]


def test_bfcl_style_schemas_are_read_without_conversion():
    tools = [{"type": "function", "function": {"name": "area", "parameters": {"type": "dict", "properties": {
        "base": {"type": "integer"}, "height": {"type": "float"}, "unit": {"type": "string", "description":
        "The unit of measure. Default is 'units'."}, "dims": {"type": "tuple", "items": {"type": "float"}}},
        "required": ["base", "height"]}}}]
    pivot = make_pivot(call("area", base=10, height=5.0, dims=[1.0, 2]), tools=tools)
    verifier = get_verifier("tool_schema")
    assert verifier.verify(hermes(("area", {"height": 5, "base": 10, "unit": "units", "dims": [1, 2.0]})), pivot).equivalent
    assert not verifier.verify(hermes(("area", {"height": 5.5, "base": 10, "dims": [1, 2]})), pivot).equivalent


# -- hostile actions ------------------------------------------------------------------------------
def test_a_backtracking_schema_pattern_cannot_hang_the_verifier():
    import time

    tools = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object", "properties": {
        "s": {"type": "string", "pattern": "^(a|aa)+$"}}}}}]
    pivot = make_pivot(call("f", s="aaaa"), tools=tools)
    started = time.perf_counter()
    verdict = get_verifier("tool_schema").verify(hermes(("f", {"s": "a" * 5000 + "!"})), pivot)
    assert time.perf_counter() - started < 5
    assert not verdict.equivalent and verdict.details["failure_kind"] == "schema:pattern"


@pytest.mark.parametrize("value", ["x" * 1_000_000, "a1" * 200_000, "/" * 100_000, "\u0000\ud7ff\U0010ffff" * 1000,
                                   "é" * 10_000, " " * 100_000])
def test_huge_or_odd_strings_in_every_kind_of_argument_score_zero_with_a_reason(value):
    pivot = make_pivot(call("f", city="Paris", order_id="A1", target="/x", unit="km"), tools=KINDS)
    verifier = get_verifier("tool_schema")
    for arg in ("city", "order_id", "target", "unit", "day", "code", "page"):
        args = {"city": "Paris", "order_id": "A1", "target": "/x", "unit": "km", arg: value}
        verdict = verifier.verify({"role": "assistant", "content": None, "tool_calls": [
            {"id": "c", "type": "function", "function": {"name": "f", "arguments": json.dumps(args)}}]}, pivot)
        assert verdict.score == 0.0 and verdict.reason
