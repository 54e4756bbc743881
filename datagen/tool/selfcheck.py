"""Self-check for ``trajectories.jsonl`` (used by ``make_trajectories.py``).

Can also be run on its own: ``python -m pivotrl.datagen.tool.selfcheck`` (checks the shipped file).
Checks the record layout, the tool-call / tool-message invariants, and that
every call's arguments validate (JSON Schema Draft 2020-12, formats checked)
against the parameters of a tool listed in the same trajectory.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path

RECORD_KEYS = {"id", "domain", "messages", "tools", "env", "meta"}
MIN_TRAJECTORIES = 60
MIN_SCENARIOS = 6
MIN_PARALLEL_TURNS = 8
MIN_MESSAGES, MAX_MESSAGES = 6, 14
MIN_TOOLS, MAX_TOOLS = 4, 8
DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def _walk(schema, path="$"):
    """Yield (path, subschema) for every schema node."""
    if not isinstance(schema, dict):
        return
    yield path, schema
    for key, sub in schema.get("properties", {}).items():
        yield from _walk(sub, f"{path}.{key}")
    if "items" in schema:
        yield from _walk(schema["items"], f"{path}[]")


def _check_tool(spec, errors, features, where):
    from jsonschema import Draft202012Validator

    fn = spec.get("function", {})
    name = fn.get("name", "?")
    params = fn.get("parameters")
    if spec.get("type") != "function" or not name or not fn.get("description"):
        errors.append(f"{where}: malformed tool entry {name}")
    if not isinstance(params, dict) or params.get("type") != "object":
        errors.append(f"{where}: {name}: parameters must be an object schema")
        return
    if params.get("additionalProperties") is not False:
        errors.append(f"{where}: {name}: additionalProperties must be false")
    if not set(params.get("required", [])) <= set(params.get("properties", {})):
        errors.append(f"{where}: {name}: required names unknown properties")
    try:
        Draft202012Validator.check_schema(params)
    except Exception as exc:
        errors.append(f"{where}: {name}: invalid schema: {exc}")
        return
    for path, sub in _walk(params):
        if path == "$":
            continue
        kind = sub.get("type")
        features[kind] += 1
        if "enum" in sub:
            features["enum"] += 1
        if kind == "object":
            features["nested object"] += 1
            if not set(sub.get("required", [])) <= set(sub.get("properties", {})):
                errors.append(f"{where}: {name}{path[1:]}: required names unknown properties")
        if kind == "array" and "items" not in sub:
            errors.append(f"{where}: {name}{path[1:]}: array without items")
        if "default" in sub:
            features["default"] += 1
            if not Draft202012Validator(sub).is_valid(sub["default"]):
                errors.append(f"{where}: {name}{path[1:]}: default does not fit its schema")


def self_check(path: Path, max_bytes: int = 1_000_000, deterministic: bool = True) -> int:
    try:
        from jsonschema import Draft202012Validator, FormatChecker
    except ImportError:
        print("self-check needs jsonschema (use /work/main/.venv/bin/python)", file=sys.stderr)
        return 2

    errors: list[str] = []
    if not deterministic:
        errors.append("two builds differ: generation is not deterministic")
    size = path.stat().st_size
    if size > max_bytes:
        errors.append(f"{path.name} is {size} bytes (> {max_bytes})")

    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    c = Counter()
    features: Counter = Counter()
    scenarios: Counter = Counter()
    flows: set = set()
    seen_ids: set = set()
    checked_tools: set = set()
    fmt = FormatChecker()

    @fmt.checks("date-time", raises=ValueError)
    def _date_time(value):  # jsonschema only checks this format with an optional extra installed
        if isinstance(value, str):
            if not DATE_TIME.match(value):
                raise ValueError(f"not an RFC 3339 date-time: {value!r}")
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        return True

    for rec in records:
        rid = rec.get("id", "?")
        if set(rec) != RECORD_KEYS:
            errors.append(f"{rid}: keys {sorted(rec)}")
        if rid in seen_ids:
            errors.append(f"{rid}: duplicate id")
        seen_ids.add(rid)
        meta = rec.get("meta", {})
        if rec.get("domain") != "tool" or rec.get("env") != {} or meta.get("source") != "pivotrl synthetic":
            errors.append(f"{rid}: domain/env/meta mismatch")
        scenarios[meta.get("scenario")] += 1
        flows.add((meta.get("scenario"), meta.get("flow")))

        tools = {}
        for spec in rec.get("tools", []):
            name = spec.get("function", {}).get("name")
            if name in tools:
                errors.append(f"{rid}: tool {name} listed twice")
            tools[name] = spec.get("function", {}).get("parameters", {})
            key = (meta.get("scenario"), name)
            if key not in checked_tools:
                checked_tools.add(key)
                _check_tool(spec, errors, features, rid)
        if not MIN_TOOLS <= len(tools) <= MAX_TOOLS:
            errors.append(f"{rid}: {len(tools)} tools")

        msgs = rec.get("messages", [])
        if not MIN_MESSAGES <= len(msgs) <= MAX_MESSAGES:
            errors.append(f"{rid}: {len(msgs)} messages")
        if not msgs or msgs[0].get("role") != "system" or msgs[1].get("role") != "user":
            errors.append(f"{rid}: must start with system, user")
        if msgs and (msgs[-1].get("role") != "assistant" or not msgs[-1].get("content")):
            errors.append(f"{rid}: must end with an assistant text turn")
        c["messages"] += len(msgs)

        call_ids: set = set()
        pending: list[str] = []      # call ids of the latest assistant turn still awaiting results
        open_turn: set = set()       # all call ids of the latest assistant tool-call turn
        for k, m in enumerate(msgs):
            role = m.get("role")
            where = f"{rid}[{k}]"
            if role != "tool" and pending:
                errors.append(f"{where}: calls {pending} got no tool message")
                pending = []
            if role == "assistant":
                c["assistant turns"] += 1
                calls = m.get("tool_calls")
                if calls:
                    if m.get("content") is not None:
                        errors.append(f"{where}: tool-call turn must have content null")
                    c["tool-call turns"] += 1
                    if 2 <= len(calls) <= 4:
                        c["parallel turns (2-4 calls)"] += 1
                    elif len(calls) > 4:
                        errors.append(f"{where}: {len(calls)} calls in one turn")
                    omitted_turn = False
                    pending, open_turn = [], set()
                    for call in calls:
                        cid = call.get("id")
                        if not cid or cid in call_ids:
                            errors.append(f"{where}: missing or duplicate call id {cid}")
                        call_ids.add(cid)
                        pending.append(cid)
                        open_turn.add(cid)
                        fn = call.get("function", {})
                        name = fn.get("name")
                        if call.get("type") != "function":
                            errors.append(f"{where}: call type must be 'function'")
                        if name not in tools:
                            errors.append(f"{where}: call to {name} not in tools")
                            continue
                        if not isinstance(fn.get("arguments"), str):
                            errors.append(f"{where}: arguments must be a JSON string")
                            continue
                        try:
                            args = json.loads(fn["arguments"])
                        except json.JSONDecodeError as exc:
                            errors.append(f"{where}: {name}: arguments are not valid JSON: {exc}")
                            continue
                        if not isinstance(args, dict):
                            errors.append(f"{where}: {name}: arguments must encode a JSON object")
                            continue
                        schema = tools[name]
                        for err in Draft202012Validator(schema, format_checker=fmt).iter_errors(args):
                            errors.append(f"{where}: {name}: {err.message}")
                        c["tool calls"] += 1
                        optional = set(schema.get("properties", {})) - set(schema.get("required", []))
                        if optional - set(args):
                            omitted_turn = True
                            c["calls omitting an optional arg"] += 1
                        if optional & set(args):
                            c["calls passing an optional arg"] += 1
                    if omitted_turn:
                        c["turns omitting an optional arg"] += 1
                else:
                    if not isinstance(m.get("content"), str) or not m["content"].strip():
                        errors.append(f"{where}: assistant text turn without content")
                    c["assistant text turns"] += 1
            elif role == "tool":
                cid = m.get("tool_call_id")
                if cid not in open_turn or cid not in pending:
                    errors.append(f"{where}: tool_call_id {cid} does not answer the preceding assistant turn")
                else:
                    pending.remove(cid)
                if not isinstance(m.get("content"), str):
                    errors.append(f"{where}: tool content must be a string")
            elif role == "user":
                open_turn = set()
                if not isinstance(m.get("content"), str) or not m["content"].strip():
                    errors.append(f"{where}: empty user turn")
            elif role == "system":
                if k != 0:
                    errors.append(f"{where}: system message not first")
            else:
                errors.append(f"{where}: unexpected role {role}")

    c["trajectories"] = len(records)
    if len(records) < MIN_TRAJECTORIES:
        errors.append(f"only {len(records)} trajectories")
    if len(scenarios) < MIN_SCENARIOS:
        errors.append(f"only {len(scenarios)} scenarios")
    if c["parallel turns (2-4 calls)"] < MIN_PARALLEL_TURNS:
        errors.append(f"only {c['parallel turns (2-4 calls)']} parallel turns")
    if not c["calls omitting an optional arg"] or not c["calls passing an optional arg"]:
        errors.append("need calls that omit and calls that pass optional arguments")
    for feature in ("enum", "integer", "number", "boolean", "array", "nested object", "default"):
        if not features[feature]:
            errors.append(f"no tool schema uses {feature}")

    order = ["trajectories", "messages", "assistant turns", "assistant text turns", "tool-call turns",
             "parallel turns (2-4 calls)", "tool calls", "turns omitting an optional arg",
             "calls omitting an optional arg", "calls passing an optional arg"]
    for key in order:
        print(f"  {key:32s} {c[key]}")
    print(f"  {'scenarios':32s} " + ", ".join(f"{k}={v}" for k, v in scenarios.items()))
    print(f"  {'flows':32s} {len(flows)}")
    print(f"  {'schema features':32s} " + ", ".join(f"{k}={v}" for k, v in sorted(features.items())))
    print(f"  {'file size (bytes)':32s} {size}")
    if errors:
        print(f"SELF-CHECK FAILED ({len(errors)} problems):", file=sys.stderr)
        for e in errors[:50]:
            print("  " + e, file=sys.stderr)
        return 1
    print("self-check passed")
    return 0


if __name__ == "__main__":
    from pivotrl.datagen.shipped import env_data

    sys.exit(self_check(env_data("tool/trajectories.jsonl")))
