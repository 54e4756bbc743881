"""E2E RL over replayed episodes: an episode ends at its first rejected turn, its outcome is 1
only when every turn was accepted, every turn it took gets the episode's advantage, and each
sampled turn counts as a rollout turn."""

from __future__ import annotations

import json

import pytest

torch = pytest.importorskip("torch")

from pivotrl.pivot_envs.records import Trajectory  # noqa: E402
from pivotrl.trainer_plugin.episodes import EpisodeTrainer, episode_pivots  # noqa: E402
from pivotrl.trainer_plugin.grpo import GRPOConfig  # noqa: E402
from pivotrl.trainer_plugin.sampling import Rollout  # noqa: E402
from pivotrl.trainer_plugin.trainer import PivotGRPOTrainer, TrainerConfig  # noqa: E402
from tests.conftest import BOOKING_TOOLS  # noqa: E402
from tests.toy import toy_model  # noqa: E402


def _call(name, **args):
    return {"id": f"c_{name}", "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}


def _text(name, **args):
    return f'<tool_call>{{"name": "{name}", "arguments": {json.dumps(args)}}}</tool_call>'


TRAJECTORY = Trajectory.from_dict({"id": "t", "domain": "tool", "tools": BOOKING_TOOLS, "messages": [
    {"role": "user", "content": "Weather in Rome, then book Paris to Rome."},
    {"role": "assistant", "content": None, "tool_calls": [_call("get_weather", city="Rome")]},
    {"role": "tool", "tool_call_id": "c_get_weather", "content": "sunny"},
    {"role": "assistant", "content": None, "tool_calls": [_call("book_flight", origin="Paris", destination="Rome")]},
]})
GOOD = [_text("get_weather", city="Rome"), _text("book_flight", origin="Paris", destination="Rome")]
BAD = [_text("get_weather", city="Oslo"), _text("book_flight", origin="Paris", destination="Oslo")]


class Script:
    """Episode e's reply at turn t: GOOD[t] when script[t][e] else BAD[t] (alive episodes in order)."""

    def __init__(self, tokenizer, script):
        self.tokenizer, self.script, self.calls = tokenizer, script, []

    def sample(self, pivots, g):
        [pivot] = pivots
        turn = pivot.source["turn"]
        self.calls.append((turn, g))
        alive = [e for e, ok in enumerate(self.script[turn - 1]) if ok] if turn else list(range(len(self.script[0])))
        rows = []
        for episode in alive[:g]:
            text = GOOD[turn] if self.script[turn][episode] else BAD[turn]
            ids = [*self.tokenizer(text, add_special_tokens=False).input_ids, self.tokenizer.eos_token_id]
            rows.append(Rollout(pivot, [1, 2, 3], ids, text))
        return [rows]


def test_episodes_end_at_the_first_rejection_and_share_their_outcome(tmp_path):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    path = toy_model(tmp_path)
    tokenizer = AutoTokenizer.from_pretrained(path)
    script = Script(tokenizer, [[True, True, False, False], [True, False, True, True]])
    turns = episode_pivots([TRAJECTORY])["t"]
    assert [p.source["turn"] for p in turns] == [0, 1]
    trainer = PivotGRPOTrainer(AutoModelForCausalLM.from_pretrained(path), tokenizer, turns, sampler=script,
                               config=TrainerConfig(num_generations=4, pivots_per_step=1, max_steps=1,
                                                    learning_rate=1e-3, grpo=GRPOConfig()))
    seen = {}
    apply = trainer.apply

    def spy(rollouts, rewards, groups, **kwargs):
        seen.update(rollouts=rollouts, rewards=rewards, advantages=kwargs["advantages"])
        return apply(rollouts, rewards, groups, **kwargs)

    trainer.apply = spy
    metrics = EpisodeTrainer(trainer, [TRAJECTORY]).step()
    assert script.calls == [(0, 4), (1, 2)]  # the two episodes rejected at turn 1 never reach turn 2
    assert metrics["rollout_turns"] == 6 and metrics["episode_success"] == 0.25
    assert metrics["turns_per_episode"] == 1.5
    by_text = list(zip([r.text for r in seen["rollouts"]], seen["rewards"], seen["advantages"], strict=True))
    # episode 0 (both turns right) is the only success; its two turns share one positive advantage
    successes = [(t, a) for t, r, a in by_text if r == 1.0]
    assert [t for t, _ in successes] == GOOD and successes[0][1] == successes[1][1] > 0
    assert all(a < 0 for _, r, a in by_text if r == 0.0)
