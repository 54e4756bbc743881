"""A hypothesis strategy for schema-shaped junk: every dialect's type names, Python type
strings, broken references and keywords nested at random, shared by the dialect and repair tests."""

from __future__ import annotations

from hypothesis import strategies as st

schema_junk = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False), st.sampled_from(
        ["string", "int", "dict", "List[str]", "Optional[float]", "nonsense", "#/definitions/X", "(", "", "null"])),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["type", "properties", "items", "enum", "required", "default", "anyOf", "oneOf",
                                         "allOf", "$ref", "nullable", "minimum", "maxLength", "pattern", "const",
                                         "additionalProperties", "definitions", "format", "not", "a", "b"]),
                        inner, max_size=5)),
    max_leaves=25)
