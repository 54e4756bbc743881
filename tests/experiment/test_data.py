"""The experiment's data bookkeeping: the base never sees the in-domain scenarios or the
held-out skill questions, and a seed's train, dev and held-out trajectories never share a
conversation."""

from __future__ import annotations

import pytest

from pivotrl.errors import PivotRLError
from pivotrl.experiment.config import ExperimentConfig, preset
from pivotrl.experiment.data import (
    base_corpus,
    check_disjoint,
    rename_tools,
    seed_splits,
    skill_eval_set,
    tokenizer_texts,
)
from pivotrl.experiment.skills import CATEGORIES, skill_tasks, split_of
from pivotrl.pivot_envs.extract import extract_candidates
from pivotrl.pivot_envs.validate import validate_pivots

SMALL = preset("quick")


def test_seed_splits_are_disjoint_by_trajectory_and_by_content():
    splits = seed_splits(SMALL, 0)
    assert len(splits.train) == 3 * SMALL.train_trajectories_per_scenario
    assert len(splits.heldout) == 3 * SMALL.heldout_trajectories_per_scenario
    ids = [t.id for t in splits.train + splits.dev + splits.heldout]
    assert len(ids) == len(set(ids))
    assert {t.meta["scenario"] for t in splits.heldout} == set(SMALL.in_domain)
    other = seed_splits(SMALL, 1)
    assert not {t.id for t in other.heldout} & {t.id for t in splits.heldout}
    with pytest.raises(PivotRLError, match="both train and heldout"):
        check_disjoint({"train": splits.train, "heldout": [splits.train[0]]})


def test_the_base_corpus_holds_no_in_domain_scenario_and_no_held_out_question():
    corpus = base_corpus(SMALL)
    assert {t.meta["scenario"] for t in corpus.trajectories} == set(SMALL.base_scenarios)
    texts = "\n".join(tokenizer_texts(corpus))
    in_domain = seed_splits(SMALL, 0).train
    for t in in_domain[:: SMALL.train_trajectories_per_scenario]:
        assert t.messages[0]["content"][:60] not in texts  # the scenario's policy prompt
    pretrained = {task.messages[-1]["content"] for task in corpus.skills}
    held_out = {task.messages[-1]["content"] for task in skill_eval_set(SMALL)}
    dev = {task.messages[-1]["content"] for task in skill_eval_set(SMALL, dev=True)}
    assert not pretrained & held_out and not pretrained & dev and not held_out & dev
    assert {t.category for t in skill_eval_set(SMALL)} == set(CATEGORIES)


def test_skill_answers_are_right_and_splits_fixed_by_the_question():
    for task in skill_tasks("test", 20):
        assert split_of(task.messages[-1]["content"]) == "test"
        question, answer = task.messages[-1]["content"], task.answers[0]
        if task.category == "add":
            a, b = question.removeprefix("What is ").removesuffix("?").split(" + ")
            assert int(answer) == int(a) + int(b)
        elif task.category == "reverse":
            assert answer.split() == question.split(": ")[1].split()[::-1]
        elif task.category == "sort":
            assert answer.split() == sorted(question.split(": ")[1].split())
        elif task.category == "copy":
            assert question == f"Repeat exactly: {answer}"


def test_configs_refuse_an_in_domain_scenario_in_the_base():
    with pytest.raises(PivotRLError, match="in-domain"):
        ExperimentConfig(in_domain=("airline",), base_scenarios=("airline", "retail"))
    assert ExperimentConfig.from_dict(preset("full").to_dict()) == preset("full")


def test_renamed_tools_stay_consistent_and_every_reference_still_scores_one():
    import random

    corpus = base_corpus(SMALL)
    renamed = [t for t in corpus.trajectories if t.meta.get("renamed_tools")]
    assert 0 < len(renamed) < len(corpus.trajectories)
    for trajectory in renamed:
        names = {tool["function"]["name"] for tool in trajectory.tools}
        called = {c["function"]["name"] for m in trajectory.messages for c in m.get("tool_calls") or []}
        assert called <= names
    report = validate_pivots(extract_candidates(corpus.trajectories))
    assert report.ok, [(p.id, v.reason) for p, v in report.failures[:3]]
    original = seed_splits(SMALL, 0).train[0]
    again = rename_tools(original, random.Random(1))
    assert again.messages[0] == original.messages[0] and again.tools != original.tools
    assert len({t["function"]["name"] for t in again.tools}) == len(original.tools)
