"""Group-relative advantages for turn-level GRPO: one group = the G actions sampled at one pivot.

Mean or leave-one-out baseline, group / batch / no std scaling (TRL's ``scale_rewards``), and a
fixed advantage for invalid actions (an unparseable tool call), kept out of the group statistics.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import torch

from pivotrl.errors import PivotRLError

if TYPE_CHECKING:
    from pivotrl.trainer_plugin.grpo import GRPOConfig

GroupIds = torch.Tensor | Sequence[int] | int
STD_EPS = 1e-4  # TRL's: a zero-spread group gets advantage 0, not a division by zero


def group_index(group_ids: GroupIds, n: int, device: torch.device | None = None) -> tuple[torch.Tensor, int]:
    """Dense group index [n] (0..num_groups-1) and the number of groups.

    ``group_ids`` is one id per sample (any ints, e.g. pivot indices) or an int group size G, meaning
    consecutive runs of G samples as TRL and verl lay them out.
    """
    if isinstance(group_ids, int) and not isinstance(group_ids, bool):
        if group_ids < 1 or n % group_ids:
            raise PivotRLError(f"group size {group_ids} must be positive and divide the batch size {n}; "
                               "pass one group id per sample for uneven groups")
        return torch.arange(n, device=device) // group_ids, n // group_ids
    ids = torch.as_tensor(group_ids, device=device)
    if ids.dim() != 1 or ids.shape[0] != n:
        raise PivotRLError(f"group_ids must give one id per sample ({n}), got shape {tuple(ids.shape)}")
    if ids.dtype.is_floating_point or ids.dtype == torch.bool:
        raise PivotRLError(f"group_ids must be integers, got {ids.dtype}")
    if n == 0:
        return ids.long(), 0
    uniq, inverse = torch.unique(ids, return_inverse=True)
    return inverse, int(uniq.numel())


def _check_rewards(rewards: torch.Tensor) -> torch.Tensor:
    rewards = torch.as_tensor(rewards)
    if rewards.dim() != 1:
        raise PivotRLError(f"rewards must be a 1-D tensor [B], got shape {tuple(rewards.shape)}")
    rewards = rewards.to(torch.float32) if not rewards.dtype.is_floating_point else rewards
    if not bool(torch.isfinite(rewards).all()):
        raise PivotRLError("rewards contain NaN or inf; drop the samples the verifier skipped before computing "
                           "advantages")
    return rewards


def _group_sum(values: torch.Tensor, index: torch.Tensor, groups: int) -> torch.Tensor:
    return torch.zeros(groups, dtype=values.dtype, device=values.device).index_add_(0, index, values)


def group_advantages(rewards: torch.Tensor, group_ids: GroupIds, config: GRPOConfig,
                     invalid: torch.Tensor | Sequence[bool] | None = None) -> torch.Tensor:
    """Advantages [B] from rewards [B]: reward minus the group baseline, scaled by ``config.scale_rewards``.

    - ``baseline="mean"``: the group mean (GRPO); ``"leave_one_out"``: the mean of the *other* samples of
      the group (RLOO), so a sample does not lower its own baseline.
    - ``scale_rewards="group"``: divide by the group's std (unbiased, + 1e-4, as TRL); ``"batch"``: by the
      batch std; ``"none"``: no scaling (Dr. GRPO).
    - ``invalid`` marks actions that could not be parsed; with ``config.invalid_advantage`` set they get that
      fixed advantage and are left out of their group's baseline and std, so one broken sample does not
      shift the others. Without it they are ordinary samples (their reward is whatever the verifier gave).
    A group of one sample gets advantage 0 (nothing to compare with).
    """
    rewards = _check_rewards(rewards)
    n = rewards.shape[0]
    index, groups = group_index(group_ids, n, rewards.device)
    use = torch.ones(n, dtype=torch.bool, device=rewards.device)
    bad = None
    if invalid is not None:
        bad = torch.as_tensor(invalid, device=rewards.device).to(torch.bool)
        if tuple(bad.shape) != (n,):
            raise PivotRLError(f"invalid must give one flag per sample ({n}), got shape {tuple(bad.shape)}")
        if config.invalid_advantage is not None:
            use = ~bad
    weight = use.to(rewards.dtype)
    r = rewards * weight
    count = _group_sum(weight, index, groups)
    total = _group_sum(r, index, groups)
    mean = total / count.clamp(min=1)
    centred = (rewards - mean[index]) * weight
    var = _group_sum(centred * centred, index, groups) / (count - 1).clamp(min=1)
    std_group = var.sqrt()
    cnt = count[index]
    if config.baseline == "leave_one_out":
        # r_i - mean(others) = (r_i - mean) * G / (G - 1); 0 for a group of one
        adv = torch.where(cnt > 1, (rewards - mean[index]) * cnt / (cnt - 1).clamp(min=1), torch.zeros_like(rewards))
    else:
        adv = rewards - mean[index]
    if config.scale_rewards == "group":
        adv = adv / (std_group[index] + STD_EPS)
    elif config.scale_rewards == "batch":
        valid = rewards[use]
        std = valid.std() if valid.numel() > 1 else torch.zeros((), dtype=rewards.dtype, device=rewards.device)
        adv = adv / (std + STD_EPS)
    adv = torch.where(cnt > 1, adv, torch.zeros_like(adv)) * weight
    if bad is not None and config.invalid_advantage is not None:
        adv = torch.where(bad, torch.full_like(adv, float(config.invalid_advantage)), adv)
    return adv


def group_stats(rewards: torch.Tensor, group_ids: GroupIds) -> dict[str, float]:
    """Numbers to watch per step: the share of groups whose rewards are all equal (zero advantage,
    the uninformative groups PivotRL profiles away), the reward mean and std, the mean in-group std."""
    rewards = _check_rewards(rewards)
    n = rewards.shape[0]
    if n == 0:
        return {"num_groups": 0.0, "zero_spread_group_share": 0.0, "reward_mean": 0.0, "reward_std": 0.0,
                "group_reward_std_mean": 0.0}
    index, groups = group_index(group_ids, n, rewards.device)
    hi = torch.full((groups,), -torch.inf, dtype=rewards.dtype, device=rewards.device).scatter_reduce(
        0, index, rewards, "amax")
    lo = torch.full((groups,), torch.inf, dtype=rewards.dtype, device=rewards.device).scatter_reduce(
        0, index, rewards, "amin")
    count = _group_sum(torch.ones_like(rewards), index, groups)
    mean = _group_sum(rewards, index, groups) / count
    centred = rewards - mean[index]
    std = (_group_sum(centred * centred, index, groups) / (count - 1).clamp(min=1)).sqrt()
    return {
        "num_groups": float(groups),
        "zero_spread_group_share": float((hi == lo).float().mean()),
        "reward_mean": float(rewards.mean()),
        "reward_std": float(rewards.std()) if n > 1 else 0.0,
        "group_reward_std_mean": float(std.mean()),
    }
