"""Compare the effects of two shell actions: exit status, normalised stdout and the work
dir they leave behind. Normalisation is configurable: trailing whitespace, line order for
commands whose output order is unspecified, and volatile fields (timestamps, durations,
addresses) that differ between equivalent runs."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_VOLATILE = (
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?",  # ISO timestamps
    r"\b\d{2}:\d{2}:\d{2}\b",                                                     # clock times
    r"\bin \d+\.\d+s\b",                                                          # "in 0.12s" (pytest)
    r"\b0x[0-9a-fA-F]{6,}\b",                                                     # addresses
)
UNORDERED_COMMANDS = re.compile(r"(^|[|;&(\s])(find|du|ls\s+-[a-zA-Z]*U|xargs\s+-P)\b")
ENDS_IN_SORT = re.compile(r"\|\s*sort\b[^|;&]*$")


def order_unspecified(command: str) -> bool:
    """True where a command prints in an order nothing fixes (``find`` walks the directory in
    creation order); a pipeline that ends in ``sort`` fixes it again."""
    return bool(UNORDERED_COMMANDS.search(command)) and not ENDS_IN_SORT.search(command.strip())


@dataclass(frozen=True)
class OutputPolicy:
    strip_trailing_whitespace: bool = True
    line_order: str = "auto"  # "strict" | "ignore" | "auto" (ignore where a command's order is unspecified)
    volatile: tuple[str, ...] = DEFAULT_VOLATILE

    def normalize(self, text: str, commands: Sequence[str]) -> str:
        for pattern in self.volatile:
            text = re.sub(pattern, "<volatile>", text)
        lines = text.split("\n")
        if self.strip_trailing_whitespace:
            lines = [line.rstrip() for line in lines]
            while lines and not lines[-1]:
                lines.pop()
        unordered = self.line_order == "ignore" or (
            self.line_order == "auto" and any(order_unspecified(c) for c in commands)
        )
        if unordered:
            lines = sorted(lines)
        return "\n".join(lines)


def first_line_difference(expected: str, got: str) -> str:
    a, b = expected.split("\n"), got.split("\n")
    for i, (x, y) in enumerate(zip(a, b)):
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
