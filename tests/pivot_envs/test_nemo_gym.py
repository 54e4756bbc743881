"""NeMo Gym pivot rows (Nemotron-RL-Agentic-*-Pivot-v1 format) in and out."""

from __future__ import annotations

import json

import pytest

from pivotrl.pivot_envs import load_pivots, pivot_to_row, row_to_pivot
from pivotrl.pivot_envs.nemo_gym import items_to_messages, messages_to_items
from pivotrl.pivot_envs.validate import validate_pivots
from tests.conftest import shared_data

pytestmark = pytest.mark.shared_data

SAMPLES = [
    "single_step_tool_use_with_argument_comparison/example.jsonl",
    "single_step_tool_use_with_argument_comparison/parallel_example.jsonl",
    "swe_pivot/example.jsonl",
    "terminus_judge/example.jsonl",
]


@pytest.mark.parametrize("sample", SAMPLES)
def test_rows_load_validate_and_round_trip(sample):
    path = shared_data("nemo_gym", sample)
    pivots = load_pivots(path)
    assert len(pivots) == sum(1 for line in path.read_text().splitlines() if line.strip())
    assert validate_pivots(pivots).ok
    for pivot in pivots:
        back = row_to_pivot(pivot_to_row(pivot))
        assert (back.messages, back.reference, back.tools, back.id) == (pivot.messages, pivot.reference, pivot.tools, pivot.id)


def test_parallel_expected_actions_are_kept():
    pivots = load_pivots(shared_data("nemo_gym", SAMPLES[1]))
    assert len(pivots[0].reference["tool_calls"]) == 3
    assert pivot_to_row(pivots[0])["expected_action"]["type"] == "function_call_batch"


def test_reasoning_items_and_tool_outputs_become_chat_messages():
    pivots = load_pivots(shared_data("nemo_gym", SAMPLES[0]))
    with_calls = next(p for p in pivots if any(m.get("tool_calls") for m in p.messages))
    assistant = next(m for m in with_calls.messages if m.get("tool_calls"))
    assert assistant.get("reasoning_content")
    tool_message = with_calls.messages[with_calls.messages.index(assistant) + 1]
    assert tool_message["role"] == "tool"
    assert tool_message["tool_call_id"] == assistant["tool_calls"][0]["id"]
    assert tool_message["name"] == assistant["tool_calls"][0]["function"]["name"]
    assert with_calls.tools[0]["type"] == "function" and "name" in with_calls.tools[0]["function"]


def test_terminus_expected_answer_is_a_text_reference_scored_by_terminus():
    pivot = load_pivots(shared_data("nemo_gym", SAMPLES[3]))[0]
    assert pivot.domain == "terminal"
    assert "analysis" in json.loads(pivot.reference["content"])
    assert pivot.verifier == {"name": "terminus", "params": {}} and pivot.meta["harness"] == "terminus_2"


@pytest.mark.parametrize("env_id", ["pivot/tool-v0", "pivot/terminal-v0"])
@pytest.mark.parametrize("as_list", [False, True])
def test_terminus_rows_never_reward_any_text_reply(env_id, as_list):
    import gymnasium as gym

    path = shared_data("nemo_gym", SAMPLES[3])
    env = gym.make(env_id, pivots=load_pivots(path) if as_list else str(path))
    for seed in range(3):
        env.reset(seed=seed)
        reference = env.unwrapped.pivot.reference
        assert env.step("I checked the environment and everything looks fine.")[1] == 0.0
        env.reset(options={"pivot_id": env.unwrapped.pivot.id})
        assert env.step(reference)[1] == 1.0
        env.reset(options={"pivot_id": env.unwrapped.pivot.id})
        _, reward, _, _, info = env.step('{"analysis": "done", "plan": "none", "commands": []}')
        assert reward == 0.0 and info["verdict"].reason


TERMINUS_ANSWER = json.dumps({"analysis": "a", "plan": "p", "commands": [{"keystrokes": "ls -la\n", "duration": 0.1}],
                              "task_complete": False})


def _row(**fields) -> dict:
    return {"uuid": "r1", "responses_create_params": {"input": [{"role": "user", "content": "Look around."}]}, **fields}


def test_terminus_is_detected_from_the_answer_without_metadata():
    pivot = row_to_pivot(_row(expected_answer=TERMINUS_ANSWER))
    assert (pivot.domain, pivot.verifier["name"], pivot.meta["harness"]) == ("terminal", "terminus", "terminus_2")
    message = row_to_pivot(_row(expected_action={"type": "message", "content": TERMINUS_ANSWER}))
    assert message.verifier["name"] == "terminus"


def test_other_expected_answers_are_compared_exactly_never_as_any_text():
    from pivotrl.verifiers import get_verifier

    pivot = row_to_pivot(_row(expected_answer="42"))
    assert pivot.verifier == {"name": "exact", "params": {}}
    verifier = get_verifier(pivot.verifier)
    assert verifier.verify("42", pivot).equivalent and not verifier.verify("The answer is 7.", pivot).equivalent


def test_message_rows_keep_the_domain_verifier():
    """An expected chat message is scored by the kind of turn (reply, not a tool call), as NeMo
    Gym's argument-comparison server does; its wording is a judge's work."""
    pivot = row_to_pivot(_row(expected_action={"type": "message", "content": "Which order do you mean?"}))
    assert pivot.verifier is None


def test_terminus_pivots_export_as_expected_answer_rows_and_come_back():
    pivot = row_to_pivot(_row(expected_answer=TERMINUS_ANSWER, metadata={"harness": "terminus_2"}))
    row = pivot_to_row(pivot)
    assert "expected_action" not in row and row["expected_answer"] == TERMINUS_ANSWER
    assert row["metadata"]["harness"] == "terminus_2"
    back = row_to_pivot(row)
    assert (back.reference, back.verifier) == (pivot.reference, pivot.verifier)


def test_extracted_terminus_turns_get_the_terminus_verifier():
    from pivotrl.pivot_envs import extract_candidates, load_trajectories

    trajectories = load_trajectories([_row(expected_answer=TERMINUS_ANSWER)])
    pivots = extract_candidates(trajectories)
    assert [p.verifier["name"] for p in pivots] == ["terminus"]


def test_items_round_trip_without_shared_data():
    items = [
        {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]},
        {"type": "reasoning", "summary": [{"type": "summary_text", "text": "look it up"}]},
        {"type": "function_call", "name": "f", "arguments": '{"a": 1}', "call_id": "c1"},
        {"type": "function_call", "name": "g", "arguments": "{}", "call_id": "c2"},
        {"type": "function_call_output", "call_id": "c1", "output": "one"},
        {"type": "function_call_output", "call_id": "c2", "output": "two"},
        {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "done"}]},
    ]
    messages = items_to_messages(items)
    assert [m["role"] for m in messages] == ["user", "assistant", "tool", "tool", "assistant"]
    assert len(messages[1]["tool_calls"]) == 2 and messages[1]["reasoning_content"] == "look it up"
    assert items_to_messages(messages_to_items(messages)) == messages


def test_bad_row_names_the_field(tmp_path):
    from pivotrl.errors import DataError

    path = tmp_path / "rows.jsonl"
    path.write_text(json.dumps({"responses_create_params": {"input": [{"role": "user", "content": "x"}]},
                                "expected_action": {"type": "telepathy"}}) + "\n")
    with pytest.raises(DataError, match=r"rows.jsonl:1: field 'expected_action.type'"):
        load_pivots(path)
