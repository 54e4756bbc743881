"""NeMo Gym pivot rows (the format of NVIDIA's Nemotron-RL-Agentic-*-Pivot-v1 datasets)
to and from Pivot records, and Responses-API input items to and from chat messages.

A row read into a Pivot comes back as it was read: what the Pivot does not model (``agent_ref``,
``pivot_tags``, sampling fields, unknown fields) rides along in ``meta["nemo_gym"]``. Unlike NeMo
Gym's own converter, a pivot whose action holds several parallel tool calls is kept
(``expected_action.type == "function_call_batch"``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from pivotrl.chat import content_text
from pivotrl.errors import DataError
from pivotrl.pivot_envs.domains import TERMINUS_VERIFIER, get_domain, list_domains, terminus_harness
from pivotrl.pivot_envs.json_delta import MISSING as _MISSING
from pivotrl.pivot_envs.json_delta import Misfit, apply_delta, make_delta
from pivotrl.pivot_envs.json_delta import same as _same
from pivotrl.pivot_envs.records import Pivot, normalize_messages, normalize_tools


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
    return "\n".join(content_text([p]) for p in parts if isinstance(p, Mapping)).strip()


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
            content = item.get("content")  # None stays None: an assistant turn that only calls tools
            message: dict[str, Any] = {"role": role, "content": None if content is None else
                                       content_text(content, where=f"{at}.content", strict=True)}
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
            text = output if isinstance(output, str) else content_text(output, where=f"{at}.content", strict=True) if isinstance(output, list) else json.dumps(output)
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
        if role == "assistant" and message.get("reasoning_content"):  # NeMo Gym requires a reasoning item's id
            items.append({"type": "reasoning", "id": f"rs_{len(items)}",
                          "summary": [{"type": "summary_text", "text": message["reasoning_content"]}]})
        content = message.get("content")
        if isinstance(content, list):
            content = content_text(content, where="message.content", strict=True)
        if content or role != "assistant" or not message.get("tool_calls"):
            items.append({"type": "message", "role": role, "content": content or ""})
        for call in message.get("tool_calls") or []:
            items.append({"type": "function_call", "name": call["function"]["name"],
                          "arguments": call["function"]["arguments"], "call_id": call.get("id", "")})
    return items


NEMO_GYM = "nemo_gym"
"""The ``Pivot.meta`` key under which a pivot read from a row keeps what the Pivot does not model."""

AGENT_REF_TYPE = "responses_api_agents"
#: The agent a row gets when it names none: NeMo Gym's stock agent for its kind of expected action
#: (the agent blocks of ``resources_servers/{single_step_tool_use_with_argument_comparison,terminus_judge}/
#: configs/*.yaml`` in NVIDIA-NeMo/Gym). Name your own with ``agent_ref=`` / ``--agent-ref``.
DEFAULT_AGENTS = {
    "function_call": "single_step_tool_use_with_argument_comparison_agent",
    "message": "single_step_tool_use_with_argument_comparison_agent",
    "function_call_batch": "parallel_tool_calls_single_step_tool_use_with_argument_comparison_agent",
    "expected_answer": "terminus_judge_simple_agent",
}

_PARAMS = "responses_create_params"
# The row fields a Pivot models, by the Pivot field they are read into. A row's own spelling of a
# group is written back while reading it still gives the pivot's value; an edited pivot is written
# the way pivotrl writes it.
_GROUPS: dict[str, tuple[str, ...]] = {
    "id": ("uuid", "id"),
    "messages": (f"{_PARAMS}.instructions", f"{_PARAMS}.input"),
    "tools": (f"{_PARAMS}.tools",),
    "reference": ("expected_action", "expected_answer"),
    "pivot": ("pivot", "domain"),
}
_MODELED = {"uuid", "id", "expected_action", "expected_answer", "pivot", "domain", "metadata", _PARAMS}
_MODELED_PARAMS = {"instructions", "input", "tools"}
_PIVOT_FIELDS = ("domain", "env", "verifier", "stats", "source")
_LEGACY_META = ("parallel_tool_calls", "pivot_tags", "agent_ref")  # where pivotrl 0.1 kept row fields


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
        return {"role": "assistant", "content": content_text(expected.get("content"), where=f"{where}.content", strict=True)}
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


# -- reading a row: each Pivot field from the row fields of its group ----------------------------------

def _read_id(row: Mapping[str, Any], index: int) -> str:
    return str(row.get("uuid") or row.get("id") or f"nemo-{index}")


def _read_messages(params: Mapping[str, Any]) -> list[dict[str, Any]]:
    messages = items_to_messages(params.get("input"))
    if params.get("instructions"):
        messages.insert(0, {"role": "system", "content": str(params["instructions"])})
    if not messages:
        raise DataError("the prefix is empty", field=f"{_PARAMS}.input")
    return normalize_messages(messages, f"{_PARAMS}.input")


def _read_reference(row: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
    """The reference turn, and whether it is an ``expected_answer`` (text compared exactly)."""
    if row.get("expected_action") is not None:
        reference = _expected_to_reference(row["expected_action"], "expected_action")
        answer = False
    elif row.get("expected_answer") is not None:
        value = row["expected_answer"]  # text; another JSON value is read as its JSON text
        reference = {"role": "assistant", "content": value if isinstance(value, str) else json.dumps(value)}
        answer = True
    else:
        raise DataError("a NeMo Gym pivot row needs 'expected_action' or 'expected_answer'", field="expected_action")
    return reference, answer


def _name(path: str) -> str:
    """A modeled field's name in ``spelling`` and ``absent``: its last key (unique among ``_GROUPS``),
    which keeps the memo of a small row small."""
    return path.rsplit(".", 1)[-1]


def _metadata(row: Mapping[str, Any]) -> dict[str, Any]:
    return dict(row["metadata"]) if isinstance(row.get("metadata"), Mapping) else {}


def _read_pivot_fields(row: Mapping[str, Any], reference: dict[str, Any], answer: bool,
                       domain: str | None = None) -> dict[str, Any]:
    """domain, env, verifier, stats and source as ``row_to_pivot`` reads them: ``row["pivot"]``
    (written by pivotrl) first, then what the row implies."""
    verifier: dict[str, Any] | None = {"name": "exact", "params": {}} if answer else None
    if terminus_harness(reference, _metadata(row).get("harness")) is not None:
        verifier = dict(TERMINUS_VERIFIER)
    fields: dict[str, Any] = {"domain": domain or row.get("domain") or _guess_domain(row, reference), "env": {},
                              "verifier": verifier, "stats": None, "source": None}
    ours = row.get("pivot")
    if isinstance(ours, Mapping):
        fields.update({k: ours[k] for k in _PIVOT_FIELDS if ours.get(k) is not None})
    return fields


def _guess_domain(row: Mapping[str, Any], reference: Mapping[str, Any]) -> str:
    """The first domain, in name order, one of whose ``nemo_agents`` fragments the row's agent
    or metadata contains; else ``terminal`` for a Terminus-harness reference; else ``tool``."""
    agent = json.dumps(row.get("agent_ref") or {}) + json.dumps(row.get("metadata") or {})
    for name in list_domains():
        if any(fragment in agent for fragment in get_domain(name).nemo_agents):
            return name
    return "terminal" if terminus_harness(reference) else "tool"


def row_to_pivot(row: Mapping[str, Any], *, index: int = 0, domain: str | None = None) -> Pivot:
    """One NeMo Gym row as a Pivot. ``expected_answer`` rows become text references: a
    Terminus-harness answer (JSON keystroke commands) is scored by ``terminus`` (keystrokes and
    task_complete compared), any other expected answer by ``exact``, never as "any text reply".

    Row fields the Pivot does not model are kept in ``meta["nemo_gym"]``, so ``pivot_to_row`` writes
    the row back as it came; ``index`` names a row without ``uuid`` (``nemo-{index}``)."""
    if not isinstance(row, Mapping):
        raise DataError(f"expected a JSON object, found {type(row).__name__}")
    params = row.get(_PARAMS)
    if not isinstance(params, Mapping):
        raise DataError(f"missing required field (a NeMo Gym row needs '{_PARAMS}')", field=_PARAMS)
    reference, answer = _read_reference(row)
    meta = _metadata(row)
    harness = terminus_harness(reference, meta.get("harness"))
    if harness is not None:  # the terminus verifier reads it; NeMo Gym's terminus_judge needs it
        meta["harness"] = harness
    pivot = Pivot.from_dict({
        "id": _read_id(row, index),
        "messages": _read_messages(params),
        "tools": normalize_tools(params.get("tools"), f"{_PARAMS}.tools"),
        "reference": reference,
        "meta": meta,
        **_read_pivot_fields(row, reference, answer, domain),
    })
    return replace(pivot, meta={**pivot.meta, NEMO_GYM: _remember(row, pivot, index)})


def _remember(row: Mapping[str, Any], pivot: Pivot, index: int) -> dict[str, Any]:
    """What ``pivot_to_row`` needs to write ``row`` back as it came: the fields the Pivot does not
    model (``row``, ``responses_create_params``), and for the fields it does, their spelling where
    it differs from pivotrl's (``spelling``: a delta from what pivotrl writes, see ``pivotrl.pivot_envs.json_delta``) or
    the row lacks one pivotrl writes (``absent``). A delta, not the row's value, so that a pivot does
    not carry its whole prefix twice when a few input items are spelled otherwise."""
    memo: dict[str, Any] = {
        "row": {k: v for k, v in row.items() if k not in _MODELED},
        _PARAMS: {k: v for k, v in row[_PARAMS].items() if k not in _MODELED_PARAMS},
        "absent": [] if "metadata" in row else ["metadata"],
        "spelling": {},
        # meta keys reading added (the Terminus harness): written back only where they still
        # differ from what was derived, so a row without them comes back without them
        "derived": {k: v for k, v in pivot.meta.items() if k != NEMO_GYM and k not in _metadata(row)},
    }
    if "metadata" in row and not isinstance(row["metadata"], Mapping):
        memo["row"]["metadata"] = row["metadata"]
    ours = _assemble(pivot, index, memo)
    spelling = memo["spelling"]
    for paths in _GROUPS.values():
        for path in paths:
            original, written = _get(row, path), _get(ours, path)
            if original is _MISSING:
                if written is not _MISSING:
                    memo["absent"].append(_name(path))
            elif written is _MISSING or not _same(original, written):
                spelling[_name(path)] = make_delta(original, _base(ours, path))
    # "spelling" is kept when empty: it marks a memo of this form (see _assemble)
    return {k: v for k, v in memo.items() if v or k == "spelling"}


def trajectory_meta(meta: Mapping[str, Any]) -> dict[str, Any]:
    """``meta`` of a pivot read from a row, for the trajectory made of it: the row's spelling of its
    prefix and action describes that one pivot only, not the others extracted from the trajectory."""
    memo = meta.get(NEMO_GYM)
    if not isinstance(memo, Mapping) or not {"as_read", "spelling"} & memo.keys():
        return dict(meta)
    kept = {k: v for k, v in memo.items() if k != "as_read"}
    return {**meta, NEMO_GYM: {**kept, "spelling": {}} if "spelling" in memo else kept}


def _base(written: Mapping[str, Any], path: str) -> Any:
    """What the row's spelling of ``path`` is a delta from: pivotrl's value there; for
    ``instructions``, which pivotrl writes as the first input item, that item's text."""
    value = _get(written, path)
    if value is _MISSING and path == f"{_PARAMS}.instructions":
        items = _get(written, f"{_PARAMS}.input")
        if isinstance(items, list) and items and isinstance(items[0], Mapping) and items[0].get("role") == "system":
            return items[0].get("content", _MISSING)
    return value


# -- writing a row ----------------------------------------------------------------------------------------

def _get(row: Mapping[str, Any], path: str) -> Any:
    value: Any = row
    for key in path.split("."):
        if not isinstance(value, Mapping) or key not in value:
            return _MISSING
        value = value[key]
    return value


def _flat_tools(tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for tool in tools:
        spec = tool["function"]
        out.append({"type": "function", "name": spec["name"], "description": spec.get("description", ""),
                    "parameters": spec.get("parameters") or {"type": "object", "properties": {}},
                    "strict": spec.get("strict", False)})
    return out


def _write_reference(pivot: Pivot) -> dict[str, Any]:
    """``expected_action`` (a call, a batch of calls or a message), or ``expected_answer`` for a
    Terminus-harness answer, which NeMo Gym's terminus servers read."""
    actions = []
    for j, call in enumerate(pivot.reference.get("tool_calls") or []):
        action = {"type": "function_call", "name": call["function"]["name"], "arguments": call["function"]["arguments"]}
        if call.get("id") and call["id"] != f"call_{j}":  # the id reading would give it anyway
            action["call_id"] = call["id"]
        actions.append(action)
    if len(actions) == 1:
        return {"expected_action": actions[0]}
    if actions:
        return {"expected_action": {"type": "function_call_batch", "calls": actions}}
    content = pivot.reference.get("content") or ""
    text = content if isinstance(content, str) else content_text(content, where="reference.content", strict=True)
    if terminus_harness(pivot.reference, pivot.meta.get("harness")) is not None:
        return {"expected_answer": text}
    return {"expected_action": {"type": "message", "content": text}}


def _reads_back(group: str, row: Mapping[str, Any], pivot: Pivot, index: int) -> bool:
    """Whether reading ``row`` gives the pivot's value for ``group``."""
    try:
        if group == "id":
            return _read_id(row, index) == pivot.id
        if group == "messages":
            return _same(_read_messages(row[_PARAMS]), pivot.messages)
        if group == "tools":
            return _same(normalize_tools(row[_PARAMS].get("tools")), pivot.tools)
        reference, answer = _read_reference(row)
        if group == "reference":
            return _same(normalize_messages([reference], "reference")[0], pivot.reference)
        fields = _read_pivot_fields(row, reference, answer)
        return all(_same(fields[k], getattr(pivot, k)) for k in _PIVOT_FIELDS)
    except DataError:
        return False


def _spelled_back(row: dict[str, Any], group: str, memo: Mapping[str, Any], pivot: Pivot, index: int) -> dict[str, Any]:
    spelling, absent = memo.get("spelling") or {}, memo.get("absent") or []
    as_read = memo.get("as_read") or {}  # older pivots: the row's value whole, and absent by path
    paths = [p for p in _GROUPS[group] if _name(p) in spelling or p in as_read or _name(p) in absent or p in absent]
    if not paths:
        return row
    candidate = {**row, _PARAMS: dict(row[_PARAMS])}
    try:
        for path in paths:
            *parents, key = path.split(".")
            target = candidate[parents[0]] if parents else candidate
            if key in spelling:
                target[key] = apply_delta(spelling[key], _base(row, path))
            elif path in as_read:
                target[key] = as_read[path]
            else:
                target.pop(key, None)
    except Misfit:
        return row
    return candidate if _reads_back(group, candidate, pivot, index) else row


def as_agent_ref(value: str | Mapping[str, Any]) -> dict[str, Any]:
    """An ``agent_ref`` from an agent name or a ref object (NeMo Gym's ``AgentServerRef``)."""
    if isinstance(value, str):
        ref: dict[str, Any] = {"type": AGENT_REF_TYPE, "name": value}
    else:
        ref = dict(value) if isinstance(value, Mapping) else {}
    if ref.get("type") != AGENT_REF_TYPE or not isinstance(ref.get("name"), str) or not ref["name"].strip():
        raise DataError(f"agent_ref must be an agent name or {{\"type\": \"{AGENT_REF_TYPE}\", \"name\": ...}}, "
                        f"found {value!r:.80}", field="agent_ref")
    return ref


def default_agent_ref(row: Mapping[str, Any]) -> dict[str, Any]:
    """NeMo Gym's stock agent for the row's kind of expected action (see ``DEFAULT_AGENTS``)."""
    kind = (row.get("expected_action") or {}).get("type") if "expected_action" in row else "expected_answer"
    return {"type": AGENT_REF_TYPE, "name": DEFAULT_AGENTS.get(kind, DEFAULT_AGENTS["function_call"])}


def _assemble(pivot: Pivot, index: int, memo: Mapping[str, Any] | None,
              agent: str | Mapping[str, Any] | None = None) -> dict[str, Any]:
    metadata = {k: v for k, v in pivot.meta.items() if k != NEMO_GYM}
    calls = pivot.reference.get("tool_calls") or []
    row: dict[str, Any] = {"uuid": pivot.id, _PARAMS: {"input": messages_to_items(pivot.messages)},
                           **_write_reference(pivot)}
    # no empty list: NeMo Gym's rows leave out the tools of a tool-less task; a memo without "spelling"
    # (older pivotrl: whole values in "as_read") was taken against a row written with one
    if pivot.tools or (memo is not None and "spelling" not in memo):
        row[_PARAMS]["tools"] = _flat_tools(pivot.tools)
    if memo is None:  # not read from a row: what NeMo Gym's pivot servers expect (pivot-dataset row contract)
        legacy = {k: metadata.pop(k) for k in _LEGACY_META if k in metadata}
        row[_PARAMS].update(parallel_tool_calls=len(calls) > 1 or bool(legacy.get("parallel_tool_calls")),
                            tool_choice="auto")
        if legacy.get("pivot_tags"):
            row["pivot_tags"] = legacy["pivot_tags"]
        row["metadata"] = metadata
        row["agent_ref"] = as_agent_ref(agent or legacy.get("agent_ref") or default_agent_ref(row))
    else:
        row.update(memo.get("row") or {})
        row[_PARAMS].update(memo.get(_PARAMS) or {})
        for key, value in (memo.get("derived") or {}).items():
            if key in metadata and _same(metadata[key], value):
                del metadata[key]
        if metadata or ("metadata" not in row and "metadata" not in (memo.get("absent") or [])):
            row["metadata"] = metadata
        for group in ("id", "messages", "tools", "reference"):
            row = _spelled_back(row, group, memo, pivot, index)
        if agent is not None:
            row["agent_ref"] = as_agent_ref(agent)
    reference, answer = _read_reference(row)
    implied = _read_pivot_fields(row, reference, answer)
    ours = {k: getattr(pivot, k) for k in _PIVOT_FIELDS if getattr(pivot, k) and not _same(getattr(pivot, k), implied[k])}
    if ours:  # pivotrl's fields that the row does not imply ride along under "pivot"
        row["pivot"] = ours
    return row if memo is None else _spelled_back(row, "pivot", memo, pivot, index)


def pivot_to_row(pivot: Pivot, *, index: int = 0, agent_ref: str | Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A Pivot as a NeMo Gym row. A pivot read from a row is written back as that row (less what
    has been edited since); pivotrl's own fields that the row does not imply ride along under
    ``pivot``. ``agent_ref`` (an agent name) routes the row to that agent; without it a row keeps
    its own, and a pivot not read from a row gets ``default_agent_ref``. ``index``: the row's
    1-based position in its file, which names a row without ``uuid``."""
    memo = pivot.meta.get(NEMO_GYM)
    return _assemble(pivot, index, memo if isinstance(memo, Mapping) else None, agent_ref)
