"""``render_mode="ansi"``: the pivot state and the last verdict as plain text, for a terminal or a
log line. Long contents are cut (the head of each, the last few messages), never the verdict."""

from __future__ import annotations

import json
from typing import Any

from pivotrl.chat import content_text
from pivotrl.errors import DataError

MAX_MESSAGES = 6
MAX_CHARS = 300


def _cut(text: str, limit: int = MAX_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + f"... (+{len(flat) - limit} chars)"


def _content(message: dict[str, Any]) -> str:
    try:
        content = content_text(message.get("content"))
    except DataError:  # a model's malformed message is shown, never raised
        content = str(message.get("content"))
    parts = [content] if content else []
    for call in message.get("tool_calls") or []:
        function = call.get("function", {}) if isinstance(call, dict) else {}
        parts.append(f"-> {function.get('name', '?')}({function.get('arguments', '')})")
    return _cut(" ".join(parts)) if parts else "(empty)"


def _action_text(action: Any) -> str:
    if isinstance(action, str):
        return _cut(action)
    if isinstance(action, dict):
        return _content(action)
    return _cut(json.dumps(action, default=str))


def render_ansi(pivot: Any, verifier_name: str, last_action: Any = None, verdict: Any = None) -> str:
    """The pivot (id, domain, the last messages of its prefix, its reference) and, after a step,
    the action taken and the verdict on it."""
    lines = [f"pivot {pivot.id} (domain {pivot.domain}, verifier {verifier_name}, {len(pivot.messages)} messages, "
             f"{len(pivot.tools)} tools)"]
    shown = pivot.messages[-MAX_MESSAGES:]
    if len(pivot.messages) > len(shown):
        lines.append(f"  ... {len(pivot.messages) - len(shown)} earlier messages")
    lines += [f"  [{m.get('role', '?')}] {_content(m)}" for m in shown]
    lines.append(f"  reference: {_content(pivot.reference)}")
    if verdict is None:
        lines.append("  no action yet")
    else:
        lines.append(f"  action: {_action_text(last_action)}")
        lines.append(f"  verdict: reward {verdict.score:g} ({'equivalent' if verdict.equivalent else 'not equivalent'})"
                     f": {_cut(str(verdict.reason), 500)}")
    return "\n".join(lines) + "\n"
