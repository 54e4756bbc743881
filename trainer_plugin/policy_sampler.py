"""Any profiling ``Policy`` as the trainer's sampler.

``HFPolicy`` over the model being trained is the default in-process sampler of
``PivotGRPOTrainer``: it batches pivots with left padding and runs each prompt once for its G
samples (shared prefill), where one ``generate`` per pivot would run the prompt G times. The
policy returns token ids and processed log-probs, which become ``Rollout`` records.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pivotrl.errors import PivotRLError
from pivotrl.pivot_envs.policies.base import Policy, SamplingParams
from pivotrl.pivot_envs.records import Pivot
from pivotrl.trainer_plugin.sampling import Rollout


class PolicySampler:
    """Samples ``g`` rollouts per pivot through ``policy`` (which must return token ids, as
    ``HFPolicy`` and vLLM do). The policy's model is put in eval mode while it samples."""

    def __init__(self, policy: Policy, *, max_new_tokens: int = 256, temperature: float = 1.0,
                 top_p: float = 1.0) -> None:
        self.policy = policy
        self.params = SamplingParams(temperature=temperature, top_p=top_p, max_tokens=max_new_tokens, logprobs=True)

    def _prompt_ids(self, pivot: Pivot) -> list[int]:
        prompt_ids = getattr(self.policy, "prompt_ids", None)
        if not callable(prompt_ids):
            raise PivotRLError(f"{self.policy!r} cannot say which prompt tokens it sampled from (no prompt_ids)")
        return list(prompt_ids(pivot))

    def sample(self, pivots: Sequence[Pivot], g: int) -> list[list[Rollout]]:
        model: Any = getattr(self.policy, "model", None)
        was_training = bool(getattr(model, "training", False))
        if model is not None:
            model.eval()
        try:
            groups = self.policy.sample(list(pivots), g, self.params)
        finally:
            if model is not None:
                model.train(was_training)
        out = []
        for pivot, actions in zip(pivots, groups, strict=True):
            prompt_ids = self._prompt_ids(pivot)
            group = []
            for action in actions:
                if action.error is not None:
                    raise PivotRLError(f"sampling failed at pivot {pivot.id}: {action.error}")
                if action.token_ids is None:
                    raise PivotRLError(f"{self.policy!r} returned no token ids; the trainer needs them")
                logprobs = action.logprobs if action.logprobs and len(action.logprobs) == len(action.token_ids) \
                    else None
                group.append(Rollout(pivot, prompt_ids, list(action.token_ids), action.text, logprobs,
                                     action.finish_reason == "length"))
            out.append(group)
        return out
