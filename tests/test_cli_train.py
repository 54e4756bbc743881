"""``pivotrl train`` on a toy model: a run killed with SIGKILL and rerun ends where an
uninterrupted run ends, config files and flags reach the trainer, and bad input or a run that
has nothing left to do exits non-zero with a message that says where and why."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("torch")

from pivotrl.cli import main
from tests.toy import short_tool_pivots, toy_model, write_pivots

GRADED = '{"name": "fuzzy", "params": {"graded": true}}'  # partial credit: groups have reward spread


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("train-cli")
    model = toy_model(root)
    pivots = write_pivots(root / "pivots.jsonl", short_tool_pivots(4))
    return model, pivots


def _args(model, pivots, out, *extra):
    return ["train", str(pivots), "--model", f"hf:{model}", "-o", str(out), "--verifier", GRADED, "--threads", "1",
            "--num-generations", "2", "--pivots-per-step", "1", "--max-new-tokens", "8", "--learning-rate", "1e-3",
            "--save-steps", "1", *extra]


def _weights(path: Path):
    from safetensors.torch import load_file

    return load_file(str(path / "model.safetensors"))


def test_a_run_killed_with_sigkill_resumes_and_ends_as_an_uninterrupted_run(setup, tmp_path):
    model, pivots = setup
    steps = "6"
    straight = tmp_path / "straight"
    result = CliRunner().invoke(main, _args(model, pivots, straight, "--max-steps", steps))
    assert result.exit_code == 0, result.output

    killed = tmp_path / "killed"
    command = [sys.executable, "-m", "pivotrl.cli", *_args(model, pivots, killed, "--max-steps", steps)]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while not (killed / "checkpoint-2" / "trainer_state.json").exists():
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "no checkpoint-2 within 300 s"
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.stderr.close()
    assert not (killed / "final").exists(), "the run finished before it could be killed"

    result = CliRunner().invoke(main, _args(model, pivots, killed, "--max-steps", steps))
    assert result.exit_code == 0, result.output
    assert "resuming from" in result.output
    steps_logged = [int(json.loads(line)["step"]) for line in (killed / "metrics.jsonl").read_text().splitlines()]
    assert steps_logged == [1, 2, 3, 4, 5, 6]
    a, b = _weights(straight / "final"), _weights(killed / "final")
    assert a.keys() == b.keys() and all((a[k] == b[k]).all() for k in a)
    assert not [p for p in killed.iterdir() if p.name.startswith(".partial")]

    again = CliRunner().invoke(main, _args(model, pivots, killed, "--max-steps", steps))
    assert again.exit_code == 1 and "nothing to do" in again.output


def test_config_file_keys_and_flags_reach_the_trainer(setup, tmp_path):
    model, pivots = setup
    config = tmp_path / "train.toml"
    config.write_text("max_steps = 1\nseed = 3\n\n[grpo]\nloss_type = \"grpo\"\nepsilon_high = 0.28\n")
    out = tmp_path / "run[" / "x]"  # "run[/x]": printed as written, not read as a rich closing tag
    result = CliRunner().invoke(main, _args(model, pivots, out, "--config", str(config), "--seed", "5"))
    assert result.exit_code == 0, result.output
    assert str(out / "final") in result.output.replace("\n", "")
    state = json.loads((out / "final" / "trainer_state.json").read_text())
    assert state["step"] == 1
    assert state["config"]["seed"] == 5  # the flag wins over the file
    assert state["config"]["grpo"]["loss_type"] == "grpo" and state["config"]["grpo"]["epsilon_high"] == 0.28
    assert state["config"]["num_generations"] == 2


@pytest.mark.parametrize(("toml", "where", "what"), [
    ("max_steps = 2\nlearning_rate = \"fast\"\n", ":2", "learning_rate must be a number"),
    ("max_steps = 2\nbeta = 0.1\n", ":2", "put it under [grpo]"),
    ("[grpo]\nloss_type = \"ppo\"\n", ":2", "loss_type must be one of"),
    ("max_steps = \n", ":1", "not valid TOML"),
])
def test_a_bad_config_file_names_its_line(setup, tmp_path, toml, where, what):
    model, pivots = setup
    config = tmp_path / "train.toml"
    config.write_text(toml)
    result = CliRunner().invoke(main, _args(model, pivots, tmp_path / "run", "--config", str(config)))
    assert result.exit_code == 2
    assert f"{config}{where}" in result.output and what in result.output
    assert not (tmp_path / "run").exists()


def test_bad_input_is_reported_before_any_training(setup, tmp_path):
    model, pivots = setup
    broken = tmp_path / "broken.jsonl"
    broken.write_text(pivots.read_text().splitlines()[0] + "\n{\"id\": \"x\", \"domain\": \"tool\"}\n")
    result = CliRunner().invoke(main, _args(model, broken, tmp_path / "run"))
    assert result.exit_code == 2 and f"{broken}:2" in result.output and "reference" in result.output

    result = CliRunner().invoke(main, _args(model, pivots, tmp_path / "run", "--num-generations", "1"))
    assert result.exit_code == 2 and "num_generations" in result.output

    result = CliRunner().invoke(main, _args(tmp_path / "nowhere", pivots, tmp_path / "run"))
    assert result.exit_code == 2 and "no model directory" in result.output


def test_a_second_run_into_the_same_directory_must_say_so(setup, tmp_path):
    model, pivots = setup
    out = tmp_path / "run"
    assert CliRunner().invoke(main, _args(model, pivots, out, "--max-steps", "1")).exit_code == 0
    result = CliRunner().invoke(main, _args(model, pivots, out, "--max-steps", "2", "--no-resume"))
    assert result.exit_code == 2 and "already holds a run" in result.output
    other = write_pivots(tmp_path / "other.jsonl", short_tool_pivots(6)[4:])
    result = CliRunner().invoke(main, _args(model, other, out, "--max-steps", "2"))
    assert result.exit_code == 2 and "other data" in result.output
