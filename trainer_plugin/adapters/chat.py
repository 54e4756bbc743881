"""Chat messages in the shape columnar datasets (Arrow, Parquet) can hold and trainers render.

Arrow gives a column one type, so a message's text parts are joined into one string and
absent keys are left out (Arrow fills them with nulls on write; chat templates read a null
``tool_calls`` as "no tool calls"). Tool-call arguments stay JSON strings, as OpenAI writes
them: as objects, Arrow would merge the argument names of every call into every call.
Content and prompt text come from the one chat module, ``pivotrl.chat`` (a non-text part raises
here: an export must not drop content silently).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pivotrl.chat import content_text

__all__ = ["columnar_messages", "tools_json"]


def columnar_messages(messages: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Copies of ``messages`` with text-only content and no null keys."""
    out = []
    for i, message in enumerate(messages):
        clean: dict[str, Any] = {k: v for k, v in message.items() if v is not None and k != "content"}
        # None becomes "": templates concatenate content; assistant tool-call turns have none
        clean["content"] = content_text(message.get("content"), where=f"messages[{i}].content", strict=True)
        out.append(clean)
    return out


def tools_json(tools: Sequence[Mapping[str, Any]]) -> str:
    """Tool schemas as one JSON string: TRL's SFT/DPO trainers read a ``tools`` column in this
    form, and a string survives Arrow unchanged whatever the schemas look like."""
    # key order kept: templates print the schemas as they come, so sorted keys would give the
    # trainer another prompt than profiling rendered
    return json.dumps(list(tools), ensure_ascii=False)
