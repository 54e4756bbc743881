"""A toy tool-calling model for command tests: built once per session from the shipped tool
trajectories (a few seconds), small enough that a training step takes well under a second."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from pivotrl.pivot_envs import Pivot, shipped_pivots
from pivotrl.pivot_envs.domains import data_file


def shipped_tool_texts() -> list[str]:
    return [line for line in data_file("tool").read_text().splitlines() if line.strip()]


@functools.cache
def toy_model(root: Path) -> Path:
    from pivotrl.experiment.toy_lm import ToySize, build_toy_lm

    return build_toy_lm(root / "toy-lm", shipped_tool_texts(),
                        size=ToySize(hidden=32, layers=1, heads=2, intermediate=64, vocab=1024, context=2048))


def short_tool_pivots(count: int) -> list[Pivot]:
    """The ``count`` shipped tool pivots with the shortest prompts (CPU forward passes stay small)."""
    pivots = shipped_pivots("tool")
    return sorted(pivots, key=lambda p: (len(json.dumps(p.messages)) + len(json.dumps(p.tools)), p.id))[:count]


def write_pivots(path: Path, pivots: list[Pivot]) -> Path:
    path.write_text("".join(json.dumps(p.to_dict()) + "\n" for p in pivots))
    return path
