"""Scoring K sampled actions at one pivot: the path every runner (this process, a Ray worker),
evaluation and the experiment share, so a sample scores the same wherever it is checked."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pivotrl.pivot_envs.policies.base import SampledAction
from pivotrl.pivot_envs.records import Pivot
from pivotrl.verifiers.spec import VerifierPool, VerifierSpec

#: Reasons are counted per record; a long one (a traceback, a model's essay) would bloat every line.
MAX_REASON_CHARS = 200
#: One scored sample as it travels between workers: (reward, reason, skipped by the verifier).
Score = tuple[float, str, bool]


def score_actions(verifiers: VerifierPool, spec: VerifierSpec, pivot: Pivot, actions: Sequence[Any]) -> list[Score]:
    """Score K actions at one pivot. A broken verifier raises VerifierError (never a 0)."""
    verdicts = verifiers.verify(spec, actions, pivot)
    return [(float(v.score), str(v.reason)[:MAX_REASON_CHARS], bool(v.skipped)) for v in verdicts]


def sampler_scores(actions: Sequence[SampledAction]) -> list[Score | None]:
    """Failed samples score 0 with the sampler's reason; the rest (``None``) go to the verifier."""
    return [(0.0, f"sampler failed: {a.error}"[:MAX_REASON_CHARS], False) if a.error is not None else None
            for a in actions]
