"""Structured actions: what a model did at a pivot, after parsing its raw output."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

ActionKind = Literal["tool_calls", "text", "invalid"]


@dataclass(frozen=True)
class ToolCall:
    """One function call with decoded arguments (always a JSON object)."""

    name: str
    arguments: dict[str, Any] = field(default_factory=dict)
    id: str | None = None

    def to_openai(self, index: int = 0) -> dict[str, Any]:
        return {
            "id": self.id or f"call_{index}",
            "type": "function",
            "function": {"name": self.name, "arguments": json.dumps(self.arguments, ensure_ascii=False)},
        }


@dataclass(frozen=True)
class Action:
    """A parsed model output.

    ``kind`` is ``tool_calls`` (one or more calls, possibly with prose in ``text``), ``text``
    (a reply to the user) or ``invalid`` (unparseable; ``error`` says why). ``format`` names
    the syntax it came in (``openai``, ``hermes``, ``json``, ``bash``, ``text``) and ``raw``
    keeps the original text so custom verifiers can look at it.
    """

    kind: ActionKind
    text: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    reasoning: str | None = None
    error: str | None = None
    format: str = "text"
    raw: str = ""

    @property
    def is_valid(self) -> bool:
        return self.kind != "invalid"

    @classmethod
    def invalid(cls, error: str, raw: str = "", format: str = "text") -> Action:
        return cls(kind="invalid", error=error, raw=raw, format=format)

    def to_message(self) -> dict[str, Any]:
        """The action as an OpenAI assistant message."""
        message: dict[str, Any] = {"role": "assistant", "content": self.text or None}
        if self.tool_calls:
            message["tool_calls"] = [c.to_openai(i) for i, c in enumerate(self.tool_calls)]
        elif message["content"] is None:
            message["content"] = ""
        return message

    def describe(self, limit: int = 200) -> str:
        """A short one-line rendering for tables and verdict details."""
        if self.kind == "tool_calls":
            body = "; ".join(
                f"{c.name}({json.dumps(c.arguments, ensure_ascii=False, sort_keys=True)})" for c in self.tool_calls
            )
        elif self.kind == "text":
            body = self.text
        else:
            body = f"<invalid: {self.error}>"
        body = " ".join(body.split())
        return body if len(body) <= limit else body[: limit - 3] + "..."
