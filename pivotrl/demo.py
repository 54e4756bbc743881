"""``pivotrl demo``: walk the shipped trajectories through extraction, the Gymnasium
environments and their verifiers, and report per domain how the reference action and a
one-value-wrong perturbation of it are rewarded."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from statistics import mean

import gymnasium as gym

from pivotrl.pivot_envs.domains import get_domain, list_domains
from pivotrl.pivot_envs.extract import extract_candidates
from pivotrl.pivot_envs.perturb import perturb_reference
from pivotrl.pivot_envs.shipped import shipped_trajectories


@dataclass
class DomainRow:
    domain: str
    env_id: str
    verifier: str
    trajectories: int
    pivots: int
    reference_reward: float
    perturbed_reward: float
    steps_per_second: float
    runs_in: str = "-"


#: ``progress(domain, steps done, steps in the domain)``, called after each env step
DemoProgress = Callable[[str, int, int], None]


def run_domain(domain: str, progress: DemoProgress | None = None) -> DomainRow:
    trajectories = shipped_trajectories(domain)
    pivots = extract_candidates(trajectories)
    env_id = f"pivot/{domain}-v0"
    env = gym.make(env_id)
    ref_rewards, bad_rewards = [], []
    started = time.perf_counter()
    for pivot in pivots:
        env.reset(options={"pivot_id": pivot.id})
        _, reward, terminated, _, _ = env.step(pivot.reference)
        assert terminated
        ref_rewards.append(reward)
        if progress is not None:
            progress(domain, 2 * len(ref_rewards) - 1, 2 * len(pivots))
        env.reset(options={"pivot_id": pivot.id})
        _, reward, _, _, _ = env.step(perturb_reference(pivot))
        bad_rewards.append(reward)
        if progress is not None:
            progress(domain, 2 * len(bad_rewards), 2 * len(pivots))
    elapsed = time.perf_counter() - started
    verifier = env.unwrapped.verifier
    env.close()
    return DomainRow(domain, env_id, getattr(verifier, "name", "?"), len(trajectories), len(pivots),
                     mean(ref_rewards), mean(bad_rewards), 2 * len(pivots) / max(elapsed, 1e-9),
                     getattr(verifier, "backend", "-"))


def run_demo(progress: DemoProgress | None = None) -> list[DomainRow]:
    return [run_domain(domain, progress) for domain in list_domains()]


def shipped_labeled_sets() -> dict[str, Path]:
    """The labeled agreement sets shipped in pivotrl.benchmarks/data, by domain."""
    root = Path(str(resources.files("pivotrl.benchmarks").joinpath("data")))
    return {domain: root / f"{domain}.pairs.jsonl" for domain in list_domains() if (root / f"{domain}.pairs.jsonl").exists()}


def run_agreement(bootstrap: int = 300) -> list:
    """Each shipped labeled set against its domain's verifier (and exact, the string-match
    baseline PivotRL improves on)."""
    from pivotrl.benchmarks.agreement import agreement
    from pivotrl.benchmarks.labeled import load_labeled

    results = []
    for domain, path in shipped_labeled_sets().items():
        verifiers = [get_domain(domain).verifier["name"], "exact"]
        results.append(agreement(load_labeled(path), verifiers, dataset=f"{domain} ({path.name})",
                                 bootstrap=bootstrap, max_disagreements=3))
    return results
