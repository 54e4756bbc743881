"""GRPO loss, log-prob kernels, trainer adapters (TRL, verl) and a small trainer.

Names resolve on first use, so ``import pivotrl.trainer_plugin`` loads no torch, TRL or
transformers until one of them is needed."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what __getattr__ resolves, spelled out for type checkers (py.typed ships)
    from pivotrl.trainer_plugin.adapters.trl import pivots_to_trl_dataset, trl_reward_func
    from pivotrl.trainer_plugin.adapters.verl import compute_score, export_verl_parquet
    from pivotrl.trainer_plugin.advantages import group_advantages, group_stats
    from pivotrl.trainer_plugin.grpo import GRPOConfig, GRPOOutput, fused_grpo_loss, grad_norm, grpo_loss
    from pivotrl.trainer_plugin.kernels import fused_linear_logprobs, selective_logprobs
    from pivotrl.trainer_plugin.scoring import PivotScorer
    from pivotrl.trainer_plugin.trainer import PivotGRPOTrainer, TrainerConfig

_EXPORTS = {
    "GRPOConfig": "pivotrl.trainer_plugin.grpo",
    "GRPOOutput": "pivotrl.trainer_plugin.grpo",
    "grpo_loss": "pivotrl.trainer_plugin.grpo",
    "fused_grpo_loss": "pivotrl.trainer_plugin.grpo",
    "grad_norm": "pivotrl.trainer_plugin.grpo",
    "group_advantages": "pivotrl.trainer_plugin.advantages",
    "group_stats": "pivotrl.trainer_plugin.advantages",
    "selective_logprobs": "pivotrl.trainer_plugin.kernels",
    "fused_linear_logprobs": "pivotrl.trainer_plugin.kernels",
    "PivotGRPOTrainer": "pivotrl.trainer_plugin.trainer",
    "TrainerConfig": "pivotrl.trainer_plugin.trainer",
    "PivotScorer": "pivotrl.trainer_plugin.scoring",
    "pivots_to_trl_dataset": "pivotrl.trainer_plugin.adapters.trl",
    "trl_reward_func": "pivotrl.trainer_plugin.adapters.trl",
    "compute_score": "pivotrl.trainer_plugin.adapters.verl",
    "export_verl_parquet": "pivotrl.trainer_plugin.adapters.verl",
}
# a literal list, so type checkers and linters read it; a test holds it equal to _EXPORTS
__all__ = [
    "GRPOConfig",
    "GRPOOutput",
    "PivotGRPOTrainer",
    "PivotScorer",
    "TrainerConfig",
    "compute_score",
    "export_verl_parquet",
    "fused_grpo_loss",
    "fused_linear_logprobs",
    "grad_norm",
    "group_advantages",
    "group_stats",
    "grpo_loss",
    "pivots_to_trl_dataset",
    "selective_logprobs",
    "trl_reward_func",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pivotrl.trainer_plugin' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
