"""Why two tool calls differ, or what made them equal, in words a run can count: a failure kind per
rejection (``value_differs:free_text``, ``schema:enum``, ``argument_missing``) and the
normalisations an acceptance relied on (``case/spacing``, ``omitted = default``). The agreement
benchmark groups false rejects and false accepts by them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pivotrl.verifiers.schema_types import json_type
from pivotrl.verifiers.string_kinds import string_kind


def _kind_of_type(value: Any) -> str:
    kind = json_type(value)
    return "number" if kind == "integer" else kind


def value_kind(value: Any, schema: Any, name: str | None) -> str:
    """``free_text`` / ``enum`` / ``format`` / ``identifier`` for strings, else the JSON type."""
    if isinstance(value, str):
        return string_kind(value, schema if isinstance(schema, Mapping) else None, name)
    return _kind_of_type(value)


def difference_kind(name: str, reference: Mapping[str, Any], candidate: Mapping[str, Any], schema: Any) -> str:
    """The failure kind of the first argument on which two canonical calls differ."""
    if name not in candidate:
        return "argument_missing"
    if name not in reference:
        return "argument_extra"
    ref, cand = reference[name], candidate[name]
    if _kind_of_type(ref) != _kind_of_type(cand):
        return "value_differs:type"
    return "value_differs:" + value_kind(ref, schema, name)


def normalisations(reference: Mapping[str, Any], candidate: Mapping[str, Any]) -> list[str]:
    """How two calls that canonicalise equal differ as written (their raw arguments)."""
    tags: set[str] = set()
    for key in set(reference) | set(candidate):
        if key not in reference or key not in candidate:
            given = reference.get(key, candidate.get(key))
            tags.add("null = omitted" if given is None else "omitted = default")
            continue
        a, b = reference[key], candidate[key]
        if type(a) is type(b) and a == b:
            continue
        if isinstance(a, str) and isinstance(b, str):
            same_words = " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
            tags.add("case/spacing" if same_words else "string form")
        elif _kind_of_type(a) != _kind_of_type(b):
            tags.add("type coerced")
        elif isinstance(a, (int, float)):
            tags.add("number form")
        elif isinstance(a, list):
            tags.add("array order or items")
        else:
            tags.add("nested object")
    return sorted(tags)
