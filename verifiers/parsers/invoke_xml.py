"""Calls written as ``<invoke name="f"><parameter name="k">v</parameter></invoke>`` blocks, in
three namespaces: ``minimax_m2`` (``<minimax:tool_call>``), ``deepseek_v32`` (DeepSeek-V3.2's
DSML, ``<｜DSML｜function_calls>``, where ``string="false"`` marks a JSON value) and the ATEM
blocks of ``muse_glimmer`` (``<atem:function_calls>``, inside recipient-addressed messages:
``to=self`` is reasoning, ``to=user`` the reply). Text values are typed through the schema.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from pivotrl.verifiers.action import Action, ToolCall
from pivotrl.verifiers.parsers.base import ParseContext, ToolCallSyntaxError, call_name, calls_action
from pivotrl.verifiers.parsers.schema_values import parameter_schemas, typed_value

_SPACE = re.compile(r"\s*")
_ATTRS = re.compile(r'\s+([\w-]+)\s*=\s*"([^"]*)"')


@dataclass(frozen=True)
class Dialect:
    name: str
    prefix: str  # namespace of the invoke/parameter tags
    block: str  # the wrapping tag's name, without < >

    @property
    def invoke(self) -> str:
        return f"<{self.prefix}invoke"

    @property
    def end_invoke(self) -> str:
        return f"</{self.prefix}invoke>"

    @property
    def parameter(self) -> str:
        return f"<{self.prefix}parameter"

    @property
    def end_parameter(self) -> str:
        return f"</{self.prefix}parameter>"

    @property
    def open_block(self) -> str:
        return f"<{self.block}>"

    @property
    def close_block(self) -> str:
        return f"</{self.block}>"


MINIMAX = Dialect("minimax_m2", "", "minimax:tool_call")
DSML = Dialect("deepseek_v32", "｜DSML｜", "｜DSML｜function_calls")
ATEM = Dialect("muse_glimmer", "atem:", "atem:function_calls")


def _tag(text: str, pos: int, what: str) -> tuple[dict[str, str], int]:
    """Attributes of the tag whose name ends at ``pos``, and the position after its ``>``."""
    end = text.find(">", pos, pos + 2000)
    if end < 0:
        raise ToolCallSyntaxError(f"{what}: a tag is never closed")
    return dict(_ATTRS.findall(text[pos:end])), end + 1


def _value_end(text: str, start: int, dialect: Dialect) -> int:
    search = start
    while True:
        end = text.find(dialect.end_parameter, search)
        if end < 0:
            return -1
        after = _SPACE.match(text, end + len(dialect.end_parameter)).end()  # type: ignore[union-attr]
        if after >= len(text) or text.startswith((dialect.parameter, dialect.end_invoke), after):
            return end
        search = end + len(dialect.end_parameter)


def _read_invoke(text: str, start: int, dialect: Dialect, ctx: ParseContext, index: int) -> tuple[ToolCall, int]:
    what = f"<invoke> call {index + 1}"
    attrs, pos = _tag(text, start + len(dialect.invoke), what)
    name = call_name(attrs.get("name", ""), what)
    schemas = parameter_schemas(ctx.tools, name) or {}
    arguments: dict[str, object] = {}
    while True:
        pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
        if pos >= len(text) or text.startswith(dialect.close_block, pos):
            break  # cut off, or </invoke> left out
        if text.startswith(dialect.end_invoke, pos):
            pos += len(dialect.end_invoke)
            break
        if not text.startswith(dialect.parameter, pos):
            raise ToolCallSyntaxError(f"{what} ({name}): expected a parameter, found {text[pos:pos + 40]!r}")
        attrs, value_start = _tag(text, pos + len(dialect.parameter), what)
        key = attrs.get("name", "").strip()
        end = _value_end(text, value_start, dialect)
        if not key or end < 0:
            raise ToolCallSyntaxError(f"{what} ({name}): a parameter has no name or is never closed")
        if key in arguments:
            raise ToolCallSyntaxError(f"{what} ({name}): parameter {key!r} is given twice")
        raw = text[value_start:end]
        if attrs.get("string") == "false":
            try:
                arguments[key] = json.loads(raw)
            except (ValueError, RecursionError):
                raise ToolCallSyntaxError(f"{what} ({name}): parameter {key!r} is marked string=\"false\" "
                                          "but is not JSON") from None
        elif attrs.get("string") == "true":
            arguments[key] = raw
        else:
            arguments[key] = typed_value(raw, schemas.get(key))
        pos = end + len(dialect.end_parameter)
    return ToolCall(name, arguments), pos


def parse_invokes(text: str, dialect: Dialect, ctx: ParseContext) -> Action | None:
    """Every ``<invoke>`` of ``dialect`` in ``text``; the wrapping block tags are markup, the
    rest is prose."""
    start = text.find(dialect.invoke)
    if start < 0:
        return None
    calls: list[ToolCall] = []
    prose: list[str] = []
    cursor = 0
    while start >= 0:
        prose.append(text[cursor:start].replace(dialect.open_block, "").replace(dialect.close_block, ""))
        call, pos = _read_invoke(text, start, dialect, ctx, len(calls))
        calls.append(call)
        cursor = pos
        start = text.find(dialect.invoke, cursor)
    prose.append(text[cursor:].replace(dialect.open_block, "").replace(dialect.close_block, ""))
    return calls_action(calls, prose, dialect.name)


def locator(dialect: Dialect, bare_invoke: bool = False):
    markers = (dialect.open_block, dialect.invoke + " ") if bare_invoke or dialect.prefix else (dialect.open_block,)

    def locate(text: str) -> int:
        found = [i for i in (text.find(m) for m in markers) if i >= 0]
        return min(found) if found else -1

    return locate


def parse_minimax(text: str, ctx: ParseContext) -> Action | None:
    # some models (Kimi among them) wrap the same blocks in Hermes' <tool_call> tags
    action = parse_invokes(text, MINIMAX, ctx)
    if action is not None and "tool_call>" in action.text:
        action = calls_action(action.tool_calls, action.text.replace("<tool_call>", "").replace("</tool_call>", ""),
                              MINIMAX.name)
    return action


def parse_dsml(text: str, ctx: ParseContext) -> Action | None:
    return parse_invokes(text, DSML, ctx)


# Muse Glimmer: messages of the turn are ``<|start|>assistant to=RECIPIENT<|message|>BODY<|eom|>``
_MUSE_END = ("<|eom|>", "<|eot|>", "<|end|>")
_RECIPIENT = re.compile(r"to=(\S+?)(?=\s|<\||$)")


def locate_muse(text: str) -> int:
    i = text.find(ATEM.invoke)
    j = text.find("<|message|>")
    if j >= 0 and "<|channel|>" in text[:j]:
        j = -1  # harmony, not Muse
    found = [x for x in (i, j) if x >= 0]
    return min(found) if found else -1


def parse_muse(text: str, ctx: ParseContext) -> Action | None:
    if "<|message|>" not in text:
        return parse_invokes(text, ATEM, ctx)
    calls: list[ToolCall] = []
    prose: list[str] = []
    reasoning: list[str] = []
    for segment in text.split("<|start|>"):
        header, sep, body = segment.partition("<|message|>")
        if not sep:
            prose.append(segment)
            continue
        ends = [i for i in (body.find(e) for e in _MUSE_END) if i >= 0]
        body = body[: min(ends)] if ends else body
        match = _RECIPIENT.search(header)
        recipient = match.group(1) if match else "user"
        if recipient == "self":
            reasoning.append(body.strip())
        elif recipient == "user":
            prose.append(body)
        else:
            action = parse_invokes(body, ATEM, ctx)
            if action is None:
                raise ToolCallSyntaxError(f"a message to {recipient!r} holds no <atem:invoke> call")
            calls.extend(ToolCall(c.name, c.arguments) for c in action.tool_calls)
            prose.append(action.text)
    return calls_action(calls, prose, ATEM.name, reasoning="\n\n".join(r for r in reasoning if r) or None)
