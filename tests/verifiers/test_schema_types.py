"""Type names from other languages and literals written as another type mean what they say."""

from __future__ import annotations

import pytest

from pivotrl.verifiers.schema_types import coerce_literal, json_type, parse_type_name


@pytest.mark.parametrize(("name", "fragment"), [
    ("float", {"type": ["number"]}), ("Double", {"type": ["number"]}), ("typing.Any", {}), ("*", {}),
    ("Optional[Dict[str, int]]", {"anyOf": [{"type": ["object"], "additionalProperties": {"type": ["integer"]}},
                                            {"type": ["null"]}]}),
    ("List[Optional[str]]", {"type": ["array"], "items": {"type": ["string", "null"]}}),
    ("Tuple[int, ...]", {"type": ["array"]}),
    ("frozenset", {"type": ["array"], "uniqueItems": True}),
    ("email", {"type": ["string"], "format": "email"}),
    ("Literal[1, 'a', None]", {"enum": [1, "a", None]}),
    ("Frobnicator", None), ("", None),
    ("List[Frobnicator]", {"type": ["array"], "items": {}}),  # an unknown item type constrains nothing
])
def test_type_names(name, fragment):
    assert parse_type_name(name) == fragment


@pytest.mark.parametrize(("value", "types", "read"), [
    ("5", ["integer"], 5), ("5.0", ["integer"], 5), ("5.5", ["integer"], "5.5"), ("2.5", ["number"], 2.5),
    ("TRUE", ["boolean"], True), ("none", ["null"], None), (7, ["string"], "7"), (3.0, ["integer"], 3),
    (True, ["integer"], True), ("nan", ["number"], "nan"), ("x", [], "x"), (1, ["number"], 1),
])
def test_literals_are_read_as_the_declared_type_when_they_can_be(value, types, read):
    result = coerce_literal(value, types)
    assert result == read and type(result) is type(read)


def test_json_types_of_python_values():
    assert [json_type(v) for v in (None, True, 1, 1.0, "a", [1], (1,), {"a": 1})] == [
        "null", "boolean", "integer", "number", "string", "array", "array", "object"]
