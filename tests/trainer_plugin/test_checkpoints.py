"""Checkpoint bookkeeping a resumed run relies on: only complete checkpoints count, a save
killed half-way leaves nothing that looks complete, and the metrics log is cut back to the
checkpoint's step (a torn last line included)."""

from __future__ import annotations

import json

from pivotrl.trainer_plugin.checkpoints import (
    STATE_FILE,
    checkpoints,
    latest_checkpoint,
    remove_partial,
    truncate_metrics,
)


def _checkpoint(root, step, complete=True):
    path = root / f"checkpoint-{step}"
    path.mkdir(parents=True)
    (path / "model.safetensors").write_bytes(b"weights")
    if complete:
        (path / STATE_FILE).write_text(json.dumps({"step": step}))
    return path


def test_only_complete_checkpoints_count_and_the_latest_is_by_step_not_name(tmp_path):
    _checkpoint(tmp_path, 2)
    _checkpoint(tmp_path, 10)
    _checkpoint(tmp_path, 12, complete=False)  # killed before its state file was written
    (tmp_path / "checkpoint-x").mkdir()
    assert [step for step, _ in checkpoints(tmp_path)] == [2, 10]
    assert latest_checkpoint(tmp_path).name == "checkpoint-10"
    assert latest_checkpoint(tmp_path / "missing") is None


def test_partial_saves_are_removed_on_resume(tmp_path):
    (tmp_path / ".partial-checkpoint-3-999").mkdir()
    _checkpoint(tmp_path, 2)
    assert remove_partial(tmp_path) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoint-2"]


def test_metrics_are_cut_back_to_the_checkpoint_step_and_a_torn_line_dropped(tmp_path):
    log = tmp_path / "metrics.jsonl"
    log.write_text("".join(json.dumps({"step": s, "loss": s / 10}) + "\n" for s in (1, 2, 3)) + '{"step": 4, "lo')
    assert truncate_metrics(log, 2) == 2
    assert [json.loads(line)["step"] for line in log.read_text().splitlines()] == [1, 2]
    assert truncate_metrics(log, 2) == 0
