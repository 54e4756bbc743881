"""Every public package states its API in ``__all__``, and nothing else leaks out of ``pivotrl``.

The packages are read from pyproject (shipped data folders aside), so a new package is
checked without editing this file.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = [name for name in tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
            if "data" not in name.split(".")]  # the data folders; pivotrl.datagen is checked
NEEDS_TORCH = {"pivotrl.trainer_plugin.kernels"}  # imports torch at module level, by design


def _package(name: str):
    if name in NEEDS_TORCH:
        pytest.importorskip("torch")
    return importlib.import_module(name)


def test_the_checked_packages_are_the_public_ones():
    assert {"pivotrl", "pivotrl.pivot_envs", "pivotrl.verifiers", "pivotrl.verifiers.parsers", "pivotrl.sandboxes",
            "pivotrl.trainer_plugin", "pivotrl.trainer_plugin.adapters", "pivotrl.trainer_plugin.kernels",
            "pivotrl.pivot_envs.policies", "pivotrl.pivot_envs.profiling", "pivotrl.benchmarks", "pivotrl.experiment",
            "pivotrl.testing"} <= set(PACKAGES)


@pytest.mark.parametrize("name", PACKAGES)
def test_every_name_in_all_resolves(name: str):
    package = _package(name)
    assert isinstance(getattr(package, "__all__", None), list), f"{name} has no __all__ list"
    assert len(package.__all__) == len(set(package.__all__)), f"{name}.__all__ repeats a name"
    unresolved = [n for n in package.__all__ if getattr(package, n, None) is None]
    assert not unresolved, f"{name}.__all__ names what it does not define: {unresolved}"


@pytest.mark.parametrize("name", PACKAGES)
def test_public_functions_and_classes_of_a_package_init_are_in_all(name: str):
    package = _package(name)
    defined_here = [n for n, v in vars(package).items() if not n.startswith("_")
                    and (inspect.isfunction(v) or inspect.isclass(v)) and v.__module__ == name]
    assert not [n for n in defined_here if n not in package.__all__], f"{name}: public but not in __all__"


def test_pivotrl_leaks_no_module_level_names():
    import pivotrl

    leaked = [n for n in dir(pivotrl) if not n.startswith("_") and not inspect.ismodule(getattr(pivotrl, n))]
    assert leaked == [], f"pivotrl exposes {leaked}: loop variables or helpers left at module level"
    assert pivotrl.__all__ == ["__version__"]


def test_lazy_trainer_names_are_visible_to_type_checkers():
    """Each name ``__getattr__`` resolves is imported under ``if TYPE_CHECKING:`` from the same module."""
    import pivotrl.trainer_plugin as plugin

    tree = ast.parse((ROOT / "trainer_plugin" / "__init__.py").read_text())
    guarded = [node for node in tree.body if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"]
    assert len(guarded) == 1
    typed = {alias.name: imp.module for imp in guarded[0].body if isinstance(imp, ast.ImportFrom)
             for alias in imp.names}
    assert typed == plugin._EXPORTS
    assert sorted(plugin.__all__) == sorted(plugin._EXPORTS)
    assert set(plugin.__all__) <= set(dir(plugin))  # dir() lists them before first use, too
