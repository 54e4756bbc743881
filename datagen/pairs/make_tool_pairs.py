"""Build the shipped labeled agreement set of the ``tool`` domain: pivots from the shipped
tool trajectories and candidates made by the rules in ``tool_pair_rules.py`` (labels from the
construction, never from a verifier). Writes ``tool.pairs.jsonl`` and ``tool.pivots.jsonl``.

Run: ``.venv/bin/python -m pivotrl.datagen.pairs.make_tool_pairs [--out DIR]`` (default: the shipped
``benchmarks/data``).
Deterministic (seeded, no network); ends with a self-check through ``load_labeled``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pivotrl.pivot_envs import shipped_trajectories
from pivotrl.pivot_envs.extract import extract_candidates

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
from .tool_pair_rules import ToolRules, value_pools

SEED = 20260105
# Pairs per category: equivalents and near misses about balanced (see README of the data).
# Rare constructions (omit_default, set_array_order, ...) are capped by what the data offers.
CAPS = {
    "eq/arg_order": 24, "eq/omit_default": 2, "eq/explicit_default": 24, "eq/integral_float": 14,
    "eq/int_for_number": 9, "eq/numeric_string": 14, "eq/parallel_order": 16, "eq/format_hermes": 18,
    "eq/format_bare_json": 18, "eq/json_whitespace": 12, "eq/nested_key_order": 10, "eq/set_array_order": 3,
    "eq/preamble_text": 10,
    "neq/off_by_one": 12, "neq/wrong_enum": 12, "neq/enum_case": 8, "neq/wrong_date": 10, "neq/id_typo": 12,
    "neq/other_value": 14, "neq/flipped_bool": 8, "neq/non_default_value": 10, "neq/wrong_unit": 12,
    "neq/wrong_tool": 14, "neq/missing_required": 10, "neq/extra_argument": 8, "neq/swapped_args": 4,
    "neq/parallel_missing": 10, "neq/parallel_duplicate": 8, "neq/text_instead_of_call": 8,
    "neq/ordered_array_reversed": 2, "neq/array_item_missing": 8, "neq/call_instead_of_reply": 10,
}
TEXT_PIVOTS = 10


def build(out_dir: Path) -> tuple[Path, Path]:
    trajectories = shipped_trajectories("tool")
    pivots = extract_candidates(trajectories)
    call_pivots, text_pivots = split_pivots(pivots, TEXT_PIVOTS)
    rules = ToolRules(value_pools(trajectories))
    candidates: list[Pair] = []
    for pivot in call_pivots:
        schemas = {t["function"]["name"]: t["function"].get("parameters") or {} for t in pivot.tools}
        candidates.extend(rules.for_pivot(pivot, reference_calls(pivot.reference), schemas))
    for pivot in text_pivots:
        candidates.extend(text_pivot_pairs(pivot))
    missing = sorted(set(CAPS) - {p.category for p in candidates})
    if missing:
        raise SystemExit(f"no candidates for categories {missing}; the rules or the data changed")
    sizes = {p.id: len(json.dumps(p.to_dict())) for p in pivots}
    keep = choose_pivots(candidates, CAPS, sizes)
    chosen = sample_by_category([c for c in candidates if c.pivot_id in keep], CAPS, SEED)
    return write_set("tool", out_dir, pivots, chosen)


def self_check(pairs_path: Path, pivots_path: Path) -> None:
    pairs = check_set(pairs_path, CAPS, min_pairs=300, min_label_share=0.4)
    print_summary(pairs, pairs_path, pivots_path)


def main(argv: list[str] | None = None) -> int:
    return run_builder(__doc__, lambda out: self_check(*build(out)), argv)


if __name__ == "__main__":
    sys.exit(main())
