"""NeMo Gym pivot rows (Nemotron-RL-Agentic-*-Pivot-v1 format) in and out."""

from __future__ import annotations

import json

import pytest

from pivotrl.pivot_envs import load_pivots, pivot_to_row, row_to_pivot, write_jsonl, write_nemo_gym_rows
from pivotrl.pivot_envs.nemo_gym import DEFAULT_AGENTS, items_to_messages, messages_to_items
from pivotrl.pivot_envs.validate import validate_pivots
from tests.conftest import SHARED_DATA, shared_data
from tests.pivot_envs.nemo_gym_models import validate_row

SAMPLES = [
    "single_step_tool_use_with_argument_comparison/example.jsonl",
    "single_step_tool_use_with_argument_comparison/parallel_example.jsonl",
    "swe_pivot/example.jsonl",
    "terminus_judge/example.jsonl",
]


#: every file of NeMo Gym rows in ../shared/data, rollouts included (their extra fields must survive too)
ROW_FILES = sorted(str(p.relative_to(SHARED_DATA / "nemo_gym")) for p in SHARED_DATA.glob("nemo_gym/*/*.jsonl"))


def _json(value):
    """JSON normalisation: what a row is once written and read again (key order aside)."""
    return json.loads(json.dumps(value))


@pytest.mark.shared_data
@pytest.mark.parametrize("sample", SAMPLES)
def test_rows_load_validate_and_round_trip(sample):
    path = shared_data("nemo_gym", sample)
    pivots = load_pivots(path)
    assert len(pivots) == sum(1 for line in path.read_text().splitlines() if line.strip())
    assert validate_pivots(pivots).ok
    for pivot in pivots:
        back = row_to_pivot(pivot_to_row(pivot))
        assert (back.messages, back.reference, back.tools, back.id) == (pivot.messages, pivot.reference, pivot.tools, pivot.id)


@pytest.mark.shared_data
def test_parallel_expected_actions_are_kept():
    pivots = load_pivots(shared_data("nemo_gym", SAMPLES[1]))
    assert len(pivots[0].reference["tool_calls"]) == 3
    assert pivot_to_row(pivots[0])["expected_action"]["type"] == "function_call_batch"


@pytest.mark.shared_data
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


@pytest.mark.shared_data
def test_terminus_expected_answer_is_a_text_reference_scored_by_terminus():
    pivot = load_pivots(shared_data("nemo_gym", SAMPLES[3]))[0]
    assert pivot.domain == "terminal"
    assert "analysis" in json.loads(pivot.reference["content"])
    assert pivot.verifier == {"name": "terminus", "params": {}} and pivot.meta["harness"] == "terminus_2"


@pytest.mark.shared_data
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


# -- the round trip is lossless, and the rows written load in NeMo Gym's row models -----------------------

@pytest.mark.shared_data
@pytest.mark.parametrize("sample", ROW_FILES)
def test_every_shared_row_comes_back_as_it_came(sample, tmp_path):
    path = shared_data("nemo_gym", sample)
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    for line, row in enumerate(rows, start=1):
        assert _json(pivot_to_row(row_to_pivot(row, index=line), index=line)) == _json(row)
    # through a pivot file and back: what the Pivot does not model survives write_jsonl / load_pivots
    write_jsonl(load_pivots(path), tmp_path / "pivots.jsonl")
    write_nemo_gym_rows(load_pivots(tmp_path / "pivots.jsonl"), tmp_path / "rows.jsonl")
    assert [json.loads(line) for line in (tmp_path / "rows.jsonl").read_text().splitlines()] == _json(rows)


@pytest.mark.shared_data
@pytest.mark.parametrize("sample", ROW_FILES)
def test_rows_without_metadata_come_back_without_it(sample):
    """Reading a Terminus row adds its harness to the pivot's meta (the terminus verifier reads
    it); a row that had no metadata, or metadata without a harness, still comes back as it came."""
    path = shared_data("nemo_gym", sample)
    for line, row in enumerate((json.loads(t) for t in path.read_text().splitlines() if t.strip()), start=1):
        bare = {k: v for k, v in row.items() if k != "metadata"}
        assert _json(pivot_to_row(row_to_pivot(bare, index=line), index=line)) == _json(bare)
        other = {**bare, "metadata": {"category": "x"}}
        assert _json(pivot_to_row(row_to_pivot(other, index=line), index=line)) == _json(other)


UNKNOWN = {
    "uuid": 7,
    "agent_ref": {"type": "responses_api_agents", "name": "my_pivot_agent"},
    "pivot_tags": ["P1", "hard"],
    "metadata": {"category": "lookup", "source_reward": 1.0},
    "x_team_field": {"nested": [1, 2.5, None, True]},
    "responses_create_params": {
        "instructions": "Be brief.",
        "input": [{"role": "user", "content": "Weather in Oslo?"},
                  {"type": "reasoning", "id": "rs_1", "summary": [], "encrypted_content": "gAAA"},
                  {"type": "function_call", "id": "fc_1", "call_id": "c1", "name": "get_weather",
                   "arguments": '{"city":"Oslo"}', "status": "completed"},
                  {"type": "function_call_output", "call_id": "c1", "output": "3 C"},
                  {"role": "user", "content": [{"type": "input_text", "text": "And Rome?"}]}],
        "tools": [{"type": "function", "name": "get_weather", "description": None, "strict": True,
                   "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}],
        "temperature": 0.7, "top_p": None, "parallel_tool_calls": False,
        "tool_choice": {"type": "function", "name": "get_weather"}, "metadata": {"run": "a"},
        "x_vendor_knob": 3,
    },
    "expected_action": {"type": "function_call", "name": "get_weather", "arguments": '{"city": "Rome"}'},
}
#: UNKNOWN less the one field NeMo Gym itself refuses (its responses_create_params forbid extra keys)
KNOWN_TO_GYM = {**UNKNOWN, "responses_create_params": {
    k: v for k, v in UNKNOWN["responses_create_params"].items() if k != "x_vendor_knob"}}


@pytest.mark.parametrize("row", [
    UNKNOWN,
    {**{k: v for k, v in UNKNOWN.items() if k not in ("expected_action", "uuid")}, "expected_answer": "  42\n"},
    {**{k: v for k, v in UNKNOWN.items() if k != "expected_action"}, "expected_answer": 42, "metadata": None},
    {**_row(expected_answer=TERMINUS_ANSWER, metadata={"harness": "terminus_2", "category": "first_round"}),
     "agent_ref": {"type": "responses_api_agents", "name": "terminus_judge_simple_agent"}},
    {**_row(expected_action={"type": "message", "content": [{"type": "output_text", "text": "Which one?"}]}),
     "id": "legacy-7", "domain": "tool", "pivot": {"stats": {"k": 4, "mean": 0.5}}},
], ids=["unknown-fields", "text-answer", "number-answer", "terminus", "our-fields"])
def test_rows_with_unknown_fields_come_back_as_they_came(row, tmp_path):
    pivot = row_to_pivot(row, index=3)
    assert _json(pivot_to_row(pivot, index=3)) == _json(row)
    write_jsonl([pivot], tmp_path / "p.jsonl")
    assert _json(pivot_to_row(load_pivots(tmp_path / "p.jsonl")[0], index=3)) == _json(row)


def test_expected_answer_keeps_its_type_and_text_and_is_compared_exactly():
    from pivotrl.verifiers import get_verifier

    for answer in ("  42\n", 42, {"x": 1}):
        pivot = row_to_pivot(_row(expected_answer=answer))
        assert pivot.verifier == {"name": "exact", "params": {}}
        written = pivot_to_row(pivot)
        assert type(written["expected_answer"]) is type(answer) and written["expected_answer"] == answer
        assert "expected_action" not in written
        assert get_verifier(pivot.verifier).verify(pivot.reference, pivot).equivalent


def test_an_edited_pivot_is_written_from_its_new_value_with_the_rest_of_its_row():
    from dataclasses import replace

    pivot = row_to_pivot(UNKNOWN)
    edited = replace(pivot, id="new-id", messages=pivot.messages[:2],
                     reference={"role": "assistant", "content": "Which city?"})
    row = pivot_to_row(edited)
    assert row["uuid"] == "new-id" and row["expected_action"] == {"type": "message", "content": "Which city?"}
    assert items_to_messages(row["responses_create_params"]["input"]) == edited.messages
    assert "instructions" not in row["responses_create_params"]  # the system message is an input item now
    for key in ("agent_ref", "pivot_tags", "x_team_field", "metadata"):
        assert row[key] == UNKNOWN[key]
    for key in ("temperature", "tool_choice", "parallel_tool_calls", "x_vendor_knob", "tools"):
        assert row["responses_create_params"][key] == UNKNOWN["responses_create_params"][key]
    assert _json(row_to_pivot(row).to_dict()) == _json({**edited.to_dict(), "meta": row_to_pivot(row).meta})


def test_a_row_without_uuid_keeps_its_name_when_it_moves(tmp_path):
    rows = [_row(expected_answer=str(i)) for i in range(3)]
    for row in rows:
        del row["uuid"]
    pivots = load_pivots(rows)
    assert [p.id for p in pivots] == ["nemo-1", "nemo-2", "nemo-3"]
    write_nemo_gym_rows(pivots[1:], tmp_path / "rows.jsonl")  # nemo-2 is now on line 1
    written = [json.loads(line) for line in (tmp_path / "rows.jsonl").read_text().splitlines()]
    assert [r.get("uuid") for r in written] == ["nemo-2", "nemo-3"]
    assert [p.id for p in load_pivots(tmp_path / "rows.jsonl")] == ["nemo-2", "nemo-3"]


def test_pivots_not_read_from_rows_get_nemo_gyms_stock_agent_or_the_one_named(tmp_path):
    from pivotrl.pivot_envs import Pivot
    from tests.conftest import call

    one = Pivot.from_dict({"id": "p1", "domain": "tool", "messages": [{"role": "user", "content": "Oslo?"}],
                           "reference": {"role": "assistant", "tool_calls": [call("get_weather", city="Oslo")]}})
    two = Pivot.from_dict({**one.to_dict(), "id": "p2", "reference": {
        "role": "assistant", "tool_calls": [call("get_weather", city="Oslo"), call("get_weather", city="Rome")]}})
    text = Pivot.from_dict({**one.to_dict(), "id": "p3", "reference": {"role": "assistant", "content": "Which?"}})
    terminus = row_to_pivot(_row(expected_answer=TERMINUS_ANSWER))
    terminus = Pivot.from_dict({**terminus.to_dict(), "meta": {"harness": "terminus_2"}})  # not from a row now
    names = [pivot_to_row(p)["agent_ref"]["name"] for p in (one, two, text, terminus)]
    assert names == [DEFAULT_AGENTS["function_call"], DEFAULT_AGENTS["function_call_batch"],
                     DEFAULT_AGENTS["message"], DEFAULT_AGENTS["expected_answer"]]
    write_nemo_gym_rows([one, row_to_pivot(UNKNOWN)], tmp_path / "rows.jsonl", agent_ref="my_agent")
    written = [json.loads(line) for line in (tmp_path / "rows.jsonl").read_text().splitlines()]
    assert [r["agent_ref"] for r in written] == [{"type": "responses_api_agents", "name": "my_agent"}] * 2


def test_a_row_that_named_no_agent_names_none_unless_told():
    row = {k: v for k, v in UNKNOWN.items() if k != "agent_ref"}
    assert "agent_ref" not in pivot_to_row(row_to_pivot(row))
    assert pivot_to_row(row_to_pivot(row), agent_ref="mine")["agent_ref"]["name"] == "mine"


def test_a_bad_agent_ref_is_refused_before_anything_is_written(tmp_path):
    from pivotrl.errors import DataError

    with pytest.raises(DataError, match="agent_ref"):
        write_nemo_gym_rows([row_to_pivot(UNKNOWN)], tmp_path / "rows.jsonl", agent_ref={"name": "x"})
    assert not (tmp_path / "rows.jsonl").exists()


def test_trajectories_read_from_rows_keep_the_rows_fields_not_their_spelling():
    from pivotrl.pivot_envs import extract_candidates, load_trajectories

    trajectory = load_trajectories([KNOWN_TO_GYM])[0]
    assert "as_read" not in trajectory.meta["nemo_gym"]
    rows = [pivot_to_row(p) for p in extract_candidates([trajectory])]
    assert [r["agent_ref"] for r in rows] == [UNKNOWN["agent_ref"]] * len(rows)
    for row in rows:
        validate_row(row)


def _written_rows():
    """Rows pivotrl writes: the shipped datasets' candidates, NeMo Gym's rows and the ones above."""
    from pivotrl.pivot_envs import list_domains, shipped_pivots

    for name in list_domains():
        for pivot in shipped_pivots(name)[:40]:
            yield name, pivot_to_row(pivot)
    yield "terminus", pivot_to_row(row_to_pivot(_row(expected_answer=TERMINUS_ANSWER)), agent_ref="t")
    yield "unknown-fields", pivot_to_row(row_to_pivot(KNOWN_TO_GYM))
    if SHARED_DATA.exists():
        for sample in SAMPLES:
            for line, pivot in enumerate(load_pivots(SHARED_DATA / "nemo_gym" / sample), start=1):
                yield sample, pivot_to_row(pivot, index=line, agent_ref="a")


def test_written_rows_load_in_nemo_gyms_row_models():
    """The models of tests/pivot_envs/nemo_gym_models.py, transcribed from NeMo Gym's source."""
    kinds = set()
    for name, row in _written_rows():
        validate_row(row)
        kinds.add(row.get("expected_action", {}).get("type", "expected_answer"))
        assert row["responses_create_params"].get("tool_choice", "auto") != "required", name
    assert kinds == {"function_call", "function_call_batch", "message", "expected_answer"}


def test_nemo_gyms_row_models_refuse_what_pivotrl_once_wrote():
    """The transcribed models are not vacuous: the two faults pivotrl 0.1 wrote are refused."""
    import pydantic

    good = pivot_to_row(row_to_pivot(_row(expected_action={"type": "message", "content": "ok"})), agent_ref="a")
    validate_row(good)
    parts = {**good, "expected_action": {"type": "message", "content": [{"type": "output_text", "text": "ok"}]}}
    no_id = {**good, "responses_create_params": {"input": [{"type": "reasoning", "summary": []}]}}
    for bad in (parts, no_id, {k: v for k, v in good.items() if k != "agent_ref"}):
        with pytest.raises(pydantic.ValidationError):
            validate_row(bad)


def test_written_rows_load_in_nemo_gyms_own_models_where_installed():
    """NeMo Gym itself (Python >= 3.12, not a dependency): its request and agent-ref models."""
    openai_utils = pytest.importorskip("nemo_gym.openai_utils")
    config_types = pytest.importorskip("nemo_gym.config_types")
    for _, row in _written_rows():
        openai_utils.NeMoGymResponseCreateParamsNonStreaming.model_validate(row["responses_create_params"])
        config_types.AgentServerRef.model_validate(row["agent_ref"])


# -- a pivot keeps a row's spelling as a delta, not a second copy of its input -----------------------------

def _size(value) -> int:
    from pivotrl.jsonsafe import dumps_line

    return len(dumps_line(value))


@pytest.mark.shared_data
@pytest.mark.parametrize("sample", ROW_FILES)
def test_a_pivot_file_stays_close_to_the_size_of_its_rows(sample):
    """Both measured as write_jsonl writes them; a whole second copy of the input made them 1.7x."""
    path = shared_data("nemo_gym", sample)
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    pivots = [row_to_pivot(row, index=line).to_dict() for line, row in enumerate(rows, start=1)]
    assert sum(map(_size, pivots)) <= 1.25 * sum(map(_size, rows))


SPELLED = [  # one conversation in pivotrl's spelling: the items each variant below respells one of
    {"type": "message", "role": "system", "content": "You book tables."},
    {"type": "message", "role": "user", "content": "A table for two at eight, please." * 20},
    {"type": "reasoning", "id": "rs_2", "summary": [{"type": "summary_text", "text": "Look up the slots." * 20}]},
    {"type": "function_call", "name": "find_slots", "arguments": '{"time": "20:00"}', "call_id": "c1"},
    {"type": "function_call_output", "call_id": "c1", "output": "[\"20:00\", \"20:30\"]" * 20},
    {"type": "message", "role": "assistant", "content": "Eight is free. Shall I book it?" * 20},
    {"type": "message", "role": "user", "content": "Yes."},
]
RESPELL = {
    "id": lambda item: {**item, "id": "fc_9f8e7d6c5b4a"},
    "no-type": lambda item: {k: v for k, v in item.items() if k != "type"} if "role" in item else item,
    "unknown-key": lambda item: {**item, "x_trace": {"span": [1, 2.5, None]}, "status": None},
    "parts": lambda item: {**item, "content": [{"type": "output_text", "text": item["content"][:7], "annotations": []},
                                               {"type": "output_text", "text": item["content"][7:], "logprobs": []}]}
    if isinstance(item.get("content"), str) and len(item["content"]) > 7 else item,
    "padded-reasoning": lambda item: {**item, "encrypted_content": None, "summary": [
        {"type": "summary_text", "text": "\n" + item["summary"][0]["text"] + "\n\n"}]} if item.get("type") == "reasoning" else item,
}


def _spelled_row(items, **fields) -> dict:
    return {"uuid": "hostile", "responses_create_params": {"input": items},
            "expected_action": {"type": "function_call", "name": "book", "arguments": "{}"}, **fields}


def _memo_size(pivot) -> int:
    return _size(pivot.meta["nemo_gym"])


def test_rows_spelled_as_pivotrl_writes_them_keep_no_spelling():
    row = _spelled_row(SPELLED, metadata={})
    pivot = row_to_pivot(row)
    assert pivot.meta["nemo_gym"] == {"spelling": {}}
    assert _json(pivot_to_row(pivot)) == _json(row)


@pytest.mark.parametrize("respell", sorted(RESPELL))
@pytest.mark.parametrize("at", range(len(SPELLED)))
def test_one_item_spelled_otherwise_costs_about_that_item_not_the_input(respell, at, tmp_path):
    items = [RESPELL[respell](item) if i == at else item for i, item in enumerate(SPELLED)]
    row = _spelled_row(items)
    pivot = row_to_pivot(row)
    assert _json(pivot_to_row(pivot)) == _json(row)
    write_jsonl([pivot], tmp_path / "p.jsonl")
    assert _json(pivot_to_row(load_pivots(tmp_path / "p.jsonl")[0])) == _json(row)
    assert _memo_size(pivot) < 300 and _size(items) > 2500  # not a second copy of the input


def test_items_pivotrl_cannot_model_are_kept_whole_and_the_others_as_deltas():
    empty_reasoning = {"type": "reasoning", "id": "rs_x", "summary": [], "encrypted_content": "gAAA"}
    empty_reply = {"type": "message", "role": "assistant", "content": ""}  # before a call: not written by pivotrl
    items = [*SPELLED[:3], empty_reply, SPELLED[3], SPELLED[4], empty_reasoning, *SPELLED[5:]]
    items[1] = RESPELL["parts"](items[1])
    row = _spelled_row(items, metadata={"k": 1})
    pivot = row_to_pivot(row)
    assert _json(pivot_to_row(pivot)) == _json(row)
    assert _memo_size(pivot) < 400  # the long texts are not in it


def test_instructions_read_into_the_system_message_are_not_kept_twice():
    instructions = "You book tables, politely and briefly. " * 50
    row = _spelled_row(SPELLED[1:])
    row["responses_create_params"]["instructions"] = instructions
    pivot = row_to_pivot(row)
    assert pivot.messages[0] == {"role": "system", "content": instructions}
    assert _json(pivot_to_row(pivot)) == _json(row)
    assert _memo_size(pivot) < 200


def test_an_edited_pivot_drops_a_spelling_that_no_longer_fits():
    from dataclasses import replace

    row = _spelled_row([RESPELL["parts"](RESPELL["id"](item)) for item in SPELLED])
    pivot = row_to_pivot(row)
    edited = replace(pivot, messages=[*pivot.messages[:2], {"role": "user", "content": "Now."}])
    written = pivot_to_row(edited)
    assert items_to_messages(written["responses_create_params"]["input"]) == edited.messages
    shortened = replace(pivot, messages=pivot.messages[:4])
    assert items_to_messages(pivot_to_row(shortened)["responses_create_params"]["input"]) == shortened.messages


def _as_older_pivotrl_kept_it(pivot, row):
    """The memo pivotrl wrote before spelling deltas: the row's value whole under its path, in as_read."""
    from dataclasses import replace

    from pivotrl.pivot_envs.nemo_gym import _GROUPS, _get

    memo = dict(pivot.meta["nemo_gym"])
    names = {path.rsplit(".", 1)[-1]: path for paths in _GROUPS.values() for path in paths}
    spelling = memo.pop("spelling")
    absent = [names.get(name, name) for name in memo.pop("absent", [])]
    if "tools" not in row["responses_create_params"] and "responses_create_params.tools" not in absent:
        absent.append("responses_create_params.tools")  # older pivotrl wrote "tools": [] for a tool-less pivot
    memo.update({"absent": absent} if absent else {})
    memo.update({"as_read": {names[name]: _get(row, names[name]) for name in spelling}} if spelling else {})
    return replace(pivot, meta={**pivot.meta, "nemo_gym": memo})


@pytest.mark.parametrize("row", [
    UNKNOWN,
    _spelled_row([RESPELL["parts"](RESPELL["no-type"](item)) for item in SPELLED], metadata={"a": 1}),
    {**_spelled_row(SPELLED), "responses_create_params": {"input": SPELLED, "tools": []}},
    _row(expected_answer=TERMINUS_ANSWER, metadata={"harness": "terminus_2"}),
], ids=["unknown-fields", "respelled", "empty-tools", "no-tools"])
def test_pivots_written_by_older_versions_still_write_their_row_back(row, tmp_path):
    old = _as_older_pivotrl_kept_it(row_to_pivot(row, index=2), row)
    assert "spelling" not in old.meta["nemo_gym"]
    assert _json(pivot_to_row(old, index=2)) == _json(row)
    write_jsonl([old], tmp_path / "old.jsonl")
    assert _json(pivot_to_row(load_pivots(tmp_path / "old.jsonl")[0], index=2)) == _json(row)


def test_trajectories_keep_no_spelling_and_write_no_empty_tools():
    from pivotrl.pivot_envs import extract_candidates, load_trajectories

    trajectory = load_trajectories([_spelled_row([RESPELL["no-type"](item) for item in SPELLED])])[0]
    assert trajectory.meta["nemo_gym"]["spelling"] == {}
    for row in (pivot_to_row(p) for p in extract_candidates([trajectory])):
        assert "tools" not in row["responses_create_params"]
        validate_row(row, routed=False)  # the row named no agent, so none is written


def test_any_mix_of_respelled_items_comes_back_as_it_came():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=60, deadline=None)
    @given(st.lists(st.lists(st.sampled_from(sorted(RESPELL)), max_size=3), min_size=len(SPELLED), max_size=len(SPELLED)))
    def check(respells):
        items = list(SPELLED)
        for i, names in enumerate(respells):
            for name in names:
                items[i] = RESPELL[name](items[i])
        row = _spelled_row(items, metadata={})
        pivot = row_to_pivot(row)
        assert _json(pivot_to_row(pivot)) == _json(row)
        assert _memo_size(pivot) < 1500  # the whole input is over 2.5 kB

    check()
