"""The wheel users install: built without setuptools warnings (each one is a file a future
setuptools may stop shipping), with the shipped data and the SWE repositories inside."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

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
                    "pivotrl/pivot_envs/data/swe/repos/invoice/pyproject.toml", "pivotrl/py.typed"):
        assert shipped in names, shipped
