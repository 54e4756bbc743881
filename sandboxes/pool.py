"""A warm pool: started sandboxes kept per mounted states folder and reused across checks, so a check
costs a message and a copy of the state, not a container start. Each check starts from a
fresh work dir holding its state (the agent gives it new tmpfs mounts, or empties them with
privileges commands never have, and kills leftovers), so nothing leaks from one check into the
next. States are built in sandboxes kept for builds alone (``builder``): no action ever ran in
one, so nothing an action does can reach a state, even past the fresh work dir."""

from __future__ import annotations

import atexit
import logging
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from pivotrl.sandboxes.base import CheckResult, Limits, Sandbox, Step

logger = logging.getLogger(__name__)
_POOLS: weakref.WeakSet[WarmPool] = weakref.WeakSet()


class WarmPool:
    def __init__(self, start: Callable[[Path, Limits], Sandbox], limits: Limits | None = None,
                 max_idle: int = 8) -> None:
        self.start = start
        self.limits = limits or Limits()
        self.max_idle = max_idle
        self._idle: OrderedDict[Path, list[Sandbox]] = OrderedDict()
        self._lock = threading.Lock()
        self._busy: set[Sandbox] = set()
        self.started = 0  # warm sandboxes started for checks
        self.builders_started = 0  # sandboxes started for state builds; they never run a check
        self._builders: list[Sandbox] = []
        self.reused = 0
        _POOLS.add(self)

    @contextmanager
    def sandbox(self, state_dir: Path) -> Iterator[Sandbox]:
        box = self._take(state_dir)
        try:
            yield box
        finally:
            self._give_back(state_dir, box)

    @contextmanager
    def builder(self, state_dir: Path) -> Iterator[Sandbox]:
        """A sandbox that only ever builds states (of ``state_dir``): never one that ran a check."""
        box = None
        with self._lock:
            while self._builders and box is None:
                candidate = self._builders.pop()
                if candidate.alive():
                    box = candidate
                else:
                    candidate.close()
        if box is None:
            self.builders_started += 1
            box = self.start(state_dir, self.limits)
        with self._lock:
            self._busy.add(box)
        try:
            yield box
        finally:
            with self._lock:
                self._busy.discard(box)
                keep = box.alive() and len(self._builders) < 2
                if keep:
                    self._builders.append(box)
            if not keep:
                box.close()

    def check(self, state_dir: Path, steps: Sequence[Step], limits: Limits | None = None,
              state: str | None = None) -> CheckResult:
        with self.sandbox(state_dir) as box:
            return box.check(steps, limits or self.limits, state)

    def _take(self, state_dir: Path) -> Sandbox:
        with self._lock:
            boxes = self._idle.get(state_dir)
            while boxes:
                box = boxes.pop()
                if box.alive():
                    self.reused += 1
                    self._busy.add(box)
                    return box
                box.close()
        self.started += 1
        box = self.start(state_dir, self.limits)
        with self._lock:
            self._busy.add(box)
        return box

    def _give_back(self, state_dir: Path, box: Sandbox) -> None:
        with self._lock:
            self._busy.discard(box)
        if not box.alive():
            box.close()
            return
        evicted: list[Sandbox] = []
        with self._lock:
            self._idle.setdefault(state_dir, []).append(box)
            self._idle.move_to_end(state_dir)
            while sum(len(v) for v in self._idle.values()) > self.max_idle:
                oldest_state, oldest = next(iter(self._idle.items()))
                evicted.append(oldest.pop(0))
                if not oldest:
                    del self._idle[oldest_state]
        for old in evicted:
            old.close()

    def close(self) -> None:
        """Close the idle sandboxes (busy ones return and are kept or closed as usual)."""
        with self._lock:
            boxes = [b for v in self._idle.values() for b in v] + self._builders
            self._idle.clear()
            self._builders = []
        for box in boxes:
            box.close()

    def abort(self) -> None:
        """Close every sandbox, busy ones too: their checks fail at once (Ctrl-C, shutdown)."""
        with self._lock:
            busy = list(self._busy)
        for box in busy:
            box.close()
        self.close()

    def __enter__(self) -> WarmPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@atexit.register
def _close_all_pools() -> None:
    for pool in list(_POOLS):
        pool.abort()
