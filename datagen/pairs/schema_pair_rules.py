"""Tools of many shapes, written in the schema dialects found in the wild, with references, acceptable
variants and near misses, for the ``schema`` labeled set (``make_schema_pairs.py``).

Every tool is first drawn as a *meaning*: typed parameters of a semantic kind (free text, an
identifier, an enum member, a number, a date, a list, a nested record), required or optional, with
or without a default. The meaning is then *written* in a randomly drawn dialect per property
(JSON Schema, Python or Java type names, ``typing`` expressions, OpenAPI ``nullable``, ``default:
null``, ``anyOf`` with null, a missing type, ``$ref`` into ``definitions``, enums written as
strings, property-level ``required``/``optional``, defaults stated in prose, ...). Labels come from
the meaning alone, by one executor model: an executor generated from the meaning, with lax
(pydantic-style) coercion, which treats an omitted optional argument, null and its default alike,
reads ``5``, ``5.0`` and ``"5"`` as the same number, compares free text without regard to case or
spacing (as function-calling benchmarks do) and everything else exactly (enum members, identifiers,
dates, ordered lists). Some pivots' schemas are written wrong on purpose (a reference value missing
from the enum, a wrong type, an argument the schema forgets): the reference is right there.
"""

from __future__ import annotations

import copy
import json
import random
from dataclasses import dataclass, field
from typing import Any

NO_DEFAULT = object()

FREE_TEXT = {
    "city": ["New York, NY", "San Francisco", "Austin, TX", "Paris", "Tokyo", "Cape Town", "Buenos Aires",
             "Lake Tahoe", "Salt Lake City", "Rio de Janeiro", "Oslo", "Mexico City", "Kuala Lumpur"],
    "topic": ["machine learning basics", "Renaissance art", "climate policy", "Quarterly Budget Review",
              "the French Revolution", "Chemistry", "deep sea creatures", "Roman architecture", "jazz history"],
    "person": ["Maria Garcia", "John Smith", "Aiko Tanaka", "Olu Adeyemi", "Priya Patel", "Lars Nilsson"],
    "item": ["wireless headphones", "Standing Desk", "running shoes", "coffee grinder", "Electric Kettle",
             "yoga mat", "Route 66 travel guide"],
    "message": ["Running late, start without me", "Please call me back tomorrow", "Meeting moved to Friday",
                "Thanks for the update!", "Can you send the slides?"],
    "cuisine": ["Thai food", "Italian", "vegan ramen", "Mexican street tacos", "Sushi"],
}
FREE_NAMES = {"city": ["city", "location", "destination", "place"], "topic": ["topic", "query", "subject", "title"],
              "person": ["name", "contact", "recipient", "attendee"], "item": ["product", "item", "keyword"],
              "message": ["message", "note", "body", "comment"], "cuisine": ["cuisine", "dish", "food"]}


def _order_id(rng: random.Random) -> str:
    return f"{rng.choice(['ORD', 'INV', 'TKT', 'Res'])}-{rng.randrange(10000, 99999)}"


def _user_id(rng: random.Random) -> str:
    return f"{rng.choice(['u', 'usr', 'Cust'])}_{rng.randrange(100, 9999)}{rng.choice('ABCxyz')}"


def _path(rng: random.Random) -> str:
    return "/" + "/".join([rng.choice(["home", "srv", "data"]), rng.choice(["ana", "Build", "reports"]),
                           rng.choice(["Q3", "Archive", "logs"]), rng.choice(["Summary.csv", "notes.txt", "App.log"])])


def _file(rng: random.Random) -> str:
    return f"{rng.choice(['Budget', 'invoice', 'Report', 'photo'])}_{rng.randrange(2019, 2026)}.{rng.choice(['xlsx', 'pdf', 'PNG', 'md'])}"


def _url(rng: random.Random) -> str:
    return (f"https://{rng.choice(['docs', 'shop', 'api'])}.example.{rng.choice(['com', 'org'])}/"
            f"{rng.choice(['Guides', 'items', 'v2'])}/{rng.choice(['Setup', 'A7x9', 'reset-Password'])}")


def _code(rng: random.Random) -> str:
    letters = "ABCDEFGHJKMNPQRSTUVWXYZ"
    return "".join(rng.choice(letters) for _ in range(2)) + str(rng.randrange(10, 99)) + rng.choice(letters) + rng.choice("xyzq")


def _slug(rng: random.Random) -> str:
    """An exact name with nothing in its shape that says so (no digit, no separator but '-')."""
    words = ["reset", "password", "summer", "sale", "getting", "started", "release", "notes", "Pricing", "FAQ"]
    return "-".join(rng.sample(words, rng.randrange(2, 4)))


IDENTIFIERS = {"order": (_order_id, ["order_id", "reference", "ticket", "booking_ref"]),
               "slug": (_slug, ["page", "section", "template", "collection"]),
               "user": (_user_id, ["user_id", "customer", "account", "owner"]),
               "path": (_path, ["file_path", "path", "source", "target"]),
               "file": (_file, ["filename", "attachment", "document", "file"]),
               "url": (_url, ["url", "link", "page", "endpoint"]),
               "code": (_code, ["promo_code", "voucher", "code", "coupon"])}
ENUMS = [["economy", "premium", "business", "first"], ["celsius", "fahrenheit", "kelvin"], ["asc", "desc"],
         ["Low", "Medium", "High"], ["USD", "EUR", "JPY", "GBP"], ["draft", "published", "archived"],
         ["walking", "driving", "transit", "cycling"]]
ENUM_NAMES = ["mode", "unit", "order", "priority", "currency", "status", "travel_mode", "level", "cabin"]
INT_NAMES = ["limit", "count", "passengers", "days", "page", "quantity", "year", "guests", "top_k"]
NUMBER_NAMES = ["amount", "price", "radius", "weight", "temperature", "rate", "budget", "distance"]
BOOL_NAMES = ["include_details", "refundable", "notify", "verbose", "exact_match", "dry_run"]
DATE_NAMES = ["date", "start_date", "due_date", "check_in"]
EXTRA_NAMES = ["debug", "session_token", "trace", "extra_info", "force"]
TOOL_VERBS = ["search", "get", "create", "update", "book", "find", "list", "send", "calculate", "schedule"]
TOOL_NOUNS = ["flights", "weather", "orders", "events", "restaurants", "invoice", "message", "report", "route",
              "tickets", "files", "products"]


@dataclass
class Param:
    """One parameter as meant (not as written)."""

    name: str
    kind: str  # free | ident | enum | int | number | bool | date | list_free | list_ident | set_enum | list_int | record
    required: bool
    default: Any = NO_DEFAULT
    enum: list[Any] | None = None
    sub: str = ""  # pool of free text / identifier
    children: list[Param] = field(default_factory=list)
    minimum: int | None = None

    def draw(self, rng: random.Random) -> Any:
        """A value of this meaning."""
        if self.kind == "free":
            return rng.choice(FREE_TEXT[self.sub])
        if self.kind == "ident":
            return IDENTIFIERS[self.sub][0](rng)
        if self.kind == "enum":
            return rng.choice(self.enum or [])
        if self.kind == "int":
            return rng.randrange(self.minimum or 1, 60)
        if self.kind == "number":
            return rng.choice([round(rng.uniform(0.5, 500), 2), float(rng.randrange(1, 90))])
        if self.kind == "bool":
            return rng.random() < 0.5
        if self.kind == "date":
            return f"2025-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        if self.kind == "list_free":
            return rng.sample(FREE_TEXT[self.sub], rng.randrange(2, 4))
        if self.kind == "list_ident":
            return [IDENTIFIERS[self.sub][0](rng) for _ in range(rng.randrange(2, 4))]
        if self.kind == "set_enum":
            return rng.sample(self.enum or [], min(len(self.enum or []), rng.randrange(2, 4)))
        if self.kind == "list_int":
            return rng.sample(range(1, 40), rng.randrange(2, 5))
        if self.kind == "record":
            return {c.name: c.draw(rng) for c in self.children if c.required or rng.random() < 0.5}
        raise ValueError(self.kind)


@dataclass
class Tool:
    name: str
    params: list[Param]
    breaks: dict[str, str] = field(default_factory=dict)  # param name -> how the written schema is wrong


def _param(rng: random.Random, taken: set[str], depth: int = 0) -> Param:
    kinds = ["free", "free", "ident", "ident", "enum", "int", "number", "bool", "date", "list_free", "list_ident",
             "set_enum", "list_int"] + (["record"] if depth == 0 else [])
    kind = rng.choice(kinds)
    required = rng.random() < 0.55
    if kind in ("free", "list_free"):
        sub = rng.choice(sorted(FREE_TEXT))
        names = FREE_NAMES[sub] if kind == "free" else [n + "s" for n in FREE_NAMES[sub]]
        param = Param("", kind, required, sub=sub)
    elif kind in ("ident", "list_ident"):
        sub = rng.choice(sorted(IDENTIFIERS))
        names = IDENTIFIERS[sub][1] if kind == "ident" else [n + "s" for n in IDENTIFIERS[sub][1]]
        param = Param("", kind, required, sub=sub)
    elif kind in ("enum", "set_enum"):
        members = rng.choice(ENUMS)
        names = ENUM_NAMES if kind == "enum" else ["filters", "categories", "tags", "channels"]
        param = Param("", kind, required, enum=list(members))
    elif kind == "record":
        names = ["traveler", "address", "options", "contact_info", "filters_obj"]
        children = []
        child_taken: set[str] = set()
        for _ in range(rng.randrange(2, 4)):
            children.append(_param(rng, child_taken, depth + 1))
        param = Param("", kind, required, children=children)
    else:
        names = {"int": INT_NAMES, "number": NUMBER_NAMES, "bool": BOOL_NAMES, "date": DATE_NAMES,
                 "list_int": ["ids_numeric", "seats", "rows", "weeks"]}[kind]
        param = Param("", kind, required, minimum=rng.choice([None, 0, 1]) if kind == "int" else None)
    free = [n for n in names if n not in taken] or [f"{names[0]}_{len(taken)}"]
    param.name = rng.choice(free)
    taken.add(param.name)
    if not required and kind in ("enum", "int", "number", "bool", "free") and rng.random() < 0.55:
        param.default = param.draw(rng)
    return param


def make_tool(rng: random.Random, index: int) -> Tool:
    taken: set[str] = set()
    params = [_param(rng, taken) for _ in range(rng.randrange(2, 7))]
    if not any(p.required for p in params):
        params[0].required = True
        params[0].default = NO_DEFAULT
    name = f"{rng.choice(TOOL_VERBS)}_{rng.choice(TOOL_NOUNS)}_{index}"
    return Tool(name, params)


# -- writing a meaning in a dialect -----------------------------------------------------------------------
PY_NAMES = {"free": "str", "ident": "str", "enum": "str", "int": "int", "number": "float", "bool": "bool",
            "date": "str", "record": "dict", "list_free": "list", "list_ident": "list", "set_enum": "list",
            "list_int": "tuple"}
JAVA_NAMES = {"free": "String", "ident": "String", "enum": "String", "int": "Integer", "number": "double",
              "bool": "Boolean", "date": "String", "record": "Map", "list_free": "List", "list_ident": "Array",
              "set_enum": "Set", "list_int": "List"}
JSON_NAMES = {"free": "string", "ident": "string", "enum": "string", "int": "integer", "number": "number",
              "bool": "boolean", "date": "string", "record": "object", "list_free": "array", "list_ident": "array",
              "set_enum": "array", "list_int": "array"}
ITEM_KINDS = {"list_free": "free", "list_ident": "ident", "set_enum": "enum", "list_int": "int"}


def _literal(value: Any) -> str:
    return json.dumps(value) if not isinstance(value, str) else f"'{value}'"


class Writer:
    """Writes one tool's meaning as a schema, drawing a dialect per property."""

    def __init__(self, rng: random.Random, style: str) -> None:
        self.rng = rng
        self.style = style  # json | python | java | mixed (per property)
        self.definitions: dict[str, Any] = {}
        self.dialects: set[str] = set()

    def _type_name(self, kind: str) -> str:
        style = self.style if self.style != "mixed" else self.rng.choice(["json", "python", "java"])
        self.dialects.add(f"type:{style}")
        return {"json": JSON_NAMES, "python": PY_NAMES, "java": JAVA_NAMES}[style][kind]

    def prop(self, param: Param, broken: str = "") -> dict[str, Any]:
        rng = self.rng
        out: dict[str, Any] = {"description": f"The {param.name.replace('_', ' ')}."}
        kind = param.kind
        if kind == "record":
            body = {"type": self._type_name("record"),
                    "properties": {c.name: self.prop(c) for c in param.children},
                    "required": [c.name for c in param.children if c.required]}
            if rng.random() < 0.4:  # written once in definitions, referred to by $ref
                ref = f"{param.name.title().replace('_', '')}Def"
                self.definitions[ref] = body
                self.dialects.add("$ref")
                out["$ref"] = f"#/definitions/{ref}"
                return out
            out.update(body)
        elif kind in ITEM_KINDS:
            out["type"] = self._type_name(kind)
            item = Param(param.name, ITEM_KINDS[kind], True, enum=param.enum, sub=param.sub)
            if kind == "set_enum":
                out["uniqueItems"] = True
            if rng.random() < 0.2 and kind in ("list_free", "list_int"):
                self.dialects.add("items_absent")
            else:
                out["items"] = {k: v for k, v in self.prop(item).items() if k != "description"}
        elif kind == "enum":
            members = list(param.enum or [])
            if broken == "enum":  # the schema forgets a member the reference uses
                members = [m for m in members if m != broken_value(param)]
            if rng.random() < 0.2:
                self.dialects.add("type_missing")
            else:
                out["type"] = self._type_name(kind)
            out["enum"] = members
        elif kind == "int" and param.name.startswith(("year", "count", "quantity")) and rng.random() < 0.3:
            out["type"] = self._type_name("int")
            out["enum"] = [str(v) for v in range(1, 61)] if rng.random() < 0.3 else None
            if out["enum"] is None:
                del out["enum"]
            else:
                self.dialects.add("integer_enum_as_strings")
        else:
            if kind == "int" and broken == "type":
                out["type"] = "integer"  # the reference passes a float
            elif rng.random() < 0.08 and kind in ("free", "ident", "date"):
                self.dialects.add("type_missing")
            else:
                out["type"] = self._type_name(kind)
            if kind == "date":
                out["format"] = "date"
            if kind == "int" and param.minimum is not None:
                if rng.random() < 0.3:
                    out["minimum"] = param.minimum - 1
                    out["exclusiveMinimum"] = True
                    self.dialects.add("openapi_exclusive_minimum")
                else:
                    out["minimum"] = param.minimum
        if param.default is not NO_DEFAULT:
            how = rng.choice(["schema", "schema", "schema_string", "prose"])
            if how == "prose":
                out["description"] += f" Default is {_literal(param.default)}."
                self.dialects.add("prose_default")
            elif how == "schema_string" and not isinstance(param.default, str):
                out["default"] = json.dumps(param.default)
                self.dialects.add("default_as_string")
            else:
                out["default"] = param.default
        elif not param.required and "type" in out and kind not in ("record",):
            how = rng.choice(["plain", "plain", "default_null", "nullable", "anyof_null", "type_list_null", "typing"])
            self.dialects.add(f"optional:{how}")
            if how == "default_null":
                out["default"] = None
            elif how == "nullable":
                out["nullable"] = True
            elif how == "anyof_null":
                body = {k: out.pop(k) for k in list(out) if k not in ("description",)}
                out["anyOf"] = [body, {"type": "null"}]
            elif how == "type_list_null" and isinstance(out.get("type"), str):
                out["type"] = [JSON_NAMES[kind], "null"]
            elif how == "typing" and kind in ("free", "ident", "int", "number", "bool"):
                out["type"] = f"Optional[{PY_NAMES[kind]}]"
        return out

    def parameters(self, tool: Tool) -> dict[str, Any]:
        rng = self.rng
        props = {p.name: self.prop(p, tool.breaks.get(p.name, "")) for p in tool.params
                 if tool.breaks.get(p.name) != "undeclared"}
        required = [p.name for p in tool.params if p.required and tool.breaks.get(p.name) != "undeclared"]
        required += [p.name for p in tool.params if tool.breaks.get(p.name) == "required"]
        schema: dict[str, Any] = {"type": "dict" if self.style == "python" else "object", "properties": props}
        if rng.random() < 0.25 and required:  # draft-3 style: required on the property
            for name in required:
                props[name]["required"] = True
            self.dialects.add("property_required")
        else:
            schema["required"] = required
            if rng.random() < 0.15:
                schema["required"] = [*required, rng.choice(EXTRA_NAMES)]
                self.dialects.add("required_unknown")
        if rng.random() < 0.1:
            for p in tool.params:
                if not p.required and p.name in props and "anyOf" not in props[p.name] and not tool.breaks.get(p.name):
                    props[p.name]["optional"] = True
                    self.dialects.add("property_optional")
        if self.definitions:
            schema["definitions"] = self.definitions
        return schema


def broken_value(param: Param) -> Any:
    """The reference's value where the written enum forgets it: deterministic per parameter."""
    return sorted(param.enum or [""])[0]


def render_tool(tool: Tool, rng: random.Random) -> tuple[dict[str, Any], set[str]]:
    writer = Writer(rng, rng.choice(["json", "json", "python", "java", "mixed"]))
    parameters = writer.parameters(tool)  # (parameters as a JSON string: load_pivots rejects those, loudly)
    return ({"type": "function", "function": {"name": tool.name, "description": f"{tool.name.replace('_', ' ')}.",
                                              "parameters": parameters}}, writer.dialects)


# -- the reference and its variants ----------------------------------------------------------------
def reference_args(tool: Tool, rng: random.Random) -> dict[str, Any]:
    args: dict[str, Any] = {}
    for p in tool.params:
        how = tool.breaks.get(p.name, "")
        if how == "required":
            continue  # the schema requires it; the reference (rightly) omits it
        if how == "enum":
            args[p.name] = broken_value(p)
        elif how == "type":
            args[p.name] = p.draw(rng) + 0.5
        elif p.required or how == "undeclared" or rng.random() < 0.5:
            if p.default is not NO_DEFAULT and rng.random() < 0.3:
                args[p.name] = copy.deepcopy(p.default)
            elif not p.required and rng.random() < 0.12:
                args[p.name] = None  # Optional[X] = None passed explicitly
            else:
                args[p.name] = p.draw(rng)
    return args


def _other(param: Param, value: Any, rng: random.Random) -> Any:
    for _ in range(20):
        other = param.draw(rng)
        if other != value and not (isinstance(other, str) and isinstance(value, str)
                                   and " ".join(other.split()).casefold() == " ".join(value.split()).casefold()):
            return other
    return None


def _recase(text: str, rng: random.Random) -> str:
    options = [text.lower(), text.upper(), text.title(), text.swapcase()]
    options = [o for o in options if o != text]
    return rng.choice(options) if options else text


def _typo(text: str, rng: random.Random) -> str:
    positions = [i for i, ch in enumerate(text) if ch.isalnum()]
    i = rng.choice(positions)
    ch = text[i]
    new = str((int(ch) + 1) % 10) if ch.isdigit() else ("b" if ch.lower() != "b" else "c")
    new = new.upper() if ch.isupper() else new
    return text[:i] + new + text[i + 1:]


def variants(tool: Tool, others: list[Tool], args: dict[str, Any], rng: random.Random
             ) -> list[tuple[str, str, dict[str, Any] | None, str]]:
    """(category, tool name, arguments or None for "drop the call", rule) for one reference call."""
    out: list[tuple[str, str, dict[str, Any] | None, str]] = []
    by_name = {p.name: p for p in tool.params}

    def put(category: str, new: dict[str, Any], rule: str, name: str = tool.name) -> None:
        out.append((category, name, new, rule))

    keys = list(args)
    if len(keys) > 1:
        put("eq/arg_order", {k: args[k] for k in reversed(keys)}, "arguments in reverse order")
    for p in tool.params:
        value = args.get(p.name, NO_DEFAULT)
        broken = tool.breaks.get(p.name, "")
        given = value is not NO_DEFAULT and value is not None
        if broken:
            if given and broken in ("enum", "type"):
                other = p.draw(rng) if broken == "enum" else value + 1
                if other != value:
                    put("neq/broken_schema_other_value", {**args, p.name: other},
                        f"{p.name}: {other!r} where the reference (breaking the written schema) gives {value!r}")
            continue
        if not p.required:
            if value is NO_DEFAULT or value is None:
                put("eq/null_optional" if value is NO_DEFAULT else "eq/omit_null",
                    {**args, p.name: None} if value is NO_DEFAULT else {k: v for k, v in args.items() if k != p.name},
                    f"{p.name}: null for the omitted optional argument" if value is NO_DEFAULT
                    else f"{p.name}: omitted where the reference passes null")
                if p.default is not NO_DEFAULT:
                    put("eq/explicit_default", {**args, p.name: copy.deepcopy(p.default)}, f"{p.name}: its default given")
                    other = _other(p, p.default, rng)
                    if other is not None:
                        put("neq/non_default_value", {**args, p.name: other}, f"{p.name}: {other!r}, not the default")
            elif p.default is not NO_DEFAULT and value == p.default:
                put("eq/omit_default", {k: v for k, v in args.items() if k != p.name}, f"{p.name}: default omitted")
        if not given:
            continue
        if p.required:
            put("neq/missing_required", {k: v for k, v in args.items() if k != p.name}, f"{p.name}: omitted")
            put("neq/null_required", {**args, p.name: None}, f"{p.name}: null for a required argument")
        kind = p.kind
        if kind == "free":
            put("eq/free_text_case", {**args, p.name: _recase(value, rng)}, f"{p.name}: other case")
            spaced = rng.choice([f"  {value} ", value.replace(" ", "  ") if " " in value else f"{value}\n"])
            put("eq/free_text_whitespace", {**args, p.name: spaced}, f"{p.name}: other spacing")
            other = _other(p, value, rng)
            if other is not None:
                put("neq/wrong_free_text", {**args, p.name: other}, f"{p.name}: {other!r}")
            put("neq/free_text_typo", {**args, p.name: _typo(value, rng)}, f"{p.name}: one character off")
        elif kind == "ident":
            recased = _recase(value, rng) if p.sub != "url" else value.rsplit("/", 1)[0] + "/" + _recase(
                value.rsplit("/", 1)[1], rng)
            if recased != value:
                put("neq/identifier_case", {**args, p.name: recased}, f"{p.name}: identifier in another case")
            put("neq/identifier_typo", {**args, p.name: _typo(value, rng)}, f"{p.name}: one character off")
            if p.sub == "url":
                host_case = value.replace("example", "Example").replace("https://", "HTTPS://")
                put("eq/url_form", {**args, p.name: rng.choice([host_case, value + "/", value.replace("https", "http")])},
                    f"{p.name}: same URL written differently")
        elif kind == "enum":
            other = _other(p, value, rng)
            if other is not None:
                put("neq/wrong_enum", {**args, p.name: other}, f"{p.name}: another member")
            recased = _recase(value, rng)
            if recased not in (p.enum or []):
                put("neq/enum_case", {**args, p.name: recased}, f"{p.name}: member in another case")
        elif kind in ("int", "number"):
            if isinstance(value, (int, float)) and float(value).is_integer():
                put("eq/int_for_number" if kind == "number" else "eq/integral_float",
                    {**args, p.name: int(value) if isinstance(value, float) else float(value)},
                    f"{p.name}: {value!r} written as {'int' if isinstance(value, float) else 'float'}")
            put("eq/numeric_string", {**args, p.name: json.dumps(value)}, f"{p.name}: number as a string")
            put("neq/wrong_number", {**args, p.name: value + 1}, f"{p.name}: off by one")
            put("neq/wrong_type", {**args, p.name: [value] if rng.random() < 0.5 else True}, f"{p.name}: wrong type")
        elif kind == "bool":
            put("eq/bool_string", {**args, p.name: json.dumps(value)}, f"{p.name}: boolean as a string")
            put("neq/flipped_bool", {**args, p.name: not value}, f"{p.name}: flipped")
        elif kind == "date":
            day = int(value[-2:])
            put("neq/wrong_date", {**args, p.name: value[:-2] + f"{day % 28 + 1:02d}"}, f"{p.name}: next day")
        elif kind == "set_enum" and len(value) > 1:
            put("eq/set_order", {**args, p.name: list(reversed(value))}, f"{p.name}: set in another order")
            put("neq/array_item_missing", {**args, p.name: value[:-1]}, f"{p.name}: one member fewer")
        elif kind in ("list_free", "list_ident", "list_int") and len(value) > 1:
            put("neq/ordered_array_reversed", {**args, p.name: list(reversed(value))}, f"{p.name}: order reversed")
            put("neq/array_item_missing", {**args, p.name: value[:-1]}, f"{p.name}: one item fewer")
            if kind == "list_free":
                put("eq/free_text_case", {**args, p.name: [_recase(v, rng) for v in value]}, f"{p.name}: items in other case")
        elif kind == "record" and value:
            put("eq/nested_key_order", {**args, p.name: dict(reversed(list(value.items())))}, f"{p.name}: keys reversed")
            child = next((c for c in p.children if c.name in value and c.kind in ("int", "free", "enum", "ident")), None)
            if child is not None:
                other = _other(child, value[child.name], rng)
                if other is not None:
                    put("neq/nested_wrong_value", {**args, p.name: {**value, child.name: other}},
                        f"{p.name}.{child.name}: {other!r}")
    extra = next((n for n in EXTRA_NAMES if n not in by_name), "unexpected")
    put("neq/extra_argument", {**args, extra: True}, f"undeclared argument {extra!r}")
    same_kind = [(a, b) for a in tool.params for b in tool.params if a.name < b.name and a.kind == b.kind
                 and a.kind in ("free", "ident", "int") and args.get(a.name) not in (None,)
                 and args.get(b.name) not in (None,) and a.name in args and b.name in args
                 and args[a.name] != args[b.name] and not tool.breaks.get(a.name) and not tool.breaks.get(b.name)]
    if same_kind:
        a, b = rng.choice(same_kind)
        put("neq/swapped_args", {**args, a.name: args[b.name], b.name: args[a.name]}, f"{a.name} and {b.name} swapped")
    if others:
        put("neq/wrong_tool", dict(args), "another tool of the pivot, same arguments", name=rng.choice(others).name)
    return out
