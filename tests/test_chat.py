"""One chat module for messages: content reads as the same text in every layer (templates, the
wire, exports, converters, parsers, the judge), and one renderer serves every prompt: profiling,
the TRL dataset, the verl export and the trainer's samplers render a pivot the same way; earlier
tool calls reach each template in the form its behaviour asks for (never encoded twice), and the
prompt ids hold one BOS at most."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

pytest.importorskip("transformers")
from transformers import AutoTokenizer

from pivotrl import chat
from pivotrl.benchmarks.chat_templates import template_tokenizer
from pivotrl.trainer_plugin.adapters import verl
from pivotrl.trainer_plugin.adapters.trl import pivots_to_trl_dataset

# as Hermes/Qwen templates do: the arguments go through tojson, so a JSON string would be encoded twice
TOJSON = ("{{ bos_token }}{% for m in messages %}<|{{ m.role }}|>"
          "{% if m.content is string %}{{ m.content }}{% else %}{{ m.content | tojson }}{% endif %}"
          "{% for c in m.tool_calls or [] %}<call>{{ c.function.arguments | tojson }}</call>{% endfor %}"
          "{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}")
# as DeepSeek-V3 does: the arguments are concatenated, so an object cannot be rendered
CONCAT = ("{% for m in messages %}<|{{ m.role }}|>{{ m.content }}"
          "{% for c in m.tool_calls or [] %}<call>{{ '' + c.function.arguments }}</call>{% endfor %}"
          "{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}")
# printed as is: an object would come out as a Python dict
VERBATIM = ("{% for m in messages %}<|{{ m.role }}|>{{ m.content }}"
            "{% for c in m.tool_calls or [] %}<call>{{ c.function.arguments }}</call>{% endfor %}"
            "{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}")
# as gpt-oss and Llama 3.1 do for tool results: tojson on the content, which quotes a JSON string
RESULTS_TOJSON = ("{% for m in messages %}<|{{ m.role }}|>{% if m.role == 'tool' %}{{ m.content | tojson }}"
                  "{% else %}{{ m.content }}{% endif %}"
                  "{% for c in m.tool_calls or [] %}<call>{{ c.function.arguments | tojson }}</call>{% endfor %}"
                  "{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}")

MESSAGES = [
    {"role": "user", "content": "Weather in Oslo?"},
    {"role": "assistant", "content": "", "tool_calls": [{"id": "c1", "type": "function", "function": {
        "name": "get_weather", "arguments": json.dumps({"city": "Oslo", "days": 2})}}]},
    {"role": "tool", "tool_call_id": "c1", "content": json.dumps({"temperature": -3})},
    {"role": "user", "content": "And tomorrow?"},
]
TOOLS = [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {
    "city": {"type": "string"}, "days": {"type": "integer"}}}}}]


@pytest.mark.parametrize(("template", "arguments", "rendered"), [
    (TOJSON, "object", '<call>{"city": "Oslo", "days": 2}</call>'),
    (CONCAT, "string", '<call>{"city": "Oslo", "days": 2}</call>'),
    (VERBATIM, "string", '<call>{"city": "Oslo", "days": 2}</call>'),
])
def test_arguments_reach_each_template_in_the_form_it_renders_once(template, arguments, rendered):
    tokenizer = template_tokenizer(template)
    assert chat.template_forms(tokenizer).arguments == arguments
    prompt = chat.render_prompt(tokenizer, MESSAGES, TOOLS)
    assert rendered in prompt
    assert '\\"city\\"' not in prompt and "{'city'" not in prompt


def test_json_tool_results_are_not_quoted_by_templates_that_tojson_them():
    tokenizer = template_tokenizer(RESULTS_TOJSON)
    assert chat.template_forms(tokenizer).tool_results == "object"
    prompt = chat.render_prompt(tokenizer, MESSAGES, TOOLS)
    assert '<|tool|>{"temperature": -3}' in prompt
    # templates that write the content as it is keep the text
    assert chat.template_forms(template_tokenizer(TOJSON)).tool_results == "text"


def test_one_bos_in_our_ids_and_in_trls(tool_pivots):
    tokenizer = template_tokenizer(TOJSON)  # the template writes bos_token and the tokenizer adds one too
    pivot = next(p for p in tool_pivots if any(m.get("tool_calls") for m in p.messages))
    prompt = chat.render_prompt(tokenizer, pivot.messages, pivot.tools)
    assert prompt.startswith(tokenizer.bos_token)
    bos = tokenizer.bos_token_id
    assert chat.prompt_token_ids(tokenizer, prompt).count(bos) == 1
    assert tokenizer(prompt)["input_ids"].count(bos) == 2  # the doubled BOS a text prompt would get
    text = pivots_to_trl_dataset([pivot], tokenizer=tokenizer)["prompt"][0]
    assert tokenizer(text)["input_ids"].count(bos) == 1  # as TRL tokenizes text prompts
    assert chat.prompt_text_for_tokenizer(template_tokenizer(CONCAT), "no bos here") == "no bos here"


def test_every_consumer_renders_the_same_prompt(tiny_lm_dir, tool_pivots, tmp_path):
    from pivotrl.pivot_envs.policies.hf import HFPolicy
    from pivotrl.trainer_plugin.policy_sampler import PolicySampler

    tokenizer = AutoTokenizer.from_pretrained(tiny_lm_dir)
    pivots = [p for p in tool_pivots if any(m.get("tool_calls") for m in p.messages)][:3]
    expected = [chat.render_prompt(tokenizer, p.messages, p.tools) for p in pivots]
    assert all('<tool_call>\n{"name"' in e and '"arguments": "{' not in e for e in expected)
    assert pivots_to_trl_dataset(pivots, tokenizer=tokenizer)["prompt"] == expected
    path = tmp_path / "train.parquet"
    verl.export_verl_parquet(pivots, path, tokenizer=tokenizer)
    rows = pq.read_table(path).to_pylist()
    # verl renders row["prompt"] with data.apply_chat_template_kwargs.chat_template=PASS_THROUGH_TEMPLATE
    assert [tokenizer.apply_chat_template(r["prompt"], add_generation_prompt=True, tokenize=False,
                                          chat_template=verl.PASS_THROUGH_TEMPLATE) for r in rows] == expected

    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(tiny_lm_dir)
    sampler = PolicySampler(HFPolicy(model, tokenizer, device="cpu"), max_new_tokens=2)
    rollouts = sampler.sample(pivots, 1)
    assert [g[0].prompt_ids for g in rollouts] == [chat.prompt_token_ids(tokenizer, e) for e in expected]


def test_sampled_text_keeps_special_tokens_but_not_the_stop_token(tiny_lm_dir):
    tokenizer = AutoTokenizer.from_pretrained(tiny_lm_dir)
    ids = tokenizer("<|im_start|>x", add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
    assert chat.completion_text(tokenizer, ids, stopped=True) == "<|im_start|>x"
    assert chat.completion_text(tokenizer, ids, stopped=False).endswith(tokenizer.eos_token)
