"""The trainer's scorer picks each pivot's verifier as profiling did (``verifier_for``): its own
recorded one, else its domain's reference-aware default; an override applies to all and is
compared with the recorded ones by the one spec key, runtime knobs aside."""

from __future__ import annotations

import logging
import warnings
from dataclasses import replace

import pytest

from pivotrl.trainer_plugin.scoring import PivotScorer, verifier_spec
from tests.conftest import call, make_pivot
from tests.verifiers.test_terminus_doc import answer

BOOKING = call("book_flight", origin="Paris", destination="Rome", passengers=2)
COERCED = ('<tool_call>{"name": "book_flight", "arguments": {"origin": "Paris", "destination": "Rome", '
           '"passengers": "2"}}</tool_call>')
TERMINUS_REF = answer("terminus_2", "cd /app\n", "pytest -x\n")


@pytest.fixture
def mixed():
    return [replace(make_pivot(BOOKING, pivot_id="strict"), verifier={"name": "exact", "params": {}}),
            replace(make_pivot(BOOKING, pivot_id="lenient"), verifier={"name": "tool_schema", "params": {}}),
            make_pivot(text=TERMINUS_REF, pivot_id="terminus")]


def test_a_mixed_batch_is_scored_by_each_pivots_own_verifier(mixed):
    scorer = PivotScorer(mixed)
    other_answer = answer("terminus_2", "cd /tmp\n", "pytest -x\n")
    verdicts = scorer.score_ids([COERCED, COERCED, TERMINUS_REF, other_answer],
                                ["strict", "lenient", "terminus", "terminus"])
    assert [v.score for v in verdicts] == [0.0, 1.0, 1.0, 0.0]
    assert sorted(v.name for v in scorer.verifiers) == ["exact", "terminus", "tool_schema"]


def test_dataset_rows_record_the_reference_aware_default(mixed):
    assert verifier_spec(mixed[2]) == {"name": "terminus", "params": {}}
    assert verifier_spec(mixed[0]) == {"name": "exact", "params": {}}


def test_an_override_by_spec_scores_every_pivot_and_warns_only_when_it_scores_otherwise(mixed, caplog):
    profiled = [replace(p, verifier={"name": "fuzzy", "params": {"scorer": "token_sort_ratio", "threshold": 90.0,
                                                                 "graded": False}},  # defaults spelled out
                        stats={"k": 2, "mean": 0.5}) for p in mixed[:2]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with caplog.at_level(logging.WARNING):
            same = PivotScorer(profiled, verifier={"name": "fuzzy", "params": {"workers": 1}})
    assert "differs" not in caplog.text
    assert len(same.verifiers) == 1 and same.verifiers[0].config.workers == 1
    with pytest.warns(UserWarning, match="differs from the one the pivots were made with"):
        PivotScorer(profiled, verifier={"name": "fuzzy", "params": {"threshold": 70}})
