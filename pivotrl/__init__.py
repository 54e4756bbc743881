"""pivotrl: turn agent SFT trajectories into turn-level RL signal (PivotRL).

Importing this package registers the ``pivot/*`` Gymnasium ids and the shipped search
engine, and nothing else: no torch, docker or openai import happens here.
"""

from __future__ import annotations

__version__ = "0.1.0"

from gymnasium.envs.registration import register as _register_env
from gymnasium.envs.registration import registry as _env_registry

ENV_IDS = {
    "pivot/tool-v0": "pivotrl.pivot_envs.envs:make_tool_env",
    "pivot/browse-v0": "pivotrl.pivot_envs.envs:make_browse_env",
    "pivot/terminal-v0": "pivotrl.pivot_envs.envs:make_terminal_env",
    "pivot/swe-v0": "pivotrl.pivot_envs.envs:make_swe_env",
}

for _env_id, _entry_point in ENV_IDS.items():
    if _env_id not in _env_registry:
        _register_env(id=_env_id, entry_point=_entry_point, disable_env_checker=False)


def _register_search_backends() -> None:
    from pivotrl.verifiers.search_backends import SEARCH_BACKENDS

    if "browse" not in SEARCH_BACKENDS._entries:
        SEARCH_BACKENDS.register("browse", "pivotrl.pivot_envs.browse_engine:default_engine")


_register_search_backends()
