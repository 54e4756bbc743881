"""``compute_score`` in the shape each of verl's reward managers expects.

verl's managers read a custom reward function's return value differently (read from
volcengine/verl, ``verl/workers/reward_manager/`` and ``verl/experimental/reward_loop/``):
``naive``, ``dapo`` and the reward loop take a float or a dict with ``"score"`` (every key is
logged); ``batch`` takes a list of those; ``prime`` runs the function in a process pool and does
``float(result)`` for a number, ``float(result[0])`` otherwise, so a dict silently scores every
sample 0. ``prime`` also turns any ``Exception`` of the function into a 0 reward, so a broken
verifier is raised to it as ``VerifierAbort``, a ``BaseException`` that its handlers let through.

This module is imported by name (not executed from a file path), so its functions pickle for
``prime``'s process pool even when verl loads ``adapters/verl.py`` by path.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any


class VerifierAbort(BaseException):
    """A broken verifier under verl's ``prime`` manager, which scores any Exception 0."""


def compute_score_prime(data_source: str, solution_str: str, ground_truth: Any,
                        extra_info: Mapping[str, Any] | None = None, *,
                        pivots: str | os.PathLike[str] | None = None, **kwargs: Any) -> float:
    """For ``reward_model.reward_manager=prime``: the verdict's score as a float (a sample the
    verifier's failure policy skips scores 0). Configure
    ``custom_reward_function.path=pkg://pivotrl.trainer_plugin.adapters.verl``,
    ``custom_reward_function.name=compute_score_prime``."""
    from pivotrl.trainer_plugin.adapters.verl import compute_score

    try:
        result = compute_score(data_source, solution_str, ground_truth, extra_info, pivots=pivots, **kwargs)
    except Exception as exc:  # a broken verifier, bad data, a bug: prime would score any of them 0 silently
        raise VerifierAbort(f"{type(exc).__name__}: {exc}") from None
    return float(result["score"])
