"""JSON tool calls written into model text: Hermes/Qwen ``<tool_call>`` blocks, bare JSON
(Llama 3.x ``{"name", "parameters"}``, after an optional ``<|python_tag|>``), and fenced
```bash blocks as calls of the shell tool."""

from __future__ import annotations

import json
import re

from pivotrl.verifiers.action import Action, ToolCall
from pivotrl.verifiers.parsers.base import ParseContext, calls_action
from pivotrl.verifiers.parsers.tool_json import (
    ToolCallSyntaxError,
    call_from_object,
    loads,
    looks_like_call,
)

_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+-]*)[ \t]*\n(.*?)(?:```|\Z)", re.DOTALL)
_SHELL_LANGS = {"bash", "sh", "shell", "console", "zsh"}
_OPEN_TAG, _CLOSE_TAG = "<tool_call>", "</tool_call>"
_PYTHON_TAG = "<|python_tag|>"
_DECODER = json.JSONDecoder()


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _calls_from_json(value: object, what: str, first_index: int) -> list[ToolCall]:
    items = value if isinstance(value, list) else [value]
    return [call_from_object(o, f"{what} call {first_index + i + 1}" if isinstance(value, list) else what)
            for i, o in enumerate(items)]


def locate_hermes(text: str) -> int:
    """The first ``<tool_call>`` that is not Qwen3 XML (``<function=`` next), an ``<invoke>``
    block or GLM (a name next): JSON, or anything else, which then fails as broken JSON rather
    than as prose."""
    start = text.find(_OPEN_TAG)
    while start >= 0:
        body = start + len(_OPEN_TAG)
        while body < len(text) and text[body] in " \t\r\n":
            body += 1
        if body >= len(text):
            return start
        char = text[body]
        if not (char.isalnum() or char == "_" or text.startswith(("<function=", "<invoke "), body)):
            return start
        start = text.find(_OPEN_TAG, body)
    return -1


def parse_hermes(text: str, ctx: ParseContext | None = None) -> Action | None:
    """``<tool_call>{json}</tool_call>`` blocks, several allowed (a block may hold a list); a
    last block cut off by the token limit is read to the end. None if there are none."""
    start = text.find(_OPEN_TAG)
    if start < 0:
        return None
    calls: list[ToolCall] = []
    prose: list[str] = [text[:start]]
    blocks = 0
    while start >= 0:
        blocks += 1
        body_start = start + len(_OPEN_TAG)
        end = text.find(_CLOSE_TAG, body_start)
        body = (text[body_start:] if end < 0 else text[body_start:end]).strip()
        what = f"<tool_call> block {blocks}"
        if not body:
            raise ToolCallSyntaxError(f"{what} is empty")
        calls.extend(_calls_from_json(loads(body, what), what, len(calls)))
        if end < 0:
            break
        after = end + len(_CLOSE_TAG)
        start = text.find(_OPEN_TAG, after)
        prose.append(text[after:] if start < 0 else text[after:start])
    return calls_action(calls, prose, "hermes")


def _unfence_json(text: str) -> str:
    match = re.fullmatch(r"```[ \t]*(?:json)?[ \t]*\n(.*?)\n?```", text.strip(), re.DOTALL)
    return match.group(1) if match else text


def locate_python_tag(text: str) -> int:
    return text.find(_PYTHON_TAG)


def parse_bare_json(text: str, ctx: ParseContext | None = None) -> Action | None:
    """The whole output is JSON tool calls: one object, a list, or several objects separated
    by ``;`` (Llama 3.x), optionally after ``<|python_tag|>`` or in a ```json fence. None when
    it is not (JSON-looking prose stays prose); after ``<|python_tag|>`` a bad call is an error."""
    tagged = _PYTHON_TAG in text
    prose = ""
    if tagged:
        prose, _, text = text.partition(_PYTHON_TAG)
    body = _unfence_json(text).strip()
    if not body or body[0] not in "[{":
        if tagged:
            raise ToolCallSyntaxError("<|python_tag|> is not followed by a JSON tool call")
        return None
    values: list[object] = []
    try:
        try:
            values.append(json.loads(body))  # the common case: one JSON value
        except json.JSONDecodeError:  # several, separated by ';' (Llama 3.x)
            values.clear()
            pos = 0
            while pos < len(body):
                value, pos = _DECODER.raw_decode(body, pos)
                values.append(value)
                pos = _skip_space(body, pos)
                if body.startswith((";", ","), pos):
                    pos = _skip_space(body, pos + 1)
    except (ValueError, RecursionError):
        if tagged:
            raise ToolCallSyntaxError("<|python_tag|> is followed by JSON that cannot be decoded") from None
        return None  # JSON-looking prose stays prose
    if isinstance(values[0], dict) and len(values) == 1 and isinstance(values[0].get("tool_calls"), list):
        values = list(values[0]["tool_calls"])
    if not values or not all(looks_like_call(v) for v in values):
        if tagged:
            raise ToolCallSyntaxError("<|python_tag|> is not followed by a JSON tool call")
        return None
    calls: list[ToolCall] = []
    for value in values:
        calls.extend(_calls_from_json(value, "tool call", len(calls)))
    return calls_action(calls, prose, "json")


def in_shell_fence(text: str, pos: int) -> bool:
    """Whether ``pos`` lies inside a fenced ```bash block (a command may mention any marker)."""
    if "```" not in text:
        return False
    for match in _FENCE.finditer(text):
        if match.start() > pos:
            return False
        if match.start(2) <= pos < match.end(2):
            return match.group(1).lower() in _SHELL_LANGS
    return False


def parse_shell_fences(text: str, ctx: ParseContext | None = None) -> Action | None:
    """Fenced ```bash blocks become one call of the shell tool each; None when there are none."""
    shell_tool = (ctx or ParseContext()).shell_tool
    calls: list[ToolCall] = []
    for match in _FENCE.finditer(text):
        if match.group(1).lower() in _SHELL_LANGS:
            command = match.group(2).rstrip("\n")
            if command.strip():
                calls.append(ToolCall(shell_tool, {"command": command}, id=f"call_{len(calls)}"))
    if not calls:
        return None
    prose = _FENCE.sub(lambda m: "" if m.group(1).lower() in _SHELL_LANGS else m.group(0), text)
    return calls_action(calls, prose, "bash")
