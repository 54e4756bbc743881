"""Replay a trajectory spec in a scratch copy of its repository and record it.

The shipped repository ``pivot_envs/data/swe/repos/<name>`` is copied to a fresh temporary directory, the
``setup`` commands run there, then every tool call runs in order. Outputs are
what the tools really printed, normalised so that they do not depend on the
machine:

* bash runs as ``bash -c COMMAND`` in the repository root with a minimal
  environment (see ``bash_env``); the output is stdout followed by stderr,
  plus a final ``[exit status N]`` line when N != 0 (on a line of its own);
* ``python3`` in a command is executed with the Python running the generator
  (the project's virtualenv, which has pytest); the recorded command still says
  ``python3``;
* the scratch directory path is replaced by ``/work`` (the sandbox workdir);
* pytest durations ("in 0.42s") become "in 0.00s".

The copy of the repository leaves out ``__pycache__``, ``*.pyc`` and
``.pytest_cache`` in case someone ran the tests inside ``repos/``.
"""

import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from pivotrl.datagen.shipped import env_data

from .common import SYSTEM_PROMPT, TOOLS, passed_count
from .editor import run_editor

REPOS = str(env_data("swe/repos"))
VENV_PYTHON = sys.executable
WORKDIR = "/work"

_PYTHON3_RE = re.compile(r"(?<![\w/.-])python3(?![\w.-])")
_DURATION_RE = re.compile(r" in \d+\.\d+s\b")


def bash_env(root):
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": root,
        "LC_ALL": "C",
        "TZ": "UTC",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def normalise(text, root):
    for variant in sorted({os.path.realpath(root), root}, key=len, reverse=True):
        text = text.replace(variant, WORKDIR)
    return _DURATION_RE.sub(" in 0.00s", text)


def run_bash(root, command):
    executed = _PYTHON3_RE.sub(VENV_PYTHON, command)
    proc = subprocess.run(
        ["bash", "-c", executed],
        cwd=root,
        capture_output=True,
        text=True,
        env=bash_env(root),
        timeout=120,
    )
    out = proc.stdout + proc.stderr
    if proc.returncode != 0:
        if out and not out.endswith("\n"):
            out += "\n"
        out += f"[exit status {proc.returncode}]"
    return normalise(out, root)


def _resolve(args, root):
    resolved = {}
    for key, value in args.items():
        if callable(value):
            value = value(root)
        resolved[key] = value
    return resolved


def fresh_copy(repo, scratch):
    root = os.path.join(scratch, "repo")
    shutil.copytree(
        os.path.join(REPOS, repo),
        root,
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache"),
    )
    return root


def _read_tree(top):
    files = {}
    for dirpath, _dirnames, filenames in os.walk(top):
        for name in filenames:
            full = os.path.join(dirpath, name)
            with open(full, encoding="utf-8", errors="replace") as handle:
                files[os.path.relpath(full, top)] = handle.read()
    return files


def repo_diff(repo, root):
    """Unified diff from the pristine repository to *root* (a development aid)."""
    before = _read_tree(os.path.join(REPOS, repo))
    after = _read_tree(root)
    chunks = []
    for path in sorted(set(before) | set(after)):
        old, new = before.get(path, ""), after.get(path, "")
        if old != new:
            chunks.extend(
                difflib.unified_diff(
                    old.splitlines(keepends=True),
                    new.splitlines(keepends=True),
                    f"a/{path}" if path in before else "/dev/null",
                    f"b/{path}" if path in after else "/dev/null",
                )
            )
    return "".join(chunks)


def replay(spec):
    """Return (record, calls, diff) for *spec*.

    calls = [(name, args, output), ...]; diff = the repository change it made.
    """
    scratch = tempfile.mkdtemp(prefix="pivot-swe-")
    try:
        root = fresh_copy(spec["repo"], scratch)
        for command in spec["setup"]:
            out = run_bash(root, command)
            if "[exit status" in out:
                raise RuntimeError(f"{spec['id']}: setup failed: {command!r}\n{out}")
        messages = [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": spec["issue"]},
        ]
        calls = []
        last_pytest = ""
        for number, (name, raw_args) in enumerate(spec["steps"], 1):
            args = _resolve(raw_args, root)
            if name == "bash":
                output = run_bash(root, args["command"])
                if "-m pytest" in args["command"]:
                    last_pytest = output
            else:
                output = run_editor(root, args)
            call_id = f"call_{number}"
            messages.append(
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": call_id,
                            "type": "function",
                            "function": {"name": name, "arguments": json.dumps(args)},
                        }
                    ],
                }
            )
            messages.append(
                {"role": "tool", "tool_call_id": call_id, "name": name, "content": output}
            )
            calls.append((name, args, output))
        final = spec["final"].format(passed=passed_count(last_pytest))
        messages.append({"role": "assistant", "content": final})
        diff = repo_diff(spec["repo"], root)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    record = {
        "id": spec["id"],
        "domain": "swe",
        "messages": messages,
        "tools": TOOLS,
        "env": {"workdir": WORKDIR, "repo": spec["repo"], "setup": spec["setup"]},
        "meta": {"repo": spec["repo"], "source": "pivotrl synthetic"},
    }
    return record, calls, diff
