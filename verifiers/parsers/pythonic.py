"""Python-style call lists: ``pythonic`` (Llama 3.2/4, also inside ``<|python_start|>``) and
``lfm2`` (LFM2 / LFM2.5 between ``<|tool_call_start|>`` and ``<|tool_call_end|>``)::

    [get_weather(city='Paris', days=3), ping()]
    <|tool_call_start|>[get_weather(city='Paris', unit="celsius", flags=[True, False])]<|tool_call_end|>

Values are Python or JSON literals (LFM2 templates write lists with ``| string`` and mappings
with ``tojson``). LFM2.5 writes strings unescaped, so a quote inside a string is read as text
unless a delimiter follows it. Bare pythonic output is a call only when the whole text is a
call list; ``[see notes(page 2)]``-like prose is left as prose unless it parses.
"""

from __future__ import annotations

import re

from pivotrl.verifiers.action import Action, ToolCall
from pivotrl.verifiers.parsers.base import ParseContext, ToolCallSyntaxError, call_name, calls_action
from pivotrl.verifiers.parsers.literals import LiteralReader

_LFM_OPEN, _LFM_CLOSE = "<|tool_call_start|>", "<|tool_call_end|>"
_PY_OPEN, _PY_CLOSE = "<|python_start|>", "<|python_end|>"
_SHAPE = re.compile(r"\s*\[\s*[A-Za-z_][\w.\-]*\s*\(")


def read_calls(text: str, what: str, lenient_quotes: bool = False) -> list[ToolCall]:
    """``[f(a=1), g()]`` (brackets optional) as calls; the text must hold nothing else."""
    reader = LiteralReader(text, lenient_quotes=lenient_quotes, unquoted_keys=False)
    reader.skip_space()
    bracketed = reader.peek() == "["
    if bracketed:
        reader.pos += 1
    calls: list[ToolCall] = []
    while True:
        reader.skip_space()
        if bracketed and reader.peek() == "]":
            reader.pos += 1
            break
        if not bracketed and reader.pos >= len(text):
            break
        label = f"{what} call {len(calls) + 1}"
        name = call_name(reader.identifier(), label)
        reader.expect("(")
        arguments: dict[str, object] = {}
        while True:
            reader.skip_space()
            if reader.peek() == ")":
                reader.pos += 1
                break
            key = reader.identifier()
            reader.skip_space()
            if reader.peek() != "=":
                raise reader.error(f"{label} ({name}): arguments must be named (key=value)")
            reader.pos += 1
            if key in arguments:
                raise reader.error(f"{label} ({name}): argument {key!r} is given twice")
            arguments[key] = reader.value()
            reader.skip_space()
            if reader.peek() == ",":
                reader.pos += 1
            elif reader.peek() != ")":
                raise reader.error(f"{label} ({name}): expected ',' or ')'")
        calls.append(ToolCall(name, arguments))
        reader.skip_space()
        if reader.peek() == ",":
            reader.pos += 1
        elif bracketed and reader.peek() != "]":
            raise reader.error(f"{what}: expected ',' or ']' between calls")
        elif not bracketed and reader.pos < len(text):
            raise reader.error(f"{what}: expected ',' between calls")
    reader.skip_space()
    if reader.pos != len(text):
        raise reader.error(f"{what}: unexpected text after the call list")
    return calls


def locate_lfm2(text: str) -> int:
    return text.find(_LFM_OPEN)


def parse_lfm2(text: str, ctx: ParseContext) -> Action | None:
    start = text.find(_LFM_OPEN)
    if start < 0:
        return None
    calls: list[ToolCall] = []
    prose = [text[:start]]
    while start >= 0:
        body_start = start + len(_LFM_OPEN)
        end = text.find(_LFM_CLOSE, body_start)
        body = text[body_start: end if end >= 0 else len(text)]
        calls.extend(read_calls(body, f"{_LFM_OPEN} block", lenient_quotes=True))
        if end < 0:
            break
        after = end + len(_LFM_CLOSE)
        start = text.find(_LFM_OPEN, after)
        prose.append(text[after: start if start >= 0 else len(text)])
    return calls_action(calls, prose, "lfm2")


def locate_pythonic(text: str) -> int:
    return text.find(_PY_OPEN)


def parse_pythonic(text: str, ctx: ParseContext) -> Action | None:
    """Inside ``<|python_start|>`` a broken list is an error; bare, the whole output must be
    a call list, and text that only looks like one stays prose."""
    if _PY_OPEN in text:
        before, _, rest = text.partition(_PY_OPEN)
        body, _, after = rest.partition(_PY_CLOSE)
        return calls_action(read_calls(body, _PY_OPEN), [before, after], "pythonic")
    if not _SHAPE.match(text):
        return None
    stripped = text.strip()
    if not stripped.endswith("]"):
        return None
    if not stripped.rstrip("]").rstrip().endswith(")"):
        return None
    try:
        calls = read_calls(stripped, "pythonic")
    except ToolCallSyntaxError:
        if stripped.endswith(")]"):
            raise  # shaped like a call list from end to end: a broken call, not prose
        return None
    return calls_action(calls, "", "pythonic")
