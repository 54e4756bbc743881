"""``openai`` (also ``harmony``, ``gpt_oss``): gpt-oss's harmony messages. A turn is one or
more messages ``[<|start|>assistant]HEADER<|message|>BODY<|end|>|<|call|>|<|return|>``; the
header names the channel and, for a tool call, the recipient, before or after the channel::

    <|channel|>analysis<|message|>The user wants...<|end|>
    <|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{"city": "SF"}<|call|>
    <|start|>assistant to=functions.get_weather<|channel|>commentary json<|message|>{"city": "SF"}<|call|>

``analysis`` is reasoning, ``final`` (and ``commentary`` without a recipient) the reply text,
a message to ``functions.NAME`` a call whose body is the JSON arguments.
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
from pivotrl.verifiers.parsers.tool_json import loads

_CHANNEL = re.compile(r"<\|channel\|>\s*([A-Za-z_]+)")
_RECIPIENT = re.compile(r"\bto=([^\s<]+)")
_ROLE = re.compile(r"^\s*assistant\b")
_ENDS = ("<|end|>", "<|call|>", "<|return|>")
MARKERS = ("<|channel|>", "<|constrain|>")


def locate(text: str) -> int:
    found = [i for i in (text.find(m) for m in MARKERS) if i >= 0]
    if not found:
        return -1
    first = min(found)
    recipient = text.rfind(" to=", 0, first)  # `<|start|>assistant to=functions.f<|channel|>...`
    start = text.rfind("<|start|>", 0, first)
    candidates = [i for i in (recipient, start) if i >= 0 and not text[i:first].count("\n")]
    return min(candidates) if candidates else first


def parse(text: str, ctx: ParseContext) -> Action | None:
    if not any(marker in text for marker in MARKERS) and "<|message|>" not in text:
        return None
    calls: list[ToolCall] = []
    prose: list[str] = []
    reasoning: list[str] = []
    for n, segment in enumerate(text.split("<|start|>")):
        segment = _ROLE.sub("", segment, count=1) if n else segment
        header, sep, body = segment.partition("<|message|>")
        if not sep:
            if "<|channel|>" in segment:
                raise ToolCallSyntaxError("a harmony message has a <|channel|> header but no <|message|>")
            prose.append(segment)
            continue
        ends = [i for i in (body.find(e) for e in _ENDS) if i >= 0]
        end = min(ends) if ends else len(body)
        content, rest = body[:end], body[end:]
        for marker in _ENDS:  # text after the message's end marker (none in a well-formed turn)
            rest = rest.replace(marker, "")
        channel_match = _CHANNEL.search(header)
        channel = channel_match.group(1).lower() if channel_match else ""
        recipient_match = _RECIPIENT.search(header)
        recipient = recipient_match.group(1) if recipient_match else ""
        if recipient and recipient not in ("assistant", "user", "all"):
            what = f"harmony call {len(calls) + 1}"
            name = call_name(recipient.removeprefix("functions."), what)
            arguments = json_arguments(loads(content.strip(), what) if content.strip() else {}, what)
            calls.append(ToolCall(name, arguments))
        elif channel == "analysis":
            reasoning.append(content.strip())
        else:
            prose.append(content)
        prose.append(rest)
    return calls_action(calls, prose, "openai", reasoning="\n\n".join(r for r in reasoning if r) or None)
