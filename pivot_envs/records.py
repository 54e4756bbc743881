"""Trajectory and Pivot records: the two things pivotrl reads and writes (JSONL on disk).

``from_dict`` validates and names the field at fault; tool-call arguments are stored as
JSON strings (OpenAI chat format) and tool schemas in the nested chat form.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pivotrl.errors import DataError

ROLES = {"system", "developer", "user", "assistant", "tool", "function"}


def _require(record: Mapping[str, Any], key: str, kind: type | tuple[type, ...], what: str) -> Any:
    if key not in record or record[key] is None:
        raise DataError(f"missing required field (a {what} needs '{key}')", field=key)
    value = record[key]
    if not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise DataError(f"expected {names}, found {type(value).__name__}", field=key)
    return value


def check_parameters_schema(params: Mapping[str, Any], where: str) -> None:
    """A tool's ``parameters`` must hold JSON values only. Parts that are not valid JSON Schema
    (``"type": "dict"``, ``"float"``, a string where a number belongs) are kept: real tool
    schemas are written that way, ``tool_schema`` reads them in their dialect and repairs the
    rest, and ``pivotrl validate`` lists what it repaired."""
    try:
        json.dumps(params, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError):
        raise DataError("parameters must hold JSON values only", field=where) from None


def normalize_tools(tools: Any, where: str = "tools") -> list[dict[str, Any]]:
    """Tool schemas in the nested chat form ``{"type": "function", "function": {...}}``;
    flat Responses-API tools are converted."""
    if tools is None:
        return []
    if isinstance(tools, str):
        try:
            tools = json.loads(tools)
        except ValueError as exc:
            raise DataError(f"tools is a string but not JSON: {exc}", field=where) from None
    if not isinstance(tools, list):
        raise DataError(f"expected a list of tool schemas, found {type(tools).__name__}", field=where)
    out = []
    for i, tool in enumerate(tools):
        if not isinstance(tool, Mapping):
            raise DataError(f"expected an object, found {type(tool).__name__}", field=f"{where}[{i}]")
        spec = tool.get("function") if isinstance(tool.get("function"), Mapping) else tool
        name = spec.get("name")
        if not isinstance(name, str) or not name:
            raise DataError("tool has no name", field=f"{where}[{i}].function.name")
        params = spec.get("parameters")
        if isinstance(params, str):  # some exports carry the schema as a JSON string
            try:
                params = json.loads(params)
            except ValueError as exc:
                raise DataError(f"parameters is a string but not JSON: {exc}",
                                field=f"{where}[{i}].function.parameters") from None
            spec = {**spec, "parameters": params}
        if params is not None and not isinstance(params, Mapping):
            raise DataError(f"parameters must be a JSON schema object, found {type(params).__name__}",
                            field=f"{where}[{i}].function.parameters")
        if params is not None:
            check_parameters_schema(params, f"{where}[{i}].function.parameters")
        function = {k: v for k, v in spec.items() if k != "type" and v is not None}
        out.append({"type": "function", "function": function})
    return out


def _normalize_tool_call(call: Any, where: str) -> dict[str, Any]:
    if not isinstance(call, Mapping):
        raise DataError(f"expected a tool call object, found {type(call).__name__}", field=where)
    function = call.get("function")
    if not isinstance(function, Mapping):
        raise DataError("tool call has no 'function' object", field=f"{where}.function")
    name = function.get("name")
    if not isinstance(name, str) or not name:
        raise DataError("tool call has no function name", field=f"{where}.function.name")
    args = function.get("arguments", "{}")
    if isinstance(args, str):
        try:
            decoded = json.loads(args) if args.strip() else {}
        except ValueError as exc:
            raise DataError(f"arguments are not valid JSON: {exc}", field=f"{where}.function.arguments") from None
    else:
        decoded = args
    if not isinstance(decoded, Mapping):
        raise DataError(f"arguments must be a JSON object, found {type(decoded).__name__}",
                        field=f"{where}.function.arguments")
    out = {k: v for k, v in call.items() if k != "function"}
    out.setdefault("type", "function")
    out["function"] = {"name": name, "arguments": args if isinstance(args, str) else json.dumps(args, ensure_ascii=False)}
    return out


def normalize_messages(messages: Any, where: str = "messages", *, allow_empty: bool = False) -> list[dict[str, Any]]:
    if not isinstance(messages, list):
        raise DataError(f"expected a list of chat messages, found {type(messages).__name__}", field=where)
    if not messages and not allow_empty:
        raise DataError("the conversation is empty", field=where)
    out = []
    for i, message in enumerate(messages):
        at = f"{where}[{i}]"
        if not isinstance(message, Mapping):
            raise DataError(f"expected a message object, found {type(message).__name__}", field=at)
        role = message.get("role")
        if role not in ROLES:
            raise DataError(f"role must be one of {sorted(ROLES)}, found {role!r}", field=f"{at}.role")
        content = message.get("content")
        if content is not None and not isinstance(content, (str, list)):
            raise DataError(f"content must be text, a list of parts or null, found {type(content).__name__}",
                            field=f"{at}.content")
        clean = {k: v for k, v in message.items() if v is not None}
        clean["content"] = content
        calls = message.get("tool_calls")
        if calls:
            if role != "assistant":
                raise DataError("only assistant messages carry tool_calls", field=f"{at}.tool_calls")
            if not isinstance(calls, list):
                raise DataError("tool_calls must be a list", field=f"{at}.tool_calls")
            clean["tool_calls"] = [_normalize_tool_call(c, f"{at}.tool_calls[{j}]") for j, c in enumerate(calls)]
        else:
            clean.pop("tool_calls", None)
        out.append(clean)
    return out


@dataclass(frozen=True)
class Trajectory:
    """One demonstrated episode: OpenAI chat messages (tool calls included), the tool
    schemas, the environment spec (shell domains: image, setup, workdir) and free meta."""

    id: str
    domain: str
    messages: list[dict[str, Any]]
    tools: list[dict[str, Any]] = field(default_factory=list)
    env: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, record: Mapping[str, Any], *, default_domain: str | None = None) -> Trajectory:
        if not isinstance(record, Mapping):
            raise DataError(f"expected a JSON object, found {type(record).__name__}")
        traj_id = record.get("id")
        if traj_id is None:
            raise DataError("missing required field (a trajectory needs 'id')", field="id")
        domain = record.get("domain") or default_domain
        if not isinstance(domain, str) or not domain:
            raise DataError("missing required field (a trajectory needs 'domain')", field="domain")
        env = record.get("env") or {}
        meta = record.get("meta") or {}
        if not isinstance(env, Mapping):
            raise DataError(f"expected an object, found {type(env).__name__}", field="env")
        if not isinstance(meta, Mapping):
            raise DataError(f"expected an object, found {type(meta).__name__}", field="meta")
        return cls(
            id=str(traj_id),
            domain=domain,
            messages=normalize_messages(_require(record, "messages", list, "trajectory")),
            tools=normalize_tools(record.get("tools")),
            env=dict(env),
            meta=dict(meta),
        )

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "domain": self.domain, "messages": self.messages, "tools": self.tools,
                "env": self.env, "meta": self.meta}

    @property
    def assistant_turns(self) -> list[int]:
        """Message indices of the assistant turns (the pivot candidates)."""
        return [i for i, m in enumerate(self.messages) if m.get("role") == "assistant"]


@dataclass(frozen=True)
class Pivot:
    """A pivot state: the prefix ``messages`` before the demonstrated ``reference`` turn,
    with the verifier it is scored by and, after profiling, the reward statistics."""

    id: str
    domain: str
    messages: list[dict[str, Any]]
    tools: list[dict[str, Any]]
    reference: dict[str, Any]
    env: dict[str, Any] = field(default_factory=dict)
    verifier: dict[str, Any] | None = None
    stats: dict[str, Any] | None = None
    source: dict[str, Any] | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, record: Mapping[str, Any], *, default_domain: str | None = None) -> Pivot:
        if not isinstance(record, Mapping):
            raise DataError(f"expected a JSON object, found {type(record).__name__}")
        pivot_id = record.get("id")
        if pivot_id is None:
            raise DataError("missing required field (a pivot needs 'id')", field="id")
        domain = record.get("domain") or default_domain
        if not isinstance(domain, str) or not domain:
            raise DataError("missing required field (a pivot needs 'domain')", field="domain")
        reference = _require(record, "reference", Mapping, "pivot")
        ref = normalize_messages([dict(reference)], "reference")[0]
        if ref.get("role") != "assistant":
            raise DataError(f"the reference must be an assistant message, found role {ref.get('role')!r}",
                            field="reference.role")
        verifier = record.get("verifier")
        if verifier is not None and not (isinstance(verifier, Mapping) and isinstance(verifier.get("name"), str)):
            raise DataError("verifier must be {\"name\": ..., \"params\": {...}}", field="verifier")
        for key in ("stats", "source"):
            if record.get(key) is not None and not isinstance(record[key], Mapping):
                raise DataError(f"expected an object, found {type(record[key]).__name__}", field=key)
        return cls(
            id=str(pivot_id),
            domain=domain,
            messages=normalize_messages(_require(record, "messages", list, "pivot"), allow_empty=False),
            tools=normalize_tools(record.get("tools")),
            reference=ref,
            env=dict(record.get("env") or {}),
            verifier=dict(verifier) if verifier else None,
            stats=dict(record["stats"]) if record.get("stats") else None,
            source=dict(record["source"]) if record.get("source") else None,
            meta=dict(record.get("meta") or {}),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "domain": self.domain, "messages": self.messages,
                               "tools": self.tools, "reference": self.reference, "env": self.env}
        for key in ("verifier", "stats", "source"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.meta:
            out["meta"] = self.meta
        return out
