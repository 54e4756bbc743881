"""OpenAI Responses-API output as an action, as NeMo Gym sends it: a list of output items
(``function_call`` with ``name``/``arguments``/``call_id``, ``message`` with ``output_text``
parts, ``reasoning`` with summary or content text), a single item, or a whole response
object with ``output``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pivotrl.chat import content_text
from pivotrl.errors import DataError
from pivotrl.verifiers.action import Action, ToolCall
from pivotrl.verifiers.parsers.tool_json import ToolCallSyntaxError, decode_arguments

ITEM_TYPES = frozenset({"function_call", "message", "reasoning", "custom_tool_call", "function_call_output",
                        "web_search_call", "file_search_call", "computer_call", "code_interpreter_call",
                        "image_generation_call", "local_shell_call", "mcp_call", "mcp_list_tools"})


def is_responses_item(obj: Any) -> bool:
    return isinstance(obj, Mapping) and obj.get("type") in ITEM_TYPES


def responses_items(raw: Any) -> list[Mapping[str, Any]] | None:
    """The output items ``raw`` holds, or None when it is not Responses output."""
    if isinstance(raw, Mapping):
        if isinstance(raw.get("output"), list) and (raw.get("object") == "response"
                                                    or any(is_responses_item(i) for i in raw["output"])
                                                    or not raw["output"]):
            return list(raw["output"])
        if is_responses_item(raw):
            return [raw]
        return None
    if isinstance(raw, Sequence) and not isinstance(raw, (str, bytes, bytearray)):
        items = list(raw)
        if items and all(is_responses_item(i) for i in items):
            return items
    return None


def _text_of(parts: Any, what: str) -> str:
    try:  # the one reading of content parts; parts that hold no text are skipped
        return content_text(parts, where=f"{what}.content")
    except DataError:
        raise ToolCallSyntaxError(f"{what} content must be a list of parts, found {type(parts).__name__}") from None


def parse_items(items: list[Mapping[str, Any]], max_chars: int) -> tuple[list[ToolCall], str, str | None]:
    """Calls, reply text and reasoning of the items; ToolCallSyntaxError for a bad item."""
    calls: list[ToolCall] = []
    texts: list[str] = []
    reasoning: list[str] = []
    for i, item in enumerate(items):
        what = f"output item {i + 1}"
        if not isinstance(item, Mapping):
            raise ToolCallSyntaxError(f"{what} must be an object, found {type(item).__name__}")
        kind = item.get("type")
        if kind == "function_call":
            if item.get("status") == "incomplete":
                raise ToolCallSyntaxError(f"{what} is an incomplete function call")
            name = item.get("name")
            if not isinstance(name, str) or not name.strip():
                raise ToolCallSyntaxError(f"{what} has no function name")
            args = item.get("arguments")
            if isinstance(args, str) and len(args) > max_chars:
                raise ToolCallSyntaxError(f"{what} arguments are over the limit of {max_chars:,} characters")
            call_id = item.get("call_id") or item.get("id")
            calls.append(ToolCall(name.strip(), decode_arguments(args, what),
                                  id=call_id if isinstance(call_id, str) else None))
        elif kind == "message":
            if item.get("role", "assistant") != "assistant":
                raise ToolCallSyntaxError(f"{what} is a {item.get('role')!r} message, not the assistant's")
            texts.append(_text_of(item.get("content"), what))
        elif kind == "reasoning":
            text = _text_of(item.get("content"), what) or _text_of(item.get("summary"), what)
            if text:
                reasoning.append(text)
        else:
            raise ToolCallSyntaxError(f"{what} is a {kind!r} item: only function_call, message and reasoning "
                                      "items are actions")
    return calls, "".join(texts), ("\n\n".join(reasoning) or None)


def responses_action(calls: list[ToolCall], text: str, reasoning: str | None) -> Action:
    return Action(kind="tool_calls", text=text.strip(), tool_calls=tuple(calls), reasoning=reasoning,
                  format="responses", raw=text)
