"""A policy's accuracy at held-out pivots (each scored by its own verifier) and on plain
question/answer tasks (exact answers), with bootstrap intervals.

Per item: ``pass@1`` is the greedy reply's score; ``mean@k`` the mean score of k sampled
replies; ``pass@k`` whether any of them is correct. Items are summarized per suite (a pivot
file or a task file), per domain and per category, with percentile-bootstrap intervals that
resample whole clusters: the pivots of one trajectory share their context and succeed or fail
together, so resampling them one by one would make the intervals too narrow.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from pivotrl.errors import PivotRLError
from pivotrl.pivot_envs.domains import verifier_for
from pivotrl.pivot_envs.policies.base import Policy, SampledAction, SamplingParams
from pivotrl.pivot_envs.profiling.scoring import score_actions
from pivotrl.pivot_envs.records import Pivot
from pivotrl.pivot_envs.tasks import Task, check_answer
from pivotrl.verifiers.spec import VerifierPool

logger = logging.getLogger(__name__)

ProgressFn = Callable[[int, int], None]
METRICS = ("pass@1", "mean@k", "pass@k")


@dataclass(frozen=True)
class EvalConfig:
    """``k`` sampled replies per item at ``temperature`` (0: none) and one greedy reply
    (``greedy``); ``verifier`` overrides the pivots' own; ``chunk`` items go to the policy per
    call; ``bootstrap`` resamples give the ``confidence`` intervals."""

    k: int = 4
    greedy: bool = True
    temperature: float = 1.0
    top_p: float = 1.0
    max_tokens: int = 256
    seed: int | None = 0
    verifier: Any = None
    chunk: int = 16
    bootstrap: int = 1000
    confidence: float = 0.95

    def __post_init__(self) -> None:
        if self.k < 0 or (self.k == 0 and not self.greedy):
            raise PivotRLError(f"nothing to evaluate: k={self.k} and greedy={self.greedy}")
        if not 0 < self.confidence < 1 or self.bootstrap < 0 or self.chunk < 1 or self.max_tokens < 1:
            raise PivotRLError(f"bad EvalConfig: {self}")
        if self.k and not self.temperature > 0:
            raise PivotRLError("k sampled replies need temperature > 0 (greedy=True gives the greedy reply)")


@dataclass
class ItemResult:
    """One pivot or task: its scores and the reason of its first failure."""

    suite: str
    id: str
    domain: str
    category: str
    kind: str  # tool_calls | text | answer
    cluster: str
    greedy: float | None = None
    samples: list[float] = field(default_factory=list)
    correct: list[bool] = field(default_factory=list)
    reason: str = ""

    def metric(self, name: str) -> float | None:
        if name == "pass@1":
            return self.greedy
        if not self.samples:
            return None
        if name == "mean@k":
            return sum(self.samples) / len(self.samples)
        return float(any(self.correct))


@dataclass
class Estimate:
    mean: float
    low: float
    high: float


@dataclass
class Summary:
    """One group of items (``domain`` / ``category`` are ``*`` when the group spans them)."""

    suite: str
    domain: str
    category: str
    items: int
    clusters: int
    metrics: dict[str, Estimate]

    def to_dict(self) -> dict[str, Any]:
        return {"suite": self.suite, "domain": self.domain, "category": self.category, "items": self.items,
                "clusters": self.clusters, **{k: asdict(v) for k, v in self.metrics.items()}}


@dataclass
class EvalResult:
    policy: str
    config: EvalConfig
    items: list[ItemResult]
    summaries: list[Summary]
    seconds: float
    samples: int

    def summary(self, suite: str, domain: str = "*", category: str = "*") -> Summary:
        for s in self.summaries:
            if (s.suite, s.domain, s.category) == (suite, domain, category):
                return s
        raise KeyError((suite, domain, category))

    def to_dict(self, items: bool = True) -> dict[str, Any]:
        config = asdict(self.config)
        config["verifier"] = self.config.verifier if isinstance(self.config.verifier, (str, dict, type(None))) \
            else repr(self.config.verifier)
        out: dict[str, Any] = {"policy": self.policy, "config": config, "seconds": self.seconds,
                               "samples": self.samples, "summaries": [s.to_dict() for s in self.summaries]}
        if items:
            out["items"] = [asdict(i) for i in self.items]
        return out


# ------------------------------------------------------------------------------------------
# statistics


def cluster_bootstrap(values: Sequence[float], clusters: Sequence[str], rounds: int, confidence: float,
                      seed: int = 0) -> Estimate:
    """Mean of ``values`` with a percentile interval from resampling whole clusters."""
    import numpy as np

    if not values:
        return Estimate(float("nan"), float("nan"), float("nan"))
    mean = float(np.mean(values))
    if rounds == 0:
        return Estimate(mean, mean, mean)
    names = sorted(set(clusters))
    index = {name: i for i, name in enumerate(names)}
    sums = np.zeros(len(names))
    counts = np.zeros(len(names))
    for value, cluster in zip(values, clusters, strict=True):
        sums[index[cluster]] += value
        counts[index[cluster]] += 1
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(names), size=(rounds, len(names)))
    totals = sums[picks].sum(axis=1) / counts[picks].sum(axis=1)
    alpha = (1 - confidence) / 2
    low, high = np.quantile(totals, [alpha, 1 - alpha])
    return Estimate(mean, float(low), float(high))


def summarize(items: Sequence[ItemResult], config: EvalConfig) -> list[Summary]:
    """Per suite, per (suite, domain) and per (suite, domain, category), in a stable order."""
    groups: dict[tuple[str, str, str], list[ItemResult]] = defaultdict(list)
    for item in items:
        groups[(item.suite, "*", "*")].append(item)
        groups[(item.suite, item.domain, "*")].append(item)
        groups[(item.suite, item.domain, item.category)].append(item)
    out = []
    for (suite, domain, category), members in sorted(groups.items()):
        metrics = {}
        for name in METRICS:
            pairs = [(m.metric(name), m.cluster) for m in members if m.metric(name) is not None]
            if pairs:
                metrics[name] = cluster_bootstrap([p[0] for p in pairs], [p[1] for p in pairs], config.bootstrap,
                                                  config.confidence, seed=config.seed or 0)
        out.append(Summary(suite, domain, category, len(members), len({m.cluster for m in members}), metrics))
    return out


# ------------------------------------------------------------------------------------------
# the run


def _kind(pivot: Pivot) -> str:
    return "tool_calls" if pivot.reference.get("tool_calls") else "text"


def _pivot_item(suite: str, pivot: Pivot) -> ItemResult:
    category = str(pivot.meta.get("category") or pivot.meta.get("scenario") or "-")
    cluster = str((pivot.source or {}).get("trajectory_id") or pivot.id)
    return ItemResult(suite, pivot.id, pivot.domain, category, _kind(pivot), cluster)


class _Scorer:
    """Scores replies: pivots with their verifiers (built once per spec), tasks by exact answer."""

    def __init__(self, override: Any) -> None:
        self.override = override
        self.pool = VerifierPool()

    def pivots(self, pivot: Pivot, actions: Sequence[SampledAction]) -> list[tuple[float, bool, str]]:
        out: list[tuple[float, bool, str] | None] = [None] * len(actions)
        todo = []
        for i, action in enumerate(actions):
            if action.error is not None:
                out[i] = (0.0, False, f"sampler failed: {action.error}")
            else:
                todo.append(i)
        if todo:
            scores = score_actions(self.pool, verifier_for(pivot, self.override), pivot, [actions[i].action for i in todo])
            for i, (score, reason, skipped) in zip(todo, scores, strict=True):
                # a verdict the verifier could not reach (its failure policy skipped it) is not a success
                out[i] = (0.0 if skipped else score, (not skipped) and score >= 1.0,
                          f"skipped: {reason}" if skipped else reason)
        return out  # type: ignore[return-value]

    @staticmethod
    def tasks(task: Task, actions: Sequence[SampledAction]) -> list[tuple[float, bool, str]]:
        out = []
        for action in actions:
            if action.error is not None:
                out.append((0.0, False, f"sampler failed: {action.error}"))
                continue
            ok, why = check_answer(action.text, task.answers)
            out.append((float(ok), ok, why))
        return out


def evaluate(policy: Policy, *, pivots: Sequence[tuple[str, Sequence[Pivot]]] = (),
             tasks: Sequence[tuple[str, Sequence[Task]]] = (), config: EvalConfig | None = None,
             progress: ProgressFn | None = None) -> EvalResult:
    """Evaluate ``policy`` on named suites of pivots and of tasks. A broken verifier raises
    (VerifierError); a failed sample scores 0 with the sampler's reason."""
    config = config or EvalConfig()
    started = time.perf_counter()
    scorer = _Scorer(config.verifier)
    jobs: list[tuple[Pivot, ItemResult, Task | None]] = []
    for suite, members in pivots:
        jobs += [(p, _pivot_item(suite, p), None) for p in members]
    for suite, members in tasks:
        for task in members:
            item = ItemResult(suite, task.id, "tasks", task.category, "answer", task.id)
            jobs.append((task.as_pivot(suite), item, task))
    if not jobs:
        raise PivotRLError("nothing to evaluate: no pivots and no tasks")
    for pivot, _, task in jobs:  # build every verifier first: a missing one fails before any sampling
        if task is None:
            scorer.pool.get(verifier_for(pivot, config.verifier))
    modes = ([("greedy", 1, SamplingParams(temperature=0.0, max_tokens=config.max_tokens, seed=config.seed))]
             if config.greedy else [])
    if config.k:
        modes.append(("sampled", config.k, SamplingParams(temperature=config.temperature, top_p=config.top_p,
                                                          max_tokens=config.max_tokens, seed=config.seed)))
    total = len(jobs) * len(modes)
    done = samples = 0
    for mode, k, params in modes:
        for start in range(0, len(jobs), config.chunk):
            chunk = jobs[start:start + config.chunk]
            groups = policy.sample([j[0] for j in chunk], k, params)
            if len(groups) != len(chunk):
                raise PivotRLError(f"the policy returned {len(groups)} groups for {len(chunk)} items")
            for (pivot, item, task), actions in zip(chunk, groups, strict=True):
                if len(actions) != k:
                    raise PivotRLError(f"the policy returned {len(actions)} replies for {k} at {pivot.id}")
                scored = scorer.tasks(task, actions) if task is not None else scorer.pivots(pivot, actions)
                samples += len(actions)
                if mode == "greedy":
                    item.greedy = scored[0][0]
                else:
                    item.samples = [s[0] for s in scored]
                    item.correct = [s[1] for s in scored]
                if not item.reason:
                    item.reason = next((s[2] for s in scored if not s[1]), "")
            done += len(chunk)
            if progress is not None:
                progress(done, total)
    items = [j[1] for j in jobs]
    return EvalResult(getattr(policy, "name", repr(policy)), config, items, summarize(items, config),
                      time.perf_counter() - started, samples)
