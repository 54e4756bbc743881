"""The shipped sample data: enough of it, realistic in shape, and every reference scores 1
under its own verifier (the gold self-check ``pivotrl validate`` runs)."""

from __future__ import annotations

import json

import pytest

from pivotrl.pivot_envs import (
    extract_candidates,
    get_domain,
    list_domains,
    load_trajectories,
    shipped_trajectories,
)
from pivotrl.pivot_envs.browse_engine import default_engine
from pivotrl.pivot_envs.domains import data_path
from pivotrl.pivot_envs.perturb import perturb_reference
from pivotrl.pivot_envs.validate import validate_pivots
from pivotrl.verifiers import get_verifier


@pytest.fixture(scope="module", params=list_domains())
def domain_pivots(request):
    domain = request.param
    trajectories = shipped_trajectories(domain)
    return domain, trajectories, extract_candidates(trajectories)


MINIMUM_TRAJECTORIES = {"tool": 50, "browse": 50, "terminal": 60, "swe": 24}


def test_enough_multi_turn_trajectories(domain_pivots):
    domain, trajectories, pivots = domain_pivots
    assert len(trajectories) >= MINIMUM_TRAJECTORIES[domain]
    assert all(len(t.assistant_turns) >= 2 for t in trajectories)
    assert len({t.id for t in trajectories}) == len(trajectories)
    assert len(pivots) >= 150


def test_every_reference_passes_its_own_verifier(domain_pivots):
    _, _, pivots = domain_pivots
    report = validate_pivots(pivots)
    assert report.checked == len(pivots)
    assert report.ok, [(p.id, v.reason) for p, v in report.failures[:5]]


def test_one_wrong_value_is_rejected_everywhere(domain_pivots):
    domain, _, pivots = domain_pivots
    verifier = get_verifier(get_domain(domain).verifier)
    verdicts = verifier.verify_batch([perturb_reference(p) for p in pivots], pivots)
    accepted = [(p.id, v.reason) for p, v in zip(pivots, verdicts, strict=True) if v.equivalent]
    assert not accepted


def test_tool_data_exercises_the_schema_features():
    trajectories = load_trajectories(data_path("tool/trajectories.jsonl"))
    schemas = json.dumps([t.tools for t in trajectories])
    for feature in ('"default"', '"enum"', '"integer"', '"number"', '"boolean"', '"array"', '"additionalProperties": false'):
        assert feature in schemas, feature
    parallel = [m for t in trajectories for m in t.messages if len(m.get("tool_calls") or []) > 1]
    assert len(parallel) >= 8
    assert len({t.meta.get("scenario") for t in trajectories}) >= 6


def test_browse_corpus_and_trajectories_agree_with_the_engine():
    engine = default_engine()
    assert len(engine.documents) >= 300
    trajectories = load_trajectories(data_path("browse/trajectories.jsonl"))
    checked = 0
    for trajectory in trajectories:
        calls = {c["id"]: c for m in trajectory.messages for c in m.get("tool_calls") or []}
        for message in trajectory.messages:
            if message["role"] != "tool":
                continue
            function = calls[message["tool_call_id"]]["function"]
            arguments = json.loads(function["arguments"])
            if function["name"] == "open_page":
                assert message["content"] == engine.render_page(arguments["url"])
                checked += 1
            elif function["name"] == "search":  # ties at the cut included: a transcript the env can't replay teaches the wrong thing
                shown = engine.render_search(arguments["query"], arguments.get("top_k", 5))
                assert message["content"] == shown, (trajectory.id, arguments)
                checked += 1
    assert checked >= 150
