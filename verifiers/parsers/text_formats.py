"""Tool calls written into plain model text: Hermes/Qwen blocks, bare JSON, fenced bash."""

from __future__ import annotations

import json
import re

from pivotrl.verifiers.action import Action, ToolCall
from pivotrl.verifiers.parsers.tool_json import (
    ToolCallSyntaxError,
    call_from_object,
    loads,
    looks_like_call,
)

_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+-]*)[ \t]*\n(.*?)(?:```|\Z)", re.DOTALL)
_SHELL_LANGS = {"bash", "sh", "shell", "console", "zsh"}


_OPEN_TAG, _CLOSE_TAG = "<tool_call>", "</tool_call>"


def parse_hermes(text: str) -> Action | None:
    """``<tool_call>{json}</tool_call>`` blocks, several allowed; a last block cut off by
    the token limit is read to the end. None if there are none."""
    start = text.find(_OPEN_TAG)
    if start < 0:
        return None
    calls: list[ToolCall] = []
    prose: list[str] = [text[:start]]
    while start >= 0:
        body_start = start + len(_OPEN_TAG)
        end = text.find(_CLOSE_TAG, body_start)
        body = text[body_start:] if end < 0 else text[body_start:end]
        what = f"<tool_call> block {len(calls) + 1}"
        body = body.strip()
        if not body:
            raise ToolCallSyntaxError(f"{what} is empty")
        calls.append(call_from_object(loads(body, what), what, call_id=f"call_{len(calls)}"))
        if end < 0:
            break
        after = end + len(_CLOSE_TAG)
        start = text.find(_OPEN_TAG, after)
        prose.append(text[after:] if start < 0 else text[after:start])
    return Action(kind="tool_calls", text="".join(prose).strip(), tool_calls=tuple(calls), format="hermes")


def _unfence_json(text: str) -> str:
    match = re.fullmatch(r"```[ \t]*(?:json)?[ \t]*\n(.*?)\n?```", text.strip(), re.DOTALL)
    return match.group(1) if match else text


def parse_bare_json(text: str) -> Action | None:
    """The whole output is a JSON tool call (or a list of them); None when it is not."""
    body = _unfence_json(text).strip()
    if not body or body[0] not in "[{":
        return None
    try:
        obj = json.loads(body)
    except (ValueError, RecursionError):
        return None  # JSON-looking prose stays prose
    if isinstance(obj, dict) and isinstance(obj.get("tool_calls"), list):
        obj = obj["tool_calls"]
    if not looks_like_call(obj):
        return None
    items = obj if isinstance(obj, list) else [obj]
    calls = tuple(call_from_object(o, f"tool call {i + 1}", call_id=f"call_{i}") for i, o in enumerate(items))
    return Action(kind="tool_calls", tool_calls=calls, format="json")


def parse_shell_fences(text: str, shell_tool: str) -> Action | None:
    """Fenced ```bash blocks become one ``shell_tool`` call each; None when there are none."""
    calls: list[ToolCall] = []
    for match in _FENCE.finditer(text):
        if match.group(1).lower() in _SHELL_LANGS:
            command = match.group(2).rstrip("\n")
            if command.strip():
                calls.append(ToolCall(shell_tool, {"command": command}, id=f"call_{len(calls)}"))
    if not calls:
        return None
    prose = _FENCE.sub(lambda m: "" if m.group(1).lower() in _SHELL_LANGS else m.group(0), text).strip()
    return Action(kind="tool_calls", text=prose, tool_calls=tuple(calls), format="bash")
