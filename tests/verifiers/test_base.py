"""The parse-then-verify plumbing: parsing sees the pivot's tools (so text values are typed by
its schemas, pivot by pivot, in the batch path too), and the parser is part of a verifier's
spec, so a profiled record rebuilds the verifier that read its actions."""

from __future__ import annotations

import copy

import gymnasium as gym
import pytest

import pivotrl  # noqa: F401 - registers the env ids
from pivotrl.errors import VerifierError
from pivotrl.verifiers import Verdict, get_verifier
from pivotrl.verifiers.base import reference_action
from pivotrl.verifiers.spec import VerifierPool
from tests.conftest import BOOKING_TOOLS, call, make_pivot

XML = ("<tool_call>\n<function=book_flight>\n<parameter=origin>\nParis\n</parameter>\n"
       "<parameter=destination>\nRome\n</parameter>\n<parameter=passengers>\n2\n</parameter>\n"
       "</function>\n</tool_call>")


def _string_passengers() -> list[dict]:
    tools = copy.deepcopy(BOOKING_TOOLS)
    tools[0]["function"]["parameters"]["properties"]["passengers"] = {"type": "string"}
    return tools


def test_xml_values_are_typed_by_the_pivots_own_schema():
    as_int = make_pivot(call("book_flight", origin="Paris", destination="Rome", passengers=2))
    as_str = make_pivot(call("book_flight", origin="Paris", destination="Rome", passengers="2"),
                        tools=_string_passengers(), pivot_id="p2")
    verifier = get_verifier("tool_schema")
    assert verifier.parse(XML, as_int).tool_calls[0].arguments["passengers"] == 2
    assert verifier.parse(XML, as_str).tool_calls[0].arguments["passengers"] == "2"
    assert verifier.verify(XML, as_int).score == 1.0
    assert verifier.verify(XML, as_str).score == 1.0


def test_the_batch_path_types_the_same_text_per_pivot():
    as_int = make_pivot(call("book_flight", origin="Paris", destination="Rome", passengers=2))
    as_str = make_pivot(call("book_flight", origin="Paris", destination="Rome", passengers="2"),
                        tools=_string_passengers(), pivot_id="p2")
    verifier = get_verifier("exact")  # exact compares the typed values: "2" is not 2
    batch = verifier.verify_batch([XML, XML, XML], [as_int, as_str, as_int])
    single = [verifier.verify(XML, p) for p in (as_int, as_str, as_int)]
    assert [v.score for v in batch] == [v.score for v in single] == [1.0, 1.0, 1.0]
    # the same text at the other pivot would be a different call: the dedupe key holds the pivot
    crossed = verifier.verify_batch([XML, XML], [as_int, as_int])
    assert [v.score for v in crossed] == [1.0, 1.0]


def test_parser_is_recorded_in_the_spec_and_rebuilds_the_same_verifier():
    verifier = get_verifier("tool_schema", parser="qwen3_xml")
    assert verifier.spec() == {"name": "tool_schema", "params": {"parser": "qwen3_coder"}}
    rebuilt = get_verifier(verifier.spec())
    assert rebuilt.spec() == verifier.spec() and rebuilt.parser == "qwen3_coder"
    assert get_verifier("tool_schema").spec() == {"name": "tool_schema", "params": {}}  # auto is the default
    pool = VerifierPool()
    assert pool.get(verifier.spec()).parser == "qwen3_coder"
    combined = get_verifier({"name": "any_of", "params": {"verifiers": ["exact", "tool_schema"], "parser": "glm45"}})
    assert get_verifier(combined.spec()).spec() == combined.spec()


def test_with_parser_makes_a_copy():
    base = get_verifier("exact")
    named = base.with_parser("hermes")
    assert base.parser == "auto" and named.parser == "hermes" and named is not base


def test_unknown_parser_fails_at_construction_with_the_known_names():
    with pytest.raises(VerifierError, match="qwen3_coder"):
        get_verifier("tool_schema", parser="qwen4")
    with pytest.raises(VerifierError):
        gym.make("pivot/tool-v0", pivots=[make_pivot(call("get_weather", city="Oslo"))], parser="qwen4")


def test_a_named_parser_reads_only_its_format():
    pivot = make_pivot(call("book_flight", origin="Paris", destination="Rome", passengers=2))
    hermes = get_verifier("tool_schema", parser="hermes")
    verdict = hermes.verify(XML, pivot)
    assert verdict.score == 0.0 and "not valid JSON" in verdict.reason
    assert get_verifier("tool_schema", parser="qwen3_coder").verify(XML, pivot).score == 1.0


def test_a_text_reference_in_a_model_format_is_read_with_the_pivots_tools():
    pivot = make_pivot(call("book_flight", origin="Paris", destination="Rome", passengers=2))
    text_ref = type(pivot).from_dict({**pivot.to_dict(), "reference": {"role": "assistant", "content": XML}})
    assert reference_action(text_ref).tool_calls[0].arguments["passengers"] == 2
    assert get_verifier("tool_schema").verify(XML, text_ref).score == 1.0


def test_env_parser_reaches_the_verifier_and_reads_actions():
    pivot = make_pivot(call("book_flight", origin="Paris", destination="Rome", passengers=2))
    env = gym.make("pivot/tool-v0", pivots=[pivot], parser="qwen3_coder")
    assert env.unwrapped.verifier.spec()["params"]["parser"] == "qwen3_coder"
    env.reset(seed=0)
    _, reward, _, _, info = env.step(XML)
    assert reward == 1.0 and isinstance(info["verdict"], Verdict)
    _, reward, _, _, info = env.step(XML.replace("Rome", "Milan"))
    assert reward == 0.0 and "destination" in info["verdict"].reason
