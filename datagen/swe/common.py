"""Shared pieces for the swe trajectories: prompt, tool schemas and step builders.

A trajectory spec is a dict made with :func:`traj`. Its ``steps`` are tool
calls made with :func:`bash`, :func:`view`, :func:`replace`, :func:`insert`,
:func:`create` or :func:`pytest`. Some arguments are *resolvers*: functions of
the repository root that are evaluated just before the call is replayed (for
example :func:`def_range`, which finds the line range of a function), so that
recorded view ranges and insert lines always match the files. The resolved
value is what gets recorded.
"""

import os
import re

SYSTEM_PROMPT = (
    "You are a software engineering agent working in the repository at /work. "
    "Use the bash tool to run commands and str_replace_editor to view and edit files. "
    "Run the tests before you finish."
)

BASH_TOOL = {
    "type": "function",
    "function": {
        "name": "bash",
        "description": "Run a bash command in the repository root and return its output and exit status.",
        "parameters": {
            "type": "object",
            "properties": {"command": {"type": "string"}},
            "required": ["command"],
            "additionalProperties": False,
        },
    },
}

EDITOR_TOOL = {
    "type": "function",
    "function": {
        "name": "str_replace_editor",
        "description": (
            "View, create and edit files. view shows a file with line numbers (optionally a "
            "[start, end] line range, 1-based, inclusive) or lists a directory; create writes "
            "file_text to a new file; str_replace replaces the single exact occurrence of old_str "
            "with new_str; insert inserts new_str after line insert_line (0 = at the top)."
        ),
        "parameters": {
            "type": "object",
            "properties": {
                "command": {"type": "string", "enum": ["view", "create", "str_replace", "insert"]},
                "path": {"type": "string"},
                "file_text": {"type": "string"},
                "old_str": {"type": "string"},
                "new_str": {"type": "string"},
                "insert_line": {"type": "integer", "minimum": 0},
                "view_range": {
                    "type": "array",
                    "items": {"type": "integer"},
                    "minItems": 2,
                    "maxItems": 2,
                },
            },
            "required": ["command", "path"],
            "additionalProperties": False,
        },
    },
}

TOOLS = [BASH_TOOL, EDITOR_TOOL]

PYTEST = "python3 -m pytest -q -p no:cacheprovider"


# ---------------------------------------------------------------- steps


def bash(command):
    return ("bash", {"command": command})


def pytest(*targets):
    """Run the tests the way every trajectory does (targets may be empty)."""
    return bash(" ".join((PYTEST, *targets)))


def view(path, view_range=None):
    args = {"command": "view", "path": path}
    if view_range is not None:
        args["view_range"] = view_range
    return ("str_replace_editor", args)


def replace(path, old_str, new_str):
    return (
        "str_replace_editor",
        {"command": "str_replace", "path": path, "old_str": old_str, "new_str": new_str},
    )


def insert(path, insert_line, new_str):
    return (
        "str_replace_editor",
        {"command": "insert", "path": path, "insert_line": insert_line, "new_str": new_str},
    )


def create(path, file_text):
    return ("str_replace_editor", {"command": "create", "path": path, "file_text": file_text})


def traj(tid, repo, issue, steps, final, setup=()):
    """A trajectory spec. ``final`` may use {passed}: the count of the last pytest run."""
    return {
        "id": tid,
        "repo": repo,
        "issue": issue.strip("\n"),
        "setup": list(setup),
        "steps": list(steps),
        "final": final,
    }


# ---------------------------------------------------------------- resolvers


def _file_lines(root, path):
    with open(os.path.join(root, path), encoding="utf-8") as handle:
        text = handle.read()
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    return lines


def _find(lines, pattern, path):
    for number, line in enumerate(lines, 1):
        if pattern in line:
            return number
    raise LookupError(f"{pattern!r} not found in {path}")


def def_range(path, pattern, before=0, after=0):
    """[start, end] of the block (def/class/...) whose first line contains *pattern*.

    The block ends at the last non-blank line before the next line indented no
    deeper than the block's first line. *before*/*after* widen the range.
    """

    def resolve(root):
        lines = _file_lines(root, path)
        first = _find(lines, pattern, path)
        indent = len(lines[first - 1]) - len(lines[first - 1].lstrip())
        last = first
        for number in range(first + 1, len(lines) + 1):
            line = lines[number - 1]
            if not line.strip():
                continue
            if len(line) - len(line.lstrip()) <= indent:
                break
            last = number
        return [max(1, first - before), min(len(lines), last + after)]

    return resolve


def line_range(path, pattern, before=0, after=0):
    """[start, end] around the first line containing *pattern*."""

    def resolve(root):
        lines = _file_lines(root, path)
        found = _find(lines, pattern, path)
        return [max(1, found - before), min(len(lines), found + after)]

    return resolve


def line_of(path, pattern, offset=0):
    """Line number of the first line containing *pattern* (plus *offset*)."""

    def resolve(root):
        return _find(_file_lines(root, path), pattern, path) + offset

    return resolve


def end_of(path):
    """Number of lines in *path* (insert there = append)."""

    def resolve(root):
        return len(_file_lines(root, path))

    return resolve


# ---------------------------------------------------------------- output helpers

_PASSED_RE = re.compile(r"(\d+) passed")


def passed_count(output):
    found = _PASSED_RE.findall(output)
    return int(found[-1]) if found else 0
