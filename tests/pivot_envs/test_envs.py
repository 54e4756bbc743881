"""The Gymnasium environments: the public API users call from any RL loop."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import warnings
from dataclasses import replace

import gymnasium as gym
import pytest
from gymnasium.utils.env_checker import check_env

import pivotrl  # noqa: F401  (registers pivot/*)
from pivotrl.pivot_envs import PivotEnv, write_jsonl
from pivotrl.verifiers import Verdict, register_verifier
from pivotrl.verifiers.registry import VERIFIERS
from tests.conftest import call, make_pivot

PIVOTS = [
    replace(p, verifier={"name": "tool_schema", "params": {}}) for p in (
        make_pivot(call("book_flight", origin="Paris", destination="Rome", passengers=2), pivot_id="a"),
        make_pivot(call("get_weather", city="Oslo"), pivot_id="b"),
        make_pivot(text="Booked!", pivot_id="c"),
    )
]
GOOD_A = '<tool_call>{"name": "book_flight", "arguments": {"origin": "Paris", "destination": "Rome", "passengers": "2"}}</tool_call>'


def test_reset_and_step_follow_the_contract():
    env = gym.make("pivot/tool-v0", pivots=PIVOTS)
    obs, info = env.reset(seed=0, options={"pivot_id": "a"})
    assert set(obs) == {"messages", "tools"} and obs["messages"][-1]["role"] == "user"
    assert info["pivot_id"] == "a" and env.unwrapped.pivot.reference == PIVOTS[0].reference
    obs, reward, terminated, truncated, info = env.step(GOOD_A)
    assert (reward, terminated, truncated) == (1.0, True, False)
    assert isinstance(info["verdict"], Verdict) and info["verdict"].equivalent


def test_assistant_message_dicts_are_actions_too():
    env = gym.make("pivot/tool-v0", pivots=PIVOTS)
    env.reset(options={"pivot_id": "b"})
    _, reward, *_ = env.step({"role": "assistant", "content": None, "tool_calls": [call("get_weather", city="Oslo")]})
    assert reward == 1.0


@pytest.mark.parametrize("action", [
    "<tool_call>{broken", "x" * 1_048_576, b"\xff\xfe\xfd", "", "<think>never closed",
    '{"name": "rm_rf", "arguments": {}}', {"role": "assistant", "tool_calls": "nope"}, 42, None,
    "[" * 100_000, '<tool_call>{"name": "book_flight", "arguments": {"origin": ' + '"A' * 100_000 + '"}}</tool_call>',
])
def test_bad_actions_get_zero_and_a_reason_never_an_exception(action):
    env = gym.make("pivot/tool-v0", pivots=PIVOTS)
    env.reset(options={"pivot_id": "a"})
    _, reward, terminated, _, info = env.step(action)
    assert reward == 0.0 and terminated
    assert info["verdict"].reason


def test_seeds_make_the_order_reproducible():
    def order(seed):
        env = gym.make("pivot/tool-v0", pivots=PIVOTS)
        ids = [env.reset(seed=seed)[1]["pivot_id"]]
        ids += [env.reset()[1]["pivot_id"] for _ in range(5)]
        return ids

    assert order(1) == order(1)
    assert sorted(order(1)[:3]) == ["a", "b", "c"]  # a permutation: every pivot once per pass
    assert {tuple(order(s)) for s in range(6)} != {tuple(order(1))}


def test_unknown_pivot_id():
    env = gym.make("pivot/tool-v0", pivots=PIVOTS)
    with pytest.raises(KeyError, match="unknown pivot_id 'zz'"):
        env.reset(options={"pivot_id": "zz"})


def test_passes_gymnasium_env_checker_without_warnings():
    env = PivotEnv(PIVOTS)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_env(env, skip_render_check=True)


def test_matching_verifier_does_not_warn(caplog):
    with caplog.at_level(logging.WARNING):
        gym.make("pivot/tool-v0", pivots=PIVOTS, verifier="tool_schema")
    assert "differs" not in caplog.text


def test_custom_verifier_by_name(caplog):
    register_verifier("always_half", lambda action, pivot: Verdict(0.5, False, "half"), override=True)
    try:
        with caplog.at_level(logging.WARNING):
            env = gym.make("pivot/tool-v0", pivots=PIVOTS, verifier="always_half")
        assert "differs from the one the pivots were made with" in caplog.text
        env.reset(options={"pivot_id": "a"})
        _, reward, _, _, info = env.step(GOOD_A)
        assert reward == 0.5 and info["verdict"].reason == "half"
    finally:
        VERIFIERS.unregister("always_half")


def test_verifier_object_and_pivots_file(tmp_path):
    path = tmp_path / "pivots.jsonl"
    write_jsonl(PIVOTS, path)
    from pivotrl.verifiers import get_verifier

    env = gym.make("pivot/tool-v0", pivots=str(path), verifier=get_verifier("exact"))
    env.reset(options={"pivot_id": "a"})
    _, reward, *_ = env.step(GOOD_A)
    assert reward == 0.0  # "2" != 2 for exact; tool_schema would accept it


def test_step_before_reset_is_an_error():
    env = PivotEnv(PIVOTS)
    with pytest.raises(Exception, match="reset"):
        env.step("hi")


def test_env_id_with_module_prefix_needs_no_import_and_import_stays_light():
    code = (
        "import sys, gymnasium as gym\n"
        "env = gym.make('pivotrl:pivot/tool-v0')\n"
        "obs, info = env.reset(seed=0)\n"
        "print(info['pivot_id'])\n"
        "import pivotrl\n"
        "heavy = [m for m in ('torch', 'docker', 'openai', 'transformers') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "HEAVY []" in result.stdout


def test_import_pivotrl_registers_ids_only():
    code = ("import sys, pivotrl, gymnasium as gym;"
            "print(sorted(i for i in gym.registry if i.startswith('pivot/')));"
            "print(sorted(m for m in sys.modules if m.startswith('pivotrl.pivot_envs')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    lines = result.stdout.splitlines()
    assert json.loads(lines[0].replace("'", '"')) == ["pivot/browse-v0", "pivot/swe-v0", "pivot/terminal-v0", "pivot/tool-v0"]
    assert lines[1] == "[]"  # environments load on gym.make, not on import


def test_mutating_the_observation_does_not_change_the_pivot():
    env = gym.make("pivot/tool-v0", pivots=PIVOTS)
    obs, _ = env.reset(options={"pivot_id": "a"})
    obs["messages"].append({"role": "assistant", "content": "mine"})
    obs["messages"][0]["content"] = "changed"
    again, _ = env.reset(options={"pivot_id": "a"})
    assert again["messages"] == PIVOTS[0].messages


def _coerced_booking() -> str:
    """Equal to the booking reference under tool_schema ("2" is 2 by the schema), not under exact."""
    return ('<tool_call>{"name": "book_flight", "arguments": {"destination": "Rome", "origin": "Paris", '
            '"passengers": "2"}}</tool_call>')


def test_each_pivot_of_a_mixed_file_is_scored_by_its_own_verifier(tmp_path):
    from tests.verifiers.test_terminus_doc import answer

    booking = call("book_flight", origin="Paris", destination="Rome", passengers=2)
    terminus_ref = answer("terminus_2", "cd /app\n", "pytest -x\n")
    pivots = [replace(make_pivot(booking, pivot_id="strict"), verifier={"name": "exact", "params": {}}),
              replace(make_pivot(booking, pivot_id="lenient"), verifier={"name": "tool_schema", "params": {}}),
              make_pivot(text=terminus_ref, pivot_id="terminus")]  # records none: a Terminus answer -> terminus
    path = tmp_path / "mixed.jsonl"
    write_jsonl(pivots, path)
    env = gym.make("pivot/tool-v0", pivots=str(path))
    rewards = {}
    for pivot_id, action in (("strict", _coerced_booking()), ("lenient", _coerced_booking()),
                             ("terminus", terminus_ref), ("terminus", answer("terminus_2", "cd /tmp\n", "pytest -x\n"))):
        env.reset(options={"pivot_id": pivot_id})
        _, reward, _, _, info = env.step(action)
        rewards.setdefault(pivot_id, []).append(reward)
        assert env.unwrapped.verifier.name == {"strict": "exact", "lenient": "tool_schema",
                                               "terminus": "terminus"}[pivot_id], info["verdict"].reason
    # with pivots[0]'s verifier for all, "lenient" scored 0; tool_schema's "any text reply" accepted any answer
    assert rewards == {"strict": [0.0], "lenient": [1.0], "terminus": [1.0, 0.0]}


def test_pivots_sharing_a_spec_share_one_built_verifier():
    alias = replace(make_pivot(text="Hi", pivot_id="d"), verifier={"name": "tool_schema", "params": {"parser": "auto"}})
    env = PivotEnv([*PIVOTS, alias])
    assert len({id(env.verifier_of(p)) for p in env.pivots}) == 1


@pytest.mark.integration
def test_a_file_mixing_tool_and_terminal_pivots_runs_the_terminal_one_in_a_sandbox(tmp_path):
    from tests.sandboxes.conftest import bash, require_backend, shell_pivot

    require_backend("docker")
    tool = replace(make_pivot(call("book_flight", origin="Paris", destination="Rome", passengers=2), pivot_id="tool"),
                   verifier={"name": "tool_schema", "params": {}})
    terminal = shell_pivot("grep -c a data.txt", pivot_id="terminal")  # records none: the terminal domain's
    path = tmp_path / "mixed.jsonl"
    write_jsonl([tool, terminal], path)
    env = gym.make("pivot/tool-v0", pivots=str(path))
    try:
        env.reset(options={"pivot_id": "terminal"})
        assert env.unwrapped.verifier.name == "shell_exec"
        _, reward, _, _, info = env.step(bash("grep a data.txt | wc -l"))  # another command, the same effects
        assert reward == 1.0, info["verdict"].reason
        env.reset(options={"pivot_id": "tool"})
        _, reward, _, _, info = env.step(_coerced_booking())
        assert reward == 1.0 and env.unwrapped.verifier.name == "tool_schema", info["verdict"].reason
    finally:
        env.close()
