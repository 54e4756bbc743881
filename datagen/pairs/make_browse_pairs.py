"""Build the shipped labeled agreement set of the ``browse`` domain: pivots from the shipped
browse trajectories and candidates made by the rules in ``browse_pair_rules.py`` (labels from
the construction, never from BM25 or a verifier). Writes ``browse.pairs.jsonl`` and
``browse.pivots.jsonl``.

Run: ``.venv/bin/python -m pivotrl.datagen.pairs.make_browse_pairs [--out DIR]`` (default: the shipped
``benchmarks/data``).
Deterministic (seeded, no network). The self-check loads the files with ``load_labeled`` and
opens every URL candidate in the corpus engine: an equivalent URL must open the reference's
page, a near miss another page or none."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pivotrl.pivot_envs import shipped_trajectories
from pivotrl.pivot_envs.browse_engine import default_engine
from pivotrl.pivot_envs.extract import extract_candidates

from .browse_pair_rules import BrowseRules
from .summary import check_set, print_summary, run_builder
from .tool_pair_format import (
    Pair,
    choose_pivots,
    reference_calls,
    sample_by_category,
    split_pivots,
    text_pivot_pairs,
    write_set,
)

SEED = 20260105
CAPS = {
    "eq/case": 20, "eq/punctuation": 16, "eq/stop_words": 20, "eq/word_order": 20, "eq/synonym": 26,
    "eq/explicit_top_k": 10, "eq/parallel_order": 12, "eq/format_hermes": 10, "eq/format_bare_json": 10,
    "eq/url_host_case": 8, "eq/url_fragment": 8, "eq/url_http_scheme": 6,
    "eq/url_no_scheme": 6, "eq/url_trailing_slash": 6,
    "neq/entity_swap": 30, "neq/entity_dropped": 16, "neq/wrong_number": 7, "neq/neighbour_topic": 30,
    "neq/degenerate_query": 12, "neq/parallel_missing": 12, "neq/parallel_one_repeated": 8,
    "neq/text_instead_of_call": 8, "neq/wrong_listed_page": 12, "neq/url_sibling_page": 10,
    "neq/url_path_case": 8, "neq/url_wrong_host": 8, "neq/search_instead_of_open": 8,
    "neq/call_instead_of_reply": 10,
}
TEXT_PIVOTS = 10


def build(out_dir: Path) -> tuple[Path, Path]:
    trajectories = shipped_trajectories("browse")
    pivots = extract_candidates(trajectories)
    call_pivots, text_pivots = split_pivots(pivots, TEXT_PIVOTS)
    rules = BrowseRules([d.url for d in default_engine().documents])
    candidates: list[Pair] = []
    for pivot in call_pivots:
        candidates.extend(rules.for_pivot(pivot, reference_calls(pivot.reference)))
    for pivot in text_pivots:
        candidates.extend(text_pivot_pairs(pivot))
    missing = sorted(set(CAPS) - {p.category for p in candidates})
    if missing:
        raise SystemExit(f"no candidates for categories {missing}; the rules or the data changed")
    sizes = {p.id: len(json.dumps(p.to_dict())) for p in pivots}
    keep = choose_pivots(candidates, CAPS, sizes, richest_first=False)
    chosen = sample_by_category([c for c in candidates if c.pivot_id in keep], CAPS, SEED)
    return write_set("browse", out_dir, pivots, chosen)


def opened(message: dict) -> list:
    """The documents a turn's open_page calls land on (None where there is no page)."""
    engine = default_engine()
    return sorted(str(engine.page(json.loads(c["function"]["arguments"])["url"]))
                   for c in message.get("tool_calls") or [] if c["function"]["name"] == "open_page")


def self_check(pairs_path: Path, pivots_path: Path) -> None:
    pairs = check_set(pairs_path, CAPS, min_pairs=300, min_label_share=0.4)
    checked = 0
    for pair in pairs:
        if pair.category.startswith(("eq/url_", "neq/url_", "neq/wrong_listed_page")):
            same = opened(pair.candidate) == opened(pair.pivot.reference)
            assert same == pair.equivalent, f"the engine contradicts the rule: {pair.source}"
            checked += 1
    print_summary(pairs, pairs_path, pivots_path, note=f"; {checked} URL labels confirmed by opening the pages")


def main(argv: list[str] | None = None) -> int:
    return run_builder(__doc__, lambda out: self_check(*build(out)), argv)


if __name__ == "__main__":
    sys.exit(main())
