"""Strip reasoning blocks (``<think>...</think>``) before an action is parsed."""

from __future__ import annotations

import re

_CHEAP_CHECK = ("think>", "THINK>", "Think>", "reasoning>", "REASONING>", "Reasoning>")
_BLOCK = re.compile(r"<(think|thinking|reasoning)>(.*?)</\1>", re.DOTALL | re.IGNORECASE)
_OPEN = re.compile(r"<(think|thinking|reasoning)>", re.IGNORECASE)
_CLOSE = re.compile(r"</(think|thinking|reasoning)>", re.IGNORECASE)


class UnclosedReasoning(ValueError):
    """The output opened a reasoning block and never closed it (truncated generation)."""


def strip_reasoning(text: str) -> tuple[str, str | None]:
    """Return ``(visible_text, reasoning)``.

    Handles closed blocks anywhere, and a leading block whose opening tag was part of the
    prompt (Qwen3 and DeepSeek-R1 templates), where the output starts mid-reasoning and
    only the closing tag appears.
    """
    if not any(tag in text for tag in _CHEAP_CHECK):  # the common case: no reasoning block
        return text.strip(), None
    reasoning_parts: list[str] = []

    def take(match: re.Match[str]) -> str:
        reasoning_parts.append(match.group(2).strip())
        return ""

    visible = _BLOCK.sub(take, text)
    close = _CLOSE.search(visible)
    if close and not _OPEN.search(visible[: close.start()]):
        reasoning_parts.insert(0, visible[: close.start()].strip())
        visible = visible[close.end() :]
    if _OPEN.search(visible):
        raise UnclosedReasoning("a reasoning block (<think>) was opened and never closed")
    reasoning = "\n\n".join(p for p in reasoning_parts if p) or None
    return visible.strip(), reasoning
