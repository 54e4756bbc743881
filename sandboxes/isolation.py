"""What isolation holds on each backend, here: whole-sandbox process and memory limits, the
seccomp filter, and how each check gets a fresh work dir. ``pivotrl sandbox info`` prints it
and ``choose_backend("auto")`` prefers a backend where everything holds."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Aspect:
    name: str
    holds: bool
    detail: str


@dataclass(frozen=True)
class IsolationReport:
    backend: str
    aspects: tuple[Aspect, ...]

    @property
    def safe(self) -> bool:
        return all(a.holds for a in self.aspects)

    def gaps(self) -> list[str]:
        return [f"{a.name}: {a.detail}" for a in self.aspects if not a.holds]

    def to_dict(self) -> dict[str, Any]:
        return {"backend": self.backend, "safe": self.safe,
                "aspects": [{"name": a.name, "holds": a.holds, "detail": a.detail} for a in self.aspects]}


def _kernel_at_least(major: int, minor: int) -> bool:
    try:
        parts = os.uname().release.split(".")
        return (int(parts[0]), int("".join(c for c in parts[1] if c.isdigit()) or 0)) >= (major, minor)
    except (ValueError, IndexError):
        return False


def docker_report(client: Any) -> IsolationReport:
    try:
        info = client.info()
    except Exception as exc:  # the SDK raises several unrelated types for a dead daemon
        info = {"error": str(exc)}
    security = " ".join(info.get("SecurityOptions") or [])
    from pivotrl.sandboxes.seccomp import seccomp_available

    ours, why = seccomp_available()
    return IsolationReport("docker", (
        Aspect("processes", bool(info.get("PidsLimit")), "the container's pids cgroup; no RLIMIT_NPROC"
               if info.get("PidsLimit") else "the daemon cannot limit a container's processes (no pids cgroup)"),
        Aspect("memory", bool(info.get("MemoryLimit")), "the container's memory cgroup (processes and tmpfs together)"
               if info.get("MemoryLimit") else "the daemon cannot limit a container's memory"),
        Aspect("seccomp", "seccomp" in security, ("Docker's default profile" if "seccomp" in security else
                                                   "the daemon applies no seccomp profile")
               + (" and pivotrl's command filter" if ours else f"; no command filter ({why})")),
        Aspect("fresh work dir", True, "/work, /tmp, /dev/shm, /dev/mqueue and System V IPC emptied per check "
                                       "by the agent as the container's root; commands run as an unprivileged uid"),
        Aspect("states", True, "only the state objects are mounted, in a folder the sandbox user cannot open"),
    ))


def bwrap_report() -> IsolationReport:
    from pivotrl.sandboxes.bwrap_backend import cgroup_support
    from pivotrl.sandboxes.seccomp import seccomp_available

    support = cgroup_support()
    filtered, why = seccomp_available()
    per_userns = _kernel_at_least(5, 14)
    if support.available:
        processes = Aspect("processes", True, f"{support.reason}; no RLIMIT_NPROC")
    else:
        processes = Aspect("processes", per_userns,
                           f"RLIMIT_NPROC per command only ({support.reason}); "
                           + ("inside the sandbox's user namespace it counts the sandbox's processes only"
                              if per_userns else "this kernel (< 5.14) counts every process of the host uid"))
    return IsolationReport("bwrap", (
        processes,
        Aspect("memory", support.available, support.reason if support.available else
               f"per process only (RLIMIT_AS): {support.reason}"),
        Aspect("seccomp", filtered, why),
        Aspect("fresh work dir", True, "new tmpfs mounts for /work, /tmp and /dev/shm and a new IPC namespace per "
                                       "check; /dev read-only; own hostname, no host resolver files"),
        Aspect("states", True, "the agent reads states through a descriptor; the /state mount is covered"),
    ))
