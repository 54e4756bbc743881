"""The shipped tool and browse labeled sets: each loads, is big and balanced enough, covers every
construction, its pivots are the shipped trajectories' own and their references pass the domain
verifier (its generator's byte-for-byte check is in tests/datagen/pairs)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from pivotrl.benchmarks.labeled import load_labeled
from pivotrl.demo import shipped_labeled_sets
from pivotrl.pivot_envs import get_domain, shipped_pivots
from pivotrl.pivot_envs.browse_engine import default_engine
from pivotrl.pivot_envs.io import load_pivots
from pivotrl.verifiers import get_verifier

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data"
CATEGORIES = {
    "tool": {
    "eq/arg_order", "eq/omit_default", "eq/explicit_default", "eq/integral_float", "eq/int_for_number",
    "eq/numeric_string", "eq/parallel_order", "eq/format_hermes", "eq/format_bare_json", "eq/json_whitespace",
    "eq/nested_key_order", "eq/set_array_order", "eq/preamble_text",
    "neq/off_by_one", "neq/wrong_enum", "neq/enum_case", "neq/wrong_date", "neq/id_typo", "neq/other_value",
    "neq/flipped_bool", "neq/non_default_value", "neq/wrong_unit", "neq/wrong_tool", "neq/missing_required",
    "neq/extra_argument", "neq/swapped_args", "neq/parallel_missing", "neq/parallel_duplicate",
    "neq/text_instead_of_call", "neq/ordered_array_reversed", "neq/array_item_missing",
    "neq/call_instead_of_reply",
},
    "browse": {
    "eq/case", "eq/punctuation", "eq/stop_words", "eq/word_order", "eq/synonym", "eq/explicit_top_k",
    "eq/parallel_order", "eq/format_hermes", "eq/format_bare_json", "eq/url_host_case", "eq/url_fragment",
    "eq/url_http_scheme", "eq/url_no_scheme", "eq/url_trailing_slash",
    "neq/entity_swap", "neq/entity_dropped", "neq/wrong_number", "neq/neighbour_topic", "neq/degenerate_query",
    "neq/parallel_missing", "neq/parallel_one_repeated", "neq/text_instead_of_call", "neq/wrong_listed_page",
    "neq/url_sibling_page", "neq/url_path_case", "neq/url_wrong_host", "neq/search_instead_of_open",
    "neq/call_instead_of_reply",
},
}


@pytest.fixture(params=["tool", "browse"], scope="module")
def domain(request):
    return request.param


@pytest.fixture(scope="module")
def pairs(domain):
    return load_labeled(DATA / f"{domain}.pairs.jsonl")


@pytest.fixture(scope="module")
def browse_pairs():
    return load_labeled(DATA / "browse.pairs.jsonl")


def test_the_set_is_big_balanced_and_labels_follow_the_category_prefix(pairs):
    assert len(pairs) >= 300
    labels = Counter(p.equivalent for p in pairs)
    assert min(labels.values()) >= 0.4 * len(pairs), labels
    for pair in pairs:
        assert pair.equivalent == pair.category.startswith("eq/"), (pair.category, pair.source)
        assert pair.source.startswith(pair.pivot.id)


def test_every_construction_is_present(domain, pairs):
    counts = Counter(p.category for p in pairs)
    assert set(counts) == CATEGORIES[domain]
    assert all(n >= 2 for n in counts.values()), counts


def test_pivots_are_the_shipped_trajectories_own_and_their_references_pass_the_domain_verifier(domain):
    shipped = load_pivots(DATA / f"{domain}.pivots.jsonl")
    extracted = {p.id: p for p in shipped_pivots(domain)}
    verifier = get_verifier(get_domain(domain).verifier)
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


def test_url_labels_match_what_the_corpus_engine_opens(browse_pairs):
    engine = default_engine()

    def pages(message):
        return sorted(str(engine.page(json.loads(c["function"]["arguments"])["url"]))
                      for c in message.get("tool_calls") or [] if c["function"]["name"] == "open_page")

    checked = [p for p in browse_pairs if "url" in p.category or p.category == "neq/wrong_listed_page"]
    assert len(checked) >= 50
    for pair in checked:
        assert (pages(pair.candidate) == pages(pair.pivot.reference)) == pair.equivalent, pair.source


def test_the_demo_picks_the_set_up(domain):
    assert shipped_labeled_sets()[domain] == DATA / f"{domain}.pairs.jsonl"

