"""Parse shell commands into syntax trees (tree-sitter-bash) and read their words, so that
rules about commands look at structure, never at substrings: ``echo find``, ``# find`` and
``'find'`` are an argument, a comment and a string, not a ``find`` command."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

MAX_PARSE_CHARS = 200_000  # tree-sitter parses this in milliseconds; longer input is not analysed

_local = threading.local()


@lru_cache(maxsize=1)
def _language() -> Any:
    import tree_sitter_bash
    from tree_sitter import Language

    return Language(tree_sitter_bash.language())


def _parser() -> Any:
    parser = getattr(_local, "parser", None)
    if parser is None:  # tree-sitter parsers are not thread-safe: one per thread
        from tree_sitter import Parser

        parser = _local.parser = Parser(_language())
    return parser


def parse(command: str) -> Any | None:
    """The ``program`` node of ``command``, or None when it does not parse cleanly (a syntax
    error anywhere, or over ``MAX_PARSE_CHARS``): callers then fall back to their strict rule."""
    if not isinstance(command, str) or len(command) > MAX_PARSE_CHARS:
        return None
    try:
        tree = _parser().parse(command.encode("utf-8", "surrogatepass"))
    except (ValueError, UnicodeError):
        return None
    root = tree.root_node
    return None if root.has_error else root


def text(node: Any) -> str:
    return node.text.decode("utf-8", "replace")


def _unescape_word(raw: str) -> str:
    out, i = [], 0
    while i < len(raw):
        if raw[i] == "\\" and i + 1 < len(raw):
            if raw[i + 1] != "\n":  # backslash-newline is a line continuation: nothing
                out.append(raw[i + 1])
            i += 2
        else:
            out.append(raw[i])
            i += 1
    return "".join(out)


def _unescape_double_quoted(raw: str) -> str:
    out, i = [], 0
    while i < len(raw):
        if raw[i] == "\\" and i + 1 < len(raw) and raw[i + 1] in '$`"\\\n':
            if raw[i + 1] != "\n":
                out.append(raw[i + 1])
            i += 2
        else:
            out.append(raw[i])
            i += 1
    return "".join(out)


def literal(node: Any) -> str | None:
    """The value of a word the shell passes on unchanged (quotes removed), or None when it
    holds an expansion, a substitution or a glob whose value depends on the state."""
    kind = node.type
    if kind in ("word", "number", "test_operator"):
        raw = text(node)
        if any(ch in raw for ch in "*?[") and "\\" not in raw:
            return None  # a glob: its value is the matching file names
        return _unescape_word(raw)
    if kind == "raw_string":
        return text(node)[1:-1]
    if kind == "ansi_c_string":
        return None
    if kind == "string":
        parts = []
        for child in node.children:
            if child.type == '"':
                continue
            if child.type != "string_content":
                return None
            parts.append(_unescape_double_quoted(text(child)))
        return "".join(parts)
    if kind == "concatenation":
        pieces = [literal(child) for child in node.children]
        return None if any(p is None for p in pieces) else "".join(pieces)  # type: ignore[arg-type]
    return None


def named_children(node: Any) -> list[Any]:
    return [c for c in node.children if c.is_named and c.type != "comment"]


def command_name(node: Any) -> str | None:
    """The literal name a ``command`` node runs (its path's last part), or None."""
    name = node.child_by_field_name("name")
    if name is None:
        return None
    word = name.children[0] if name.children else name
    value = literal(word)
    return value.rsplit("/", 1)[-1] if value else None


def arguments(node: Any) -> list[Any]:
    """The argument nodes of a ``command`` (after its name), in order."""
    return node.children_by_field_name("argument")


def walk(node: Any) -> Iterator[Any]:
    """Every node under ``node``, depth first, without recursion (trees can be deep)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))
