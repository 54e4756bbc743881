"""NeMo Gym pivot rows (the format of NVIDIA's Nemotron-RL-Agentic-*-Pivot-v1 datasets)
to and from Pivot records, and Responses-API input items to and from chat messages.

Unlike NeMo Gym's own converter, a pivot whose action holds several parallel tool calls is
kept (``expected_action.type == "function_call_batch"``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pivotrl.errors import DataError
from pivotrl.pivot_envs.domains import TERMINUS_VERIFIER, terminus_harness
from pivotrl.pivot_envs.records import Pivot, normalize_messages

_TEXT_PART_TYPES = {"input_text", "output_text", "text", "summary_text", "reasoning_text"}


def _content_text(content: Any, where: str) -> str | None:
    if content is None or isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = []
        for j, part in enumerate(content):
            if isinstance(part, str):
                texts.append(part)
            elif isinstance(part, Mapping) and part.get("type", "text") in _TEXT_PART_TYPES:
                texts.append(str(part.get("text", "")))
            elif isinstance(part, Mapping) and part.get("type") == "refusal":
                texts.append(str(part.get("refusal", "")))
            else:
                raise DataError(f"unsupported content part {part!r:.60}", field=f"{where}.content[{j}]")
        return "".join(texts)
    raise DataError(f"content must be text or a list of parts, found {type(content).__name__}", field=f"{where}.content")


def _arguments_string(args: Any, where: str) -> str:
    if isinstance(args, str):
        return args
    if isinstance(args, Mapping):
        return json.dumps(args, ensure_ascii=False)
    raise DataError(f"arguments must be a JSON string, found {type(args).__name__}", field=f"{where}.arguments")


def _reasoning_text(item: Mapping[str, Any]) -> str:
    parts = item.get("summary") or item.get("content") or []
    if isinstance(parts, str):
        return parts
    return "\n".join(str(p.get("text", "")) for p in parts if isinstance(p, Mapping)).strip()


def items_to_messages(items: Any, where: str = "responses_create_params.input") -> list[dict[str, Any]]:
    """Responses-API input items to chat messages. Consecutive ``function_call`` items join
    the assistant turn before them; a ``reasoning`` item becomes ``reasoning_content`` of
    the assistant turn that follows it."""
    if isinstance(items, str):
        return [{"role": "user", "content": items}]
    if not isinstance(items, list):
        raise DataError(f"expected a list of input items, found {type(items).__name__}", field=where)
    messages: list[dict[str, Any]] = []
    names_by_call: dict[str, str] = {}
    pending_reasoning: str | None = None
    last_was_assistant = False
    for i, item in enumerate(items):
        at = f"{where}[{i}]"
        if not isinstance(item, Mapping):
            raise DataError(f"expected an input item object, found {type(item).__name__}", field=at)
        kind = item.get("type") or ("message" if "role" in item else None)
        if kind == "message":
            role = item.get("role")
            message: dict[str, Any] = {"role": role, "content": _content_text(item.get("content"), at)}
            if role == "assistant" and pending_reasoning:
                message["reasoning_content"] = pending_reasoning
            pending_reasoning = None
            messages.append(message)
            last_was_assistant = role == "assistant"
        elif kind == "function_call":
            name = item.get("name")
            if not isinstance(name, str) or not name:
                raise DataError("function_call item has no name", field=f"{at}.name")
            call_id = str(item.get("call_id") or item.get("id") or f"call_{i}")
            names_by_call[call_id] = name
            call = {"id": call_id, "type": "function",
                    "function": {"name": name, "arguments": _arguments_string(item.get("arguments", "{}"), at)}}
            if not last_was_assistant:
                messages.append({"role": "assistant", "content": None})
                if pending_reasoning:
                    messages[-1]["reasoning_content"] = pending_reasoning
                pending_reasoning = None
            messages[-1].setdefault("tool_calls", []).append(call)
            last_was_assistant = True
        elif kind == "function_call_output":
            call_id = str(item.get("call_id", ""))
            output = item.get("output")
            text = output if isinstance(output, str) else _content_text(output, at) if isinstance(output, list) else json.dumps(output)
            message = {"role": "tool", "tool_call_id": call_id, "content": text}
            if call_id in names_by_call:
                message["name"] = names_by_call[call_id]
            messages.append(message)
            last_was_assistant = False
        elif kind == "reasoning":
            pending_reasoning = _reasoning_text(item) or None
        else:
            raise DataError(f"unsupported input item type {kind!r}", field=f"{at}.type")
    return normalize_messages(messages, where, allow_empty=True)


def messages_to_items(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Chat messages to Responses-API input items (the inverse of items_to_messages)."""
    items: list[dict[str, Any]] = []
    for message in messages:
        role = message.get("role")
        if role == "tool":
            items.append({"type": "function_call_output", "call_id": message.get("tool_call_id", ""),
                          "output": message.get("content") or ""})
            continue
        if role == "assistant" and message.get("reasoning_content"):
            items.append({"type": "reasoning", "summary": [{"type": "summary_text", "text": message["reasoning_content"]}]})
        content = message.get("content")
        if isinstance(content, list):
            content = _content_text(content, "message")
        if content or role != "assistant" or not message.get("tool_calls"):
            items.append({"type": "message", "role": role, "content": content or ""})
        for call in message.get("tool_calls") or []:
            items.append({"type": "function_call", "name": call["function"]["name"],
                          "arguments": call["function"]["arguments"], "call_id": call.get("id", "")})
    return items


def _expected_to_reference(expected: Any, where: str) -> dict[str, Any]:
    if not isinstance(expected, Mapping):
        raise DataError(f"expected an object, found {type(expected).__name__}", field=where)
    kind = expected.get("type")
    if kind == "function_call":
        calls = [expected]
    elif kind == "function_call_batch":
        calls = expected.get("calls")
        if not isinstance(calls, list) or not calls:
            raise DataError("function_call_batch needs a non-empty 'calls' list", field=f"{where}.calls")
    elif kind == "message":
        text = _content_text(expected.get("content"), where)
        return {"role": "assistant", "content": text or ""}
    else:
        raise DataError(f"expected_action.type must be function_call, function_call_batch or message, found {kind!r}",
                        field=f"{where}.type")
    tool_calls = []
    for j, call in enumerate(calls):
        at = f"{where}.calls[{j}]" if kind == "function_call_batch" else where
        if not isinstance(call, Mapping) or not isinstance(call.get("name"), str):
            raise DataError("function_call needs a 'name'", field=f"{at}.name")
        tool_calls.append({"id": str(call.get("call_id") or f"call_{j}"), "type": "function",
                           "function": {"name": call["name"], "arguments": _arguments_string(call.get("arguments", "{}"), at)}})
    return {"role": "assistant", "content": None, "tool_calls": tool_calls}


def row_to_pivot(row: Mapping[str, Any], *, index: int = 0, domain: str | None = None) -> Pivot:
    """One NeMo Gym row as a Pivot. ``expected_answer`` rows become text references: a
    Terminus-harness answer (JSON keystroke commands) is scored by ``terminus`` (keystrokes and
    task_complete compared), any other expected answer by ``exact``, never as "any text reply".
    """
    params = row.get("responses_create_params")
    if not isinstance(params, Mapping):
        raise DataError("missing required field (a NeMo Gym row needs 'responses_create_params')",
                        field="responses_create_params")
    messages = items_to_messages(params.get("input"))
    if params.get("instructions"):
        messages.insert(0, {"role": "system", "content": str(params["instructions"])})
    if not messages:
        raise DataError("the prefix is empty", field="responses_create_params.input")
    meta = dict(row.get("metadata") or {}) if isinstance(row.get("metadata"), Mapping) else {}
    verifier: dict[str, Any] | None = None
    if row.get("expected_action") is not None:
        reference = _expected_to_reference(row["expected_action"], "expected_action")
    elif isinstance(row.get("expected_answer"), str):
        reference = {"role": "assistant", "content": row["expected_answer"]}
        verifier = {"name": "exact", "params": {}}
    else:
        raise DataError("a NeMo Gym pivot row needs 'expected_action' or 'expected_answer'", field="expected_action")
    harness = terminus_harness(reference, meta.get("harness"))
    if harness is not None:
        verifier = dict(TERMINUS_VERIFIER)
        meta["harness"] = harness
    if row.get("pivot_tags"):
        meta["pivot_tags"] = row["pivot_tags"]
    agent = row.get("agent_ref") if isinstance(row.get("agent_ref"), Mapping) else {}
    if agent.get("name"):
        meta["agent_ref"] = agent["name"]
    if params.get("parallel_tool_calls") is not None:
        meta["parallel_tool_calls"] = params["parallel_tool_calls"]
    record: dict[str, Any] = {
        "id": str(row.get("uuid") or row.get("id") or f"nemo-{index}"),
        "domain": domain or row.get("domain") or _guess_domain(row, reference),
        "messages": messages,
        "tools": params.get("tools") or [],
        "reference": reference,
        "meta": meta,
    }
    if verifier is not None:
        record["verifier"] = verifier
    if isinstance(row.get("pivot"), Mapping):  # written by pivot_to_row: keeps our fields
        for key in ("env", "verifier", "stats", "source", "domain"):
            if row["pivot"].get(key) is not None:
                record[key] = row["pivot"][key]
    return Pivot.from_dict(record)


def _guess_domain(row: Mapping[str, Any], reference: Mapping[str, Any]) -> str:
    agent = json.dumps(row.get("agent_ref") or {}) + json.dumps(row.get("metadata") or {})
    if "swe" in agent:
        return "swe"
    if "terminus" in agent or "terminal" in agent or terminus_harness(reference):
        return "terminal"
    return "tool"


def pivot_to_row(pivot: Pivot) -> dict[str, Any]:
    """A Pivot as a NeMo Gym row; our extra fields ride along under ``pivot``."""
    tools = []
    for tool in pivot.tools:
        spec = tool["function"]
        tools.append({"type": "function", "name": spec["name"], "description": spec.get("description", ""),
                      "parameters": spec.get("parameters") or {"type": "object", "properties": {}},
                      "strict": spec.get("strict", False)})
    calls = pivot.reference.get("tool_calls") or []
    expected: dict[str, Any]
    function_calls = [{"type": "function_call", "name": c["function"]["name"], "arguments": c["function"]["arguments"]}
                      for c in calls]
    if len(function_calls) == 1:
        expected = function_calls[0]
    elif function_calls:
        expected = {"type": "function_call_batch", "calls": function_calls}
    else:
        content = pivot.reference.get("content") or ""
        if isinstance(content, list):
            content = _content_text(content, "reference")
        expected = {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": content}]}
    extra = {k: v for k, v in pivot.to_dict().items() if k in ("domain", "env", "verifier", "stats", "source") and v}
    row: dict[str, Any] = {
        "uuid": pivot.id,
        "responses_create_params": {
            "input": messages_to_items(pivot.messages),
            "tools": tools,
            "parallel_tool_calls": len(function_calls) > 1 or bool(pivot.meta.get("parallel_tool_calls")),
        },
        "expected_action": expected,
        "metadata": {k: v for k, v in pivot.meta.items() if k not in ("parallel_tool_calls", "pivot_tags", "agent_ref")},
        "pivot": extra,
    }
    harness = None if function_calls else terminus_harness(pivot.reference, pivot.meta.get("harness"))
    if harness is not None:  # NeMo Gym's terminus servers read expected_answer and metadata.harness
        del row["expected_action"]
        row["expected_answer"] = expected["content"][0]["text"]
        row["metadata"]["harness"] = harness
    return row
