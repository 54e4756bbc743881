"""Profiling: sample K actions from a frozen reference policy at every pivot candidate, score
them with the candidate's verifier and append one Pivot record with reward statistics per
candidate (flushed and fsynced), so a killed run resumes where it stopped."""

from __future__ import annotations

import json
import logging
import os
import re
import statistics
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pivotrl.errors import DataError, OutputError, PivotRLError
from pivotrl.jsonsafe import dumps_line
from pivotrl.pivot_envs.domains import verifier_for
from pivotrl.pivot_envs.output_lock import describe_os_error, exclusive_output
from pivotrl.pivot_envs.policies.base import Policy, SampledAction, SamplingParams
from pivotrl.pivot_envs.policies.ordering import prefix_order
from pivotrl.pivot_envs.policies.sampling_checks import check_sampling
from pivotrl.pivot_envs.records import Pivot
from pivotrl.verifiers.spec import VerifierPool, VerifierSpec
from pivotrl.verifiers.spec import spec_key as spec_key  # re-exported: its home before verifiers/spec.py

logger = logging.getLogger(__name__)

MAX_REASON_CHARS = 200
#: Sampler errors about one prompt (over the context length), not about the policy being down.
PROMPT_ERROR = re.compile(r"^the prompt has \d+ tokens|context length|maximum context", re.IGNORECASE)
#: One scored sample as it travels between workers: (reward, reason, skipped by the verifier).
Score = tuple[float, str, bool]


@dataclass(frozen=True)
class ProfileConfig:
    """How a profiling run samples and scores.

    ``verifier`` (a name or ``{"name", "params"}``) overrides each candidate's own; ``parser``
    names the tool-call format the policy writes (recorded in each verifier spec; default: the
    spec's own, else detected); ``chunk_size``
    candidates go to the policy per call (a partly finished chunk is sampled again whole on resume,
    so backends whose seeds depend on the batch reproduce it); ``concurrency`` verifications run at
    once; ``keep_actions`` stores the K actions in the record. A candidate whose K samples all
    failed in the sampler is not written (a rerun retries it); ``max_failed_candidates`` of them
    in a row stop the run (the policy or its endpoint is down, not merely flaky)."""

    k: int = 16
    sampling: SamplingParams = field(default_factory=SamplingParams)
    verifier: Any = None
    parser: str | None = None
    keep_actions: bool = False
    concurrency: int = 4
    chunk_size: int = 8
    max_failed_candidates: int = 8

    def __post_init__(self) -> None:
        if self.k < 1:
            raise PivotRLError(f"k must be at least 1, got {self.k}")
        if self.concurrency < 1 or self.chunk_size < 1:
            raise PivotRLError(f"concurrency and chunk_size must be at least 1, got {self.concurrency} and "
                               f"{self.chunk_size}")
        if self.parser is not None:
            from pivotrl.verifiers.parsers import get_parser

            get_parser(self.parser)  # an unknown name fails here, with the known ones


@dataclass
class ProfileSummary:
    """What a run did: candidates written now, skipped as already finished, samples and failures."""

    candidates: int = 0
    written: int = 0
    skipped: int = 0
    samples: int = 0
    sampler_failures: int = 0
    unprofiled: int = 0
    unprofiled_reasons: dict[str, str] = field(default_factory=dict)  # reason -> first candidate id
    seconds: float = 0.0
    dropped_partial_line: bool = False
    policy_stats: dict[str, Any] = field(default_factory=dict)


class PolicyFailed(PivotRLError):
    """The policy failed every sample of several candidates in a row: it or its endpoint is down."""


class Runner(Protocol):
    """Where sampling and verification run: this process (``LocalRunner``) or a Ray cluster."""

    #: how many chunks may be sampled at once (1 in process; the worker count on a cluster)
    sample_depth: int

    def submit_sample(self, pivots: list[Pivot], k: int, params: SamplingParams) -> Future[list[list[SampledAction]]]:
        ...

    def submit_verify(self, spec: VerifierSpec, pivot: Pivot, actions: list[Any]) -> Future[list[Score]]: ...

    def close(self) -> None: ...


# ------------------------------------------------------------------------------------------
# verification shared by every runner


def score_actions(verifiers: VerifierPool, spec: VerifierSpec, pivot: Pivot, actions: Sequence[Any]) -> list[Score]:
    """Score K actions at one pivot. A broken verifier raises VerifierError (never a 0)."""
    verdicts = verifiers.verify(spec, actions, pivot)
    return [(float(v.score), str(v.reason)[:MAX_REASON_CHARS], bool(v.skipped)) for v in verdicts]


class LocalRunner:
    """Sampling on one background thread (it overlaps verification of the previous chunk);
    verification on a thread pool of ``concurrency`` workers."""

    sample_depth = 1

    def __init__(self, policy: Policy, concurrency: int = 4, verifiers: VerifierPool | None = None) -> None:
        self.policy = policy
        self.verifiers = verifiers or VerifierPool()
        self._sampler = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pivotrl-sample")
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="pivotrl-verify")

    def submit_sample(self, pivots: list[Pivot], k: int, params: SamplingParams) -> Future[list[list[SampledAction]]]:
        return self._sampler.submit(self.policy.sample, pivots, k, params)

    def submit_verify(self, spec: VerifierSpec, pivot: Pivot, actions: list[Any]) -> Future[list[Score]]:
        return self._pool.submit(score_actions, self.verifiers, spec, pivot, actions)

    def close(self) -> None:
        self._sampler.shutdown(wait=True, cancel_futures=True)
        self._pool.shutdown(wait=True, cancel_futures=True)


# ------------------------------------------------------------------------------------------
# statistics and records


def reward_stats(scores: Sequence[Score], k: int, actions: Sequence[SampledAction] | None = None) -> dict[str, Any]:
    """``{"k", "rewards", "mean", "var", "reasons"}``; mean and population variance are exact
    (``statistics`` works in fractions), so a uniform group has a variance of exactly 0."""
    rewards = [s[0] for s in scores]
    reasons = Counter(s[1] for s in scores)
    out: dict[str, Any] = {
        "k": k, "rewards": rewards, "mean": float(statistics.mean(rewards)),
        "var": float(statistics.pvariance(rewards)), "reasons": dict(reasons.most_common()),
    }
    skipped = sum(s[2] for s in scores)
    if skipped:
        out["skipped"] = skipped
    failures = sum(a.error is not None for a in actions or [])
    if failures:
        out["sampler_failures"] = failures
    return out


def profiled_record(pivot: Pivot, verifier_spec: dict[str, Any], scores: Sequence[Score], k: int,
                    actions: Sequence[SampledAction], keep_actions: bool) -> dict[str, Any]:
    stats = reward_stats(scores, k, actions)
    if keep_actions:
        stats["actions"] = [a.action if a.error is None else None for a in actions]
        stats["finish_reasons"] = [a.finish_reason for a in actions]
    record = pivot.to_dict()
    record["verifier"] = verifier_spec
    record["stats"] = stats
    return record


def _sampler_scores(actions: Sequence[SampledAction]) -> list[Score | None]:
    """Failed samples score 0 with the sampler's reason; the rest go to the verifier."""
    return [(0.0, f"sampler failed: {a.error}"[:MAX_REASON_CHARS], False) if a.error is not None else None
            for a in actions]


# ------------------------------------------------------------------------------------------
# resumable output


def finished_ids(path: str | os.PathLike[str]) -> tuple[set[str], bool]:
    """Ids already in ``path`` and whether a partial last line (a killed write) was cut off.

    Only whole lines are ever written, so only the last can be partial: it is truncated away.
    A broken line elsewhere is someone else's file and stops the run."""
    target = Path(path)
    if not target.exists():
        return set(), False
    dropped = False
    with open(target, "rb+") as handle:
        data = handle.read()
        if data and not data.endswith(b"\n"):
            keep = data.rfind(b"\n") + 1
            logger.warning("%s: dropping a partial last line (%d bytes) left by an interrupted run", target,
                           len(data) - keep)
            handle.truncate(keep)
            data = data[:keep]
            dropped = True
    ids: set[str] = set()
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            ids.add(str(record["id"]))
        except (ValueError, KeyError, TypeError):
            raise DataError("not a profiled record: expected a JSON object with an 'id'; remove the line or "
                            "write to a new output", path=str(target), line=number) from None
    return ids, dropped


class AppendWriter:
    """Appends one JSON line per record and makes it durable before returning (flush + fsync).

    Sampled text may hold lone surrogates (an emoji cut by ``max_tokens``): they are written as
    U+FFFD, so the line stays UTF-8. A failed write (disk full, read-only) is an OutputError; a
    torn last line is dropped by the next run."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = str(path)
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._handle = open(path, "a", encoding="utf-8")  # noqa: SIM115 - closed by close()
        except OSError as exc:
            raise OutputError(describe_os_error(exc), path=self.path) from None

    def write(self, record: Mapping[str, Any]) -> None:
        line = dumps_line(record) + "\n"
        try:
            self._handle.write(line)
            self._handle.flush()
            os.fsync(self._handle.fileno())
        except OSError as exc:
            raise OutputError(describe_os_error(exc), path=self.path) from None

    def close(self) -> None:
        try:
            self._handle.close()
        except OSError as exc:  # the buffered tail could not be written either
            raise OutputError(describe_os_error(exc), path=self.path) from None


# ------------------------------------------------------------------------------------------
# the engine

ProgressFn = Callable[[int, int], None]


def profile(candidates: Sequence[Pivot], policy: Policy | None, output: str | os.PathLike[str],
            config: ProfileConfig | None = None, *, runner: Runner | None = None,
            progress: ProgressFn | None = None) -> ProfileSummary:
    """Profile ``candidates`` into ``output`` (JSONL, appended).

    Work runs in prefix order (candidates of one trajectory back to back, longest prefix first,
    for the engine's prefix cache) and records are written in that order; a rerun skips ids
    already in ``output``. Sampler failures score 0 with their reason; a broken verifier
    raises VerifierError after the records finished so far are written. ``progress(candidates,
    actions)`` is called after each record.

    The output is held exclusively for the run (a second process on it gets OutputLocked, naming
    this one), and sampling settings any backend would refuse are refused before any work."""
    config = config or ProfileConfig()
    check_sampling(config.sampling, config.k)
    ids = [p.id for p in candidates]
    if len(set(ids)) != len(ids):
        dupes = sorted({i for i in ids if ids.count(i) > 1})[:5]
        raise DataError(f"candidate ids must be unique (the output is keyed by id); repeated: {dupes}")
    with exclusive_output(output, purpose="pivotrl profile"):
        return _profile_locked(candidates, policy, output, config, runner, progress)


def _profile_locked(candidates: Sequence[Pivot], policy: Policy | None, output: str | os.PathLike[str],
                    config: ProfileConfig, runner: Runner | None, progress: ProgressFn | None) -> ProfileSummary:
    ids = [p.id for p in candidates]
    done, dropped = finished_ids(output)
    summary = ProfileSummary(candidates=len(candidates), dropped_partial_line=dropped)
    summary.skipped = sum(i in done for i in ids)
    if runner is None:
        if policy is None:
            raise PivotRLError("profile needs a policy or a runner")
        runner = LocalRunner(policy, config.concurrency)
        own_runner = True
    else:
        own_runner = False
    order = prefix_order(candidates)
    chunks = [[candidates[i] for i in order[s:s + config.chunk_size]] for s in range(0, len(order), config.chunk_size)]
    chunks = [c for c in chunks if any(p.id not in done for p in c)]
    verifiers = getattr(runner, "verifiers", None) or VerifierPool()
    specs: dict[str, VerifierSpec] = {}  # the spec to run, per candidate
    recorded: dict[str, dict[str, Any]] = {}  # the built verifier's own spec, per key: what records say
    for pivot in candidates:  # build every verifier now: a missing sandbox fails before any sampling
        if pivot.id not in done:
            spec = specs[pivot.id] = verifier_for(pivot, config.verifier, config.parser)
            if spec.key() not in recorded:
                recorded[spec.key()] = verifiers.spec_of(spec).to_dict()
    started = time.perf_counter()
    writer = AppendWriter(output)
    sampling: deque[tuple[list[Pivot], Future[list[list[SampledAction]]]]] = deque()
    verifying: deque[tuple[Pivot, VerifierSpec, list[SampledAction], list[Score | None], Future[list[Score]] | None]]
    verifying = deque()
    next_chunk = 0
    failed_in_a_row = 0
    try:
        def refill() -> None:
            nonlocal next_chunk
            while next_chunk < len(chunks) and len(sampling) < max(1, runner.sample_depth):
                chunk = chunks[next_chunk]
                sampling.append((chunk, runner.submit_sample(chunk, config.k, config.sampling)))
                next_chunk += 1

        def write_head() -> None:
            pivot, spec, actions, scores, future = verifying.popleft()
            if future is not None:
                verified = iter(future.result())
                scores = [s if s is not None else next(verified) for s in scores]
            writer.write(profiled_record(pivot, recorded[spec.key()], scores, config.k, actions, config.keep_actions))
            summary.written += 1
            summary.samples += len(actions)
            summary.sampler_failures += sum(a.error is not None for a in actions)
            if progress is not None:
                progress(summary.written, summary.samples)

        refill()
        while sampling:
            chunk, future = sampling.popleft()
            groups = future.result()
            refill()
            if len(groups) != len(chunk):
                raise PivotRLError(f"policy {getattr(policy, 'name', policy)!r} returned {len(groups)} groups for "
                                   f"{len(chunk)} pivots")
            for pivot, actions in zip(chunk, groups, strict=True):
                if pivot.id in done:
                    continue
                if len(actions) != config.k:
                    raise PivotRLError(f"policy returned {len(actions)} actions for pivot {pivot.id}, expected "
                                       f"k={config.k}")
                if all(a.error is not None for a in actions):
                    summary.unprofiled += 1
                    summary.unprofiled_reasons.setdefault(str(actions[0].error)[:MAX_REASON_CHARS], pivot.id)
                    logger.warning("every sample failed at candidate %s (%s): not written, a rerun retries it",
                                   pivot.id, actions[0].error)
                    if PROMPT_ERROR.search(str(actions[0].error)):
                        continue  # this prompt's own problem (too long): says nothing about the endpoint
                    failed_in_a_row += 1
                    if failed_in_a_row >= config.max_failed_candidates:
                        while verifying:
                            write_head()
                        raise PolicyFailed(f"the policy failed every sample of {failed_in_a_row} candidates in a "
                                           f"row (last: {actions[0].error}); {summary.written} records are written; "
                                           "check the policy or endpoint and rerun to resume")
                    continue
                failed_in_a_row = 0
                spec = specs[pivot.id]
                scores = _sampler_scores(actions)
                todo = [a.action for a, s in zip(actions, scores, strict=True) if s is None]
                vfuture = runner.submit_verify(spec, pivot, todo) if todo else None
                verifying.append((pivot, spec, list(actions), scores, vfuture))
                while verifying and (len(verifying) > 2 * config.concurrency or _ready(verifying[0][4])):
                    write_head()
        while verifying:
            write_head()
    finally:
        for _, pending in sampling:
            pending.cancel()
        for entry in verifying:
            if entry[4] is not None:
                entry[4].cancel()
        writer.close()
        if own_runner:
            runner.close()
        summary.seconds = time.perf_counter() - started
        if policy is not None:
            stats = policy.stats()
            summary.policy_stats = {k: v for k, v in vars(stats).items() if v not in (None, {}, 0)}
    return summary


def _ready(future: Future[Any] | None) -> bool:
    return future is None or future.done()


def _check_profiled_stats(stats: Mapping[str, Any]) -> None:
    for key in ("k", "rewards", "mean", "var"):
        if key not in stats:
            raise DataError(f"not profiled: stats has no '{key}'; run `pivotrl profile` on the candidates first",
                            field=f"stats.{key}")
    for key in ("mean", "var"):
        value = stats[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= float(value) <= 1.0:
            raise DataError(f"expected a number within [0, 1], found {value!r}", field=f"stats.{key}")
    rewards = stats["rewards"]
    if not isinstance(rewards, list) or not all(isinstance(r, (int, float)) and not isinstance(r, bool)
                                                for r in rewards):
        raise DataError("expected a list of numbers", field="stats.rewards")
    if isinstance(stats["k"], bool) or not isinstance(stats["k"], int):
        raise DataError(f"expected a whole number, found {stats['k']!r}", field="stats.k")


def load_profiled(source: Any) -> list[Pivot]:
    """Profiled records (``stats`` required and well-formed, ids unique), from any source
    ``load_pivots`` reads; an empty source is a DataError."""
    from pivotrl.pivot_envs.io import UniqueIds, iter_raw

    out: list[Pivot] = []
    ids = UniqueIds("profiled candidate")
    for record, path, line in iter_raw(source):
        try:
            pivot = Pivot.from_dict(record)
            _check_profiled_stats(pivot.stats or {})
        except DataError as exc:
            raise exc.located(path=path or "<records>", line=line) from None
        ids.add(pivot.id, path, line)
        out.append(pivot)
    if not out:
        raise DataError("no profiled records: the given records are empty")
    return out
