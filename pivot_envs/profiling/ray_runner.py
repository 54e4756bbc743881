"""Profiling on a Ray cluster (the ``ray`` extra): verification (sandbox checks are the
CPU-heavy part) and OpenAI-endpoint sampling run as Ray tasks; the driver keeps the resumable
writer, so the output is the same file a single process writes."""

from __future__ import annotations

import logging
import os
from concurrent.futures import Future
from typing import Any

from pivotrl.errors import PivotRLError
from pivotrl.optional import require
from pivotrl.pivot_envs.policies.base import Policy, SampledAction, SamplingParams
from pivotrl.pivot_envs.profiling.scoring import Score, score_actions
from pivotrl.pivot_envs.records import Pivot
from pivotrl.verifiers.spec import VerifierPool, VerifierSpec

logger = logging.getLogger(__name__)

_worker_verifiers: VerifierPool | None = None
_worker_policies: dict[str, Any] = {}


def _verify_in_worker(spec: dict[str, Any], pivot: Pivot, actions: list[Any], imports: tuple[str, ...] = ()
                      ) -> list[Score]:
    """Runs in a Ray worker: ``imports`` (modules that register custom verifiers) are imported
    first; verifiers are built once per worker process and reused."""
    global _worker_verifiers
    if _worker_verifiers is None:
        import importlib

        for module in imports:
            importlib.import_module(module)
        _worker_verifiers = VerifierPool()
    return score_actions(_worker_verifiers, VerifierSpec.from_any(spec), pivot, actions)


def _sample_in_worker(policy_spec: str, options: dict[str, Any], pivots: list[Pivot], k: int,
                      params: SamplingParams) -> list[list[SampledAction]]:
    """Runs in a Ray worker: one endpoint client per worker and spec."""
    from pivotrl.pivot_envs.policies import get_policy

    if policy_spec not in _worker_policies:
        _worker_policies[policy_spec] = get_policy(policy_spec, **options)
    return _worker_policies[policy_spec].sample(pivots, k, params)


def _translated(ref: Any) -> Future[Any]:
    """A concurrent Future for a Ray object ref whose error is the task's own (a VerifierError
    stays a VerifierError) rather than Ray's wrapper."""
    import ray

    out: Future[Any] = Future()

    def done(inner: Future[Any]) -> None:
        try:
            out.set_result(inner.result())
        except ray.exceptions.RayTaskError as exc:
            cause = getattr(exc, "cause", None)
            out.set_exception(cause if isinstance(cause, BaseException) else exc)
        except BaseException as exc:  # handed to the waiting caller as it is
            out.set_exception(exc)

    ref.future().add_done_callback(done)
    return out


class RayRunner:
    """Sampling and verification as Ray tasks.

    ``address`` joins a running cluster (``"auto"`` or ``ray://host:10001``); without it a local
    Ray starts with ``num_cpus`` CPUs. An ``openai:`` policy samples in the workers, ``sample_depth``
    chunks at once (the endpoint serves them concurrently); any other policy (``hf:``, ``vllm:``:
    a model in this process's memory) samples here. Verifiers are built in each worker from their
    spec, so a custom verifier must be registered there: by an entry point, or by a module named in
    ``worker_imports`` (imported in each worker before its first check)."""

    def __init__(self, policy_spec: str, *, policy: Policy | None = None, policy_options: dict[str, Any] | None = None,
                 address: str | None = None, num_cpus: int | None = None, sample_depth: int | None = None,
                 worker_imports: tuple[str, ...] | list[str] = ()) -> None:
        ray = require("ray", "ray", "--ray")
        from pivotrl.pivot_envs.policies import parse_spec

        self.policy_spec = policy_spec
        self.policy_options = dict(policy_options or {})
        self.remote_sampling = parse_spec(policy_spec)[0] == "openai"
        if not self.remote_sampling and policy is None:
            raise PivotRLError(f"policy {policy_spec!r} samples in this process: pass the built policy")
        self.policy = policy
        self.worker_imports = tuple(worker_imports)
        self._started = False
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                                      "logging_level": logging.WARNING}
            if address:
                ray.init(address=address, **kwargs)
            else:
                ray.init(num_cpus=num_cpus or os.cpu_count() or 1, **kwargs)
            self._started = True
        self.cpus = int(ray.cluster_resources().get("CPU", 1))
        self.sample_depth = sample_depth or (max(2, self.cpus) if self.remote_sampling else 1)
        self._verify = ray.remote(num_cpus=1, max_retries=0)(_verify_in_worker)
        self._sample = ray.remote(num_cpus=0, max_retries=0)(_sample_in_worker)
        self._local = None
        if not self.remote_sampling:
            from concurrent.futures import ThreadPoolExecutor

            self._local = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pivotrl-sample")
        logger.info("ray: %d CPUs; sampling %s", self.cpus, "in workers" if self.remote_sampling else "in the driver")

    def submit_sample(self, pivots: list[Pivot], k: int, params: SamplingParams) -> Future[list[list[SampledAction]]]:
        if self._local is not None:
            return self._local.submit(self.policy.sample, pivots, k, params)  # type: ignore[union-attr]
        return _translated(self._sample.remote(self.policy_spec, self.policy_options, pivots, k, params))

    def submit_verify(self, spec: VerifierSpec, pivot: Pivot, actions: list[Any]) -> Future[list[Score]]:
        # a plain dict crosses the process boundary; the worker's pool keys it the same way
        return _translated(self._verify.remote(spec.to_dict(), pivot, actions, self.worker_imports))

    def close(self) -> None:
        if self._local is not None:
            self._local.shutdown(wait=True, cancel_futures=True)
        if self._started:
            import ray

            ray.shutdown()
