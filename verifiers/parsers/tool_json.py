"""Decode tool-call JSON objects as models write them (Hermes, bare JSON, OpenAI)."""

from __future__ import annotations

import json
from typing import Any

from pivotrl.verifiers.action import ToolCall


class ToolCallSyntaxError(ValueError):
    """A tool call was attempted but cannot be decoded."""


def loads(text: str, what: str) -> Any:
    """json.loads that turns every failure (deep nesting included) into ToolCallSyntaxError."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ToolCallSyntaxError(f"{what} is not valid JSON ({exc.msg} at char {exc.pos})") from None
    except RecursionError:
        raise ToolCallSyntaxError(f"{what} is nested too deeply to decode") from None
    except (TypeError, ValueError) as exc:
        raise ToolCallSyntaxError(f"{what} cannot be decoded: {exc}") from None


def decode_arguments(raw: Any, what: str) -> dict[str, Any]:
    """Arguments arrive as a JSON string (OpenAI) or an object (Hermes); an empty string is {}."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return {}
    value = loads(raw, f"{what} arguments") if isinstance(raw, str) else raw
    if not isinstance(value, dict):
        raise ToolCallSyntaxError(f"{what} arguments must be a JSON object, found {type(value).__name__}")
    return value


def first_value(text: str, what: str, pos: int = 0) -> tuple[Any, int]:
    """The first JSON value in ``text`` from ``pos`` (leading space allowed) and where it ends:
    models often write an end marker or prose right after the JSON."""
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    try:
        return json.JSONDecoder().raw_decode(text, pos)
    except json.JSONDecodeError as exc:
        raise ToolCallSyntaxError(f"{what} is not valid JSON ({exc.msg} at char {exc.pos})") from None
    except RecursionError:
        raise ToolCallSyntaxError(f"{what} is nested too deeply to decode") from None
    except ValueError as exc:  # e.g. an integer over Python's digit limit
        raise ToolCallSyntaxError(f"{what} cannot be decoded: {exc}") from None


def call_from_object(obj: Any, what: str, call_id: str | None = None) -> ToolCall:
    """A ``{"name", "arguments"|"parameters"}`` object (or OpenAI ``{"function": {...}}``,
    or Cohere's ``{"tool_name", "parameters"}``)."""
    if not isinstance(obj, dict):
        raise ToolCallSyntaxError(f"{what} must be a JSON object, found {type(obj).__name__}")
    if isinstance(obj.get("function"), dict):
        call_id = obj.get("id") if isinstance(obj.get("id"), str) else call_id
        obj = obj["function"]
    name = obj.get("name", obj.get("tool_name"))
    if not isinstance(name, str) or not name.strip():
        raise ToolCallSyntaxError(f"{what} has no function name")
    raw_args = obj["arguments"] if "arguments" in obj else obj.get("parameters")
    return ToolCall(name=name.strip(), arguments=decode_arguments(raw_args, what), id=call_id)


def looks_like_call(obj: Any) -> bool:
    """Whether a decoded JSON value is shaped like a tool call (or a list of them)."""
    if isinstance(obj, list):
        return bool(obj) and all(looks_like_call(o) for o in obj)
    if not isinstance(obj, dict):
        return False
    if isinstance(obj.get("function"), dict):
        return "name" in obj["function"]
    return isinstance(obj.get("name", obj.get("tool_name")), str) and ("arguments" in obj or "parameters" in obj)
