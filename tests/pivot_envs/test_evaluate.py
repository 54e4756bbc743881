"""Evaluation against hand-computed accuracies: a scripted policy gives known replies, so
pass@1, mean@k and pass@k per domain and category are known exactly; intervals resample whole
trajectories; exact-answer tasks accept only the answer (whitespace, quotes and a reasoning
block aside)."""

from __future__ import annotations

import json

import pytest

from pivotrl.errors import DataError
from pivotrl.pivot_envs.evaluate import EvalConfig, cluster_bootstrap, evaluate
from pivotrl.pivot_envs.policies.base import PolicyStats, SampledAction
from pivotrl.pivot_envs.tasks import Task, check_answer, load_tasks
from tests.conftest import BOOKING_TOOLS, call, make_pivot


def _call_text(name, **args):
    return f'<tool_call>{{"name": "{name}", "arguments": {json.dumps(args)}}}</tool_call>'


RIGHT = _call_text("book_flight", origin="Paris", destination="Rome")
WRONG = _call_text("book_flight", origin="Paris", destination="Oslo")


class Scripted:
    """Replies fixed per item id: (greedy reply, [sampled replies])."""

    name = "scripted"

    def __init__(self, script):
        self.script = script

    def sample(self, pivots, k, params):
        out = []
        for pivot in pivots:
            greedy, sampled = self.script[pivot.id]
            replies = [greedy] * k if params.temperature == 0 else sampled[:k]
            out.append([SampledAction(text=r) if r is not None else SampledAction(text="", error="timeout")
                        for r in replies])
        return out

    def stats(self):
        return PolicyStats()

    def close(self):
        pass


def _pivot(pivot_id, trajectory, scenario):
    pivot = make_pivot(call("book_flight", origin="Paris", destination="Rome"), pivot_id=pivot_id, tools=BOOKING_TOOLS)
    return type(pivot).from_dict({**pivot.to_dict(), "source": {"trajectory_id": trajectory, "turn": 1},
                                  "meta": {"scenario": scenario}, "verifier": {"name": "tool_schema", "params": {}}})


def test_accuracies_per_domain_and_category_match_a_hand_count():
    pivots = [_pivot("a1", "A", "air"), _pivot("a2", "A", "air"), _pivot("a3", "A", "air"),
              _pivot("b1", "B", "rail"), _pivot("b2", "B", "rail")]
    script = {
        "a1": (RIGHT, [RIGHT, RIGHT, WRONG, WRONG]),
        "a2": (WRONG, [WRONG, WRONG, WRONG, WRONG]),
        "a3": (RIGHT, [RIGHT, RIGHT, RIGHT, RIGHT]),
        "b1": (RIGHT, [WRONG, RIGHT, None, WRONG]),  # a failed sample scores 0
        "b2": (WRONG, [WRONG, "I will book it.", WRONG, WRONG]),
        "t1": ("42", ["42", "41", "42", " 42 "]),
        "t2": ("<think>2+2</think> 4", ["4", "4", "4", "4"]),
        "t3": ("olleh", ["olleh", "hello", "hello", "hello"]),
        "t4": ("abc", ["cba", "cba", "abc", "abc"]),
    }
    tasks = [Task("t1", [{"role": "user", "content": "6*7?"}], ["42"], "arith"),
             Task("t2", [{"role": "user", "content": "2+2?"}], ["4"], "arith"),
             Task("t3", [{"role": "user", "content": "reverse hello"}], ["olleh"], "reverse"),
             Task("t4", [{"role": "user", "content": "reverse abc"}], ["cba"], "reverse")]
    result = evaluate(Scripted(script), pivots=[("held-out", pivots)], tasks=[("skills", tasks)],
                      config=EvalConfig(k=4, bootstrap=200, chunk=2))

    def m(suite, metric, domain="*", category="*"):
        return result.summary(suite, domain, category).metrics[metric].mean

    assert m("held-out", "pass@1") == pytest.approx(3 / 5)
    assert m("held-out", "pass@1", "tool", "air") == pytest.approx(2 / 3)
    assert m("held-out", "pass@1", "tool", "rail") == pytest.approx(1 / 2)
    assert m("held-out", "mean@k") == pytest.approx((2 + 0 + 4 + 1 + 0) / 20)
    assert m("held-out", "mean@k", "tool", "air") == pytest.approx(6 / 12)
    assert m("held-out", "pass@k") == pytest.approx(3 / 5)
    assert m("skills", "pass@1") == pytest.approx(3 / 4)
    assert m("skills", "pass@1", "tasks", "reverse") == pytest.approx(1 / 2)
    assert m("skills", "mean@k", "tasks", "arith") == pytest.approx((3 + 4) / 8)
    assert m("skills", "pass@k") == pytest.approx(1.0)
    assert result.summary("held-out").clusters == 2 and result.summary("skills").clusters == 4
    assert result.samples == 9 * 5
    b1 = next(i for i in result.items if i.id == "b1")
    assert b1.samples == [0.0, 1.0, 0.0, 0.0] and b1.kind == "tool_calls"
    for s in result.summaries:
        for est in s.metrics.values():
            assert est.low <= est.mean <= est.high
    data = result.to_dict()
    assert {s["suite"] for s in data["summaries"]} == {"held-out", "skills"} and len(data["items"]) == 9


def test_intervals_resample_whole_trajectories():
    """Ten trajectories whose five pivots succeed or fail together carry the information of ten
    items, not fifty: their interval is wider than that of fifty independent items."""
    values = [float(t % 2) for t in range(10) for _ in range(5)]
    clustered = cluster_bootstrap(values, [str(t) for t in range(10) for _ in range(5)], 2000, 0.95)
    independent = cluster_bootstrap(values, [str(i) for i in range(50)], 2000, 0.95)
    assert clustered.mean == independent.mean == 0.5
    assert clustered.high - clustered.low > 1.5 * (independent.high - independent.low)
    same = cluster_bootstrap([1.0, 1.0, 1.0], ["a", "b", "c"], 100, 0.95)
    assert (same.low, same.mean, same.high) == (1.0, 1.0, 1.0)


@pytest.mark.parametrize(("reply", "ok"), [
    ("42", True), ("  42\n", True), ("<think>6*7</think>42", True), ("42.", False), ("4 2", False),
    ("The answer is 42", False), ("", False),
])
def test_exact_answers(reply, ok):
    assert check_answer(reply, ["42"])[0] is ok


def test_task_files_are_checked_line_by_line(tmp_path):
    path = tmp_path / "tasks.jsonl"
    path.write_text('{"id": "1", "question": "2+2?", "answer": 4, "category": "add"}\n'
                    '{"id": "2", "question": "3+3?", "answers": ["6", "six"]}\n')
    tasks = load_tasks(path)
    assert tasks[0].answers == ["4"] and tasks[1].answers == ["6", "six"] and tasks[1].category == "-"
    path.write_text('{"id": "1", "question": "2+2?", "answer": "4"}\n{"id": "2", "question": "x"}\n')
    with pytest.raises(DataError, match=r"tasks.jsonl:2: field 'answer'"):
        load_tasks(path)
    path.write_text('{"id": "1", "question": "a", "answer": "4"}\n{"id": "1", "question": "b", "answer": "5"}\n')
    with pytest.raises(DataError, match="appears twice"):
        load_tasks(path)
