"""The OpenAI-compatible policy against a real ``transformers serve`` endpoint on a tiny random
model: k actions per pivot in input order, ``n`` emulated (the server ignores it), tools sent,
and an endpoint killed mid-run (errored actions per lost sample, counted, no hang); those are
marked integration one by one, so the response parsing beside them, which needs no server, runs
everywhere."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest

from pivotrl.pivot_envs import Pivot, Trajectory
from pivotrl.pivot_envs.extract import extract_candidates
from pivotrl.pivot_envs.policies import Policy, SamplingParams, get_policy, prefix_order

os.environ.setdefault("HF_HUB_OFFLINE", "1")

TOOL = {"type": "function", "function": {
    "name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}
# ChatML that renders tool schemas, so a request's tools show in its prompt token count
TEMPLATE = (
    "{%- if tools -%}{{- '<|im_start|>system\\n<tools>' + (tools | tojson) + '</tools><|im_end|>\\n' -}}{%- endif -%}"
    "{%- for message in messages -%}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + (message['content'] or '') + '<|im_end|>\\n' -}}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\\n' -}}{%- endif -%}"
)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    for name in ("torch", "transformers", "openai"):
        pytest.importorskip(name)
    import shutil

    from transformers import AutoTokenizer

    from pivotrl.testing.judge_server import build_tiny_model

    target = tmp_path_factory.mktemp("tiny-policy-served")
    shutil.copytree(build_tiny_model(), target, dirs_exist_ok=True)
    tokenizer = AutoTokenizer.from_pretrained(target)
    tokenizer.chat_template = TEMPLATE
    tokenizer.save_pretrained(target)
    return target


@pytest.fixture(scope="module")
def server(model_dir):
    from pivotrl.testing.judge_server import TinyServer

    with TinyServer(model_dir, startup_timeout=120) as running:
        yield running


def _pivots(n_traj: int = 2) -> list[Pivot]:
    trajectories = []
    for n in range(n_traj):
        call = {"id": f"c{n}", "type": "function", "function": {"name": "get_weather",
                                                                "arguments": json.dumps({"city": f"c{n}"})}}
        trajectories.append(Trajectory.from_dict({"id": f"t{n}", "domain": "tool", "tools": [TOOL], "messages": [
            {"role": "user", "content": f"Weather in city {n}?"},
            {"role": "assistant", "content": None, "tool_calls": [call]},
            {"role": "tool", "tool_call_id": f"c{n}", "content": "21 C"},
            {"role": "assistant", "content": "It is 21 C."}]}))
    pivots = extract_candidates(trajectories)
    # trajectories interleaved, first turns first: the work order (grouped, longest first) differs
    return sorted(pivots, key=lambda p: (p.source["turn"], p.source["trajectory_id"]))


@pytest.mark.integration
def test_k_actions_per_pivot_in_input_order_with_n_emulated(server):
    pivots = _pivots()
    assert prefix_order(pivots) != list(range(len(pivots)))
    policy = get_policy(f"openai:{server.base_url}#{server.model}", max_retries=0, concurrency=4)
    assert isinstance(policy, Policy)
    groups = policy.sample(pivots, 3, SamplingParams(temperature=1.0, max_tokens=6, seed=7))
    assert len(groups) == len(pivots) and all(len(g) == 3 for g in groups)
    assert all(a.error is None and a.finish_reason in {"stop", "length"} for g in groups for a in g)
    stats = policy.stats()
    assert policy.n_honoured is False and stats.extra["n_honoured"] is False
    assert stats.requests == 3 * len(pivots)  # one n=3 request per pivot answered once, then 2 singles each
    assert stats.samples == 3 * len(pivots) and stats.failures == 0
    assert stats.prompt_tokens > 0 and stats.completion_tokens > 0
    # greedy is deterministic per prompt: each pivot alone gives what it got in the batch
    greedy = SamplingParams(temperature=0.0, max_tokens=6)
    batch = policy.sample(pivots, 1, greedy)
    for pivot, group in zip(pivots, batch, strict=True):
        alone = policy.sample([pivot], 1, greedy)[0][0]
        assert alone.text == group[0].text
    # known not to honour n: later calls send k single requests straight away
    before = policy.stats().requests
    policy.sample(pivots[:1], 4, SamplingParams(max_tokens=4, seed=1))
    assert policy.stats().requests - before == 4


@pytest.mark.integration
def test_tools_are_sent_to_the_server(server):
    pivot = _pivots(1)[0]
    counts = {}
    for send in (True, False):
        policy = get_policy(f"openai:{server.base_url}#{server.model}", max_retries=0, send_tools=send,
                            n_mode="emulate")
        policy.sample([pivot], 1, SamplingParams(max_tokens=2, temperature=0))
        counts[send] = policy.stats().prompt_tokens
    assert counts[True] > counts[False] + 10  # the schema was rendered into the prompt server-side


@pytest.mark.integration
def test_unreachable_endpoint_gives_errors_per_sample():
    from pivotrl.testing.judge_server import free_port

    policy = get_policy(f"openai:http://127.0.0.1:{free_port()}/v1#m", max_retries=0, timeout=5,
                        max_consecutive_failures=3, concurrency=1)
    began = time.monotonic()
    groups = policy.sample(_pivots(), 2, SamplingParams(max_tokens=4))
    assert time.monotonic() - began < 30
    assert [len(g) for g in groups] == [2] * 4
    assert all(a.error and a.text == "" for g in groups for a in g)
    assert "APIConnectionError" in groups[0][0].error or "not sent" in groups[0][0].error
    assert sum("not sent: the endpoint failed 3 requests in a row" in a.error for g in groups for a in g) == 2  # the 4th pivot
    stats = policy.stats()
    assert stats.failures == stats.samples == 8
    assert stats.requests == 3  # the rest were not sent once the endpoint was taken for dead


@pytest.mark.integration
def test_server_killed_mid_run_loses_only_its_samples(model_dir):
    from pivotrl.testing.judge_server import TinyServer

    pivots = _pivots(4)
    k = 4
    with TinyServer(model_dir, startup_timeout=120) as doomed:
        policy = get_policy(f"openai:{doomed.base_url}#{doomed.model}", max_retries=1, timeout=20,
                            concurrency=2, n_mode="emulate")
        box: dict = {}
        worker = threading.Thread(target=lambda: box.update(out=policy.sample(pivots, k, SamplingParams(
            max_tokens=24, seed=0))))
        worker.start()
        deadline = time.monotonic() + 60
        while policy.stats().requests < 6 and time.monotonic() < deadline:
            time.sleep(0.05)
        doomed.kill()
        worker.join(timeout=90)
        assert not worker.is_alive(), "sampling hung after the server died"
    groups = box["out"]
    assert [len(g) for g in groups] == [k] * len(pivots)
    actions = [a for g in groups for a in g]
    ok = [a for a in actions if a.error is None]
    lost = [a for a in actions if a.error is not None]
    assert len(ok) >= 4 and lost  # answered before the kill, lost after it
    assert all(a.text == "" for a in lost)
    assert all(("Connection" in a.error or "not sent" in a.error or "Timeout" in a.error) for a in lost)
    stats = policy.stats()
    assert stats.failures == len(lost) and stats.samples == len(actions)


# no server needed: a parsed response becomes a sampled action
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
