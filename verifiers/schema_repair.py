"""Making a normalised schema valid JSON Schema: a quick structural check first (the meta-schema
check costs about 10 ms a schema), then whatever the meta-schema still rejects is dropped, keyword by
keyword; and defaults that their own property schema rejects are dropped once the schema is valid.
Every drop is reported through ``note(path, message)``."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from pivotrl.verifiers.schema_types import JSON_TYPES

Note = Callable[[tuple[str, ...], str], None]
_NUMBER_WORDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
_MAX_REPAIRS = 200

_COUNTS = ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties")
_SUBSCHEMA = ("items", "not", "additionalProperties")
_SUBSCHEMAS = ("anyOf", "prefixItems")
_PLAIN_VALUES: dict[str, Any] = {
    "description": str, "format": str, "type": list, "enum": list, "required": list, "uniqueItems": bool,
    "default": object, "const": object, **{k: (int, float) for k in _NUMBER_WORDS},
}


def plainly_valid(node: Any, depth: int = 0) -> bool:
    """A quick structural check of what ``schema_dialects`` produces; anything unusual is left to the
    meta-schema. Never says "valid" for an invalid schema."""
    if isinstance(node, bool):
        return True
    if not isinstance(node, dict) or depth > 64:
        return False
    for key, value in node.items():
        if key in _COUNTS:
            ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        elif key in _SUBSCHEMA:
            ok = plainly_valid(value, depth + 1)
        elif key in _SUBSCHEMAS:
            ok = isinstance(value, list) and bool(value) and all(plainly_valid(v, depth + 1) for v in value)
        elif key in ("properties", "patternProperties"):
            ok = isinstance(value, dict) and all(plainly_valid(v, depth + 1) for v in value.values())
        elif key == "pattern":
            ok = isinstance(value, str) and _compiles(value)
        elif key in _PLAIN_VALUES:
            ok = isinstance(value, _PLAIN_VALUES[key]) and not (key in _NUMBER_WORDS and isinstance(value, bool))
            ok = ok and (key != "type" or (bool(value) and all(t in JSON_TYPES for t in value)
                                           and len(set(value)) == len(value)))
            ok = ok and (key != "required" or (all(isinstance(n, str) for n in value)
                                               and len(set(value)) == len(value)))
            ok = ok and (key != "multipleOf" or value > 0)
        else:
            ok = False
        if not ok:
            return False
    return True


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except (re.error, RecursionError, OverflowError):
        return False
    return True


def repair(schema: dict[str, Any], note: Note) -> dict[str, Any]:
    """Rule: whatever the meta-schema still rejects is dropped, one keyword at a time (noted)."""
    if plainly_valid(schema):
        return schema
    for _ in range(_MAX_REPAIRS):
        try:
            Draft202012Validator.check_schema(schema)
            return schema
        except SchemaError as error:
            where = list(error.absolute_path)
            if not where:
                note((), f"schema unusable ({error.message}); any arguments are accepted")
                return {"type": ["object"]}
            parent: Any = schema
            for part in where[:-1]:
                parent = parent[part]
            if isinstance(parent, list):
                parent.pop(where[-1])
            else:
                del parent[where[-1]]
            note(tuple(str(p) for p in where), f"{error.message}; ignored")
    return {"type": ["object"]}


def check_defaults(node: Any, path: tuple[str, ...], note: Note) -> None:
    """Rule: a default that its own property schema rejects is dropped (an omitted argument is then
    compared as omitted, not as a value the tool could never take)."""
    if not isinstance(node, dict):
        return
    if node.get("default") is not None:
        rest = {k: v for k, v in node.items() if k != "default"}
        if not Draft202012Validator(rest).is_valid(node["default"]):
            note((*path, "default"), f"default {node.pop('default')!r} does not fit its own schema; ignored")
    for key in ("properties", "patternProperties"):
        for name, sub in (node.get(key) or {}).items():
            check_defaults(sub, (*path, key, name), note)
    for key in ("items", "additionalProperties", "not"):
        check_defaults(node.get(key), (*path, key), note)
    for key in ("anyOf", "prefixItems"):
        for i, sub in enumerate(node.get(key) or []):
            check_defaults(sub, (*path, key, str(i)), note)
