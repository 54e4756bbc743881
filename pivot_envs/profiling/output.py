"""Resumable profiling output: one JSON line per candidate, durable before the next is started,
so a killed run loses at most the line it was writing and a rerun picks up from the ids on disk."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pivotrl.errors import DataError, OutputError
from pivotrl.jsonsafe import dumps_line
from pivotrl.pivot_envs.output_lock import describe_os_error

logger = logging.getLogger(__name__)


def finished_ids(path: str | os.PathLike[str]) -> tuple[set[str], bool]:
    """Ids already in ``path`` and whether a partial last line (a killed write) was cut off.

    Only whole lines are ever written, so only the last can be partial: it is truncated away.
    A broken line elsewhere is someone else's file and stops the run."""
    target = Path(path)
    if not target.exists():
        return set(), False
    dropped = False
    with open(target, "rb+") as handle:
        data = handle.read()
        if data and not data.endswith(b"\n"):
            keep = data.rfind(b"\n") + 1
            logger.warning("%s: dropping a partial last line (%d bytes) left by an interrupted run", target,
                           len(data) - keep)
            handle.truncate(keep)
            data = data[:keep]
            dropped = True
    ids: set[str] = set()
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            ids.add(str(record["id"]))
        except (ValueError, KeyError, TypeError):
            raise DataError("not a profiled record: expected a JSON object with an 'id'; remove the line or "
                            "write to a new output", path=str(target), line=number) from None
    return ids, dropped


class AppendWriter:
    """Appends one JSON line per record and makes it durable before returning (flush + fsync).

    Sampled text may hold lone surrogates (an emoji cut by ``max_tokens``): they are written as
    U+FFFD, so the line stays UTF-8. A failed write (disk full, read-only) is an OutputError; a
    torn last line is dropped by the next run."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = str(path)
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._handle = open(path, "a", encoding="utf-8")  # noqa: SIM115 - closed by close()
        except OSError as exc:
            raise OutputError(describe_os_error(exc), path=self.path) from None

    def write(self, record: Mapping[str, Any]) -> None:
        line = dumps_line(record) + "\n"
        try:
            self._handle.write(line)
            self._handle.flush()
            os.fsync(self._handle.fileno())
        except OSError as exc:
            raise OutputError(describe_os_error(exc), path=self.path) from None

    def close(self) -> None:
        try:
            self._handle.close()
        except OSError as exc:  # the buffered tail could not be written either
            raise OutputError(describe_os_error(exc), path=self.path) from None
