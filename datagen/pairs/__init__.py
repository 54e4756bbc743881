"""Builders of the labeled agreement sets (``benchmarks/data/*.pairs.jsonl`` and their pivots):
one ``make_<domain>_pairs`` module per set, the rewrite rules beside them, and ``summary`` for
the checks and the table every builder ends with."""

__all__: list[str] = []
