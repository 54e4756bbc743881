"""Hostile output in every format: unclosed openers by the thousand, deep nesting, huge
numbers, quotes without end, oversized text. Each is an invalid action (or a text reply) with
a reason, never an exception, and reading it costs time linear in its length, so the limit
of ``max_chars`` bounds the work (a quadratic scan of these inputs would take hours)."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pivotrl.verifiers import ParserConfig, parse_action
from pivotrl.verifiers.parsers import list_parsers

TOOLS = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object", "properties": {
    "a": {"type": "integer"}, "b": {"type": "string"}, "c": {"type": "object"}}}}}]
SIZE = 190_000  # under the default max_chars, so the text is read, not refused
SECONDS = 20.0  # linear work takes well under a second here; quadratic work, hours

OPENERS = {
    "hermes": "<tool_call>", "qwen3_coder": "<function=f>\n<parameter=a>\n", "glm45": "<tool_call>f<arg_key>",
    "openai": "<|channel|>commentary to=functions.f<|message|>", "gemma4": "<|tool_call>call:f{a:",
    "lfm2": "<|tool_call_start|>[f(b='", "deepseek_v3": "<｜tool▁call▁begin｜>function<｜tool▁sep｜>f\n",
    "deepseek_v32": '<｜DSML｜invoke name="f"><｜DSML｜parameter name="a">',
    "kimi_k2": "<|tool_call_begin|>functions.f:0<|tool_call_argument_begin|>", "mistral": "[TOOL_CALLS]f[ARGS]",
    "minimax_m2": '<invoke name="f"><parameter name="b">', "muse_glimmer": '<atem:invoke name="f">',
    "granite": "<|tool_call|>[", "phi4_mini": "functools[", "cohere": "<|START_ACTION|>[",
    "pythonic": "[f(a=[", "json": '<|python_tag|>{"name": "f", "arguments": {"c": ',
    "reasoning": "<think>", "gemma_thought": "<|channel>thought\n",
}
NESTED = {
    "hermes": '<tool_call>{"name": "f", "arguments": {"c": ' + "[" * 60_000 + "</tool_call>",
    "qwen3_coder": "<tool_call>\n<function=f>\n<parameter=c>\n" + "[" * 60_000 + "\n</parameter>\n</function>",
    "gemma4": "<|tool_call>call:f{c:" + "{a:" * 60_000 + "<tool_call|>",
    "lfm2": "<|tool_call_start|>[f(c=" + "[" * 60_000 + ")]<|tool_call_end|>",
    "pythonic": "[f(c=" + "[" * 60_000 + "]" * 60_000 + ")]",
    "deepseek_v3": "<｜tool▁call▁begin｜>f<｜tool▁sep｜>" + "[" * 60_000 + "<｜tool▁call▁end｜>",
    "kimi_k2": "<|tool_call_begin|>f:0<|tool_call_argument_begin|>" + "{\"a\":" * 60_000 + "<|tool_call_end|>",
    "openai": "<|channel|>commentary to=functions.f<|message|>" + "[" * 60_000 + "<|call|>",
    "glm45": "<tool_call>f<arg_key>c</arg_key><arg_value>" + "[" * 60_000 + "</arg_value></tool_call>",
    "mistral": "[TOOL_CALLS]" + "[" * 60_000,
}


def _check(text, parser="auto"):
    started = time.perf_counter()
    action = parse_action(text, ParserConfig(parser=parser), tools=TOOLS)
    elapsed = time.perf_counter() - started
    assert action.kind in ("tool_calls", "text", "invalid")
    assert action.is_valid == (action.error is None)
    assert elapsed < SECONDS, f"{elapsed:.1f} s"
    return action


@pytest.mark.parametrize("name", sorted(OPENERS))
def test_thousands_of_unclosed_openers_are_rejected_in_linear_time(name):
    opener = OPENERS[name]
    action = _check(opener * (SIZE // len(opener)))
    assert action.kind != "tool_calls" or all(c.name == "f" for c in action.tool_calls)


@pytest.mark.parametrize("name", sorted(OPENERS))
def test_openers_between_long_runs_of_text_are_read_in_linear_time(name):
    opener = OPENERS[name]
    block = opener + "x" * 200 + "</parameter>" + " " * 50
    _check(block * (SIZE // len(block)))


@pytest.mark.parametrize("name", sorted(NESTED))
def test_deep_nesting_scores_zero_with_a_reason(name):
    from pivotrl.pivot_envs import Pivot
    from pivotrl.verifiers import get_verifier

    action = _check(NESTED[name])
    # JSON formats refuse the action; XML formats keep the undecodable value as text, which the
    # schema then rejects: either way the reward is 0 and the verdict says why
    assert action.kind == "invalid" or all(isinstance(v, str) for c in action.tool_calls for v in c.arguments.values())
    pivot = Pivot.from_dict({"id": "p", "domain": "tool", "messages": [{"role": "user", "content": "go"}],
                             "tools": TOOLS, "reference": {"role": "assistant", "content": None, "tool_calls": [
                                 {"id": "c", "type": "function", "function": {"name": "f", "arguments": '{"a": 1}'}}]}})
    verdict = get_verifier("tool_schema").verify(NESTED[name], pivot)
    assert verdict.score == 0.0 and verdict.reason


def test_huge_numbers_are_values_or_reasons_not_crashes():
    digits = "9" * 50_000
    for text in (
        f'<tool_call>{{"name": "f", "arguments": {{"a": {digits}}}}}</tool_call>',
        f"<tool_call>\n<function=f>\n<parameter=a>\n{digits}\n</parameter>\n</function>\n</tool_call>",
        f"<|tool_call>call:f{{a:{digits}}}<tool_call|>",
        f"[f(a={digits})]",
        f"<|tool_call_start|>[f(a={digits})]<|tool_call_end|>",
    ):
        _check(text)


def test_quotes_without_an_end_are_rejected():
    for text in ("<|tool_call_start|>[f(b='" + "it's " * 30_000 + ")]<|tool_call_end|>",
                 "[f(b='" + "a'b" * 50_000 + ")]",
                 '<|tool_call>call:f{b:<|"|>' + "x" * 100_000 + "}<tool_call|>"):
        assert _check(text).kind == "invalid"


@pytest.mark.parametrize("parser", [p for p in list_parsers()])
def test_oversized_output_is_refused_under_every_parser(parser):
    action = parse_action("<tool_call>" + "x" * 300_000, ParserConfig(parser=parser))
    assert action.kind == "invalid" and "over the limit" in action.error


@pytest.mark.parametrize("parser", [p for p in list_parsers()])
def test_bad_bytes_and_lone_surrogates_are_refused_under_every_parser(parser):
    assert "UTF-8" in parse_action(b"\xff<tool_call>", ParserConfig(parser=parser)).error
    assert "surrogate" in parse_action("<tool_call>\udcff", ParserConfig(parser=parser)).error


_MARKERS = ["<tool_call>", "</tool_call>", "<function=f>", "<parameter=a>", "</parameter>", "</function>",
            "<arg_key>", "</arg_key>", "<arg_value>", "</arg_value>", "<|channel|>", "<|message|>", "<|call|>",
            " to=functions.f", "<|start|>", "<|tool_call>", "<tool_call|>", 'call:f{', '<|"|>',
            "<|tool_call_start|>", "<|tool_call_end|>", "[f(", ")]", "<｜tool▁call▁begin｜>", "<｜tool▁sep｜>",
            "<|tool_call_begin|>", "<|tool_call_argument_begin|>", "[TOOL_CALLS]", "[ARGS]", '<invoke name="f">',
            '<parameter name="a">', "<atem:invoke name=\"f\">", "<think>", "</think>", "<|channel>", "<channel|>",
            "{", "}", "[", "]", '"', "'", ":", ",", "=", "1", "a", "\n", " "]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_MARKERS), max_size=40), st.sampled_from(list_parsers()))
def test_any_mix_of_format_markers_never_raises(parts, parser):
    _check("".join(parts), parser)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(
    st.fixed_dictionaries({"type": st.just("function_call"), "name": st.one_of(st.text(max_size=5), st.none()),
                           "arguments": st.one_of(st.text(max_size=20), st.integers(), st.none())}),
    st.fixed_dictionaries({"type": st.just("message"), "content": st.one_of(
        st.text(max_size=10), st.lists(st.fixed_dictionaries({"type": st.sampled_from(["output_text", "x"]),
                                                              "text": st.text(max_size=10)}), max_size=3),
        st.integers())}),
    st.fixed_dictionaries({"type": st.sampled_from(["reasoning", "web_search_call", "function_call_output"])}),
), max_size=4))
def test_any_responses_items_never_raise(items):
    action = parse_action(items)
    assert action.kind in ("tool_calls", "text", "invalid")
