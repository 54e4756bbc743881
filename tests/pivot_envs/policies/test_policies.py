"""Policy backends for profiling (pivotrl.pivot_envs.policies): spec parsing, prefix ordering, the
local Hugging Face backend on a tiny random model (k per pivot in input order, seeds, log-probs
checked against an independent forward pass, tools through the chat template), and the vLLM
backend's pure-Python parts (the engine itself needs a GPU)."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from pivotrl.chat import render_prompt, template_messages
from pivotrl.errors import PivotRLError, UnknownNameError
from pivotrl.pivot_envs import Pivot, Trajectory, shipped_pivots
from pivotrl.pivot_envs.extract import extract_candidates
from pivotrl.pivot_envs.policies import (
    Policy,
    SamplingParams,
    apply_order,
    get_policy,
    parse_spec,
    prefix_order,
    restore_order,
    trajectory_key,
)

# ChatML with Hermes-style tools (schemas in the system turn, calls as <tool_call> blocks)
TOOL_TEMPLATE = (
    "{%- if tools -%}{{- '<|im_start|>system\\n# Tools\\n<tools>\\n' -}}"
    "{%- for tool in tools -%}{{- tool | tojson -}}{{- '\\n' -}}{%- endfor -%}"
    "{{- '</tools><|im_end|>\\n' -}}{%- endif -%}"
    "{%- for message in messages -%}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + (message['content'] or '') -}}"
    "{%- for call in (message['tool_calls'] or []) -%}"
    "{{- '<tool_call>' + ({'name': call['function']['name'], 'arguments': call['function']['arguments']} | tojson)"
    " + '</tool_call>' -}}"
    "{%- endfor -%}{{- '<|im_end|>\\n' -}}{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\\n' -}}{%- endif -%}"
)


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread():
    """One intra-op thread: on a busy shared CPU, OpenMP workers spinning for cores make these
    tiny forward passes tens of times slower."""
    try:
        import torch
    except ImportError:
        yield
        return
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory) -> Path:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from transformers import AutoTokenizer

    from pivotrl.testing.judge_server import build_tiny_model

    target = tmp_path_factory.mktemp("tiny-policy")
    shutil.copytree(build_tiny_model(), target, dirs_exist_ok=True)  # built once, cached
    tokenizer = AutoTokenizer.from_pretrained(target)
    tokenizer.chat_template = TOOL_TEMPLATE
    tokenizer.save_pretrained(target)
    return target


WEATHER_TOOL = {"type": "function", "function": {
    "name": "get_weather", "description": "Current weather of a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}


def _trajectory(n: int, city: str) -> Trajectory:
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


@pytest.fixture(scope="module")
def tool_pivots() -> list[Pivot]:
    """Nine pivots of three trajectories, shuffled so the prefix order differs from input order."""
    pivots = extract_candidates([_trajectory(n, city) for n, city in enumerate(["Paris", "Rome", "Oslo"])])
    assert len(pivots) == 9
    random.Random(7).shuffle(pivots)
    return pivots


@pytest.fixture(scope="module")
def hf_policy(tiny_dir):
    policy = get_policy(f"hf:{tiny_dir}", batch_size=4)
    yield policy
    policy.close()


# ---------------------------------------------------------------------------------------------
# specs


def test_importing_the_package_loads_no_backend():
    code = ("import sys, pivotrl.pivot_envs.policies as p; p.POLICIES.names(); "
            "print(sorted(m for m in ('torch', 'transformers', 'openai', 'vllm') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"


def test_parse_spec_splits_at_the_first_colon():
    assert parse_spec("openai:http://127.0.0.1:8000/v1#tiny") == ("openai", "http://127.0.0.1:8000/v1#tiny")
    assert parse_spec("hf:/models/x") == ("hf", "/models/x")
    assert parse_spec("vllm:Qwen/Qwen3-8B") == ("vllm", "Qwen/Qwen3-8B")


@pytest.mark.parametrize("spec, words", [
    ("foo:bar", ["unknown policy backend 'foo'", "hf, openai, vllm", "openai:URL#MODEL"]),
    ("no-colon", ["expected BACKEND:TARGET"]),
    (":x", ["expected BACKEND:TARGET"]),
    ("hf:", ["hf:PATH"]),
    ("openai:http://127.0.0.1:8000/v1", ["names no model", "openai:URL#MODEL"]),
    ("openai:127.0.0.1:8000#m", ["expected an http(s) base URL"]),
])
def test_bad_specs_say_what_was_expected(spec, words):
    with pytest.raises(PivotRLError) as info:
        get_policy(spec)
    for word in words:
        assert word in str(info.value)
    if spec == "foo:bar":
        assert isinstance(info.value, UnknownNameError)


def test_missing_model_directory_is_named(tmp_path):
    missing = tmp_path / "no-such-model"
    with pytest.raises(PivotRLError, match=f"no model directory at {missing}"):
        get_policy(f"hf:{missing}")


def test_missing_vllm_names_the_extra():
    try:
        import vllm  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("vLLM is installed here")
    with pytest.raises(PivotRLError, match=r"pip install 'pivotrl\[vllm\]'"):
        get_policy("vllm:some/model")


# ---------------------------------------------------------------------------------------------
# ordering


def test_prefix_order_groups_trajectories_longest_first_and_round_trips(tool_pivots):
    order = prefix_order(tool_pivots)
    assert sorted(order) == list(range(len(tool_pivots)))
    assert order != list(range(len(tool_pivots)))  # the shuffle made the input order cache-hostile
    ordered = apply_order(tool_pivots, order)
    keys = [trajectory_key(p) for p in ordered]
    runs = [k for i, k in enumerate(keys) if i == 0 or keys[i - 1] != k]
    assert len(runs) == len(set(keys)) == 3  # each trajectory's pivots are contiguous
    for key in set(keys):
        lengths = [len(p.messages) for p in ordered if trajectory_key(p) == key]
        assert lengths == sorted(lengths, reverse=True)
    assert restore_order(ordered, order) == list(tool_pivots)
    assert restore_order([p.id for p in ordered], order) == [p.id for p in tool_pivots]
    with pytest.raises(ValueError):
        restore_order(ordered[:-1], order)


def test_pivots_without_source_group_by_their_opening_messages(tool_pivots):
    bare = [Pivot.from_dict({**p.to_dict(), "source": None}) for p in tool_pivots]
    assert all(trajectory_key(p).startswith("hash:") for p in bare)
    for p, bp in zip(tool_pivots, bare, strict=True):
        for q, bq in zip(tool_pivots, bare, strict=True):
            if trajectory_key(p) == trajectory_key(q):  # one trajectory: one group
                assert trajectory_key(bp) == trajectory_key(bq)
            if trajectory_key(bp) == trajectory_key(bq):  # one group: one shared opening (cacheable)
                assert (bp.tools, bp.messages[:2]) == (bq.tools, bq.messages[:2])
    order = prefix_order(bare)
    keys = [trajectory_key(p) for p in apply_order(bare, order)]
    assert len([k for i, k in enumerate(keys) if i == 0 or keys[i - 1] != k]) == len(set(keys))
    assert restore_order(apply_order(bare, order), order) == bare


# ---------------------------------------------------------------------------------------------
# Hugging Face backend


def _recompute_logprobs(model, prompt: list[int], completion: list[int], temperature: float) -> list[float]:
    """Chosen-token log-probs from one unpadded forward pass: log_softmax(logits / T)."""
    import torch

    ids = torch.tensor([prompt + completion])
    with torch.no_grad():
        logits = model(ids).logits[0, len(prompt) - 1:-1].float()
    lps = torch.log_softmax(logits / temperature, dim=-1)
    return lps.gather(-1, torch.tensor(completion)[:, None])[:, 0].tolist()


def test_hf_returns_k_actions_per_pivot_in_input_order_with_matching_logprobs(hf_policy, tool_pivots):
    assert isinstance(hf_policy, Policy) and hf_policy.name.startswith("hf:")
    k, params = 3, SamplingParams(temperature=0.7, max_tokens=12, seed=11, logprobs=True)
    groups = hf_policy.sample(tool_pivots, k, params)
    assert len(groups) == len(tool_pivots) and all(len(g) == k for g in groups)
    for pivot, group in zip(tool_pivots, groups, strict=True):
        prompt = hf_policy.prompt_ids(pivot)
        for action in group:
            assert action.error is None and isinstance(action.text, str)
            assert len(action.logprobs) == len(action.token_ids) > 0
            assert action.finish_reason in {"stop", "length"}
            if action.finish_reason == "length":
                assert len(action.token_ids) == params.max_tokens
            else:
                assert action.token_ids[-1] in hf_policy.stop_ids
            # recomputed with this pivot's own prompt: a result mapped to the wrong pivot would not match
            expected = _recompute_logprobs(hf_policy.model, prompt, action.token_ids, params.temperature)
            assert action.logprobs == pytest.approx(expected, abs=2e-4)
    stats = hf_policy.stats()
    assert stats.samples >= k * len(tool_pivots) and stats.failures == 0
    assert stats.requests >= 3  # 9 pivots in batches of 4


def test_hf_seed_makes_sampling_reproducible(hf_policy, tool_pivots):
    params = SamplingParams(temperature=1.0, max_tokens=8, seed=3)
    first = hf_policy.sample(tool_pivots[:4], 4, params)
    again = hf_policy.sample(tool_pivots[:4], 4, params)
    other = hf_policy.sample(tool_pivots[:4], 4, SamplingParams(temperature=1.0, max_tokens=8, seed=4))
    ids = [[a.token_ids for a in g] for g in first]
    assert ids == [[a.token_ids for a in g] for g in again]
    assert ids != [[a.token_ids for a in g] for g in other]
    assert len({tuple(a.token_ids) for g in first for a in g}) > 1  # k samples differ from each other
    assert all(a.logprobs is None for g in first for a in g)  # not asked for


def test_hf_without_a_seed_draws_new_samples_each_call(hf_policy, tool_pivots):
    """Unseeded sampling advances torch's generator, as ``generate`` does: repeated calls (the
    trainer's steps) get new random numbers, and seeding torch once makes the sequence repeat."""
    import torch

    params = SamplingParams(temperature=1.0, max_tokens=8)
    torch.manual_seed(0)
    first, second = (hf_policy.sample(tool_pivots[:2], 2, params) for _ in range(2))
    torch.manual_seed(0)
    again = hf_policy.sample(tool_pivots[:2], 2, params)

    def ids(out):
        return [[a.token_ids for a in g] for g in out]

    assert ids(first) != ids(second) and ids(first) == ids(again)


def test_shared_prefill_samples_what_plain_generate_samples(tiny_dir, hf_policy, tool_pivots):
    plain = get_policy(f"hf:{tiny_dir}", batch_size=4, share_prefill=False)
    params = SamplingParams(temperature=0.9, max_tokens=6, seed=5, logprobs=True)
    shared_out = hf_policy.sample(tool_pivots[:4], 3, params)
    plain_out = plain.sample(tool_pivots[:4], 3, params)
    assert hf_policy.share_prefill  # the tiny Llama's cache supports it: the fast path ran
    assert [[a.token_ids for a in g] for g in shared_out] == [[a.token_ids for a in g] for g in plain_out]
    for g_shared, g_plain in zip(shared_out, plain_out, strict=True):
        for a, b in zip(g_shared, g_plain, strict=True):
            assert a.logprobs == pytest.approx(b.logprobs, abs=2e-4)


def test_hf_greedy_matches_one_pivot_at_a_time(hf_policy, tool_pivots):
    params = SamplingParams(temperature=0.0, max_tokens=6, logprobs=True)
    batched = hf_policy.sample(tool_pivots[:5], 1, params)
    for pivot, group in zip(tool_pivots[:5], batched, strict=True):
        alone = hf_policy.sample([pivot], 1, params)[0]
        assert [a.token_ids for a in group] == [a.token_ids for a in alone]
        expected = _recompute_logprobs(hf_policy.model, hf_policy.prompt_ids(pivot), group[0].token_ids, 1.0)
        assert group[0].logprobs == pytest.approx(expected, abs=2e-4)


def test_tools_reach_the_chat_template(hf_policy, tool_pivots):
    pivot = tool_pivots[0]
    names = [t["function"]["name"] for t in pivot.tools]
    prompt = hf_policy.tokenizer.decode(hf_policy.prompt_ids(pivot))
    assert prompt.startswith("<|im_start|>system\n# Tools\n<tools>\n")
    assert all(f'"name": "{name}"' in prompt for name in names)
    bare = Pivot.from_dict({**pivot.to_dict(), "tools": []})
    assert "<tools>" not in render_prompt(hf_policy.tokenizer, bare.messages, bare.tools)
    # a stored tool call's JSON-string arguments are rendered as an object, not a quoted string
    calls = [m for m in template_messages(pivot.messages) if m.get("tool_calls")]
    if calls:
        assert isinstance(calls[0]["tool_calls"][0]["function"]["arguments"], dict)


def test_garbage_output_is_returned_and_scored_zero(hf_policy):
    from pivotrl.verifiers import get_verifier

    shipped = shipped_pivots("tool")
    pivot = min((p for p in shipped if p.reference.get("tool_calls")), key=lambda p: len(str(p.messages)))
    actions = hf_policy.sample([pivot], 3, SamplingParams(max_tokens=10, seed=0))[0]
    assert len(actions) == 3 and all(isinstance(a.text, str) and a.error is None for a in actions)
    verdicts = get_verifier("tool_schema").verify_batch([a.action for a in actions], pivot)
    assert [v.score for v in verdicts] == [0.0] * 3  # random weights: no tool call
    assert all(v.reason for v in verdicts)


def test_prompts_longer_than_the_context_are_errors_not_a_crash(tiny_dir, tool_pivots):
    policy = get_policy(f"hf:{tiny_dir}", batch_size=4)
    assert policy.context_length == 8192  # the tiny model's max_position_embeddings
    lengths = [len(policy.prompt_ids(p)) for p in tool_pivots]
    policy.context_length = sorted(lengths)[len(lengths) // 2]  # half the pivots no longer fit
    groups = policy.sample(tool_pivots, 2, SamplingParams(max_tokens=3, seed=0))
    assert [len(g) for g in groups] == [2] * len(tool_pivots)
    for n, group in zip(lengths, groups, strict=True):
        if n >= policy.context_length:
            assert all(a.error and f"has {n} tokens" in a.error and a.text == "" for a in group)
        else:
            assert all(a.error is None and a.token_ids for a in group)
    too_long = sum(n >= policy.context_length for n in lengths)
    assert policy.stats().failures == 2 * too_long > 0


def test_hf_rejects_bad_arguments(hf_policy, tool_pivots):
    with pytest.raises(PivotRLError, match="k must be at least 1"):
        hf_policy.sample(tool_pivots, 0, SamplingParams())
    assert hf_policy.sample([], 4, SamplingParams()) == []


# ---------------------------------------------------------------------------------------------
# vLLM backend, without the engine


def _completion(ids, text, finish="stop", with_logprobs=True):
    logprobs = ([{t: SimpleNamespace(logprob=-0.5 - i, rank=1, decoded_token="x")} for i, t in enumerate(ids)]
                if with_logprobs else None)
    return SimpleNamespace(index=0, text=text, token_ids=tuple(ids), logprobs=logprobs, finish_reason=finish,
                           cumulative_logprob=None)


def test_vllm_sampling_kwargs():
    from pivotrl.pivot_envs.policies.vllm import sampling_kwargs

    params = SamplingParams(temperature=0.8, top_p=0.95, max_tokens=64, seed=5, logprobs=True)
    # special tokens kept: harmony, Gemma 4, Kimi and Mistral tool calls are written with them
    assert sampling_kwargs(params, 16, 123) == {"n": 16, "temperature": 0.8, "top_p": 0.95, "max_tokens": 64,
                                                "seed": 123, "logprobs": 0, "skip_special_tokens": False}
    assert "logprobs" not in sampling_kwargs(SamplingParams(), 4, None)
    assert "seed" not in sampling_kwargs(SamplingParams(), 4, None)


def test_vllm_output_conversion():
    from pivotrl.pivot_envs.policies.vllm import convert_output

    out = SimpleNamespace(request_id="0", prompt_token_ids=[1, 2, 3], num_cached_tokens=2, finished=True,
                          outputs=[_completion([5, 6, 7], "abc"), _completion([8], "d", "length")])
    actions = convert_output(out, 2, True)
    assert [a.text for a in actions] == ["abc", "d"]
    assert actions[0].token_ids == [5, 6, 7] and actions[0].logprobs == [-0.5, -1.5, -2.5]
    assert [a.finish_reason for a in actions] == ["stop", "length"]
    short = convert_output(out, 3, False)
    assert len(short) == 3 and short[0].logprobs is None
    assert short[2].error == "vLLM returned 2 of 3 completions" and short[2].text == ""
    empty = convert_output(SimpleNamespace(outputs=[]), 2, True)
    assert all(a.error for a in empty)


def test_vllm_prefix_counters_sum_engines_and_ignore_the_rest():
    from pivotrl.pivot_envs.policies.vllm import prefix_counters

    metrics = [SimpleNamespace(name="vllm:prefix_cache_queries", value=100),
               SimpleNamespace(name="vllm:prefix_cache_queries_total", value=50),
               SimpleNamespace(name="vllm:prefix_cache_hits", value=64),
               SimpleNamespace(name="vllm:external_prefix_cache_hits", value=999),
               SimpleNamespace(name="vllm:num_requests_running", value=3)]
    assert prefix_counters(metrics) == (64.0, 150.0)
    assert prefix_counters([SimpleNamespace(name="vllm:num_requests_running", value=3)]) is None


# ---------------------------------------------------------------------------------------------
# OpenAI-compatible backend, without a server (the server tests are in test_openai_compat.py)


def test_openai_choice_with_parsed_tool_calls_and_vllm_token_ids():
    pytest.importorskip("openai")
    from openai.types.chat.chat_completion import ChatCompletion

    from pivotrl.pivot_envs.policies.openai_compat import _action

    response = ChatCompletion.model_validate({
        "id": "x", "object": "chat.completion", "created": 0, "model": "m",
        "choices": [
            {"index": 0, "finish_reason": "tool_calls",
             "message": {"role": "assistant", "content": None, "tool_calls": [
                 {"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Oslo"}'}}]},
             "logprobs": {"content": [{"token": "token_id:17", "logprob": -0.25, "bytes": None, "top_logprobs": []},
                                      {"token": "token_id:4", "logprob": -1.5, "bytes": None, "top_logprobs": []}]}},
            {"index": 1, "finish_reason": "length", "message": {"role": "assistant", "content": "garbage {"}},
        ]})
    call, text = (_action(c) for c in response.choices)
    assert call.message["tool_calls"][0]["function"] == {"name": "get_weather", "arguments": '{"city": "Oslo"}'}
    assert call.action is call.message and call.text == ""
    assert call.token_ids == [17, 4] and call.logprobs == [-0.25, -1.5] and call.finish_reason == "tool_calls"
    assert text.message is None and text.action == "garbage {" and text.logprobs is None
    assert text.finish_reason == "length"
