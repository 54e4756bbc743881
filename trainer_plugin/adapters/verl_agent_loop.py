"""A verl agent loop that renders each pivot's own tool schemas into its prompt.

verl's ``SingleTurnAgentLoop`` applies the chat template with one global tool list (from
``data.tool_config_path``), so by default the policy never sees a pivot's own tools. This loop
takes them from the row's ``extra_info.tools`` (written by ``export_verl_parquet``), and gives
the template the earlier turns in the forms it needs (``pivotrl.chat.template_messages``: the
exported rows keep tool-call arguments as JSON strings, which a template that writes
``arguments | tojson`` would encode twice), so verl renders the prompt profiling saw. It is
otherwise verl's own (read from volcengine/verl,
``verl/experimental/agent_loop/single_turn_agent_loop.py``). Register it with an agent-loop
config file and make it the default::

    # pivotrl_agent_loops.yaml
    - name: pivotrl_single_turn
      _target_: pivotrl.trainer_plugin.adapters.verl_agent_loop.PivotSingleTurnAgentLoop

    actor_rollout_ref.rollout.agent.agent_loop_config_path=pivotrl_agent_loops.yaml
    actor_rollout_ref.rollout.agent.default_agent_loop=pivotrl_single_turn

The class is built on first access (verl is imported then, not with this module).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pivotrl.chat import template_forms, template_messages
from pivotrl.errors import DataError

AGENT_LOOP_NAME = "pivotrl_single_turn"


def pivot_tools(extra_info: Any) -> list[dict[str, Any]] | None:
    """The tool schemas a row of ``export_verl_parquet`` carries (``extra_info.tools``, JSON),
    or None where the row has none (the global tools then apply, as in verl)."""
    if not isinstance(extra_info, Mapping) or not extra_info.get("tools"):
        return None
    raw = extra_info["tools"]
    try:
        tools = json.loads(raw) if isinstance(raw, str) else list(raw)
    except (ValueError, TypeError) as exc:
        raise DataError(f"extra_info.tools is not a JSON list of tool schemas: {exc}", field="extra_info.tools") from None
    if not isinstance(tools, list) or not all(isinstance(t, Mapping) for t in tools):
        raise DataError("extra_info.tools must be a JSON list of tool schemas", field="extra_info.tools")
    return tools or None


def _build_loop_class() -> type:
    from verl.experimental.agent_loop.single_turn_agent_loop import SingleTurnAgentLoop

    class PivotSingleTurnAgentLoop(SingleTurnAgentLoop):  # type: ignore[misc, valid-type]
        """verl's single-turn loop with the pivot's own tools and the template's message forms."""

        async def run(self, sampling_params: dict[str, Any], **kwargs: Any) -> Any:
            tools = pivot_tools(kwargs.get("extra_info"))
            if tools is not None:  # one loop instance per sample: setting it here is safe
                self.tool_schemas = tools
            if kwargs.get("raw_prompt") is not None:
                forms = template_forms(self.tokenizer)  # probed once per template, then cached
                kwargs["raw_prompt"] = template_messages(list(kwargs["raw_prompt"]), forms)
            return await super().run(sampling_params, **kwargs)

    PivotSingleTurnAgentLoop.__module__ = __name__
    return PivotSingleTurnAgentLoop


_built: dict[str, type] = {}


def __getattr__(name: str) -> Any:
    if name == "PivotSingleTurnAgentLoop":
        if name not in _built:
            _built[name] = _build_loop_class()
        return _built[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
