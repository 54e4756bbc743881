"""Profiling through an OpenAI-compatible endpoint: ``transformers serve`` over a tiny random model
(built in the test). Statistics match the verifier; an endpoint killed mid-run stops the run
without writing zeros for it, and a rerun against a fresh server completes the file."""

from __future__ import annotations

import json

import pytest

from pivotrl.pivot_envs.policies import SamplingParams, get_policy
from pivotrl.pivot_envs.profiling import PolicyFailed, ProfileConfig, load_profiled, profile
from pivotrl.verifiers import get_verifier
from tests.pivot_envs.profiling.support import shipped_candidates

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def model_dir():
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    pytest.importorskip("openai")
    from pivotrl.testing.judge_server import build_tiny_model

    return build_tiny_model()


@pytest.fixture(scope="module")
def candidates():
    return sorted(shipped_candidates("tool"), key=lambda p: len(json.dumps(p.messages)))[:6]


def _policy(server):
    return get_policy(f"openai:{server.base_url}#{server.model}", max_retries=0, timeout=60, concurrency=2)


CONFIG = ProfileConfig(k=2, sampling=SamplingParams(max_tokens=6, seed=3), keep_actions=True, chunk_size=1,
                       max_failed_candidates=2)


def test_endpoint_profile_and_an_endpoint_that_dies_mid_run(model_dir, candidates, tmp_path):
    from pivotrl.testing.judge_server import TinyServer

    out = tmp_path / "profiled.jsonl"
    server = TinyServer(model_dir).start()
    try:
        def kill_after_two(written: int, _actions: int) -> None:
            if written == 2:
                server.kill()

        with pytest.raises(PolicyFailed, match="failed every sample"):
            profile(candidates, _policy(server), out, CONFIG, progress=kill_after_two)
    finally:
        server.stop()
    before = load_profiled(out)
    assert 2 <= len(before) < len(candidates)
    assert all("sampler_failures" not in r.stats for r in before[:2])  # sampled while the server was up

    with TinyServer(model_dir) as fresh:  # back up on another port: the rerun resumes
        summary = profile(candidates, _policy(fresh), out, CONFIG)
    assert summary.skipped == len(before) and summary.written == len(candidates) - len(before)
    records = load_profiled(out)
    assert sorted(r.id for r in records) == sorted(c.id for c in candidates)
    verifier = get_verifier("tool_schema")
    for record in records:
        actions = record.stats["actions"]
        assert len(actions) == 2 and record.stats["k"] == 2
        assert record.stats["rewards"] == [0.0 if a is None else verifier.verify(a, record).score for a in actions]
