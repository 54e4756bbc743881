"""Generator of the tool-use trajectories: scenario modules (``scenarios``) with hand-written
flows and pools, the shipped file (``make_trajectories``, checked by ``selfcheck``) and fresh
conversations for experiments (``generate_tool_trajectories``)."""

from .generate import generate_tool_trajectories, tool_scenarios

__all__ = ["generate_tool_trajectories", "tool_scenarios"]
