"""Shared fixtures: small hand-made pivots, and the path of ../shared/data when present."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pivotrl.pivot_envs import Pivot

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def shared_data(*parts: str) -> Path:
    """A file under ../shared/data; the test skips cleanly where it is absent (user checkouts)."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (../shared/data exists only in the project's workspace)")
    return path


BOOKING_TOOLS = [
    {"type": "function", "function": {
        "name": "book_flight",
        "description": "Book a flight.",
        "parameters": {
            "type": "object",
            "properties": {
                "origin": {"type": "string"},
                "destination": {"type": "string"},
                "passengers": {"type": "integer", "minimum": 1, "default": 1},
                "cabin": {"type": "string", "enum": ["economy", "business"], "default": "economy"},
                "max_price": {"type": "number"},
                "refundable": {"type": "boolean", "default": False},
                "traveler": {"type": "object", "properties": {
                    "name": {"type": "string"}, "age": {"type": "integer"}}, "required": ["name"]},
                "tags": {"type": "array", "items": {"type": "string"}},
            },
            "required": ["origin", "destination"],
            "additionalProperties": False,
        },
    }},
    {"type": "function", "function": {
        "name": "get_weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"},
                        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"], "default": "celsius"}},
                       "required": ["city"]},
    }},
    {"type": "function", "function": {
        "name": "open_page",
        "parameters": {"type": "object", "properties": {"url": {"type": "string", "format": "uri"}},
                       "required": ["url"]},
    }},
]


def call(name: str, **args: Any) -> dict[str, Any]:
    return {"id": f"call_{name}", "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}


def make_pivot(*calls: dict[str, Any], text: str | None = None, tools: list | None = None,
               pivot_id: str = "p1", domain: str = "tool", env: dict | None = None) -> Pivot:
    reference: dict[str, Any] = {"role": "assistant", "content": text}
    if calls:
        reference["tool_calls"] = list(calls)
    return Pivot.from_dict({
        "id": pivot_id, "domain": domain,
        "messages": [{"role": "system", "content": "You book travel."},
                     {"role": "user", "content": "Book me Paris to Rome."}],
        "tools": BOOKING_TOOLS if tools is None else tools,
        "reference": reference,
        "env": env or {},
    })


@pytest.fixture
def flight_pivot() -> Pivot:
    return make_pivot(call("book_flight", origin="Paris", destination="Rome", passengers=2))
