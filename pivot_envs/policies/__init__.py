"""Reference policies for profiling behind one interface (``Policy.sample(pivots, k, params)``),
chosen by a spec string: ``vllm:MODEL``, ``openai:URL#MODEL`` or ``hf:PATH``. Backends are
registered lazily, so importing this package loads no torch, openai or vllm."""

from __future__ import annotations

from typing import Any

from pivotrl.errors import PivotRLError, UnknownNameError
from pivotrl.pivot_envs.policies.base import Policy, PolicyStats, SampledAction, SamplingParams
from pivotrl.pivot_envs.policies.ordering import apply_order, prefix_order, restore_order, trajectory_key
from pivotrl.registry import Registry

POLICIES: Registry[Any] = Registry("policy backend", entry_point_group="pivotrl.policies")
POLICIES.register("hf", "pivotrl.pivot_envs.policies.hf:HFPolicy")
POLICIES.register("openai", "pivotrl.pivot_envs.policies.openai_compat:OpenAIPolicy")
POLICIES.register("vllm", "pivotrl.pivot_envs.policies.vllm:VLLMPolicy")

SPEC_HELP = ("expected BACKEND:TARGET, one of vllm:MODEL, openai:URL#MODEL (e.g. "
             "openai:http://127.0.0.1:8000/v1#tiny) or hf:PATH")


def parse_spec(spec: str) -> tuple[str, str]:
    """``"openai:http://h:8000/v1#m"`` -> ``("openai", "http://h:8000/v1#m")`` (split at the first colon)."""
    if not isinstance(spec, str) or ":" not in spec:
        raise PivotRLError(f"bad policy spec {spec!r}: {SPEC_HELP}")
    backend, _, target = spec.partition(":")
    backend = backend.strip().lower()
    if not backend:
        raise PivotRLError(f"bad policy spec {spec!r}: {SPEC_HELP}")
    return backend, target.strip()


def get_policy(spec: str, **options: Any) -> Policy:
    """Build the policy a spec names; ``options`` go to the backend's constructor (for instance
    ``batch_size`` for hf, ``concurrency`` for openai, ``tensor_parallel_size`` for vllm).
    Third-party backends register a class with a ``from_spec(target, **options)`` classmethod
    under the ``pivotrl.policies`` entry-point group, or with ``POLICIES.register``."""
    backend, target = parse_spec(spec)
    try:
        cls = POLICIES.get(backend)
    except UnknownNameError as exc:
        raise UnknownNameError(f"bad policy spec {spec!r}: {exc}; {SPEC_HELP}") from None
    return cls.from_spec(target, **options)


__all__ = [
    "POLICIES",
    "Policy",
    "PolicyStats",
    "SampledAction",
    "SamplingParams",
    "apply_order",
    "get_policy",
    "parse_spec",
    "prefix_order",
    "restore_order",
    "trajectory_key",
]
