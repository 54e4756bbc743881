"""``gemma4`` (also ``gemma``): Gemma 4 calls, one block per call, arguments in Gemma's own
literal syntax (unquoted keys, strings between ``<|"|>`` marks, written raw)::

    <|tool_call>call:get_weather{city:<|"|>Paris<|"|>,days:3,flags:[true,false]}<tool_call|>

Reasoning (``<|channel>thought ... <channel|>``) is stripped before this parser runs.
"""

from __future__ import annotations

from pivotrl.verifiers.action import Action, ToolCall
from pivotrl.verifiers.parsers.base import ParseContext, ToolCallSyntaxError, call_name, calls_action
from pivotrl.verifiers.parsers.literals import LiteralReader

_OPEN, _CLOSE, _QUOTE = "<|tool_call>", "<tool_call|>", '<|"|>'


def locate(text: str) -> int:
    return text.find(_OPEN)


def _read_call(text: str, start: int, what: str) -> tuple[ToolCall, int]:
    pos = start + len(_OPEN)
    if not text.startswith("call:", pos):
        raise ToolCallSyntaxError(f"{what}: expected 'call:NAME{{...}}' after {_OPEN}")
    brace = text.find("{", pos, pos + 300)
    if brace < 0:
        raise ToolCallSyntaxError(f"{what}: no argument object after the function name")
    name = call_name(text[pos + len("call:"): brace], what)
    reader = LiteralReader(text, brace, delimiters=(_QUOTE,), unquoted_keys=True)
    arguments = reader.value()
    if not isinstance(arguments, dict):
        raise ToolCallSyntaxError(f"{what} ({name}): arguments must be an object")
    reader.skip_space()
    end = reader.pos
    if text.startswith(_CLOSE, end):
        end += len(_CLOSE)
    elif end < len(text) and text[end:].strip():
        raise ToolCallSyntaxError(f"{what} ({name}): expected {_CLOSE} after the arguments")
    return ToolCall(name, arguments), end


def parse(text: str, ctx: ParseContext) -> Action | None:
    start = text.find(_OPEN)
    if start < 0:
        return None
    calls: list[ToolCall] = []
    prose = [text[:start]]
    while start >= 0:
        call, end = _read_call(text, start, f"{_OPEN} call {len(calls) + 1}")
        calls.append(call)
        start = text.find(_OPEN, end)
        prose.append(text[end: start if start >= 0 else len(text)])
    return calls_action(calls, prose, "gemma4")
