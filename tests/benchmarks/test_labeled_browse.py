"""The shipped browse labeled set: loads, is big and balanced enough, covers every construction,
its pivots are the shipped trajectories' own and their references pass the domain verifier,
and the generator reproduces it byte for byte."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from pivotrl.benchmarks.labeled import load_labeled
from pivotrl.demo import shipped_labeled_sets
from pivotrl.pivot_envs.browse_engine import default_engine
from pivotrl.pivot_envs.domains import DOMAINS, data_path
from pivotrl.pivot_envs.extract import extract_candidates
from pivotrl.pivot_envs.io import load_pivots, load_trajectories
from pivotrl.verifiers import get_verifier

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data"
PAIRS = DATA / "browse.pairs.jsonl"
CATEGORIES = {
    "eq/case", "eq/punctuation", "eq/stop_words", "eq/word_order", "eq/synonym", "eq/explicit_top_k",
    "eq/parallel_order", "eq/format_hermes", "eq/format_bare_json", "eq/url_host_case", "eq/url_fragment",
    "eq/url_http_scheme", "eq/url_no_scheme", "eq/url_trailing_slash",
    "neq/entity_swap", "neq/entity_dropped", "neq/wrong_number", "neq/neighbour_topic", "neq/degenerate_query",
    "neq/parallel_missing", "neq/parallel_one_repeated", "neq/text_instead_of_call", "neq/wrong_listed_page",
    "neq/url_sibling_page", "neq/url_path_case", "neq/url_wrong_host", "neq/search_instead_of_open",
    "neq/call_instead_of_reply",
}


@pytest.fixture(scope="module")
def pairs():
    return load_labeled(PAIRS)


def test_the_set_is_big_balanced_and_labels_follow_the_category_prefix(pairs):
    assert len(pairs) >= 300
    labels = Counter(p.equivalent for p in pairs)
    assert min(labels.values()) >= 0.4 * len(pairs), labels
    for pair in pairs:
        assert pair.equivalent == pair.category.startswith("eq/"), (pair.category, pair.source)
        assert pair.source.startswith(pair.pivot.id)


def test_every_construction_is_present(pairs):
    counts = Counter(p.category for p in pairs)
    assert set(counts) == CATEGORIES
    assert all(n >= 2 for n in counts.values()), counts


def test_pivots_are_the_shipped_trajectories_own_and_their_references_pass_search_overlap():
    shipped = load_pivots(DATA / "browse.pivots.jsonl")
    extracted = {p.id: p for p in extract_candidates(load_trajectories(data_path(DOMAINS["browse"].data), domain="browse"))}
    verifier = get_verifier("search_overlap")
    for pivot in shipped:
        assert pivot.to_dict() == extracted[pivot.id].to_dict()
        verdict = verifier.verify(pivot.reference, pivot)
        assert verdict.score == 1.0 and verdict.equivalent, (pivot.id, verdict.reason)


def test_no_candidate_is_the_reference_written_identically(pairs):
    for pair in pairs:
        if isinstance(pair.candidate, dict) and pair.candidate.get("tool_calls"):
            cand = [(c["function"]["name"], c["function"]["arguments"]) for c in pair.candidate["tool_calls"]]
            ref = [(c["function"]["name"], c["function"]["arguments"]) for c in pair.pivot.reference.get("tool_calls") or []]
            assert cand != ref or pair.candidate.get("content"), pair.source


def test_url_labels_match_what_the_corpus_engine_opens(pairs):
    engine = default_engine()

    def pages(message):
        return sorted(str(engine.page(json.loads(c["function"]["arguments"])["url"]))
                      for c in message.get("tool_calls") or [] if c["function"]["name"] == "open_page")

    checked = [p for p in pairs if "url" in p.category or p.category == "neq/wrong_listed_page"]
    assert len(checked) >= 50
    for pair in checked:
        assert (pages(pair.candidate) == pages(pair.pivot.reference)) == pair.equivalent, pair.source


def test_the_demo_picks_the_set_up():
    assert shipped_labeled_sets().get("browse", PAIRS).name == "browse.pairs.jsonl"


def test_the_generator_reproduces_the_shipped_files(tmp_path):
    result = subprocess.run([sys.executable, str(DATA / "make_browse_pairs.py"), "--out", str(tmp_path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    for name in ("browse.pairs.jsonl", "browse.pivots.jsonl"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), f"{name} is stale: rerun the generator"
