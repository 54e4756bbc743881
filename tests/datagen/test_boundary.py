"""The generators stay out of the runtime: no runtime package imports ``pivotrl.datagen`` (only
``pivotrl.experiment`` may, for fresh tool conversations), so installing pivotrl to train or
verify never loads the 16k lines that made the shipped data."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = ["pivot_envs", "verifiers", "sandboxes", "trainer_plugin", "benchmarks", "pivotrl"]
ALLOWED = {ROOT / "pivotrl" / "experiment"}  # the toy experiment draws its data from the generators


def _datagen_references(path: Path) -> list[str]:
    """Imports of pivotrl.datagen in one file, and string constants naming it (import_module)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("pivotrl.datagen")]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith("pivotrl.datagen") or (
                    node.module == "pivotrl" and any(a.name == "datagen" for a in node.names)):
                found.append(node.module)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("pivotrl.datagen"):
            found.append(repr(node.value))
    return found


def _runtime_files() -> list[Path]:
    files = []
    for folder in RUNTIME:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "data" in path.relative_to(ROOT).parts or any(path.is_relative_to(a) for a in ALLOWED):
                continue
            files.append(path)
    return files


def test_the_scan_sees_an_import_of_the_generators(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("import pivotrl.datagen.tool\nfrom pivotrl import datagen\n"
                     "from pivotrl.datagen.tool import generate_tool_trajectories\n"
                     "import importlib\nimportlib.import_module('pivotrl.datagen.swe')\n")
    assert len(_datagen_references(probe)) == 4


def test_no_runtime_module_imports_the_generators():
    files = _runtime_files()
    assert len(files) > 50  # the scan reads the runtime packages, not an empty folder
    offenders = [f"{path.relative_to(ROOT)}: {ref}" for path in files for ref in _datagen_references(path)]
    assert not offenders, offenders


def test_using_the_runtime_loads_no_generator():
    code = ("import sys, gymnasium as gym, pivotrl, pivotrl.cli\n"
            "from pivotrl.pivot_envs import shipped_pivots\n"
            "import pivotrl.verifiers, pivotrl.sandboxes, pivotrl.benchmarks.labeled\n"
            "env = gym.make('pivot/tool-v0'); env.reset(seed=0); env.close()\n"
            "shipped_pivots('browse')\n"
            "print(sorted(m for m in sys.modules if m.startswith('pivotrl.datagen')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
