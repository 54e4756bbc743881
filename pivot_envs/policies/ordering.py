"""Work order for prefix caching: pivots of one trajectory share their conversation prefix, so
sampling them back to back (longest prefix first) lets an engine's prefix cache serve the shared
part. The permutation is returned so results map back to the caller's order."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import TypeVar

from pivotrl.pivot_envs.records import Pivot

T = TypeVar("T")

HASHED_MESSAGES = 2  # system + first user turn: what every pivot of one trajectory starts with


def trajectory_key(pivot: Pivot) -> str:
    """The trajectory a pivot came from: ``source.trajectory_id`` when recorded, else a hash of
    its tools and first messages (pivots cut from one conversation agree on those)."""
    source = pivot.source or {}
    if source.get("trajectory_id") is not None:
        return f"id:{source['trajectory_id']}"
    head = json.dumps([pivot.tools, pivot.messages[:HASHED_MESSAGES]], sort_keys=True, ensure_ascii=False,
                      default=str)
    return "hash:" + hashlib.sha1(head.encode("utf-8")).hexdigest()


def prefix_order(pivots: Sequence[Pivot]) -> list[int]:
    """Indices of ``pivots`` in work order: trajectories in order of first appearance, and within
    one trajectory the longest prefix first (it fills the cache with every block the shorter
    prefixes reuse); ties keep input order."""
    groups: dict[str, list[int]] = {}
    for i, pivot in enumerate(pivots):
        groups.setdefault(trajectory_key(pivot), []).append(i)
    order: list[int] = []
    for members in groups.values():
        order += sorted(members, key=lambda i: (-len(pivots[i].messages), i))
    return order


def apply_order(items: Sequence[T], order: Sequence[int]) -> list[T]:
    """``items`` in work order."""
    return [items[i] for i in order]


def restore_order(results: Sequence[T], order: Sequence[int]) -> list[T]:
    """Results produced in work order, put back into input order (the inverse of apply_order)."""
    if len(results) != len(order):
        raise ValueError(f"expected {len(order)} results, found {len(results)}")
    out: list[T | None] = [None] * len(order)
    for position, index in enumerate(order):
        out[index] = results[position]
    return out  # type: ignore[return-value]
