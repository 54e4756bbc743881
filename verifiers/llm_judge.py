"""``llm_judge``: an LLM decides whether the candidate is equivalent to the reference, for
actions no program can settle (replies, plans, queries a corpus can't decide).

Any OpenAI-compatible endpoint. Answers are cached on disk; failures follow an explicit
policy (``error`` raises, ``zero`` scores 0, ``none`` marks the sample skipped so TRL can drop
it) and are counted in ``stats``: a dead or babbling judge is never silently scored.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar

from pivotrl.errors import EndpointError, VerifierError
from pivotrl.jsonsafe import scrub_surrogates
from pivotrl.openai_client import ChatClient, ChatResult, ClientConfig, EndpointFailure
from pivotrl.verifiers.action import Action
from pivotrl.verifiers.base import BaseVerifier, PivotLike, reference_action
from pivotrl.verifiers.config import VerifierConfig, runtime_field
from pivotrl.verifiers.judge_cache import JudgeCache, cache_key
from pivotrl.verifiers.judge_parse import parse_answer, yes_probability
from pivotrl.verifiers.judge_prompt import JudgeTemplate, render_action, render_state, render_tools
from pivotrl.verifiers.verdict import Verdict

FAILURE_POLICIES = ("error", "zero", "none")
#: a candidate longer than this (and than twice its reference) is scored 0 without a judge call
MAX_CANDIDATE_CHARS = 20_000


def default_cache_path() -> Path:
    if os.environ.get("PIVOTRL_CACHE"):
        root = Path(os.environ["PIVOTRL_CACHE"])
    elif os.geteuid() == 0:
        root = Path("/var/cache/pivotrl")
    else:
        root = Path(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")) / "pivotrl"
    return root / "judge.sqlite"


@dataclass(frozen=True)
class LLMJudgeConfig(VerifierConfig):
    """The parameters of ``llm_judge`` (see LLMJudgeVerifier)."""

    kind: ClassVar[str] = "llm_judge"
    base_url: str | None = None
    model: str | None = None
    api_key_env: str = runtime_field("OPENAI_API_KEY")
    timeout: float = 60.0
    max_retries: int = 3
    concurrency: int = runtime_field(8)
    template: str | dict[str, str] | None = None
    temperature: float = 0.0
    max_tokens: int = 128
    logprobs: bool = False
    graded: bool = False
    on_failure: str = "error"
    #: True (the default file), False (none) or a path
    cache: bool | str = runtime_field(True)
    check_connection: bool = runtime_field(True)
    max_candidate_chars: int = MAX_CANDIDATE_CHARS

    def __post_init__(self) -> None:
        if self.on_failure not in FAILURE_POLICIES:
            raise VerifierError(f"on_failure must be one of {', '.join(FAILURE_POLICIES)}, "
                                f"got {self.on_failure!r}")
        chars = self.max_candidate_chars
        if isinstance(chars, bool) or not isinstance(chars, int) or chars < 1:
            raise VerifierError(f"max_candidate_chars must be a whole number >= 1, got {chars!r}")
        if isinstance(self.template, Mapping):
            if not {"system", "user"} <= set(self.template):
                raise VerifierError("a judge template dict needs 'system' and 'user'")
            self._set(template=dict(self.template))
        cache = self.cache if isinstance(self.cache, bool) else os.fspath(self.cache)
        self._set(timeout=float(self.timeout), max_retries=int(self.max_retries), concurrency=int(self.concurrency),
                  temperature=float(self.temperature), max_tokens=int(self.max_tokens), logprobs=bool(self.logprobs),
                  graded=bool(self.graded), cache=cache, check_connection=bool(self.check_connection))
        try:
            ClientConfig(self.base_url, self.model, self.api_key_env, self.timeout, self.max_retries, self.concurrency)
        except EndpointError as exc:  # the shared client's error; a judge that cannot be built is a broken verifier
            raise VerifierError(str(exc)) from None


class LLMJudgeVerifier(BaseVerifier):
    """Parameters: ``base_url``, ``model``, ``api_key_env``, ``timeout``, ``max_retries``,
    ``concurrency`` (the client: ``timeout`` is a wall-clock deadline per attempt, so one
    verification takes at most about ``(max_retries + 1) * timeout`` seconds); ``template`` (``{"system", "user"}`` or a user-message
    string; placeholders ``{state}``, ``{tools}``, ``{reference}``, ``{candidate}``, Jinja when
    it contains ``{{``); ``temperature``, ``max_tokens``; ``logprobs`` (ask for token
    log-probabilities) and ``graded`` (score = P(yes) from them when the server sends them);
    ``on_failure`` (error | zero | none), applied to every fault of the endpoint (status errors,
    resets, garbage, missed deadlines, unparseable answers) and only to those: a candidate's own
    text never counts as an outage (lone surrogates are sent as U+FFFD, and a candidate longer
    than ``max_candidate_chars`` and twice its reference scores 0 without a call); ``cache``
    (True, False or a path; a corrupt cache file is moved aside and rebuilt);
    ``check_connection`` (probe the endpoint at construction)."""

    name = "llm_judge"
    Config = LLMJudgeConfig
    config: LLMJudgeConfig

    def __init__(self, config: LLMJudgeConfig | None = None, **params: Any) -> None:
        c = LLMJudgeConfig.of(config, params)
        try:
            self.client = ChatClient(ClientConfig(c.base_url, c.model, c.api_key_env, c.timeout, c.max_retries,
                                                  c.concurrency))
        except EndpointError as exc:  # no endpoint, no openai package: a broken verifier, said at construction
            raise VerifierError(str(exc)) from None
        # the model the environment named is recorded: the spec rebuilds the judge that answered
        self.config = replace(c, model=self.client.config.model)
        if isinstance(c.template, Mapping):
            self.template: JudgeTemplate | None = JudgeTemplate(c.template["system"], c.template["user"])
        elif isinstance(c.template, str):
            self.template = JudgeTemplate(JudgeTemplate.default().system, c.template)
        else:
            self.template = None  # per-domain default
        self.logprobs = c.logprobs or c.graded  # graded scores need them
        self.cache = JudgeCache(default_cache_path() if c.cache is True else c.cache) if c.cache else None
        self.stats = {"calls": 0, "cache_hits": 0, "failures": 0, "unparseable": 0}
        self._stats_lock = threading.Lock()
        if c.check_connection:
            try:
                self.client.check_connection()
            except EndpointError as exc:
                raise VerifierError(str(exc)) from None

    def close(self) -> None:
        """Close the verdict cache's database (safe twice); the judge still answers afterwards,
        uncached."""
        if self.cache is not None:
            self.cache.close()

    def _after_copy(self) -> None:
        # a parser copy opens its own connection, so closing one never closes the other's cache
        if self.cache is not None:
            self.cache = JudgeCache(self.cache.path)

    def _count(self, key: str, n: int = 1) -> None:
        with self._stats_lock:
            self.stats[key] += n

    def _template_for(self, pivot: PivotLike) -> JudgeTemplate:
        return self.template or JudgeTemplate.default(getattr(pivot, "domain", None))

    def _request(self, action: Action, pivot: PivotLike) -> tuple[str, list[dict[str, str]]] | Verdict:
        """The cache key and the judge's messages, or the verdict on a candidate too long to send."""
        template = self._template_for(pivot)
        # lone surrogates (an emoji cut by max_tokens) cannot be sent as UTF-8: U+FFFD instead
        fields = {"state": render_state(pivot.messages), "tools": render_tools(pivot.tools),
                  "reference": render_action(reference_action(pivot)), "candidate": render_action(action)}
        fields = {name: scrub_surrogates(text) for name, text in fields.items()}
        limit = max(self.config.max_candidate_chars, 2 * len(fields["reference"]))
        if len(fields["candidate"]) > limit:
            return Verdict.reject(f"the candidate is {len(fields['candidate']):,} characters, over the judge's limit "
                                  f"of {limit:,}: scored 0 without a judge call", judge_calls=0)
        key = cache_key(self.config.model or "", template.fingerprint(), fields["state"], fields["reference"],
                        fields["candidate"], f"{self.config.temperature}|{self.config.max_tokens}|{self.logprobs}")
        return key, template.render(fields)

    def _failure(self, reason: str, **details: Any) -> Verdict:
        self._count("failures")
        if self.config.on_failure == "error":
            raise VerifierError(f"llm_judge ({self.client.config.base_url}, {self.config.model}): {reason}")
        if self.config.on_failure == "none":
            return Verdict(0.0, False, reason, {"skip": True, "judge_failure": reason, **details})
        return Verdict(0.0, False, reason, {"judge_failure": reason, **details})

    def _from_answer(self, answer: dict[str, Any], *, cached: bool) -> Verdict:
        p_yes = answer.get("p_yes")
        equivalent = bool(answer["equivalent"])
        score = float(p_yes) if self.config.graded and p_yes is not None else float(equivalent)
        details = {"judge_calls": 0 if cached else 1, "cached": cached, "how": answer.get("how"),
                   "answer": answer.get("text", "")[:500]}
        if p_yes is not None:
            details["p_yes"] = p_yes
        return Verdict(score, equivalent, f"judge: {answer.get('reason') or ('yes' if equivalent else 'no')}", details)

    def _from_result(self, key: str, result: ChatResult | BaseException) -> Verdict:
        if isinstance(result, EndpointFailure):
            return self._failure(f"judge unavailable: {result}")
        if isinstance(result, BaseException):  # not the endpoint's fault: a bug of ours, never an outage
            raise VerifierError(f"llm_judge could not send the request: {type(result).__name__}: {result}") from result
        parsed = parse_answer(result.text)
        if parsed.equivalent is None:
            self._count("unparseable")
            return self._failure(parsed.reason, answer=result.text[:500], judge_calls=1)
        answer = {"equivalent": parsed.equivalent, "reason": parsed.reason, "how": parsed.how,
                  "text": result.text[:2000], "p_yes": yes_probability(result.logprobs)}
        if self.cache is not None:
            self.cache.put(key, answer)
        return self._from_answer(answer, cached=False)

    def _params(self) -> dict[str, Any]:
        params: dict[str, Any] = {"temperature": self.config.temperature, "max_tokens": self.config.max_tokens}
        if self.logprobs:
            params.update(logprobs=True, top_logprobs=5)
        return params

    def _verify(self, action: Action, pivot: PivotLike) -> Verdict:
        return self._verify_valid_batch([action], [pivot])[0]

    def _verify_valid_batch(self, actions: list[Action], pivots: list[PivotLike]) -> list[Verdict]:
        verdicts: list[Verdict | None] = [None] * len(actions)
        pending: dict[str, list[int]] = {}
        requests: dict[str, list[dict[str, str]]] = {}
        for i, (action, pivot) in enumerate(zip(actions, pivots, strict=True)):
            request = self._request(action, pivot)
            if isinstance(request, Verdict):
                verdicts[i] = request
                continue
            key, messages = request
            cached = self.cache.get(key) if self.cache is not None else None
            if cached is not None:
                self._count("cache_hits")
                verdicts[i] = self._from_answer(cached, cached=True)
            else:
                pending.setdefault(key, []).append(i)
                requests[key] = messages
        if pending:
            keys = list(pending)
            self._count("calls", len(keys))
            results = self.client.chat_batch([(requests[k], self._params()) for k in keys])
            for key, result in zip(keys, results, strict=True):
                verdict = self._from_result(key, result)
                for i in pending[key]:
                    verdicts[i] = verdict
        return verdicts  # type: ignore[return-value]
