"""Canonicalise tool-call arguments against the tool's JSON schema.

Two calls that mean the same thing canonicalise to values that compare equal: values read as the
declared type (``"5"`` -> 5 for an integer, ``"true"`` -> true), an optional argument given as
null read as omitted, omitted optional arguments filled from defaults (the schema's ``default``,
else one the description states in prose), strings normalised by kind (free text ignores case
and spacing; enums, format/pattern strings and identifiers stay exact), URLs canonicalised.
Comparison allows a numeric tolerance; ``true`` is never an integer. Schemas in any dialect are
first made strict by :mod:`pivotrl.verifiers.schema_dialects`.
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

import regex
from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError
from w3lib.url import canonicalize_url

from pivotrl.verifiers.described_defaults import MISSING as _NO_DEFAULT
from pivotrl.verifiers.described_defaults import described_default
from pivotrl.verifiers.schema_dialects import strict_schema
from pivotrl.verifiers.string_kinds import StringKind, looks_like_url, string_kind

_MISSING = object()
_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}
_JSON_NUMBER = re.compile(r"^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?$")
_URL_FORMATS = ("uri", "url", "iri", "uri-reference", "iri-reference")
#: Where gold relaxation records spellings of enum members the reference used (see schema_relax).
ALIASES = "x-pivotrl-aliases"


@dataclass(frozen=True)
class StringPolicy:
    """How string values are normalised before comparison, by kind (see ``string_kinds``).

    Free text ignores case (``case_sensitive``) and runs of spacing (``collapse_whitespace``), as
    function-calling benchmarks do; enums, format/pattern strings and identifiers keep their case
    unless their switch says otherwise, and only lose spacing at the ends."""

    case_sensitive: bool = False
    collapse_whitespace: bool = True
    strip_punctuation: bool = False
    unicode_form: str | None = "NFC"
    enum_case_sensitive: bool = True
    format_case_sensitive: bool = True
    identifier_case_sensitive: bool = True

    def apply(self, text: str) -> str:
        """Free text, normalised."""
        text = self._unicode(text)
        if self.strip_punctuation:
            text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("P"))
        text = " ".join(text.split()) if self.collapse_whitespace else text.strip()
        return text if self.case_sensitive else text.casefold()

    def canonical(self, text: str, kind: StringKind) -> str:
        if kind == "free_text":
            return self.apply(text)
        text = self._unicode(text).strip()
        sensitive = {"enum": self.enum_case_sensitive, "format": self.format_case_sensitive,
                     "identifier": self.identifier_case_sensitive}[kind]
        return text if sensitive else text.casefold()

    def _unicode(self, text: str) -> str:
        return unicodedata.normalize(self.unicode_form, text) if self.unicode_form else text  # type: ignore[arg-type]


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
        if isinstance(value, bool):
            return "true" if value else "false"
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


def _lax_scalar(text: str) -> Any:
    """Where a schema allows a string and a number or boolean alike, or says nothing, a string that
    is a JSON number or boolean literal means that number or boolean (``"5"``, ``"true"``)."""
    stripped = text.strip()
    if _JSON_NUMBER.match(stripped):
        number = float(stripped)
        if math.isfinite(number):
            return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if stripped.lower() in ("true", "false"):
        return stripped.lower() == "true"
    return text


def null_means_omitted(schema: Mapping[str, Any]) -> bool:
    """An explicit null for an optional argument means "not given", unless the schema allows null
    *and* declares another default (then null is a value of its own: "clear this")."""
    allows_null = "null" in _types(schema) or None in (schema.get("enum") or [])
    return not (allows_null and schema.get("default") is not None)


class Canonicalizer:
    """Applies one string and number policy; stateless, safe to share between threads."""

    def __init__(self, strings: StringPolicy | None = None, numbers: NumberPolicy | None = None,
                 prose_defaults: bool = True) -> None:
        self.strings = strings or StringPolicy()
        self.numbers = numbers or NumberPolicy()
        self.prose_defaults = prose_defaults

    def arguments(self, args: Mapping[str, Any], parameters: Any) -> dict[str, Any]:
        """Canonical top-level arguments for a tool's ``parameters`` schema, in any dialect."""
        return self.strict_arguments(args, strict_schema(parameters).schema)

    def strict_arguments(self, args: Mapping[str, Any], schema: Mapping[str, Any]) -> dict[str, Any]:
        """Canonical arguments for a schema already made strict (``schema_dialects.strict_schema``)."""
        result = self.value(dict(args), {**schema, "type": ["object"]}, depth=0)
        return result if isinstance(result, dict) else dict(args)

    def value(self, value: Any, schema: Any, depth: int = 0, name: str | None = None) -> Any:
        """``schema`` None: a place the schema does not describe (compared as given)."""
        if depth > 64 or not isinstance(schema, Mapping):
            return value
        options = schema.get("anyOf")
        if isinstance(options, list) and options:
            return self._first_fitting(value, options, depth, name)
        types = _types(schema)
        coerced = value
        if types and not any(self._has_type(value, t) for t in types):
            for type_name in types:
                candidate = _coerce_scalar(value, type_name)
                if candidate is not _MISSING:
                    coerced = candidate
                    break
        elif isinstance(value, str) and (not types or ("string" in types and {"integer", "number", "boolean"} & set(types))):
            coerced = _lax_scalar(value)
        if isinstance(coerced, Mapping):
            return self._object(coerced, schema, depth)
        if isinstance(coerced, list):
            return self._array(coerced, schema, depth, name)
        if _is_number(coerced) and "number" in types and "integer" not in types:
            coerced = float(coerced)
        if isinstance(coerced, float) and "integer" in types and coerced.is_integer():
            coerced = int(coerced)
        if isinstance(coerced, str):
            coerced = self._string(coerced, schema, name)
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

    def _first_fitting(self, value: Any, options: list[Any], depth: int, name: str | None) -> Any:
        """The first branch the value fits as it is, else the first it can be read as."""
        branches = [o for o in options if isinstance(o, Mapping)]
        for option in branches:
            types = _types(option)
            if not types or any(self._has_type(value, t) for t in types):
                return self.value(value, option, depth + 1, name)
        for option in branches:
            if any(_coerce_scalar(value, t) is not _MISSING for t in _types(option)):
                return self.value(value, option, depth + 1, name)
        return self.value(value, branches[0] if branches else None, depth + 1, name)

    def _array(self, items: list[Any], schema: Mapping[str, Any], depth: int, name: str | None) -> list[Any]:
        prefix = schema.get("prefixItems")
        prefix = prefix if isinstance(prefix, list) else []
        rest = schema.get("items") if isinstance(schema.get("items"), Mapping) else {}  # absent: any items
        canonical = [self.value(v, prefix[i] if i < len(prefix) else rest, depth + 1, name)
                     for i, v in enumerate(items)]
        if schema.get("uniqueItems") is True:  # a set: the order carries no meaning
            canonical.sort(key=lambda v: json.dumps(v, sort_keys=True, default=str))
        return canonical

    def _string(self, text: str, schema: Mapping[str, Any], name: str | None) -> str:
        kind = string_kind(text, schema, name)
        if schema.get("format") in _URL_FORMATS or (kind == "identifier" and looks_like_url(text)):
            return normalize_url(text)
        if kind != "enum":
            return self.strings.canonical(text, kind)
        members = [m for m in (schema.get("enum") or [schema.get("const")]) if isinstance(m, str)]
        aliases = schema.get(ALIASES)
        aliases = aliases if isinstance(aliases, Mapping) else {}
        for form in (text, self.strings._unicode(text).strip()):
            if form in members:
                return form
            if form in aliases:
                return aliases[form]
        # JSON Schema enums are case-sensitive (a strict tool server rejects "Economy" for "economy")
        if not self.strings.enum_case_sensitive:
            folded = [m for m in members if m.casefold() == text.strip().casefold()]
            if len(folded) == 1:
                return folded[0]
        return self.strings.canonical(text, "enum")

    def _object(self, obj: Mapping[str, Any], schema: Mapping[str, Any], depth: int) -> dict[str, Any]:
        properties = schema.get("properties")
        properties = properties if isinstance(properties, Mapping) else {}
        required = set(schema.get("required") or [])
        additional = schema.get("additionalProperties")
        undeclared = additional if isinstance(additional, Mapping) else (None if additional is False else {})
        out: dict[str, Any] = {}
        for key, val in obj.items():
            sub = properties.get(key, undeclared)
            if val is None and key not in required and sub is not None and null_means_omitted(sub):
                continue  # an explicit null for an optional argument means "not given"
            out[key] = self.value(val, sub, depth + 1, key) if sub is not None else val
        for key, sub in properties.items():
            if key in out or key in required or not isinstance(sub, Mapping):
                continue
            if sub.get("default") is not None:
                out[key] = self.value(sub["default"], sub, depth + 1, key)
            elif "default" not in sub and self.prose_defaults and (stated := described_default(sub)) is not _NO_DEFAULT:
                stated = self.value(stated, sub, depth + 1, key)
                if validator_for(sub).is_valid(stated):  # prose is read, not trusted: it must fit the schema
                    out[key] = stated
        return out

    def equal(self, a: Any, b: Any) -> bool:
        """Deep equality with numeric tolerance; ``True`` never equals ``1``; NaN equals NaN."""
        if isinstance(a, bool) or isinstance(b, bool):
            return isinstance(a, bool) and isinstance(b, bool) and a == b
        if _is_number(a) and _is_number(b):
            if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
                return True
            return math.isclose(a, b, rel_tol=self.numbers.rel_tol, abs_tol=self.numbers.abs_tol)
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            return a.keys() == b.keys() and all(self.equal(a[k], b[k]) for k in a)
        if isinstance(a, list) and isinstance(b, list):
            return len(a) == len(b) and all(self.equal(x, y) for x, y in zip(a, b, strict=True))
        return type(a) is type(b) and a == b


@dataclass(frozen=True)
class Violation:
    """Why arguments do not fit a schema: the message, the keyword that failed, where."""

    message: str
    keyword: str
    location: str  # the argument path ("traveler/age"); "" for the call as a whole

    def __str__(self) -> str:
        return self.message + (f" (at '{self.location}')" if self.location else "")


PATTERN_SECONDS = 0.1


def _bounded_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    """``pattern`` with a time limit: a schema's regex can backtrack for minutes on a hostile
    string (``^(a+)+$`` against ``aaa...!``); the ``regex`` engine stops it and the value is rejected."""
    if not isinstance(instance, str):
        return
    try:
        found = regex.search(pattern, instance, timeout=PATTERN_SECONDS)
    except TimeoutError:
        yield ValidationError(f"matching {pattern!r} took over {PATTERN_SECONDS:g} s; the value is rejected")
        return
    except regex.error:
        return  # not a pattern this engine reads; the schema check reported it
    if found is None:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


#: Draft 2020-12 with a time-limited ``pattern``: what every tool_schema validation runs.
BoundedValidator = validators.extend(Draft202012Validator, {"pattern": _bounded_pattern})


@lru_cache(maxsize=4096)
def _compiled(schema_json: str) -> Any:
    return BoundedValidator(json.loads(schema_json))


def validator_for(schema: Mapping[str, Any]) -> Any:
    """A compiled validator for a strict schema, cached by content."""
    return _compiled(json.dumps(schema, sort_keys=True, default=str))


def first_violation(validator: Draft202012Validator, args: Mapping[str, Any]) -> Violation | None:
    error = next(iter(sorted(validator.iter_errors(args), key=lambda e: list(map(str, e.path)))), None)
    if error is None:
        return None
    return Violation(error.message, str(error.validator), "/".join(str(p) for p in error.absolute_path))
