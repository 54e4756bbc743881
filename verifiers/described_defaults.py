"""Defaults stated in prose: many real tool schemas (BFCL's among them) say "Default is 7" or
"defaults to 'units' if not specified" in a property's description instead of a JSON-schema
``default``. Reading them lets an omitted optional argument compare equal to its stated value."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

MISSING = object()

_PHRASE = re.compile(
    r"(?P<lead>^|[.(,;:]\s*)?\bdefaults?(?:\s+value)?(?P<link>\s+(?:is|to\s+be|to|of)|\s*[:=]"
    r"|\s+[a-z]+\s+(?:is|of|=)\b)?\s*(?:is\s+|set\s+to\s+)?(?P<value>.+)",
    re.IGNORECASE,
)
# "with air as default", "uses 'metric' as the default": the value comes before the phrase
_BEFORE = re.compile(r"""(?:'([^']+)'|"([^"]+)"|([\w.+-]+))\s+as\s+(?:the\s+)?default\b""", re.IGNORECASE)
_TIMES_TEN = re.compile(r"^([-+]?(?:\d+\.?\d*|\.\d+))\s*(?:x|×|\*)\s*10\s*\^?\s*([-+−]?\d+)")
_QUOTED = re.compile(r"""^(?:'([^']*)'|"([^"]*)"|`([^`]*)`)""")
_NUMBER = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_WORD_NUMBERS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "ten": 10}
_TRUE = {"true", "yes", "enabled", "on"}
_FALSE = {"false", "no", "disabled", "off"}
_NOTHING = {"none", "null", "nil", "empty", "not set", "unset", "n/a"}
# an unquoted string value ends at punctuation or at a clause that starts explaining it
_STRING_END = re.compile(r"[.,;()\[\]]|\s+(?:if|when|unless|for|which|meaning|otherwise|and|or)\b", re.IGNORECASE)


def _declared_type(schema: Mapping[str, Any]) -> str | None:
    declared = schema.get("type")
    if isinstance(declared, list):
        declared = next((t for t in declared if t != "null"), None)
    return {"dict": "object", "float": "number", "int": "integer", "bool": "boolean", "str": "string",
            "list": "array", "tuple": "array"}.get(declared, declared) if isinstance(declared, str) else None


def _number(text: str, integer: bool) -> Any:
    scientific = _TIMES_TEN.match(text)  # "8.854 x 10^-12"
    match = _NUMBER.match(text)
    if scientific:
        value = float(scientific.group(1)) * 10.0 ** int(scientific.group(2).replace("−", "-"))
    elif match:
        value = float(match.group(0))
    else:
        word = re.match(r"[a-z]+", text.lower())
        if not word or word.group(0) not in _WORD_NUMBERS:
            return MISSING
        value = float(_WORD_NUMBERS[word.group(0)])
    if not math.isfinite(value):
        return MISSING
    if integer:
        return int(value) if value.is_integer() else MISSING
    return value


def _parse(text: str, type_name: str, linked: bool) -> Any:
    """``linked``: the phrase reads "default is/to/: X" or starts a clause ("Default X"), so an
    unquoted string after it is the value and not just the next word ("the default profile")."""
    text = text.strip()
    quoted = _QUOTED.match(text)
    if quoted:
        literal = next(g for g in quoted.groups() if g is not None)
        if type_name == "string":
            return literal
        text = literal
    lowered = text.lower()
    if any(lowered.startswith(word) for word in _NOTHING) and type_name != "array":
        return MISSING
    if type_name in ("integer", "number"):
        return _number(text, integer=type_name == "integer")
    if type_name == "boolean":
        word = re.match(r"[a-z]+", lowered)
        if word and word.group(0) in _TRUE:
            return True
        if word and word.group(0) in _FALSE:
            return False
        return MISSING
    if type_name == "array":
        if lowered.startswith(("empty list", "an empty list", "empty array", "[]")):
            return []
        if text.startswith("["):
            try:
                parsed, _ = json.JSONDecoder().raw_decode(text)
            except ValueError:
                return MISSING
            return parsed if isinstance(parsed, list) else MISSING
        return MISSING
    if type_name == "string":
        if not linked:
            return MISSING
        value = _STRING_END.split(text, maxsplit=1)[0].strip()
        return value if value and len(value) <= 80 else MISSING
    return MISSING


@lru_cache(maxsize=8192)
def _from_description(description: str, type_name: str) -> Any:
    for sentence_match in _PHRASE.finditer(description):
        link = sentence_match.group("link") or ""
        if type_name == "string" and re.match(r"\s+[a-z]+\s", link, re.IGNORECASE) and not re.match(
                r"\s+to\s+be", link, re.IGNORECASE):
            continue  # "the default profile is used": a noun after "default" is not a string's value
        linked = sentence_match.group("link") is not None or sentence_match.group("lead") is not None
        value = _parse(sentence_match.group("value"), type_name, linked)
        if value is not MISSING:
            return value
    for before in _BEFORE.finditer(description):
        quoted = before.group(1) if before.group(1) is not None else before.group(2)
        text = repr(quoted) if quoted is not None and type_name == "string" else quoted or before.group(3)
        value = _parse(text, type_name, linked=True)
        if value is not MISSING:
            return value
    return MISSING


def described_default(schema: Mapping[str, Any]) -> Any:
    """The default a property's description states, read as the declared type; ``MISSING``
    when there is none or it is not a literal (e.g. "Default is the current date" for a number)."""
    description = schema.get("description")
    type_name = _declared_type(schema)
    if not isinstance(description, str) or type_name not in ("string", "integer", "number", "boolean", "array"):
        return MISSING
    if "default" not in description.lower():
        return MISSING
    value = _from_description(description[:2000], type_name)
    return list(value) if isinstance(value, list) else value
