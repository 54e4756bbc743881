"""search_overlap: queries with the same intent retrieve the same pages and are accepted."""

from __future__ import annotations

import json

import pytest

from pivotrl.errors import VerifierError
from pivotrl.pivot_envs.browse_engine import Document, SearchEngine
from pivotrl.verifiers import get_verifier, register_search_backend
from pivotrl.verifiers.search_backends import SEARCH_BACKENDS
from tests.conftest import call, make_pivot

DOCS = [
    Document("https://wiki.example.org/wiki/Rhine", "Rhine", "The Rhine river flows 1,230 km from the Alps to the North Sea."),
    Document("https://wiki.example.org/wiki/Danube", "Danube", "The Danube river flows to the Black Sea through ten countries."),
    Document("https://wiki.example.org/wiki/Elbe", "Elbe", "The Elbe river rises in Czechia and reaches the North Sea at Cuxhaven."),
    Document("https://bake.example.com/sourdough", "Sourdough bread", "Sourdough bread rises with a starter of flour and water."),
    Document("https://bake.example.com/rye", "Rye bread", "Rye bread uses rye flour and a sour starter; it is dense."),
    Document("https://docs.pylang.example/json", "json module", "The json module encodes and decodes JSON documents."),
]
SEARCH_TOOLS = [
    {"type": "function", "function": {"name": "search", "parameters": {"type": "object", "properties": {
        "query": {"type": "string"}, "top_k": {"type": "integer", "default": 5}}, "required": ["query"]}}},
    {"type": "function", "function": {"name": "open_page", "parameters": {"type": "object", "properties": {
        "url": {"type": "string", "format": "uri"}}, "required": ["url"]}}},
]


class CountingEngine(SearchEngine):
    def __init__(self, docs):
        super().__init__(docs)
        self.calls = 0

    def search_urls(self, queries, k):
        self.calls += 1
        return super().search_urls(queries, k)


@pytest.fixture
def engine():
    engine = CountingEngine(DOCS)
    register_search_backend("toy", lambda: engine, override=True)
    yield engine
    SEARCH_BACKENDS.unregister("toy")


def search(query: str) -> str:
    return f"<tool_call>{json.dumps({'name': 'search', 'arguments': {'query': query}})}</tool_call>"


def pivot_for(*calls):
    return make_pivot(*calls, tools=SEARCH_TOOLS, env={"corpus": "toy"}, domain="browse")


def test_reworded_query_with_same_results_is_accepted(engine):
    pivot = pivot_for(call("search", query="rivers flowing into the North Sea"))
    verifier = get_verifier("search_overlap", k=2, threshold=0.5)
    verdict = verifier.verify(search("North Sea river"), pivot)
    assert verdict.equivalent, verdict.reason
    assert "overlap" in verdict.reason


def test_query_about_something_else_is_rejected_with_the_overlap(engine):
    pivot = pivot_for(call("search", query="rivers flowing into the North Sea"))
    verdict = get_verifier("search_overlap", k=2).verify(search("sourdough starter"), pivot)
    assert not verdict.equivalent and "Jaccard@2 0.00" in verdict.reason


def test_query_with_no_results_is_rejected(engine):
    pivot = pivot_for(call("search", query="rye bread"))
    assert not get_verifier("search_overlap", k=2).verify(search("zzqx"), pivot).equivalent


def test_open_calls_use_url_normalisation(engine):
    pivot = pivot_for(call("open_page", url="https://wiki.example.org/wiki/Rhine"))
    verifier = get_verifier("search_overlap")
    ok = '<tool_call>{"name": "open_page", "arguments": {"url": "http://wiki.example.org/wiki/Rhine/"}}</tool_call>'
    assert verifier.verify(ok, pivot).equivalent
    assert not verifier.verify(ok.replace("Rhine", "Elbe"), pivot).equivalent


def test_batch_retrieves_each_query_once(engine):
    pivot = pivot_for(call("search", query="json module"))
    verifier = get_verifier("search_overlap", k=2)
    actions = [search("json module"), search("decode JSON documents"), search("rye"), "I don't know"]
    verdicts = verifier.verify_batch(actions, pivot)
    assert [v.equivalent for v in verdicts] == [True, True, False, False]
    assert engine.calls == 1  # one engine call for the whole batch
    assert [v.to_dict() for v in verdicts] == [v.to_dict() for v in (verifier.verify(a, pivot) for a in actions)]


def test_unknown_engine_fails_at_construction():
    with pytest.raises(VerifierError, match="unknown search backend 'nope'"):
        get_verifier("search_overlap", engine="nope")


def test_threshold_must_be_a_fraction():
    with pytest.raises(VerifierError):
        get_verifier("search_overlap", threshold=50)


def test_hostile_query_costs_no_crash(engine):
    pivot = pivot_for(call("search", query="json module"))
    verdict = get_verifier("search_overlap").verify(search("a " * 100_000), pivot)
    assert verdict.score == 0.0


def test_two_queries_that_retrieve_nothing_are_compared_by_text(engine):
    pivot = pivot_for(call("search", query="crepes galettes"))
    verifier = get_verifier("search_overlap")
    assert verifier.verify(search("galettes crepes"), pivot).equivalent
    verdict = verifier.verify(search("zeppelin tariffs"), pivot)
    assert not verdict.equivalent and "neither" in verdict.reason
