"""The profiling loop: sample K actions from a frozen reference policy at every pivot candidate,
score them with the candidate's verifier and append one Pivot record with reward statistics per
candidate, in prefix order, sampling the next chunk while the last one is verified."""

from __future__ import annotations

import logging
import os
import re
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from pivotrl.errors import DataError, PivotRLError
from pivotrl.pivot_envs.domains import verifier_for
from pivotrl.pivot_envs.output_lock import exclusive_output
from pivotrl.pivot_envs.policies.base import Policy, SampledAction, SamplingParams
from pivotrl.pivot_envs.policies.ordering import prefix_order
from pivotrl.pivot_envs.policies.sampling_checks import check_sampling
from pivotrl.pivot_envs.profiling.output import AppendWriter, finished_ids
from pivotrl.pivot_envs.profiling.runner import LocalRunner, Runner
from pivotrl.pivot_envs.profiling.scoring import MAX_REASON_CHARS, Score, sampler_scores
from pivotrl.pivot_envs.profiling.stats import profiled_record
from pivotrl.pivot_envs.records import Pivot
from pivotrl.verifiers.spec import VerifierPool, VerifierSpec

logger = logging.getLogger(__name__)

#: Sampler errors about one prompt (over the context length), not about the policy being down.
PROMPT_ERROR = re.compile(r"^the prompt has \d+ tokens|context length|maximum context", re.IGNORECASE)


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


#: ``progress(records written, samples drawn)``, called after each record
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
                scores = sampler_scores(actions)
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
