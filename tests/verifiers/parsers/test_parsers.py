"""Action parsing: every supported syntax becomes the same structured action, and bad
output becomes an invalid action with a reason, never an exception."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pivotrl.verifiers import ParserConfig, parse_action


def test_openai_message_with_tool_calls():
    action = parse_action({"role": "assistant", "content": None, "tool_calls": [
        {"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Oslo"}'}}]})
    assert action.kind == "tool_calls" and action.format == "openai"
    assert action.tool_calls[0].name == "get_weather"
    assert action.tool_calls[0].arguments == {"city": "Oslo"}
    assert action.tool_calls[0].id == "c1"


def test_openai_message_arguments_may_be_an_object():
    action = parse_action({"role": "assistant", "tool_calls": [
        {"function": {"name": "f", "arguments": {"x": 1}}}]})
    assert action.tool_calls[0].arguments == {"x": 1}


def test_several_hermes_blocks_are_parallel_calls_and_prose_is_kept():
    text = ('Checking both.\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "Oslo"}}\n</tool_call>\n'
            '<tool_call>{"name": "get_weather", "arguments": "{\\"city\\": \\"Rome\\"}"}</tool_call>')
    action = parse_action(text)
    assert action.kind == "tool_calls" and action.format == "hermes"
    assert [c.arguments["city"] for c in action.tool_calls] == ["Oslo", "Rome"]
    assert action.text == "Checking both."


def test_hermes_block_cut_off_by_max_tokens_is_still_read():
    action = parse_action('<tool_call>{"name": "f", "arguments": {"a": 1}}')
    assert action.kind == "tool_calls" and action.tool_calls[0].arguments == {"a": 1}


def test_bare_json_call_and_list_and_fenced_json():
    assert parse_action('{"name": "f", "arguments": {"a": 1}}').tool_calls[0].name == "f"
    assert parse_action('{"name": "f", "parameters": {"a": 1}}').tool_calls[0].arguments == {"a": 1}
    many = parse_action('[{"name": "f", "arguments": {}}, {"name": "g", "arguments": {}}]')
    assert [c.name for c in many.tool_calls] == ["f", "g"]
    fenced = parse_action('```json\n{"name": "f", "arguments": {"a": 2}}\n```')
    assert fenced.kind == "tool_calls" and fenced.tool_calls[0].arguments == {"a": 2}


def test_json_that_is_not_a_call_stays_text():
    action = parse_action('{"analysis": "x", "commands": []}')
    assert action.kind == "text"


def test_fenced_bash_blocks_become_shell_tool_calls():
    action = parse_action("Let me look.\n```bash\nls -la /tmp\n```\n```sh\nwc -l a.txt\n```",
                          ParserConfig(shell_tool="execute_bash"))
    assert action.format == "bash"
    assert [(c.name, c.arguments["command"]) for c in action.tool_calls] == [
        ("execute_bash", "ls -la /tmp"), ("execute_bash", "wc -l a.txt")]
    assert action.text == "Let me look."


def test_python_fence_is_not_a_shell_command():
    assert parse_action("```python\nprint(1)\n```").kind == "text"


def test_reasoning_is_stripped_first():
    action = parse_action('<think>the user wants Oslo</think>\n<tool_call>{"name": "f", "arguments": {}}</tool_call>')
    assert action.kind == "tool_calls" and action.reasoning == "the user wants Oslo"


def test_reasoning_whose_open_tag_was_in_the_prompt():
    action = parse_action("considering options</think>The answer is 4.")
    assert action.kind == "text" and action.text == "The answer is 4." and action.reasoning == "considering options"


def test_plain_text_reply():
    action = parse_action("Your flight is booked.")
    assert action.kind == "text" and action.text == "Your flight is booked."


@pytest.mark.parametrize(("raw", "reason"), [
    ('<tool_call>{"name": "f", "arguments": {"a": </tool_call>', "not valid JSON"),
    ("<tool_call></tool_call>", "empty"),
    ('<tool_call>{"arguments": {}}</tool_call>', "no function name"),
    ('<tool_call>{"name": "f", "arguments": [1, 2]}</tool_call>', "must be a JSON object"),
    ("<think>still thinking", "never closed"),
    ("   ", "empty"),
    ("<think>only this</think>", "only reasoning"),
    (b"\xff\xfeabc", "not valid UTF-8"),
    ("abc\udcff", "lone surrogate"),
    (12345, "must be text"),
    ("x" * 1_000_001, "over the limit"),
])
def test_bad_output_is_invalid_with_a_reason(raw, reason):
    action = parse_action(raw)
    assert action.kind == "invalid"
    assert reason in action.error


def test_broken_arguments_in_openai_message():
    action = parse_action({"role": "assistant", "tool_calls": [
        {"function": {"name": "f", "arguments": "{'a': 1}"}}]})
    assert action.kind == "invalid" and "not valid JSON" in action.error


def test_deeply_nested_json_does_not_crash():
    deep = "[" * 50_000 + "]" * 50_000
    assert parse_action(deep).kind in ("text", "invalid")
    hermes = "<tool_call>" + '{"name": "f", "arguments": ' + "[" * 50_000 + "</tool_call>"
    assert parse_action(hermes).kind == "invalid"


def test_action_round_trips_through_an_openai_message():
    action = parse_action('<tool_call>{"name": "f", "arguments": {"a": 1}}</tool_call>')
    again = parse_action(action.to_message())
    assert again.tool_calls[0].name == "f" and again.tool_calls[0].arguments == {"a": 1}
    assert json.loads(action.to_message()["tool_calls"][0]["function"]["arguments"]) == {"a": 1}


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.binary(), st.text(alphabet="<>{}[]\":,tool_call/think ", max_size=200)))
def test_parser_never_raises(raw):
    action = parse_action(raw)
    assert action.kind in ("tool_calls", "text", "invalid")
    assert action.is_valid == (action.error is None)
