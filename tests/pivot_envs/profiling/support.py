"""Helpers for the profiling tests: a deterministic reference policy (the reference turn or a
one-value perturbation of it, by a seeded per-pivot rule, as model text) and shipped candidates."""

from __future__ import annotations

import json
import random
import zlib
from collections.abc import Sequence

from pivotrl.pivot_envs import Pivot, shipped_pivots
from pivotrl.pivot_envs.perturb import perturb_reference
from pivotrl.pivot_envs.policies import PolicyStats, SampledAction, SamplingParams


def as_model_text(message: dict) -> str:
    """An assistant message as a model writes it: Hermes ``<tool_call>`` blocks or plain text."""
    calls = message.get("tool_calls") or []
    if not calls:
        return message.get("content") or ""
    return "\n".join("<tool_call>\n" + json.dumps({"name": c["function"]["name"],
                                                   "arguments": json.loads(c["function"]["arguments"])})
                     + "\n</tool_call>" for c in calls)


def success_rate(pivot: Pivot) -> float:
    """Per pivot, one of 0, 1/4, 1/2, 3/4, 1: every funnel class shows up."""
    return (zlib.crc32(pivot.id.encode()) % 5) / 4


class ReplayPolicy:
    """Sample j at a pivot is the reference with probability ``success_rate(pivot)`` and a
    perturbation otherwise, drawn from a generator seeded by (seed, pivot id, j): the same
    pivot gives the same samples whatever the batch, the order or the process."""

    name = "replay"

    def __init__(self, faults: dict[int, str] | None = None) -> None:
        self.faults = faults or {}  # sample index -> "empty" | "garbage" | "truncated" | "error"
        self.calls: list[list[str]] = []
        self._stats = PolicyStats()

    def sample(self, pivots: Sequence[Pivot], k: int, params: SamplingParams) -> list[list[SampledAction]]:
        self.calls.append([p.id for p in pivots])
        out = []
        for pivot in pivots:
            group = []
            for j in range(k):
                rng = random.Random(f"{params.seed}:{pivot.id}:{j}")
                good = rng.random() < success_rate(pivot)
                message = pivot.reference if good else perturb_reference(pivot, seed=rng.randrange(1000))
                text = as_model_text(message)
                fault = self.faults.get(j)
                if fault == "empty":
                    group.append(SampledAction(text="", finish_reason="stop"))
                elif fault == "garbage":
                    group.append(SampledAction(text="\x00<tool_call>{{{ ]]] \ufffd" * 50, finish_reason="stop"))
                elif fault == "truncated":
                    group.append(SampledAction(text=text[: max(1, len(text) // 2)], finish_reason="length"))
                elif fault == "error":
                    group.append(SampledAction(text="", error="ConnectionError: the endpoint went away"))
                else:
                    group.append(SampledAction(text=text, finish_reason="stop"))
            out.append(group)
        self._stats.requests += 1
        self._stats.samples += k * len(pivots)
        return out

    def stats(self) -> PolicyStats:
        return self._stats

    def close(self) -> None:
        pass


def shipped_candidates(domain: str, limit: int | None = None) -> list[Pivot]:
    pivots = shipped_pivots(domain)
    return pivots[:limit] if limit else pivots
