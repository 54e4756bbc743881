"""Turn raw model output into a structured :class:`Action`.

Accepted: an OpenAI assistant message (``tool_calls`` or content), Responses-API output
(items or a response object), or text in any registered tool-call format (``hermes``,
``qwen3_coder``, ``glm45``, ``openai`` harmony, ``gemma4``, ``lfm2``, ``deepseek_v3``, ...;
see :func:`list_parsers`), detected automatically unless ``ParserConfig.parser`` names one.
Reasoning blocks and trailing end-of-turn tokens are stripped first. Formats that carry
values as text are typed through the pivot's tool schemas (``tools=``). Nothing here raises
on bad output: an unparseable action is ``Action(kind="invalid", error=...)``, scored 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol

from pivotrl.chat import content_text
from pivotrl.verifiers.action import Action, ToolCall
from pivotrl.verifiers.parsers.base import ParseContext, ToolCallFormat
from pivotrl.verifiers.parsers.formats import (
    AUTO,
    SHAPE_FORMATS,
    builtin_markers_decide,
    canonical_name,
    detect,
    detect_at,
    get_parser,
    list_parsers,
    register_parser,
    strip_end_markers,
)
from pivotrl.verifiers.parsers.reasoning import UnclosedReasoning, strip_reasoning
from pivotrl.verifiers.parsers.responses import parse_items, responses_action, responses_items
from pivotrl.verifiers.parsers.schema_values import tool_specs
from pivotrl.verifiers.parsers.text_formats import in_shell_fence
from pivotrl.verifiers.parsers.tool_json import ToolCallSyntaxError, call_from_object

__all__ = [
    "ActionParser",
    "ParseContext",
    "ParserConfig",
    "ToolCallFormat",
    "canonical_name",
    "get_parser",
    "list_parsers",
    "parse_action",
    "register_parser",
    "strip_reasoning",
]

DEFAULT_MAX_CHARS = 200_000
# every tool-call syntax, reasoning marker and end-of-turn token starts with one of these
_MARKERS = ("<", "{", "[", "`", "◁", "functools")


@dataclass(frozen=True)
class ParserConfig:
    """``parser`` names the tool-call format to read (``auto``: detect it); ``shell_tool``
    names the tool a fenced ```bash block calls; ``max_chars`` bounds work on hostile output
    (longer actions are rejected with a reason, not parsed)."""

    shell_tool: str = "bash"
    max_chars: int = DEFAULT_MAX_CHARS
    parse_text_tool_calls: bool = True
    parser: str = AUTO

    def __post_init__(self) -> None:
        if self.parser != AUTO:
            get_parser(self.parser)  # unknown names fail here, with the list of known ones


class ActionParser(Protocol):
    def __call__(self, raw: Any, config: ParserConfig = ..., tools: Any = ...) -> Action: ...


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
    return Action.invalid(f"action must be text, an assistant message or Responses output items, "
                          f"got {type(raw).__name__}")


def _whole_shape(visible: str, ctx: ParseContext) -> Action | None:
    """A text that is, from end to end, a JSON or pythonic call list is that, whatever markers
    of other formats its string values mention."""
    head = visible[:1]
    if head in ("{", "[", "`"):
        for name in ("json", "pythonic"):
            try:
                action = get_parser(name).parse(visible, ctx)
            except ToolCallSyntaxError:
                continue  # read again below, where its error is reported if nothing else fits
            if action is not None:
                return action
    return None


def _read_calls(visible: str, config: ParserConfig, ctx: ParseContext) -> Action | None:
    """The calls in ``visible`` under the configured format, or detected; None: a text reply."""
    if config.parser != AUTO:
        return get_parser(config.parser).parse(visible, ctx)
    whole = _whole_shape(visible, ctx)
    if whole is not None:
        return whole
    fmt, at = detect_at(visible)
    if fmt is not None and not in_shell_fence(visible, at):
        action = fmt.parse(visible, ctx)
        if action is not None:
            return action
    for name in SHAPE_FORMATS:
        action = get_parser(name).parse(visible, ctx)
        if action is not None:
            return action
    return None


def _format_for_error(visible: str, config: ParserConfig) -> str:
    if config.parser != AUTO:
        return canonical_name(config.parser)
    fmt = detect(visible)
    return fmt.name if fmt else "json"


def _parse_text(text: str, config: ParserConfig, ctx: ParseContext, fmt_hint: str | None = None) -> Action:
    if len(text) > config.max_chars:
        return Action.invalid(
            f"action is {len(text):,} characters, over the limit of {config.max_chars:,}", raw=text[:1000]
        )
    if not any(marker in text for marker in _MARKERS) and builtin_markers_decide(config.parser):
        # plain prose: no built-in format, reasoning block or end token can be in it
        stripped = text.strip()
        if stripped:
            return Action(kind="text", text=stripped, format=fmt_hint or "text", raw=text)
        return Action.invalid("action is empty", raw=text)
    try:
        visible, reasoning = strip_reasoning(text)
    except UnclosedReasoning as exc:
        return Action.invalid(str(exc), raw=text)
    visible = strip_end_markers(visible)
    action: Action | None = None
    if config.parse_text_tool_calls:
        try:
            action = _read_calls(visible, config, ctx)
        except ToolCallSyntaxError as exc:
            return Action.invalid(str(exc), raw=text, format=_format_for_error(visible, config))
    if action is None:
        if not visible:
            return Action.invalid("action is empty" + (" (only reasoning)" if reasoning else ""), raw=text)
        return Action(kind="text", text=visible, format=fmt_hint or "text", reasoning=reasoning, raw=text)
    merged = "\n\n".join(r for r in (reasoning, action.reasoning) if r) or None
    if action.kind == "text" and not action.text:
        return Action.invalid("action is empty" + (" (only reasoning)" if merged else ""), raw=text,
                              format=action.format)
    return Action(kind=action.kind, text=action.text, tool_calls=action.tool_calls, reasoning=merged,
                  format=action.format, raw=text)


def _parse_message(message: Mapping[str, Any], config: ParserConfig, ctx: ParseContext) -> Action:
    content = message.get("content")
    if isinstance(content, list):  # content parts; an image part is no action text, never an error
        content = content_text(content)
    if content is not None and not isinstance(content, str):
        return Action.invalid(f"message content must be text, got {type(content).__name__}", format="openai")
    content = content or ""
    reasoning = message.get("reasoning_content") or message.get("reasoning") or message.get("thinking")
    raw_calls = message.get("tool_calls") or []
    if not raw_calls:
        action = _parse_text(content, config, ctx, fmt_hint="openai")
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
        text=strip_end_markers(visible),
        tool_calls=tuple(calls),
        reasoning=(reasoning if isinstance(reasoning, str) else None) or text_reasoning,
        format="openai",
        raw=content,
    )


def _parse_responses(items: list[Mapping[str, Any]], config: ParserConfig, ctx: ParseContext) -> Action:
    try:
        calls, text, reasoning = parse_items(items, config.max_chars)
    except ToolCallSyntaxError as exc:
        return Action.invalid(str(exc), format="responses")
    if calls:
        if len(text) > config.max_chars:
            return Action.invalid(f"message text is over the limit of {config.max_chars:,} characters",
                                  format="responses")
        return responses_action(calls, text, reasoning)
    action = _parse_text(text, config, ctx, fmt_hint="responses")  # a raw model may write calls as text
    if reasoning and action.is_valid:
        action = replace(action, reasoning="\n\n".join(r for r in (reasoning, action.reasoning) if r))
    elif reasoning and not text.strip():
        action = Action.invalid("action is empty (only reasoning)", format="responses")
    return action


def parse_action(raw: Any, config: ParserConfig | None = None, tools: Any = None) -> Action:
    """Parse model output (text, bytes, an assistant message dict, Responses output items or a
    response object, or an Action) into an Action. ``tools`` (the pivot's OpenAI tool schemas,
    or ``{name: spec}``) type the values of formats that write them as text."""
    config = config or _DEFAULT_CONFIG
    if isinstance(raw, Action):
        return raw
    ctx = ParseContext(tools=tool_specs(tools), shell_tool=config.shell_tool)
    try:
        if type(raw) is str and (raw.isascii() or _is_utf8(raw)):  # the hot path: sampler output
            return _parse_text(raw, config, ctx)
        items = responses_items(raw) if not isinstance(raw, (str, bytes, bytearray)) else None
        if items is not None:
            return _parse_responses(items, config, ctx)
        if isinstance(raw, Mapping):
            return _parse_message(raw, config, ctx)
        decoded = _decode(raw)
        if isinstance(decoded, Action):
            return decoded
        return _parse_text(decoded, config, ctx)
    except RecursionError:
        return Action.invalid("action is nested too deeply to parse")
