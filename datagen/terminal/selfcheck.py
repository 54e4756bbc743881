"""Self-check for the terminal ``trajectories.jsonl`` (called by ``make_trajectories.py``).

Can also be run on its own: ``python -m pivotrl.datagen.terminal.selfcheck`` (the shipped file).  It checks the record
layout and tool-call pairing, lints the commands (relative paths, nothing time- or
machine-dependent), and replays every trajectory from scratch twice, in two different temporary
work directories, asserting that every recorded tool output and every recorded state-changing call
is reproduced exactly.  The commands listed in ``meta.equivalent_commands`` are re-checked on the
first replay.  Returns 0 when everything holds, 1 otherwise.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections import Counter

from pivotrl.datagen.shipped import env_data

from .tasks.common import (
    SOURCE,
    SYSTEM,
    TOOLS,
    WORKDIR,
    check_equivalent,
    materialise,
    new_root,
    run_command,
    snapshot,
)

MIN_TRAJECTORIES, MIN_FAMILIES = 64, 8
MIN_ASSISTANT_TURNS, MAX_ASSISTANT_TURNS = 3, 8
MAX_FILES_BYTES = 20_000
MAX_TOTAL_BYTES = 2_000_000
ID_PATTERN = re.compile(r"^terminal-([a-z]+)-(\d{4})$")
FORBIDDEN = [
    (re.compile(r"/work\b"), "absolute work dir"),
    (re.compile(r"(^|[\s;&|(`'\"=])/(tmp|home|root|etc|var|usr|opt|dev/tcp)\b"), "absolute path outside the work dir"),
    (re.compile(r"(^|[;&|({`]\s*|\$\(\s*)(date|pwd|sudo|curl|wget|shuf|hostname|whoami|id|df|ps)\b"),
     "non-deterministic or disallowed command"),
    (re.compile(r"\$RANDOM|\$\$|\$PWD|\$HOME|~/|\bls\s+-[a-zA-Z]*l"), "non-deterministic expansion or ls -l"),
    (re.compile(r"\bsort\s+-[a-zA-Z]*R|\b-mtime\b|\b-atime\b|\b-mmin\b|\b-ctime\b"), "time- or random-dependent"),
]


def lint(command: str) -> list[str]:
    return [why for pattern, why in FORBIDDEN if pattern.search(command)]


def replay(record: dict, alternatives: bool = False) -> tuple[list[str], list[str], list[str]]:
    """Run ``record`` from scratch: (tool contents, state-changing call ids, problems)."""
    root = new_root()
    contents, changing, problems = [], [], []
    equivalents = record["meta"].get("equivalent_commands", {})
    try:
        materialise(root, record["env"]["files"], record["env"]["setup"])
        for message in record["messages"]:
            for call in message.get("tool_calls") or []:
                command = json.loads(call["function"]["arguments"])["command"]
                shadow = None
                if alternatives and call["id"] in equivalents:
                    shadow = new_root()
                    shutil.rmtree(shadow)
                    shutil.copytree(root, shadow, symlinks=True)
                before = snapshot(root)
                res = run_command(root, command)
                changed = snapshot(root) != before
                contents.append(res.content)
                if changed:
                    changing.append(call["id"])
                if shadow:
                    after = snapshot(root, with_mtime=False)
                    for other in equivalents[call["id"]]:
                        problem = check_equivalent(shadow, command, res, changed, after, other)
                        if problem:
                            problems.append(problem)
                    shutil.rmtree(shadow, ignore_errors=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return contents, changing, problems


def check_layout(record: dict, errors: list[str]) -> dict:
    """Structural checks; returns per-record counts."""
    rid = record.get("id", "?")

    def err(msg: str) -> None:
        errors.append(f"{rid}: {msg}")

    if set(record) != {"id", "domain", "messages", "tools", "env", "meta"}:
        err(f"unexpected keys {sorted(record)}")
    if not ID_PATTERN.match(rid) or ID_PATTERN.match(rid).group(1) != record.get("meta", {}).get("task"):
        err("id does not match terminal-<meta.task>-NNNN")
    if record.get("domain") != "terminal" or record.get("tools") != TOOLS:
        err("domain or tools differ from the terminal defaults")
    meta, env = record.get("meta", {}), record.get("env", {})
    if meta.get("source") != SOURCE:
        err("meta.source")
    if env.get("workdir") != WORKDIR or not isinstance(env.get("files"), dict) or not isinstance(env.get("setup"), list):
        err("env must have workdir /work, files {} and setup []")
    size = sum(len(v.encode()) for v in env.get("files", {}).values())
    if size > MAX_FILES_BYTES:
        err(f"files total {size} bytes > {MAX_FILES_BYTES}")
    for command in env.get("setup", []):
        for why in lint(command):
            err(f"setup {command!r}: {why}")
    msgs = record.get("messages", [])
    if len(msgs) < 2 or msgs[0] != {"role": "system", "content": SYSTEM} or msgs[1].get("role") != "user":
        err("must start with the system prompt and a user message")
    assistant_turns = calls = 0
    pending: str | None = None
    for i, m in enumerate(msgs[2:], start=2):
        role = m.get("role")
        if pending is not None:
            if role != "tool" or m.get("tool_call_id") != pending or m.get("name") != "bash" \
                    or not isinstance(m.get("content"), str):
                err(f"message {i}: expected the tool result for {pending}")
            pending = None
            continue
        if role != "assistant":
            err(f"message {i}: expected an assistant turn, got {role}")
            continue
        assistant_turns += 1
        tool_calls = m.get("tool_calls")
        if tool_calls:
            if len(tool_calls) != 1 or tool_calls[0].get("type") != "function" \
                    or tool_calls[0]["function"].get("name") != "bash":
                err(f"message {i}: expected exactly one bash call")
                continue
            calls += 1
            call = tool_calls[0]
            if call.get("id") != f"call_{calls}":
                err(f"message {i}: call ids must run call_1, call_2, ...")
            args = json.loads(call["function"]["arguments"])
            if set(args) != {"command"} or not isinstance(args["command"], str):
                err(f"message {i}: arguments must be {{'command': str}}")
            for why in lint(args["command"]):
                err(f"message {i} {args['command']!r}: {why}")
            pending = call.get("id")
        elif i != len(msgs) - 1 or not (m.get("content") or "").strip():
            err(f"message {i}: text-only assistant turn must be the final, non-empty summary")
    if pending is not None or msgs[-1].get("role") != "assistant" or msgs[-1].get("tool_calls"):
        err("must end with an assistant summary")
    if not MIN_ASSISTANT_TURNS <= assistant_turns <= MAX_ASSISTANT_TURNS:
        err(f"{assistant_turns} assistant turns, expected {MIN_ASSISTANT_TURNS}-{MAX_ASSISTANT_TURNS}")
    ids = {f"call_{n}" for n in range(1, calls + 1)}
    if not set(meta.get("state_changing_calls", [])) <= ids or not set(meta.get("equivalent_commands", {})) <= ids:
        err("meta refers to unknown call ids")
    return {"assistant_turns": assistant_turns, "calls": calls}


def self_check(text: str, full: bool = True) -> int:
    errors: list[str] = []
    records = [json.loads(line) for line in text.splitlines()]
    if len(text.encode()) > MAX_TOTAL_BYTES:
        errors.append(f"file is {len(text.encode())} bytes > {MAX_TOTAL_BYTES}")
    ids = Counter(r.get("id") for r in records)
    errors += [f"duplicate id {i}" for i, n in ids.items() if n > 1]
    families: Counter = Counter()
    turns = calls = changing = equivalents = 0
    for record in records:
        counts = check_layout(record, errors)
        families[record["meta"]["task"]] += 1
        turns += counts["assistant_turns"]
        calls += counts["calls"]
        changing += len(record["meta"]["state_changing_calls"])
        equivalents += len(record["meta"].get("equivalent_commands", {}))
        if not record["meta"]["state_changing_calls"]:
            errors.append(f"{record['id']}: no state-changing call")
        recorded = [m["content"] for m in record["messages"] if m["role"] == "tool"]
        for run in (1, 2):
            contents, changed, problems = replay(record, alternatives=run == 1)
            errors += [f"{record['id']}: {p}" for p in problems]
            for n, want in enumerate(recorded if run == 1 else [], start=1):
                if re.search(r"(^|\n)(/bin/)?bash: ", want):
                    errors.append(f"{record['id']}: call_{n} output quotes bash's own argv[0] (the sandbox runs "
                                  "/bin/bash, so it would not reproduce there)")
            if len(contents) != len(recorded):
                errors.append(f"{record['id']} replay {run}: {len(contents)} tool outputs, recorded {len(recorded)}")
            # the common prefix is compared too, so the first differing call is named
            for n, (want, got) in enumerate(zip(recorded, contents, strict=False), start=1):
                if want != got:
                    errors.append(f"{record['id']} replay {run}: call_{n} printed {got!r}, recorded {want!r}")
            if changed != record["meta"]["state_changing_calls"]:
                errors.append(f"{record['id']} replay {run}: state-changing calls {changed} "
                              f"!= recorded {record['meta']['state_changing_calls']}")
    if full:
        if len(records) < MIN_TRAJECTORIES:
            errors.append(f"only {len(records)} trajectories, need {MIN_TRAJECTORIES}")
        if len(families) < MIN_FAMILIES:
            errors.append(f"only {len(families)} families, need {MIN_FAMILIES}")
    print(f"trajectories: {len(records)}")
    print(f"families: {len(families)} (" + ", ".join(f"{k} {v}" for k, v in sorted(families.items())) + ")")
    print(f"assistant turns: {turns}")
    print(f"bash calls: {calls}")
    print(f"state-changing calls: {changing}")
    print(f"calls with checked equivalent commands: {equivalents}")
    print(f"bytes: {len(text.encode())}")
    if errors:
        print(f"SELF-CHECK FAILED ({len(errors)} problems):")
        for e in errors[:50]:
            print("  " + e)
        return 1
    print("self-check passed (every trajectory replayed twice from scratch, outputs identical)")
    return 0


if __name__ == "__main__":
    sys.exit(self_check(env_data("terminal/trajectories.jsonl").read_text(encoding="utf-8")))
