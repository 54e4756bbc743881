"""Type parameter values that XML-style formats carry as text, through the tool's JSON schema.

Qwen3.5/3.6, Nemotron 3, GLM-4.5 and the ``<invoke>``/``<parameter>`` formats render a string
argument as raw text, so ``"75001"`` and ``75001`` look the same; only the schema tells them
apart. As vLLM's qwen3_coder parser does: declared types decide (integer, number, boolean,
object/array as JSON or a Python literal, null where allowed); a declared string stays text;
an undeclared parameter is read as JSON when it is a number, boolean, null, object or array
(what templates write for those) and as text otherwise.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Mapping
from typing import Any

ToolSpecs = Mapping[str, Mapping[str, Any]]
"""``{tool name: function spec}`` (the spec's ``parameters`` hold the JSON schema)."""

_TYPE_NAMES = {
    "integer": "integer", "int": "integer", "long": "integer", "short": "integer", "uint": "integer",
    "int32": "integer", "int64": "integer",
    "number": "number", "float": "number", "double": "number", "decimal": "number",
    "boolean": "boolean", "bool": "boolean",
    "object": "object", "dict": "object", "map": "object",
    "array": "array", "list": "array", "tuple": "array", "set": "array",
    "string": "string", "str": "string", "text": "string", "enum": "string", "char": "string",
    "varchar": "string",
    "null": "null", "none": "null", "nonetype": "null",
}
_INTEGER = re.compile(r"[+-]?\d+")
_LITERAL_LIMIT = 100_000
_MAX_DIGITS = 4000  # Python refuses int() of longer digit strings (sys.int_info.default_max_str_digits)  # ast.literal_eval on more than this is not worth the risk


def tool_specs(tools: Any) -> dict[str, dict[str, Any]]:
    """``{name: spec}`` from OpenAI tool schemas (nested ``function`` or flat), or a mapping
    that is already keyed by name."""
    if not tools:
        return {}
    if isinstance(tools, Mapping):
        return {str(k): dict(v) for k, v in tools.items() if isinstance(v, Mapping)}
    index: dict[str, dict[str, Any]] = {}
    for tool in tools:
        spec = tool.get("function", tool) if isinstance(tool, Mapping) else None
        if isinstance(spec, Mapping) and isinstance(spec.get("name"), str):
            index[spec["name"]] = dict(spec)
    return index


def parameter_schemas(tools: ToolSpecs, name: str) -> dict[str, Any] | None:
    """The ``properties`` of a tool's parameters, or None when the tool or its schema is unknown."""
    spec = tools.get(name)
    if not isinstance(spec, Mapping):
        return None
    parameters = spec.get("parameters")
    if not isinstance(parameters, Mapping):
        return None
    properties = parameters.get("properties")
    return dict(properties) if isinstance(properties, Mapping) else None


def declared_types(schema: Any) -> list[str]:
    """Normalised type names a property schema allows, in the order declared (``[]``: untyped)."""
    if not isinstance(schema, Mapping):
        return []
    found: list[str] = []

    def add(raw: Any) -> None:
        names = raw if isinstance(raw, list) else [raw]
        for item in names:
            name = _TYPE_NAMES.get(str(item).strip().lower()) if item is not None else "null"
            if name and name not in found:
                found.append(name)

    if "type" in schema:
        add(schema["type"])
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key) or []:
            for name in declared_types(option):
                if name not in found:
                    found.append(name)
    if not found and isinstance(schema.get("enum"), list):
        for item in schema["enum"]:
            add({bool: "boolean", int: "integer", float: "number", str: "string",
                 type(None): "null"}.get(type(item), "string"))
    nullable = schema.get("nullable") is True or ("default" in schema and schema["default"] is None)
    if nullable and found and "null" not in found:
        found.append("null")
    return found


def _as_container(text: str, kind: type) -> Any:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        value = None
        if len(text) <= _LITERAL_LIMIT:
            try:  # a Python repr, as ``| string`` renders lists in some templates
                value = ast.literal_eval(text)
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError, OverflowError):
                value = None
    if isinstance(value, tuple):
        value = list(value)
    return value if isinstance(value, kind) else None


def _convert(text: str, kind: str) -> tuple[bool, Any]:
    stripped = text.strip()
    lowered = stripped.lower()
    if kind == "null":
        return (lowered in ("null", "none"), None)
    if kind == "boolean":
        if lowered in ("true", "false"):
            return True, lowered == "true"
        return False, None
    if kind in ("integer", "number"):
        if _INTEGER.fullmatch(stripped) and len(stripped) <= _MAX_DIGITS:
            return True, int(stripped)
        try:
            number = float(stripped)
        except ValueError:
            return False, None
        if kind == "number":
            return True, number
        if number.is_integer() and abs(number) < 2**63:
            return True, int(number)
        return False, None
    if kind in ("object", "array"):
        value = _as_container(stripped, dict if kind == "object" else list)
        return (value is not None, value)
    return False, None


def typed_value(text: str, schema: Any) -> Any:
    """The value ``text`` stands for under a property's schema (see the module docstring)."""
    kinds = declared_types(schema)
    if not kinds:
        stripped = text.strip()
        if stripped[:1] in "{[-0123456789tfnTFN" and stripped:
            try:
                value = json.loads(stripped)
            except (ValueError, RecursionError):
                value = text
            if not isinstance(value, str):
                return value
            if stripped in ("True", "False", "None"):
                return {"True": True, "False": False, "None": None}[stripped]
        return text
    for kind in kinds:
        if kind == "string":
            continue
        ok, value = _convert(text, kind)
        if ok:
            return value
    return text  # a string, or a value the schema check will reject with its reason


def typed_arguments(raw: Mapping[str, str], tool: str, tools: ToolSpecs) -> dict[str, Any]:
    """Every text value of one call typed through ``tool``'s parameter schemas."""
    properties = parameter_schemas(tools, tool) or {}
    return {key: typed_value(value, properties.get(key)) for key, value in raw.items()}
