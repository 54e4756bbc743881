"""SFT on assistant turns: exactly the assistant tokens are targets (end-of-turn included), a
template that is not prefix-stable falls back to one example per turn, batches keep to their
token budget, and training lowers the loss."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from pivotrl.pivot_envs import shipped_trajectories  # noqa: E402
from pivotrl.trainer_plugin.sft import SFTConfig, SFTTrainer, encode_chat, encode_conversations  # noqa: E402
from tests.toy import toy_model  # noqa: E402


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    path = toy_model(tmp_path_factory.mktemp("sft"))
    return path, AutoTokenizer.from_pretrained(path), AutoModelForCausalLM


@pytest.fixture(scope="module")
def trajectories():
    return shipped_trajectories("tool")[:6]


def test_targets_are_exactly_the_assistant_turns(toy, trajectories):
    _, tokenizer, _ = toy
    trajectory = trajectories[0]
    [example] = encode_chat(tokenizer, trajectory.messages, trajectory.tools)
    targets = tokenizer.decode([t for t, m in zip(example.ids, example.targets, strict=True) if m])
    expected = ""
    for i, message in enumerate(trajectory.messages):
        if message["role"] == "assistant":
            before = tokenizer.apply_chat_template(trajectory.messages[:i], tools=trajectory.tools,
                                                   add_generation_prompt=True, tokenize=False)
            through = tokenizer.apply_chat_template(trajectory.messages[:i + 1], tools=trajectory.tools,
                                                    tokenize=False)
            expected += through[len(before):]
    assert targets == expected and "<|im_end|>" in targets and "<|im_start|>user" not in targets


def test_a_template_that_rewrites_history_gets_one_example_per_turn(toy, trajectories):
    _, tokenizer, _ = toy
    drops_history = ("{%- for m in messages -%}{%- if m['role'] != 'assistant' or loop.last -%}"
                     "{{- m['role'] + ': ' + (m['content'] or '') + '\\n' -}}{%- endif -%}{%- endfor -%}"
                     "{%- if add_generation_prompt -%}{{- 'assistant: ' -}}{%- endif -%}")
    messages = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"},
                {"role": "user", "content": "bye"}, {"role": "assistant", "content": "ciao"}]
    original = tokenizer.chat_template
    tokenizer.chat_template = drops_history
    try:
        examples = encode_chat(tokenizer, messages)
    finally:
        tokenizer.chat_template = original
    assert [tokenizer.decode([t for t, m in zip(e.ids, e.targets, strict=True) if m]) for e in examples] == \
        ["hello\n", "ciao\n"]


def test_batches_keep_to_the_token_budget_and_training_lowers_the_loss(toy, trajectories):
    path, tokenizer, auto = toy
    examples = encode_conversations(tokenizer, trajectories)
    model = auto.from_pretrained(path)
    trainer = SFTTrainer(model, tokenizer, examples, SFTConfig(max_steps=12, learning_rate=1e-2, batch_tokens=1500,
                                                               seed=0))
    history = trainer.train()
    assert all(m["padded_tokens"] <= 1500 for m in history)
    assert sum(m["examples"] for m in history) > len(examples)  # more than an epoch, every example seen
    first, last = history[0]["loss"], min(m["loss"] for m in history[-3:])
    assert last < 0.8 * first


@pytest.mark.parametrize("template", ["deepseekv3.jinja", "llama3_1.jinja", "qwen2_5.jinja"])
def test_tool_calls_are_taught_in_the_form_the_template_wants(toy, template):
    """SFT renders through the template's own forms, as profiling and GRPO do: a template that
    concatenates arguments as text (DeepSeek V3) no longer fails, one that writes them with tojson
    (Llama 3.1) no longer encodes a JSON string twice; each call's arguments appear as written."""
    from pathlib import Path

    trl = pytest.importorskip("trl")
    _, tokenizer, _ = toy
    trajectory = next(t for t in shipped_trajectories("tool") if any(m.get("tool_calls") for m in t.messages))
    original = tokenizer.chat_template
    tokenizer.chat_template = (Path(trl.__file__).parent / "chat_templates" / template).read_text()
    try:
        [example] = encode_chat(tokenizer, trajectory.messages, trajectory.tools)
    finally:
        tokenizer.chat_template = original
    text = tokenizer.decode(example.ids)
    arguments = [c["function"]["arguments"] for m in trajectory.messages for c in m.get("tool_calls") or []]
    assert arguments and all(a in text for a in arguments)
    assert '\\"' not in text
