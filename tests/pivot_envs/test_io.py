"""Reading trajectories and pivots: every format, and errors that name file, line, field."""

from __future__ import annotations

import json
import os

import pytest

from pivotrl.errors import DataError
from pivotrl.pivot_envs import (
    Pivot,
    Trajectory,
    extract_candidates,
    load_pivots,
    load_trajectories,
    write_jsonl,
)
from pivotrl.pivot_envs.extract import ExtractionReport
from tests.conftest import BOOKING_TOOLS, call

TRAJ = {
    "id": "t1", "domain": "tool",
    "messages": [
        {"role": "system", "content": "You book travel."},
        {"role": "user", "content": "Weather in Oslo and Rome?"},
        {"role": "assistant", "content": None, "tool_calls": [call("get_weather", city="Oslo"), call("get_weather", city="Rome")]},
        {"role": "tool", "tool_call_id": "call_get_weather", "content": "4C"},
        {"role": "tool", "tool_call_id": "call_get_weather", "content": "18C"},
        {"role": "assistant", "content": "Oslo 4C, Rome 18C."},
        {"role": "user", "content": "Book Oslo to Rome."},
        {"role": "assistant", "content": None, "tool_calls": [call("book_flight", origin="Oslo", destination="Rome")]},
    ],
    "tools": BOOKING_TOOLS,
}


def write_lines(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_extract_one_candidate_per_assistant_turn_keeping_parallel_calls():
    pivots = extract_candidates([Trajectory.from_dict(TRAJ)])
    assert [p.id for p in pivots] == ["t1:0", "t1:1", "t1:2"]
    first = pivots[0]
    assert first.source == {"trajectory_id": "t1", "turn": 0, "message_index": 2}
    assert [m["role"] for m in first.messages] == ["system", "user"]
    assert len(first.reference["tool_calls"]) == 2  # parallel calls are kept
    assert pivots[2].messages == TRAJ["messages"][:7]
    assert first.verifier == {"name": "tool_schema", "params": {}}
    assert first.tools == BOOKING_TOOLS


def test_jsonl_round_trip(tmp_path):
    path = tmp_path / "t.jsonl"
    write_jsonl([TRAJ], path)
    assert load_trajectories(path)[0] == Trajectory.from_dict(TRAJ)
    pivots_path = tmp_path / "p.jsonl"
    write_jsonl(extract_candidates(load_trajectories(path)), pivots_path)
    assert [p.id for p in load_pivots(pivots_path)] == ["t1:0", "t1:1", "t1:2"]


def test_parquet_and_json_array_and_datasets(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    record = {**TRAJ, "tools": json.dumps(TRAJ["tools"])}  # schemas as a JSON string column, as HF datasets ship them
    pq.write_table(pa.Table.from_pylist([record]), tmp_path / "t.parquet")
    from_parquet = load_trajectories(tmp_path / "t.parquet")[0]
    assert from_parquet.messages[2]["tool_calls"][1]["function"]["arguments"] == '{"city": "Rome"}'
    assert from_parquet.tools == Trajectory.from_dict(TRAJ).tools
    (tmp_path / "t.json").write_text(json.dumps([TRAJ]))
    assert load_trajectories(tmp_path / "t.json")[0].id == "t1"
    datasets = pytest.importorskip("datasets")
    dataset = datasets.Dataset.from_list([record])
    assert load_trajectories(dataset)[0].messages == from_parquet.messages


def test_sharegpt_conversations_are_converted():
    record = {"id": "s1", "domain": "tool", "system": "Be helpful.", "tools": json.dumps(BOOKING_TOOLS),
              "conversations": [
                  {"from": "human", "value": "Weather in Oslo?"},
                  {"from": "function_call", "value": json.dumps({"name": "get_weather", "arguments": {"city": "Oslo"}})},
                  {"from": "observation", "value": "4C"},
                  {"from": "gpt", "value": '<tool_call>{"name": "get_weather", "arguments": {"city": "Rome"}}</tool_call>'},
                  {"from": "observation", "value": "18C"},
                  {"from": "gpt", "value": "Oslo 4C, Rome 18C."}]}
    traj = load_trajectories([record])[0]
    roles = [m["role"] for m in traj.messages]
    assert roles == ["system", "user", "assistant", "tool", "assistant", "tool", "assistant"]
    assert traj.messages[2]["tool_calls"][0]["function"]["name"] == "get_weather"
    assert traj.messages[3]["tool_call_id"] == traj.messages[2]["tool_calls"][0]["id"]
    assert json.loads(traj.messages[4]["tool_calls"][0]["function"]["arguments"]) == {"city": "Rome"}
    assert traj.messages[-1]["content"] == "Oslo 4C, Rome 18C."


def test_malformed_jsonl_line_names_file_and_line(tmp_path):
    path = write_lines(tmp_path / "bad.jsonl", [json.dumps(TRAJ), "{not json", json.dumps(TRAJ)])
    with pytest.raises(DataError) as info:
        load_trajectories(path)
    assert info.value.path == str(path) and info.value.line == 2
    assert f"{path}:2: invalid JSON" in str(info.value)


@pytest.mark.parametrize(("mutate", "field", "message"), [
    (lambda r: r.pop("messages"), "messages", "missing required field"),
    (lambda r: r.pop("id"), "id", "missing required field"),
    (lambda r: r.update(messages=[]), "messages", "the conversation is empty"),
    (lambda r: r["messages"][1].update(role="robot"), "messages[1].role", "role must be one of"),
    (lambda r: r["messages"][2]["tool_calls"][1]["function"].update(arguments='{"city": '),
     "messages[2].tool_calls[1].function.arguments", "not valid JSON"),
    (lambda r: r["messages"][2]["tool_calls"][0]["function"].pop("name"), "messages[2].tool_calls[0].function.name", "no function name"),
    (lambda r: r.update(tools=[{"type": "function", "function": {"description": "x"}}]), "tools[0].function.name", "no name"),
])
def test_bad_records_name_the_field(tmp_path, mutate, field, message):
    record = json.loads(json.dumps(TRAJ))
    mutate(record)
    path = write_lines(tmp_path / "t.jsonl", [json.dumps(TRAJ), json.dumps(record)])
    with pytest.raises(DataError) as info:
        load_trajectories(path)
    assert (info.value.line, info.value.field) == (2, field)
    assert message in str(info.value) and f"{path}:2" in str(info.value)


def test_invalid_utf8_line_is_reported(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_bytes(json.dumps(TRAJ).encode() + b"\n" + b'{"id": "\xff"}\n')
    with pytest.raises(DataError, match=r"t.jsonl:2: invalid UTF-8"):
        load_trajectories(path)


def test_missing_file_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="file not found"):
        load_trajectories(tmp_path / "nope.jsonl")


def test_trajectory_without_assistant_turn_yields_no_candidate_and_says_why():
    record = {**TRAJ, "messages": TRAJ["messages"][:2]}
    report = ExtractionReport()
    assert extract_candidates([Trajectory.from_dict(record)], report=report) == []
    assert report.skipped == [("t1", "no assistant turn")]


def test_pivot_requires_an_assistant_reference():
    with pytest.raises(DataError, match="reference must be an assistant message"):
        Pivot.from_dict({"id": "p", "domain": "tool", "messages": [{"role": "user", "content": "x"}],
                         "reference": {"role": "user", "content": "y"}})


def test_load_pivots_rejects_records_that_are_neither(tmp_path):
    path = write_lines(tmp_path / "p.jsonl", [json.dumps({"id": "x", "domain": "tool", "prompt": "hi"})])
    with pytest.raises(DataError, match=r"p.jsonl:1: field 'reference'"):
        load_pivots(path)


def test_write_jsonl_is_atomic(tmp_path):
    path = tmp_path / "out.jsonl"
    write_jsonl([{"a": 1}], path)

    def explode():
        yield {"a": 2}
        raise RuntimeError("crash mid-write")

    with pytest.raises(RuntimeError):
        write_jsonl(explode(), path)
    assert path.read_text() == '{"a": 1}\n'  # the old file survives a crash
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_written_files_get_the_usual_mode_not_the_temp_files_0600(tmp_path):
    path = tmp_path / "out.jsonl"
    write_jsonl([{"a": 1}], path)
    mask = os.umask(0)
    os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask
