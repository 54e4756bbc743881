"""Pivot environments: the data model, I/O, extraction and the Gymnasium environments."""

from pivotrl.pivot_envs.domains import DomainSpec, get_domain, list_domains, register_domain, verifier_for
from pivotrl.pivot_envs.envs import PivotEnv, make_env
from pivotrl.pivot_envs.extract import ExtractionReport, extract_candidates
from pivotrl.pivot_envs.io import load_pivots, load_trajectories, write_jsonl, write_nemo_gym_rows
from pivotrl.pivot_envs.nemo_gym import pivot_to_row, row_to_pivot
from pivotrl.pivot_envs.records import Pivot, Trajectory
from pivotrl.pivot_envs.shipped import shipped_pivots, shipped_trajectories

__all__ = [
    "DomainSpec",
    "ExtractionReport",
    "Pivot",
    "PivotEnv",
    "Trajectory",
    "extract_candidates",
    "get_domain",
    "list_domains",
    "load_pivots",
    "load_trajectories",
    "make_env",
    "pivot_to_row",
    "register_domain",
    "row_to_pivot",
    "shipped_pivots",
    "shipped_trajectories",
    "verifier_for",
    "write_jsonl",
    "write_nemo_gym_rows",
]
