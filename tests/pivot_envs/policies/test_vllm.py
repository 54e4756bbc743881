"""The vLLM backend's pure-Python parts (pivotrl.pivot_envs.policies.vllm): sampling settings,
output conversion, prefix-cache counters, and the install hint where vLLM is absent (the engine
itself needs a GPU)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from pivotrl.errors import PivotRLError
from pivotrl.pivot_envs.policies import SamplingParams, get_policy


def test_missing_vllm_names_the_extra():
    try:
        import vllm  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("vLLM is installed here")
    with pytest.raises(PivotRLError, match=r"pip install 'pivotrl\[vllm\]'"):
        get_policy("vllm:some/model")


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
