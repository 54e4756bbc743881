"""Benchmarks: ``python -m pivotrl.benchmarks.NAME``."""

# each benchmark is a submodule run as a script; nothing is public at package level
__all__: list[str] = []
