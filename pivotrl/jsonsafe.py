"""The JSON boundary: values that JSON (and UTF-8) cannot carry are found where data enters and
scrubbed where text leaves, so no encoder deep inside a run meets a lone surrogate or a NaN.

A lone surrogate is half of a UTF-16 pair, typically an emoji cut by ``max_tokens`` and escaped
as ``"\\ud83d"``; ``json.loads`` accepts it, but no UTF-8 file or HTTP body can hold it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"
_SHOWN = 60


def has_surrogate(text: str) -> bool:
    return _SURROGATE.search(text) is not None


def scrub_surrogates(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD (what a UTF-8 decoder shows)."""
    return _SURROGATE.sub(REPLACEMENT, text) if _SURROGATE.search(text) else text


def _field(path: list[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _describe_surrogate(text: str) -> str:
    match = _SURROGATE.search(text)
    assert match is not None
    start = max(0, match.start() - 20)
    around = text[start:match.start()] + f"\\u{ord(match.group()):04x}" + text[match.end():match.end() + 20]
    return f"text holds a lone surrogate \\u{ord(match.group()):04x} (half an emoji?) near {around[:_SHOWN]!r}"


def find_unsafe(value: Any) -> tuple[str, str] | None:
    """The first value JSON cannot carry: ``(field path, what is wrong)``, or None.

    Walks iteratively (a deeply nested record cannot exhaust the stack). Lone surrogates, NaN and
    infinities, keys that are not strings and non-JSON types (bytes, dates) are reported."""
    stack: list[tuple[Any, list[str | int]]] = [(value, [])]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return _field(path), _describe_surrogate(item)
        elif isinstance(item, bool) or item is None or isinstance(item, int):
            continue
        elif isinstance(item, float):
            if not math.isfinite(item):
                return _field(path), f"{item} is not a JSON number (NaN and infinities have no JSON form)"
        elif isinstance(item, Mapping):
            children = []
            for key, child in item.items():
                if not isinstance(key, str):
                    return _field(path), f"key {key!r} is not a string"
                if _SURROGATE.search(key):
                    return _field([*path, key]), "the key " + _describe_surrogate(key)
                children.append((child, [*path, key]))
            stack.extend(reversed(children))
        elif isinstance(item, (list, tuple)):
            stack.extend((child, [*path, i]) for i, child in reversed(list(enumerate(item))))
        else:
            return _field(path), f"a {type(item).__name__} value is not JSON"
    return None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON (NaN and infinities have no JSON form)")


def loads_strict(text: str | bytes) -> Any:
    """``json.loads`` that refuses NaN, Infinity and -Infinity (Python's accepts them)."""
    return json.loads(text, parse_constant=_reject_constant)


def dumps_line(record: Any) -> str:
    """One JSON line for an output file: non-ASCII kept readable, lone surrogates replaced by
    U+FFFD (model text can hold them; a UTF-8 file cannot) and NaN refused (a ValueError)."""
    return scrub_surrogates(json.dumps(record, ensure_ascii=False, allow_nan=False))
