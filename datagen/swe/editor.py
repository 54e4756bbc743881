"""The ``str_replace_editor`` tool, as replayed by ``make_trajectories.py``.

This module is the reference for the tool's semantics. The sandbox of the
``pivot/swe-v0`` environment must implement the same behaviour so that replayed
calls give byte-identical outputs. Standard library only.

Call: ``run_editor(root, args)`` where *root* is the repository root (the
working directory of the episode) and *args* is the decoded JSON arguments
object. Returns the tool message text (a str). The tool never raises for bad
input; it returns a message starting with ``"Error: "`` and changes nothing.

Paths
    ``args["path"]`` is relative to the repository root ("." is the root).
    It is joined to the root with ``os.path.join`` and normalised with
    ``os.path.normpath``. Messages quote ``path`` exactly as it was given.
    A missing or non-string ``path`` gives ``Error: missing path``.

Text
    Files are read and written as UTF-8 with ``newline=""`` (no newline
    translation). "Lines" are ``text.split("\\n")``, minus the last element
    when the text ends with "\\n" (so "a\\nb\\n" has 2 lines, "" has 0).

``view``
    * Path does not exist: ``Error: {path} does not exist``.
    * Directory: the files (not directories) below it whose path relative to
      the viewed directory has at most 2 components, skipping every entry
      whose name starts with "." (hidden files and everything inside hidden
      directories) and ``__pycache__`` directories. Each is printed as its
      path relative to the repository root, "/"-separated, sorted with plain
      ``sorted()`` (code-point order), one per line, joined with "\\n" and no
      trailing newline. ``view_range`` is ignored for directories.
    * File: each line as ``f"{number:6}\\t{line}"`` (1-based numbers), joined
      with "\\n", no trailing newline. With ``view_range`` ``[start, end]``
      only lines start..end (inclusive) are shown; ``end`` may be -1 meaning
      the last line. The range is valid when 1 <= start <= number of lines
      and (end == -1 or start <= end <= number of lines); otherwise
      ``Error: invalid view_range [{start}, {end}] for {path} ({n} lines)``.
      A ``view_range`` that is not a list of two integers gives
      ``Error: view_range must be a list of two integers, got {view_range!r}``.
      An empty file views as "" (empty string).

``create``
    Requires ``file_text`` (str), else ``Error: missing file_text``. If the
    path already exists: ``Error: {path} already exists``. Otherwise creates
    missing parent directories, writes ``file_text`` verbatim and returns
    ``File created successfully at: {path}``.

``str_replace``
    Requires ``old_str`` (str), else ``Error: missing old_str``; ``new_str``
    defaults to "" (deletion). The path must be an existing file, else
    ``Error: {path} does not exist``. With N = ``text.count(old_str)``:
    N == 0 gives ``Error: old_str not found in {path}``; N > 1 gives
    ``Error: old_str occurs {N} times in {path}``; N == 1 replaces that one
    occurrence, writes the file and returns ``The file {path} has been edited.``

``insert``
    Requires ``insert_line`` (int, not bool) and ``new_str`` (str), else
    ``Error: missing insert_line`` / ``Error: missing new_str``. The path must
    be an existing file. Valid when 0 <= insert_line <= number of lines, else
    ``Error: insert_line {k} is out of range for {path} ({n} lines)``.
    ``new_str`` gets a trailing "\\n" appended when it does not end with one;
    if the file is non-empty and does not end with "\\n", a "\\n" is appended
    to it first. ``new_str`` is then placed after the first ``insert_line``
    lines (0 = at the top). Returns ``The file {path} has been edited.``

``str_replace`` and ``insert`` on a directory give ``Error: {path} is a
directory``. Any other ``command`` gives ``Error: unknown command {command!r}``.
"""

import os

__all__ = ["run_editor"]


def _lines(text):
    parts = text.split("\n")
    if text.endswith("\n"):
        parts.pop()
    return parts if text else []


def _read(full):
    with open(full, encoding="utf-8", newline="") as handle:
        return handle.read()


def _write(full, text):
    with open(full, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)


def _list_dir(root, full):
    found = []
    for dirpath, dirnames, filenames in os.walk(full):
        rel_dir = os.path.relpath(dirpath, full)
        depth = 0 if rel_dir == "." else len(rel_dir.split(os.sep))
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and d != "__pycache__"]
        if depth >= 1:
            dirnames[:] = []
        for name in filenames:
            if name.startswith("."):
                continue
            path = os.path.relpath(os.path.join(dirpath, name), root)
            found.append(path.replace(os.sep, "/"))
    return "\n".join(sorted(found))


def _view(root, full, path, args):
    if os.path.isdir(full):
        return _list_dir(root, full)
    lines = _lines(_read(full))
    start, end = 1, len(lines)
    view_range = args.get("view_range")
    if view_range is not None:
        if (
            not isinstance(view_range, list)
            or len(view_range) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in view_range)
        ):
            return f"Error: view_range must be a list of two integers, got {view_range!r}"
        start, end = view_range
        ok = 1 <= start <= len(lines) and (end == -1 or start <= end <= len(lines))
        if not ok:
            return f"Error: invalid view_range [{start}, {end}] for {path} ({len(lines)} lines)"
        if end == -1:
            end = len(lines)
    return "\n".join(f"{number:6}\t{lines[number - 1]}" for number in range(start, end + 1))


def _str_replace(full, path, args):
    old = args.get("old_str")
    if not isinstance(old, str):
        return "Error: missing old_str"
    new = args.get("new_str", "")
    text = _read(full)
    count = text.count(old)
    if count == 0:
        return f"Error: old_str not found in {path}"
    if count > 1:
        return f"Error: old_str occurs {count} times in {path}"
    _write(full, text.replace(old, new, 1))
    return f"The file {path} has been edited."


def _insert(full, path, args):
    line = args.get("insert_line")
    if not isinstance(line, int) or isinstance(line, bool):
        return "Error: missing insert_line"
    new = args.get("new_str")
    if not isinstance(new, str):
        return "Error: missing new_str"
    text = _read(full)
    lines = _lines(text)
    if not 0 <= line <= len(lines):
        return f"Error: insert_line {line} is out of range for {path} ({len(lines)} lines)"
    if not new.endswith("\n"):
        new += "\n"
    if text and not text.endswith("\n"):
        text += "\n"
    kept = [part + "\n" for part in _lines(text)]
    _write(full, "".join(kept[:line]) + new + "".join(kept[line:]))
    return f"The file {path} has been edited."


def run_editor(root, args):
    """Run one ``str_replace_editor`` call in *root* and return its output."""
    command = args.get("command")
    path = args.get("path")
    if not isinstance(path, str) or not path:
        return "Error: missing path"
    full = os.path.normpath(os.path.join(root, path))
    if command == "create":
        text = args.get("file_text")
        if not isinstance(text, str):
            return "Error: missing file_text"
        if os.path.exists(full):
            return f"Error: {path} already exists"
        os.makedirs(os.path.dirname(full), exist_ok=True)
        _write(full, text)
        return f"File created successfully at: {path}"
    if command not in ("view", "str_replace", "insert"):
        return f"Error: unknown command {command!r}"
    if not os.path.exists(full):
        return f"Error: {path} does not exist"
    if command == "view":
        return _view(root, full, path, args)
    if os.path.isdir(full):
        return f"Error: {path} is a directory"
    if command == "str_replace":
        return _str_replace(full, path, args)
    return _insert(full, path, args)
