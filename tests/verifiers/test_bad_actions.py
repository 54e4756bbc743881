"""Verifiers x bad-action kinds, generated (hypothesis): any text (lone surrogates, control
characters, huge strings), broken JSON, tool calls with hostile arguments (NaN, huge integers,
deep nesting, wrong types) and malformed message dicts. Every one gets a Verdict in [0, 1] with
a reason, never an exception, and never changes the reward of another action in its batch."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pivotrl.verifiers import Verdict, get_verifier
from tests.conftest import call, make_pivot

TOOL_PIVOT = make_pivot(call("book_flight", origin="Paris", destination="Rome", passengers=2))
TEXT_PIVOT = make_pivot(text="Your flight to Rome is booked for two passengers.", pivot_id="text")
SEARCH_TOOLS = [{"type": "function", "function": {"name": "search", "parameters": {
    "type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]}}}]
SEARCH_PIVOT = make_pivot(call("search", query="history of the oder river"), tools=SEARCH_TOOLS, pivot_id="search",
                          domain="browse")

VERIFIERS = {
    "exact": ("exact", TOOL_PIVOT),
    "tool_schema": ("tool_schema", TOOL_PIVOT),
    "tool_schema on text": ("tool_schema", TEXT_PIVOT),
    "fuzzy": ("fuzzy", TEXT_PIVOT),
    "search_overlap": ("search_overlap", SEARCH_PIVOT),
    "any_of": ({"name": "any_of", "params": {"verifiers": ["exact", "tool_schema"]}}, TOOL_PIVOT),
    "all_of": ({"name": "all_of", "params": {"verifiers": ["tool_schema", "exact"]}}, TOOL_PIVOT),
    "weighted": ({"name": "weighted", "params": {"verifiers": [["tool_schema", 2.0], ["fuzzy", 1.0]]}}, TOOL_PIVOT),
}

SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
ANY_CHAR = st.one_of(st.characters(), SURROGATES, st.sampled_from("\x00\x1b\u202e\ufeff{}[]<>\"\\"))
TEXT = st.text(alphabet=ANY_CHAR, max_size=200)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
                    st.floats(allow_nan=True, allow_infinity=True), TEXT)
JSON_VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                             st.dictionaries(TEXT, inner, max_size=4)), max_leaves=12)
NAMES = st.one_of(st.sampled_from(["book_flight", "get_weather", "search", "open_page", ""]), TEXT)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=True)


@st.composite
def tool_call_texts(draw: st.DrawFn) -> str:
    body = {"name": draw(NAMES), "arguments": draw(st.one_of(JSON_VALUES, st.dictionaries(TEXT, JSON_VALUES)))}
    text = _dumps(body)
    shape = draw(st.sampled_from(["bare", "hermes", "truncated", "fenced", "twice"]))
    if shape == "hermes":
        return f"<tool_call>{text}</tool_call>"
    if shape == "truncated":
        return text[: draw(st.integers(min_value=0, max_value=max(0, len(text) - 1)))]
    if shape == "fenced":
        return f"```json\n{text}\n```"
    return f"{text}\n{text}" if shape == "twice" else text


@st.composite
def message_dicts(draw: st.DrawFn) -> Any:
    calls = draw(st.one_of(
        st.none(), TEXT, JSON_VALUES,
        st.lists(st.one_of(JSON_VALUES, st.fixed_dictionaries({"type": st.just("function"), "function": st.fixed_dictionaries(
            {"name": NAMES, "arguments": st.one_of(TEXT, JSON_VALUES)})})), max_size=3)))
    message: dict[str, Any] = {"role": draw(st.sampled_from(["assistant", "user", None, 7])),
                               "content": draw(st.one_of(TEXT, JSON_VALUES))}
    if calls is not None:
        message["tool_calls"] = calls
    return message


HOSTILE = st.one_of(TEXT, tool_call_texts(), message_dicts(), JSON_VALUES)
EXTREME = [
    "x" * 2_000_000,
    "[" * 50_000,
    '{"name": "book_flight", "arguments": ' + "[" * 50_000 + "]" * 50_000 + "}",
    '{"name": "book_flight", "arguments": {"passengers": ' + "9" * 5000 + "}}",
    '{"name": "book_flight", "arguments": {"origin": NaN, "destination": Infinity}}',
    "<tool_call>" * 10_000,
    {"role": "assistant", "content": None, "tool_calls": [{"function": {"name": "book_flight",
                                                                        "arguments": {"origin": float("nan")}}}]},
    b"bytes are not an action",
    12345,
    None,
]


def _check(verdict: Any) -> None:
    assert isinstance(verdict, Verdict)
    assert 0.0 <= verdict.score <= 1.0
    assert isinstance(verdict.reason, str)
    if verdict.score < 1.0:
        assert verdict.reason.strip(), verdict


@pytest.fixture(scope="module")
def built() -> dict[str, Any]:
    return {name: (get_verifier(spec), pivot) for name, (spec, pivot) in VERIFIERS.items()}


@pytest.mark.parametrize("name", sorted(VERIFIERS))
def test_generated_bad_actions_score_in_range_with_a_reason(built, name):
    verifier, pivot = built[name]
    reference = verifier.verify(pivot.reference, pivot)
    assert reference.score == 1.0, reference  # gold: the reference scores 1 before and after

    @settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(actions=st.lists(HOSTILE, min_size=1, max_size=4))
    def check(actions: list[Any]) -> None:
        for action in actions:
            _check(verifier.verify(action, pivot))
        batch = verifier.verify_batch([*actions, pivot.reference], pivot)
        assert len(batch) == len(actions) + 1
        for verdict in batch[:-1]:
            _check(verdict)
        assert batch[-1].score == 1.0, batch[-1]  # isolation: hostile neighbours change nothing

    check()
    assert verifier.verify(pivot.reference, pivot).score == 1.0


@pytest.mark.parametrize("name", sorted(VERIFIERS))
def test_extreme_actions_score_in_range_with_a_reason(built, name):
    verifier, pivot = built[name]
    for action in EXTREME:
        _check(verifier.verify(action, pivot))
    batch = verifier.verify_batch([*EXTREME, pivot.reference], pivot)
    for verdict in batch[:-1]:
        _check(verdict)
    assert batch[-1].score == 1.0
