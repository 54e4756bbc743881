"""Where the generated files are shipped: the data folders of the runtime packages. A generator
run without ``--out`` writes there, so regenerating replaces the file users load."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from pivotrl.pivot_envs.domains import data_path


def env_data(relative: str) -> Path:
    """A path under ``pivot_envs/data`` (trajectories, the browse corpus, the SWE repositories)."""
    return data_path(relative)


def labeled_data() -> Path:
    """The folder of the labeled agreement sets, ``benchmarks/data``."""
    return Path(str(resources.files("pivotrl.benchmarks").joinpath("data")))
