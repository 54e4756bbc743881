"""What ``PivotGRPOTrainer`` asks of a sampler: G ``Rollout`` records per pivot, with token ids
under the trainer's tokenizer and, where the sampler has them, its own log-probs (at the sampling
temperature), so the trainer scores the same tokens and reports how far the sampler's numbers
drift from its own. The samplers themselves are the profiling ``Policy`` backends, adapted by
``trainer_plugin.policy_sampler``: prompts, stops, seeds and sampling checks live there once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from pivotrl.pivot_envs.records import Pivot

__all__ = ["Rollout", "Sampler"]


@dataclass(frozen=True)
class Rollout:
    """One sampled action at a pivot. ``completion_ids`` end with the end-of-turn token when
    the model stopped (it learns to stop); ``sampler_logprobs`` align with them, or are None."""

    pivot: Pivot
    prompt_ids: list[int]
    completion_ids: list[int]
    text: str
    sampler_logprobs: list[float] | None = None
    truncated: bool = False


class Sampler(Protocol):
    """Returns, for each pivot in order, exactly ``g`` rollouts."""

    def sample(self, pivots: Sequence[Pivot], g: int) -> list[list[Rollout]]: ...
