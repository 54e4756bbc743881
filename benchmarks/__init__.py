"""Benchmarks: ``python -m pivotrl.benchmarks.NAME``."""
