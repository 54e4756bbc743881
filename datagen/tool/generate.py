"""More trajectories from the tool-use scenarios, as many as an experiment needs.

The shipped file (``pivot_envs/data/tool/trajectories.jsonl``) holds ten conversations per
scenario, written by ``make_trajectories`` from hand-written flows and pools. The same flows run
here with other seeds give fresh conversations of the same scenarios: new names, ids, dates and
amounts, the same tools and policies.
"""

from __future__ import annotations

import random
from types import ModuleType

from pivotrl.errors import PivotRLError
from pivotrl.pivot_envs.records import Trajectory

from .scenarios import SCENARIOS
from .scenarios.common import Conv


def tool_scenarios() -> list[str]:
    """The names of the tool scenarios (airline, retail, ...), in shipped order."""
    return [m.NAME for m in SCENARIOS]


def _scenario(name: str) -> ModuleType:
    for module in SCENARIOS:
        if name == module.NAME:
            return module
    raise PivotRLError(f"unknown tool scenario {name!r}; known: {tool_scenarios()}")


def generate_tool_trajectories(scenario: str, count: int, *, seed: int | str = 0, start: int = 0) -> list[Trajectory]:
    """``count`` conversations of ``scenario``: conversation ``i`` runs flow ``i mod flows``
    with its own ``random.Random`` seeded by (scenario, seed, i), so the output does not
    depend on ``count`` and two seeds give disjoint conversations. Ids are
    ``tool-<scenario>-s<seed>-<i>``."""
    module = _scenario(scenario)
    out = []
    for i in range(start, start + count):
        rng = random.Random(f"pivotrl-generated-{scenario}-{seed}-{i}")
        flow = module.FLOWS[i % len(module.FLOWS)]
        conv = Conv(i + 1, module.NAME, module.SYSTEM, module.TOOLS)
        conv.flow = flow.__name__
        flow(conv, rng)
        record = conv.record()
        record["id"] = f"tool-{scenario}-s{seed}-{i:05d}"
        record["meta"]["generator_seed"] = str(seed)
        out.append(Trajectory.from_dict(record))
    return out
