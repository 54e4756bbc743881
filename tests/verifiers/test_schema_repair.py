"""The schema repair never lets an invalid schema through: its quick structural check agrees with
the meta-schema on anything, and whatever the meta-schema rejects is dropped with a note."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from pivotrl.verifiers.schema_repair import check_defaults, plainly_valid, repair
from tests.verifiers.schema_strategies import schema_junk

_junk = schema_junk



@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_junk)
def test_the_quick_structural_check_never_passes_what_the_meta_schema_rejects(junk):
    if plainly_valid(junk):
        try:
            Draft202012Validator.check_schema(junk)
        except SchemaError as error:  # pragma: no cover - the assertion below reports it
            raise AssertionError(f"passed the quick check but not the meta-schema: {error.message}") from None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["type", "properties", "minimum", "pattern", "enum"]), _junk, max_size=4))
def test_repair_leaves_a_valid_schema_and_says_what_it_dropped(junk):
    notes = []
    schema = repair(dict(junk), lambda path, message: notes.append((path, message)))
    Draft202012Validator.check_schema(schema)
    assert bool(notes) or schema == junk


def test_a_default_its_own_property_rejects_is_dropped_with_a_note():
    notes = []
    schema = {"type": ["object"], "properties": {"n": {"type": ["integer"], "minimum": 1, "default": 0},
                                                 "m": {"type": ["integer"], "default": 3}}}
    check_defaults(schema, (), lambda path, message: notes.append("/".join(path)))
    assert "default" not in schema["properties"]["n"] and schema["properties"]["m"]["default"] == 3
    assert notes == ["properties/n/default"]
