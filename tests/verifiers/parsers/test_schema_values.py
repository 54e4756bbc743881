"""XML-style formats carry every value as text; the tool's schema decides what it stands for."""

from __future__ import annotations

import pytest

from pivotrl.verifiers.parsers.schema_values import declared_types, typed_value


@pytest.mark.parametrize(("text", "schema", "expected"), [
    ("75001", {"type": "string"}, "75001"),  # a string that looks like a number stays a string
    ("75001", {"type": "integer"}, 75001),
    ("3.0", {"type": "integer"}, 3),
    ("2.5", {"type": "number"}, 2.5),
    ("7", {"type": "number"}, 7),
    ("True", {"type": "boolean"}, True),  # Qwen3.5 renders Python's repr
    ("false", {"type": "boolean"}, False),
    ("None", {"type": ["string", "null"]}, None),
    ("null", {"anyOf": [{"type": "integer"}, {"type": "null"}]}, None),
    ("None", {"type": "string", "default": None}, None),  # Optional[str] = None, written by hand
    ("None", {"type": "string", "nullable": True}, None),  # OpenAPI
    ("None", {"type": "string"}, "None"),  # a plain string may say None
    ('{"a": 1}', {"type": "object"}, {"a": 1}),
    ("{'a': True}", {"type": "dict"}, {"a": True}),  # a Python repr, a Python type name
    ('["x", "y"]', {"type": "array"}, ["x", "y"]),
    ("('x', 'y')", {"type": "tuple"}, ["x", "y"]),
    ("4", {"type": "int"}, 4),
    ("1.5", {"type": "float"}, 1.5),
    ("5", {"type": ["integer", "string"]}, 5),
    ("five", {"type": ["integer", "string"]}, "five"),
    ("five", {"type": "integer"}, "five"),  # left as text: the schema check rejects it, with a reason
    ("celsius", {"enum": ["celsius", "fahrenheit"]}, "celsius"),
    ("2", {"enum": [1, 2, 3]}, 2),
    # undeclared: what templates write for numbers, booleans, null, objects and arrays is read back
    ("3", None, 3),
    ("true", {}, True),
    ("[1, 2]", {"description": "no type"}, [1, 2]),
    ("Paris", None, "Paris"),
    ("  spaced text  ", None, "  spaced text  "),
])
def test_value_is_typed_by_its_schema(text, schema, expected):
    value = typed_value(text, schema)
    assert value == expected and type(value) is type(expected)


def test_declared_types_collect_unions_and_nullability():
    assert declared_types({"type": ["string", "null"]}) == ["string", "null"]
    assert declared_types({"oneOf": [{"type": "number"}, {"type": "string"}]}) == ["number", "string"]
    assert declared_types({"type": "string", "default": None}) == ["string", "null"]
    assert declared_types({"description": "anything"}) == []


def test_numbers_past_pythons_digit_limit_do_not_crash():
    assert typed_value("9" * 10_000, {"type": "integer"}) == "9" * 10_000
    assert typed_value("9" * 10_000, {"type": "number"}) == float("inf")
