"""The wheel users install: built without setuptools warnings (each one is a file a future
setuptools may stop shipping), with the shipped data and the SWE repositories inside, the data
generators as ``pivotrl.datagen`` (``pivotrl reproduce`` draws tool conversations from them) and
no generator script left among the data files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_builds_without_warnings_and_ships_the_data(tmp_path):
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("needs a git checkout to know the tracked files")
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.split(b"\0")
    source = tmp_path / "src"
    for name in filter(None, files):
        path = ROOT / name.decode()
        if path.is_file():
            (source / name.decode()).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, source / name.decode())
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-v",
                            "-w", str(tmp_path / "dist"), str(source)], capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stderr[-3000:]
    log = build.stdout + build.stderr
    warnings = [line for line in log.splitlines()
                if "Warning" in line or "check.warn" in line or "is absent from the `packages`" in line]
    assert not warnings, "\n".join(warnings[:20])
    (wheel,) = (tmp_path / "dist").glob("pivotrl-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in ("pivotrl/pivot_envs/data/tool/trajectories.jsonl", "pivotrl/benchmarks/data/tool.pairs.jsonl",
                    "pivotrl/pivot_envs/data/swe/repos/invoice/invoice/totals.py",
                    "pivotrl/pivot_envs/data/swe/repos/invoice/pyproject.toml", "pivotrl/py.typed",
                    "pivotrl/datagen/tool/generate.py", "pivotrl/datagen/tool/scenarios/airline.py",
                    "pivotrl/datagen/pairs/summary.py"):
        assert shipped in names, shipped
    scripts = [n for n in names if n.endswith(".py") and n.startswith(("pivotrl/pivot_envs/data/", "pivotrl/benchmarks/data/"))
               and not n.startswith("pivotrl/pivot_envs/data/swe/repos/")]
    assert not scripts, f"generator code among the shipped data: {scripts}"
    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(wheel).extractall(unpacked)
    code = ("import pivotrl.datagen.tool as t; print(t.__file__); "
            "print(len(t.generate_tool_trajectories(t.tool_scenarios()[0], 2, seed=1)))")
    # -S: no .pth files, so no editable install's finder answers for pivotrl; the dependencies
    # come from the site-packages folders on PYTHONPATH, pivotrl from the wheel alone
    site = [p for p in sys.path if p.endswith("site-packages")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(unpacked), *site])}
    run = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, env=env, timeout=120,
                         cwd=tmp_path)  # not the checkout, whose pivotrl/ folder would come first
    assert run.returncode == 0, run.stderr[-3000:]
    where, count = run.stdout.split()
    assert Path(where).is_relative_to(unpacked) and count == "2", run.stdout
    # every registered env builds from the wheel's own data; where scoring needs no sandbox, the
    # reference scores 1 (the shell domains' references are checked in tests/sandboxes)
    envs = subprocess.run([sys.executable, "-S", "-c", WHEEL_ENVS], capture_output=True, text=True, env=env,
                          timeout=300, cwd=tmp_path)
    assert envs.returncode == 0, envs.stderr[-3000:]
    where, *ids = envs.stdout.split()
    assert Path(where).is_relative_to(unpacked), where
    assert {"pivot/terminal-v0", "pivot/tool-v0", "pivot/swe-v0", "pivot/browse-v0"} <= set(ids), ids


WHEEL_ENVS = """
import gymnasium as gym, pivotrl
ids = sorted(i for i in gym.registry if i.startswith("pivot/"))
print(pivotrl.__file__)
for env_id in ids:
    env = gym.make(env_id)
    obs, info = env.reset(seed=0)
    assert obs["messages"], env_id
    if env_id.split("/")[1].split("-")[0] in ("tool", "browse"):
        _, reward, *_ = env.step(env.unwrapped.pivot.reference)
        assert reward == 1.0, (env_id, reward)
    env.close()
print(" ".join(ids))
"""


def _setuptools_table() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def _folder(package: str, package_dir: dict[str, str]) -> Path:
    """Where setuptools looks for ``package``: its longest mapped prefix, then the rest as folders."""
    parts = package.split(".")
    for cut in range(len(parts), 0, -1):
        prefix = ".".join(parts[:cut])
        if prefix in package_dir:
            return ROOT / package_dir[prefix] / Path(*parts[cut:])
    return ROOT / Path(*parts)


def _code_packages(package_dir: dict[str, str]) -> dict[str, Path]:
    """Every folder under a mapped package that holds an ``__init__.py``, by its installed name."""
    roots = {(ROOT / folder).resolve(): name for name, folder in package_dir.items()}
    found = {}
    for root, name in roots.items():
        for init in root.rglob("__init__.py"):
            folder = init.parent
            if "__pycache__" in folder.parts or any(r != root and folder.is_relative_to(r) for r in roots):
                continue
            found[".".join([name, *folder.relative_to(root).parts])] = folder
    return found


def test_the_package_list_matches_the_folders_with_an_init_py():
    """A new subpackage left out of ``packages`` is missing from the wheel with no error (it
    imports fine from a checkout); a listed one that moved away breaks the build. Listed folders
    without an ``__init__.py`` are allowed only inside the shipped data (folders of .py files
    setuptools would otherwise warn about, the SWE repositories)."""
    table = _setuptools_table()
    package_dir, listed = table["package-dir"], set(table["packages"])
    packages = _code_packages(package_dir)
    assert not set(packages) - listed, f"packages with an __init__.py missing from pyproject: {sorted(set(packages) - listed)}"
    strays = []
    for name in sorted(listed - set(packages)):
        folder = _folder(name, package_dir)
        if not ("data" in name.split(".") and folder.is_dir() and any(folder.iterdir())):
            strays.append(f"{name} ({folder.relative_to(ROOT)})")
    assert not strays, f"listed in pyproject with no package folder: {strays}"


def test_the_tests_mirror_the_package_layout():
    """A module's tests live where the module does (``verifiers/shell_exec.py`` in
    ``tests/verifiers/test_shell_exec.py``; ``pivotrl/<pkg>`` in ``tests/<pkg>``), so a moved
    module drags its tests along and a reader finds them without searching. Every test folder
    names a code package; test file names are unique (pytest refuses two of one name)."""
    packages = set(_code_packages(_setuptools_table()["package-dir"]))
    tests = ROOT / "tests"
    orphans, names = [], {}
    for folder in sorted(p for p in tests.rglob("*") if p.is_dir() and "__pycache__" not in p.parts
                         and not p.name.startswith(".")):
        if not any(folder.glob("test_*.py")):
            continue
        package = ".".join(["pivotrl", *folder.relative_to(tests).parts])
        if package not in packages:
            orphans.append(str(folder.relative_to(ROOT)))
    for path in tests.rglob("test_*.py"):
        names.setdefault(path.name, []).append(str(path.relative_to(ROOT)))
    assert not orphans, f"test folders that mirror no package: {orphans}"
    assert not [p for p in names.values() if len(p) > 1], [p for p in names.values() if len(p) > 1]
