"""``glm45`` (also ``glm4_moe``, ``glm47``): GLM-4.5/4.6/4.7 calls, the name on the first line
of a ``<tool_call>`` block and each argument as a key/value pair of tags::

    <tool_call>get_weather
    <arg_key>city</arg_key>
    <arg_value>Paris</arg_value>
    </tool_call>

GLM-4.7 writes the same without the newlines. Values are text typed through the schema.
"""

from __future__ import annotations

import re

from pivotrl.verifiers.action import Action, ToolCall
from pivotrl.verifiers.parsers.base import ParseContext, ToolCallSyntaxError, call_name, calls_action
from pivotrl.verifiers.parsers.schema_values import parameter_schemas, typed_value

_OPEN, _CLOSE = "<tool_call>", "</tool_call>"
_KEY, _END_KEY, _VALUE, _END_VALUE = "<arg_key>", "</arg_key>", "<arg_value>", "</arg_value>"
_NAME_END = re.compile(r"\s|<arg_key>|</tool_call>")


def locate(text: str) -> int:
    """The first ``<tool_call>`` whose body starts with a name (not JSON, not a tag)."""
    start = text.find(_OPEN)
    while start >= 0:
        body = start + len(_OPEN)
        while body < len(text) and text[body] in " \t\r\n":
            body += 1
        if body < len(text) and (text[body].isalnum() or text[body] == "_"):
            return start
        start = text.find(_OPEN, body)
    return -1


def _read_block(body: str, ctx: ParseContext, what: str) -> ToolCall:
    body = body.lstrip()
    match = _NAME_END.search(body)
    name = call_name(body[: match.start()] if match else body, what)
    pos = match.start() if match else len(body)
    raw: dict[str, str] = {}
    while True:
        key_at = body.find(_KEY, pos)
        if key_at < 0:
            if body[pos:].strip():
                raise ToolCallSyntaxError(f"{what} ({name}): unexpected text {body[pos:pos + 40].strip()!r}")
            break
        if body[pos:key_at].strip():
            raise ToolCallSyntaxError(f"{what} ({name}): unexpected text {body[pos:key_at].strip()[:40]!r}")
        key_end = body.find(_END_KEY, key_at)
        if key_end < 0:
            raise ToolCallSyntaxError(f"{what} ({name}): <arg_key> is never closed")
        key = body[key_at + len(_KEY): key_end].strip()
        value_at = body.find(_VALUE, key_end)
        if value_at < 0 or body[key_end + len(_END_KEY): value_at].strip():
            raise ToolCallSyntaxError(f"{what} ({name}): argument {key!r} has no <arg_value>")
        value_end = body.rfind(_END_VALUE, value_at, _next_key(body, value_at))
        if value_end < 0:
            raise ToolCallSyntaxError(f"{what} ({name}): the value of {key!r} is never closed with </arg_value>")
        if not key or key in raw:
            raise ToolCallSyntaxError(f"{what} ({name}): argument name {key!r} is empty or given twice")
        raw[key] = body[value_at + len(_VALUE): value_end]
        pos = value_end + len(_END_VALUE)
    schemas = parameter_schemas(ctx.tools, name) or {}
    return ToolCall(name, {k: typed_value(v, schemas.get(k)) for k, v in raw.items()})


def _next_key(body: str, start: int) -> int:
    """Where the next argument begins (``</arg_value>`` then ``<arg_key>``), or the end: a
    value may contain ``</arg_value>`` itself, so the last one before that point closes it."""
    search = start
    while True:
        end = body.find(_END_VALUE, search)
        if end < 0:
            return len(body)
        after = end + len(_END_VALUE)
        while after < len(body) and body[after] in " \t\r\n":
            after += 1
        if body.startswith(_KEY, after):
            return after
        search = after


def parse(text: str, ctx: ParseContext) -> Action | None:
    start = text.find(_OPEN)
    if start < 0:
        return None
    calls: list[ToolCall] = []
    prose = [text[:start]]
    while start >= 0:
        end = text.find(_CLOSE, start)
        body = text[start + len(_OPEN): end if end >= 0 else len(text)]
        calls.append(_read_block(body, ctx, f"<tool_call> block {len(calls) + 1}"))
        if end < 0:
            break
        after = end + len(_CLOSE)
        start = text.find(_OPEN, after)
        prose.append(text[after: start if start >= 0 else len(text)])
    return calls_action(calls, prose, "glm45")
