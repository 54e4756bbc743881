"""Scenario modules for ``make_trajectories`` and ``generate``.

Each module defines ``NAME``, ``SYSTEM`` (the policy prompt), ``TOOLS`` (OpenAI
function definitions) and ``FLOWS`` (functions ``flow(conv, rng)`` that write
one conversation into a :class:`scenarios.common.Conv`).
"""

from . import airline, banking, calendar, helpdesk, pharmacy, retail, smarthome

__all__ = ["SCENARIOS"]

SCENARIOS = [airline, retail, calendar, banking, smarthome, pharmacy, helpdesk]
