"""ShareGPT ``conversations`` records to OpenAI chat messages.

Speakers: system, human/user, gpt/assistant, function_call (a JSON call or list of calls),
observation/tool/function_response (the result). Tool calls written into gpt turns as
Hermes ``<tool_call>`` blocks become structured tool_calls.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pivotrl.errors import DataError
from pivotrl.verifiers.parsers import ParserConfig, parse_action

_ROLE = {"system": "system", "human": "user", "user": "user", "gpt": "assistant", "assistant": "assistant",
         "model": "assistant", "function_call": "function_call", "observation": "tool", "tool": "tool",
         "function_response": "tool", "ipython": "tool"}
_TEXT_ONLY = ParserConfig(max_chars=10**9)


def is_sharegpt(record: Mapping[str, Any]) -> bool:
    return isinstance(record.get("conversations"), list) and "messages" not in record


def _calls_from_text(value: str, where: str, counter: list[int]) -> tuple[str | None, list[dict[str, Any]]]:
    action = parse_action(value, _TEXT_ONLY)
    if action.kind == "invalid":
        raise DataError(f"cannot read the tool call: {action.error}", field=where)
    calls = []
    for call in action.tool_calls:
        counter[0] += 1
        calls.append({"id": f"call_{counter[0]}", "type": "function",
                      "function": {"name": call.name, "arguments": json.dumps(call.arguments, ensure_ascii=False)}})
    if action.kind == "text":
        return action.text, []
    return action.text or None, calls


def sharegpt_to_record(record: Mapping[str, Any], *, index: int = 0) -> dict[str, Any]:
    """A ShareGPT record as a trajectory dict (``messages`` instead of ``conversations``)."""
    messages: list[dict[str, Any]] = []
    if isinstance(record.get("system"), str) and record["system"]:
        messages.append({"role": "system", "content": record["system"]})
    counter = [0]
    open_calls: list[dict[str, Any]] = []
    for i, turn in enumerate(record["conversations"]):
        at = f"conversations[{i}]"
        if not isinstance(turn, Mapping):
            raise DataError(f"expected a turn object, found {type(turn).__name__}", field=at)
        speaker = turn.get("from", turn.get("role"))
        role = _ROLE.get(str(speaker).lower()) if speaker is not None else None
        if role is None:
            raise DataError(f"unknown speaker {speaker!r} (expected one of {sorted(_ROLE)})", field=f"{at}.from")
        value = turn.get("value", turn.get("content"))
        if not isinstance(value, str):
            raise DataError(f"expected text, found {type(value).__name__}", field=f"{at}.value")
        if role in ("assistant", "function_call"):
            text, calls = _calls_from_text(value, f"{at}.value", counter)
            if role == "function_call" and not calls:
                raise DataError("a function_call turn holds no tool call", field=f"{at}.value")
            if role == "function_call" and messages and messages[-1]["role"] == "assistant" and not messages[-1].get("tool_calls"):
                messages[-1]["tool_calls"] = calls
            else:
                message: dict[str, Any] = {"role": "assistant", "content": text if calls else value}
                if calls:
                    message["tool_calls"] = calls
                messages.append(message)
            open_calls = list(calls)
        elif role == "tool":
            call = open_calls.pop(0) if open_calls else None
            message = {"role": "tool", "content": value, "tool_call_id": call["id"] if call else f"call_{counter[0]}"}
            if call:
                message["name"] = call["function"]["name"]
            messages.append(message)
        else:
            messages.append({"role": role, "content": value})
    out = {k: v for k, v in record.items() if k not in ("conversations", "system")}
    out["messages"] = messages
    out.setdefault("id", record.get("id", f"sharegpt-{index}"))
    return out
