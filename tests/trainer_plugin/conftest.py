"""Fixtures for trainer tests: a tiny causal LM built locally (random weights, BPE tokenizer
trained on shipped text; no download) with a tool-calling ChatML template, and a few short
shipped tool pivots."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pivotrl.pivot_envs import Pivot, shipped_pivots

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
