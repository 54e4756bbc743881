"""Shared fixtures: small hand-made pivots, the path of ../shared/data when present, and a tiny
causal LM built locally (random weights, BPE tokenizer trained on shipped text; no download) with a
tool-calling ChatML template, beside a few short shipped tool pivots (trainer and chat tests)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from pivotrl.pivot_envs import Pivot, shipped_pivots

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


# ChatML with Hermes-style tools, as Qwen2.5 renders them: schemas in the system turn, calls in
# <tool_call> blocks (arguments written as given: a JSON string stays one), results as <tool_response>.
TOOL_CHAT_TEMPLATE = (
    "{%- if tools -%}"
    "{{- '<|im_start|>system\\n' -}}"
    "{%- if messages[0]['role'] == 'system' -%}{{- messages[0]['content'] + '\\n\\n' -}}{%- endif -%}"
    "{{- '# Tools\\n<tools>\\n' -}}"
    "{%- for tool in tools -%}{{- tool | tojson -}}{{- '\\n' -}}{%- endfor -%}"
    "{{- '</tools>\\nCall a function as <tool_call>{\"name\": ..., \"arguments\": {...}}</tool_call><|im_end|>\\n' -}}"
    "{%- endif -%}"
    "{%- for message in messages -%}"
    "{%- if not (tools and loop.first and message['role'] == 'system') -%}"
    "{%- if message['role'] == 'tool' -%}"
    "{{- '<|im_start|>user\\n<tool_response>\\n' + (message['content'] or '') + '\\n</tool_response><|im_end|>\\n' -}}"
    "{%- else -%}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + (message['content'] or '') -}}"
    "{%- for call in (message['tool_calls'] or []) -%}"
    "{%- set args = call['function']['arguments'] -%}"
    "{{- '<tool_call>\\n{\"name\": \"' + call['function']['name'] + '\", \"arguments\": ' -}}"
    "{{- args if args is string else args | tojson -}}"
    "{{- '}\\n</tool_call>' -}}"
    "{%- endfor -%}"
    "{{- '<|im_end|>\\n' -}}"
    "{%- endif -%}"
    "{%- endif -%}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\\n' -}}{%- endif -%}"
)


@pytest.fixture(scope="session")
def tiny_lm_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the tiny Llama-style model (about 1.4M parameters, vocabulary 1536,
    untied head) with the tool-calling template; tests may train it in place."""
    from transformers import AutoTokenizer

    from pivotrl.testing.judge_server import build_tiny_model

    source = build_tiny_model()  # cached across runs; built in a few seconds where absent
    target = tmp_path_factory.mktemp("tiny-lm")
    shutil.copytree(source, target, dirs_exist_ok=True)
    tokenizer = AutoTokenizer.from_pretrained(target)
    tokenizer.chat_template = TOOL_CHAT_TEMPLATE
    tokenizer.save_pretrained(target)
    return target


@pytest.fixture(scope="session")
def tool_pivots() -> list[Pivot]:
    """Shipped tool pivots, shortest conversations first (keeps CPU forward passes small)."""
    pivots = shipped_pivots("tool")
    return sorted(pivots, key=lambda p: (len(str(p.messages)) + len(str(p.tools)), p.id))
