"""More trajectories from the shipped tool-use generators, as many as an experiment needs.

The shipped file (``data/tool/trajectories.jsonl``) holds ten conversations per scenario,
written by ``data/tool/make_trajectories.py`` from hand-written flows and pools. The same flows
run here with other seeds give fresh conversations of the same scenarios: new names, ids,
dates and amounts, the same tools and policies. The scenario modules are loaded from the
installed data folder under a private module name (nothing is added to ``sys.path``).
"""

from __future__ import annotations

import importlib.util
import random
import sys
from types import ModuleType
from typing import Any

from pivotrl.errors import PivotRLError
from pivotrl.pivot_envs.domains import data_path
from pivotrl.pivot_envs.records import Trajectory

_PACKAGE = "_pivotrl_tool_scenarios"


def _scenarios_package() -> ModuleType:
    if _PACKAGE in sys.modules:
        return sys.modules[_PACKAGE]
    root = data_path("tool/scenarios")
    init = root / "__init__.py"
    if not init.is_file():
        raise PivotRLError(f"the tool scenario generators are not installed ({root} is missing)")
    spec = importlib.util.spec_from_file_location(_PACKAGE, init, submodule_search_locations=[str(root)])
    if spec is None or spec.loader is None:
        raise PivotRLError(f"cannot load the tool scenario generators from {root}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[_PACKAGE] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[_PACKAGE]
        raise
    return module


def tool_scenarios() -> list[str]:
    """The names of the shipped tool scenarios (airline, retail, ...), in shipped order."""
    return [m.NAME for m in _scenarios_package().SCENARIOS]


def _scenario(name: str) -> Any:
    for module in _scenarios_package().SCENARIOS:
        if name == module.NAME:
            return module
    raise PivotRLError(f"unknown tool scenario {name!r}; known: {tool_scenarios()}")


def generate_tool_trajectories(scenario: str, count: int, *, seed: int | str = 0, start: int = 0) -> list[Trajectory]:
    """``count`` conversations of ``scenario``: conversation ``i`` runs flow ``i mod flows``
    with its own ``random.Random`` seeded by (scenario, seed, i), so the output does not
    depend on ``count`` and two seeds give disjoint conversations. Ids are
    ``tool-<scenario>-s<seed>-<i>``."""
    module = _scenario(scenario)
    common = sys.modules[f"{_PACKAGE}.common"]
    out = []
    for i in range(start, start + count):
        rng = random.Random(f"pivotrl-generated-{scenario}-{seed}-{i}")
        flow = module.FLOWS[i % len(module.FLOWS)]
        conv = common.Conv(i + 1, module.NAME, module.SYSTEM, module.TOOLS)
        conv.flow = flow.__name__
        flow(conv, rng)
        record = conv.record()
        record["id"] = f"tool-{scenario}-s{seed}-{i:05d}"
        record["meta"]["generator_seed"] = str(seed)
        out.append(Trajectory.from_dict(record))
    return out
