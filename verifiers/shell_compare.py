"""Compare the effects of two shell actions: exit status, normalised stdout and the work
dir they leave behind. Normalisation is configurable: trailing whitespace, line order where
the commands' structure leaves it unspecified (:mod:`pivotrl.verifiers.shell_order`), and
volatile fields (timestamps, durations, addresses) that differ between equivalent runs."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pivotrl.verifiers.shell_order import output_shape

DEFAULT_VOLATILE = (
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?",  # ISO timestamps
    r"\b\d{2}:\d{2}:\d{2}\b",                                                     # clock times
    r"\bin \d+\.\d+s\b",                                                          # "in 0.12s" (pytest)
    r"\b0x[0-9a-fA-F]{6,}\b",                                                     # addresses
)


def order_unspecified(command: str) -> bool:
    """True where the order of a command's output lines is unspecified by its structure
    (``find`` walks directories in creation order) and nothing after it fixes the order again
    (a pipeline stage ``sort``); see :mod:`pivotrl.verifiers.shell_order` for the rules."""
    return output_shape(command).unordered


@dataclass(frozen=True)
class OutputPolicy:
    strip_trailing_whitespace: bool = True
    line_order: str = "auto"  # "strict" | "ignore" | "auto" (ignore where a command's order is unspecified)
    volatile: tuple[str, ...] = DEFAULT_VOLATILE

    def unordered_span(self, commands: Sequence[str]) -> tuple[int, int] | None:
        """``(lines before, lines after)`` the part of stdout compared as a multiset, or None.

        ``commands`` are those of both sides of a comparison: the order is relaxed only when
        every one of them prints an unordered part at the same place (the reference and the
        candidate are each judged by their own structure, and both must be unordered)."""
        if self.line_order == "ignore":
            return (0, 0)
        if self.line_order == "strict" or not commands:
            return None
        spans = {output_shape(c).span for c in commands}
        return spans.pop() if len(spans) == 1 and None not in spans else None

    def normalize(self, text: str, commands: Sequence[str]) -> str:
        for pattern in self.volatile:
            text = re.sub(pattern, "<volatile>", text)
        lines = text.split("\n")
        if self.strip_trailing_whitespace:
            lines = [line.rstrip() for line in lines]
            while lines and not lines[-1]:
                lines.pop()
        span = self.unordered_span(commands)
        if span is not None:
            before, after = span
            if before + after <= len(lines):
                end = len(lines) - after
                lines = lines[:before] + sorted(lines[before:end]) + lines[end:]
        return "\n".join(lines)


def first_line_difference(expected: str, got: str) -> str:
    a, b = expected.split("\n"), got.split("\n")
    # strict=False: outputs of different line counts are compared up to the shorter one, then told apart below
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return f"stdout line {i + 1}: expected {x[:120]!r}, got {y[:120]!r}"
    if len(a) != len(b):
        return f"stdout has {len(b)} lines, expected {len(a)}"
    return "stdout differs"


def first_file_difference(expected: dict[str, str], got: dict[str, str]) -> str:
    for path in sorted(set(expected) | set(got)):
        if path not in got:
            return f"work dir: {path} is missing (the reference leaves it)"
        if path not in expected:
            return f"work dir: {path} exists (the reference does not create it)"
        if expected[path] != got[path]:
            kind = "permissions" if expected[path].split(":")[:2] != got[path].split(":")[:2] else "content"
            return f"work dir: {path} differs ({kind})"
    return "work dir differs"
