"""Per-pivot sampling seeds: every backend (hf, openai, vllm) seeds a pivot's samples from the
run's seed and the pivot's id, so samples do not depend on batch composition or position."""

from __future__ import annotations

import zlib

from pivotrl.pivot_envs.records import Pivot

__all__ = ["pivot_seed"]


def pivot_seed(seed: int | None, pivot: Pivot) -> int | None:
    """A seed for one pivot, stable whatever else is in the batch or its position: the same
    pivot and seed give the same samples on every run (31 bits: every server accepts it)."""
    if seed is None:
        return None
    return (seed * 1_000_003 + zlib.crc32(pivot.id.encode("utf-8"))) % (2**31 - 1)
