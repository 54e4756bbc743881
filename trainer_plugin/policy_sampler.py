"""Any profiling ``Policy`` as the trainer's sampler, so training samples through the same
backends as profiling (one prompt renderer, one stop rule, one seed rule, one set of sampling
checks).

``HFPolicy`` over the model being trained is the default in-process sampler of
``PivotGRPOTrainer``: it batches pivots with left padding and runs each prompt once for its G
samples (shared prefill). ``EndpointSampler`` is ``OpenAIPolicy`` against a server that serves
the policy's current weights (vLLM, ``transformers serve``). The trainer needs token ids under
its own tokenizer: a backend's own ids are used as they are (HF, vLLM's ``token_id:N``), and
otherwise, where allowed, the completion text is re-tokenized with the trainer's tokenizer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pivotrl.chat import completion_text, prompt_token_ids, render_prompt
from pivotrl.errors import PivotRLError
from pivotrl.pivot_envs.policies.base import Policy, SampledAction, SamplingParams
from pivotrl.pivot_envs.records import Pivot
from pivotrl.trainer_plugin.sampling import Rollout

__all__ = ["EndpointSampler", "PolicySampler"]


class PolicySampler:
    """Samples ``g`` rollouts per pivot through ``policy``; its model (where it holds one) is
    put in eval mode while it samples. Prompt ids come from the policy (``prompt_ids``) or, for
    policies that render no prompt themselves (an endpoint), from ``tokenizer``.

    ``retokenize``: where the policy returns no token ids, encode the text with ``tokenizer``
    (plus its end-of-sequence token when the sample stopped). A completion cut inside a
    multi-byte character re-tokenizes to other ids, so the sampler's log-probs are kept only
    where the token counts agree."""

    def __init__(self, policy: Policy, *, tokenizer: Any = None, max_new_tokens: int = 256, temperature: float = 1.0,
                 top_p: float = 1.0, retokenize: bool = False) -> None:
        if retokenize and tokenizer is None:
            raise PivotRLError("retokenize=True needs the trainer's tokenizer")
        self.policy = policy
        self.tokenizer = tokenizer
        self.retokenize = retokenize
        self.params = SamplingParams(temperature=temperature, top_p=top_p, max_tokens=max_new_tokens, logprobs=True)

    def _prompt_ids(self, pivot: Pivot) -> list[int]:
        prompt_ids = getattr(self.policy, "prompt_ids", None)
        if callable(prompt_ids):
            return list(prompt_ids(pivot))
        if self.tokenizer is None:
            raise PivotRLError(f"{self.policy!r} cannot say which prompt tokens it sampled from (no prompt_ids): "
                               "pass the trainer's tokenizer")
        return prompt_token_ids(self.tokenizer, render_prompt(self.tokenizer, pivot.messages, pivot.tools))

    def _completion(self, pivot: Pivot, action: SampledAction) -> tuple[list[int], list[float] | None]:
        if action.error is not None:
            raise PivotRLError(f"sampling failed at pivot {pivot.id}: {action.error}")
        if action.token_ids is not None:
            ids = list(action.token_ids)
        elif self.retokenize:
            if action.message is not None:
                raise PivotRLError(f"the server parsed tool calls out of the text at pivot {pivot.id}, so its text no "
                                   "longer holds what was sampled: start it without a tool-call parser, or take its "
                                   "token ids (vLLM: server_token_ids=True)")
            ids = list(self.tokenizer(action.text, add_special_tokens=False).input_ids)
            eos = self.tokenizer.eos_token_id
            if action.finish_reason != "length" and eos is not None:
                ids.append(eos)
        else:
            raise PivotRLError(f"{self.policy!r} returned no token ids; the trainer needs them (vLLM sends them as "
                               "'token_id:N' with return_tokens_as_token_ids; other servers: retokenize=True)")
        logprobs = action.logprobs if action.logprobs and len(action.logprobs) == len(ids) else None
        return ids, logprobs

    def _scored_text(self, action: SampledAction, ids: list[int]) -> str:
        """The text the verifier scores: what the trained ids say. A server with a tool-call
        parser moves the calls out of the text into ``message``; its text alone would score the
        call tokens the trainer learns from as an empty reply."""
        if action.message is None or self.tokenizer is None or action.token_ids is None:
            return action.text
        return completion_text(self.tokenizer, ids, action.finish_reason != "length")

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
                ids, logprobs = self._completion(pivot, action)
                group.append(Rollout(pivot, prompt_ids, ids, self._scored_text(action, ids), logprobs,
                                     action.finish_reason == "length"))
            out.append(group)
        return out


class EndpointSampler(PolicySampler):
    """``OpenAIPolicy`` at ``base_url`` for ``model`` as the trainer's sampler; the server must
    serve the policy's current weights (syncing them is the caller's job).

    With ``server_token_ids=True`` (vLLM: ``return_tokens_as_token_ids``) the sampled ids and
    log-probs come from the server, exactly, and a server that sends no ``token_id:N`` tokens is
    an error. Otherwise the text is re-tokenized with ``tokenizer`` (see ``PolicySampler``): the
    server must then return raw text (no server-side tool-call parser). ``options`` go to
    ``OpenAIPolicy`` (``timeout``, ``max_retries``, ``concurrency``, ``n_mode``, ...)."""

    def __init__(self, base_url: str, model: str, tokenizer: Any, *, max_new_tokens: int = 256,
                 temperature: float = 1.0, top_p: float = 1.0, send_tools: bool = True, server_token_ids: bool = False,
                 **options: Any) -> None:
        from pivotrl.pivot_envs.policies.openai_compat import OpenAIPolicy

        extra = {"return_tokens_as_token_ids": True, "skip_special_tokens": False} if server_token_ids else None
        policy = OpenAIPolicy(base_url, model, send_tools=send_tools, extra_body=extra, **options)
        super().__init__(policy, tokenizer=tokenizer, max_new_tokens=max_new_tokens, temperature=temperature,
                         top_p=top_p, retokenize=not server_token_ids)
