"""pivotrl: turn agent SFT trajectories into turn-level RL signal (PivotRL).

Importing this package registers the shipped domains and their ``pivot/*`` Gymnasium ids
(``pivotrl.domain_registry``), and nothing else: no torch, docker or openai import happens
here. The shipped search engine is found through the ``pivotrl.search_backends`` entry point.
"""

from __future__ import annotations

__version__ = "0.1.0"

from pivotrl import domain_registry as _domain_registry  # noqa: F401 - registers the env ids
