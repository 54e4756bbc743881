"""Training renders a pivot's prompt exactly as profiling does: the same text, so the policy is
trained on the state it was profiled on (tool-call arguments as objects, not JSON strings twice)."""

from __future__ import annotations

from transformers import AutoTokenizer

from pivotrl.pivot_envs.policies.chat import render_prompt as profiling_prompt
from pivotrl.trainer_plugin.adapters.chat import render_prompt as training_prompt

# as Hermes/Qwen templates do: the arguments go through tojson, so a JSON string would be encoded twice
TOJSON_TEMPLATE = (
    "{% for m in messages %}<|{{ m.role }}|>{{ m.content }}"
    "{% for c in m.tool_calls or [] %}<tool_call>{{ c.function.arguments | tojson }}</tool_call>{% endfor %}"
    "{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}"
)


def test_training_and_profiling_render_the_same_prompt(tiny_lm_dir, tool_pivots):
    tokenizer = AutoTokenizer.from_pretrained(tiny_lm_dir)
    tokenizer.chat_template = TOJSON_TEMPLATE
    with_calls = [p for p in tool_pivots if any(m.get("tool_calls") for m in p.messages)]
    assert with_calls
    for pivot in with_calls:
        rendered = training_prompt(tokenizer, pivot.messages, pivot.tools)
        assert rendered == profiling_prompt(tokenizer, pivot)
        assert '<tool_call>"' not in rendered  # arguments rendered as an object, not a quoted string
