"""Self-check for ``trajectories.jsonl`` (run by ``make_trajectories``).

Checks, failing loudly on the first class of problem found:

* every pristine repository's own test suite passes;
* every trajectory replays to exactly the stored record, twice, each time in a
  new scratch directory (so outputs are deterministic and real);
* ids are unique and well formed; ``tools``, ``env`` and ``meta`` are as
  specified; messages are system, user, then assistant/tool pairs whose
  ``tool_call_id`` and ``name`` match, ending in a plain-text assistant turn;
  there are 4-9 assistant turns;
* every call's arguments fit the tool's JSON schema; editor paths are relative;
* every editor call succeeds (no ``Error:`` output), in particular every
  ``str_replace``; the last tool call is a pytest run that exits 0;
* outputs contain no scratch paths, virtualenv paths or memory addresses;
* each trajectory changes the package source, not only tests; where it adds or
  edits tests (or its setup does), those tests fail on the unfixed repository.

Prints counts at the end. Returns 0 on success, 1 on failure.
"""

import collections
import json
import os
import re
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor

from .common import BASH_TOOL, EDITOR_TOOL, SYSTEM_PROMPT, TOOLS
from .editor import run_editor
from .replay import REPOS, WORKDIR, fresh_copy, replay, run_bash

ID_RE = re.compile(r"^swe-[a-z]+-\d{4}$")
LEAK_RES = [
    re.compile(r"pivot-swe-"),
    re.compile(r"/tmp/"),
    re.compile(r"\.venv"),
    re.compile(r"0x[0-9a-f]{6,}"),
    re.compile(r"pytest-of-"),
]
WORKERS = 8


class CheckError(Exception):
    pass


def _require(condition, message):
    if not condition:
        raise CheckError(message)


def _check_args(name, args, where):
    if name == "bash":
        schema = BASH_TOOL["function"]["parameters"]
    else:
        schema = EDITOR_TOOL["function"]["parameters"]
    props = schema["properties"]
    _require(isinstance(args, dict), f"{where}: arguments are not an object")
    for key in schema["required"]:
        _require(key in args, f"{where}: missing required argument {key!r}")
    for key, value in args.items():
        _require(key in props, f"{where}: unexpected argument {key!r}")
        kind = props[key]["type"]
        if kind == "string":
            _require(isinstance(value, str), f"{where}: {key} must be a string")
            if "enum" in props[key]:
                _require(value in props[key]["enum"], f"{where}: bad {key} {value!r}")
        elif kind == "integer":
            ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
            _require(ok, f"{where}: {key} must be a non-negative integer")
        elif kind == "array":
            ok = (
                isinstance(value, list)
                and len(value) == 2
                and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            )
            _require(ok, f"{where}: {key} must be two integers")
    if name == "str_replace_editor":
        path = args["path"]
        _require(not os.path.isabs(path), f"{where}: absolute path {path!r}")
        _require(".." not in path.split("/"), f"{where}: path escapes the repo {path!r}")


def check_structure(record, repo_names):
    rid = record.get("id", "?")
    _require(ID_RE.match(rid) is not None, f"bad id {rid!r}")
    _require(record["domain"] == "swe", f"{rid}: domain")
    _require(record["tools"] == TOOLS, f"{rid}: tools differ from the specified tools")
    env = record["env"]
    _require(env["workdir"] == WORKDIR and env["repo"] in repo_names, f"{rid}: env")
    _require(isinstance(env["setup"], list), f"{rid}: env.setup must be a list")
    _require(rid.startswith(f"swe-{env['repo']}-"), f"{rid}: id does not name its repo")
    _require(record["meta"] == {"repo": env["repo"], "source": "pivotrl synthetic"}, f"{rid}: meta")

    messages = record["messages"]
    _require(messages[0] == {"role": "system", "content": SYSTEM_PROMPT}, f"{rid}: system prompt")
    _require(messages[1]["role"] == "user" and messages[1]["content"].strip(), f"{rid}: user turn")
    calls = []
    index = 2
    seen_ids = set()
    while index < len(messages) - 1:
        turn = messages[index]
        _require(turn["role"] == "assistant" and turn["content"] is None, f"{rid}: turn {index}")
        tool_calls = turn.get("tool_calls") or []
        _require(len(tool_calls) >= 1, f"{rid}: assistant turn {index} has no tool call")
        for offset, call in enumerate(tool_calls, 1):
            reply = messages[index + offset]
            _require(call["type"] == "function", f"{rid}: call type")
            _require(call["id"] not in seen_ids, f"{rid}: duplicate tool_call id {call['id']}")
            seen_ids.add(call["id"])
            _require(
                reply["role"] == "tool" and reply["tool_call_id"] == call["id"],
                f"{rid}: tool_call_id pairing broken at message {index + offset}",
            )
            name = call["function"]["name"]
            _require(reply["name"] == name, f"{rid}: tool name mismatch at {index + offset}")
            args = json.loads(call["function"]["arguments"])
            _check_args(name, args, f"{rid} {call['id']}")
            calls.append((name, args, reply["content"]))
        index += 1 + len(tool_calls)
    final = messages[-1]
    _require(
        final["role"] == "assistant" and isinstance(final["content"], str) and final["content"].strip()
        and not final.get("tool_calls"),
        f"{rid}: last message must be a plain assistant answer",
    )
    turns = sum(1 for m in messages if m["role"] == "assistant")
    _require(4 <= turns <= 9, f"{rid}: {turns} assistant turns (want 4-9)")
    return calls


def check_outputs(rid, calls):
    for name, args, output in calls:
        for leak in LEAK_RES:
            _require(not leak.search(output), f"{rid}: output leaks {leak.pattern!r}: {args}")
        if name == "str_replace_editor":
            _require(not output.startswith("Error"), f"{rid}: editor call failed: {output}")
            if args["command"] == "str_replace":
                _require(output == f"The file {args['path']} has been edited.", f"{rid}: str_replace")
        else:
            _require("/tmp" not in args["command"], f"{rid}: command uses /tmp")
    last_name, last_args, last_output = calls[-1]
    _require(
        last_name == "bash" and "python3 -m pytest" in last_args["command"],
        f"{rid}: the last tool call must run the tests",
    )
    _require("[exit status" not in last_output, f"{rid}: final test run failed:\n{last_output}")
    _require(re.search(r"\d+ passed in", last_output), f"{rid}: final test run passed nothing")


def _is_test_path(path):
    return path.startswith("tests/")


def fails_before_fix(spec, calls):
    """Replay setup + test-file edits only, then the final test command."""
    scratch = tempfile.mkdtemp(prefix="pivot-swe-")
    try:
        root = fresh_copy(spec["repo"], scratch)
        for command in spec["setup"]:
            run_bash(root, command)
        for name, args, _output in calls:
            if name == "str_replace_editor" and args["command"] != "view" and _is_test_path(args["path"]):
                run_editor(root, args)
        output = run_bash(root, calls[-1][1]["command"])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return "[exit status" in output


def check_baselines(repo_names):
    for repo in repo_names:
        scratch = tempfile.mkdtemp(prefix="pivot-swe-")
        try:
            root = fresh_copy(repo, scratch)
            output = run_bash(root, "python3 -m pytest -q -p no:cacheprovider")
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        _require("[exit status" not in output, f"repos/{repo}: its own tests fail:\n{output}")


def self_check(specs, path):
    try:
        return _self_check(specs, path)
    except CheckError as error:
        print(f"SELF-CHECK FAILED: {error}")
        return 1


def _self_check(specs, path):
    repo_names = sorted(n for n in os.listdir(REPOS) if os.path.isdir(os.path.join(REPOS, n)))
    check_baselines(repo_names)

    with open(path, encoding="utf-8") as handle:
        stored = [json.loads(line) for line in handle]
    _require(len(stored) == len(specs), "record count differs from spec count")
    ids = [r["id"] for r in stored]
    _require(len(set(ids)) == len(ids), "duplicate trajectory ids")

    with ThreadPoolExecutor(WORKERS) as pool:
        first = list(pool.map(replay, specs))
        second = list(pool.map(replay, specs))
    for record, (again1, _c1, diff), (again2, _c2, _d2) in zip(stored, first, second, strict=True):
        _require(again1 == record, f"{record['id']}: replay 1 differs from the stored record")
        _require(again2 == record, f"{record['id']}: replay 2 differs from the stored record")
        _require(
            any(line.startswith("+++ b/") and not line.startswith("+++ b/tests/") for line in diff.splitlines()),
            f"{record['id']}: does not change the package source",
        )

    all_calls = {}
    for record in stored:
        calls = check_structure(record, repo_names)
        check_outputs(record["id"], calls)
        all_calls[record["id"]] = calls

    fail_checked = 0
    with ThreadPoolExecutor(WORKERS) as pool:
        jobs = {}
        for spec in specs:
            calls = all_calls[spec["id"]]
            touches_tests = spec["setup"] or any(
                n == "str_replace_editor" and a["command"] != "view" and _is_test_path(a["path"])
                for n, a, _o in calls
            )
            if touches_tests:
                jobs[spec["id"]] = pool.submit(fails_before_fix, spec, calls)
        for rid, job in jobs.items():
            _require(job.result(), f"{rid}: its tests already pass without the fix")
            fail_checked += 1

    print_counts(stored, all_calls, repo_names, fail_checked)
    titles = {r["messages"][1]["content"].splitlines()[0] for r in stored}
    used_repos = {r["env"]["repo"] for r in stored}
    _require(len(stored) >= 24, "fewer than 24 trajectories")
    _require(len(used_repos) >= 3 and len(titles) >= 10, "need >= 10 issues across >= 3 repos")
    print("self-check passed")
    return 0


def print_counts(stored, all_calls, repo_names, fail_checked):
    by_repo = collections.Counter(r["env"]["repo"] for r in stored)
    issues = collections.defaultdict(set)
    for r in stored:
        issues[r["env"]["repo"]].add(r["messages"][1]["content"].splitlines()[0])
    editor = collections.Counter()
    bash_calls = 0
    for calls in all_calls.values():
        for name, args, _output in calls:
            if name == "bash":
                bash_calls += 1
            else:
                editor[args["command"]] += 1
    turns = [sum(1 for m in r["messages"] if m["role"] == "assistant") for r in stored]
    print(f"repos: {len(repo_names)} ({', '.join(repo_names)})")
    for repo in repo_names:
        print(f"  {repo}: {by_repo[repo]} trajectories, {len(issues[repo])} issues")
    print(f"trajectories: {len(stored)} ({sum(1 for r in stored if r['env']['setup'])} with setup)")
    print(f"distinct issues: {sum(len(v) for v in issues.values())}")
    print(f"assistant turns: {sum(turns)} (min {min(turns)}, max {max(turns)} per trajectory)")
    print(f"bash calls: {bash_calls}")
    print(f"editor calls: {sum(editor.values())} ({', '.join(f'{k} {editor[k]}' for k in sorted(editor))})")
    print(f"trajectories whose new tests fail before the fix: {fail_checked}")
