"""search_overlap's query cache under turnover: far more distinct queries than it holds, from
many threads at once, never break a step or change a reward (it used to be cleared while being
read, a KeyError after 200,000 queries)."""

from __future__ import annotations

import json
import threading

import gymnasium as gym

import pivotrl  # noqa: F401 - registers the pivot/* ids
from pivotrl.verifiers.search_overlap import SearchOverlapVerifier


def _search(query: str) -> str:
    return json.dumps({"name": "search", "arguments": {"query": query}})


def test_queries_past_the_cache_size_from_many_threads(monkeypatch):
    monkeypatch.setattr(SearchOverlapVerifier, "results_cache_size", 16)
    env = gym.make("pivot/browse-v0")
    env.reset(seed=0)
    pivots = [p for p in env.unwrapped.pivots
              if any(c["function"]["name"] == "search" for c in p.reference.get("tool_calls") or [])][:6]
    verifier = env.unwrapped.verifier
    assert verifier._results.maxsize == 16
    expected = {p.id: verifier.verify(p.reference, p).score for p in pivots}
    assert set(expected.values()) == {1.0}
    errors: list[str] = []

    def work(seed: int) -> None:
        for i in range(150):
            pivot = pivots[(seed + i) % len(pivots)]
            try:
                distinct = verifier.verify_batch([_search(f"bridge river {seed} {i} {j}") for j in range(3)], pivot)
                again = verifier.verify(pivot.reference, pivot)
            except Exception as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
                return
            if again.score != expected[pivot.id] or not all(0.0 <= v.score <= 1.0 for v in distinct):
                errors.append(f"{pivot.id}: reference {again.score}")

    threads = [threading.Thread(target=work, args=(s,)) for s in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(verifier._results) <= 16
