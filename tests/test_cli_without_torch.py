"""`pivotrl` works where torch is not installed (torch is an extra, not a core dependency):
every command but `train` runs, and `train` says what to install."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
sys.modules["torch"] = None  # as if torch were not installed
from click.testing import CliRunner
from pivotrl.cli import main
runner = CliRunner()
listed = runner.invoke(main, ["--help"])
assert listed.exit_code == 0, listed.output
assert all(name in listed.output for name in ("train", "eval", "reproduce", "profile", "validate")), listed.output
verifiers = runner.invoke(main, ["verifiers"])
assert verifiers.exit_code == 0 and "tool_schema" in verifiers.output, verifiers.output
train = runner.invoke(main, ["train", "pivots.jsonl", "--model", "hf:x", "-o", "run"])
assert train.exit_code == 2, (train.exit_code, train.output)
assert "pip install 'pivotrl[trl]'" in train.output and "torch" in train.output, train.output
print("ok")
"""


def test_the_cli_runs_without_torch_and_train_says_what_to_install():
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stdout + result.stderr
