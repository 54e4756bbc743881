"""Pivot environments: the data model, I/O, extraction and the Gymnasium environments."""

from pivotrl.pivot_envs.domains import verifier_for
from pivotrl.pivot_envs.envs import PivotEnv
from pivotrl.pivot_envs.extract import ExtractionReport, extract_candidates
from pivotrl.pivot_envs.io import load_pivots, load_trajectories, write_jsonl, write_nemo_gym_rows
from pivotrl.pivot_envs.nemo_gym import pivot_to_row, row_to_pivot
from pivotrl.pivot_envs.records import Pivot, Trajectory

__all__ = [
    "ExtractionReport",
    "Pivot",
    "PivotEnv",
    "Trajectory",
    "extract_candidates",
    "load_pivots",
    "load_trajectories",
    "pivot_to_row",
    "row_to_pivot",
    "verifier_for",
    "write_jsonl",
    "write_nemo_gym_rows",
]
