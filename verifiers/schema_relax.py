"""The gold invariant for schemas: where a pivot's reference breaks its tool's schema, the schema is
the part that is wrong. Each constraint the reference breaks is widened just enough to admit the
reference's value at that place (an enum gains the value, a bound moves to it, a type list gains
its type, a required name the reference omits stops being required, an argument it adds is
declared), for that pivot only; everything else stays enforced, and the candidate is still compared
with the reference. What was widened is reported as :class:`Relaxation` records.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from jsonschema.exceptions import ValidationError

from pivotrl.verifiers.schema_canon import ALIASES, BoundedValidator
from pivotrl.verifiers.schema_types import json_type

_MAX_ROUNDS = 64
_LOWER = ("minimum", "exclusiveMinimum")
_UPPER = ("maximum", "exclusiveMaximum")
_SIZES = {"minLength": min, "maxLength": max, "minItems": min, "maxItems": max, "minProperties": min,
          "maxProperties": max}


@dataclass(frozen=True)
class Relaxation:
    """One constraint of a tool's schema that its pivot's reference breaks, and is not enforced."""

    tool: str
    keyword: str   # "enum", "type", "required", "additionalProperties", "maximum", "pattern", ...
    location: str  # the place in the parameters schema ("properties/genre"; "" is the top level)
    detail: str    # what the reference does there

    @property
    def constraint(self) -> str:
        """``tool: keyword at location``, the key under which pivots are counted."""
        return f"{self.tool}: {self.keyword} at {self.location or '(top level)'}"


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, list, dict)) else 0


def _widen(node: dict[str, Any], error: ValidationError) -> str:
    """Widen ``node`` (the schema object holding the failing keyword) to admit ``error.instance``;
    returns what was done, for the report."""
    keyword, value = str(error.validator), error.instance
    if keyword == "type":
        types = node.get("type")
        types = [types] if isinstance(types, str) else list(types or [])
        node["type"] = [*types, json_type(value)]
        return f"gives {json_type(value)} {_short(value)} where {'/'.join(types)} is declared"
    if keyword == "enum":
        members = node.get("enum") or []
        folded = [m for m in members if isinstance(m, str) and isinstance(value, str)
                  and m.casefold() == value.strip().casefold()]
        if len(folded) == 1:  # a spelling of one member: candidates may use the member or the spelling
            node[ALIASES] = {**node.get(ALIASES, {}), value: folded[0]}
            return f"spells {folded[0]!r} as {value!r}"
        node["enum"] = [*members, value]
        return f"uses {_short(value)}, not one of the enum"
    if keyword == "const":
        node["enum"] = [node.pop("const"), value]
        return f"uses {_short(value)}, not the const"
    if keyword == "required":
        missing = [n for n in node.get("required", []) if isinstance(value, Mapping) and n not in value]
        node["required"] = [n for n in node.get("required", []) if n not in missing]
        return f"omits required {', '.join(map(repr, missing))}"
    if keyword == "additionalProperties":
        declared = node.setdefault("properties", {})
        patterns = list((node.get("patternProperties") or {}).keys())
        extra = [k for k in value if k not in declared and not any(re.search(p, k) for p in patterns)]
        for key in extra:
            declared[key] = {}
        return f"passes undeclared {', '.join(map(repr, extra))}"
    if keyword in _LOWER or keyword in _UPPER:
        node.pop(keyword, None)
        bound = "minimum" if keyword in _LOWER else "maximum"
        current = node.get(bound)
        pick = min if keyword in _LOWER else max
        node[bound] = value if not isinstance(current, (int, float)) else pick(current, value)
        return f"gives {_short(value)} beyond the {keyword} {error.validator_value!r}"
    if keyword in _SIZES:
        node[keyword] = _SIZES[keyword](node[keyword], _size(value))
        return f"gives a value of size {_size(value)} against {keyword} {error.validator_value!r}"
    if keyword == "pattern" and isinstance(value, str):
        node["pattern"] = f"(?:{node['pattern']})|^{re.escape(value)}$"
        return f"gives {_short(value)}, which the pattern {error.validator_value!r} rejects"
    if keyword in ("anyOf", "oneOf"):
        node[keyword] = [*node[keyword], {"const": value}]
        return f"gives {_short(value)}, which fits no alternative"
    node.pop(keyword, None)  # anything else (multipleOf, not, uniqueItems, if/then, dependencies ...)
    return f"breaks {keyword} {_short(error.validator_value)}"


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _holder(schema: dict[str, Any], error: ValidationError) -> tuple[dict[str, Any], list[str]] | None:
    """The schema object that holds the failing keyword, and its location."""
    if error.validator in (None, "None"):  # a ``false`` sub-schema; not widened
        return None
    path = [str(p) for p in list(error.schema_path)[:-1]]
    node: Any = schema
    for part in path:
        if isinstance(node, list) and part.isdigit():
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return None
    return (node, path) if isinstance(node, dict) else None


@dataclass(frozen=True)
class FittedSchema:
    """A tool's strict schema as one pivot's reference needs it: ``schema`` canonicalises and, when
    ``enforced``, validates candidates; ``relaxations`` say what was widened."""

    schema: dict[str, Any]
    enforced: bool
    relaxations: tuple[Relaxation, ...]


def fit_to_reference(tool: str, schema: Mapping[str, Any], references: Sequence[Mapping[str, Any]],
                     canonicalize: Callable[[Mapping[str, Any], Mapping[str, Any]], dict[str, Any]]) -> FittedSchema:
    """``schema`` widened until every reference call's arguments (canonicalised against the widened
    schema each round, since widening can change what they canonicalise to) validate."""
    relaxed: dict[str, Any] = copy.deepcopy(dict(schema))
    found: list[Relaxation] = []
    for _ in range(_MAX_ROUNDS):
        validator = BoundedValidator(relaxed)
        error = next((e for args in references for e in validator.iter_errors(canonicalize(args, relaxed))), None)
        if error is None:
            return FittedSchema(relaxed, True, tuple(found))
        held = _holder(relaxed, error)
        if held is None:
            return _unenforced(tool, relaxed, found, f"cannot widen {error.validator}: {error.message}")
        node, path = held
        detail = _widen(node, error)
        found.append(Relaxation(tool, str(error.validator), "/".join(path), detail))
    return _unenforced(tool, relaxed, found, "the reference breaks too many constraints")


def _unenforced(tool: str, schema: dict[str, Any], found: list[Relaxation], why: str) -> FittedSchema:
    """Last resort: the schema still canonicalises, nothing of it is validated."""
    return FittedSchema(schema, False, (*found, Relaxation(tool, "*", "", f"{why}; no constraint of this tool "
                                                                          "is enforced")))
