"""Pivot states as chat requests: messages cleaned for chat templates (text content, tool-call
arguments decoded as vLLM's ``LLM.chat`` and servers do before rendering) or for the OpenAI wire
format, and per-pivot sampling seeds that do not depend on batch composition."""

from __future__ import annotations

import contextlib
import json
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

from pivotrl.pivot_envs.records import Pivot


def _text(content: Any) -> str:
    if content is None:
        return ""  # assistant tool-call turns: templates concatenate content
    if isinstance(content, str):
        return content
    return "".join(str(part.get("text", "")) if isinstance(part, Mapping) else str(part)
                   for part in content
                   if not isinstance(part, Mapping) or part.get("type", "text") == "text")


def template_messages(messages: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Messages for ``apply_chat_template``: text content, and tool-call arguments as objects
    (Hermes/Qwen templates ``tojson`` them; a JSON string would be encoded twice)."""
    out = []
    for message in messages:
        clean = {k: v for k, v in message.items() if v is not None}
        clean["content"] = _text(message.get("content"))
        if message.get("tool_calls"):
            calls = []
            for call in message["tool_calls"]:
                function = dict(call.get("function") or {})
                args = function.get("arguments")
                if isinstance(args, str):
                    # undecodable arguments stay as written: the template shows what the trajectory holds
                    with contextlib.suppress(ValueError):
                        function["arguments"] = json.loads(args) if args.strip() else {}
                calls.append({**call, "function": function})
            clean["tool_calls"] = calls
        out.append(clean)
    return out


def wire_messages(messages: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Messages for an OpenAI-compatible request: no null keys (some servers refuse them), text
    content, tool-call arguments as JSON strings (the API's form, as stored in pivots)."""
    out = []
    for message in messages:
        clean = {k: v for k, v in message.items() if v is not None}
        if isinstance(message.get("content"), list):
            clean["content"] = _text(message["content"])
        clean.setdefault("content", "")
        out.append(clean)
    return out


def render_prompt(tokenizer: Any, pivot: Pivot) -> str:
    """The text the model continues at this pivot: its chat template over the messages and the
    pivot's tools (``None`` when there are none: some templates render tool boilerplate for [])."""
    return tokenizer.apply_chat_template(template_messages(pivot.messages), tools=list(pivot.tools) or None,
                                         add_generation_prompt=True, tokenize=False)


def pivot_seed(seed: int | None, pivot: Pivot) -> int | None:
    """A seed for one pivot, stable whatever else is in the batch or its position: the same
    pivot and seed give the same samples on every run (31 bits: every server accepts it)."""
    if seed is None:
        return None
    return (seed * 1_000_003 + zlib.crc32(pivot.id.encode("utf-8"))) % (2**31 - 1)
