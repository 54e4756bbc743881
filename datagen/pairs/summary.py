"""The tail every labeled-set builder shares: load the written set back through
``load_labeled``, check what each set promises (every category present, enough pairs, both
labels well represented), print one summary line and a per-category table, and the command
line (``--out``, by default the shipped ``benchmarks/data``). A builder keeps its own extra
checks (the browse URLs opened, the schema dialects) between ``check_set`` and its print."""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from pivotrl.benchmarks.labeled import LabeledPair, load_labeled
from pivotrl.datagen.shipped import labeled_data


def check_set(pairs_path: Path, categories: Iterable[str] = (), *, min_pairs: int = 0,
              min_label_share: float = 0.0) -> list[LabeledPair]:
    """The set as users load it, after asserting that every named category has pairs, that
    there are at least ``min_pairs`` pairs and that each label has ``min_label_share`` of them.
    Raises ``AssertionError`` naming the broken promise (the build stops loudly)."""
    pairs = load_labeled(pairs_path)
    counts = Counter(p.category for p in pairs)
    for category in categories:
        assert counts[category] > 0, f"category {category} is empty"
    assert len(pairs) >= min_pairs, f"only {len(pairs)} pairs (want >= {min_pairs})"
    labels = Counter(p.equivalent for p in pairs)
    # both labels counted, so a set with no near misses at all is caught too
    assert min(labels[True], labels[False]) >= min_label_share * len(pairs), f"labels unbalanced: {dict(labels)}"
    return pairs


def print_summary(pairs: list[LabeledPair], pairs_path: Path, pivots_path: Path, *, width: int = 28,
                  note: str = "") -> None:
    """``<set>: N pairs (E equivalent, M not), P pivots; sizes`` then one line per category."""
    counts = Counter(p.category for p in pairs)
    labels = Counter(p.equivalent for p in pairs)
    print(f"{pairs_path.name}: {len(pairs)} pairs ({labels[True]} equivalent, {labels[False]} not), "
          f"{len({p.pivot.id for p in pairs})} pivots; {pairs_path.stat().st_size / 1e3:.0f} kB + "
          f"{pivots_path.stat().st_size / 1e3:.0f} kB{note}")
    for category in sorted(counts):
        print(f"  {category:{width}s} {counts[category]:4d}")


def run_builder(doc: str | None, build_and_check: Callable[[Path], object], argv: list[str] | None = None) -> int:
    """The builders' command line: ``--out DIR`` (default: the shipped folder), then
    ``build_and_check(out_dir)``; returns its status when it gives one, else 0."""
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0] if doc else None)
    parser.add_argument("--out", type=Path, default=labeled_data(),
                        help="output folder (default: the shipped one, %(default)s)")
    status = build_and_check(parser.parse_args(argv).out)
    return status if isinstance(status, int) else 0
