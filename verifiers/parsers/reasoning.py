"""Strip the reasoning blocks of every model family before an action is parsed: ``<think>``
(Qwen, DeepSeek, GLM, Nemotron, LFM2, MiniMax; also ``<thinking>``, ``<reasoning>``,
``<seed:think>``), Gemma 4's ``<|channel>thought ... <channel|>``, ``<|begin_of_thought|>``,
Cohere's ``<|START_THINKING|>``, Magistral's ``[THINK]`` and Kimi's ``◁think▷``. Answer
wrappers (``<|begin_of_solution|>``, ``<|START_RESPONSE|>``) are unwrapped. Harmony's
analysis channel and Muse's ``to=self`` messages are read by their own parsers.

Every search moves forward through the text, so hostile input costs linear time.
"""

from __future__ import annotations

import re

_PAIRS: tuple[tuple[str, str], ...] = (
    ("<think>", "</think>"),
    ("<thinking>", "</thinking>"),
    ("<reasoning>", "</reasoning>"),
    ("<seed:think>", "</seed:think>"),
    ("<|channel>", "<channel|>"),
    ("<|begin_of_thought|>", "<|end_of_thought|>"),
    ("<|START_THINKING|>", "<|END_THINKING|>"),
    ("[THINK]", "[/THINK]"),
    ("◁think▷", "◁/think▷"),
)
_UNWRAP: tuple[tuple[str, str], ...] = (
    ("<|begin_of_solution|>", "<|end_of_solution|>"),
    ("<|START_RESPONSE|>", "<|END_RESPONSE|>"),
)
_COMPILED = tuple((re.compile(re.escape(o), re.IGNORECASE), re.compile(re.escape(c), re.IGNORECASE))
                  for o, c in _PAIRS)
_CHEAP = ("think", "THINK", "Think", "reasoning", "REASONING", "Reasoning", "channel", "_thought|>", "THINKING",
          "◁think▷", "◁/think▷")
_CHANNEL_NAME = re.compile(r"\A[a-z_]+\n", re.IGNORECASE)


class UnclosedReasoning(ValueError):
    """The output opened a reasoning block and never closed it (truncated generation)."""


def _strip_pair(text: str, opener: re.Pattern[str], closer: re.Pattern[str], parts: list[str]) -> str:
    # a leading block whose opening marker was part of the prompt (Qwen3, DeepSeek-R1, Nemotron 3
    # templates end the prompt with "<think>\n"): the output starts mid-reasoning
    first_close = closer.search(text)
    first_open = opener.search(text)
    if first_close and (first_open is None or first_close.start() < first_open.start()):
        parts.append(text[: first_close.start()])
        text = text[first_close.end():]
    out: list[str] = []
    pos = 0
    while True:
        found = opener.search(text, pos)
        if found is None:
            break
        close = closer.search(text, found.end())
        if close is None:
            raise UnclosedReasoning(f"a reasoning block ({found.group(0)}) was opened and never closed")
        out.append(text[pos: found.start()])
        parts.append(text[found.end(): close.start()])
        pos = close.end()
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


def _unwrap(text: str) -> str:
    for opener, closer in _UNWRAP:
        if opener in text:
            text = text.replace(opener, "").replace(closer, "")
    return text


def strip_reasoning(text: str) -> tuple[str, str | None]:
    """Return ``(visible_text, reasoning)``; raise UnclosedReasoning for a block that was
    opened and never closed."""
    if not any(tag in text for tag in _CHEAP) and "<|begin_of_solution|>" not in text:
        return text.strip(), None
    parts: list[str] = []
    lowered = text.lower()
    for (opener, closer), (raw_open, raw_close) in zip(_COMPILED, _PAIRS, strict=True):
        if raw_open.lower() not in lowered and raw_close.lower() not in lowered:
            continue
        before = len(parts)
        text = _strip_pair(text, opener, closer, parts)
        if raw_open == "<|channel>":  # Gemma names the channel first ("thought\n")
            parts[before:] = [_CHANNEL_NAME.sub("", p, count=1) for p in parts[before:]]
    text = _unwrap(text)
    reasoning = "\n\n".join(p.strip() for p in parts if p.strip()) or None
    return text.strip(), reasoning
