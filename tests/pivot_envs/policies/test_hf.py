"""The local Hugging Face backend (pivotrl.pivot_envs.policies.hf) on a tiny random model: k per
pivot in input order, seeds, log-probs checked against an independent forward pass, tools through
the chat template, prompts too long for the context, a missing model directory."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pivotrl.chat import render_prompt, template_messages
from pivotrl.errors import PivotRLError
from pivotrl.pivot_envs import Pivot, shipped_pivots
from pivotrl.pivot_envs.policies import Policy, SamplingParams, get_policy
from tests.pivot_envs.policies.support import shuffled_tool_pivots

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


@pytest.fixture(scope="module")
def tool_pivots() -> list[Pivot]:
    return shuffled_tool_pivots()


@pytest.fixture(scope="module")
def hf_policy(tiny_dir):
    policy = get_policy(f"hf:{tiny_dir}", batch_size=4)
    yield policy
    policy.close()


def test_missing_model_directory_is_named(tmp_path):
    missing = tmp_path / "no-such-model"
    with pytest.raises(PivotRLError, match=f"no model directory at {missing}"):
        get_policy(f"hf:{missing}")


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
