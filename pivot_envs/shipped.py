"""``shipped_pivots``: a registered domain's own trajectories, read and cut into pivot candidates.

The one load-and-extract every default env, demo, benchmark and test uses, so a domain's
data file is named in its ``DomainSpec`` and nowhere else.
"""

from __future__ import annotations

from pivotrl.pivot_envs.domains import data_file
from pivotrl.pivot_envs.extract import extract_candidates
from pivotrl.pivot_envs.io import load_trajectories
from pivotrl.pivot_envs.records import Pivot, Trajectory


def shipped_trajectories(domain: str) -> list[Trajectory]:
    """The trajectories of ``domain``'s data file (``DomainSpec.data``)."""
    return load_trajectories(data_file(domain), domain=domain)


def shipped_pivots(domain: str) -> list[Pivot]:
    """Every pivot candidate of ``domain``'s data file (fresh records on each call: callers
    may change them)."""
    return extract_candidates(shipped_trajectories(domain))
