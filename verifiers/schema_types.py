"""What a type written anywhere in a tool schema means: type names of other languages and of
Python's ``typing`` (``float``, ``String``, ``Optional[List[int]]``, ``int | None``) as JSON Schema
fragments, and literals (enum members, defaults, bounds) read as the type declared for them."""

from __future__ import annotations

import copy
import json
import math
import re
from typing import Any

JSON_TYPES = ("object", "array", "string", "integer", "number", "boolean", "null")
ANY = "any"  # a type name that constrains nothing

# Type names seen in tool schemas (JSON Schema, Python, Java/C#/TypeScript, SQL, OpenAPI), lower-cased.
TYPE_ALIASES: dict[str, str] = {
    **{name: "object" for name in ("object", "dict", "dictionary", "map", "mapping", "hash", "hashmap", "record",
                                   "struct", "json", "jsonobject", "kwargs", "obj")},
    **{name: "array" for name in ("array", "list", "tuple", "sequence", "iterable", "collection", "arraylist",
                                  "vector", "slice", "jsonarray", "args")},
    **{name: "string" for name in ("string", "str", "text", "char", "character", "unicode", "varchar", "file",
                                   "bytes", "binary", "path", "enum")},
    **{name: "integer" for name in ("integer", "int", "long", "short", "bigint", "smallint", "int8", "int16", "int32",
                                    "int64", "uint", "uint8", "uint16", "uint32", "uint64", "byte")},
    **{name: "number" for name in ("number", "float", "double", "decimal", "real", "numeric", "float32", "float64",
                                   "num")},
    **{name: "boolean" for name in ("boolean", "bool", "bit")},
    **{name: "null" for name in ("null", "none", "nonetype", "nil", "void", "undefined")},
    **{name: ANY for name in ("any", "anything", "mixed", "unknown", "typing.any", "*")},
}
# Type names that also say something about the string or the array.
TYPE_EXTRAS: dict[str, dict[str, Any]] = {
    "set": {"type": ["array"], "uniqueItems": True}, "frozenset": {"type": ["array"], "uniqueItems": True},
    "date": {"type": ["string"], "format": "date"}, "datetime": {"type": ["string"], "format": "date-time"},
    "date-time": {"type": ["string"], "format": "date-time"}, "time": {"type": ["string"], "format": "time"},
    "email": {"type": ["string"], "format": "email"}, "uri": {"type": ["string"], "format": "uri"},
    "url": {"type": ["string"], "format": "uri"}, "uuid": {"type": ["string"], "format": "uuid"},
}
_GENERIC = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*\[(.*)\]\s*$", re.S)


def _split_top(text: str, sep: str) -> list[str]:
    """Split on ``sep`` outside brackets: "Dict[str, int], None" -> ["Dict[str, int]", "None"]."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch in "[("
        depth -= ch in "])"
        if ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def parse_type_name(name: str) -> dict[str, Any] | None:
    """A type written as a name (``"float"``, ``"String"``, ``"Optional[List[int]]"``, ``"int | None"``,
    ``"string[]"``) as a schema fragment; ``{}`` for "any"; None when the name means nothing known."""
    text = name.strip()
    if not text:
        return None
    alternatives = _split_top(text, "|")
    if len(alternatives) == 1 and " or " in text.lower() and "[" not in text:
        alternatives = [p.strip() for p in re.split(r"\s+or\s+", text, flags=re.I)]
    if len(alternatives) > 1:
        return _union([parse_type_name(a) for a in alternatives])
    if text.endswith("[]"):
        inner = parse_type_name(text[:-2])
        return None if inner is None else {"type": ["array"], **({"items": inner} if inner else {})}
    generic = _GENERIC.match(text)
    if generic:
        head, args = generic.group(1).lower().rsplit(".", 1)[-1], _split_top(generic.group(2), ",")
        if head == "optional" and len(args) == 1:
            return _union([parse_type_name(args[0]), {"type": ["null"]}])
        if head == "union":
            return _union([parse_type_name(a) for a in args])
        if head == "literal":
            values = []
            for arg in args:
                try:
                    values.append(json.loads(arg.replace("'", '"')) if arg not in ("None", "True", "False")
                                  else {"None": None, "True": True, "False": False}[arg])
                except ValueError:
                    return None
            return {"enum": values}
        base = parse_type_name(head)
        if base is None:
            return None
        if base.get("type") == ["array"] and args and args[-1] != "...":
            items = [parse_type_name(a) for a in args]
            if head == "tuple" and len(items) > 1:
                return {**base, "prefixItems": [i or {} for i in items]}
            return {**base, "items": items[0] or {}}
        if base.get("type") == ["object"] and len(args) == 2:
            value_schema = parse_type_name(args[1])
            return {**base, **({"additionalProperties": value_schema} if value_schema else {})}
        return base
    lowered = text.lower()
    if lowered in TYPE_EXTRAS:
        return copy.deepcopy(TYPE_EXTRAS[lowered])
    mapped = TYPE_ALIASES.get(lowered) or TYPE_ALIASES.get(lowered.rsplit(".", 1)[-1])
    if mapped is None:
        return None
    return {} if mapped == ANY else {"type": [mapped]}


def _union(parts: list[dict[str, Any] | None]) -> dict[str, Any] | None:
    known = [p for p in parts if p is not None]
    if len(known) < len(parts):
        return None
    if any(not p for p in known):  # one alternative is "any"
        return {}
    if all(set(p) == {"type"} for p in known):  # plain types: one type list
        return {"type": list(dict.fromkeys(t for p in known for t in p["type"]))}
    return {"anyOf": known}


def json_type(value: Any) -> str:
    """The JSON Schema type name of a Python value (an integral float counts as a number)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "array"
    return "object"


def coerce_literal(value: Any, types: list[str]) -> Any:
    """A schema literal (enum member, const, default, bound) read as one of ``types`` when it is
    written as another (rule: ``"5"`` for an integer, ``"true"`` for a boolean, ``1`` for a string);
    the value unchanged when no reading fits."""
    if not types or json_type(value) in types or (json_type(value) == "integer" and "number" in types):
        return value
    if isinstance(value, str):
        text = value.strip()
        if "integer" in types or "number" in types:
            try:
                number = float(text)
            except ValueError:
                number = math.nan
            if math.isfinite(number):
                if "integer" in types and number.is_integer():
                    return int(number)
                if "number" in types:
                    return number
        if "boolean" in types and text.lower() in ("true", "false"):
            return text.lower() == "true"
        if "null" in types and text.lower() in ("null", "none"):
            return None
    if "string" in types and isinstance(value, (int, float)) and not isinstance(value, bool):
        return json.dumps(value)
    if "integer" in types and isinstance(value, float) and value.is_integer():
        return int(value)
    return value
