"""Tool schemas as they are found in the wild, turned into strict JSON Schema (draft 2020-12) once.

Real tool lists mix dialects: Python type names (``dict``, ``float``, ``Optional[str]``), OpenAPI
3.0 (``nullable``, boolean ``exclusiveMinimum``), ``default: null`` for ``Optional[X] = None``,
``$ref`` into ``definitions``, enums whose members do not match the declared type, ``required``
naming properties that do not exist. Each rule below is one documented function; what cannot be
read is dropped and recorded as a :class:`SchemaNote`, so a schema is never "invalid" at
verification time and ``pivotrl validate`` can say what was repaired. Results are cached by content.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pivotrl.verifiers.schema_repair import check_defaults, repair
from pivotrl.verifiers.schema_types import coerce_literal, json_type, parse_type_name

# Keywords that only annotate (OpenAPI and vendor extensions): dropped, they change nothing.
_ANNOTATIONS = ("example", "examples", "xml", "externalDocs", "discriminator", "deprecated", "readOnly", "writeOnly",
                "nullable", "x-nullable", "title", "$schema", "$id", "$comment", "definitions", "$defs", "components",
                "optional")
_OBJECT_WORDS = ("properties", "required", "additionalProperties", "patternProperties", "minProperties",
                 "maxProperties", "propertyNames", "dependentRequired")
_ARRAY_WORDS = ("items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains", "additionalItems")
_STRING_WORDS = ("minLength", "maxLength", "pattern")
_NUMBER_WORDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
_INTEGER_WORDS = ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties")
_REF_DEPTH = 8  # a recursive $ref is unrolled this far, then accepts anything


@dataclass(frozen=True)
class SchemaNote:
    """Something in a tool's schema that could not be read as written, and what was done."""

    location: str  # where in the parameters schema ("properties/unit/type"; "" is the top)
    message: str

    def __str__(self) -> str:
        return f"{self.location or '(top level)'}: {self.message}"


@dataclass(frozen=True)
class StrictSchema:
    """A tool's parameters as strict JSON Schema: every node has a ``type`` list (or none when
    anything goes), no ``$ref``, no ``oneOf``, no ``nullable``. Shared between threads: never mutate."""

    schema: dict[str, Any]
    notes: tuple[SchemaNote, ...]


class _Context:
    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root
        self.notes: list[SchemaNote] = []

    def note(self, path: tuple[str, ...], message: str) -> None:
        self.notes.append(SchemaNote("/".join(path), message))


# -- the rules ---------------------------------------------------------------------------------------
def _resolve_ref(ref: str, ctx: _Context) -> Any:
    """Rule: local ``$ref`` (``#/definitions/X``, ``#/$defs/X``, ``#/components/schemas/X``) is inlined;
    a remote one is never fetched."""
    if not ref.startswith("#"):
        return None
    node: Any = ctx.root
    for part in ref[1:].lstrip("/").split("/") if ref != "#" else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def _types_of(schema: Mapping[str, Any], path: tuple[str, ...], ctx: _Context) -> tuple[list[str] | None, dict]:
    """Rule: ``type`` may be a JSON type, a list of them, or a name from another language; unknown
    names are dropped (noted). Returns the type list (None: unconstrained) and extra keywords."""
    declared = schema.get("type")
    if declared is None:
        return None, {}
    names = declared if isinstance(declared, list) else [declared]
    types: list[str] = []
    extras: dict[str, Any] = {}
    for name in names:
        if not isinstance(name, str):
            ctx.note((*path, "type"), f"type {name!r} is not a type name; ignored")
            continue
        fragment = parse_type_name(name)
        if fragment is None:
            ctx.note((*path, "type"), f"unknown type {name!r}; ignored (any value is accepted there)")
            continue
        if not fragment:
            return None, {}
        if "type" not in fragment and "enum" in fragment:
            extras.setdefault("enum", fragment["enum"])
            continue
        if "anyOf" in fragment:
            extras.setdefault("anyOf", fragment["anyOf"])
            continue
        types.extend(t for t in fragment["type"] if t not in types)
        extras.update({k: v for k, v in fragment.items() if k != "type" and k not in schema})
    if not types and "anyOf" not in extras and "enum" not in extras:
        return None, extras
    return types or None, extras


def _infer_types(schema: Mapping[str, Any]) -> list[str] | None:
    """Rule: a missing ``type`` is read from the keywords present (``properties`` -> object,
    ``items`` -> array, ``pattern`` -> string, ``minimum`` -> number, enum/const members' types)."""
    if any(k in schema for k in _OBJECT_WORDS if k != "required") or isinstance(schema.get("required"), (list, str)):
        return ["object"]
    if any(k in schema for k in _ARRAY_WORDS):
        return ["array"]
    enum = schema.get("enum")
    members = enum if isinstance(enum, list) else [enum] if isinstance(enum, (str, int, float, bool)) else (
        [schema["const"]] if "const" in schema else None)
    if members:
        return list(dict.fromkeys(json_type(m) for m in members))
    if any(k in schema for k in _STRING_WORDS):
        return ["string"]
    if any(k in schema for k in _NUMBER_WORDS):
        return ["number"]
    return None


def _enum(schema: Mapping[str, Any], types: list[str] | None, path: tuple[str, ...], ctx: _Context,
          out: dict[str, Any]) -> list[str] | None:
    """Rule: enum members are read as the declared type (integer enums given as strings); members
    that still do not fit widen the type (an enum is the more specific statement); a bare value
    becomes a one-member enum; an empty enum (nothing allowed) is dropped."""
    enum = schema.get("enum")
    if enum is None:
        return types
    if isinstance(enum, (str, int, float, bool)):
        enum = [enum]
    if not isinstance(enum, list) or not enum:
        ctx.note((*path, "enum"), f"enum {enum!r} is not a non-empty list; ignored")
        return types
    members, seen = [], set()
    for member in (coerce_literal(m, types or []) for m in enum):
        key = json.dumps(member, sort_keys=True, default=str)
        if key not in seen:
            seen.add(key)
            members.append(member)
    if types:
        extra = [json_type(m) for m in members if json_type(m) not in types
                 and not (json_type(m) == "integer" and "number" in types)]
        types = types + [t for t in dict.fromkeys(extra) if t not in types]
    out["enum"] = members
    return types


def _properties(schema: Mapping[str, Any], path: tuple[str, ...], ctx: _Context, depth: int) -> dict[str, Any]:
    """Rule: ``properties`` may be a list of ``{"name": ..., ...}`` entries or map names to a bare type
    name; a property's own ``required: true`` (draft 3, hand-written) joins the parent's list."""
    raw = schema.get("properties")
    if isinstance(raw, list):
        raw = {p["name"]: {k: v for k, v in p.items() if k != "name"}
               for p in raw if isinstance(p, Mapping) and isinstance(p.get("name"), str)}
    if not isinstance(raw, Mapping):
        if raw is not None:
            ctx.note((*path, "properties"), "properties is not an object; ignored")
        return {}
    return {str(name): _node(sub, (*path, "properties", str(name)), ctx, depth + 1) for name, sub in raw.items()}


def _required(schema: Mapping[str, Any], properties: dict[str, Any], closed: bool, path: tuple[str, ...],
              ctx: _Context) -> list[str]:
    """Rule: ``required`` names that the schema does not declare are dropped when no undeclared
    argument is allowed (the schema cannot require what it forbids), or declared (any value) when
    the schema declares no property at all; a string is a one-name list; a property that says
    ``"optional": true`` is not required."""
    raw = schema.get("required")
    names: list[str] = []
    if isinstance(raw, str):
        raw = [raw]
    if isinstance(raw, list):
        names = [n for n in raw if isinstance(n, str)]
    elif raw not in (None, True, False):
        ctx.note((*path, "required"), f"required {raw!r} is not a list of names; ignored")
    raw_properties = schema.get("properties")
    optional: set[str] = set()
    if isinstance(raw_properties, Mapping):
        for name, sub in raw_properties.items():
            if isinstance(sub, Mapping) and sub.get("required") is True:
                names.append(str(name))
            if isinstance(sub, Mapping) and sub.get("optional") is True:
                optional.add(str(name))
    names = [n for n in names if n not in optional]
    unknown = [n for n in names if n not in properties]
    if unknown and closed and properties:
        ctx.note((*path, "required"), f"requires undeclared {', '.join(map(repr, unknown))}; not required")
        names = [n for n in names if n in properties]
    elif unknown and closed:  # no property declared at all: the required names are the declaration
        properties.update({n: {} for n in unknown})
    return list(dict.fromkeys(names))


def _exclusive_bounds(schema: Mapping[str, Any], out: dict[str, Any]) -> None:
    """Rule: draft-4 / OpenAPI 3.0 boolean ``exclusiveMinimum: true`` means the ``minimum`` is exclusive."""
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        flag = schema.get(exclusive)
        if isinstance(flag, bool):
            out.pop(exclusive, None)
            if flag and isinstance(out.get(bound), (int, float)):
                out[exclusive] = out.pop(bound)


def _numeric_keywords(out: dict[str, Any], path: tuple[str, ...], ctx: _Context) -> None:
    """Rule: numeric keywords written as strings (``"minimum": "0"``) are read as numbers."""
    for key in (*_NUMBER_WORDS, *_INTEGER_WORDS):
        if key not in out or isinstance(out[key], bool):
            continue
        value = coerce_literal(out[key], ["integer"] if key in _INTEGER_WORDS else ["number"])
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            out[key] = value
        else:
            ctx.note((*path, key), f"{key} {out[key]!r} is not a number; ignored")
            del out[key]


def _node(schema: Any, path: tuple[str, ...], ctx: _Context, depth: int, ref_depth: int = 0) -> dict[str, Any]:
    if depth > 64:
        return {}
    if schema is True or schema is None:
        return {}
    if schema is False:
        return {"not": {}}
    if isinstance(schema, str):  # "properties": {"city": "string"}
        fragment = parse_type_name(schema)
        if fragment is None:
            ctx.note(path, f"schema {schema!r} is neither a schema nor a type name; ignored")
        return _node(fragment or {}, path, ctx, depth, ref_depth)
    if not isinstance(schema, Mapping):
        ctx.note(path, f"schema of type {type(schema).__name__} ignored")
        return {}
    if isinstance(schema.get("$ref"), str):
        target = _resolve_ref(schema["$ref"], ctx) if ref_depth < _REF_DEPTH else {}
        if target is None:
            ctx.note((*path, "$ref"), f"cannot resolve {schema['$ref']!r} locally; accepts any value there")
            target = {}
        siblings = {k: v for k, v in schema.items() if k != "$ref"}
        merged = {**target, **siblings} if isinstance(target, Mapping) else siblings
        return _node(merged, path, ctx, depth, ref_depth + 1)
    schema = _merge_all_of(schema, path, ctx, depth, ref_depth)
    types, extras = _types_of(schema, path, ctx)
    schema = {**extras, **schema}  # what a type name implies ("set": uniqueItems), unless written
    out: dict[str, Any] = {k: copy.deepcopy(v) for k, v in schema.items()
                           if k not in _ANNOTATIONS and not k.startswith("x-")
                           and k not in ("type", "enum", "anyOf", "oneOf", "allOf", "properties", "required",
                                         "items", "prefixItems", "additionalItems", "additionalProperties",
                                         "patternProperties", "default", "const", "not")}
    if types is None:
        types = _infer_types(schema)
    nullable = schema.get("nullable") is True or schema.get("x-nullable") is True  # rule: OpenAPI nullable
    options = _options(schema, path, ctx, depth, ref_depth)
    if options is not None:
        real = [o for o in options if o.get("type") != ["null"]]
        nullable = nullable or len(real) < len(options)
        if len(real) == 1 and not (types and real[0].get("type") and not set(real[0]["type"]) & set(types)):
            # rule: anyOf/oneOf of one schema and null is that schema, nullable
            for key, value in real[0].items():
                if key == "type" and types:
                    types = [t for t in types if t in value] or types
                elif key == "type":
                    types = list(value)
                else:
                    out.setdefault(key, value)
        elif real:
            out["anyOf"] = real
    types = _enum(schema, types, path, ctx, out)
    if "const" in schema:
        out["const"] = coerce_literal(schema["const"], types or [])
    if "not" in schema:
        out["not"] = _node(schema["not"], (*path, "not"), ctx, depth + 1, ref_depth)
    has_default = "default" in schema
    default = schema.get("default")
    if has_default and default is None:
        nullable = True  # rule: ``default: null`` (Optional[X] = None) allows null, and null means omitted
    if nullable:
        if types and "null" not in types:
            types = [*types, "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    if types is not None:
        out["type"] = types
    object_like = types is None or "object" in types
    if object_like and any(k in schema for k in ("properties", "required", "additionalProperties", "patternProperties")):
        properties = _properties(schema, path, ctx, depth)
        if properties or "properties" in schema:
            out["properties"] = properties
        additional = schema.get("additionalProperties")
        if additional is not None and not isinstance(additional, (Mapping, str, bool)):
            ctx.note((*path, "additionalProperties"), f"additionalProperties {additional!r:.40} is not a schema; ignored")
            additional = None  # read as absent, so the top level is closed as any other
        if isinstance(additional, (Mapping, str)):
            out["additionalProperties"] = _node(additional, (*path, "additionalProperties"), ctx, depth + 1, ref_depth)
        elif isinstance(additional, bool):
            out["additionalProperties"] = additional
        if isinstance(schema.get("patternProperties"), Mapping):
            out["patternProperties"] = {p: _node(s, (*path, "patternProperties", p), ctx, depth + 1, ref_depth)
                                        for p, s in schema["patternProperties"].items()}
        closed = additional is False or (depth == 0 and additional is None and "patternProperties" not in schema)
        required = _required(schema, properties, closed, path, ctx)
        if required:
            out["required"] = required
        if properties:
            out["properties"] = properties
    _items(schema, out, path, ctx, depth, ref_depth)
    _exclusive_bounds(schema, out)
    _numeric_keywords(out, path, ctx)
    if isinstance(out.get("uniqueItems"), str):
        out["uniqueItems"] = out["uniqueItems"].strip().lower() == "true"
    if has_default and default is not None:
        _default(default, out)
    elif has_default:
        out["default"] = None
    return out


def _merge_all_of(schema: Mapping[str, Any], path: tuple[str, ...], ctx: _Context, depth: int,
                  ref_depth: int) -> Mapping[str, Any]:
    """Rule: ``allOf`` of plain schemas (pydantic's ``allOf: [{$ref}]`` with a description beside it)
    is merged into one schema; properties and required lists are joined."""
    parts = schema.get("allOf")
    if not isinstance(parts, list):
        return schema
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    for i, part in enumerate(parts):
        if isinstance(part, Mapping) and isinstance(part.get("$ref"), str):
            target = _resolve_ref(part["$ref"], ctx) if ref_depth < _REF_DEPTH else {}
            part = {**(target if isinstance(target, Mapping) else {}), **{k: v for k, v in part.items() if k != "$ref"}}
        if not isinstance(part, Mapping):
            ctx.note((*path, "allOf", str(i)), "not a schema; ignored")
            continue
        for key, value in part.items():
            if key == "properties" and isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
                merged[key] = {**value, **merged[key]}
            elif key == "required" and isinstance(value, list) and isinstance(merged.get(key), list):
                merged[key] = [*merged[key], *value]
            else:
                merged.setdefault(key, value)
    return merged


def _options(schema: Mapping[str, Any], path: tuple[str, ...], ctx: _Context, depth: int,
             ref_depth: int) -> list[dict[str, Any]] | None:
    """Rule: ``oneOf`` is read as ``anyOf`` (exclusivity is rarely meant and breaks when branches
    overlap, as integer and number do for ``5``)."""
    branches: list[dict[str, Any]] = []
    found = False
    for key in ("anyOf", "oneOf"):
        value = schema.get(key)
        if isinstance(value, list) and value:
            found = True
            branches += [_node(b, (*path, key, str(i)), ctx, depth + 1, ref_depth) for i, b in enumerate(value)]
        elif value is not None:
            ctx.note((*path, key), f"{key} is not a non-empty list; ignored")
    if "anyOf" in schema and "oneOf" in schema:
        ctx.note(path, "both anyOf and oneOf: read as one anyOf")
    if not found:
        return None
    if any(not b for b in branches):  # one branch accepts anything
        return [{}]
    return branches


def _items(schema: Mapping[str, Any], out: dict[str, Any], path: tuple[str, ...], ctx: _Context, depth: int,
           ref_depth: int) -> None:
    """Rule: ``items`` absent means any items; a list of schemas (draft-4 tuples) is ``prefixItems``
    and ``additionalItems`` then constrains the rest."""
    items = schema.get("items")
    if isinstance(items, list):
        out["prefixItems"] = [_node(s, (*path, "items", str(i)), ctx, depth + 1, ref_depth) for i, s in enumerate(items)]
        additional = schema.get("additionalItems")
        if additional is False or isinstance(additional, Mapping):
            out["items"] = additional if additional is False else _node(additional, (*path, "additionalItems"), ctx,
                                                                        depth + 1, ref_depth)
    elif items is not None and items is not True:
        out["items"] = _node(items, (*path, "items"), ctx, depth + 1, ref_depth)
    if isinstance(schema.get("prefixItems"), list):
        out["prefixItems"] = [_node(s, (*path, "prefixItems", str(i)), ctx, depth + 1, ref_depth)
                              for i, s in enumerate(schema["prefixItems"])]


def _default(default: Any, out: dict[str, Any]) -> None:
    """Rule: a default is read as the declared type (``"5"`` for an integer); whether it fits its own
    property schema is judged once the whole schema is valid (``_check_defaults``)."""
    out["default"] = coerce_literal(default, out.get("type") or [])


def _top_level(parameters: Any, ctx: _Context) -> dict[str, Any]:
    """Rule: parameters given as a JSON string are parsed; an OpenAPI operation's parameter list
    (``[{"name", "schema", "required"}]``) is an object schema; the top level is always an object."""
    if isinstance(parameters, str):
        try:
            parameters = json.loads(parameters)
        except ValueError:
            ctx.note((), "parameters are a string that is not JSON; any arguments are accepted")
            return {}
    if isinstance(parameters, list):
        properties, required = {}, []
        for entry in parameters:
            if isinstance(entry, Mapping) and isinstance(entry.get("name"), str):
                body = entry.get("schema")
                body = body if isinstance(body, Mapping) else {
                    k: v for k, v in entry.items() if k not in ("name", "in", "required")}
                properties[entry["name"]] = {**body, **({"description": entry["description"]}
                                                         if "description" in entry else {})}
                if entry.get("required") is True:
                    required.append(entry["name"])
        return {"type": "object", "properties": properties, "required": required}
    if parameters is None:
        return {}
    if not isinstance(parameters, Mapping):
        ctx.note((), f"parameters of type {type(parameters).__name__} ignored; any arguments are accepted")
        return {}
    return dict(parameters)


@lru_cache(maxsize=4096)
def _strict_from_json(parameters_json: str) -> StrictSchema:
    parameters = json.loads(parameters_json)
    ctx = _Context({})
    parameters = _top_level(parameters, ctx)
    readable = not ctx.notes
    ctx.root = parameters
    schema = _node(parameters, (), ctx, 0)
    if "object" not in (schema.get("type") or ["object"]):
        ctx.note(("type",), f"the top level declares {schema['type']!r}; arguments are an object")
    schema["type"] = ["object"]
    for keyword in ("anyOf", "default", "enum", "const"):  # about the arguments object as a whole: no tool means these
        schema.pop(keyword, None)
    if "additionalProperties" not in schema and "patternProperties" not in schema:
        # an argument the tool does not declare is a mistake, unless the declaration cannot be read
        schema["additionalProperties"] = not readable
    schema = repair(schema, ctx.note)
    check_defaults(schema, (), ctx.note)
    return StrictSchema(schema, tuple(ctx.notes))


def strict_schema(parameters: Any) -> StrictSchema:
    """The tool's ``parameters`` in strict JSON Schema, with notes on what was repaired (cached by
    content). Arguments the schema does not declare are rejected unless it allows them explicitly."""
    try:
        key = json.dumps(parameters, sort_keys=True, default=str)
    except (TypeError, ValueError, RecursionError):
        return StrictSchema({"type": ["object"]}, (SchemaNote("", "parameters cannot be read as JSON; any "
                                                                  "arguments are accepted"),))
    return _strict_from_json(key)
