"""pivotrl: turn agent SFT trajectories into turn-level RL signal (PivotRL).

Importing this package registers the shipped domains and their ``pivot/*`` Gymnasium ids
(``pivotrl.domain_registry``), and nothing else: no torch, docker or openai import happens
here. The shipped search engine is found through the ``pivotrl.search_backends`` entry point.
"""

# no ``from __future__ import annotations`` here: nothing is annotated, and it would leave an
# ``annotations`` attribute on the package for ``dir(pivotrl)`` to show
__version__ = "0.1.0"
# the API lives in the subpackages (pivot_envs, verifiers, ...), imported by name, not by ``*``
__all__ = ["__version__"]

from pivotrl import domain_registry as _domain_registry  # noqa: F401 - registers the env ids
