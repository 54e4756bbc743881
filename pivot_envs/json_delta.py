"""A JSON value's spelling kept as a small delta from another value, and rebuilt exactly.

NeMo Gym rows spell the fields pivotrl models in their own ways (item ids, content parts, no
``type``); keeping the row's whole value beside the pivot doubled its size. A delta records only
what differs from what pivotrl writes, and is checked to rebuild the original before it is kept.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from typing import Any

__all__ = ["MISSING", "Misfit", "apply_delta", "make_delta", "same"]

#: A value that is absent (not the JSON ``null``).
MISSING: Any = object()


def same(a: Any, b: Any) -> bool:
    """Equal as JSON (``1`` is not ``1.0`` nor ``True``; key order does not count)."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


# A delta is a JSON object: {} (pivotrl's value as it is), {"value": v} (v, whole), {"keys": {k: delta},
# "drop": [k]} (an object: its keys spelled otherwise, and those pivotrl writes that the row lacks),
# {"items": [op]} (a list, rebuilt by ["keep", n], ["skip", n], ["edit", delta, n] or ["add", v] over
# pivotrl's items), {"each": delta} (a list: each of pivotrl's items so edited), {"text": [start, end, s]} (a string: s in place of pivotrl's [start:end]),
# {"around": [before, after]} (a string: pivotrl's with text before and after it) and
# {"parts": [[n, part] or [null, part]]} (content parts for pivotrl's text: each part its next n
# characters as "text", or the part whole).

class Misfit(Exception):
    """A delta that does not apply to what pivotrl writes now: the pivot has been edited since."""


def _fit(condition: bool) -> None:
    if not condition:
        raise Misfit


def _size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False))


def make_delta(original: Any, written: Any) -> dict[str, Any]:
    """The smallest of the deltas tried that turns ``written`` into ``original`` (checked: a delta
    that does not give ``original`` back is never kept)."""
    if written is not MISSING and same(original, written):
        return {}
    delta = _structural_delta(original, written)
    if delta is not None and _size(delta) < _size(original):
        try:
            if same(apply_delta(delta, written), original):
                return delta
        except Misfit:
            pass
    return {"value": original}


def _structural_delta(original: Any, written: Any) -> dict[str, Any] | None:
    if isinstance(original, Mapping) and isinstance(written, Mapping):
        keys = {k: make_delta(v, written.get(k, MISSING)) for k, v in original.items()
                if k not in written or not same(v, written[k])}
        drop = [k for k in written if k not in original]
        return {k: v for k, v in (("keys", keys), ("drop", drop)) if v}
    if isinstance(original, list) and isinstance(written, list):
        script = _items_script(original, written)
        if len(script) == 1 and script[0][0] == "edit" and len(original) == len(written):
            return {"each": script[0][1]}  # every item spelled alike (EasyInputMessage items without "type")
        return {"items": script}
    if isinstance(original, str) and isinstance(written, str):
        return _text_delta(original, written)
    if isinstance(original, list) and isinstance(written, str):
        return _parts_delta(original, written)
    return None


def _common_length(a: str, b: str) -> int:
    """How many leading characters ``a`` and ``b`` share."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _text_delta(original: str, written: str) -> dict[str, Any]:
    """The row's text as pivotrl's with one stretch replaced, or with text around it (reasoning
    read stripped of the blank lines a row put around it)."""
    start = _common_length(original, written)
    end = _common_length(original[start:][::-1], written[start:][::-1])
    delta: dict[str, Any] = {"text": [start, len(written) - end, original[start:len(original) - end]]}
    at = original.find(written) if written else -1
    if at >= 0:
        around = {"around": [original[:at], original[at + len(written):]]}
        delta = min(delta, around, key=_size)
    return delta


def _kind(item: Any) -> str:
    """What aligns a row's input item with pivotrl's: its type and role (ids and spelling aside)."""
    if isinstance(item, Mapping):
        return json.dumps([item.get("type") or ("message" if "role" in item else None), item.get("role")])
    return json.dumps(item, sort_keys=True)


def _items_script(original: list[Any], written: list[Any]) -> list[list[Any]]:
    """Ops that rebuild ``original`` from ``written``: items of a kind aligned (difflib) and edited,
    the others skipped or added whole (items pivotrl does not model, such as an empty reasoning item)."""
    script: list[list[Any]] = []

    def push(op: str, arg: Any) -> None:
        last = script[-1] if script else None
        if last and op in ("keep", "skip") and last[0] == op:
            last[1] += arg
        elif last and op == "edit" and last[0] == "edit" and last[1] == arg:
            last[2] += 1
        else:
            script.append([op, arg, 1] if op == "edit" else [op, arg])

    matcher = difflib.SequenceMatcher(None, [_kind(x) for x in written], [_kind(x) for x in original], autojunk=False)
    for tag, w1, w2, o1, o2 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and w2 - w1 == o2 - o1):
            for w, o in zip(written[w1:w2], original[o1:o2], strict=True):
                delta = make_delta(o, w)
                if delta:
                    push("edit", delta)
                else:
                    push("keep", 1)
            continue
        if w2 > w1:
            push("skip", w2 - w1)
        for o in original[o1:o2]:
            push("add", o)
    for op in script:  # one edit is ["edit", delta]: the count only where a delta repeats
        if op[0] == "edit" and op[2] == 1:
            del op[2]
    return script


def _parts_delta(original: list[Any], written: str) -> dict[str, Any] | None:
    """Content parts whose texts, in order, make up pivotrl's text: each kept without its text."""
    specs: list[list[Any]] = []
    at = 0
    for part in original:
        text = part.get("text") if isinstance(part, Mapping) else None
        if isinstance(text, str) and text and written.startswith(text, at):
            specs.append([len(text), {k: v for k, v in part.items() if k != "text"}])
            at += len(text)
        else:
            specs.append([None, part])
    return {"parts": specs} if at == len(written) else None


def apply_delta(delta: Any, written: Any) -> Any:
    """``written`` with ``delta`` applied; ``Misfit`` where the delta does not fit it."""
    _fit(isinstance(delta, Mapping))
    if "value" in delta:
        return delta["value"]
    _fit(written is not MISSING)
    if "keys" in delta or "drop" in delta:
        _fit(isinstance(written, Mapping))
        out = dict(written)
        for key in delta.get("drop") or []:
            _fit(key in out)
            del out[key]
        for key, inner in (delta.get("keys") or {}).items():
            out[key] = apply_delta(inner, written.get(key, MISSING))
        return out
    if "items" in delta:
        return _patched_items(delta["items"], written)
    if "each" in delta:
        _fit(isinstance(written, list))
        return [apply_delta(delta["each"], item) for item in written]
    if "text" in delta:
        start, end, text = delta["text"]
        _fit(isinstance(written, str) and 0 <= start <= end <= len(written))
        return written[:start] + text + written[end:]
    if "around" in delta:
        before, after = delta["around"]
        _fit(isinstance(written, str))
        return before + written + after
    if "parts" in delta:
        _fit(isinstance(written, str))
        parts, at = [], 0
        for length, part in delta["parts"]:
            if length is None:
                parts.append(part)
            else:
                parts.append({**part, "text": written[at:at + length]})
                at += length
        _fit(at == len(written))
        return parts
    _fit(not delta)
    return written


def _patched_items(script: Any, written: Any) -> list[Any]:
    _fit(isinstance(written, list) and isinstance(script, list))
    out: list[Any] = []
    at = 0
    for op in script:
        _fit(isinstance(op, list) and len(op) >= 2)
        if op[0] == "add":
            out.append(op[1])
            continue
        count = op[2] if op[0] == "edit" and len(op) > 2 else 1 if op[0] == "edit" else op[1]
        _fit(isinstance(count, int) and count > 0 and at + count <= len(written))
        if op[0] == "keep":
            out.extend(written[at:at + count])
        elif op[0] == "edit":
            out.extend(apply_delta(op[1], item) for item in written[at:at + count])
        else:
            _fit(op[0] == "skip")
        at += count
    _fit(at == len(written))
    return out
