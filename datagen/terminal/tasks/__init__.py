"""Task families for the ``terminal`` sample data: one module per family.

Each module defines ``NAME`` (the family, also ``meta.task``), ``COUNT`` (how many trajectories
it contributes) and ``FLOWS`` (functions ``flow(t, rng)`` that drive a :class:`common.Traj`).
"""

from importlib import import_module

MODULES = ["logs", "csvdata", "config", "organize", "archives", "scripts", "diffing", "jsondata", "disk", "perms", "codesearch"]

__all__ = ["FAMILIES", "MODULES"]

FAMILIES = [import_module(f"{__name__}.{name}") for name in MODULES]
