"""The labeled-set builders run as modules (``python -m pivotrl.datagen.pairs.make_<set>_pairs``)
and reproduce the shipped files byte for byte. The shell sets (terminal, swe) need Docker and
minutes, so only their command line is checked here."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pivotrl.datagen.shipped import labeled_data


@pytest.mark.parametrize("name", ["tool", "browse", "schema"])
def test_the_builder_reproduces_the_shipped_files(name, tmp_path):
    result = subprocess.run([sys.executable, "-m", f"pivotrl.datagen.pairs.make_{name}_pairs", "--out", str(tmp_path)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{name}.pairs.jsonl: ")  # the shared summary line
    for file in (f"{name}.pairs.jsonl", f"{name}.pivots.jsonl"):
        assert (tmp_path / file).read_bytes() == (labeled_data() / file).read_bytes(), f"{file} is stale: rerun"


@pytest.mark.parametrize("name", ["terminal", "swe"])
def test_the_shell_builders_take_an_output_folder(name):
    result = subprocess.run([sys.executable, "-m", f"pivotrl.datagen.pairs.make_{name}_pairs", "--help"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert str(labeled_data()) in "".join(result.stdout.split())  # the default: where the sets are shipped


def test_the_default_output_is_where_the_sets_are_shipped():
    assert (labeled_data() / "tool.pairs.jsonl").is_file()
    assert labeled_data().parent.name == "benchmarks"
