"""The TRL adapter: pivots as a GRPOTrainer dataset, our verifiers as its reward function, and
a real ``trl.GRPOTrainer`` run for two steps on CPU with a tiny local model."""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
from typing import Any

import pytest

from pivotrl.errors import DataError, VerifierError
from pivotrl.pivot_envs import Pivot
from pivotrl.trainer_plugin.adapters.trl import pivots_to_trl_dataset, render_prompt, trl_reward_func
from pivotrl.verifiers import Verdict, register_verifier
from pivotrl.verifiers.registry import VERIFIERS


def _hermes(message: dict[str, Any]) -> str:
    """The reference turn as a model would write it (Hermes <tool_call> blocks, or its text)."""
    calls = message.get("tool_calls") or []
    blocks = [f'<tool_call>\n{{"name": "{c["function"]["name"]}", "arguments": {c["function"]["arguments"]}}}\n</tool_call>'
              for c in calls]
    return (message.get("content") or "") + "".join(blocks)


def _tool_call_pivots(pivots: list[Pivot], n: int) -> list[Pivot]:
    return [p for p in pivots if p.reference.get("tool_calls")][:n]


def test_dataset_has_prompt_pivot_id_and_tools_columns(tool_pivots):
    pivots = tool_pivots[:3]
    ds = pivots_to_trl_dataset(pivots)
    assert set(ds.column_names) == {"prompt", "pivot_id", "domain", "tools", "verifier"}
    assert ds["pivot_id"] == [p.id for p in pivots]
    first = ds[0]
    # conversational prompt: the pivot's messages, roles and text preserved
    assert [m["role"] for m in first["prompt"]] == [m["role"] for m in pivots[0].messages]
    assert [m["content"] for m in first["prompt"]] == [m["content"] or "" for m in pivots[0].messages]
    assert json.loads(first["tools"]) == pivots[0].tools
    assert json.loads(first["verifier"]) == {"name": "tool_schema", "params": {}}


def test_dataset_keeps_tool_call_arguments_intact_across_rows(tool_pivots):
    # prefixes with earlier tool calls: Arrow must not merge argument names across calls
    pivots = [p for p in tool_pivots if any(m.get("tool_calls") for m in p.messages)][:4]
    ds = pivots_to_trl_dataset(pivots)
    for pivot, row in zip(pivots, ds, strict=True):
        want = [c["function"]["arguments"] for m in pivot.messages for c in m.get("tool_calls") or []]
        got = [c["function"]["arguments"] for m in row["prompt"] for c in m.get("tool_calls") or []]
        assert got == want


def test_dataset_with_tokenizer_renders_each_pivots_own_tools(tool_pivots, tiny_lm_dir):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_lm_dir)
    pivots = [tool_pivots[0], next(p for p in tool_pivots if p.tools != tool_pivots[0].tools)]
    ds = pivots_to_trl_dataset(pivots, tokenizer=tokenizer)
    for pivot, prompt in zip(pivots, ds["prompt"], strict=True):
        assert isinstance(prompt, str) and prompt.endswith("<|im_start|>assistant\n")
        assert prompt == render_prompt(tokenizer, pivot.messages, pivot.tools)
        for tool in pivot.tools:
            assert json.dumps(tool["function"]["name"]) in prompt
    other = {t["function"]["name"] for t in pivots[1].tools} - {t["function"]["name"] for t in pivots[0].tools}
    assert other and not any(f'"{name}"' in ds["prompt"][0] for name in other)


def test_reward_scores_reference_one_and_broken_or_wrong_actions_zero(tool_pivots):
    pivots = _tool_call_pivots(tool_pivots, 3)
    reward = trl_reward_func(pivots=pivots)
    ids = [p.id for p in pivots]
    refs = [_hermes(p.reference) for p in pivots]
    assert reward(prompts=[None] * 3, completions=refs, completion_ids=None, pivot_id=ids) == [1.0, 1.0, 1.0]
    bad = ['<tool_call>{"name": "get_reservation", "arguments": {', "x" * 300_000, "Sure, let me check."]
    assert reward(prompts=[None] * 3, completions=bad, pivot_id=ids) == [0.0, 0.0, 0.0]
    # conversational completions are lists of messages: the assistant message is the action
    convo = [[dict(p.reference)] for p in pivots]
    assert reward(prompts=[None] * 3, completions=convo, pivot_id=ids) == [1.0, 1.0, 1.0]
    assert reward.__name__ == "pivot_reward"


def test_reward_with_the_tokenizer_reads_calls_written_in_special_tokens(tool_pivots, tiny_lm_dir):
    # Gemma 4 writes calls between special tokens; TRL's completion text has them stripped
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_lm_dir)
    tokenizer.add_special_tokens({"additional_special_tokens": ["<|tool_call>", "<tool_call|>", '<|"|>']})
    pivot = _tool_call_pivots(tool_pivots, 1)[0]
    blocks = []
    for c in pivot.reference["tool_calls"]:
        args = json.loads(c["function"]["arguments"])
        body = ",".join(f'{k}:<|"|>{v}<|"|>' if isinstance(v, str) else f"{k}:{json.dumps(v)}" for k, v in args.items())
        blocks.append(f"<|tool_call>call:{c['function']['name']}{{{body}}}<tool_call|>")
    ids = tokenizer("".join(blocks), add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
    trl_text = tokenizer.decode(ids, skip_special_tokens=True)  # what TRL hands the reward
    plain = trl_reward_func(pivots=[pivot])
    assert plain(prompts=[None], completions=[trl_text], completion_ids=[ids], pivot_id=[pivot.id]) == [0.0]
    decoding = trl_reward_func(pivots=[pivot], tokenizer=tokenizer)
    assert decoding(prompts=[None], completions=[trl_text], completion_ids=[ids], pivot_id=[pivot.id]) == [1.0]


def test_reward_is_named_and_logs_through_trls_hooks(tool_pivots):
    pivots = _tool_call_pivots(tool_pivots, 2)
    metrics: dict[str, list[float]] = {}
    extra: dict[str, list[str]] = {}
    reward = trl_reward_func(pivots=pivots, name="tool_schema_reward")
    reward(prompts=[None] * 2, completions=[_hermes(pivots[0].reference), "no"],
           pivot_id=[p.id for p in pivots],
           log_metric=lambda k, v: metrics.setdefault(k, []).append(v),
           log_extra=lambda k, v: extra.setdefault(k, []).extend(v))
    assert reward.__name__ == "tool_schema_reward"
    assert metrics == {"pivot/equivalent": [0.5], "pivot/skipped": [0.0]}
    assert len(extra["verdict"]) == 2 and extra["verdict"][0] != extra["verdict"][1]


def test_reward_without_pivot_id_column_says_how_to_fix(tool_pivots):
    reward = trl_reward_func(pivots=tool_pivots[:2])
    with pytest.raises(DataError, match="pivot_id"):
        reward(prompts=["p"], completions=["c"], solution=["x"])
    with pytest.raises(DataError, match="unknown pivot_id 'nope'"):
        reward(prompts=["p"], completions=["c"], pivot_id=["nope"])


@pytest.fixture
def registered():
    names: list[str] = []

    def add(name: str, fn: Any) -> None:
        register_verifier(name, fn)
        names.append(name)

    yield add
    for name in names:
        VERIFIERS.unregister(name)


def test_skipped_verdicts_become_none_and_broken_verifiers_raise(tool_pivots, registered):
    def half_skipped(action, pivot):
        if "skip" in (action.text or ""):
            return Verdict(0.0, False, "judge down", {"skip": True})
        return 1.0

    def broken(action, pivot):
        raise RuntimeError("bug in my verifier")

    registered("test_half_skipped", half_skipped)
    registered("test_broken", broken)
    pivots = tool_pivots[:2]
    ids = [p.id for p in pivots]
    reward = trl_reward_func("test_half_skipped", pivots=pivots)
    assert reward(prompts=[None] * 2, completions=["please skip", "fine"], pivot_id=ids) == [None, 1.0]
    reward = trl_reward_func("test_broken", pivots=pivots)
    with pytest.raises(VerifierError, match="bug in my verifier"):
        reward(prompts=[None] * 2, completions=["a", "b"], pivot_id=ids)


def test_default_verifier_is_the_one_each_pivot_records(tool_pivots, registered, caplog):
    seen: list[str] = []

    def mine(action, pivot):
        seen.append(pivot.id)
        return 0.25

    registered("test_recorded", mine)
    recorded = Pivot.from_dict({**tool_pivots[0].to_dict(), "id": "own", "verifier": {"name": "test_recorded"}})
    plain = tool_pivots[1]
    reward = trl_reward_func(pivots=[recorded, plain])
    out = reward(prompts=[None] * 2, completions=["hello", _hermes(plain.reference)], pivot_id=["own", plain.id])
    assert out == [0.25, 1.0] and seen == ["own"]
    with caplog.at_level(logging.WARNING):
        trl_reward_func("exact", pivots=[recorded])
    assert "differs from the one the pivots were made with" in caplog.text  # the one warning (verifiers/spec.py)


def test_reward_is_async_for_io_bound_verifiers(tool_pivots, registered):
    pivots = _tool_call_pivots(tool_pivots, 2)
    sync = trl_reward_func(pivots=pivots)
    assert not inspect.iscoroutinefunction(sync)
    reward = trl_reward_func(pivots=pivots, asynchronous=True)
    assert inspect.iscoroutinefunction(reward)
    out = asyncio.run(reward(prompts=[None] * 2, completions=[_hermes(p.reference) for p in pivots],
                             pivot_id=[p.id for p in pivots]))
    assert out == [1.0, 1.0]


@pytest.mark.filterwarnings("ignore::UserWarning", "ignore::FutureWarning")
@pytest.mark.parametrize("rendered", [True, False], ids=["text-prompts", "conversational-prompts"])
def test_real_grpo_trainer_runs_two_steps_with_our_dataset_and_reward(tool_pivots, tiny_lm_dir, tmp_path, rendered):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import GRPOConfig, GRPOTrainer

    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(tiny_lm_dir)
    model = AutoModelForCausalLM.from_pretrained(tiny_lm_dir, dtype=torch.float32)
    pivots = tool_pivots[:2]
    dataset = pivots_to_trl_dataset(pivots, tokenizer=tokenizer if rendered else None)
    calls: list[dict[str, Any]] = []
    # graded similarity to the reference: random text gets partial, differing credit, so groups
    # have reward spread and the step moves the weights
    scorer_reward = trl_reward_func({"name": "fuzzy", "params": {"graded": True}}, pivots=pivots)

    def pivot_reward(prompts, completions, completion_ids=None, **kwargs):
        calls.append({"n": len(completions), "columns": set(kwargs), "pivot_id": list(kwargs["pivot_id"]),
                      "completions": list(completions)})
        return scorer_reward(prompts=prompts, completions=completions, completion_ids=completion_ids, **kwargs)

    args = GRPOConfig(
        output_dir=str(tmp_path / "out"), use_cpu=True, report_to="none", max_steps=2, logging_steps=1,
        per_device_train_batch_size=2, num_generations=2, max_completion_length=8, learning_rate=1e-3,
        save_strategy="no", seed=0, dataloader_num_workers=0, disable_tqdm=True,
    )
    trainer = GRPOTrainer(model=model, reward_funcs=[pivot_reward], args=args, train_dataset=dataset,
                          processing_class=tokenizer)
    before = [p.detach().clone() for p in model.parameters()]
    trainer.train()

    assert len(calls) == 2
    for call in calls:
        assert call["n"] == 2
        assert {"pivot_id", "domain", "tools", "verifier"} <= call["columns"]
        assert set(call["pivot_id"]) <= {p.id for p in pivots}
        if rendered:  # standard (text) prompts give text completions
            assert all(isinstance(c, str) for c in call["completions"])
        else:  # conversational prompts give lists of messages
            assert all(c[0]["role"] == "assistant" for c in call["completions"])
    logged = [entry for entry in trainer.state.log_history if "rewards/pivot_reward/mean" in entry]
    assert len(logged) == 2
    for entry in logged:
        assert 0.0 <= entry["rewards/pivot_reward/mean"] <= 1.0
        assert "reward" in entry and "pivot/equivalent" in entry
    assert trainer.state.global_step == 2
    assert any(e["reward_std"] > 0 for e in logged)
    assert any(not torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))


@pytest.mark.filterwarnings("ignore::UserWarning", "ignore::FutureWarning")
def test_real_grpo_trainer_awaits_the_async_reward(tool_pivots, tiny_lm_dir, tmp_path):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import GRPOConfig, GRPOTrainer

    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(tiny_lm_dir)
    model = AutoModelForCausalLM.from_pretrained(tiny_lm_dir, dtype=torch.float32)
    pivots = tool_pivots[:2]
    reward = trl_reward_func({"name": "fuzzy", "params": {"graded": True}}, pivots=pivots, asynchronous=True,
                             name="pivot_async")
    args = GRPOConfig(
        output_dir=str(tmp_path / "out"), use_cpu=True, report_to="none", max_steps=1, logging_steps=1,
        per_device_train_batch_size=2, num_generations=2, max_completion_length=6, save_strategy="no", seed=0,
        disable_tqdm=True,
    )
    trainer = GRPOTrainer(model=model, reward_funcs=[reward], args=args, processing_class=tokenizer,
                          train_dataset=pivots_to_trl_dataset(pivots, tokenizer=tokenizer))
    trainer.train()
    logged = [e for e in trainer.state.log_history if "rewards/pivot_async/mean" in e]
    assert logged and 0.0 < logged[0]["rewards/pivot_async/mean"] <= 1.0
