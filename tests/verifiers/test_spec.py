"""Verifier specs: a verifier's spec, written into profiled records, rebuilds exactly the same
verifier (every parameter of every built-in, none dropped), and every spelling of one verifier
shares one key, so caches, groups and the "other verifier" warning agree."""

from __future__ import annotations

import dataclasses
import inspect
import json
import logging
import warnings

import pytest

from pivotrl.errors import VerifierError
from pivotrl.verifiers import Verdict, get_verifier, register_verifier
from pivotrl.verifiers.base import BaseVerifier
from pivotrl.verifiers.config import VerifierConfig
from pivotrl.verifiers.registry import VERIFIERS
from pivotrl.verifiers.search_overlap import SearchOverlapVerifier
from pivotrl.verifiers.spec import VerifierPool, VerifierSpec, warn_if_other_verifier
from tests.conftest import call, make_pivot
from tests.verifiers.test_terminus_doc import answer

JUDGE_URL = "http://127.0.0.1:9/v1"  # discard port: never contacted (no connection check, no call)
FLIGHT = make_pivot(call("book_flight", origin="Paris", destination="Rome", passengers=2))
TEXT = make_pivot(text="Your flight to Rome is booked.", pivot_id="text")
TERMINUS_REF = answer("terminus_2", "cd /app\n", "python3 -m pytest -x tests/test_api.py\n")
TERMINUS = make_pivot(text=TERMINUS_REF, pivot_id="terminus", domain="terminal")
SHELL = make_pivot(call("bash", command="ls"), pivot_id="shell", domain="terminal")
SHELL_TEXT = make_pivot(text="Done: the logs are archived.", pivot_id="shell-text", domain="terminal")


def hermes(name: str, **args) -> str:
    return f'<tool_call>{json.dumps({"name": name, "arguments": args})}</tool_call>'


def judge_params(tmp_path) -> dict:
    return {"base_url": JUDGE_URL, "model": "judge-model", "api_key_env": "PIVOTRL_TEST_JUDGE_KEY", "timeout": 5.0,
            "max_retries": 0, "concurrency": 2, "template": {"system": "Judge.", "user": "{candidate} vs {reference}"},
            "temperature": 0.7, "max_tokens": 64, "logprobs": True, "graded": True, "on_failure": "zero",
            "cache": str(tmp_path / "judge.sqlite"), "check_connection": False, "max_candidate_chars": 40}


def shell_backend() -> str:
    from tests.sandboxes.conftest import require_backend

    for name in ("docker", "bwrap"):
        try:
            return require_backend(name)
        except pytest.skip.Exception:
            continue
    pytest.skip("no sandbox backend runs here: shell_exec cannot be built")


TOOL_SCHEMA = {"mode": "f1", "case_sensitive": True, "collapse_whitespace": False, "strip_punctuation": True,
               "unicode_form": "NFKC", "enum_case_sensitive": False, "format_case_sensitive": False,
               "identifier_case_sensitive": False, "rel_tol": 1e-3, "abs_tol": 0.5, "text_match": "fuzzy",
               "text_threshold": 70.0, "prose_defaults": False, "relax_schema": False}
# (every config field set off its default, the pivot (or one per action), the actions to compare verdicts on)
NON_DEFAULT = {
    "exact": lambda tmp: ({}, FLIGHT, [hermes("book_flight", origin="Paris", destination="Rome", passengers=2),
                                       hermes("book_flight", origin="Paris", destination="Milan", passengers=2)]),
    "fuzzy": lambda tmp: ({"scorer": "ratio", "threshold": 80, "graded": True, "case_sensitive": True, "workers": 1},
                          TEXT, ["Your flight to Rome is booked.", "your flight to rome is booked.", "No."]),
    "tool_schema": lambda tmp: (TOOL_SCHEMA, FLIGHT, [
        hermes("book_flight", origin="Paris", destination="Rome", passengers=2),
        hermes("book_flight", origin="paris", destination="Rome", passengers=2.2), "Booked."]),
    "search_overlap": lambda tmp: ({**TOOL_SCHEMA, "k": 3, "threshold": 0.7, "search_tool": "find", "query_arg": "q",
                                    "engine": "browse"}, FLIGHT, [
        hermes("book_flight", origin="Paris", destination="Rome", passengers=2),
        hermes("get_weather", city="Oslo")]),
    "shell_exec": lambda tmp: ({"sandbox": shell_backend(), "timeout": 5.0, "output_limit": 1000,
                                "compare": ["exit_code", "stdout"], "line_order": "strict",
                                "strip_trailing_whitespace": False, "concurrency": 2, "memory_mb": 256, "probe": False,
                                "max_steps": 2, "time_budget": 30.0},
                               # decided without running anything: the kind of turn, or too many steps
                               [SHELL_TEXT, SHELL_TEXT, SHELL], ["All done.", hermes("bash", command="ls"),
                                                                 hermes("bash", command="ls") * 3]),
    "llm_judge": lambda tmp: (judge_params(tmp), TEXT, ["x" * 500, "<tool_call>{oops</tool_call>"]),
    "terminus": lambda tmp: ({"judge": {**judge_params(tmp), "template": None}, "harness": "terminus_2"}, TERMINUS, [
        TERMINUS_REF, answer("terminus_2", "cd /app\n", complete=True), "not json"]),
    "any_of": lambda tmp: ({"verifiers": ["exact", {"name": "fuzzy", "params": {"threshold": 80}}]}, TEXT, [
        "Your flight to Rome is booked!", "Something else entirely."]),
    "all_of": lambda tmp: ({"verifiers": ["exact", {"name": "fuzzy", "params": {"threshold": 80}}]}, TEXT, [
        "Your flight to Rome is booked.", "Your flight to Rome is booked!"]),
    "weighted": lambda tmp: ({"verifiers": [["exact", 2.0], ["tool_schema", 1.0]], "threshold": 0.3}, FLIGHT, [
        hermes("book_flight", origin="Paris", destination="Rome", passengers=2),
        hermes("book_flight", destination="Rome", origin="Paris", passengers="2"),
        hermes("book_flight", origin="Paris", destination="Milan", passengers=2)]),
}


def builtins() -> list[str]:
    return sorted(n for n in VERIFIERS.names() if getattr(VERIFIERS.get(n), "__module__", "").startswith(
        "pivotrl.verifiers."))


def config_of(name: str) -> type[VerifierConfig]:
    target = VERIFIERS.get(name)
    assert isinstance(target, type) and issubclass(target, BaseVerifier), name
    assert target.Config is not None and issubclass(target.Config, VerifierConfig), f"{name} has no config dataclass"
    return target.Config


def test_every_builtin_verifier_is_in_the_round_trip_table():
    assert builtins() == sorted(NON_DEFAULT)


@pytest.mark.parametrize("name", sorted(NON_DEFAULT))
def test_every_constructor_parameter_is_a_config_field(name):
    """A keyword taken beside the config would be one the spec cannot carry."""
    target = VERIFIERS.get(name)
    fields = {f.name for f in dataclasses.fields(config_of(name))}
    named = {p.name for p in inspect.signature(target.__init__).parameters.values()
             if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)} - {"self", "config"}
    assert named <= fields, f"{name} takes {named - fields} outside its config"


@pytest.mark.parametrize("name", sorted(NON_DEFAULT))
def test_every_parameter_set_off_its_default_survives_the_spec_round_trip(name, tmp_path):
    values, pivot, actions = NON_DEFAULT[name](tmp_path)
    config = config_of(name)
    fields = {f.name: f for f in dataclasses.fields(config)}
    # a new parameter without a non-default value here fails: it would go untested
    assert set(values) == set(fields), f"{name}: set these parameters off their defaults: {set(fields) ^ set(values)}"
    for field_name, value in values.items():
        default = fields[field_name].default
        assert default is dataclasses.MISSING or value != default, f"{name}.{field_name} is at its default"
    built = get_verifier(name, parser="hermes", **values)
    try:
        spec = built.spec()
        json.dumps(spec)  # what profiling writes into records
        assert set(spec["params"]) == set(fields) | {"parser"}, f"{name} dropped {set(fields) - set(spec['params'])}"
        rebuilt = get_verifier(spec)
        try:
            assert rebuilt.spec() == spec
            assert rebuilt.config == built.config
            assert VerifierSpec.from_any(rebuilt) == VerifierSpec.from_any(spec)
            first = [(v.score, v.equivalent, v.reason) for v in built.verify_batch(actions, pivot)]
            again = [(v.score, v.equivalent, v.reason) for v in rebuilt.verify_batch(actions, pivot)]
            assert first == again
            assert len(set(first)) > 1, f"{name}: pick actions the verifier tells apart"
        finally:
            getattr(rebuilt, "close", lambda: None)()
    finally:
        getattr(built, "close", lambda: None)()


def test_parameters_the_old_hand_written_params_dropped_now_rebuild():
    fuzzy = get_verifier("fuzzy", case_sensitive=True)
    assert get_verifier(fuzzy.spec()).case_sensitive is True
    assert fuzzy.spec() == {"name": "fuzzy", "params": {"case_sensitive": True}}
    judge = get_verifier("llm_judge", base_url=JUDGE_URL, model="m", temperature=0.5, max_tokens=7,
                         check_connection=False, cache=False)
    assert {"temperature": 0.5, "max_tokens": 7}.items() <= judge.spec()["params"].items()


def test_constructor_keywords_and_a_config_build_the_same_verifier():
    from pivotrl.verifiers.fuzzy import FuzzyConfig, FuzzyVerifier
    from pivotrl.verifiers.tool_schema import ToolSchemaVerifier

    assert FuzzyVerifier(FuzzyConfig(threshold=80)).spec() == FuzzyVerifier(threshold=80).spec() == \
        get_verifier("fuzzy", threshold=80).spec() == {"name": "fuzzy", "params": {"threshold": 80.0}}
    assert ToolSchemaVerifier(mode="f1").config.mode == "f1"
    with pytest.raises(VerifierError, match="not both"):
        FuzzyVerifier(FuzzyConfig(), threshold=80)
    with pytest.raises(VerifierError, match="accepts: scorer, threshold, graded, case_sensitive, workers"):
        get_verifier("fuzzy", treshold=80)
    with pytest.raises(dataclasses.FrozenInstanceError):
        get_verifier("fuzzy").config.threshold = 1.0  # type: ignore[misc]


def test_a_live_object_among_the_parameters_is_loud_in_the_spec_not_dropped():
    class Engine:
        def search_urls(self, queries, k):
            return [["https://a.example"] for _ in queries]

    verifier = SearchOverlapVerifier(engine=Engine())
    assert verifier.verify(hermes("book_flight", origin="Paris", destination="Rome", passengers=2), FLIGHT).equivalent
    with pytest.raises(VerifierError, match=r"engine .* cannot be written into a verifier spec"):
        verifier.spec()
    assert "SearchOverlapVerifier(" in repr(verifier)


@pytest.mark.parametrize(("a", "b"), [
    ({"name": "fuzzy", "params": {"threshold": 80}}, {"name": "fuzzy", "params": {"threshold": 80.0}}),
    # records written before params were derived from configs spelled defaults out
    ({"name": "fuzzy", "params": {"scorer": "token_sort_ratio", "threshold": 90.0, "graded": False}}, "fuzzy"),
    ({"name": "search_overlap", "params": {"k": 5, "threshold": 0.5}}, {"name": "search_overlap"}),
    ({"name": "tool_schema", "params": {"parser": "qwen3_xml"}}, {"name": "tool_schema", "params": {"parser": "qwen3_coder"}}),
    ({"name": "tool_schema", "params": {"parser": "auto"}}, "tool_schema"),
    ({"name": "shell_exec", "params": {"compare": ("stdout", "files")}},
     {"name": "shell_exec", "params": {"compare": ["stdout", "files"]}}),
    ({"name": "any_of", "params": {"verifiers": ["exact", "tool_schema"]}},
     {"name": "any_of", "params": {"verifiers": [{"name": "exact", "params": {}}, {"name": "tool_schema"}]}}),
])
def test_spellings_of_one_verifier_share_one_key(a, b):
    assert VerifierSpec.from_any(a).key() == VerifierSpec.from_any(b).key()
    assert VerifierSpec.from_any(a) == VerifierSpec.from_any(b)


def test_different_verifiers_have_different_keys_and_runtime_knobs_score_alike():
    plain = VerifierSpec.from_any("fuzzy")
    assert VerifierSpec.from_any({"name": "fuzzy", "params": {"case_sensitive": True}}) != plain
    workers = VerifierSpec.from_any({"name": "fuzzy", "params": {"workers": 2}})
    assert workers != plain and workers.scoring() == plain.scoring()


def test_a_bad_spec_is_a_verifier_error():
    for bad in ({"params": {}}, {"name": 3}, 42):
        with pytest.raises(VerifierError):
            VerifierSpec.from_any(bad)


def test_the_pool_builds_one_verifier_per_key_and_returns_verdicts():
    pool = VerifierPool()
    first = pool.get({"name": "fuzzy", "params": {"threshold": 80}})
    assert pool.get(VerifierSpec("fuzzy", {"threshold": 80.0, "graded": False})) is first
    assert pool.get("fuzzy") is not first and len(pool.built()) == 2
    verdicts = pool.verify("exact", [FLIGHT.reference, "no"], FLIGHT)
    assert all(isinstance(v, Verdict) for v in verdicts) and [v.score for v in verdicts] == [1.0, 0.0]
    assert pool.spec_of({"name": "tool_schema", "params": {"parser": "qwen3_xml"}}).to_dict() == \
        {"name": "tool_schema", "params": {"parser": "qwen3_coder"}}


def test_the_pool_turns_a_bug_in_a_verifier_into_a_verifier_error():
    class Buggy:
        name = "spec_test_buggy"

        def verify(self, action, pivot):
            return Verdict.accept()

        def verify_batch(self, actions, pivots):
            raise KeyError("oops")

    register_verifier("spec_test_buggy", Buggy, override=True)
    try:
        with pytest.raises(VerifierError, match="spec_test_buggy"):
            VerifierPool().verify("spec_test_buggy", ["a"], FLIGHT)
    finally:
        VERIFIERS.unregister("spec_test_buggy")


def test_the_other_verifier_warning_names_both_and_ignores_runtime_knobs(caplog):
    profiled = [dataclasses.replace(FLIGHT, verifier={"name": "fuzzy", "params": {}}, stats={"k": 2, "mean": 0.5})]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with caplog.at_level(logging.WARNING):
            warn_if_other_verifier({"name": "fuzzy", "params": {"workers": 1}}, profiled)
            warn_if_other_verifier(get_verifier("fuzzy", threshold=90), profiled)
    assert "differs" not in caplog.text
    with pytest.warns(UserWarning, match=r"verifier .*case_sensitive.* differs from the one the pivots were made with"):
        warn_if_other_verifier(get_verifier("fuzzy", case_sensitive=True), profiled)
