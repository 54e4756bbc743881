"""Profiling and filtering: sample K actions per pivot candidate from a frozen reference policy,
score them with the candidate's verifier, keep the reward statistics, and filter the candidates
whose outcomes are mixed and still hard. The HTML report is ``profiling.report``."""

from pivotrl.pivot_envs.profiling.engine import PolicyFailed, ProfileConfig, ProfileSummary, profile
from pivotrl.pivot_envs.profiling.filter import (
    CLASSES,
    DEFAULT_LAM,
    FilterResult,
    Funnel,
    classify,
    filter_pivots,
)
from pivotrl.pivot_envs.profiling.output import AppendWriter, finished_ids
from pivotrl.pivot_envs.profiling.ray_runner import RayRunner
from pivotrl.pivot_envs.profiling.runner import LocalRunner, Runner
from pivotrl.pivot_envs.profiling.scoring import Score, score_actions
from pivotrl.pivot_envs.profiling.stats import load_profiled, profiled_record, reward_stats

__all__ = [
    "CLASSES",
    "DEFAULT_LAM",
    "AppendWriter",
    "FilterResult",
    "Funnel",
    "LocalRunner",
    "PolicyFailed",
    "ProfileConfig",
    "ProfileSummary",
    "RayRunner",
    "Runner",
    "Score",
    "classify",
    "filter_pivots",
    "finished_ids",
    "load_profiled",
    "profile",
    "profiled_record",
    "reward_stats",
    "score_actions",
]
