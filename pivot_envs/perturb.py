"""Near-miss versions of a reference action: one wrong value, the kind of mistake a
verifier must reject. Used by ``pivotrl demo`` and the agreement benchmarks."""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Mapping
from typing import Any

from pivotrl.pivot_envs.records import Pivot


def _schema_for(pivot: Pivot, name: str) -> Mapping[str, Any]:
    for tool in pivot.tools:
        if tool["function"]["name"] == name:
            return tool["function"].get("parameters") or {}
    return {}


def _wrong_value(value: Any, schema: Mapping[str, Any], rng: random.Random) -> Any:
    enum = schema.get("enum") if isinstance(schema, Mapping) else None
    if isinstance(enum, list) and len(enum) > 1:
        return rng.choice([e for e in enum if e != value] or enum)
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return value * 1.5 + 1.0
    if isinstance(value, str):
        words = value.split()
        flipped = " ".join(w[::-1] for w in reversed(words)) if words else "x"
        return flipped if flipped != value else value + "-x"
    if isinstance(value, list):
        return value[:-1] if value else ["x"]
    if isinstance(value, dict) and value:
        key = sorted(value)[0]
        props = schema.get("properties", {}) if isinstance(schema, Mapping) else {}
        return {**value, key: _wrong_value(value[key], props.get(key, {}), rng)}
    return "x"


def perturb_reference(pivot: Pivot, seed: int = 0) -> dict[str, Any]:
    """An assistant message that differs from the reference in one decisive place."""
    rng = random.Random(f"{pivot.id}:{seed}")
    reference = copy.deepcopy(pivot.reference)
    calls = reference.get("tool_calls") or []
    if not calls:
        # A text reply becomes a tool call: the wrong kind of turn.
        tool = pivot.tools[0]["function"]["name"] if pivot.tools else "unknown_tool"
        return {"role": "assistant", "content": None,
                "tool_calls": [{"id": "call_p", "type": "function", "function": {"name": tool, "arguments": "{}"}}]}
    call = rng.choice(calls)
    args = json.loads(call["function"]["arguments"] or "{}")
    schema = _schema_for(pivot, call["function"]["name"])
    properties = schema.get("properties", {})
    if args:
        required = [k for k in sorted(args) if k in (schema.get("required") or [])]
        key = rng.choice(required or sorted(args))
        args[key] = _wrong_value(args[key], properties.get(key, {}), rng)
        call["function"]["arguments"] = json.dumps(args, ensure_ascii=False)
    else:
        others = [t["function"]["name"] for t in pivot.tools if t["function"]["name"] != call["function"]["name"]]
        call["function"]["name"] = rng.choice(others) if others else call["function"]["name"] + "_x"
    return reference
