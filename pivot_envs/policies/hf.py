"""A local Hugging Face model as the reference policy (``hf:PATH``): transformers ``generate``
over the chat template, K sequences per pivot, pivots batched with left padding in prefix order.
For CPU runs and tests; vLLM is the fast path on GPUs."""

from __future__ import annotations

import contextlib
import inspect
import logging
import os
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pivotrl.chat import completion_text, prompt_token_ids, render_prompt
from pivotrl.errors import PivotRLError
from pivotrl.optional import require
from pivotrl.pivot_envs.policies.base import PolicyStats, SampledAction, SamplingParams
from pivotrl.pivot_envs.policies.ordering import prefix_order, restore_order
from pivotrl.pivot_envs.policies.sampling_checks import check_sampling
from pivotrl.pivot_envs.policies.seeds import pivot_seed
from pivotrl.pivot_envs.records import Pivot

logger = logging.getLogger(__name__)


def _looks_like_path(target: str) -> bool:
    return target.startswith(("/", ".", "~")) or os.sep + os.sep in target or Path(target).exists()


class HFPolicy:
    """``transformers`` ``generate``, k samples per pivot; each prompt is run once and its KV
    cache repeated for the k samples (``share_prefill``), which is what makes K = 16 affordable
    on a CPU.

    Log-probs (``params.logprobs``) are those of the chosen tokens under
    ``log_softmax(logits / temperature)``: what the trainer computes, before top-p truncation
    (greedy decoding, temperature 0, k = 1 only as in every backend, gives ``log_softmax(logits)``). Sampling is reproducible
    for the same pivots, seed and ``batch_size``; without a seed it draws from torch's global
    generator (a caller that seeds torch once gets new samples per call and a reproducible run). The model's text is returned as it is, garbage
    included: verifiers score it.
    """

    def __init__(self, model: str | os.PathLike[str] | Any, tokenizer: Any = None, *, device: str = "auto",
                 dtype: str = "auto", batch_size: int = 8, share_prefill: bool = True,
                 name: str | None = None) -> None:
        torch = require("torch", "trl", "the hf policy")
        transformers = require("transformers", "trl", "the hf policy")
        if batch_size < 1:
            raise PivotRLError(f"batch_size must be at least 1, got {batch_size}")
        self.batch_size = batch_size
        self.share_prefill = share_prefill
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        self.device = torch.device(device)
        if isinstance(model, (str, os.PathLike)):
            target = str(model)
            path = Path(target).expanduser()
            if _looks_like_path(target) and not path.is_dir():
                raise PivotRLError(f"hf policy: no model directory at {path}; expected a directory saved with "
                                   "save_pretrained (config.json, weights, tokenizer) or a Hub model id")
            source = str(path) if path.is_dir() else target
            torch_dtype = _dtype(dtype, self.device)
            bars = transformers.utils.logging.is_progress_bar_enabled()
            transformers.utils.logging.disable_progress_bar()  # library code: the CLI owns the terminal
            try:
                self.tokenizer = tokenizer or transformers.AutoTokenizer.from_pretrained(source)
                self.model = transformers.AutoModelForCausalLM.from_pretrained(source, dtype=torch_dtype)
            except (OSError, ValueError) as exc:
                raise PivotRLError(f"hf policy: cannot load a causal LM from {source!r}: {exc}") from None
            finally:
                if bars:
                    transformers.utils.logging.enable_progress_bar()
            self.name = name or f"hf:{source}"
        else:
            if tokenizer is None:
                raise PivotRLError("hf policy: pass the tokenizer with a model object")
            self.model, self.tokenizer = model, tokenizer
            self.name = name or f"hf:{type(model).__name__}"
        self.model.to(self.device)
        self.model.eval()
        ctx = getattr(self.model.config, "max_position_embeddings", None)
        self.context_length: int | None = int(ctx) if isinstance(ctx, int) and ctx > 0 else None
        forward_args = inspect.signature(self.model.forward).parameters
        self._cache_kwarg = "cache" if "cache" in forward_args else "past_key_values"  # renamed in transformers 5.x
        if getattr(self.tokenizer, "chat_template", None) is None:
            raise PivotRLError(f"hf policy: the tokenizer of {self.name} has no chat template; pivots are chat "
                               "conversations (set tokenizer.chat_template and save it)")
        eos = getattr(self.model.generation_config, "eos_token_id", None)
        if eos is None:
            eos = self.tokenizer.eos_token_id
        self.stop_ids = {int(t) for t in (eos if isinstance(eos, (list, tuple)) else [eos]) if t is not None}
        if not self.stop_ids:
            raise PivotRLError(f"hf policy: {self.name} defines no end-of-sequence token; generation could not stop")
        pad = self.tokenizer.pad_token_id
        self.pad_id = int(pad) if pad is not None else min(self.stop_ids)
        self._stats = PolicyStats()

    @classmethod
    def from_spec(cls, target: str, **options: Any) -> HFPolicy:
        if not target:
            raise PivotRLError("hf policy spec needs a model: hf:PATH (a save_pretrained directory or a Hub id)")
        return cls(target, **options)

    # ------------------------------------------------------------------------------------------

    def prompt_ids(self, pivot: Pivot) -> list[int]:
        """Token ids of the rendered prompt (special tokens come from the template only)."""
        return prompt_token_ids(self.tokenizer, render_prompt(self.tokenizer, pivot.messages, pivot.tools))

    def sample(self, pivots: Sequence[Pivot], k: int, params: SamplingParams) -> list[list[SampledAction]]:
        check_sampling(params, k)
        if not pivots:
            return []
        order = prefix_order(pivots)
        ordered = [pivots[i] for i in order]
        prompts = [self.prompt_ids(p) for p in ordered]
        results: list[list[SampledAction] | None] = [None] * len(ordered)
        fitting = []
        for i, prompt in enumerate(prompts):
            if self.context_length is not None and len(prompt) >= self.context_length:
                reason = (f"the prompt has {len(prompt)} tokens, the model's context is {self.context_length}: "
                          "not sampled")
                results[i] = [SampledAction(text="", error=reason) for _ in range(k)]
                self._stats.samples += k
                self._stats.failures += k
            else:
                fitting.append(i)
        for start in range(0, len(fitting), self.batch_size):
            chunk = fitting[start:start + self.batch_size]
            groups = self._generate([ordered[i] for i in chunk], [prompts[i] for i in chunk], k, params)
            for i, group in zip(chunk, groups, strict=True):
                results[i] = group
        return restore_order(results, order)  # type: ignore[arg-type]

    def _generate(self, batch: Sequence[Pivot], prompts: list[list[int]], k: int,
                  params: SamplingParams) -> list[list[SampledAction]]:
        import torch
        from transformers import GenerationConfig

        width = max(len(p) for p in prompts)
        input_ids = torch.full((len(prompts), width), self.pad_id, dtype=torch.long)
        attention = torch.zeros((len(prompts), width), dtype=torch.long)
        for row, ids in enumerate(prompts):  # left padding: every prompt ends where generation begins
            input_ids[row, width - len(ids):] = torch.tensor(ids, dtype=torch.long)
            attention[row, width - len(ids):] = 1
        greedy = params.temperature <= 0
        per_prompt = 1 if greedy else k  # generate refuses several greedy sequences: copies are made below
        config = GenerationConfig(
            do_sample=not greedy, temperature=None if greedy else params.temperature,
            top_p=None if greedy else params.top_p, top_k=None if greedy else 0,
            max_new_tokens=params.max_tokens, num_return_sequences=per_prompt, eos_token_id=sorted(self.stop_ids),
            pad_token_id=self.pad_id, return_dict_in_generate=True, output_logits=params.logprobs,
        )
        input_ids, attention = input_ids.to(self.device), attention.to(self.device)
        extra: dict[str, Any] = {}
        if per_prompt > 1 and self.share_prefill:
            cache = self._prefill(input_ids, attention, per_prompt)
            if cache is not None:
                input_ids = input_ids.repeat_interleave(per_prompt, dim=0)
                attention = attention.repeat_interleave(per_prompt, dim=0)
                config.num_return_sequences = 1
                extra[self._cache_kwarg] = cache
        # a seed samples on a private copy of the generator; without one, samples draw from (and
        # advance) torch's global generator as generate does, or every call would reuse the same
        # random numbers (the trainer's steps would sample a revisited pivot the same way)
        seeded = params.seed is not None
        rng = torch.random.fork_rng(devices=[self.device] if self.device.type == "cuda" else []) if seeded \
            else contextlib.nullcontext()
        with rng:
            if seeded:
                mixed = zlib.crc32(repr([pivot_seed(params.seed, p) for p in batch]).encode())
                torch.manual_seed(mixed)
            with torch.no_grad():
                out = self.model.generate(input_ids=input_ids, attention_mask=attention, generation_config=config,
                                          **extra)
        new = out.sequences[:, width:].tolist()
        chosen_lps: list[list[float]] | None = None
        if params.logprobs and new and new[0]:
            scale = 1.0 if greedy else params.temperature
            chosen = out.sequences[:, width:]
            columns = [torch.log_softmax(step.float() / scale, dim=-1).gather(-1, chosen[:, t:t + 1])
                       for t, step in enumerate(out.logits)]
            chosen_lps = torch.cat(columns, dim=1).tolist()
        self._stats.requests += 1
        groups: list[list[SampledAction]] = []
        for i, prompt in enumerate(prompts):
            self._stats.prompt_tokens += len(prompt)
            group = []
            for j in range(k):
                row = i * per_prompt + (0 if greedy else j)
                ids, finish = self._trim(new[row])
                lps = chosen_lps[row][:len(ids)] if chosen_lps is not None else ([] if params.logprobs else None)
                text = completion_text(self.tokenizer, ids, finish == "stop")
                group.append(SampledAction(text=text, token_ids=ids, logprobs=lps, finish_reason=finish))
                self._stats.samples += 1
                self._stats.completion_tokens += len(ids)
            groups.append(group)
        return groups

    def _prefill(self, input_ids: Any, attention: Any, copies: int) -> Any:
        """The KV cache of each prompt but its last token, computed once and repeated ``copies``
        times: ``num_return_sequences`` would run the whole prompt once per sample. None (and
        plain expansion from then on) where the model's cache cannot be built this way."""
        import torch

        try:
            from transformers import DynamicCache

            cache = DynamicCache(config=self.model.config)
            positions = (attention.cumsum(-1) - 1).clamp(min=0)  # left padding: positions count real tokens
            with torch.no_grad():
                self.model(input_ids=input_ids[:, :-1], attention_mask=attention[:, :-1],
                           position_ids=positions[:, :-1], use_cache=True, **{self._cache_kwarg: cache})
            cache.batch_repeat_interleave(copies)
            return cache
        except Exception as exc:  # an architecture with its own cache type: generate expands prompts itself
            logger.info("%s: no shared prompt prefill (%s: %s); each sample runs its prompt", self.name,
                        type(exc).__name__, exc)
            self.share_prefill = False
            return None

    def _trim(self, row: list[int]) -> tuple[list[int], str]:
        """Cut a generated row after its first stop token (the rest is padding)."""
        for t, tok in enumerate(row):
            if tok in self.stop_ids:
                return row[:t + 1], "stop"
        return row, "length"

    def stats(self) -> PolicyStats:
        return self._stats

    def close(self) -> None:
        self.model = None
        self.tokenizer = None

    def __repr__(self) -> str:
        return f"HFPolicy({self.name!r}, device={self.device.type!r}, batch_size={self.batch_size})"


def _dtype(dtype: str, device: Any) -> Any:
    import torch

    if dtype == "auto":
        return torch.bfloat16 if device.type == "cuda" and torch.cuda.is_bf16_supported() else torch.float32
    try:
        return getattr(torch, dtype)
    except AttributeError:
        raise PivotRLError(f"unknown dtype {dtype!r}; expected auto, float32, bfloat16 or float16") from None
