"""One writer per output file: an exclusive ``flock`` on a hidden ``.NAME.lock`` beside it.

The kernel drops the lock when its holder dies (``kill -9`` included), so no stale lock ever
blocks a rerun; while it is held, the lock file names the holder (pid, host, command, start) for
the second process's message. Holding the lock also makes every temp file of that output stale,
so a writer cleans up what a killed writer left behind. Re-entrant within a process.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import re
import socket
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from pivotrl.errors import OutputError, OutputLocked

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock; outputs are then unlocked
    fcntl = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)

_held: dict[str, tuple[int, int, int]] = {}  # lock path -> (fd, depth, owning thread)
_guard = threading.Lock()
_MKSTEMP_LEFTOVER = r"[a-z0-9_]{8}"  # temp names of older versions (tempfile.mkstemp)


def lock_path(target: str | os.PathLike[str]) -> Path:
    path = Path(target)
    return path.with_name(f".{path.name}.lock")


def temp_path(target: str | os.PathLike[str]) -> Path:
    """A temp file beside ``target`` that ``clean_temps`` recognises as its own."""
    path = Path(target)
    return path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")


def clean_temps(target: str | os.PathLike[str]) -> list[Path]:
    """Remove the temp files a killed writer of ``target`` left behind; call with the lock held."""
    path = Path(target)
    pattern = re.compile(rf"^\.{re.escape(path.name)}\.(\d+\.[0-9a-f]{{8}}\.tmp|{_MKSTEMP_LEFTOVER})$")
    removed = []
    try:
        entries = list(path.parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        if pattern.match(entry.name) and entry.is_file():
            with contextlib.suppress(OSError):
                size = entry.stat().st_size
                entry.unlink()
                removed.append(entry)
                logger.warning("removed %s (%d bytes) left by an interrupted writer of %s", entry, size, path)
    return removed


def describe_os_error(exc: OSError) -> str:
    """One line for a failed write: what happened and what to do."""
    if exc.errno == errno.ENOSPC:
        return "no space left on the device: free some space or write elsewhere (-o)"
    if exc.errno == errno.EDQUOT:
        return "disk quota exceeded: free some space or write elsewhere (-o)"
    if exc.errno == errno.EROFS:
        return "the file system is read-only: write elsewhere (-o)"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied: write to a directory you own (-o)"
    if exc.errno == errno.EFBIG:
        return "file too large for this file system or ulimit"
    if exc.errno == errno.EISDIR:
        return "is a directory: give a file name"
    if exc.errno == errno.ENOTDIR:
        return "a parent of this path is a file, not a directory"
    return f"{exc.strerror or type(exc).__name__} (errno {exc.errno})"


def _holder(path: Path) -> str:
    try:
        info = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        info = {}
    if not isinstance(info, dict) or "pid" not in info:
        return "another process (it is still starting)"
    since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(float(info.get("since", 0))))
    return f"pid {info['pid']} on {info.get('host', '?')} ({info.get('command', '?')}, since {since})"


def _acquire(path: Path, purpose: str) -> int:
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(f"cannot create the lock file {path.name}: {describe_os_error(exc)}",
                              path=str(path.parent)) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                target = path.with_name(path.name[1:-len(".lock")])
                raise OutputLocked(f"another writer holds it: {_holder(path)}; wait for it to finish, or write "
                                   "to another output", path=str(target)) from None
            raise OutputError(f"cannot lock: {describe_os_error(exc)}", path=str(path)) from None
        # the previous holder may have unlinked the file between our open and our flock
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    info = {"pid": os.getpid(), "host": socket.gethostname(), "command": purpose, "since": time.time()}
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
    return fd


@contextlib.contextmanager
def exclusive_output(target: str | os.PathLike[str], purpose: str | None = None) -> Iterator[Path]:
    """Hold the output ``target`` exclusively for the block; a second holder (another process,
    or another open in this one that is not nested) gets OutputLocked naming the first."""
    path = Path(target)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create its directory: {describe_os_error(exc)}", path=str(path)) from None
    if fcntl is None:  # pragma: no cover
        yield path
        return
    key = str(lock_path(path).resolve())
    me = threading.get_ident()
    with _guard:
        held = _held.get(key)
        if held is not None and held[2] != me:
            raise OutputLocked("another thread of this process is writing it", path=str(path))
        if held is not None:
            _held[key] = (held[0], held[1] + 1, me)
        else:
            fd = _acquire(Path(key), purpose or " ".join(sys.argv[:3]) or "python")
            _held[key] = (fd, 1, me)
            clean_temps(path)
    try:
        yield path
    finally:
        with _guard:
            fd, depth, _ = _held[key]
            if depth > 1:
                _held[key] = (fd, depth - 1, me)
            else:
                del _held[key]
                with contextlib.suppress(OSError):
                    os.unlink(key)  # while still locked: a waiter that opened it retries on the new file
                os.close(fd)
