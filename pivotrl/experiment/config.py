"""What the toy experiment runs: data sizes, the base model, the arms' shared budget. Two
presets: ``full`` (the reported run, three seeds) and ``quick`` (a smoke run of every stage).

Sizes were chosen on the training side only (the dev split carved from the training
trajectories and the dev skill questions; ``pivotrl reproduce --dev``), never on the held-out
sets, and so that three seeds fit in an hour on two busy CPU cores.
"""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass, field
from typing import Any

from pivotrl.errors import PivotRLError
from pivotrl.experiment.toy_lm import ToySize

#: The arms, in report order. Every arm starts from the same base checkpoint.
ARMS = ("base", "sft", "pivotrl", "random_turns", "strict_reward", "e2e_rl")
TRAINED_ARMS = ARMS[1:]


@dataclass(frozen=True)
class ExperimentConfig:
    """Held-in scenarios are the in-domain data; the base model is pretrained on the other
    scenarios' trajectories and on the skill questions. Each seed draws its own in-domain
    trajectories (train / dev / held-out, disjoint) and trains every arm for ``steps``
    optimizer steps from the one base."""

    name: str = "full"
    seeds: tuple[int, ...] = (0, 1, 2)
    model: ToySize = field(default_factory=lambda: ToySize(hidden=128, layers=2, heads=4, intermediate=512,
                                                           vocab=2048, context=2048))
    in_domain: tuple[str, ...] = ("smarthome", "pharmacy", "helpdesk")
    base_scenarios: tuple[str, ...] = ("airline", "retail", "calendar", "banking")
    base_trajectories_per_scenario: int = 80
    train_trajectories_per_scenario: int = 12
    dev_trajectories_per_scenario: int = 4
    heldout_trajectories_per_scenario: int = 8
    skill_train_per_category: int = 600
    skill_eval_per_category: int = 30
    base_steps: int = 1200
    base_batch_tokens: int = 1024
    base_learning_rate: float = 3e-3
    profile_k: int = 8
    lam: float = 0.6
    temperature: float = 1.0
    steps: int = 40
    pivots_per_step: int = 4
    num_generations: int = 8
    rl_learning_rate: float = 1e-3
    sft_learning_rate: float = 1e-3
    sft_batch_tokens: int = 2048
    max_new_tokens: int = 80
    eval_k: int = 0
    eval_max_tokens: int = 80
    threads: int = 1
    workers: int = 2

    def __post_init__(self) -> None:
        if not self.seeds or len(set(self.seeds)) != len(self.seeds):
            raise PivotRLError(f"seeds must be distinct and at least one, got {self.seeds}")
        if set(self.in_domain) & set(self.base_scenarios):
            raise PivotRLError("the in-domain scenarios must not be among the base model's scenarios")
        if self.num_generations < 2 or self.profile_k < 2 or self.steps < 1 or self.workers < 1:
            raise PivotRLError(f"bad experiment budget: {self}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ExperimentConfig:
        values = dict(data)
        values["model"] = ToySize(**values["model"])
        for key in ("seeds", "in_domain", "base_scenarios"):
            values[key] = tuple(values[key])
        return cls(**values)

    def replace(self, **changes: Any) -> ExperimentConfig:
        return dataclasses.replace(self, **changes)


def preset(name: str) -> ExperimentConfig:
    """``full``: the reported run; ``quick``: one seed, a smaller model, a few steps (a smoke
    test of every stage; its numbers mean nothing)."""
    if name == "full":
        return ExperimentConfig()
    if name == "quick":
        return ExperimentConfig(
            name="quick", seeds=(0,), model=ToySize(hidden=64, layers=2, heads=2, intermediate=256, vocab=1024,
                                                    context=2048),
            base_trajectories_per_scenario=12, train_trajectories_per_scenario=3, dev_trajectories_per_scenario=1,
            heldout_trajectories_per_scenario=2, skill_train_per_category=60, skill_eval_per_category=5,
            base_steps=30, base_batch_tokens=1024, base_learning_rate=3e-3, profile_k=4, steps=3, pivots_per_step=2,
            num_generations=4, max_new_tokens=40, eval_k=0, eval_max_tokens=40)
    raise PivotRLError(f"unknown preset {name!r}: full or quick")
