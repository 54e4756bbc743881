"""The user-verifier boundary: whatever a user's verifier returns is checked the same way,
whether it is a function, a BaseVerifier subclass, a class that only follows the protocol, or a
member of a combinator. A score outside [0, 1], a wrong type or a short batch is a VerifierError
that names the verifier; nothing is filled in or passed through."""

from __future__ import annotations

import math

import gymnasium as gym
import pytest

import pivotrl  # noqa: F401 - registers the pivot/* ids
from pivotrl.errors import VerifierError
from pivotrl.verifiers import Verdict, get_verifier, register_verifier
from pivotrl.verifiers.action import Action
from pivotrl.verifiers.base import BaseVerifier
from pivotrl.verifiers.registry import VERIFIERS, GuardedVerifier
from tests.conftest import call, make_pivot

PIVOT = make_pivot(call("get_weather", city="Oslo"))
OUT_OF_RANGE = [2.0, -1, math.inf, -math.inf, 1.000001, Verdict(2.0, True), Verdict(-0.5, False)]
NOT_A_SCORE = ["yes", None, [1.0], {"score": 1.0}, math.nan]


@pytest.fixture
def registered():
    names: list[str] = []

    def add(name, obj):
        register_verifier(name, obj, override=True)
        names.append(name)
        return name

    yield add
    for name in names:
        VERIFIERS.unregister(name)


@pytest.mark.parametrize("value", OUT_OF_RANGE + NOT_A_SCORE, ids=repr)
def test_a_function_verifier_returning_a_bad_score_is_named(registered, value):
    name = registered("test_bad_fn", lambda action, pivot: value)
    verifier = get_verifier(name)
    with pytest.raises(VerifierError, match="verifier 'test_bad_fn'"):
        verifier.verify("anything", PIVOT)
    with pytest.raises(VerifierError, match="verifier 'test_bad_fn'"):
        verifier.verify_batch(["a", "b"], PIVOT)


@pytest.mark.parametrize("value", OUT_OF_RANGE, ids=repr)
def test_a_base_verifier_subclass_returning_a_bad_score_is_named(registered, value):
    class Subclass(BaseVerifier):
        name = "test_bad_sub"

        def _verify(self, action: Action, pivot) -> Verdict:
            return value  # type: ignore[return-value]

    verifier = get_verifier(registered("test_bad_sub", Subclass))
    with pytest.raises(VerifierError, match=r"verifier 'test_bad_sub' returned the score"):
        verifier.verify("anything", PIVOT)


def test_a_base_verifier_subclass_with_a_short_batch_is_named(registered):
    class Short(BaseVerifier):
        name = "test_short_sub"

        def _verify(self, action: Action, pivot) -> Verdict:
            return Verdict.accept()

        def _verify_valid_batch(self, actions, pivots):
            return [Verdict.accept()] * (len(actions) - 1)

    verifier = get_verifier(registered("test_short_sub", Short))
    with pytest.raises(VerifierError, match=r"verifier 'test_short_sub' returned 2 verdicts for 3 actions"):
        verifier.verify_batch(["a", "b", "c"], PIVOT)


class ProtocolOnly:
    """Follows the Verifier protocol, no BaseVerifier: get_verifier guards it."""

    name = "test_protocol"

    def __init__(self, score: object = 1.0, short: bool = False, explode: bool = False) -> None:
        self.score, self.short, self.explode = score, short, explode

    def verify(self, action, pivot):
        if self.explode:
            raise KeyError("tool_calls")
        return self.score

    def verify_batch(self, actions, pivots):
        out = [self.verify(a, pivots) for a in actions]
        return out[:-1] if self.short else out


def test_a_protocol_verifier_is_guarded_and_otherwise_untouched(registered):
    name = registered("test_protocol", ProtocolOnly)
    verifier = get_verifier(name)
    assert isinstance(verifier, GuardedVerifier) and isinstance(verifier.inner, ProtocolOnly)
    assert verifier.verify("x", PIVOT).score == 1.0 and [v.score for v in verifier.verify_batch(["x", "y"], PIVOT)] == [1, 1]
    assert verifier.score == 1.0  # attributes pass through
    for params, match in (({"score": 2.0}, "returned the score 2"), ({"short": True}, "returned 1 verdicts for 2"),
                          ({"explode": True}, "raised KeyError"), ({"score": "high"}, "must return a Verdict")):
        broken = get_verifier({"name": name, "params": params})
        with pytest.raises(VerifierError, match=rf"verifier 'test_protocol'.*{match}"):
            broken.verify_batch(["x", "y"], PIVOT)


@pytest.mark.parametrize("combinator", ["any_of", "all_of"])
def test_a_combinator_names_the_member_that_broke_and_passes_nothing_through(registered, combinator):
    two = registered("test_two", lambda action, pivot: 2.0)
    short = registered("test_short", ProtocolOnly)
    for member, match in ((two, "verifier 'test_two'"), ({"name": short, "params": {"short": True}},
                                                         "verifier 'test_short' returned 1 verdicts")):
        # any_of stops at the first acceptance, all_of at the first rejection: put the broken member where it runs
        first = "exact" if combinator == "any_of" else "tool_schema"
        verifier = get_verifier(combinator, verifiers=[first, member])
        with pytest.raises(VerifierError, match=match):
            verifier.verify_batch(["no", "no either"] if combinator == "any_of" else [PIVOT.reference] * 2, PIVOT)


def test_weighted_names_a_short_member_and_its_mean_stays_within_range(registered):
    short = registered("test_short_w", ProtocolOnly)
    verifier = get_verifier("weighted", verifiers=[["tool_schema", 1.0], [{"name": short, "params": {"short": True}}, 1.0]])
    with pytest.raises(VerifierError, match="verifier 'test_short_w' returned 1 verdicts"):
        verifier.verify_batch(["a", "b"], PIVOT)
    ones = registered("test_one", lambda action, pivot: 1.0)
    # 0.1 + 0.2 + 0.7 adds up to 1.0000000000000002 in floating point: the mean must still be 1
    mixed = get_verifier("weighted", verifiers=[[ones, 0.1], [ones, 0.2], [ones, 0.7]])
    verdict = mixed.verify(PIVOT.reference, PIVOT)
    assert verdict.score == 1.0 and verdict.equivalent


def test_an_env_step_with_a_broken_verifier_raises_instead_of_rewarding(registered):
    name = registered("test_env_two", lambda action, pivot: 2.0)
    env = gym.make("pivot/tool-v0", pivots=[PIVOT], verifier=name)
    env.reset(seed=0)
    with pytest.raises(VerifierError, match="test_env_two"):
        env.step("anything")


def test_a_guarded_verifiers_spec_rebuilds_it(registered):
    name = registered("test_protocol_spec", ProtocolOnly)
    verifier = get_verifier({"name": name, "params": {"score": 0.5}})
    assert verifier.spec() == {"name": name, "params": {"score": 0.5}}
    rebuilt = get_verifier(verifier.spec())
    assert rebuilt.verify("x", PIVOT).score == 0.5
