"""vLLM's offline engine as the reference policy (``vllm:MODEL``, GPU, the ``vllm`` extra): one
``generate`` call over all pivots in prefix order with ``SamplingParams(n=K)``, prefix caching on,
log-probs in processed mode (after temperature, as the trainer computes them)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from pivotrl.chat import prompt_token_ids, render_prompt
from pivotrl.errors import PivotRLError
from pivotrl.optional import require
from pivotrl.pivot_envs.policies.base import PolicyStats, SampledAction, SamplingParams
from pivotrl.pivot_envs.policies.ordering import prefix_order, restore_order
from pivotrl.pivot_envs.policies.sampling_checks import check_sampling
from pivotrl.pivot_envs.policies.seeds import pivot_seed
from pivotrl.pivot_envs.records import Pivot

logger = logging.getLogger(__name__)

HITS, QUERIES = "vllm:prefix_cache_hits", "vllm:prefix_cache_queries"


def import_vllm() -> Any:
    return require("vllm", "vllm", "the vllm policy", note="Linux with a CUDA GPU")


def sampling_kwargs(params: SamplingParams, k: int, seed: int | None) -> dict[str, Any]:
    """Keyword arguments of ``vllm.SamplingParams`` for one pivot: ``n=k`` samples, and with
    ``logprobs=0`` vLLM returns the log-prob of each sampled token and no alternatives."""
    # special tokens are kept: gpt-oss, Gemma 4, Kimi and Mistral write their tool calls with them
    kwargs: dict[str, Any] = {"n": k, "temperature": params.temperature, "top_p": params.top_p,
                              "max_tokens": params.max_tokens, "skip_special_tokens": False}
    if seed is not None:
        kwargs["seed"] = seed
    if params.logprobs:
        kwargs["logprobs"] = 0
    return kwargs


def _chosen_logprob(entry: Any, token_id: int) -> float:
    """The sampled token's log-prob from one position's ``{token_id: Logprob}`` mapping."""
    value = entry[token_id]
    return float(getattr(value, "logprob", value))


def convert_output(output: Any, k: int, want_logprobs: bool) -> list[SampledAction]:
    """A vLLM ``RequestOutput`` as exactly ``k`` actions (missing completions become errors)."""
    actions = []
    for completion in list(getattr(output, "outputs", None) or [])[:k]:
        ids = [int(t) for t in completion.token_ids]
        lps = None
        if want_logprobs:
            positions = completion.logprobs
            if positions is None:
                lps = None
            else:
                lps = [_chosen_logprob(entry, tok) for entry, tok in zip(positions, ids, strict=True)]
        actions.append(SampledAction(text=completion.text or "", token_ids=ids, logprobs=lps,
                                     finish_reason=completion.finish_reason))
    while len(actions) < k:
        actions.append(SampledAction(text="", error=f"vLLM returned {len(actions)} of {k} completions"))
    return actions


def prefix_counters(metrics: Iterable[Any]) -> tuple[float, float] | None:
    """(hits, queries) in tokens from ``LLM.get_metrics()``, summed over engines; None when the
    engine exposes neither counter."""
    hits = queries = 0.0
    found = False
    for metric in metrics:
        name = str(getattr(metric, "name", "")).removesuffix("_total")
        if name == HITS:
            hits += float(metric.value)
            found = True
        elif name == QUERIES:
            queries += float(metric.value)
            found = True
    return (hits, queries) if found else None


class VLLMPolicy:
    """``vllm.LLM`` with ``enable_prefix_caching=True`` and ``logprobs_mode="processed_logprobs"``
    (log-probs after temperature and top-p, matching the trainer at top_p=1).

    Prompts are rendered here with the model's chat template, each pivot with its own tools, and
    sent as token ids in one ``LLM.generate`` call: ``LLM.chat`` takes one tool list per call,
    and one call per tool set would split the batch the scheduler and prefix cache work on.
    The prefix-cache hit rate comes from the engine's counters (``vllm:prefix_cache_hits`` /
    ``queries``), else from ``RequestOutput.num_cached_tokens``. ``engine_kwargs`` go to
    ``vllm.LLM`` (``tensor_parallel_size``, ``gpu_memory_utilization``, ``max_model_len``, ...).
    """

    def __init__(self, model: str, *, enable_prefix_caching: bool = True, name: str | None = None,
                 **engine_kwargs: Any) -> None:
        vllm = import_vllm()
        self.name = name or f"vllm:{model}"
        self.enable_prefix_caching = enable_prefix_caching
        options = {"enable_prefix_caching": enable_prefix_caching, "logprobs_mode": "processed_logprobs",
                   "disable_log_stats": False, **engine_kwargs}
        try:
            self.llm = vllm.LLM(model=model, **options)
        except TypeError as exc:
            if "logprobs_mode" in str(exc):
                raise PivotRLError(f"this vLLM ({getattr(vllm, '__version__', '?')}) has no logprobs_mode; "
                                   "processed log-probs need vLLM 0.10.1 or newer: pip install -U vllm") from None
            raise
        self._sampling_params = vllm.SamplingParams
        self._stats = PolicyStats()
        self._cached = 0
        self._prompt_tokens_seen = 0

    @classmethod
    def from_spec(cls, target: str, **options: Any) -> VLLMPolicy:
        if not target:
            raise PivotRLError("vllm policy spec needs a model: vllm:MODEL (a Hub id or a local directory)")
        import_vllm()  # the install hint before anything else
        return cls(target, **options)

    def prompts(self, pivots: Sequence[Pivot]) -> list[dict[str, list[int]]]:
        """``TokensPrompt`` dicts: the chat template over each pivot's messages and tools."""
        tokenizer = self.llm.get_tokenizer()
        return [{"prompt_token_ids": prompt_token_ids(tokenizer, render_prompt(tokenizer, p.messages, p.tools))}
                for p in pivots]

    def sample(self, pivots: Sequence[Pivot], k: int, params: SamplingParams) -> list[list[SampledAction]]:
        check_sampling(params, k)
        if not pivots:
            return []
        order = prefix_order(pivots)
        ordered = [pivots[i] for i in order]
        prompts = self.prompts(ordered)
        limit = self.max_model_len()
        # the engine refuses a prompt at or over its context length, and the whole call with it
        fitting = [i for i, p in enumerate(prompts) if limit is None or len(p["prompt_token_ids"]) < limit]
        sampling = [self._sampling_params(**sampling_kwargs(params, k, pivot_seed(params.seed, ordered[i])))
                    for i in fitting]
        before = self._counters()
        outputs = self.llm.generate([prompts[i] for i in fitting], sampling, use_tqdm=False) if fitting else []
        after = self._counters()
        results: list[list[SampledAction]] = [
            [SampledAction(text="", error=f"the prompt has {len(p['prompt_token_ids'])} tokens, the engine's "
                                          f"max_model_len is {limit}: not sampled")] * k
            for p in prompts]
        for i, out in zip(fitting, outputs, strict=True):
            results[i] = convert_output(out, k, params.logprobs)
        self._account([prompts[i] for i in fitting], outputs, results, before, after)
        return restore_order(results, order)

    def max_model_len(self) -> int | None:
        config = getattr(getattr(self.llm, "llm_engine", None), "model_config", None)
        value = getattr(config, "max_model_len", None)
        return int(value) if isinstance(value, int) else None

    def _counters(self) -> tuple[float, float] | None:
        try:
            return prefix_counters(self.llm.get_metrics())
        except Exception as exc:  # older engines (V0) have no get_metrics
            logger.debug("no engine metrics: %s", exc)
            return None

    def _account(self, prompts: list[dict[str, list[int]]], outputs: Sequence[Any],
                 results: list[list[SampledAction]], before: Any, after: Any) -> None:
        stats = self._stats
        stats.requests += len(prompts)
        tokens = sum(len(p["prompt_token_ids"]) for p in prompts)
        stats.prompt_tokens += tokens
        for group in results:
            stats.samples += len(group)
            stats.failures += sum(a.error is not None for a in group)
            stats.completion_tokens += sum(len(a.token_ids or []) for a in group)
        if before is not None and after is not None:
            hits, queries = after[0] - before[0], after[1] - before[1]
            stats.extra["prefix_cache_hits"] = stats.extra.get("prefix_cache_hits", 0) + hits
            stats.extra["prefix_cache_queries"] = stats.extra.get("prefix_cache_queries", 0) + queries
            if stats.extra["prefix_cache_queries"]:
                stats.prefix_cache_hit_rate = stats.extra["prefix_cache_hits"] / stats.extra["prefix_cache_queries"]
            return
        cached = [getattr(out, "num_cached_tokens", None) for out in outputs]
        if any(c is not None for c in cached):
            self._cached += sum(int(c or 0) for c in cached)
            self._prompt_tokens_seen += tokens
            stats.prefix_cache_hit_rate = self._cached / self._prompt_tokens_seen if self._prompt_tokens_seen else None

    def stats(self) -> PolicyStats:
        return self._stats

    def close(self) -> None:
        """Drop the engine (its GPU memory is freed when the last reference goes)."""
        self.llm = None

    def __repr__(self) -> str:
        return f"VLLMPolicy({self.name!r}, prefix_caching={self.enable_prefix_caching})"
