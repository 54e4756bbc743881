"""GRPO loss, log-prob kernels, trainer adapters (TRL, verl) and a small trainer.

Names resolve on first use, so ``import pivotrl.trainer_plugin`` loads no torch, TRL or
transformers until one of them is needed."""

from __future__ import annotations

import importlib
from typing import Any

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
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pivotrl.trainer_plugin' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
