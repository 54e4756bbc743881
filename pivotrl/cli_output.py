"""What the CLI shows besides tables: exit codes, ``--json`` summaries, and progress for long
steps (a tqdm bar on stderr that keeps moving while nothing finishes, a hanging endpoint or a
slow sandbox, so a stuck run and a slow one look different).

On a terminal the bar refreshes every second; in a log file (not a TTY) one line is written
every ``log_every`` seconds instead of a stream of carriage returns.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from typing import Any

import click
from tqdm import tqdm

#: Exit codes: 0 done; 1 ran, but the result is a failure or nothing was produced (a reference
#: that fails its verifier, no candidate profiled, no pivot kept); 2 could not run (bad input,
#: broken verifier, output locked or unwritable); 130 interrupted.
EXIT_OK, EXIT_NOTHING, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130


def emit_json(summary: dict[str, Any]) -> None:
    """A command's ``--json`` summary: one JSON object, the only thing on stdout."""
    click.echo(json.dumps(summary, ensure_ascii=False, sort_keys=True, default=str))


WAITING_AFTER = 5.0  # seconds without an update before the bar says what it waits for


class ProgressBar:
    """``update(n)`` as work finishes; ``waiting_for`` names what the next update waits on."""

    def __init__(self, total: int | None, *, desc: str, unit: str, initial: int = 0,
                 waiting_for: str = "the next result", log_every: float = 30.0, waiting_after: float = WAITING_AFTER,
                 enabled: bool = True) -> None:
        tty = sys.stderr.isatty()
        self.bar = tqdm(total=total, initial=initial, desc=desc, unit=unit, file=sys.stderr, dynamic_ncols=True,
                        smoothing=0.1, mininterval=0.5 if tty else log_every, disable=not enabled)
        self.waiting_for = waiting_for
        self._postfix = ""
        self._waiting_after = waiting_after
        self._last = time.monotonic()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._every = 1.0 if tty else log_every
        self._thread = threading.Thread(target=self._beat, name="pivotrl-progress", daemon=True)
        if enabled:
            self._thread.start()

    def update(self, n: int = 1, postfix: str | None = None) -> None:
        with self._lock:
            self._last = time.monotonic()
            if postfix is not None:
                self._postfix = postfix
            self.bar.set_postfix_str(self._postfix, refresh=False)
            self.bar.update(n)

    def set_postfix(self, text: str) -> None:
        with self._lock:
            self._postfix = text
            self.bar.set_postfix_str(text, refresh=False)

    def _beat(self) -> None:
        while not self._stop.wait(self._every):
            with self._lock:
                idle = time.monotonic() - self._last
                if idle >= self._waiting_after:
                    waiting = f"waiting {idle:.0f} s for {self.waiting_for}"
                    self.bar.set_postfix_str(f"{self._postfix}, {waiting}" if self._postfix else waiting, refresh=False)
                self.bar.refresh()

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        with self._lock:
            self.bar.set_postfix_str(self._postfix, refresh=False)
            self.bar.close()

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
