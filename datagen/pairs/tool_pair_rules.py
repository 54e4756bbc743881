"""Construction rules of the tool labeled set: each rule rewrites a reference tool-call turn
into a candidate whose label follows from the rule and the JSON schema alone (never from a
verifier). Equivalents keep the call's effect; near misses change it or make it invalid."""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from .tool_pair_format import Call, Pair, bare_json_text, hermes_text, openai_message, text_message

Path_ = tuple[Any, ...]

# A value in one unit where the schema asks for another: (what the mistake is, conversion).
UNIT_MISTAKES: dict[str, tuple[str, Any]] = {
    "duration_minutes": ("hours given for minutes", lambda v: v // 60 if v % 60 == 0 and v >= 60 else None),
    "target_celsius": ("Fahrenheit given for Celsius", lambda v: round(v * 9 / 5 + 32)),
    "amount": ("cents given for dollars", lambda v: round(v * 100)),
    "disputed_amount": ("cents given for dollars", lambda v: round(v * 100)),
    "max_price": ("cents given for dollars", lambda v: round(v * 100)),
    "min_amount": ("cents given for dollars", lambda v: round(v * 100) if v else None),
    "radius_miles": ("kilometres given for miles", lambda v: round(v * 1.609344, 1)),
    "transition_seconds": ("milliseconds given for seconds", lambda v: round(v * 1000) if v else None),
    "hold_hours": ("minutes given for hours", lambda v: v * 60 if v else None),
    "reminder_minutes": ("seconds given for minutes", lambda v: v * 60 if v else None),
    "duration_days": ("weeks given for days", lambda v: v // 7 if v % 7 == 0 and v >= 7 else None),
    "offset_minutes": ("hours given for minutes", lambda v: v // 60 if v and v % 60 == 0 else None),
}

# Arguments a model might add that no schema here declares (every schema closes its object).
EXTRA_ARGUMENTS: list[tuple[str, Any]] = [
    ("confirm", True), ("notes", "requested by the customer in chat"), ("dry_run", False),
    ("priority", "high"), ("send_receipt", True), ("locale", "en-US"),
]

TEXT_INSTEAD = [
    "Sure, I'll take care of that for you right away.",
    "Let me look that up for you. One moment please.",
    "Done! Everything is updated on your account.",
    "I have checked this and it is all set.",
]

PREAMBLES = ["Sure, let me do that now.", "One moment while I check.", "Okay, doing that for you."]


# -- values ------------------------------------------------------------------------
def same_value(a: Any, b: Any) -> bool:
    """JSON-Schema equality: numbers by value (5 == 5.0), booleans never numbers."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def get_at(value: Any, path: Path_) -> Any:
    for key in path:
        value = value[key]
    return value


def set_at(args: dict[str, Any], path: Path_, new: Any) -> dict[str, Any]:
    out = copy.deepcopy(args)
    target = out
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = new
    return out


def delete_at(args: dict[str, Any], path: Path_) -> dict[str, Any]:
    out = copy.deepcopy(args)
    target = out
    for key in path[:-1]:
        target = target[key]
    if isinstance(target, list):
        target.pop(path[-1])
    else:
        del target[path[-1]]
    return out


def show(path: Path_) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else str(p)) for i, p in enumerate(path))


def leaves(value: Any, schema: dict[str, Any], path: Path_ = ()) -> Iterator[tuple[Path_, Any, dict[str, Any]]]:
    """Every scalar in the arguments with the sub-schema that declares it."""
    if isinstance(value, dict):
        props = schema.get("properties") or {}
        for key, sub in value.items():
            if key in props:
                yield from leaves(sub, props[key], (*path, key))
    elif isinstance(value, list):
        items = schema.get("items") or {}
        for i, sub in enumerate(value):
            yield from leaves(sub, items, (*path, i))
    else:
        yield path, value, schema


def objects(value: Any, schema: dict[str, Any], path: Path_ = ()) -> Iterator[tuple[Path_, dict[str, Any], dict[str, Any]]]:
    """Every JSON object in the arguments (the top level included) with its schema."""
    if isinstance(value, dict):
        yield path, value, schema
        props = schema.get("properties") or {}
        for key, sub in value.items():
            if key in props:
                yield from objects(sub, props[key], (*path, key))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            yield from objects(sub, schema.get("items") or {}, (*path, i))


def arrays(value: Any, schema: dict[str, Any], path: Path_ = ()) -> Iterator[tuple[Path_, list[Any], dict[str, Any]]]:
    if isinstance(value, list):
        yield path, value, schema
    if isinstance(value, dict):
        props = schema.get("properties") or {}
        for key, sub in value.items():
            if key in props:
                yield from arrays(sub, props[key], (*path, key))


def reversed_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: reversed_keys(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [reversed_keys(v) for v in value]
    return value


def nested_keys_reversed(args: dict[str, Any]) -> dict[str, Any]:
    """Top-level order kept, every nested object's keys reversed."""
    return {k: reversed_keys(v) for k, v in args.items()}


def id_typo(text: str, pattern: str | None) -> str | None:
    """The string with its last digit (else last letter) changed, still matching ``pattern``."""
    chars = list(text)
    for i in range(len(chars) - 1, -1, -1):
        ch = chars[i]
        if ch.isdigit():
            chars[i] = str((int(ch) + 1) % 10)
        elif ch.isalpha() and ch.isascii():
            base = "A" if ch.isupper() else "a"
            chars[i] = chr((ord(ch) - ord(base) + 1) % 26 + ord(base))
        else:
            continue
        new = "".join(chars)
        if pattern is None or re.fullmatch(pattern, new):
            return new
        return None
    return None


def shifted_date(text: str, fmt: str) -> str | None:
    try:
        if fmt == "date":
            return (dt.date.fromisoformat(text) + dt.timedelta(days=1)).isoformat()
        if fmt == "date-time":
            return (dt.datetime.fromisoformat(text) + dt.timedelta(hours=1)).isoformat()
    except ValueError:
        return None
    return None


def value_pools(trajectories: list[Any]) -> dict[tuple[str, str], list[Any]]:
    """Observed values per (tool, argument path without indices), in first-seen order."""
    pools: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for trajectory in trajectories:
        schemas = {t["function"]["name"]: t["function"].get("parameters") or {} for t in trajectory.tools}
        for message in trajectory.messages:
            for call in message.get("tool_calls") or []:
                name = call["function"]["name"]
                args = json.loads(call["function"]["arguments"] or "{}")
                for path, value, _ in leaves(args, schemas.get(name, {})):
                    key = (name, ".".join(str(p) for p in path if not isinstance(p, int)))
                    if isinstance(value, str) and value not in pools[key]:
                        pools[key].append(value)
    return pools


def _bounds_ok(value: float, schema: dict[str, Any]) -> bool:
    if "minimum" in schema and value < schema["minimum"]:
        return False
    if "maximum" in schema and value > schema["maximum"]:
        return False
    return not ("exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"])


# -- rules -------------------------------------------------------------------------
class ToolRules:
    """All candidates the rules make for one pivot; ``pools`` supplies plausible other values."""

    def __init__(self, pools: dict[tuple[str, str], list[Any]]) -> None:
        self.pools = pools

    def for_pivot(self, pivot: Any, calls: list[Call], schemas: dict[str, dict[str, Any]]) -> list[Pair]:
        out: list[Pair] = []

        def add(category: str, candidate: Any, rule: str) -> None:
            out.append(Pair(pivot.id, candidate, category.startswith("eq/"), category, rule))

        def with_call(index: int, name: str, args: dict[str, Any]) -> dict[str, Any]:
            new = list(calls)
            new[index] = (name, args)
            return openai_message(new)

        # whole-turn rewrites
        add("eq/format_hermes", hermes_text(calls), "the same calls as Hermes <tool_call> text")
        add("eq/format_bare_json", bare_json_text(calls), "the same calls as bare JSON text")
        add("eq/json_whitespace", openai_message(calls, indent=2), "arguments JSON pretty-printed (indent 2)")
        add("eq/preamble_text", openai_message(calls, content=PREAMBLES[len(pivot.id) % len(PREAMBLES)]),
            "the same calls after a one-line preamble")
        add("neq/text_instead_of_call", text_message(TEXT_INSTEAD[len(pivot.id) % len(TEXT_INSTEAD)]),
            "a text reply where the reference calls a tool")
        if len(calls) > 1:
            add("eq/parallel_order", openai_message(list(reversed(calls))), "parallel calls in reverse order")
            for i, (name, _) in enumerate(calls):
                add("neq/parallel_missing", openai_message(calls[:i] + calls[i + 1:]), f"call {i} ({name}) left out")
            for i, (name, args) in enumerate(calls):
                add("neq/parallel_duplicate", openai_message([*calls, (name, args)]), f"call {i} ({name}) made twice")

        for index, (name, args) in enumerate(calls):
            schema = schemas[name]
            props = schema.get("properties") or {}
            required = list(schema.get("required") or [])
            at = f"{name}" if len(calls) == 1 else f"call {index} {name}"
            if len(args) >= 2:
                add("eq/arg_order", with_call(index, name, dict(reversed(list(args.items())))),
                    f"{at}: arguments in reverse order")
            if nested_keys_reversed(args) != args or any(
                    isinstance(v, (dict, list)) and json.dumps(reversed_keys(v)) != json.dumps(v) for v in args.values()):
                add("eq/nested_key_order", with_call(index, name, nested_keys_reversed(args)),
                    f"{at}: keys of nested objects in reverse order")
            for helper in (self._defaults, self._types, self._values, self._arrays):
                helper(add, with_call, index, name, args, schema, at)
            # structure of the call
            for key in required:
                if key in args:
                    add("neq/missing_required", with_call(index, name, delete_at(args, (key,))),
                        f"{at}: required {key!r} left out")
            extra_name, extra_value = EXTRA_ARGUMENTS[(index + len(pivot.id)) % len(EXTRA_ARGUMENTS)]
            if extra_name not in props:
                add("neq/extra_argument", with_call(index, name, {**args, extra_name: extra_value}),
                    f"{at}: undeclared argument {extra_name!r} added")
            keys = list(args)
            for i, a in enumerate(keys):
                for b in keys[i + 1:]:
                    sa, sb = dict(props.get(a, {})), dict(props.get(b, {}))
                    sa.pop("description", None)
                    sb.pop("description", None)
                    if sa == sb and not same_value(args[a], args[b]) and not isinstance(args[a], (dict, list, bool)):
                        swapped = dict(args)
                        swapped[a], swapped[b] = args[b], args[a]
                        add("neq/swapped_args", with_call(index, name, swapped), f"{at}: {a} and {b} swapped")
            for sibling, sibling_schema in schemas.items():
                sibling_props = sibling_schema.get("properties") or {}
                if sibling == name or not set(sibling_schema.get("required") or []) <= set(args):
                    continue
                kept = {k: v for k, v in args.items() if k in sibling_props}
                if kept:
                    add("neq/wrong_tool", with_call(index, sibling, kept), f"{at}: {sibling} called instead")
        return out

    def _defaults(self, add, with_call, index: int, name: str, args: dict[str, Any], schema: dict[str, Any],
                  at: str) -> None:
        for path, obj, obj_schema in objects(args, schema):
            props = obj_schema.get("properties") or {}
            required = set(obj_schema.get("required") or [])
            for key, sub in props.items():
                if "default" not in sub or key in required:
                    continue
                where = show((*path, key))
                if key in obj and same_value(obj[key], sub["default"]):
                    add("eq/omit_default", with_call(index, name, delete_at(args, (*path, key))),
                        f"{at}: {where}={json.dumps(obj[key])} left out (schema default)")
                elif key not in obj:
                    add("eq/explicit_default", with_call(index, name, set_at(args, (*path, key), sub["default"])),
                        f"{at}: {where}={json.dumps(sub['default'])} given (schema default)")
                    flipped = self._other_than_default(sub)
                    if flipped is not None:
                        add("neq/non_default_value", with_call(index, name, set_at(args, (*path, key), flipped)),
                            f"{at}: {where}={json.dumps(flipped)} given where the default "
                            f"{json.dumps(sub['default'])} applies")

    @staticmethod
    def _other_than_default(sub: dict[str, Any]) -> Any:
        default = sub["default"]
        if isinstance(default, bool):
            return not default
        if isinstance(sub.get("enum"), list):
            others = [e for e in sub["enum"] if not same_value(e, default)]
            return others[0] if others else None
        if is_number(default):
            for candidate in (default + 1, default - 1):
                if _bounds_ok(candidate, sub):
                    return int(candidate) if sub.get("type") == "integer" else candidate
        return None

    def _types(self, add, with_call, index: int, name: str, args: dict[str, Any], schema: dict[str, Any],
               at: str) -> None:
        for path, value, sub in leaves(args, schema):
            where = f"{at}: {show(path)}"
            kind = sub.get("type")
            if not is_number(value) or kind not in ("integer", "number"):
                continue
            if kind == "integer":
                add("eq/integral_float", with_call(index, name, set_at(args, path, float(value))),
                    f"{where} {value} written {float(value)!r}")
            elif isinstance(value, float) and value.is_integer():
                add("eq/int_for_number", with_call(index, name, set_at(args, path, int(value))),
                    f"{where} {value!r} written {int(value)}")
            elif isinstance(value, int):
                add("eq/int_for_number", with_call(index, name, set_at(args, path, float(value))),
                    f"{where} {value} written {float(value)!r}")
            if "enum" not in sub:
                add("eq/numeric_string", with_call(index, name, set_at(args, path, json.dumps(value))),
                    f"{where} {value!r} written as the string {json.dumps(value)!r}")

    def _values(self, add, with_call, index: int, name: str, args: dict[str, Any], schema: dict[str, Any],
                at: str) -> None:
        for path, value, sub in leaves(args, schema):
            where = f"{at}: {show(path)}"
            if isinstance(value, bool):
                add("neq/flipped_bool", with_call(index, name, set_at(args, path, not value)),
                    f"{where} {json.dumps(value)} flipped")
                continue
            enum = sub.get("enum")
            if isinstance(enum, list):
                others = [e for e in enum if not same_value(e, value)]
                if others:
                    other = others[(len(path) + len(str(value))) % len(others)]
                    add("neq/wrong_enum", with_call(index, name, set_at(args, path, other)),
                        f"{where} {json.dumps(value)} -> {json.dumps(other)} (another enum value)")
                if isinstance(value, str):
                    cased = value.upper() if value.upper() != value else value.title()
                    if cased != value:
                        add("neq/enum_case", with_call(index, name, set_at(args, path, cased)),
                            f"{where} {value!r} -> {cased!r} (not in the enum; enums are case-sensitive)")
                continue
            if is_number(value):
                integer = sub.get("type") == "integer"
                for delta in (1, -1):
                    new = value + delta
                    if _bounds_ok(new, sub) and not (sub.get("multipleOf") and not float(new / sub["multipleOf"]).is_integer()):
                        add("neq/off_by_one", with_call(index, name, set_at(args, path, int(new) if integer else new)),
                            f"{where} {value} -> {new}")
                        break
                mistake = UNIT_MISTAKES.get(str(path[-1]))
                if mistake:
                    what, convert = mistake
                    new = convert(value)
                    if new is not None and not math.isclose(float(new), float(value)):
                        add("neq/wrong_unit", with_call(index, name, set_at(args, path, new)),
                            f"{where} {value} -> {new} ({what})")
                continue
            if not isinstance(value, str):
                continue
            fmt = sub.get("format")
            if fmt in ("date", "date-time"):
                new = shifted_date(value, fmt)
                if new:
                    add("neq/wrong_date", with_call(index, name, set_at(args, path, new)),
                        f"{where} {value} -> {new} (one {'day' if fmt == 'date' else 'hour'} later)")
                continue
            if sub.get("pattern"):
                new = id_typo(value, sub["pattern"])
                if new:
                    add("neq/id_typo", with_call(index, name, set_at(args, path, new)),
                        f"{where} {value} -> {new} (one character off, still matches the pattern)")
            key = (name, ".".join(str(p) for p in path if not isinstance(p, int)))
            others = [v for v in self.pools.get(key, []) if v != value and v.casefold() != value.casefold()]
            if others:
                other = others[len(value) % len(others)]
                add("neq/other_value", with_call(index, name, set_at(args, path, other)),
                    f"{where} {value!r} -> {other!r} (a value the same argument takes elsewhere)")

    def _arrays(self, add, with_call, index: int, name: str, args: dict[str, Any], schema: dict[str, Any],
                at: str) -> None:
        for path, items, sub in arrays(args, schema):
            if len(items) < 2 or not path:
                continue
            where = f"{at}: {show(path)}"
            flipped = list(reversed(items))
            if not same_value(flipped, items):
                if sub.get("uniqueItems") is True:
                    add("eq/set_array_order", with_call(index, name, set_at(args, path, flipped)),
                        f"{where} reversed (uniqueItems: a set)")
                elif "in order" in (sub.get("description") or ""):
                    add("neq/ordered_array_reversed", with_call(index, name, set_at(args, path, flipped)),
                        f"{where} reversed (the schema says the items are in order)")
            add("neq/array_item_missing", with_call(index, name, set_at(args, path, items[:-1])),
                f"{where}: last of {len(items)} items left out")
