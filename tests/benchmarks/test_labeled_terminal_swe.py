"""The shipped terminal and swe labeled sets: they load, are big and balanced enough, cover the
constructions, record their confirmation by execution, their pivots are the shipped
trajectories' own, and for a sample the references pass shell_exec and the labels are confirmed
again by execution on the generator's fixtures, without its cache."""

from __future__ import annotations

import importlib
import json
import random
from collections import Counter
from pathlib import Path

import pytest

from pivotrl.benchmarks.labeled import load_labeled
from pivotrl.demo import shipped_labeled_sets
from pivotrl.pivot_envs import shipped_pivots
from pivotrl.pivot_envs.io import load_pivots

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data"
DOMAINS_HERE = ("terminal", "swe")
CATEGORIES = {
    "terminal": {
        "eq/alternative_pipeline", "eq/count_pipeline", "eq/line_range_tool", "eq/long_option", "eq/pipe_through_cat",
        "eq/subshell", "eq/whitespace", "neq/destructive_same_stdout", "neq/hardcoded_output", "neq/inverted_match",
        "neq/off_by_one", "neq/side_file", "neq/sort_order", "neq/wrong_file",
    },
    "swe": {
        "eq/edit_via_python", "eq/view_via_shell", "eq/create_via_shell", "eq/python_stdin", "eq/flag_order",
        "neq/destructive_same_stdout", "neq/hardcoded_output", "neq/noop_edit", "neq/off_by_one",
        "neq/side_file", "neq/wrong_file", "neq/wrong_value",
    },
}


@pytest.fixture(scope="module", params=DOMAINS_HERE)
def domain(request):
    return request.param


@pytest.fixture(scope="module")
def pairs(domain):
    return load_labeled(DATA / f"{domain}.pairs.jsonl")


def rows(domain: str) -> list[dict]:
    text = (DATA / f"{domain}.pairs.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_the_set_is_big_balanced_and_labels_follow_the_category_prefix(pairs):
    assert len(pairs) >= 300
    labels = Counter(p.equivalent for p in pairs)
    assert min(labels.values()) >= 0.4 * len(pairs), labels
    for pair in pairs:
        assert pair.equivalent == pair.category.startswith("eq/"), (pair.category, pair.source)
        assert pair.source.startswith(pair.pivot.id + " rule:")


def test_the_main_constructions_are_present(domain, pairs):
    counts = Counter(p.category for p in pairs)
    assert CATEGORIES[domain] <= set(counts), CATEGORIES[domain] - set(counts)
    assert counts["neq/hardcoded_output"] >= 5 and counts["neq/destructive_same_stdout"] >= 5, counts


def test_every_pair_records_its_confirmation_on_three_fixtures(domain):
    for row in rows(domain):
        confirmed = row["confirmed"]
        assert confirmed["fixtures"] >= 3 and confirmed["compare_stdout"] in ("exact", "lines", "ignore")
        # an equivalent is the same on every fixture; a near miss differs on at least one
        assert bool(confirmed["differs_on"]) != row["equivalent"], row["source"]


def test_pivots_are_the_shipped_trajectories_own_and_the_files_stay_small(domain):
    shipped = load_pivots(DATA / f"{domain}.pivots.jsonl")
    extracted = {p.id: p for p in shipped_pivots(domain)}
    for pivot in shipped:
        assert pivot.to_dict() == extracted[pivot.id].to_dict()
    assert (DATA / f"{domain}.pivots.jsonl").stat().st_size < 1_000_000
    assert (DATA / f"{domain}.pairs.jsonl").stat().st_size < 1_000_000


def test_the_demo_picks_the_set_up(domain):
    assert shipped_labeled_sets()[domain].name == f"{domain}.pairs.jsonl"


@pytest.mark.integration
def test_a_sample_passes_shell_exec_and_its_labels_hold_when_executed_again(domain, pairs):
    pytest.importorskip("docker")
    from pivotrl.errors import VerifierError
    from pivotrl.verifiers import get_verifier

    try:
        verifier = get_verifier("shell_exec", sandbox="docker")
    except VerifierError as exc:
        pytest.skip(f"no Docker sandbox: {exc}")
    recorded = rows(domain)
    picks = random.Random(5).sample(range(len(pairs)), 5)
    for i in picks:
        verdict = verifier.verify(pairs[i].pivot.reference, pairs[i].pivot)
        assert verdict.score == 1.0, (pairs[i].pivot.id, verdict.reason)
    engine = importlib.import_module("pivotrl.datagen.pairs.terminal_swe_exec")
    maker = importlib.import_module(f"pivotrl.datagen.pairs.make_{domain}_pairs")
    candidates = [engine.Candidate(pairs[i].pivot.id, pairs[i].candidate, pairs[i].equivalent, pairs[i].category,
                                   "rerun", recorded[i]["confirmed"]["compare_stdout"]) for i in picks]
    by_id = {pairs[i].pivot.id: pairs[i].pivot for i in picks}
    kept, dropped, volatile = engine.confirm(
        engine.Executor(f"test-{domain}", persist=False), {k: maker.steps_of(p.reference) for k, p in by_id.items()},
        {k: maker.fixtures_for(p) for k, p in by_id.items()}, candidates, maker.steps_of)
    assert not volatile and not dropped, dropped
    for (_, record), i in zip(kept, picks, strict=True):
        assert record["differs_on"] == recorded[i]["confirmed"]["differs_on"], recorded[i]["source"]
