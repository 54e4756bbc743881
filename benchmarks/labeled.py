"""Labeled pairs: a pivot, a candidate action and the ground-truth label ``equivalent``.

JSONL, one pair a line: ``pivot`` (a Pivot record inline) or ``pivot_id`` (resolved against a
pivots file: ``--pivots`` or the sibling ``NAME.pivots.jsonl`` of ``NAME.pairs.jsonl``),
``candidate`` (raw text or an OpenAI assistant message), ``equivalent`` (boolean), optional
``category`` and ``source``. Errors name the file and the line."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pivotrl.errors import DataError
from pivotrl.pivot_envs.io import load_pivots
from pivotrl.pivot_envs.records import Pivot


@dataclass(frozen=True)
class LabeledPair:
    pivot: Pivot
    candidate: Any
    equivalent: bool
    category: str = "uncategorised"
    source: str = ""


def sibling_pivots(path: Path) -> Path | None:
    name = path.name
    if name.endswith(".pairs.jsonl"):
        candidate = path.with_name(name[: -len(".pairs.jsonl")] + ".pivots.jsonl")
        if candidate.exists():
            return candidate
    return None


def load_labeled(path: str | Path, pivots: str | Path | None = None) -> list[LabeledPair]:
    path = Path(path)
    if not path.exists():
        raise DataError("file not found", path=str(path))
    pivots_path = Path(pivots) if pivots else sibling_pivots(path)
    by_id = {p.id: p for p in load_pivots(pivots_path)} if pivots_path else {}
    pairs: list[LabeledPair] = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(f"invalid JSON: {exc.msg}", path=str(path), line=number) from None
            try:
                pairs.append(_pair(record, by_id, pivots_path))
            except DataError as exc:
                raise exc.located(path=str(path), line=number) from None
    return pairs


def _pair(record: Any, by_id: dict[str, Pivot], pivots_path: Path | None) -> LabeledPair:
    if not isinstance(record, dict):
        raise DataError(f"expected a JSON object, found {type(record).__name__}")
    if isinstance(record.get("pivot"), dict):
        pivot = Pivot.from_dict(record["pivot"])
    elif "pivot_id" in record:
        if not by_id:
            raise DataError("pivot_id needs a pivots file (--pivots, or NAME.pivots.jsonl beside NAME.pairs.jsonl)",
                            field="pivot_id")
        pivot_id = str(record["pivot_id"])
        if pivot_id not in by_id:
            raise DataError(f"unknown pivot {pivot_id!r} (not in {pivots_path})", field="pivot_id")
        pivot = by_id[pivot_id]
    else:
        raise DataError("a labeled pair needs 'pivot' or 'pivot_id'", field="pivot")
    if "candidate" not in record or not isinstance(record["candidate"], (str, dict)):
        raise DataError("a labeled pair needs 'candidate' (text or an assistant message)", field="candidate")
    if not isinstance(record.get("equivalent"), bool):
        raise DataError(f"'equivalent' must be true or false, found {record.get('equivalent')!r}", field="equivalent")
    return LabeledPair(pivot, record["candidate"], record["equivalent"], str(record.get("category") or "uncategorised"),
                       str(record.get("source") or ""))
