"""Whole-sandbox limits for bubblewrap: one cgroup per sandbox with a pids and a memory limit.

Docker puts each container in its own cgroup; bubblewrap does not, so without this a sandbox's
limits are per process (rlimits). We create a child cgroup where this process may: under its
own cgroup in each cgroup v1 hierarchy (``pids``, ``memory``), or under the nearest cgroup v2
ancestor that delegates both controllers to us. Where neither is writable, ``cgroup_support``
says why and the sandbox runs with per-process limits only (``pivotrl sandbox info`` shows it).
Cgroups are named ``pivotrl-<owner pid>-<owner start time>-<n>`` so ``gc`` can tell the ones
of dead runs.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)
PREFIX = "pivotrl-"
_counter = itertools.count()


@dataclass(frozen=True)
class Hierarchy:
    """Where to make sandbox cgroups: ``parent`` per controller (v1) or one for both (v2)."""

    version: int
    parents: dict[str, Path]  # controller -> the folder sandbox cgroups are made in


@dataclass(frozen=True)
class CgroupSupport:
    available: bool
    reason: str
    hierarchy: Hierarchy | None = None


def _mounts(mountinfo: str) -> list[tuple[str, str, set[str]]]:
    """(fstype, mount point, super options) of every cgroup mount."""
    found = []
    for line in mountinfo.splitlines():
        left, _, right = line.partition(" - ")
        fields, rest = left.split(), right.split()
        if len(fields) < 5 or len(rest) < 3 or rest[0] not in ("cgroup", "cgroup2"):
            continue
        found.append((rest[0], fields[4], set(rest[2].split(","))))
    return found


def _own_paths(proc_cgroup: str) -> dict[str, str]:
    """Controller (or "" for v2) -> this process's cgroup path."""
    paths: dict[str, str] = {}
    for line in proc_cgroup.splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        for controller in parts[1].split(",") if parts[1] else [""]:
            paths[controller] = parts[2]
    return paths


def _writable(folder: Path) -> bool:
    return folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)


def find_hierarchy(root: Path = Path("/"), pid: str = "self") -> CgroupSupport:
    """Where this process may make sandbox cgroups with pids and memory limits, or why not."""
    try:
        mountinfo = (root / f"proc/{pid}/mountinfo").read_text()
        own = _own_paths((root / f"proc/{pid}/cgroup").read_text())
    except OSError as exc:
        return CgroupSupport(False, f"cannot read this process's cgroups ({exc})")
    mounts = _mounts(mountinfo)
    v1 = {c: Path(mp) for fs, mp, opts in mounts if fs == "cgroup" for c in ("pids", "memory") if c in opts}
    if {"pids", "memory"} <= set(v1) and {"pids", "memory"} <= set(own):
        parents = {c: root / str(v1[c]).lstrip("/") / own[c].lstrip("/") for c in ("pids", "memory")}
        blocked = [str(p) for p in parents.values() if not _writable(p)]
        if not blocked:
            return CgroupSupport(True, "cgroup v1: a pids and a memory cgroup per sandbox", Hierarchy(1, parents))
        v1_reason = f"cgroup v1 is not writable here ({', '.join(blocked)})"
    else:
        v1_reason = "no cgroup v1 pids and memory hierarchies"
    unified = [Path(mp) for fs, mp, _ in mounts if fs == "cgroup2"]
    if not unified or "" not in own:
        return CgroupSupport(False, f"{v1_reason}; no cgroup v2 hierarchy")
    base = root / str(unified[0]).lstrip("/")
    folder = base / own[""].lstrip("/")
    while True:
        try:
            delegated = set((folder / "cgroup.subtree_control").read_text().split())
        except OSError:
            delegated = set()
        if {"pids", "memory"} <= delegated and _writable(folder):
            return CgroupSupport(True, f"cgroup v2: a cgroup per sandbox under {folder}", Hierarchy(2, {"": folder}))
        if folder == base:
            break
        folder = folder.parent
    return CgroupSupport(False, f"{v1_reason}; cgroup v2 delegates no writable subtree with pids and memory "
                                "(run as root, or in a systemd scope with Delegate=yes)")


def _start_time(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]  # field 22, starttime in clock ticks since boot


def owner_tag(pid: int | None = None) -> str:
    pid = pid or os.getpid()
    return f"{pid}-{_start_time(pid) or 0}"


def owner_alive(tag: str) -> bool:
    """Whether the process named by ``owner_tag`` is still running (a reused pid is not)."""
    pid, _, start = tag.partition("-")
    return pid.isdigit() and _start_time(int(pid)) == start


class SandboxCgroup:
    """One sandbox's cgroup(s); the sandbox's first process joins through ``procs_files``."""

    def __init__(self, hierarchy: Hierarchy, pids_max: int, memory_max: int) -> None:
        name = f"{PREFIX}{owner_tag()}-{next(_counter)}"
        self.paths: list[Path] = []
        try:
            for controller, parent in hierarchy.parents.items():
                path = parent / name
                path.mkdir()
                self.paths.append(path)
                if hierarchy.version == 2:
                    _write(path / "pids.max", pids_max)
                    _write(path / "memory.max", memory_max)
                    with contextlib.suppress(OSError):  # absent without swap accounting
                        _write(path / "memory.swap.max", 0)
                elif controller == "pids":
                    _write(path / "pids.max", pids_max)
                else:
                    _write(path / "memory.limit_in_bytes", memory_max)
                    with contextlib.suppress(OSError):
                        _write(path / "memory.memsw.limit_in_bytes", memory_max)
        except OSError:
            self.remove()
            raise

    @property
    def procs_files(self) -> list[str]:
        return [str(p / "cgroup.procs") for p in self.paths]

    def pids(self) -> set[int]:
        found: set[int] = set()
        for path in self.paths:
            with contextlib.suppress(OSError):
                found.update(int(x) for x in (path / "cgroup.procs").read_text().split())
        return found

    def remove(self, timeout: float = 5.0) -> None:
        """Kill what is left inside and remove the cgroup(s)."""
        deadline = time.monotonic() + timeout
        for path in reversed(self.paths):
            while True:
                for pid in self.pids():
                    with contextlib.suppress(OSError):
                        os.kill(pid, signal.SIGKILL)
                try:
                    path.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        logger.warning("could not remove the sandbox cgroup %s", path)
                        break
                    time.sleep(0.02)
        self.paths = []


def _write(path: Path, value: int) -> None:
    path.write_text(f"{value}\n")


def gc(hierarchy: Hierarchy) -> int:
    """Remove the empty sandbox cgroups of runs that are no longer alive; returns the count."""
    removed = 0
    for parent in hierarchy.parents.values():
        with contextlib.suppress(OSError):
            for path in parent.iterdir():
                name = path.name
                if not name.startswith(PREFIX) or not path.is_dir():
                    continue
                tag = "-".join(name[len(PREFIX):].split("-")[:2])
                if owner_alive(tag):
                    continue
                try:
                    path.rmdir()
                    removed += 1
                except OSError:
                    logger.info("sandbox cgroup %s of a dead run still holds processes; left in place", path)
    return removed
