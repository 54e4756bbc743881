"""Registering, finding and building verifiers; broken verifiers are loud."""

from __future__ import annotations

import json
import sys
import textwrap

import pytest

from pivotrl.errors import UnknownNameError, VerifierError
from pivotrl.verifiers import BaseVerifier, Verdict, get_verifier, list_verifiers, register_verifier
from pivotrl.verifiers.registry import VERIFIERS
from tests.conftest import call, make_pivot


@pytest.fixture
def cleanup():
    names: list[str] = []
    yield names
    for name in names:
        VERIFIERS.unregister(name)


def test_builtins_are_listed():
    assert {"exact", "tool_schema", "fuzzy", "search_overlap", "any_of", "all_of", "weighted"} <= set(list_verifiers())


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(UnknownNameError) as info:
        get_verifier("tool_shema")
    assert "unknown verifier 'tool_shema'" in str(info.value)
    assert "tool_schema" in str(info.value) and "fuzzy" in str(info.value)


def test_function_verifier_gets_a_parsed_action_and_may_return_a_float(cleanup, flight_pivot):
    cleanup.append("same_tool")
    seen = []

    @register_verifier("same_tool")
    def same_tool(action, pivot):
        seen.append(action)
        return float(action.tool_calls[0].name == "book_flight") if action.tool_calls else 0.0

    verifier = get_verifier("same_tool")
    verdict = verifier.verify('<tool_call>{"name": "book_flight", "arguments": {}}</tool_call>', flight_pivot)
    assert verdict.score == 1.0 and verdict.equivalent
    assert seen[0].kind == "tool_calls"
    # an unparseable action never reaches the function
    assert verifier.verify("<tool_call>{oops</tool_call>", flight_pivot).score == 0.0
    assert len(seen) == 1
    assert [v.score for v in verifier.verify_batch(["hi", '{"name": "book_flight", "arguments": {}}'], flight_pivot)] == [0, 1]


def test_function_params_are_passed_through(cleanup, flight_pivot):
    cleanup.append("min_len")
    register_verifier("min_len", lambda action, pivot, n=3: len(action.text) >= n)
    assert get_verifier("min_len", n=2).verify("hey", flight_pivot).equivalent
    assert not get_verifier({"name": "min_len", "params": {"n": 10}}).verify("hey", flight_pivot).equivalent


def test_parameterised_class(cleanup, flight_pivot):
    cleanup.append("length_at_most")

    @register_verifier("length_at_most")
    class LengthAtMost(BaseVerifier):
        def __init__(self, limit: int = 10):
            self.limit = limit

        def params(self):
            return {"limit": self.limit}

        def _verify(self, action, pivot):
            ok = len(action.text) <= self.limit
            return Verdict(float(ok), ok, f"length {len(action.text)}")

    verifier = get_verifier("length_at_most", limit=3)
    assert verifier.name == "length_at_most" and verifier.spec() == {"name": "length_at_most", "params": {"limit": 3}}
    assert verifier.verify("abc", flight_pivot).equivalent
    with pytest.raises(VerifierError, match="accepts: limit"):
        get_verifier("length_at_most", limt=3)


def test_duplicate_names_are_rejected_unless_overridden(cleanup):
    cleanup.append("dup")
    register_verifier("dup", lambda a, p: 1.0)
    with pytest.raises(ValueError, match="already registered"):
        register_verifier("dup", lambda a, p: 0.0)
    register_verifier("dup", lambda a, p: 0.0, override=True)


def test_a_verifier_that_raises_is_loud_not_zero(cleanup, flight_pivot):
    cleanup.append("buggy")
    register_verifier("buggy", lambda a, p: 1 / 0)
    with pytest.raises(VerifierError, match="ZeroDivisionError"):
        get_verifier("buggy").verify("hi", flight_pivot)


def test_a_verifier_returning_garbage_is_loud(cleanup, flight_pivot):
    cleanup.append("garbage")
    register_verifier("garbage", lambda a, p: "yes")
    with pytest.raises(VerifierError, match="must return a Verdict"):
        get_verifier("garbage").verify("hi", flight_pivot)


def test_function_must_take_action_and_pivot():
    with pytest.raises(TypeError, match="action, pivot"):
        register_verifier("bad_sig", lambda action: 1.0)


def test_third_party_verifier_found_through_entry_point(tmp_path, monkeypatch, flight_pivot):
    package = tmp_path / "acme_checks"
    package.mkdir()
    (package / "__init__.py").write_text(textwrap.dedent("""
        def always(action, pivot):
            return 1.0
    """))
    dist = tmp_path / "acme_checks-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-checks\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[pivotrl.verifiers]\nacme_always = acme_checks:always\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(VERIFIERS, "_entry_points_loaded", False)
    try:
        assert "acme_always" in list_verifiers()
        assert get_verifier("acme_always").verify("x", flight_pivot).score == 1.0
    finally:
        VERIFIERS.unregister("acme_always")
        sys.modules.pop("acme_checks", None)


def test_exact_normalises_whitespace_and_quotes_only(flight_pivot):
    exact = get_verifier("exact")
    same = '<tool_call>{"name": "book_flight",   "arguments": {"passengers": 2, "destination": "Rome", "origin": "Paris"}}</tool_call>'
    assert exact.verify(same, flight_pivot).equivalent
    assert not exact.verify(same.replace('"passengers": 2', '"passengers": "2"'), flight_pivot).equivalent
    text_pivot = make_pivot(text="It's   booked.")
    assert exact.verify("It\u2019s booked.", text_pivot).equivalent


def test_fuzzy_threshold_and_batch_agree_with_single(flight_pivot):
    fuzzy = get_verifier("fuzzy", threshold=80)
    actions = ['{"name": "book_flight", "arguments": {"origin": "Paris", "destination": "Rome", "passengers": 2}}',
               '{"name": "book_flight", "arguments": {"origin": "Paris", "destination": "Rom", "passengers": 2}}',
               "Hello there"]
    batch = fuzzy.verify_batch(actions, flight_pivot)
    single = [fuzzy.verify(a, flight_pivot) for a in actions]
    assert [v.score for v in batch] == [v.score for v in single] == [1, 1, 0]
    assert [v.details["similarity"] for v in batch] == pytest.approx([v.details["similarity"] for v in single], abs=1e-3)
    graded = get_verifier("fuzzy", graded=True).verify(actions[2], flight_pivot)
    assert 0 < graded.score < 0.5
    with pytest.raises(VerifierError, match="unknown fuzzy scorer"):
        get_verifier("fuzzy", scorer="levenshtein_magic")


def test_any_of_calls_the_second_verifier_only_when_the_first_rejects(cleanup, flight_pivot):
    cleanup.append("counting")
    calls = []
    register_verifier("counting", lambda a, p: calls.append(a) or 1.0)
    combo = get_verifier({"name": "any_of", "params": {"verifiers": ["tool_schema", "counting"]}})
    ok = json.dumps({"name": "book_flight", "arguments": {"origin": "Paris", "destination": "Rome", "passengers": 2}})
    verdicts = combo.verify_batch([ok, ok, "text reply"], flight_pivot)
    assert len(calls) == 1  # only the text reply reached the expensive member
    assert verdicts[0].details["evaluated"] == ["tool_schema"]
    assert verdicts[2].details["evaluated"] == ["tool_schema", "counting"]
    assert verdicts[2].details["decided_by"] == "counting" and verdicts[2].equivalent
    assert combo.verify("text reply", flight_pivot).to_dict() == verdicts[2].to_dict()


def test_all_of_stops_at_first_rejection(flight_pivot):
    combo = get_verifier("all_of", verifiers=["exact", "tool_schema"])
    reordered = json.dumps({"name": "book_flight", "arguments": {"destination": "Rome", "origin": "Paris", "passengers": "2"}})
    verdict = combo.verify(reordered, flight_pivot)
    assert not verdict.equivalent and verdict.details["evaluated"] == ["exact"]


def test_weighted_mean(flight_pivot):
    combo = get_verifier("weighted", verifiers=[("tool_schema", 3), ("exact", 1)], threshold=0.75)
    coerced = json.dumps({"name": "book_flight", "arguments": {"destination": "Rome", "origin": "Paris", "passengers": "2"}})
    verdict = combo.verify(coerced, flight_pivot)
    assert verdict.score == pytest.approx(0.75) and verdict.equivalent
    with pytest.raises(VerifierError):
        get_verifier("weighted", verifiers=[("exact", -1)])


def test_pivot_recorded_spec_round_trips(flight_pivot):
    built = get_verifier("tool_schema", mode="f1", case_sensitive=True)
    again = get_verifier(built.spec())
    assert again.spec() == built.spec() == {"name": "tool_schema", "params": {"mode": "f1", "case_sensitive": True}}


def test_verifiers_do_not_import_pivot_envs_or_trainers():
    import subprocess

    code = ("import sys, pivotrl.verifiers.tool_schema, pivotrl.verifiers.fuzzy, pivotrl.verifiers.combinators;"
            "bad=[m for m in sys.modules if m.startswith(('pivotrl.pivot_envs','pivotrl.trainer_plugin','torch'))];"
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_call_helper_matches_openai_shape():
    assert call("f", a=1)["function"]["arguments"] == '{"a": 1}'
