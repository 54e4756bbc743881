"""Sampling G actions per pivot for ``PivotGRPOTrainer``: with the Hugging Face model being
trained (``generate``), or from an OpenAI-compatible endpoint serving the same weights.

Both return token ids under the trainer's tokenizer and the sampler's own log-probs (at the
sampling temperature), so the trainer can score the same tokens and report how far the
sampler's numbers drift from its own.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pivotrl.chat import completion_text, prompt_token_ids, render_prompt
from pivotrl.errors import PivotRLError
from pivotrl.pivot_envs.records import Pivot

logger = logging.getLogger(__name__)


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


def _trim(ids: list[int], stop: set[int], pad: int | None) -> tuple[list[int], bool]:
    """Cut a generated row after its first stop token; the rest is padding. Returns the ids and
    whether the row ran out of tokens before stopping."""
    for i, tok in enumerate(ids):
        if tok in stop:
            return ids[: i + 1], False
    while ids and pad is not None and ids[-1] == pad and pad not in stop:
        ids = ids[:-1]
    return ids, True


class HFSampler:
    """Samples with a local ``transformers`` model (the policy itself, so on-policy): one
    ``generate`` call per pivot with ``num_return_sequences=g``, log-probs from the processed
    scores (temperature applied as the loss applies it)."""

    def __init__(self, model: Any, tokenizer: Any, *, max_new_tokens: int = 256, temperature: float = 1.0,
                 top_p: float = 1.0) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.max_new_tokens = max_new_tokens
        self.temperature = temperature
        self.top_p = top_p
        eos = getattr(model.generation_config, "eos_token_id", None)
        if eos is None:
            eos = tokenizer.eos_token_id
        self.stop = set(eos if isinstance(eos, list) else [eos])
        self.pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else next(iter(self.stop))

    def sample(self, pivots: Sequence[Pivot], g: int) -> list[list[Rollout]]:
        import torch

        device = next(self.model.parameters()).device
        was_training = self.model.training
        self.model.eval()
        out: list[list[Rollout]] = []
        try:
            for pivot in pivots:
                prompt_ids = prompt_token_ids(self.tokenizer, render_prompt(self.tokenizer, pivot.messages, pivot.tools))
                input_ids = torch.tensor([prompt_ids], device=device)
                with torch.no_grad():
                    gen = self.model.generate(
                        input_ids, attention_mask=torch.ones_like(input_ids), do_sample=True,
                        temperature=self.temperature, top_p=self.top_p, top_k=0, max_new_tokens=self.max_new_tokens,
                        num_return_sequences=g, return_dict_in_generate=True, output_scores=True,
                        pad_token_id=self.pad,
                    )
                    scores = self.model.compute_transition_scores(gen.sequences, gen.scores, normalize_logits=True)
                new = gen.sequences[:, len(prompt_ids):].tolist()
                group = []
                for row, row_scores in zip(new, scores.tolist(), strict=True):
                    ids, truncated = _trim(row, self.stop, self.pad)
                    text = completion_text(self.tokenizer, ids, stopped=not truncated)
                    group.append(Rollout(pivot, prompt_ids, ids, text, row_scores[: len(ids)], truncated))
                out.append(group)
        finally:
            self.model.train(was_training)
        return out


class EndpointSampler:
    """Samples from an OpenAI-compatible server (vLLM, ``transformers serve``) that serves the
    policy's current weights; syncing them is the caller's job. ``g`` requests are sent per
    pivot, since some servers ignore ``n``.

    The trainer needs the sampled token ids. With ``server_token_ids=True`` (vLLM: it sends
    ``return_tokens_as_token_ids``) they come from the server, exactly, with its log-probs.
    Otherwise the completion text is re-tokenized with the trainer's tokenizer: the server must
    then return raw text (no server-side tool-call parser), and a completion cut inside a
    multi-byte character re-tokenizes to different ids, so sampler log-probs are used only
    where the token counts agree.
    """

    def __init__(self, client: Any, tokenizer: Any, *, max_new_tokens: int = 256, temperature: float = 1.0,
                 top_p: float = 1.0, send_tools: bool = True, server_token_ids: bool = False) -> None:
        self.client = client  # pivotrl.openai_client.ChatClient
        self.tokenizer = tokenizer
        self.max_new_tokens = max_new_tokens
        self.temperature = temperature
        self.top_p = top_p
        self.send_tools = send_tools
        self.server_token_ids = server_token_ids
        self.end_ids = [tokenizer.eos_token_id] if tokenizer.eos_token_id is not None else []

    def _params(self, pivot: Pivot) -> dict[str, Any]:
        params: dict[str, Any] = {"temperature": self.temperature, "top_p": self.top_p,
                                  "max_tokens": self.max_new_tokens, "logprobs": True}
        if self.send_tools and pivot.tools:
            params["tools"] = pivot.tools
        if self.server_token_ids:
            params["extra_body"] = {"return_tokens_as_token_ids": True, "skip_special_tokens": False}
        return params

    def _ids(self, result: Any) -> tuple[list[int], list[float] | None]:
        lps = [t["logprob"] for t in result.logprobs] if result.logprobs else None
        if self.server_token_ids:
            tokens = [str(t["token"]) for t in result.logprobs or []]
            if not tokens or not all(t.startswith("token_id:") for t in tokens):
                raise PivotRLError("server_token_ids=True but the server sent no 'token_id:N' tokens: it is not "
                                   "vLLM, or it ignores return_tokens_as_token_ids")
            return [int(t.split(":", 1)[1]) for t in tokens], lps
        ids = self.tokenizer(result.text, add_special_tokens=False).input_ids
        if result.finish_reason != "length":
            ids = ids + self.end_ids
        if lps is not None and len(lps) != len(ids):
            lps = None  # tokenized differently from the server: no per-token comparison possible
        return ids, lps

    def sample(self, pivots: Sequence[Pivot], g: int) -> list[list[Rollout]]:
        from pivotrl.trainer_plugin.adapters.chat import columnar_messages

        requests = []
        for pivot in pivots:
            requests += [(columnar_messages(pivot.messages), self._params(pivot))] * g
        results = self.client.chat_batch(requests)
        out: list[list[Rollout]] = []
        for i, pivot in enumerate(pivots):
            prompt_ids = prompt_token_ids(self.tokenizer, render_prompt(self.tokenizer, pivot.messages, pivot.tools))
            group = []
            for result in results[i * g:(i + 1) * g]:
                if isinstance(result, Exception):  # after the client's retries: the run cannot go on blind
                    raise PivotRLError(f"sampling endpoint failed for pivot {pivot.id}: {type(result).__name__}: "
                                       f"{result}") from result
                ids, lps = self._ids(result)
                group.append(Rollout(pivot, prompt_ids, ids, result.text, lps, result.finish_reason == "length"))
            out.append(group)
        return out
