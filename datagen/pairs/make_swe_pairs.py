"""Build the swe labeled agreement set (swe.pairs.jsonl + swe.pivots.jsonl): pivots from the
shipped swe trajectories (bash and str_replace_editor turns), candidates made by named rules
(the same edit through python or sed instead of the editor, the same view through awk, pytest
with other equivalent flags; near misses: the wrong file, off-by-one lines, a partial or no-op
edit, a test run that writes a cache, hard-coded output), kept only where execution on the
pivot's repository and two perturbed repositories agrees with the label.

Run: ``.venv/bin/python -m pivotrl.datagen.pairs.make_swe_pairs [--out DIR]`` (default: the shipped
``benchmarks/data``; needs Docker and the built sandbox image; results are cached, a rerun takes seconds)."""

from __future__ import annotations

import json
import random
import re
import shlex
import sys
from typing import Any

from pivotrl.pivot_envs.records import Pivot
from pivotrl.sandboxes import StateSpec
from pivotrl.verifiers.shell_exec import state_spec

from .make_terminal_pairs import steps_of
from .summary import run_builder
from .terminal_rules import context_rewrites, substitution_rewrites, wrapper_rewrites
from .terminal_swe_exec import (
    Candidate,
    Outcome,
    bash_message,
    build_set,
    tool_message,
)

SEED = 20260306
BUDGET = 940_000
TARGET = 340
PER_PIVOT = 6
FIXTURES = ("pivot", "extra_passing_tests_and_code", "extra_failing_test_and_module")
EXTRA_PASS = '''"""Extra tests of this fixture: the suite grows."""


def test_fixture_arithmetic():
    assert 2 + 2 == 4


def test_fixture_strings():
    assert "a,b".split(",") == ["a", "b"]
'''
EXTRA_FAIL = '''"""A failing test of this fixture: the suite's exit status changes."""


def test_fixture_known_failure():
    assert sum([1, 2]) == 4
'''
HELPER = '\n\ndef _fixture_helper(value):\n    """Unrelated code of this fixture."""\n    return value\n'


def perturb(files: dict[str, str], variant: int) -> dict[str, str]:
    """Variant 1: package modules gain an unrelated function, the tests gain a passing file and the
    README a line. Variant 2: a failing test file, a new module, the README's last line gone."""
    out = dict(files)
    package = sorted({p.split("/")[0] for p in files if p.endswith("__init__.py") and not p.startswith("tests")})[0]
    if variant == 1:
        for path, text in files.items():
            if path.startswith(package + "/") and path.endswith(".py") and not path.endswith("__init__.py"):
                out[path] = text + HELPER
        out["tests/test_fixture_extra.py"] = EXTRA_PASS
        out["README.md"] = files.get("README.md", "") + "\nThis copy is a test fixture.\n"
    else:
        out["tests/test_fixture_fail.py"] = EXTRA_FAIL
        out[f"{package}/fixture_extra.py"] = '"""A module of this fixture."""\n\nVALUE = 1\n'
        lines = files.get("README.md", "").rstrip("\n").split("\n")
        out["README.md"] = "\n".join(lines[:-1]) + "\n"
    return out


def fixtures_for(pivot: Pivot) -> list[tuple[str, StateSpec]]:
    base = state_spec(pivot)
    return [(FIXTURES[0], base)] + [(FIXTURES[v], StateSpec(perturb(dict(base.files), v), base.setup, base.replay))
                                    for v in (1, 2)]


def call_of(pivot: Pivot) -> tuple[str, dict[str, Any]]:
    call = pivot.reference["tool_calls"][0]["function"]
    return call["name"], json.loads(call["arguments"])


def kind_of(pivot: Pivot) -> str:
    name, args = call_of(pivot)
    if name == "str_replace_editor":
        return "edit" if args["command"] in ("str_replace", "insert", "create") else "view"
    return "pytest" if "pytest" in args["command"] else "bash"


def pool(pivots: list[Pivot]) -> list[Pivot]:
    """Per trajectory, the earliest turn of each kind (an edit, a view, a test run, other bash)
    and a second edit: every kind of turn, at a cost the generator can run in minutes."""
    chosen: list[Pivot] = []
    by_traj: dict[str, list[Pivot]] = {}
    for p in pivots:
        if p.reference.get("tool_calls"):
            by_traj.setdefault(p.source["trajectory_id"], []).append(p)
    for items in by_traj.values():
        picked: list[Pivot] = []
        for kind, limit in (("edit", 2), ("view", 1), ("pytest", 1), ("bash", 1)):
            picked += [p for p in items if kind_of(p) == kind][:limit]
        chosen.extend(sorted(picked, key=lambda p: p.source["turn"]))
    return chosen


def _py(script: str, *args: str) -> str:
    return "python3 -c " + shlex.quote(script) + "".join(" " + shlex.quote(a) for a in args)


REPLACE = ('import sys; p, old, new = sys.argv[1:]; s = open(p).read(); assert s.count(old) == 1; '
           'open(p, "w").write(s.replace(old, new, 1))')
INSERT = ('import sys; p, at, text = sys.argv[1], int(sys.argv[2]), sys.argv[3]; lines = open(p).read().split("\\n"); '
          'lines[at:at] = text.split("\\n"); open(p, "w").write("\\n".join(lines))')
VIEW_RANGE = "awk 'NR >= {a} && NR <= {b} {{printf \"%6d\\t%s\\n\", NR, $0}}' {path}"
VIEW_ALL = "awk '{{printf \"%6d\\t%s\\n\", NR, $0}} END {{printf \"%6d\\t\\n\", NR + 1}}' {path}"


def _sed_escape(text: str, replacement: bool) -> str:
    special = r"\&/" if replacement else r"\.[]*^$/"
    return "".join("\\" + ch if ch in special else ch for ch in text)


def _mutate_value(text: str) -> str | None:
    match = re.search(r"\d+", text)
    if match:
        return text[: match.start()] + str(int(match.group()) + 1) + text[match.end():]
    for a, b in (("<=", "<"), (" == ", " != "), (" < ", " <= "), ("split()", "split(' ')")):
        if a in text:
            return text.replace(a, b, 1)
    return None


def editor_rewrites(args: dict[str, Any], existing: dict[str, str], ref: Outcome,
                    read_only: bool) -> list[tuple[str, str, dict[str, Any], bool, str]]:
    """(category, rule, message, equivalent, stdout mode) for an editor reference."""
    cmd, path = args["command"], args["path"]
    out: list[tuple[str, str, dict[str, Any], bool, str]] = []
    folder = path.rpartition("/")[0]
    peers = sorted(p for p, k in existing.items() if k == "F" and p != path and p.rpartition("/")[0] == folder
                   and p.endswith(".py"))
    wrong = peers[0] if peers else None

    def editor(**kw: Any) -> dict[str, Any]:
        return tool_message("str_replace_editor", {**args, **kw})

    if cmd == "view":
        if existing.get(path) == "D":
            inner = f"cd {shlex.quote(path)} && " if path != "." else ""
            out.append(("eq/view_via_shell", "find_for_dir_view", bash_message(
                inner + "find . -maxdepth 3 -type f ! -path '*/.*' | sed 's|^\\./||' | sort"), True, "exact"))
            out.append(("neq/off_by_one", "dir_view_too_shallow", bash_message(
                inner + "find . -maxdepth 1 -type f ! -path '*/.*' | sed 's|^\\./||' | sort"), False, "exact"))
        elif "view_range" in args:
            a, b = args["view_range"]
            out.append(("eq/view_via_shell", "awk_for_view_range", bash_message(
                VIEW_RANGE.format(a=a, b=b, path=shlex.quote(path))), True, "exact"))
            out.append(("eq/view_via_shell", "sed_nl_for_view_range", bash_message(
                f"sed -n '{a},{b}p' {shlex.quote(path)} | awk '{{printf \"%6d\\t%s\\n\", NR + {a - 1}, $0}}'"),
                True, "exact"))
            out.append(("neq/off_by_one", "view_range_shifted", editor(view_range=[a + 1, b + 1]), False, "exact"))
        else:
            out.append(("eq/view_via_shell", "awk_for_view", bash_message(VIEW_ALL.format(path=shlex.quote(path))),
                        True, "exact"))
            out.append(("neq/off_by_one", "view_truncated", editor(view_range=[1, 10]), False, "exact"))
        if wrong and existing.get(path) == "F":
            out.append(("neq/wrong_file", "view_sibling", editor(path=wrong), False, "exact"))
        if ref.stdout and len(ref.stdout) <= 4000:
            out.append(("neq/hardcoded_output", "printf_stdout",
                        bash_message(f"printf '%s' {shlex.quote(ref.stdout)}"), False, "exact"))
    elif cmd == "str_replace":
        old, new = args["old_str"], args["new_str"]
        out.append(("eq/edit_via_python", "python_replace", bash_message(_py(REPLACE, path, old, new)), True, "ignore"))
        if "\n" not in old + new and "'" not in old + new:
            out.append(("eq/edit_via_sed", "sed_substitute", bash_message(
                f"sed -i 's/{_sed_escape(old, False)}/{_sed_escape(new, True)}/' {shlex.quote(path)}"), True, "ignore"))
        out.append(("neq/noop_edit", "new_equals_old", editor(new_str=old), False, "ignore"))
        if "\n" in new.strip("\n"):
            out.append(("neq/partial_edit", "drop_last_line", editor(new_str=new.rstrip("\n").rsplit("\n", 1)[0]),
                        False, "ignore"))
        mutated = _mutate_value(new)
        if mutated:
            out.append(("neq/wrong_value", "mutate_new_str", editor(new_str=mutated), False, "ignore"))
        if wrong:
            out.append(("neq/wrong_file", "edit_sibling", editor(path=wrong), False, "exact"))
    elif cmd == "insert":
        at, text = int(args["insert_line"]), args["new_str"]
        out.append(("eq/edit_via_python", "python_insert", bash_message(_py(INSERT, path, str(at), text)), True, "ignore"))
        out.append(("neq/off_by_one", "insert_line_plus_one", editor(insert_line=at + 1), False, "ignore"))
        out.append(("neq/off_by_one", "insert_line_minus_two", editor(insert_line=max(0, at - 2)), False, "ignore"))
        if "\n" in text.strip("\n"):
            out.append(("neq/partial_edit", "drop_last_line", editor(new_str=text.rstrip("\n").rsplit("\n", 1)[0]),
                        False, "ignore"))
        if wrong:
            out.append(("neq/wrong_file", "insert_sibling", editor(path=wrong), False, "ignore"))
    elif cmd == "create":
        text = args.get("file_text", "")
        folder_cmd = f"mkdir -p {shlex.quote(folder)} && " if folder else ""
        out.append(("eq/create_via_shell", "printf_create", bash_message(
            f"{folder_cmd}printf '%s' {shlex.quote(text)} > {shlex.quote(path)}"), True, "ignore"))
        if text.endswith("\n") and "\nEOF\n" not in "\n" + text:
            out.append(("eq/create_via_shell", "heredoc_create", bash_message(
                f"{folder_cmd}cat > {shlex.quote(path)} <<'EOF'\n{text}EOF"), True, "ignore"))
        out.append(("neq/wrong_path", "create_in_test_dir", editor(path=path.replace("tests/", "test/", 1)
                                                                   if "tests/" in path else "x_" + path), False, "ignore"))
        if "\n" in text.strip("\n"):
            body = text.rstrip("\n").rsplit("\n", 1)[0] + "\n"
            out.append(("neq/partial_edit", "drop_last_line", editor(file_text=body), False, "ignore"))
    return out


def pytest_rewrites(command: str) -> list[tuple[str, str, str, bool]]:
    """(category, rule, command, equivalent) for a pytest run."""
    out = []
    if "-q -p no:cacheprovider" in command:
        out.append(("eq/flag_order", "pytest_flag_order", command.replace("-q -p no:cacheprovider",
                                                                         "-p no:cacheprovider -q"), True))
        out.append(("eq/long_option", "pytest_quiet_long", command.replace(" -q ", " --quiet "), True))
        out.append(("neq/side_file", "pytest_writes_cache", command.replace(" -p no:cacheprovider", ""), False))
    if command.startswith("python3 -m pytest"):
        out.append(("eq/entry_point", "pytest_script", command.replace("python3 -m pytest", "pytest", 1), True))
    files = re.findall(r"\s(tests/\S+\.py)", command)
    if len(files) >= 2:
        out.append(("neq/narrower_test_run", "drop_last_test_file", command.replace(" " + files[-1], "", 1), False))
    elif len(files) == 1:
        out.append(("neq/wider_test_run", "whole_suite", command.replace(" " + files[0], "", 1), False))
    else:
        out.append(("neq/narrower_test_run", "one_test_file", command + " tests/test_fixture_missing.py", False))
    out.append(("neq/flag_changes_effect", "pytest_verbose", command.replace("-q", "-v", 1), False))
    return out


def python_c_rewrites(command: str) -> list[tuple[str, str, str, bool]]:
    try:
        argv = shlex.split(command)
    except ValueError:
        return []
    if len(argv) != 3 or argv[:2] != ["python3", "-c"]:
        return []
    code = argv[2]
    out = [("eq/python_stdin", "python_heredoc", f"python3 - <<'EOF'\n{code}\nEOF", True)]
    mutated = _mutate_value(code)
    if mutated:
        out.append(("neq/wrong_value", "mutate_literal", "python3 -c " + shlex.quote(mutated), False))
    return out


def candidates_for(pivot: Pivot, existing: dict[str, str], ref: Outcome, read_only: bool,
                   rng: random.Random) -> list[Candidate]:
    name, args = call_of(pivot)
    made: list[tuple[str, str, dict[str, Any], bool, str]] = []
    if name == "str_replace_editor":
        made = editor_rewrites(args, existing, ref, read_only)
    else:
        command = args["command"]
        special = pytest_rewrites(command) if "pytest" in command else python_c_rewrites(command)
        generic = substitution_rewrites(command) + wrapper_rewrites(command) + context_rewrites(
            command, existing, ref.stdout, read_only)
        rng.shuffle(generic)
        made = [(c, r, bash_message(cmd), eq, "exact") for c, r, cmd, eq in special]
        made += [(r.category, r.rule, bash_message(r.command), r.equivalent, r.stdout) for r in generic]
    out: list[Candidate] = []
    seen: set[str] = set()
    for category, rule, message, equivalent, stdout in made:
        key = json.dumps(message, sort_keys=True)
        if key in seen or sum(c.equivalent == equivalent for c in out) >= 3:
            continue
        seen.add(key)
        out.append(Candidate(pivot.id, message, equivalent, category, rule, stdout))
    return out


def main(argv: list[str] | None = None) -> int:
    return run_builder(__doc__, lambda out: build_set(
        "swe", out, seed=SEED, budget=BUDGET, target=TARGET, per_pivot=PER_PIVOT, pool=pool,
        fixtures_for=fixtures_for, steps_of=steps_of, candidates_for=candidates_for), argv)


if __name__ == "__main__":
    sys.exit(main())
