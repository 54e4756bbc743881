"""llm_judge against a real `transformers serve` over a tiny model built locally (random
weights: the verdicts are random, so these tests assert behaviour, not accuracy)."""

from __future__ import annotations

import os
import threading
import time

import pytest

from pivotrl.verifiers import get_verifier
from tests.conftest import make_pivot

pytestmark = pytest.mark.integration
os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from pivotrl.testing.judge_server import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("tiny-model"))


@pytest.fixture(scope="module")
def server(model_dir):
    from pivotrl.testing.judge_server import TinyServer

    with TinyServer(model_dir) as running:
        yield running


def pivots(n: int):
    return [make_pivot(text=f"Your order {1000 + i} ships on Monday.", pivot_id=f"p{i}") for i in range(n)]


def test_judge_round_trip_batch_and_cache(server, tmp_path):
    verifier = get_verifier("llm_judge", base_url=server.base_url, model=server.model, max_tokens=12,
                            on_failure="zero", cache=str(tmp_path / "c.sqlite"), concurrency=4)
    targets = pivots(4)
    actions = [f"Order {1000 + i} leaves Monday." for i in range(4)]
    first = verifier.verify_batch(actions, targets)
    assert len(first) == 4 and all(0.0 <= v.score <= 1.0 for v in first)
    # every answer is either a verdict or a counted, shown parse failure: nothing silent
    answered = sum(1 for v in first if "judge_failure" not in v.details)
    assert answered + verifier.stats["unparseable"] == 4
    assert verifier.stats["calls"] == 4
    again = verifier.verify_batch(actions, targets)
    assert verifier.stats["cache_hits"] == answered  # parsed answers came from the cache
    assert verifier.stats["calls"] == 4 + (4 - answered)  # only failures were asked again
    assert sum(v.details.get("cached", False) for v in again) == answered


def test_killed_server_mid_run_follows_the_failure_policy(model_dir):
    from pivotrl.testing.judge_server import TinyServer

    with TinyServer(model_dir) as running:
        verifier = get_verifier("llm_judge", base_url=running.base_url, model=running.model, max_tokens=200,
                                on_failure="none", cache=False, max_retries=1, timeout=20, concurrency=2)
        killer = threading.Timer(1.0, running.kill)
        killer.start()
        started = time.monotonic()
        verdicts = verifier.verify_batch([f"reply {i}" for i in range(6)], pivots(6))
        killer.join()
    assert time.monotonic() - started < 60
    assert any(v.skipped for v in verdicts)
    assert verifier.stats["failures"] >= 1


def test_request_carries_the_rendered_template(server, tmp_path):
    verifier = get_verifier("llm_judge", base_url=server.base_url, model=server.model, max_tokens=4,
                            on_failure="zero", cache=False, template="REF: {reference}\nCAND: {candidate}")
    key, messages = verifier._request(verifier.parse("Order 1000 leaves Monday."), pivots(1)[0])
    assert messages[1]["content"] == "REF: replies: Your order 1000 ships on Monday.\nCAND: replies: Order 1000 leaves Monday."
    assert len(key) == 64
    assert verifier.verify("Order 1000 leaves Monday.", pivots(1)[0]).details.get("judge_calls", 1) == 1
