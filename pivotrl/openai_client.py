"""A small client layer over the ``openai`` package for any OpenAI-compatible endpoint
(vLLM, SGLang, ``transformers serve``, hosted APIs): base URL, model, API key from the
environment, a wall-clock deadline per attempt, retries with backoff on 408 / 409 / 429 / 5xx,
connection errors and missed deadlines, a concurrency limit and async batch calls. It knows
nothing of judging or sampling: the judge (``verifiers.llm_judge``), the endpoint policy
(``pivot_envs.policies.openai_compat``) and the trainer's endpoint sampler all stand on it, so it
sits at the package base and raises its own ``EndpointError``, which each caller maps to its
failure policy (the judge to a ``VerifierError``).

The openai client's own ``timeout`` bounds each socket read, so a server that trickles a byte
every half second never trips it; here every attempt is cancelled at its deadline."""

from __future__ import annotations

import asyncio
import email.utils
import os
import random
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from pivotrl.errors import EndpointError
from pivotrl.optional import require

__all__ = [
    "BadResponse",
    "ChatClient",
    "ChatResult",
    "ClientConfig",
    "EndpointFailure",
    "RequestTimeout",
    "async_client",
    "backoff_seconds",
    "call_with_deadline",
    "completion_choices",
    "is_endpoint_error",
    "is_retryable",
    "run_sync",
]

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
    #: seconds one attempt may take in all (connect, first byte and the whole answer)
    timeout: float = 60.0
    max_retries: int = 3
    concurrency: int = 8
    #: seconds to connect (default: the smaller of 10 and ``timeout``)
    connect_timeout: float | None = None

    def __post_init__(self) -> None:
        for name in ("timeout", "connect_timeout"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                                      or not 0 < value < float("inf")):
                raise EndpointError(f"{name} must be a positive number of seconds, got {value!r}")
        if isinstance(self.max_retries, bool) or not isinstance(self.max_retries, int) or self.max_retries < 0:
            raise EndpointError(f"max_retries must be a whole number >= 0, got {self.max_retries!r}")
        if isinstance(self.concurrency, bool) or not isinstance(self.concurrency, int) or self.concurrency < 1:
            raise EndpointError(f"concurrency must be a whole number >= 1, got {self.concurrency!r}")

    def resolved(self) -> ClientConfig:
        base_url = self.base_url or os.environ.get("PIVOTRL_LLM_BASE_URL") or os.environ.get("OPENAI_BASE_URL")
        model = self.model or os.environ.get("PIVOTRL_LLM_MODEL")
        if not base_url:
            raise EndpointError("no endpoint: pass base_url= or set PIVOTRL_LLM_BASE_URL (e.g. http://127.0.0.1:8000/v1)")
        if not model:
            raise EndpointError("no model: pass model= or set PIVOTRL_LLM_MODEL")
        return replace(self, base_url=base_url, model=model)

    def http_timeout(self) -> Any:
        """The per-phase socket timeouts for the openai client (``openai.Timeout``)."""
        from openai import Timeout

        connect = self.connect_timeout if self.connect_timeout is not None else min(10.0, self.timeout)
        return Timeout(self.timeout, connect=min(connect, self.timeout))

    def worst_case_seconds(self) -> float:
        """The longest one call can take: every attempt to its deadline, plus the backoff."""
        return (self.max_retries + 1) * self.timeout + sum(backoff_seconds(n) for n in range(self.max_retries))


class RequestTimeout(TimeoutError):
    """An attempt missed its wall-clock deadline (a slow first byte, a trickling body, a hang)."""


class BadResponse(Exception):
    """The endpoint answered, but not with a chat completion (no choices, HTML, a bare string)."""


class EndpointFailure(Exception):
    """A call that failed on every attempt; ``cause`` is the last error."""

    def __init__(self, cause: BaseException, attempts: int) -> None:
        self.cause = cause
        self.attempts = attempts
        super().__init__(f"{type(cause).__name__}: {str(cause)[:300]} (after {attempts} attempt"
                         f"{'s' if attempts != 1 else ''})")


RETRY_STATUS = {408, 409, 429}
MAX_BACKOFF = 8.0
MAX_RETRY_AFTER = 30.0


def backoff_seconds(retry: int) -> float:
    """Exponential backoff before retry ``retry`` (0-based): 0.5, 1, 2, 4, 8, 8... seconds."""
    return min(MAX_BACKOFF, 0.5 * 2.0**retry)


def _retry_after(exc: BaseException) -> float | None:
    response = getattr(exc, "response", None)
    value = getattr(response, "headers", {}).get("retry-after") if response is not None else None
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        seconds = parsed.timestamp() - time.time() if parsed is not None else -1.0
    return seconds if 0 <= seconds <= MAX_RETRY_AFTER else None


def is_endpoint_error(exc: BaseException) -> bool:
    """An error of the endpoint or the network (a status, a reset, garbage, a missed deadline),
    not of the request we built (those propagate as they are: they are bugs, never outages)."""
    import json

    import openai

    return isinstance(exc, (openai.APIError, TimeoutError, ConnectionError, json.JSONDecodeError, BadResponse))


def is_retryable(exc: BaseException) -> bool:
    """Connection errors, missed deadlines, garbage, 408/409/429 and 5xx are worth another attempt;
    other 4xx answers (a wrong model name, a refused request) will not change."""
    status = getattr(exc, "status_code", None)
    if isinstance(status, int):
        return status in RETRY_STATUS or status >= 500
    return is_endpoint_error(exc)


async def call_with_deadline(attempt: Callable[[], Awaitable[T]], *, timeout: float, max_retries: int) -> T:
    """``await attempt()`` with a wall-clock deadline of ``timeout`` seconds per attempt, retried
    up to ``max_retries`` times with backoff where the error is worth it; an EndpointFailure
    carrying the last endpoint error otherwise. Other errors propagate at once."""
    for n in range(max_retries + 1):
        try:
            return await asyncio.wait_for(attempt(), timeout)
        except asyncio.TimeoutError:
            error: BaseException = RequestTimeout(f"no complete answer within {timeout:g} s")
        except Exception as exc:
            if not is_endpoint_error(exc):
                raise
            error = exc
        if n == max_retries or not is_retryable(error):
            raise EndpointFailure(error, n + 1) from error
        wait = _retry_after(error)
        await asyncio.sleep(wait if wait is not None else backoff_seconds(n) * (1 - 0.25 * random.random()))
    raise AssertionError("unreachable")


def async_client(config: ClientConfig) -> Any:
    """An ``openai.AsyncOpenAI`` for ``config``. Its own retries are off: ``call_with_deadline``
    retries, so that every attempt has a wall-clock deadline. A placeholder key is sent where the
    environment has none (local servers ignore it; the openai package refuses an empty one)."""
    from openai import AsyncOpenAI

    return AsyncOpenAI(base_url=config.base_url, api_key=os.environ.get(config.api_key_env) or "EMPTY",
                       timeout=config.http_timeout(), max_retries=0)


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

    thread = threading.Thread(target=target, name="pivotrl-openai-client")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


def completion_choices(response: Any) -> list[Any]:
    """The choices of a chat completion, or BadResponse when the answer is not one."""
    choices = getattr(response, "choices", None)
    if not isinstance(choices, list):
        raise BadResponse(f"not a chat completion: {str(response)[:200]!r}")
    return choices


def _chat_result(response: Any) -> ChatResult:
    choices = completion_choices(response)
    if not choices:
        raise BadResponse("the chat completion holds no choices")
    choice = choices[0]
    message = getattr(choice, "message", None)
    if message is None:
        raise BadResponse("the first choice holds no message")
    logprobs = None
    content_lp = getattr(getattr(choice, "logprobs", None), "content", None)
    if content_lp:
        logprobs = [{"token": t.token, "logprob": t.logprob,
                     "top": {a.token: a.logprob for a in (t.top_logprobs or [])}} for t in content_lp]
    usage = response.usage.model_dump() if getattr(response, "usage", None) else {}
    content = message.content
    return ChatResult(content if isinstance(content, str) else "", logprobs, choice.finish_reason, usage)


class ChatClient:
    """Chat completions with a concurrency limit. Errors that survive the retries are returned
    (batch) or raised (single) as an EndpointFailure, for the caller's policy."""

    def __init__(self, config: ClientConfig) -> None:
        require("openai", "judge", "the OpenAI-compatible client", error=EndpointError)
        self.config = config.resolved()
        self.calls = 0

    def _client(self) -> Any:
        return async_client(self.config)

    async def _one(self, client: Any, semaphore: asyncio.Semaphore, messages: list[dict[str, Any]],
                   params: dict[str, Any]) -> ChatResult:
        async def attempt() -> ChatResult:
            response = await client.chat.completions.create(model=self.config.model, messages=messages, **params)
            return _chat_result(response)  # inside the attempt: a malformed answer is retried like an error

        async with semaphore:
            self.calls += 1
            return await call_with_deadline(attempt, timeout=self.config.timeout, max_retries=self.config.max_retries)

    async def achat_batch(self, requests: Sequence[tuple[list[dict[str, Any]], dict[str, Any]]]) -> list[ChatResult | Exception]:
        semaphore = asyncio.Semaphore(self.config.concurrency)
        client = self._client()
        try:
            # a BaseException that is no Exception (Ctrl-C, cancellation) propagates from gather
            return await asyncio.gather(*(self._one(client, semaphore, m, p) for m, p in requests),  # type: ignore[return-value]
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
                await asyncio.wait_for(client.models.list(), timeout)
            finally:
                await client.close()

        try:
            run_sync(probe())
        except Exception as exc:
            raise EndpointError(f"the endpoint {self.config.base_url} does not answer: {type(exc).__name__}: {exc}") from None
