"""Turn raw model output into a structured :class:`Action`.

Accepted: an OpenAI assistant message (``tool_calls`` or content), Hermes/Qwen
``<tool_call>`` blocks, a bare JSON tool call, fenced ```bash blocks, or plain text.
Reasoning blocks are stripped first. Nothing here raises on bad output: an unparseable
action comes back as ``Action(kind="invalid", error=...)``, which verifiers score 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol

from pivotrl.verifiers.action import Action, ToolCall
from pivotrl.verifiers.parsers.reasoning import UnclosedReasoning, strip_reasoning
from pivotrl.verifiers.parsers.text_formats import parse_bare_json, parse_hermes, parse_shell_fences
from pivotrl.verifiers.parsers.tool_json import ToolCallSyntaxError, call_from_object

__all__ = ["ActionParser", "ParserConfig", "parse_action", "strip_reasoning"]

DEFAULT_MAX_CHARS = 200_000
_MARKERS = ("<", "{", "[", "`")  # every tool-call syntax and reasoning tag starts with one of these


@dataclass(frozen=True)
class ParserConfig:
    """``shell_tool`` names the tool a fenced ```bash block calls; ``max_chars`` bounds work
    on hostile output (longer actions are rejected with a reason, not parsed)."""

    shell_tool: str = "bash"
    max_chars: int = DEFAULT_MAX_CHARS
    parse_text_tool_calls: bool = True


class ActionParser(Protocol):
    def __call__(self, raw: Any, config: ParserConfig = ...) -> Action: ...


_DEFAULT_CONFIG = ParserConfig()


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _decode(raw: Any) -> str | Action:
    if isinstance(raw, (bytes, bytearray)):
        try:
            return bytes(raw).decode("utf-8")
        except UnicodeDecodeError as exc:
            return Action.invalid(f"action is not valid UTF-8 (byte {exc.start}: {exc.reason})")
    if isinstance(raw, str):
        try:
            raw.encode("utf-8")
        except UnicodeEncodeError as exc:
            return Action.invalid(f"action is not valid UTF-8 (character {exc.start} is a lone surrogate)")
        return raw
    return Action.invalid(f"action must be text or an assistant message, got {type(raw).__name__}")


def _parse_text(text: str, config: ParserConfig, fmt_hint: str | None = None) -> Action:
    if len(text) > config.max_chars:
        return Action.invalid(
            f"action is {len(text):,} characters, over the limit of {config.max_chars:,}", raw=text[:1000]
        )
    if not any(marker in text for marker in _MARKERS):  # plain prose: nothing to look for
        stripped = text.strip()
        if stripped:
            return Action(kind="text", text=stripped, format=fmt_hint or "text", raw=text)
        return Action.invalid("action is empty", raw=text)
    try:
        visible, reasoning = strip_reasoning(text)
    except UnclosedReasoning as exc:
        return Action.invalid(str(exc), raw=text)
    action: Action | None = None
    if config.parse_text_tool_calls:
        try:
            action = (
                parse_hermes(visible)
                or parse_bare_json(visible)
                or parse_shell_fences(visible, config.shell_tool)
            )
        except ToolCallSyntaxError as exc:
            return Action.invalid(str(exc), raw=text, format="hermes" if "<tool_call>" in visible else "json")
    if action is None:
        if not visible:
            return Action.invalid("action is empty" + (" (only reasoning)" if reasoning else ""), raw=text)
        return Action(kind="text", text=visible, format=fmt_hint or "text", reasoning=reasoning, raw=text)
    return Action(kind=action.kind, text=action.text, tool_calls=action.tool_calls, reasoning=reasoning,
                  format=action.format, raw=text)


def _parse_message(message: Mapping[str, Any], config: ParserConfig) -> Action:
    content = message.get("content")
    if isinstance(content, list):  # content parts
        content = "".join(
            str(part.get("text", "")) for part in content if isinstance(part, Mapping)
        )
    if content is not None and not isinstance(content, str):
        return Action.invalid(f"message content must be text, got {type(content).__name__}", format="openai")
    content = content or ""
    reasoning = message.get("reasoning_content") or message.get("reasoning")
    raw_calls = message.get("tool_calls") or []
    if not raw_calls:
        action = _parse_text(content, config, fmt_hint="openai")
        if reasoning and action.reasoning is None and isinstance(reasoning, str):
            action = replace(action, reasoning=reasoning)
        return action
    if not isinstance(raw_calls, list):
        return Action.invalid("tool_calls must be a list", format="openai")
    if len(content) > config.max_chars:
        return Action.invalid(f"message content is over the limit of {config.max_chars:,} characters")
    calls: list[ToolCall] = []
    for i, raw_call in enumerate(raw_calls):
        try:
            if isinstance(raw_call, Mapping) and isinstance(raw_call.get("function"), Mapping):
                args = raw_call["function"].get("arguments")
                if isinstance(args, str) and len(args) > config.max_chars:
                    raise ToolCallSyntaxError(f"tool call {i + 1} arguments are over the limit of {config.max_chars:,} characters")
            call = call_from_object(dict(raw_call) if isinstance(raw_call, Mapping) else raw_call,
                                    f"tool call {i + 1}", call_id=None)
        except ToolCallSyntaxError as exc:
            return Action.invalid(str(exc), format="openai")
        calls.append(call)
    try:
        visible, text_reasoning = strip_reasoning(content)
    except UnclosedReasoning:
        visible, text_reasoning = "", content
    return Action(
        kind="tool_calls",
        text=visible,
        tool_calls=tuple(calls),
        reasoning=(reasoning if isinstance(reasoning, str) else None) or text_reasoning,
        format="openai",
        raw=content,
    )


def parse_action(raw: Any, config: ParserConfig | None = None) -> Action:
    """Parse model output (text, bytes, an assistant message dict, or an Action) into an Action."""
    config = config or _DEFAULT_CONFIG
    if isinstance(raw, Action):
        return raw
    try:
        if type(raw) is str and (raw.isascii() or _is_utf8(raw)):  # the hot path: sampler output
            return _parse_text(raw, config)
        if isinstance(raw, Mapping):
            return _parse_message(raw, config)
        decoded = _decode(raw)
        if isinstance(decoded, Action):
            return decoded
        return _parse_text(decoded, config)
    except RecursionError:
        return Action.invalid("action is nested too deeply to parse")
