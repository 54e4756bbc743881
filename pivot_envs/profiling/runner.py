"""Where a profiling run samples and verifies: the ``Runner`` protocol the engine drives, and
``LocalRunner``, which does both in this process (``RayRunner`` does them on a cluster)."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol

from pivotrl.pivot_envs.policies.base import Policy, SampledAction, SamplingParams
from pivotrl.pivot_envs.profiling.scoring import Score, score_actions
from pivotrl.pivot_envs.records import Pivot
from pivotrl.verifiers.spec import VerifierPool, VerifierSpec


class Runner(Protocol):
    """Where sampling and verification run: this process (``LocalRunner``) or a Ray cluster."""

    #: how many chunks may be sampled at once (1 in process; the worker count on a cluster)
    sample_depth: int

    def submit_sample(self, pivots: list[Pivot], k: int, params: SamplingParams) -> Future[list[list[SampledAction]]]:
        ...

    def submit_verify(self, spec: VerifierSpec, pivot: Pivot, actions: list[Any]) -> Future[list[Score]]: ...

    def close(self) -> None: ...


class LocalRunner:
    """Sampling on one background thread (it overlaps verification of the previous chunk);
    verification on a thread pool of ``concurrency`` workers."""

    sample_depth = 1

    def __init__(self, policy: Policy, concurrency: int = 4, verifiers: VerifierPool | None = None) -> None:
        self.policy = policy
        self.verifiers = verifiers or VerifierPool()
        self._sampler = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pivotrl-sample")
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="pivotrl-verify")

    def submit_sample(self, pivots: list[Pivot], k: int, params: SamplingParams) -> Future[list[list[SampledAction]]]:
        return self._sampler.submit(self.policy.sample, pivots, k, params)

    def submit_verify(self, spec: VerifierSpec, pivot: Pivot, actions: list[Any]) -> Future[list[Score]]:
        return self._pool.submit(score_actions, self.verifiers, spec, pivot, actions)

    def close(self) -> None:
        self._sampler.shutdown(wait=True, cancel_futures=True)
        self._pool.shutdown(wait=True, cancel_futures=True)
