"""Canonicalise tool-call arguments against the tool's JSON schema.

Two calls that mean the same thing should canonicalise to values that compare equal:
strings coerced to the declared type, omitted optional arguments filled from defaults
(the schema's ``default``, else one the description states in prose),
strings normalised as configured, URLs canonicalised. Comparison then allows a numeric
tolerance where a number is declared. ``true`` is never an integer.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from w3lib.url import canonicalize_url

from pivotrl.verifiers.described_defaults import MISSING as _NO_DEFAULT
from pivotrl.verifiers.described_defaults import described_default

_MISSING = object()
_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


@dataclass(frozen=True)
class StringPolicy:
    """How free-text argument values are normalised before comparison."""

    case_sensitive: bool = True
    collapse_whitespace: bool = True
    strip_punctuation: bool = False
    unicode_form: str | None = "NFC"

    def apply(self, text: str) -> str:
        if self.unicode_form:
            text = unicodedata.normalize(self.unicode_form, text)  # type: ignore[arg-type]
        if self.strip_punctuation:
            text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("P"))
        if self.collapse_whitespace:
            text = " ".join(text.split())
        if not self.case_sensitive:
            text = text.casefold()
        return text


@dataclass(frozen=True)
class NumberPolicy:
    rel_tol: float = 1e-9
    abs_tol: float = 0.0


def normalize_url(url: str) -> str:
    """Canonical form of a URL: lower-case scheme and host, sorted query, no fragment,
    no trailing slash, ``http`` read as ``https``."""
    text = url.strip()
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", text):
        if re.match(r"^[\w-]+(\.[\w-]+)+(/|$)", text):
            text = "https://" + text
        else:
            return text
    try:
        canon = canonicalize_url(text, keep_fragments=False)
    except (ValueError, UnicodeError):
        return text
    canon = re.sub(r"^http://", "https://", canon)
    if canon.endswith("/") and canon.count("/") > 3:
        canon = canon.rstrip("/")
    elif canon.endswith("/") and canon.count("/") == 3:
        canon = canon[:-1]
    return canon


def _types(schema: Mapping[str, Any]) -> list[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        return [declared]
    if isinstance(declared, list):
        return [t for t in declared if isinstance(t, str)]
    if "properties" in schema:
        return ["object"]
    if "items" in schema:
        return ["array"]
    return []


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _coerce_scalar(value: Any, type_name: str) -> Any:
    """Value coerced to ``type_name``, or _MISSING when it cannot be read as that type."""
    if type_name == "integer":
        if _is_number(value):
            if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
                return _MISSING
            return int(value)
        if isinstance(value, str):
            try:
                number = float(value.strip())
            except ValueError:
                return _MISSING
            return int(number) if math.isfinite(number) and number.is_integer() else _MISSING
        return _MISSING
    if type_name == "number":
        if _is_number(value):
            return float(value)
        if isinstance(value, str):
            try:
                number = float(value.strip())
            except ValueError:
                return _MISSING
            return number if math.isfinite(number) else _MISSING
        return _MISSING
    if type_name == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            lowered = value.strip().lower()
            if lowered in _TRUE:
                return True
            if lowered in _FALSE:
                return False
        return _MISSING
    if type_name == "string":
        if isinstance(value, str):
            return value
        if _is_number(value):
            return json.dumps(value)
        return _MISSING
    if type_name == "null":
        return None if value is None or value == "null" else _MISSING
    if type_name == "array":
        if isinstance(value, (list, tuple)):
            return list(value)
        if isinstance(value, str) and value.strip().startswith("["):
            try:
                parsed = json.loads(value)
            except (ValueError, RecursionError):
                return _MISSING
            return parsed if isinstance(parsed, list) else _MISSING
        return _MISSING
    if type_name == "object":
        if isinstance(value, Mapping):
            return value
        if isinstance(value, str) and value.strip().startswith("{"):
            try:
                parsed = json.loads(value)
            except (ValueError, RecursionError):
                return _MISSING
            return parsed if isinstance(parsed, dict) else _MISSING
        return _MISSING
    return value


class Canonicalizer:
    """Applies one string and number policy; stateless, safe to share between threads."""

    def __init__(self, strings: StringPolicy | None = None, numbers: NumberPolicy | None = None,
                 prose_defaults: bool = True) -> None:
        self.strings = strings or StringPolicy()
        self.numbers = numbers or NumberPolicy()
        self.prose_defaults = prose_defaults

    def arguments(self, args: Mapping[str, Any], parameters: Mapping[str, Any]) -> dict[str, Any]:
        """Canonical top-level arguments (a dict) for a tool's ``parameters`` schema."""
        result = self.value(dict(args), {**parameters, "type": "object"}, depth=0)
        return result if isinstance(result, dict) else dict(args)

    def value(self, value: Any, schema: Any, depth: int = 0) -> Any:
        if depth > 64 or not isinstance(schema, Mapping):
            return value
        for key in ("anyOf", "oneOf"):
            options = schema.get(key)
            if isinstance(options, list) and options:
                return self._first_fitting(value, options, depth)
        types = _types(schema)
        coerced = value
        if types and not any(self._has_type(value, t) for t in types):
            for type_name in types:
                candidate = _coerce_scalar(value, type_name)
                if candidate is not _MISSING:
                    coerced = candidate
                    break
        if isinstance(coerced, Mapping):
            return self._object(coerced, schema, depth)
        if isinstance(coerced, list):
            items = schema.get("items")
            canonical = [self.value(v, items, depth + 1) for v in coerced]
            if schema.get("uniqueItems") is True:  # a set: the order carries no meaning
                canonical.sort(key=lambda v: json.dumps(v, sort_keys=True, default=str))
            return canonical
        if _is_number(coerced) and "number" in types and "integer" not in types:
            coerced = float(coerced)
        if isinstance(coerced, float) and "integer" in types and coerced.is_integer():
            coerced = int(coerced)
        if isinstance(coerced, str):
            coerced = self._string(coerced, schema)
        return coerced

    @staticmethod
    def _has_type(value: Any, type_name: str) -> bool:
        return {
            "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool))
            or (isinstance(v, float) and v.is_integer()),
            "number": _is_number,
            "boolean": lambda v: isinstance(v, bool),
            "string": lambda v: isinstance(v, str),
            "null": lambda v: v is None,
            "array": lambda v: isinstance(v, list),
            "object": lambda v: isinstance(v, Mapping),
        }.get(type_name, lambda v: True)(value)

    def _first_fitting(self, value: Any, options: list[Any], depth: int) -> Any:
        for option in options:
            if isinstance(option, Mapping) and all(self._has_type(value, t) for t in _types(option)[:1]):
                return self.value(value, option, depth + 1)
        return self.value(value, options[0], depth + 1)

    def _string(self, text: str, schema: Mapping[str, Any]) -> str:
        if schema.get("format") in ("uri", "url", "iri", "uri-reference"):
            return normalize_url(text)
        enum = schema.get("enum")
        # JSON Schema enums are case-sensitive (a strict tool server rejects "Economy" for
        # "economy"); folding follows the string policy's case_sensitive switch
        if isinstance(enum, list) and text not in enum and not self.strings.case_sensitive:
            folded = [e for e in enum if isinstance(e, str) and e.casefold() == text.strip().casefold()]
            if len(folded) == 1:
                return folded[0]
        if isinstance(enum, list) and text in enum:
            return text
        return self.strings.apply(text)

    def _object(self, obj: Mapping[str, Any], schema: Mapping[str, Any], depth: int) -> dict[str, Any]:
        properties = schema.get("properties") if isinstance(schema.get("properties"), Mapping) else {}
        required = set(schema.get("required") or [])
        out: dict[str, Any] = {}
        for key, val in obj.items():
            sub = properties.get(key)
            if val is None and key not in required and sub is not None and "null" not in _types(sub):
                continue  # an explicit null for an optional argument means "not given"
            out[key] = self.value(val, sub, depth + 1) if sub is not None else val
        for key, sub in properties.items():
            if key in out or key in required or not isinstance(sub, Mapping):
                continue
            if "default" in sub:
                out[key] = self.value(sub["default"], sub, depth + 1)
            elif self.prose_defaults and (stated := described_default(sub)) is not _NO_DEFAULT:
                out[key] = self.value(stated, sub, depth + 1)
        return out

    def equal(self, a: Any, b: Any) -> bool:
        """Deep equality with numeric tolerance; ``True`` never equals ``1``."""
        if isinstance(a, bool) or isinstance(b, bool):
            return isinstance(a, bool) and isinstance(b, bool) and a == b
        if _is_number(a) and _is_number(b):
            return math.isclose(a, b, rel_tol=self.numbers.rel_tol, abs_tol=self.numbers.abs_tol)
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            return a.keys() == b.keys() and all(self.equal(a[k], b[k]) for k in a)
        if isinstance(a, list) and isinstance(b, list):
            return len(a) == len(b) and all(self.equal(x, y) for x, y in zip(a, b))
        return type(a) is type(b) and a == b


def strict_parameters(parameters: Mapping[str, Any]) -> dict[str, Any]:
    """The top-level schema with unknown arguments rejected unless it allows them explicitly."""
    schema = {"type": "object", **parameters}
    if "additionalProperties" not in schema and "patternProperties" not in schema:
        schema["additionalProperties"] = False
    return schema


@lru_cache(maxsize=4096)
def _compiled(schema_json: str) -> Draft202012Validator | str:
    schema = json.loads(schema_json)
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        return f"the tool's own schema is invalid: {exc.message}"
    return Draft202012Validator(schema)


def validator_for(parameters: Mapping[str, Any]) -> Draft202012Validator | str:
    """A compiled validator for a tool's parameters, cached by schema content; a string
    when the schema itself is invalid."""
    return _compiled(json.dumps(strict_parameters(parameters), sort_keys=True, default=str))


def first_violation(validator: Draft202012Validator, args: Mapping[str, Any]) -> str | None:
    error = next(iter(sorted(validator.iter_errors(args), key=lambda e: list(e.path))), None)
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path)
    return f"{error.message}" + (f" (at '{where}')" if where else "")
