"""End-to-end RL over whole recorded episodes, the baseline PivotRL is measured against.

Where a domain has no simulator, a recorded trajectory replays as one: the policy acts at each
assistant turn in order; while the verifier accepts its action (an action in M(s) has the
recorded effect), the recorded tool results and user turns follow, and the first rejected
action ends the episode. The reward is the outcome: 1 when every turn was accepted, else 0.
G episodes per trajectory form a GRPO group; each episode's advantage goes to every turn it
took. Every sampled turn is one rollout turn, the cost PivotRL's one-turn pivots are compared by.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from typing import Any

from pivotrl.errors import PivotRLError
from pivotrl.pivot_envs.extract import candidates_of
from pivotrl.pivot_envs.records import Pivot, Trajectory
from pivotrl.trainer_plugin.sampling import Rollout


def episode_pivots(trajectories: Sequence[Trajectory]) -> dict[str, list[Pivot]]:
    """Each trajectory's turns as pivots, in order (the states an episode passes through)."""
    out = {t.id: candidates_of(t) for t in trajectories}
    empty = [tid for tid, turns in out.items() if not turns]
    if empty:
        raise PivotRLError(f"trajectories without a turn to act at: {empty[:5]}")
    return out


class EpisodeTrainer:
    """Outcome-reward GRPO on replayed episodes through a ``PivotGRPOTrainer`` built on the
    pivots of ``episode_pivots(trajectories)`` (its sampler, scorer, loss and checkpoints).
    ``trainer.config.pivots_per_step`` trajectories per step, ``num_generations`` episodes each."""

    def __init__(self, trainer: Any, trajectories: Sequence[Trajectory], *, seed: int = 0) -> None:
        self.trainer = trainer
        self.turns = episode_pivots(trajectories)
        missing = [p.id for turns in self.turns.values() for p in turns if p.id not in trainer.scorer.pivots]
        if missing:
            raise PivotRLError(f"the trainer does not know the episode pivots {missing[:3]}: build it on "
                               "episode_pivots(trajectories)")
        self.ids = sorted(self.turns)
        self._rng = random.Random(seed)
        self._order: list[str] = []
        self.rollout_turns = 0

    def _next(self) -> list[str]:
        batch = []
        while len(batch) < self.trainer.config.pivots_per_step:
            if not self._order:
                self._order = list(self.ids)
                self._rng.shuffle(self._order)
            batch.append(self._order.pop())
        return batch

    def play(self, trajectory_id: str, episodes: int) -> tuple[list[list[Rollout]], list[float]]:
        """``episodes`` replayed episodes of one trajectory: the rollouts each took, and its outcome."""
        taken: list[list[Rollout]] = [[] for _ in range(episodes)]
        alive = list(range(episodes))
        for pivot in self.turns[trajectory_id]:
            if not alive:
                break
            [group] = self.trainer.sampler.sample([pivot], len(alive))
            verdicts = self.trainer.scorer.score([r.text for r in group], [pivot] * len(group))
            self.rollout_turns += len(group)
            survivors = []
            for episode, rollout, verdict in zip(alive, group, verdicts, strict=True):
                taken[episode].append(rollout)
                if verdict.equivalent:
                    survivors.append(episode)
            alive = survivors
        outcome = [1.0 if e in alive else 0.0 for e in range(episodes)]
        return taken, outcome

    def step(self) -> dict[str, float]:
        import torch

        from pivotrl.trainer_plugin.advantages import group_advantages

        started = time.perf_counter()
        trainer = self.trainer
        trainer._ensure_seeded()
        g = trainer.config.num_generations
        rollouts: list[Rollout] = []
        rewards: list[float] = []
        groups: list[int] = []
        advantages: list[float] = []
        outcomes: list[float] = []
        lengths: list[int] = []
        before = self.rollout_turns
        for index, trajectory_id in enumerate(self._next()):
            taken, outcome = self.play(trajectory_id, g)
            adv = group_advantages(torch.tensor(outcome), torch.zeros(g, dtype=torch.long), trainer.config.grpo)
            for episode, turns in enumerate(taken):
                for rollout in turns:
                    rollouts.append(rollout)
                    rewards.append(outcome[episode])
                    groups.append(index)
                    advantages.append(float(adv[episode]))
                lengths.append(len(turns))
            outcomes += outcome
        extra = {"episode_success": sum(outcomes) / len(outcomes), "turns_per_episode": sum(lengths) / len(lengths),
                 "rollout_turns": float(self.rollout_turns - before),
                 "sample_seconds": time.perf_counter() - started}
        return trainer.apply(rollouts, rewards, groups, advantages=advantages, started=started, extra_metrics=extra)

    def train(self, max_steps: int | None = None) -> list[dict[str, float]]:
        target = max_steps or self.trainer.config.max_steps
        history = []
        while self.trainer.step_count < target:
            history.append(self.step())
        return history
