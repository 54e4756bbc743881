"""A small client layer over the ``openai`` package for any OpenAI-compatible endpoint
(vLLM, SGLang, ``transformers serve``, hosted APIs): base URL, model, API key from the
environment, timeouts, retries with backoff on 429 / 5xx / connection errors (the openai
client's own), a concurrency limit and async batch calls. It knows nothing of judging, so
the policy backends of profiling reuse it."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pivotrl.errors import VerifierError

T = TypeVar("T")


@dataclass(frozen=True)
class ClientConfig:
    """Where and how to call. ``base_url`` and ``model`` fall back to the environment
    (``PIVOTRL_LLM_BASE_URL`` / ``OPENAI_BASE_URL`` and ``PIVOTRL_LLM_MODEL``); the key is
    read from the variable named by ``api_key_env`` (a placeholder is sent when unset, as
    local servers need none)."""

    base_url: str | None = None
    model: str | None = None
    api_key_env: str = "OPENAI_API_KEY"
    timeout: float = 60.0
    max_retries: int = 3
    concurrency: int = 8

    def resolved(self) -> ClientConfig:
        base_url = self.base_url or os.environ.get("PIVOTRL_LLM_BASE_URL") or os.environ.get("OPENAI_BASE_URL")
        model = self.model or os.environ.get("PIVOTRL_LLM_MODEL")
        if not base_url:
            raise VerifierError("no endpoint: pass base_url= or set PIVOTRL_LLM_BASE_URL (e.g. http://127.0.0.1:8000/v1)")
        if not model:
            raise VerifierError("no model: pass model= or set PIVOTRL_LLM_MODEL")
        return ClientConfig(base_url, model, self.api_key_env, self.timeout, self.max_retries, self.concurrency)


@dataclass(frozen=True)
class ChatResult:
    text: str
    logprobs: list[dict[str, Any]] | None = None  # per generated token: {"token", "logprob", "top": {tok: lp}}
    finish_reason: str | None = None
    usage: dict[str, Any] = field(default_factory=dict)


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine from sync code, also when an event loop already runs in this thread
    (notebooks, async trainers): then it runs on a private loop in a helper thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=target, name="pivotrl-llm-client")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


class ChatClient:
    """Chat completions with a concurrency limit. Errors that survive the retries are
    returned (batch) or raised (single) as the openai exception, for the caller's policy."""

    def __init__(self, config: ClientConfig) -> None:
        try:
            import openai  # noqa: F401
        except ImportError:
            raise VerifierError("the openai package is not installed: pip install 'pivotrl[judge]'") from None
        self.config = config.resolved()
        self.calls = 0

    def _client(self) -> Any:
        from openai import AsyncOpenAI

        return AsyncOpenAI(base_url=self.config.base_url, api_key=os.environ.get(self.config.api_key_env) or "unused",
                           timeout=self.config.timeout, max_retries=self.config.max_retries)

    async def _one(self, client: Any, semaphore: asyncio.Semaphore, messages: list[dict[str, Any]],
                   params: dict[str, Any]) -> ChatResult:
        async with semaphore:
            self.calls += 1
            response = await client.chat.completions.create(model=self.config.model, messages=messages, **params)
        choice = response.choices[0]
        logprobs = None
        content_lp = getattr(getattr(choice, "logprobs", None), "content", None)
        if content_lp:
            logprobs = [{"token": t.token, "logprob": t.logprob,
                         "top": {a.token: a.logprob for a in (t.top_logprobs or [])}} for t in content_lp]
        usage = response.usage.model_dump() if getattr(response, "usage", None) else {}
        return ChatResult(choice.message.content or "", logprobs, choice.finish_reason, usage)

    async def achat_batch(self, requests: Sequence[tuple[list[dict[str, Any]], dict[str, Any]]]) -> list[ChatResult | Exception]:
        semaphore = asyncio.Semaphore(self.config.concurrency)
        client = self._client()
        try:
            return await asyncio.gather(*(self._one(client, semaphore, m, p) for m, p in requests),
                                        return_exceptions=True)
        finally:
            await client.close()

    def chat_batch(self, requests: Sequence[tuple[list[dict[str, Any]], dict[str, Any]]]) -> list[ChatResult | Exception]:
        return run_sync(self.achat_batch(requests))

    def chat(self, messages: list[dict[str, Any]], **params: Any) -> ChatResult:
        result = self.chat_batch([(messages, params)])[0]
        if isinstance(result, Exception):
            raise result
        return result

    def check_connection(self, timeout: float = 10.0) -> None:
        """Fail now, with the reason, when the endpoint does not answer."""

        async def probe() -> None:
            from openai import AsyncOpenAI

            client = AsyncOpenAI(base_url=self.config.base_url, api_key=os.environ.get(self.config.api_key_env) or "unused",
                                 timeout=timeout, max_retries=0)
            try:
                await client.models.list()
            finally:
                await client.close()

        try:
            run_sync(probe())
        except Exception as exc:
            raise VerifierError(f"the endpoint {self.config.base_url} does not answer: {type(exc).__name__}: {exc}") from None
