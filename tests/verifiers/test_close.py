"""``close()`` is part of the Verifier protocol: a verifier that holds something gives it back
when closed, through a combinator, a guard, an env or a ``with`` block; one that holds nothing
closes as a no-op, and protocol-only verifiers written before ``close()`` still work."""

from __future__ import annotations

import gymnasium as gym
import pytest

import pivotrl  # noqa: F401 - registers the env ids
from pivotrl.verifiers import BaseVerifier, Verdict, get_verifier
from pivotrl.verifiers.base import Verifier
from tests.conftest import make_pivot


class Holding(BaseVerifier):
    """Holds a resource until closed (as shell_exec holds sandboxes)."""

    name = "holding"
    released = 0

    def _verify(self, action, pivot) -> Verdict:
        return Verdict.accept("ok")

    def close(self) -> None:
        type(self).released += 1


class OldProtocol:
    """Follows the protocol as it was before close(): verify and verify_batch only."""

    name = "old_protocol"

    def verify(self, action, pivot):
        return 1.0

    def verify_batch(self, actions, pivots):
        return [1.0 for _ in actions]


class ClosingProtocol(OldProtocol):
    closed = False

    def close(self) -> None:
        self.closed = True


@pytest.fixture(autouse=True)
def _reset():
    Holding.released = 0


def test_base_verifier_close_is_a_no_op_and_a_context_manager():
    with get_verifier("exact") as verifier:
        assert isinstance(verifier, Verifier)
        assert verifier.verify("hi", make_pivot(text="hi")).score == 1.0
    verifier.close()  # twice is fine


def test_with_block_releases_what_the_verifier_holds_even_on_error():
    with pytest.raises(RuntimeError), Holding():
        raise RuntimeError("the loop broke")
    assert Holding.released == 1


@pytest.mark.parametrize("combinator", ["any_of", "all_of"])
def test_a_combinator_closes_its_members(combinator):
    verifier = get_verifier(combinator, verifiers=[Holding(), "exact", Holding()])
    verifier.close()
    assert Holding.released == 2


def test_weighted_closes_its_members():
    get_verifier("weighted", verifiers=[(Holding(), 1.0), ("exact", 1.0)]).close()
    assert Holding.released == 1


def test_guarded_verifiers_close_the_inner_one_and_old_ones_need_no_close():
    inner = ClosingProtocol()
    with get_verifier(inner) as guarded:
        assert guarded.verify("x", make_pivot(text="x")).score == 1.0
    assert inner.closed
    old = get_verifier(OldProtocol())
    assert old.verify("x", make_pivot(text="x")).score == 1.0
    old.close()


def test_env_close_closes_its_verifier():
    env = gym.make("pivot/tool-v0", verifier=Holding())
    env.reset(seed=0)
    env.close()
    assert Holding.released == 1
