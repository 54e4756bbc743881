"""Defaults stated in a property's description: an omitted optional argument compares equal to
the value the prose states, read as the declared type; no literal, no default."""

from __future__ import annotations

import json

import pytest

from pivotrl.verifiers import get_verifier
from pivotrl.verifiers.described_defaults import MISSING, described_default
from tests.conftest import call, make_pivot


@pytest.mark.parametrize(("schema", "expected"), [
    ({"type": "string", "description": "The unit of measure (defaults to 'units' if not specified)"}, "units"),
    ({"type": "boolean", "description": "Whether to include the area. Default is true."}, True),
    ({"type": "integer", "description": "Optional: decimals to round to. Default 0"}, 0),
    ({"type": "integer", "description": "Days to forecast (optional, default is 7)."}, 7),
    ({"type": "number", "description": "The dielectric constant (default is 1.0 for free space, optional)."}, 1.0),
    ({"type": "number", "description": "Percentage increase. This value is optional and defaults to zero if not provided."}, 0.0),
    ({"type": "number", "description": "Permittivity. Default: 8.854e-12"}, 8.854e-12),
    ({"type": "string", "description": "The region e.g. United States, Japan. Default to United States"}, "United States"),
    ({"type": "string", "description": "The route (default is 'fastest')."}, "fastest"),
    ({"type": "array", "description": "Categories to fetch. Default to empty list"}, []),
    ({"type": "float", "description": "Significance level of the test (default: 0.05)"}, 0.05),  # BFCL's type names
])
def test_stated_defaults_are_read_as_the_declared_type(schema, expected):
    value = described_default(schema)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize("schema", [
    {"type": "integer", "description": "Default is the current year."},   # not a literal of the type
    {"type": "string", "description": "Default is None."},                  # means "absent"
    {"type": "string", "description": "The city to search."},                # no default stated
    {"type": "boolean", "description": "Default depends on the account."},
    {"type": "object", "description": "Default is {}."},                     # objects are not guessed
    {"type": "integer"},
])
def test_no_literal_default_means_none_is_invented(schema):
    assert described_default(schema) is MISSING


WEATHER = [{"type": "function", "function": {
    "name": "forecast", "description": "Weather forecast.",
    "parameters": {"type": "object", "required": ["city"], "properties": {
        "city": {"type": "string", "description": "City name."},
        "days": {"type": "integer", "description": "Days ahead (optional, default is 7)."},
        "unit": {"type": "string", "description": "Temperature unit. Defaults to 'celsius'."},
    }}}}]


def _text(**args) -> str:
    return f"<tool_call>{json.dumps({'name': 'forecast', 'arguments': args})}</tool_call>"


def test_omitting_an_argument_at_its_stated_default_is_accepted_and_a_different_value_is_not():
    pivot = make_pivot(call("forecast", city="Oslo", days=7, unit="celsius"), tools=WEATHER)
    verifier = get_verifier("tool_schema")
    assert verifier.verify(_text(city="Oslo"), pivot).equivalent
    assert verifier.verify(_text(city="Oslo", days="7"), pivot).equivalent
    rejected = verifier.verify(_text(city="Oslo", days=5), pivot)
    assert not rejected.equivalent and "days" in rejected.reason
    assert not verifier.verify(_text(city="Oslo", unit="fahrenheit"), pivot).equivalent


def test_stated_defaults_can_be_switched_off():
    pivot = make_pivot(call("forecast", city="Oslo", days=7), tools=WEATHER)
    strict = get_verifier({"name": "tool_schema", "params": {"prose_defaults": False}})
    assert strict.params() == {"prose_defaults": False}
    assert not strict.verify(_text(city="Oslo"), pivot).equivalent


def test_a_word_after_default_is_not_a_string_default_unless_the_prose_says_so():
    assert described_default({"type": "string", "description": "Profile name; uses the default profile"}) is MISSING
    assert described_default({"type": "string", "description": "Profile name. Default main"}) == "main"
