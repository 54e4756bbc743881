"""Chat messages in the shape columnar datasets (Arrow, Parquet) can hold and trainers render.

Arrow gives a column one type, so a message's text parts are joined into one string and
absent keys are left out (Arrow fills them with nulls on write; chat templates read a null
``tool_calls`` as "no tool calls"). Tool-call arguments stay JSON strings, as OpenAI writes
them: as objects, Arrow would merge the argument names of every call into every call.
Prompt text is rendered by the one renderer, ``pivot_envs.policies.chat.render_prompt``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pivotrl.errors import DataError
from pivotrl.pivot_envs.policies.chat import render_prompt

__all__ = ["columnar_messages", "render_prompt", "tools_json"]


def _text(content: Any, where: str) -> str | None:
    if content is None or isinstance(content, str):
        return content
    parts = []
    for part in content:
        if isinstance(part, Mapping) and part.get("type") == "text":
            parts.append(str(part.get("text", "")))
        elif isinstance(part, str):
            parts.append(part)
        else:
            kind = part.get("type") if isinstance(part, Mapping) else type(part).__name__
            raise DataError(f"only text content can be exported, found a {kind!r} part", field=where)
    return "".join(parts)


def columnar_messages(messages: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Copies of ``messages`` with text-only content and no null keys."""
    out = []
    for i, message in enumerate(messages):
        clean: dict[str, Any] = {k: v for k, v in message.items() if v is not None and k != "content"}
        clean["content"] = _text(message.get("content"), f"messages[{i}].content")
        if clean["content"] is None:
            clean["content"] = ""  # templates concatenate content; assistant tool-call turns have none
        out.append(clean)
    return out


def tools_json(tools: Sequence[Mapping[str, Any]]) -> str:
    """Tool schemas as one JSON string: TRL's SFT/DPO trainers read a ``tools`` column in this
    form, and a string survives Arrow unchanged whatever the schemas look like."""
    return json.dumps(list(tools), ensure_ascii=False, sort_keys=True)
