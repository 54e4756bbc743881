"""Pivots shared by the policy tests: three short weather-tool conversations whose nine pivots
come shuffled, so prefix ordering has something to undo and a result mapped to the wrong pivot shows."""

from __future__ import annotations

import json
import random

from pivotrl.pivot_envs import Pivot, Trajectory
from pivotrl.pivot_envs.extract import extract_candidates

WEATHER_TOOL = {"type": "function", "function": {
    "name": "get_weather", "description": "Current weather of a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}


def weather_trajectory(n: int, city: str) -> Trajectory:
    """A short three-turn tool conversation (short prompts keep CPU generation fast)."""
    call = {"id": f"c{n}", "type": "function",
            "function": {"name": "get_weather", "arguments": json.dumps({"city": city})}}
    return Trajectory.from_dict({"id": f"weather-{n}", "domain": "tool", "tools": [WEATHER_TOOL], "messages": [
        {"role": "system", "content": "You answer weather questions."},
        {"role": "user", "content": f"Weather in {city}?"},
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": f"c{n}", "content": '{"temp": 21}'},
        {"role": "assistant", "content": f"It is 21 C in {city}."},
        {"role": "user", "content": "And tomorrow?"},
        {"role": "assistant", "content": None, "tool_calls": [call]},
    ]})


def shuffled_tool_pivots() -> list[Pivot]:
    """Nine pivots of three trajectories, shuffled so the prefix order differs from input order."""
    pivots = extract_candidates([weather_trajectory(n, city) for n, city in enumerate(["Paris", "Rome", "Oslo"])])
    assert len(pivots) == 9
    random.Random(7).shuffle(pivots)
    return pivots
