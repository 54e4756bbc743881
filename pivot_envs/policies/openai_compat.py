"""Any OpenAI-compatible endpoint as the reference policy (``openai:URL#MODEL``): vLLM or SGLang
servers, ``transformers serve``, hosted APIs. K samples per pivot with ``n=K``, emulated by
repeated requests where a server ignores ``n``; a request that fails after the client's retries
becomes one errored action per lost sample, so a dying endpoint never loses the whole batch."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from pivotrl.chat import wire_messages
from pivotrl.errors import EndpointError, PivotRLError
from pivotrl.openai_client import (
    ClientConfig,
    EndpointFailure,
    async_client,
    call_with_deadline,
    completion_choices,
    run_sync,
)
from pivotrl.optional import require
from pivotrl.pivot_envs.policies.base import PolicyStats, SampledAction, SamplingParams
from pivotrl.pivot_envs.policies.ordering import prefix_order
from pivotrl.pivot_envs.policies.sampling_checks import check_sampling
from pivotrl.pivot_envs.policies.seeds import pivot_seed
from pivotrl.pivot_envs.records import Pivot

logger = logging.getLogger(__name__)

N_MODES = ("auto", "native", "emulate")
MAX_ERROR_CHARS = 500


def _describe(exc: BaseException) -> str:
    if isinstance(exc, EndpointFailure):  # the endpoint's own error first: callers match on its type
        return f"{type(exc.cause).__name__}: {exc.cause} (after {exc.attempts} attempt(s))"[:MAX_ERROR_CHARS]
    return f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS]


class OpenAIPolicy:
    """Chat completions against ``base_url`` for ``model``.

    ``n_mode``: ``"auto"`` sends ``n=k`` and, when a server answers with fewer choices (as
    ``transformers serve`` does) or refuses ``n``, sends the rest as single requests from then on;
    ``"native"`` trusts ``n``; ``"emulate"`` always sends ``k`` requests. Each emulated request gets
    its own seed (``seed + j``), else seeded samples would all be the same. ``concurrency`` bounds
    requests in flight; ``timeout`` is a wall-clock deadline per attempt (connect, first byte and
    the whole answer: a server that trickles bytes or hangs after its headers is cut off), and
    ``max_retries`` attempts follow with backoff on 408/409/429, 5xx, resets and missed deadlines. After ``max_consecutive_failures`` failed requests in a row
    the endpoint is taken for dead and the remaining samples fail at once, with the reason.
    ``extra_body`` is merged into every request (vLLM: ``{"return_tokens_as_token_ids": True}``
    gives token ids with the log-probs). The API key comes from ``$OPENAI_API_KEY`` (named by
    ``api_key_env``), else ``"EMPTY"``.
    """

    def __init__(self, base_url: str, model: str, *, api_key_env: str = "OPENAI_API_KEY", timeout: float = 120.0,
                 max_retries: int = 3, concurrency: int = 16, n_mode: str = "auto", send_tools: bool = True,
                 extra_body: dict[str, Any] | None = None, max_consecutive_failures: int = 16,
                 name: str | None = None) -> None:
        require("openai", "judge", "the openai policy")
        if not base_url or not base_url.startswith(("http://", "https://")):
            raise PivotRLError(f"openai policy: expected an http(s) base URL such as http://127.0.0.1:8000/v1, "
                               f"found {base_url!r}")
        if not model:
            raise PivotRLError("openai policy: no model name; write the spec as openai:URL#MODEL "
                               "(e.g. openai:http://127.0.0.1:8000/v1#Qwen/Qwen3-8B)")
        if n_mode not in N_MODES:
            raise PivotRLError(f"n_mode must be one of {N_MODES}, found {n_mode!r}")
        if concurrency < 1:
            raise PivotRLError(f"concurrency must be at least 1, got {concurrency}")
        try:
            self.config = ClientConfig(base_url=base_url, model=model, api_key_env=api_key_env, timeout=timeout,
                                       max_retries=max_retries, concurrency=concurrency)
        except EndpointError as exc:
            raise PivotRLError(f"openai policy: {exc}") from None
        self.n_mode = n_mode
        self.send_tools = send_tools
        self.extra_body = dict(extra_body or {})
        self.max_consecutive_failures = max_consecutive_failures
        self.name = name or f"openai:{base_url}#{model}"
        self.n_honoured: bool | None = {"native": True, "emulate": False}.get(n_mode)
        self._stats = PolicyStats()
        self._cached_tokens: int | None = None
        self._consecutive_failures = 0
        self._last_error = ""

    @classmethod
    def from_spec(cls, target: str, **options: Any) -> OpenAIPolicy:
        base_url, sep, model = target.partition("#")
        if not sep or not model:
            raise PivotRLError(f"openai policy spec {('openai:' + target)!r} names no model; expected "
                               "openai:URL#MODEL, e.g. openai:http://127.0.0.1:8000/v1#tiny")
        return cls(base_url, model, **options)

    # ------------------------------------------------------------------------------------------

    def sample(self, pivots: Sequence[Pivot], k: int, params: SamplingParams) -> list[list[SampledAction]]:
        check_sampling(params, k)
        if not pivots:
            return []
        return run_sync(self._sample(pivots, k, params))

    async def _sample(self, pivots: Sequence[Pivot], k: int, params: SamplingParams) -> list[list[SampledAction]]:
        client = async_client(self.config)
        semaphore = asyncio.Semaphore(self.config.concurrency)
        results: list[list[SampledAction]] = [[] for _ in pivots]
        try:
            # tasks start in prefix order, and the semaphore admits waiters first come first served
            tasks = {i: asyncio.ensure_future(self._pivot(client, semaphore, pivots[i], k, params))
                     for i in prefix_order(pivots)}
            for i, task in tasks.items():
                results[i] = await task
        finally:
            await client.close()
        for group in results:
            self._stats.samples += len(group)
            self._stats.failures += sum(a.error is not None for a in group)
        if self._cached_tokens is not None and self._stats.prompt_tokens:
            self._stats.prefix_cache_hit_rate = self._cached_tokens / self._stats.prompt_tokens
        self._stats.extra["n_honoured"] = self.n_honoured
        return results

    async def _pivot(self, client: Any, semaphore: asyncio.Semaphore, pivot: Pivot, k: int,
                     params: SamplingParams) -> list[SampledAction]:
        seed = pivot_seed(params.seed, pivot)
        actions: list[SampledAction] = []
        if k > 1 and self.n_honoured is not False:
            got = await self._request(client, semaphore, pivot, k, params, seed)
            if isinstance(got, list):
                actions += got[:k]
                if len(got) < k and self.n_honoured is None:
                    logger.info("%s answered n=%d with %d choice(s): emulating n with repeated requests",
                                self.config.base_url, k, len(got))
                    self.n_honoured = False
                elif len(got) >= k:
                    self.n_honoured = True
            elif got.startswith("BadRequestError") or got.startswith("UnprocessableEntityError"):
                if self.n_honoured is None and self.n_mode == "auto":
                    logger.info("%s refused n=%d (%s): emulating n with repeated requests", self.config.base_url,
                                k, got)
                    self.n_honoured = False
                else:
                    return [SampledAction(text="", error=got) for _ in range(k)]
            else:
                return [SampledAction(text="", error=got) for _ in range(k)]
        missing = range(len(actions), k)
        singles = await asyncio.gather(*(self._request(client, semaphore, pivot, 1, params,
                                                       None if seed is None else seed + j) for j in missing))
        for got in singles:
            if isinstance(got, list) and got:
                actions.append(got[0])
            else:
                actions.append(SampledAction(text="", error=got if isinstance(got, str) else
                                             "the server answered with no choices"))
        return actions

    async def _request(self, client: Any, semaphore: asyncio.Semaphore, pivot: Pivot, n: int,
                       params: SamplingParams, seed: int | None) -> list[SampledAction] | str:
        """One chat completion: its choices as actions, or the error (a string) after retries."""
        body: dict[str, Any] = {"model": self.config.model, "messages": wire_messages(pivot.messages),
                                "max_tokens": params.max_tokens, "temperature": params.temperature,
                                "top_p": params.top_p}
        if n > 1:
            body["n"] = n
        if seed is not None:
            body["seed"] = seed
        if params.logprobs:
            body["logprobs"] = True
        if self.send_tools and pivot.tools:
            body["tools"] = pivot.tools
        if self.extra_body:
            body["extra_body"] = self.extra_body
        async with semaphore:
            if self._consecutive_failures >= self.max_consecutive_failures:
                return (f"not sent: the endpoint failed {self._consecutive_failures} requests in a row "
                        f"(last: {self._last_error})")[:MAX_ERROR_CHARS]
            self._stats.requests += 1
            async def attempt() -> tuple[Any, list[Any]]:
                response = await client.chat.completions.create(**body)
                return response, completion_choices(response)  # a malformed answer is retried too

            try:
                response, choices = await call_with_deadline(attempt, timeout=self.config.timeout,
                                                             max_retries=self.config.max_retries)
            except Exception as exc:  # after the retries: recorded per sample, never raised
                self._consecutive_failures += 1
                self._last_error = _describe(exc)
                logger.warning("request for pivot %s failed: %s", pivot.id, self._last_error)
                return self._last_error
        self._consecutive_failures = 0
        self._count_usage(getattr(response, "usage", None))
        return [_action(choice) for choice in choices]

    def _count_usage(self, usage: Any) -> None:
        if usage is None:
            return
        self._stats.prompt_tokens += int(getattr(usage, "prompt_tokens", 0) or 0)
        self._stats.completion_tokens += int(getattr(usage, "completion_tokens", 0) or 0)
        cached = getattr(getattr(usage, "prompt_tokens_details", None), "cached_tokens", None)
        if cached is not None:
            self._cached_tokens = (self._cached_tokens or 0) + int(cached)

    def stats(self) -> PolicyStats:
        return self._stats

    def close(self) -> None:
        """Nothing is held between calls: each ``sample`` opens and closes its own HTTP client."""

    def __repr__(self) -> str:
        return f"OpenAIPolicy({self.name!r}, n_mode={self.n_mode!r})"


def _action(choice: Any) -> SampledAction:
    """One choice as an action: the text, the parsed message when the server parsed tool calls,
    log-probs when it sent them (token ids too where vLLM sends ``token_id:N`` tokens)."""
    message = getattr(choice, "message", None)
    text = (getattr(message, "content", None) or "") if message is not None else ""
    parsed = None
    calls = getattr(message, "tool_calls", None) if message is not None else None
    if calls:
        parsed = {"role": "assistant", "content": getattr(message, "content", None),
                  "tool_calls": [c.model_dump(exclude_none=True) if hasattr(c, "model_dump") else dict(c)
                                 for c in calls]}
    logprobs = token_ids = None
    content = getattr(getattr(choice, "logprobs", None), "content", None)
    if content:
        logprobs = [float(t.logprob) for t in content]
        tokens = [str(t.token) for t in content]
        if all(t.startswith("token_id:") for t in tokens):
            token_ids = [int(t.split(":", 1)[1]) for t in tokens]
    return SampledAction(text=text, message=parsed, token_ids=token_ids, logprobs=logprobs,
                         finish_reason=getattr(choice, "finish_reason", None))
