"""Checkpoints a killed run resumes from, and the metrics log that goes with them.

A checkpoint is a directory ``checkpoint-N`` holding the weights (``save_pretrained``), the
tokenizer, ``optimizer.pt``, ``rng_state.pt`` and, written last, ``trainer_state.json``. It is
built under a hidden temporary name and renamed into place, so a ``kill -9`` during a save
leaves either the whole checkpoint or none of it; the leftovers are removed on resume.
``metrics.jsonl`` gets one fsynced line per step; resuming cuts it back to the checkpoint's
step, so steps redone after a kill are not logged twice.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pivotrl.errors import PivotRLError

logger = logging.getLogger(__name__)

STATE_FILE = "trainer_state.json"  # written last: its presence marks a complete checkpoint
OPTIMIZER_FILE = "optimizer.pt"
RNG_FILE = "rng_state.pt"
METRICS_FILE = "metrics.jsonl"
_NAME = re.compile(r"^checkpoint-(\d+)$")
_PARTIAL_PREFIX = ".partial-checkpoint-"


def checkpoints(output_dir: str | os.PathLike[str]) -> list[tuple[int, Path]]:
    """Complete checkpoints in ``output_dir`` as (step, path), oldest first."""
    root = Path(output_dir)
    if not root.is_dir():
        return []
    found = []
    for child in root.iterdir():
        match = _NAME.match(child.name)
        if match and child.is_dir() and (child / STATE_FILE).is_file():
            found.append((int(match.group(1)), child))
    return sorted(found)


def latest_checkpoint(output_dir: str | os.PathLike[str]) -> Path | None:
    """The most recent complete checkpoint, or None."""
    found = checkpoints(output_dir)
    return found[-1][1] if found else None


def remove_partial(output_dir: str | os.PathLike[str]) -> int:
    """Remove checkpoints a killed save left half-written; returns how many."""
    root = Path(output_dir)
    if not root.is_dir():
        return 0
    removed = 0
    for child in root.iterdir():
        if child.name.startswith(_PARTIAL_PREFIX):
            shutil.rmtree(child, ignore_errors=True)
            removed += 1
    return removed


def write_checkpoint(output_dir: str | os.PathLike[str], step: int, model: Any, tokenizer: Any, optimizer: Any,
                     rng_state: Mapping[str, Any], state: Mapping[str, Any], *, keep: int | None = None) -> Path:
    """Write ``checkpoint-<step>`` atomically and keep only the ``keep`` most recent."""
    import torch

    root = Path(output_dir)
    root.mkdir(parents=True, exist_ok=True)
    target = root / f"checkpoint-{step}"
    staging = root / f"{_PARTIAL_PREFIX}{step}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    model.save_pretrained(staging)
    if tokenizer is not None:
        tokenizer.save_pretrained(staging)
    torch.save(optimizer.state_dict(), staging / OPTIMIZER_FILE)
    torch.save(dict(rng_state), staging / RNG_FILE)
    _write_synced(staging / STATE_FILE, json.dumps(dict(state), indent=2, default=str) + "\n")
    if target.exists():  # the same step saved again (a rerun after a kill right after this save)
        shutil.rmtree(target)
    os.replace(staging, target)
    _fsync_dir(root)
    if keep is not None:
        for _, old in checkpoints(root)[:-keep]:
            shutil.rmtree(old, ignore_errors=True)
    return target


def read_state(checkpoint: str | os.PathLike[str]) -> dict[str, Any]:
    path = Path(checkpoint) / STATE_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PivotRLError(f"{checkpoint} is not a complete checkpoint ({path.name}: {exc})") from None


def load_weights(model: Any, checkpoint: str | os.PathLike[str]) -> None:
    """Load the weights saved in ``checkpoint`` into ``model`` (single or sharded safetensors).
    Only keys the model ties to others may be absent (``save_pretrained`` drops them)."""
    from safetensors.torch import load_file

    root = Path(checkpoint)
    index = root / "model.safetensors.index.json"
    if index.is_file():
        files = sorted(set(json.loads(index.read_text())["weight_map"].values()))
    elif (root / "model.safetensors").is_file():
        files = ["model.safetensors"]
    else:
        raise PivotRLError(f"{checkpoint}: no model.safetensors to resume from")
    state: dict[str, Any] = {}
    for name in files:
        state.update(load_file(str(root / name)))
    missing, unexpected = model.load_state_dict(state, strict=False)
    tied = _tied_keys(model)
    missing = [k for k in missing if k not in tied]
    if missing or unexpected:
        raise PivotRLError(f"{checkpoint} does not fit this model: missing {missing[:5]}, unexpected {unexpected[:5]}")
    if tied and hasattr(model, "tie_weights"):
        model.tie_weights()


def _tied_keys(model: Any) -> set[str]:
    keys = getattr(model, "_tied_weights_keys", None) or {}
    if isinstance(keys, Mapping):
        return set(keys)
    return set(keys)


def truncate_metrics(path: str | os.PathLike[str], step: int) -> int:
    """Keep the lines of ``metrics.jsonl`` up to ``step`` (and drop a torn last line); returns
    how many lines were dropped."""
    target = Path(path)
    if not target.exists():
        return 0
    kept, dropped = [], 0
    for line in target.read_text(encoding="utf-8").splitlines(keepends=True):
        try:
            record = json.loads(line)
            keep = line.endswith("\n") and int(record.get("step", 0)) <= step
        except (ValueError, TypeError, AttributeError):
            keep = False
        if keep:
            kept.append(line)
        else:
            dropped += 1
    if dropped:
        temp = target.with_name(target.name + ".tmp")
        _write_synced(temp, "".join(kept))
        os.replace(temp, target)
    return dropped


def append_metrics(path: str | os.PathLike[str], metrics: Mapping[str, Any]) -> None:
    """One line per step, durable before the step counts as done."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(dict(metrics)) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def _write_synced(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
