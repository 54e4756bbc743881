"""Responses-API output as actions, as NeMo Gym sends it: output items, one item, or a whole
response object; accepted by every verifier and by ``env.step``."""

from __future__ import annotations

import json

import gymnasium as gym
import pytest

import pivotrl  # noqa: F401 - registers the env ids
from pivotrl.verifiers import get_verifier, parse_action
from tests.conftest import call, make_pivot

CALL = {"type": "function_call", "call_id": "call_abc", "name": "get_weather",
        "arguments": json.dumps({"city": "Oslo"}), "status": "completed", "id": "fc_1"}
MESSAGE = {"type": "message", "role": "assistant", "id": "msg_1", "status": "completed",
           "content": [{"type": "output_text", "text": "Checking the weather.", "annotations": []}]}
REASONING = {"type": "reasoning", "id": "rs_1", "summary": [{"type": "summary_text", "text": "Oslo, today."}]}


def test_output_items_become_calls_text_and_reasoning():
    action = parse_action([REASONING, MESSAGE, CALL])
    assert action.kind == "tool_calls" and action.format == "responses"
    assert [(c.name, c.arguments, c.id) for c in action.tool_calls] == [("get_weather", {"city": "Oslo"}, "call_abc")]
    assert action.text == "Checking the weather." and action.reasoning == "Oslo, today."


def test_a_response_object_and_a_single_item_are_accepted():
    response = {"id": "resp_1", "object": "response", "output": [CALL]}
    assert parse_action(response).tool_calls[0].name == "get_weather"
    assert parse_action(CALL).tool_calls[0].arguments == {"city": "Oslo"}


def test_a_message_only_output_is_a_text_reply_and_text_calls_in_it_are_read():
    assert parse_action([REASONING, MESSAGE]).kind == "text"
    raw = {**MESSAGE, "content": [{"type": "output_text",
                                   "text": '<tool_call>{"name": "get_weather", "arguments": {"city": "Oslo"}}</tool_call>'}]}
    assert parse_action([raw]).tool_calls[0].name == "get_weather"


@pytest.mark.parametrize(("items", "reason"), [
    ([{**CALL, "arguments": "{'city': 'Oslo'}"}], "not valid JSON"),
    ([{**CALL, "name": ""}], "no function name"),
    ([{**CALL, "status": "incomplete"}], "incomplete"),
    ([{"type": "function_call_output", "call_id": "x", "output": "1"}], "only function_call"),
    ([{**MESSAGE, "role": "user"}], "not the assistant's"),
    ([REASONING], "only reasoning"),
    ([{**CALL, "arguments": "x" * 300_000}], "over the limit"),
])
def test_bad_items_are_invalid_with_a_reason(items, reason):
    action = parse_action(items)
    assert action.kind == "invalid" and reason in action.error


@pytest.mark.parametrize("verifier", ["tool_schema", "exact", "fuzzy"])
def test_every_verifier_scores_responses_items(verifier):
    pivot = make_pivot(call("get_weather", city="Oslo"))
    v = get_verifier(verifier)
    assert v.verify([REASONING, CALL], pivot).score == 1.0
    wrong = {**CALL, "arguments": json.dumps({"city": "Bergen"})}
    assert v.verify([wrong], pivot).score < 1.0
    batch = v.verify_batch([[CALL], {"object": "response", "output": [wrong]}], pivot)
    assert batch[0].score == 1.0 and batch[1].score < 1.0


def test_env_step_accepts_responses_output():
    pivot = make_pivot(call("get_weather", city="Oslo"))
    env = gym.make("pivot/tool-v0", pivots=[pivot])
    env.reset(seed=0)
    assert env.unwrapped.action_space.contains([CALL])
    assert env.unwrapped.action_space.contains({"object": "response", "output": [CALL]})
    _, reward, terminated, _, info = env.step({"object": "response", "output": [MESSAGE, CALL]})
    assert reward == 1.0 and terminated and info["verdict"].equivalent
