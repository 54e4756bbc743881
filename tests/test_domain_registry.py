"""The domain registry: a new domain is its own data file plus one ``register_domain`` line,
and every place keyed by a domain (env id, verl ability, judge hint, search engine, NeMo Gym
rows) then knows it; the shipped domains keep what they had."""

from __future__ import annotations

import json

import gymnasium as gym
import pytest

from pivotrl.domain_registry import (
    DOMAINS,
    ENV_ENTRY_POINT,
    DomainSpec,
    get_domain,
    judge_hint,
    register_domain,
    search_engine,
    unregister_domain,
    verl_ability,
)
from pivotrl.errors import UnknownNameError

TOY_TRAJECTORY = {
    "id": "toy-1", "domain": "toy", "tools": [],
    "messages": [{"role": "user", "content": "Say the password."},
                 {"role": "assistant", "content": "swordfish"},
                 {"role": "user", "content": "And the next one?"},
                 {"role": "assistant", "content": "marlin"}],
}


@pytest.fixture
def toy_domain(tmp_path):
    data = tmp_path / "toy.jsonl"
    data.write_text(json.dumps(TOY_TRAJECTORY) + "\n")
    # the one line a new domain needs:
    register_domain(DomainSpec("toy", {"name": "exact", "params": {}}, str(data), "a toy domain",
                               judge_hint="Passwords must match exactly.", verl_ability="recall",
                               search_engine="toy_engine", nemo_agents=("toy_agent",)))
    yield "toy"
    unregister_domain("toy")


def test_a_registered_domain_is_reachable_by_its_env_id(toy_domain):
    env = gym.make("pivot/toy-v0")
    assert env.spec.kwargs == {"domain": "toy"}
    _, info = env.reset(options={"pivot_id": "toy-1:0"})
    assert info["domain"] == "toy" and env.unwrapped.verifier.name == "exact"
    _, reward, terminated, _, _ = env.step("swordfish")
    assert reward == 1.0 and terminated
    env.reset(options={"pivot_id": "toy-1:0"})
    assert env.step("marlin")[1] == 0.0
    env.close()


def test_a_registered_domain_reaches_verl_the_judge_the_search_default_and_nemo_rows(toy_domain):
    from pivotrl.pivot_envs import shipped_pivots
    from pivotrl.pivot_envs.nemo_gym import _guess_domain
    from pivotrl.trainer_plugin.adapters.verl import pivot_to_verl_row
    from pivotrl.verifiers.judge_prompt import JudgeTemplate

    pivots = shipped_pivots("toy")
    assert [p.id for p in pivots] == ["toy-1:0", "toy-1:1"]
    assert pivot_to_verl_row(pivots[0], 0)["ability"] == "recall"
    assert JudgeTemplate.default("toy").system.endswith(" Passwords must match exactly.")
    assert search_engine("toy") == "toy_engine"
    assert _guess_domain({"agent_ref": {"name": "my_toy_agent"}}, {"role": "assistant", "content": "x"}) == "toy"


def test_unregistering_a_domain_removes_its_env_id(toy_domain):
    unregister_domain("toy")
    assert "toy" not in DOMAINS and "pivot/toy-v0" not in gym.registry
    with pytest.raises(UnknownNameError, match="unknown domain 'toy'; known: browse, swe, terminal, tool"):
        get_domain("toy")


def test_a_taken_name_or_env_id_is_refused_unless_overridden(toy_domain, tmp_path):
    with pytest.raises(ValueError, match="domain 'toy' is already registered"):
        register_domain(DomainSpec("toy", {"name": "fuzzy", "params": {}}, "x.jsonl"))
    with pytest.raises(ValueError, match="env id 'pivot/tool-v0' is already registered"):
        register_domain(DomainSpec("toy2", {"name": "exact", "params": {}}, "x.jsonl", env_id="pivot/tool-v0"))
    assert "toy2" not in DOMAINS
    register_domain(DomainSpec("toy", {"name": "fuzzy", "params": {}}, str(tmp_path / "x.jsonl"),
                               env_id="pivot/toy-v1"), override=True)
    assert get_domain("toy").verifier["name"] == "fuzzy"
    assert "pivot/toy-v0" not in gym.registry and gym.spec("pivot/toy-v1").kwargs == {"domain": "toy"}


@pytest.mark.parametrize("bad, match", [
    ({"name": "a/b"}, "without '/'"),
    ({"verifier": "exact"}, "verifier must be a spec"),
    ({"env_id": "pivot/toy-vX/y"}, "Malformed environment ID"),
])
def test_a_malformed_spec_fails_when_built(bad, match):
    fields = {"name": "toy", "verifier": {"name": "exact", "params": {}}, "data": "x.jsonl", **bad}
    with pytest.raises(Exception, match=match):
        DomainSpec(**fields)


def test_the_shipped_domains_keep_their_ids_abilities_hints_and_engine():
    assert {name: get_domain(name).env_id for name in DOMAINS} == {
        "browse": "pivot/browse-v0", "swe": "pivot/swe-v0", "terminal": "pivot/terminal-v0", "tool": "pivot/tool-v0"}
    assert {name: verl_ability(name) for name in DOMAINS} == {
        "tool": "tool_use", "browse": "search", "terminal": "shell", "swe": "software_engineering"}
    assert verl_ability("unregistered") == "unregistered"
    assert judge_hint("terminal").startswith("The actions are shell commands") and judge_hint("nope") == ""
    assert all(search_engine(name) == "browse" for name in DOMAINS) and search_engine(None) == "browse"
    for name in DOMAINS:
        spec = gym.spec(get_domain(name).env_id)
        assert spec.entry_point == ENV_ENTRY_POINT and spec.kwargs == {"domain": name}


def test_the_make_functions_stay_thin_wrappers_over_the_one_factory():
    from pivotrl.pivot_envs.envs import make_swe_env, make_tool_env

    env = make_tool_env(pivots=[{"id": "a", "messages": [{"role": "user", "content": "hi"}],
                                 "reference": {"role": "assistant", "content": "hello"}}])
    assert env.domain == "tool" and env.pivots[0].domain == "tool"
    assert make_swe_env(pivots=env.pivots, verifier="exact").domain == "swe"
