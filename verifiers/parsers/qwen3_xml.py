"""``qwen3_coder`` (also ``qwen3_xml``): the XML calls of Qwen3-Coder, Qwen3.5/3.6/3.8 and
Nemotron 3 (nano, super, ultra)::

    <tool_call>
    <function=get_weather>
    <parameter=city>
    Paris
    </parameter>
    </function>
    </tool_call>

Values are text (one newline after the opening tag and one before the closing tag belong
to the markup) typed through the tool's schema. A value may itself contain
``</parameter>``: the closing tag that counts is the one followed by the next parameter,
``</function>`` or the end, and where the schema names the parameters, only a declared
name opens the next one (as vLLM's parser does).
"""

from __future__ import annotations

import re

from pivotrl.verifiers.action import Action, ToolCall
from pivotrl.verifiers.parsers.base import ParseContext, ToolCallSyntaxError, call_name, calls_action
from pivotrl.verifiers.parsers.schema_values import parameter_schemas, typed_value

_FUNCTION, _PARAMETER = "<function=", "<parameter="
_END_PARAMETER, _END_FUNCTION = "</parameter>", "</function>"
_OPEN_BLOCK, _CLOSE_BLOCK = "<tool_call>", "</tool_call>"
_SPACE = re.compile(r"\s*")


def locate(text: str) -> int:
    """Where the first ``<function=`` call starts (its ``<tool_call>`` when one wraps it)."""
    i = text.find(_FUNCTION)
    if i < 0:
        return -1
    block = text.rfind(_OPEN_BLOCK, 0, i)
    if block >= 0 and not text[block + len(_OPEN_BLOCK): i].strip():
        return block
    return i


def _skip(text: str, pos: int) -> int:
    return _SPACE.match(text, pos).end()  # type: ignore[union-attr]


def _structural_end(text: str, start: int, declared: set[str] | None) -> int:
    """Index of the ``</parameter>`` that closes the value starting at ``start`` (-1: none)."""
    search = start
    while True:
        end = text.find(_END_PARAMETER, search)
        if end < 0:
            return -1
        after = _skip(text, end + len(_END_PARAMETER))
        if after >= len(text) or text.startswith((_END_FUNCTION, _CLOSE_BLOCK), after):
            return end
        if text.startswith(_PARAMETER, after):
            if declared is None:
                return end
            close = text.find(">", after + len(_PARAMETER), after + len(_PARAMETER) + 300)
            if close >= 0 and text[after + len(_PARAMETER): close].strip() in declared:
                return end
        search = end + len(_END_PARAMETER)


def _read_function(text: str, start: int, ctx: ParseContext, index: int) -> tuple[ToolCall, int]:
    """Read ``<function=NAME>...</function>`` starting at ``start``; returns the call and the
    position after it."""
    what = f"<function> call {index + 1}"
    name_end = text.find(">", start + len(_FUNCTION))
    if name_end < 0:
        raise ToolCallSyntaxError(f"{what}: the function tag is never closed")
    name = call_name(text[start + len(_FUNCTION): name_end], what)
    properties = parameter_schemas(ctx.tools, name)
    declared = set(properties) if properties else None
    raw: dict[str, str] = {}
    pos = name_end + 1
    while True:
        pos = _skip(text, pos)
        if pos >= len(text):
            break  # cut off after the last parameter: read what is complete
        if text.startswith(_END_FUNCTION, pos):
            pos += len(_END_FUNCTION)
            break
        if text.startswith(_CLOSE_BLOCK, pos):  # </function> left out
            break
        if not text.startswith(_PARAMETER, pos):
            raise ToolCallSyntaxError(f"{what} ({name}): expected <parameter=...> or </function>, "
                                      f"found {text[pos:pos + 40]!r}")
        key_end = text.find(">", pos + len(_PARAMETER))
        if key_end < 0:
            raise ToolCallSyntaxError(f"{what} ({name}): a parameter tag is never closed")
        key = text[pos + len(_PARAMETER): key_end].strip()
        if not key:
            raise ToolCallSyntaxError(f"{what} ({name}): a parameter has no name")
        value_start = key_end + 1
        if text.startswith("\n", value_start):
            value_start += 1
        value_end = _structural_end(text, value_start, declared)
        if value_end < 0:
            raise ToolCallSyntaxError(f"{what} ({name}): parameter {key!r} is never closed with </parameter>")
        if key in raw:
            raise ToolCallSyntaxError(f"{what} ({name}): parameter {key!r} is given twice")
        value = text[value_start:value_end]
        raw[key] = value[:-1] if value.endswith("\n") else value
        pos = value_end + len(_END_PARAMETER)
    schemas = properties or {}
    arguments = {key: typed_value(value, schemas.get(key)) for key, value in raw.items()}
    return ToolCall(name, arguments), pos


def parse(text: str, ctx: ParseContext) -> Action | None:
    start = text.find(_FUNCTION)
    if start < 0:
        return None
    calls: list[ToolCall] = []
    prose: list[str] = []
    cursor = 0
    while start >= 0:
        block = text.rfind(_OPEN_BLOCK, cursor, start)
        opened = block >= 0 and not text[block + len(_OPEN_BLOCK): start].strip()
        prose.append(text[cursor: block if opened else start])
        call, pos = _read_function(text, start, ctx, len(calls))
        calls.append(call)
        pos = _skip(text, pos)
        if text.startswith(_CLOSE_BLOCK, pos):
            pos += len(_CLOSE_BLOCK)
        cursor = pos
        start = text.find(_FUNCTION, cursor)
    prose.append(text[cursor:])
    return calls_action(calls, prose, "qwen3_coder")
