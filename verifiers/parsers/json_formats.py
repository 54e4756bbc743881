"""Formats whose arguments are JSON behind family-specific markers: ``deepseek_v3`` (also
``deepseek_r1`` and the V3.1 form), ``kimi_k2``, ``mistral`` (before and after tokenizer v11),
``granite``, ``phi4_mini`` and ``cohere`` (Command A / R7B)::

    <｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>f\\n```json\\n{...}\\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>
    <｜tool▁calls▁begin｜><｜tool▁call▁begin｜>f<｜tool▁sep｜>{...}<｜tool▁call▁end｜><｜tool▁calls▁end｜>     (V3.1)
    <|tool_calls_section_begin|><|tool_call_begin|>functions.f:0<|tool_call_argument_begin|>{...}<|tool_call_end|><|tool_calls_section_end|>
    [TOOL_CALLS][{"name": "f", "arguments": {...}}]          [TOOL_CALLS]f[ARGS]{...}      (Mistral)
    <|tool_call|>[{"name": "f", "arguments": {...}}]                                       (Granite)
    functools[{"name": "f", "arguments": {...}}]                                           (Phi-4-mini)
    <|START_ACTION|>[{"tool_name": "f", "parameters": {...}}]<|END_ACTION|>                 (Cohere)
"""

from __future__ import annotations

import re

from pivotrl.verifiers.action import Action, ToolCall
from pivotrl.verifiers.parsers.base import (
    ParseContext,
    ToolCallSyntaxError,
    call_name,
    calls_action,
    json_arguments,
)
from pivotrl.verifiers.parsers.tool_json import call_from_object, first_value

# -- DeepSeek V3 / R1 / V3.1 --------------------------------------------------------------
DS_CALLS_BEGIN, DS_CALLS_END = "<｜tool▁calls▁begin｜>", "<｜tool▁calls▁end｜>"
DS_CALL_BEGIN, DS_CALL_END, DS_SEP = "<｜tool▁call▁begin｜>", "<｜tool▁call▁end｜>", "<｜tool▁sep｜>"
_FENCED = re.compile(r"\s*```[ \t]*(?:json)?[ \t]*\n?(.*?)\n?```\s*\Z", re.DOTALL)


def locate_deepseek(text: str) -> int:
    found = [i for i in (text.find(DS_CALLS_BEGIN), text.find(DS_CALL_BEGIN)) if i >= 0]
    return min(found) if found else -1


def _deepseek_call(body: str, what: str) -> ToolCall:
    left, sep, right = body.partition(DS_SEP)
    if not sep:
        raise ToolCallSyntaxError(f"{what}: no {DS_SEP} between the name and the arguments")
    if right.lstrip().startswith("{"):  # V3.1: NAME<sep>{json}
        name, raw = left, right
    else:  # V3 / R1: TYPE<sep>NAME\n```json\n{json}\n```
        name, _, raw = right.partition("\n")
        fenced = _FENCED.match(raw)
        raw = fenced.group(1) if fenced else raw
    name = call_name(name, what)
    value, end = first_value(raw, f"{what} ({name})") if raw.strip() else ({}, len(raw))
    if raw[end:].strip():
        raise ToolCallSyntaxError(f"{what} ({name}): unexpected text after the arguments: {raw[end:end + 40]!r}")
    return ToolCall(name, json_arguments(value, what))


def parse_deepseek(text: str, ctx: ParseContext) -> Action | None:
    start = locate_deepseek(text)
    if start < 0:
        return None
    prose = [text[:start]]
    calls: list[ToolCall] = []
    pos = text.find(DS_CALL_BEGIN, start)
    while pos >= 0:
        end = text.find(DS_CALL_END, pos)
        body = text[pos + len(DS_CALL_BEGIN): end if end >= 0 else len(text)]
        calls.append(_deepseek_call(body, f"DeepSeek call {len(calls) + 1}"))
        if end < 0:
            pos = len(text)
            break
        pos = end + len(DS_CALL_END)
        nxt = text.find(DS_CALL_BEGIN, pos)
        if nxt < 0 or text[pos:nxt].strip():
            break
        pos = nxt
    if not calls:
        raise ToolCallSyntaxError(f"{DS_CALLS_BEGIN} holds no {DS_CALL_BEGIN} call")
    rest = text[pos:]
    rest = rest.replace(DS_CALLS_END, "", 1) if rest.lstrip().startswith(DS_CALLS_END) else rest
    prose.append(rest)
    return calls_action(calls, prose, "deepseek_v3")


# -- Kimi K2 ------------------------------------------------------------------------------
KIMI_SECTION_BEGIN, KIMI_SECTION_END = "<|tool_calls_section_begin|>", "<|tool_calls_section_end|>"
KIMI_CALL_BEGIN, KIMI_ARGS, KIMI_CALL_END = "<|tool_call_begin|>", "<|tool_call_argument_begin|>", "<|tool_call_end|>"
_KIMI_ID = re.compile(r"\s*(?:functions\.)?(.+?)(?::\d+)?\s*\Z", re.DOTALL)


def locate_kimi(text: str) -> int:
    found = [i for i in (text.find(KIMI_SECTION_BEGIN), text.find(KIMI_CALL_BEGIN)) if i >= 0]
    return min(found) if found else -1


def parse_kimi(text: str, ctx: ParseContext) -> Action | None:
    start = locate_kimi(text)
    if start < 0:
        return None
    prose = [text[:start]]
    calls: list[ToolCall] = []
    pos = text.find(KIMI_CALL_BEGIN, start)
    while pos >= 0:
        what = f"Kimi call {len(calls) + 1}"
        end = text.find(KIMI_CALL_END, pos)
        body = text[pos + len(KIMI_CALL_BEGIN): end if end >= 0 else len(text)]
        call_id, sep, raw = body.partition(KIMI_ARGS)
        if not sep:
            raise ToolCallSyntaxError(f"{what}: no {KIMI_ARGS} after the function id")
        match = _KIMI_ID.match(call_id)
        name = call_name(match.group(1) if match else call_id, what)
        if name not in ctx.tools and "." in name and name.rsplit(".", 1)[1] in ctx.tools:
            name = name.rsplit(".", 1)[1]
        value, used = first_value(raw, f"{what} ({name})") if raw.strip() else ({}, len(raw))
        if raw[used:].strip():
            raise ToolCallSyntaxError(f"{what} ({name}): unexpected text after the arguments")
        calls.append(ToolCall(name, json_arguments(value, what), id=call_id.strip() or None))
        if end < 0:
            pos = len(text)
            break
        pos = end + len(KIMI_CALL_END)
        nxt = text.find(KIMI_CALL_BEGIN, pos)
        if nxt < 0 or text[pos:nxt].strip():
            break
        pos = nxt
    rest = text[pos:]
    prose.append(rest.replace(KIMI_SECTION_END, "", 1) if rest.lstrip().startswith(KIMI_SECTION_END) else rest)
    return calls_action(calls, [p.replace(KIMI_SECTION_BEGIN, "") for p in prose], "kimi_k2")


# -- Mistral ------------------------------------------------------------------------------
MISTRAL_BOT = "[TOOL_CALLS]"
_MISTRAL_NAME_END = re.compile(r"\[ARGS\]|\[CALL_ID\]|\{")


def locate_mistral(text: str) -> int:
    return text.find(MISTRAL_BOT)


def parse_mistral(text: str, ctx: ParseContext) -> Action | None:
    """Before v11, ``[TOOL_CALLS]`` is followed by a JSON list of calls; from v11 on, each call
    is ``[TOOL_CALLS]NAME[ARGS]{json}`` (``[CALL_ID]id`` may sit between)."""
    if MISTRAL_BOT not in text:
        return None
    prose, *parts = text.split(MISTRAL_BOT)
    calls: list[ToolCall] = []
    tail = ""
    for part in parts:
        what = f"Mistral call {len(calls) + 1}"
        body = part.lstrip()
        if body.startswith(("[", "{")):
            value, end = first_value(body, what)
            items = value if isinstance(value, list) else [value]
            calls.extend(call_from_object(item, f"{what}.{i + 1}") for i, item in enumerate(items))
            tail += body[end:]
            continue
        match = _MISTRAL_NAME_END.search(body)
        if not match:
            raise ToolCallSyntaxError(f"{what}: no arguments after the function name")
        name = call_name(body[: match.start()], what)
        rest = body[match.start():]
        call_id = None
        if rest.startswith("[CALL_ID]"):
            call_id, _, rest = rest[len("[CALL_ID]"):].partition("[ARGS]")
            call_id = call_id.strip() or None
        elif rest.startswith("[ARGS]"):
            rest = rest[len("[ARGS]"):]
        value, end = first_value(rest, f"{what} ({name})")
        calls.append(ToolCall(name, json_arguments(value, what), id=call_id))
        tail += rest[end:]
    if not calls:
        raise ToolCallSyntaxError(f"{MISTRAL_BOT} is followed by no call")
    return calls_action(calls, [prose, tail], "mistral")


# -- markers followed by a JSON list of calls ------------------------------------------------
def _json_list_after(marker: str, end_marker: str | None, fmt: str):
    def parse(text: str, ctx: ParseContext) -> Action | None:
        if marker not in text:
            return None
        calls: list[ToolCall] = []
        prose: list[str] = []
        cursor = 0
        start = text.find(marker)
        while start >= 0:
            prose.append(text[cursor:start])
            what = f"{marker} call {len(calls) + 1}"
            value, cursor = first_value(text, what, start + len(marker))
            items = value if isinstance(value, list) else [value]
            calls.extend(call_from_object(item, f"{what}.{i + 1}") for i, item in enumerate(items))
            if end_marker:
                after = cursor
                while after < len(text) and text[after] in " \t\r\n":
                    after += 1
                if text.startswith(end_marker, after):
                    cursor = after + len(end_marker)
            start = text.find(marker, cursor)
        prose.append(text[cursor:])
        return calls_action(calls, prose, fmt)

    return parse


GRANITE, PHI4, COHERE, COHERE_END = "<|tool_call|>", "functools", "<|START_ACTION|>", "<|END_ACTION|>"
parse_granite = _json_list_after(GRANITE, None, "granite")
parse_phi4_mini = _json_list_after(PHI4, None, "phi4_mini")
parse_cohere = _json_list_after(COHERE, COHERE_END, "cohere")


def locate_phi4(text: str) -> int:
    return text.find(PHI4 + "[")
