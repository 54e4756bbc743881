"""Build the shipped labeled agreement set of the ``browse`` domain: pivots from the shipped
browse trajectories and candidates made by the rules in ``browse_pair_rules.py`` (labels from
the construction, never from BM25 or a verifier). Writes ``browse.pairs.jsonl`` and
``browse.pivots.jsonl``.

Run from the repository root: ``.venv/bin/python benchmarks/data/make_browse_pairs.py [--out DIR]``.
Deterministic (seeded, no network). The self-check loads the files with ``load_labeled`` and
opens every URL candidate in the corpus engine: an equivalent URL must open the reference's
page, a near miss another page or none."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from browse_pair_rules import BrowseRules  # noqa: E402
from tool_pair_format import (  # noqa: E402
    Pair,
    choose_pivots,
    openai_message,
    reference_calls,
    sample_by_category,
    write_jsonl,
)

from pivotrl.benchmarks.labeled import load_labeled  # noqa: E402
from pivotrl.pivot_envs.browse_engine import default_engine  # noqa: E402
from pivotrl.pivot_envs.domains import DOMAINS, data_path  # noqa: E402
from pivotrl.pivot_envs.extract import extract_candidates  # noqa: E402
from pivotrl.pivot_envs.io import load_trajectories  # noqa: E402

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


def split_pivots(pivots: list) -> tuple[list, list]:
    """Call pivots (``choose_pivots`` narrows them down) and text pivots: the shortest final
    replies that follow a tool call, one per trajectory."""
    calls = [p for p in pivots if p.reference.get("tool_calls")]
    texts: dict[str, object] = {}
    for pivot in sorted(pivots, key=lambda p: (len(json.dumps(p.messages)), p.id)):
        if not pivot.reference.get("tool_calls") and any(m.get("tool_calls") for m in pivot.messages):
            texts.setdefault(pivot.source["trajectory_id"], pivot)
    return calls, sorted(list(texts.values())[:TEXT_PIVOTS], key=lambda p: p.id)


def text_pivot_pairs(pivot) -> list[Pair]:
    last = next(m for m in reversed(pivot.messages) if m.get("tool_calls"))
    calls = reference_calls(last)
    return [Pair(pivot.id, openai_message(calls), False, "neq/call_instead_of_reply",
                 f"the prefix's last call ({', '.join(n for n, _ in calls)}) repeated where the reference answers")]


def build(out_dir: Path) -> tuple[Path, Path]:
    trajectories = load_trajectories(data_path(DOMAINS["browse"].data), domain="browse")
    pivots = extract_candidates(trajectories)
    call_pivots, text_pivots = split_pivots(pivots)
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
    chosen.sort(key=lambda p: (p.pivot_id, p.category, p.rule))
    by_id = {p.id: p for p in pivots}
    out_dir.mkdir(parents=True, exist_ok=True)
    pairs_path, pivots_path = out_dir / "browse.pairs.jsonl", out_dir / "browse.pivots.jsonl"
    write_jsonl([by_id[i].to_dict() for i in sorted({p.pivot_id for p in chosen})], pivots_path)
    write_jsonl([p.record() for p in chosen], pairs_path)
    return pairs_path, pivots_path


def opened(message: dict) -> list:
    """The documents a turn's open_page calls land on (None where there is no page)."""
    engine = default_engine()
    return sorted(str(engine.page(json.loads(c["function"]["arguments"])["url"]))
                   for c in message.get("tool_calls") or [] if c["function"]["name"] == "open_page")


def self_check(pairs_path: Path, pivots_path: Path) -> None:
    pairs = load_labeled(pairs_path)
    counts = Counter(p.category for p in pairs)
    labels = Counter(p.equivalent for p in pairs)
    for category in CAPS:
        assert counts[category] > 0, f"category {category} is empty"
    assert len(pairs) >= 300, f"only {len(pairs)} pairs"
    assert min(labels.values()) >= 0.4 * len(pairs), f"labels unbalanced: {dict(labels)}"
    checked = 0
    for pair in pairs:
        if pair.category.startswith(("eq/url_", "neq/url_", "neq/wrong_listed_page")):
            same = opened(pair.candidate) == opened(pair.pivot.reference)
            assert same == pair.equivalent, f"the engine contradicts the rule: {pair.source}"
            checked += 1
    print(f"{pairs_path.name}: {len(pairs)} pairs ({labels[True]} equivalent, {labels[False]} not), "
          f"{len({p.pivot.id for p in pairs})} pivots; {pairs_path.stat().st_size / 1e3:.0f} kB + "
          f"{pivots_path.stat().st_size / 1e3:.0f} kB; {checked} URL labels confirmed by opening the pages")
    for category in sorted(counts):
        print(f"  {category:28s} {counts[category]:4d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="output folder (default: next to this script)")
    args = parser.parse_args()
    self_check(*build(args.out))


if __name__ == "__main__":
    main()
