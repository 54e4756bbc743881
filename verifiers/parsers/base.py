"""What every tool-call format module shares: the context a parse sees (the pivot's tools),
the format record the registry holds, and small helpers for building actions."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pivotrl.verifiers.action import Action, ToolCall
from pivotrl.verifiers.parsers.schema_values import ToolSpecs
from pivotrl.verifiers.parsers.tool_json import ToolCallSyntaxError

__all__ = ["ParseContext", "ToolCallFormat", "ToolCallSyntaxError", "call_name", "calls_action", "find_any"]


@dataclass(frozen=True)
class ParseContext:
    """What a format parser may look at besides the text: the pivot's tools (to type XML
    values and check names) and the tool a fenced ```bash block calls."""

    tools: ToolSpecs = field(default_factory=dict)
    shell_tool: str = "bash"


ParseFn = Callable[[str, ParseContext], "Action | None"]
LocateFn = Callable[[str], int]


@dataclass(frozen=True)
class ToolCallFormat:
    """A named tool-call syntax (the names vLLM's ``--tool-call-parser`` uses).

    ``parse(text, ctx)`` returns an Action holding the calls and the prose around them, None
    when the text holds no call in this format, and raises ToolCallSyntaxError for a call
    that was started but cannot be read. ``locate(text)`` gives where the first call starts
    (-1: none), for automatic detection; formats without one are recognised only by their
    shape (the whole output is the call) and are tried after the others.
    """

    name: str
    parse: ParseFn
    locate: LocateFn | None = None
    description: str = ""
    aliases: tuple[str, ...] = ()
    #: strings ``locate`` needs to find anything (a cheap filter before it runs; () = always run it)
    markers: tuple[str, ...] = ()

    def __call__(self, text: str, ctx: ParseContext | None = None) -> Action | None:
        return self.parse(text, ctx or ParseContext())


def find_any(text: str, markers: Sequence[str], end: int | None = None) -> int:
    """The earliest position of any of ``markers`` in ``text[:end]`` (-1: none)."""
    best = -1
    for marker in markers:
        limit = len(text) if best < 0 else best + len(marker)
        if end is not None:
            limit = min(limit, end)
        i = text.find(marker, 0, limit)
        if i >= 0 and (best < 0 or i < best):
            best = i
    return best


_NAME = re.compile(r"[A-Za-z_][\w.\-:/]*")


def call_name(raw: str, what: str) -> str:
    """A function name as written, stripped; rejects empty names and names with spaces or
    markup (a sign the syntax was misread, not a real tool)."""
    name = raw.strip()
    if not name:
        raise ToolCallSyntaxError(f"{what} has no function name")
    if not _NAME.fullmatch(name) or len(name) > 256:
        raise ToolCallSyntaxError(f"{what} has an invalid function name {name[:80]!r}")
    return name


def calls_action(calls: Sequence[ToolCall], prose: Sequence[str] | str, fmt: str,
                 reasoning: str | None = None) -> Action:
    """An Action of kind ``tool_calls`` (or ``text`` when there are no calls) with the prose
    parts joined and trimmed; call ids are numbered where the format gives none."""
    text = prose if isinstance(prose, str) else "".join(prose)
    numbered = tuple(c if c.id else ToolCall(c.name, c.arguments, id=f"call_{i}") for i, c in enumerate(calls))
    if not numbered:
        return Action(kind="text", text=text.strip(), format=fmt, reasoning=reasoning)
    return Action(kind="tool_calls", text=text.strip(), tool_calls=numbered, format=fmt, reasoning=reasoning)


def json_arguments(value: Any, what: str) -> dict[str, Any]:
    """Arguments decoded from JSON must be an object (``null`` and absent mean none)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ToolCallSyntaxError(f"{what} arguments must be a JSON object, found {type(value).__name__}")
    return value
