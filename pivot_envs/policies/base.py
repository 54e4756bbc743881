"""The policy interface profiling samples through: K actions per pivot state, with token
log-probs where the backend gives them. Backends (vLLM offline, OpenAI-compatible endpoint,
local Hugging Face model) implement ``Policy``; callers never know which one they hold."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from pivotrl.pivot_envs.records import Pivot


@dataclass(frozen=True)
class SamplingParams:
    """What every backend understands. ``temperature`` is applied exactly as the trainer applies
    it, so sampler log-probs and trainer log-probs are comparable."""

    temperature: float = 1.0
    top_p: float = 1.0
    max_tokens: int = 512
    seed: int | None = None
    logprobs: bool = False


@dataclass(frozen=True)
class SampledAction:
    """One sampled action. ``text`` is the raw completion (what a verifier parses); ``message`` the
    OpenAI assistant message where the backend parsed tool calls itself. ``error`` is set, and
    ``text`` empty, when the backend failed for this sample (the sample is then scored 0 with that
    reason, never dropped silently)."""

    text: str
    message: dict[str, Any] | None = None
    token_ids: list[int] | None = None
    logprobs: list[float] | None = None
    finish_reason: str | None = None
    error: str | None = None

    @property
    def action(self) -> Any:
        """What to hand a verifier: the parsed message when there is one, else the raw text."""
        return self.message if self.message is not None else self.text


@dataclass
class PolicyStats:
    """Counters a run reports; ``prefix_cache_hit_rate`` is None where the backend exposes none."""

    requests: int = 0
    samples: int = 0
    failures: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    prefix_cache_hit_rate: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Policy(Protocol):
    """A frozen reference policy. ``sample`` returns, for each pivot in order, exactly ``k`` actions."""

    name: str

    def sample(self, pivots: Sequence[Pivot], k: int, params: SamplingParams) -> list[list[SampledAction]]: ...

    def stats(self) -> PolicyStats: ...

    def close(self) -> None: ...
