"""Schema dialects found in the wild become strict JSON Schema, one documented rule each; what
cannot be read is dropped and noted, and the result is always a valid schema."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, example, given, settings
from jsonschema import Draft202012Validator

from pivotrl.verifiers.schema_dialects import strict_schema
from pivotrl.verifiers.schema_types import parse_type_name
from tests.verifiers.schema_strategies import schema_junk


def prop(schema: dict, name: str = "x") -> dict:
    """The strict form of one property ``name`` of an object schema."""
    return strict_schema({"type": "object", "properties": {name: schema}}).schema["properties"][name]


@pytest.mark.parametrize(("written", "types"), [
    ("dict", ["object"]), ("float", ["number"]), ("tuple", ["array"]), ("list", ["array"]), ("int", ["integer"]),
    ("bool", ["boolean"]), ("str", ["string"]), ("double", ["number"]), ("long", ["integer"]),
    ("String", ["string"]), ("Integer", ["integer"]), ("Boolean", ["boolean"]), ("Map", ["object"]),
    ("object", ["object"]), ("NoneType", ["null"]), ("Optional[str]", ["string", "null"]),
    ("int | None", ["integer", "null"]), ("Union[int, float]", ["integer", "number"]), ("string[]", ["array"]),
    ("typing.List[int]", ["array"]), ("int or float", ["integer", "number"]),
])
def test_type_names_from_other_languages_are_json_types(written, types):
    assert prop({"type": written})["type"] == types


def test_any_and_unknown_type_names_constrain_nothing_and_unknown_ones_are_noted():
    assert "type" not in prop({"type": "any"})
    result = strict_schema({"type": "object", "properties": {"x": {"type": "nonsense"}}})
    assert "type" not in result.schema["properties"]["x"]
    assert [n.location for n in result.notes] == ["properties/x/type"]


def test_python_generics_keep_their_item_and_value_types():
    assert prop({"type": "List[int]"})["items"] == {"type": ["integer"]}
    assert prop({"type": "Dict[str, float]"})["additionalProperties"] == {"type": ["number"]}
    assert prop({"type": "Tuple[int, str]"})["prefixItems"] == [{"type": ["integer"]}, {"type": ["string"]}]
    assert prop({"type": "set"})["uniqueItems"] is True  # a set has no order
    assert prop({"type": "Literal['a', 'b']"})["enum"] == ["a", "b"]
    assert parse_type_name("datetime") == {"type": ["string"], "format": "date-time"}


@pytest.mark.parametrize("written", [
    {"type": "string", "default": None},
    {"type": "string", "nullable": True},
    {"type": "string", "x-nullable": True},
    {"anyOf": [{"type": "string"}, {"type": "null"}]},
    {"oneOf": [{"type": "null"}, {"type": "string"}]},
    {"type": ["string", "null"]},
    {"type": "Optional[str]"},
])
def test_every_way_of_saying_optional_string_allows_null(written):
    strict = prop(written)
    assert strict["type"] == ["string", "null"]
    assert Draft202012Validator(strict).is_valid(None) and not Draft202012Validator(strict).is_valid(5)


def test_nullable_enum_admits_null_as_a_member():
    assert prop({"type": "string", "enum": ["a", "b"], "nullable": True})["enum"] == ["a", "b", None]


def test_one_of_is_read_as_any_of_so_overlapping_branches_do_not_reject():
    strict = prop({"oneOf": [{"type": "integer"}, {"type": "number"}]})
    assert "oneOf" not in strict and Draft202012Validator(strict).is_valid(5)


@pytest.mark.parametrize(("written", "types"), [
    ({"properties": {"a": {"type": "string"}}}, ["object"]),
    ({"items": {"type": "string"}}, ["array"]),
    ({"enum": ["a", "b"]}, ["string"]),
    ({"enum": [1, 2]}, ["integer"]),
    ({"const": True}, ["boolean"]),
    ({"pattern": "^a"}, ["string"]),
    ({"minimum": 0}, ["number"]),
    ({"description": "anything"}, None),
])
def test_a_missing_type_is_read_from_the_keywords_present(written, types):
    assert prop(written).get("type") == types


def test_required_names_the_schema_does_not_declare_are_dropped_and_noted():
    result = strict_schema({"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a", "ghost"]})
    assert result.schema["required"] == ["a"]
    assert "ghost" in str(result.notes[0])


def test_required_may_be_written_on_the_property_and_optional_true_wins():
    schema = strict_schema({"type": "object", "properties": {
        "a": {"type": "string", "required": True}, "b": {"type": "string", "optional": True},
        "c": {"type": "string"}}, "required": ["b", "c"]}).schema
    assert sorted(schema["required"]) == ["a", "c"]
    assert "required" not in schema["properties"]["a"] and "optional" not in schema["properties"]["b"]


def test_items_absent_means_any_items_and_draft4_tuples_become_prefix_items():
    assert Draft202012Validator(prop({"type": "array"})).is_valid([1, "a", None])
    strict = prop({"type": "array", "items": [{"type": "int"}, {"type": "str"}], "additionalItems": False})
    assert strict["prefixItems"] == [{"type": ["integer"]}, {"type": ["string"]}] and strict["items"] is False


@pytest.mark.parametrize(("written", "expected"), [
    ({"type": "integer", "enum": ["1", "2", "3"]}, {"type": ["integer"], "enum": [1, 2, 3]}),
    ({"type": "string", "enum": [1, 2]}, {"type": ["string"], "enum": ["1", "2"]}),
    ({"type": "integer", "enum": [1, 2, "auto"]}, {"type": ["integer", "string"], "enum": [1, 2, "auto"]}),
    ({"type": "boolean", "default": "false"}, {"type": ["boolean"], "default": False}),
    ({"type": "integer", "default": "5"}, {"type": ["integer"], "default": 5}),
    ({"type": "integer", "minimum": "0", "maximum": "9"}, {"type": ["integer"], "minimum": 0, "maximum": 9}),
    ({"type": "number", "minimum": 0, "exclusiveMinimum": True}, {"type": ["number"], "exclusiveMinimum": 0}),
    ({"type": "string", "enum": "only"}, {"type": ["string"], "enum": ["only"]}),
])
def test_literals_written_as_another_type_are_read_as_the_declared_one(written, expected):
    assert {k: v for k, v in prop(written).items() if k != "description"} == expected


def test_a_default_that_breaks_its_own_schema_is_dropped_and_noted():
    result = strict_schema({"type": "object", "properties": {"g": {"type": "string", "enum": ["a", "b"], "default": ""}}})
    assert "default" not in result.schema["properties"]["g"]
    assert result.notes and result.notes[0].location == "properties/g/default"


def test_local_refs_are_inlined_remote_ones_never_fetched_and_recursion_is_bounded():
    schema = strict_schema({
        "type": "object",
        "properties": {"where": {"$ref": "#/definitions/Place"}, "pet": {"$ref": "#/$defs/Pet"},
                       "far": {"$ref": "https://example.com/schema.json"}, "tree": {"$ref": "#/definitions/Node"}},
        "definitions": {"Place": {"type": "object", "properties": {"city": {"type": "str"}}},
                        "Node": {"type": "object", "properties": {"child": {"$ref": "#/definitions/Node"}}}},
        "$defs": {"Pet": {"allOf": [{"$ref": "#/definitions/Place"}], "description": "a pet's place"}},
    })
    props = schema.schema["properties"]
    assert props["where"]["properties"]["city"]["type"] == ["string"]
    assert props["pet"]["properties"]["city"]["type"] == ["string"]
    assert "$ref" not in json.dumps(schema.schema) and "definitions" not in schema.schema
    assert any("example.com" in str(n) for n in schema.notes)


def test_openapi_parameter_lists_and_json_strings_are_object_schemas():
    listed = strict_schema([{"name": "q", "in": "query", "required": True, "schema": {"type": "string"}},
                            {"name": "n", "in": "query", "schema": {"type": "integer"}}]).schema
    assert listed["required"] == ["q"] and listed["properties"]["n"]["type"] == ["integer"]
    assert strict_schema(json.dumps({"type": "object", "properties": {"a": {"type": "int"}}})).schema[
        "properties"]["a"]["type"] == ["integer"]
    assert strict_schema("not json").notes


def test_the_top_level_is_closed_unless_the_schema_opens_it():
    assert strict_schema({"type": "object", "properties": {}}).schema["additionalProperties"] is False
    assert strict_schema({"type": "object", "additionalProperties": True}).schema["additionalProperties"] is True


def test_invalid_keywords_are_dropped_one_by_one_with_a_note():
    result = strict_schema({"type": "object", "properties": {"a": {"type": "string", "pattern": "(", "maxLength": -1}}})
    assert result.schema["properties"]["a"] == {"type": ["string"]}
    assert {n.location for n in result.notes} == {"properties/a/pattern", "properties/a/maxLength"}


def test_results_are_cached_by_content():
    assert strict_schema({"type": "object", "properties": {"a": {"type": "int"}}}) is strict_schema(
        {"properties": {"a": {"type": "int"}}, "type": "object"})


# -- any schema at all: the result is valid JSON Schema, and making it strict again changes nothing --
_junk = schema_junk


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_junk)
@example({"additionalProperties": [], "required": "string"})  # found by hypothesis: a non-schema additionalProperties
def test_any_input_becomes_a_valid_closed_object_schema_and_is_a_fixed_point(junk):
    result = strict_schema(junk)
    Draft202012Validator.check_schema(result.schema)
    assert "object" in result.schema["type"]
    again = strict_schema(result.schema)
    assert again.schema == result.schema



def test_required_names_with_no_property_declared_are_the_declaration():
    schema = strict_schema({"type": "object", "required": ["q"]}).schema
    assert schema["properties"] == {"q": {}} and schema["required"] == ["q"]
    assert Draft202012Validator(schema).is_valid({"q": 1}) and not Draft202012Validator(schema).is_valid({})
