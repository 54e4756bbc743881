"""The trajectory generators run as modules with ``--out`` and, by default, write where the data
is shipped. The fast ones (tool trajectories, browse corpus) are checked byte for byte here; the
terminal and swe generators replay every command for real (minutes) and are checked by hand."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pivotrl.datagen.shipped import env_data


@pytest.mark.parametrize(("module", "shipped"), [
    ("pivotrl.datagen.tool.make_trajectories", "tool/trajectories.jsonl"),
    ("pivotrl.datagen.browse.make_corpus", "browse/corpus.jsonl"),
])
def test_the_generator_reproduces_the_shipped_file(module, shipped, tmp_path):
    out = tmp_path / "out.jsonl"
    result = subprocess.run([sys.executable, "-m", module, "--out", str(out)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert out.read_bytes() == env_data(shipped).read_bytes(), f"{shipped} is stale: rerun {module}"


@pytest.mark.parametrize(("module", "shipped"), [
    (f"pivotrl.datagen.{domain}.make_trajectories", f"{domain}/trajectories.jsonl")
    for domain in ("tool", "terminal", "swe", "browse")] + [("pivotrl.datagen.browse.make_corpus", "browse/corpus.jsonl")])
def test_every_generator_writes_the_shipped_file_by_default(module, shipped):
    result = subprocess.run([sys.executable, "-m", module, "--help"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert str(env_data(shipped)) in "".join(result.stdout.split())  # argparse may wrap the line
