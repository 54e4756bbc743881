"""The Sandbox protocol and the records it returns.

A sandbox runs checks: each starts from a fresh work dir holding one state archive of the
folder the sandbox was started with (``/work``), runs one or more steps (shell commands or
editor operations) under limits and one time budget, and reports exit codes, output bytes and
a digest of ``/work``. Callers never know which backend they hold.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol, runtime_checkable

WORKDIR = "/work"


SANDBOX_UID = 61000
"""The uid commands run as, on both backends. Not 1000: under Docker it is also the host uid,
and 1000 is the first person's account on most workstations (their processes, keyrings and
files would be shared with every sandbox)."""


@dataclass(frozen=True)
class Limits:
    """Limits of one check.

    ``timeout`` is wall-clock seconds per step; ``time_budget`` bounds all steps of a check
    together (``None``: steps x timeout); the first step that times out ends the check.
    ``memory_bytes`` is an address-space limit per process; the sandbox as a whole (processes,
    /work, /tmp and /dev/shm together) gets twice that, and ``max_processes`` (plus a few for
    the agent), through its cgroup. ``work_bytes`` / ``work_inodes`` size the work dir,
    ``state_bytes`` caps what a state may hold (sparse files count in full).
    """

    timeout: float = 10.0
    output_limit: int = 64 * 1024
    memory_bytes: int = 512 * 1024 * 1024
    max_processes: int = 128
    file_bytes: int = 64 * 1024 * 1024
    work_bytes: int = 256 * 1024 * 1024
    work_inodes: int = 65536
    tmp_bytes: int = 64 * 1024 * 1024
    shm_bytes: int = 64 * 1024 * 1024
    state_bytes: int = 128 * 1024 * 1024
    time_budget: float | None = None
    cpus: float = 1.0

    def budget(self, steps: int) -> float:
        return self.time_budget if self.time_budget is not None else max(1, steps) * self.timeout

    @property
    def sandbox_memory(self) -> int:
        return 2 * self.memory_bytes

    @property
    def sandbox_processes(self) -> int:
        return self.max_processes + 16  # the agent, its helpers and bubblewrap's own process

    def request(self) -> dict[str, Any]:
        return {"timeout": self.timeout, "output_limit": self.output_limit, "memory_bytes": self.memory_bytes,
                "file_bytes": self.file_bytes, "cpu_seconds": int(self.timeout) + 2, "state_bytes": self.state_bytes}

    def mounts(self) -> dict[str, int]:
        return {"work_bytes": self.work_bytes, "work_inodes": self.work_inodes, "tmp_bytes": self.tmp_bytes,
                "shm_bytes": self.shm_bytes}


@dataclass(frozen=True)
class Step:
    """One operation of a check: ``exec`` (a bash command) or ``edit`` (an editor call)."""

    kind: str
    command: str = ""
    edit: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def shell(cls, command: str) -> Step:
        return cls("exec", command=command)

    @classmethod
    def editor(cls, **arguments: Any) -> Step:
        return cls("edit", edit=arguments)

    def request(self) -> dict[str, Any]:
        if self.kind == "edit":
            return {"kind": "edit", **self.edit}
        return {"kind": "exec", "command": self.command}


def shown(raw: bytes) -> str:
    """Bytes as text people can read and any JSON writer can write: valid UTF-8, every other
    byte as a ``\\xNN`` escape."""
    return raw.decode("utf-8", "backslashreplace")


@dataclass(frozen=True)
class ExecResult:
    """One step's result. ``stdout``/``stderr`` are for reading (valid UTF-8, other bytes
    escaped); ``stdout_bytes`` is what the command wrote, byte for byte, for comparing."""

    exit_code: int
    stdout: str = ""
    stderr: str = ""
    timed_out: bool = False
    truncated: bool = False
    duration: float = 0.0
    stdout_bytes: bytes = b""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ExecResult:
        if "stdout_b64" in data:
            out, err = base64.b64decode(data["stdout_b64"]), base64.b64decode(data.get("stderr_b64") or "")
        else:
            out, err = str(data.get("stdout", "")).encode(), str(data.get("stderr", "")).encode()
        return cls(int(data.get("exit_code", -1)), shown(out), shown(err), bool(data.get("timed_out")),
                   bool(data.get("truncated")), float(data.get("duration", 0.0)), out)


@dataclass(frozen=True)
class CheckResult:
    """What a check did: one result per step run and the work dir it left behind.
    ``stopped`` says why later steps did not run: "timeout" (a step timed out) or "budget"
    (the check's time budget ran out); None when every step ran."""

    results: list[ExecResult]
    digest: str
    files: dict[str, str]
    file_count: int
    stopped: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: output bytes as base64 beside their readable form."""
        data = asdict(self)
        for row in data["results"]:
            row["stdout_b64"] = base64.b64encode(row.pop("stdout_bytes")).decode("ascii")
        return data


@runtime_checkable
class Sandbox(Protocol):
    backend: str

    def check(self, steps: Sequence[Step], limits: Limits | None = None, state: str | None = None) -> CheckResult:
        """Run ``steps`` from a pristine copy of snapshot ``state`` (a key under the mounted
        states folder); nothing carries over to the next check."""

    def export_work(self, steps: Sequence[Step], limits: Limits | None = None,
                    state: str | None = None) -> tuple[CheckResult, bytes]:
        """Run ``steps`` from the state and return the resulting work dir as a tar archive."""

    def build_state(self, files: dict[str, str], steps: Sequence[Step],
                    limits: Limits | None = None) -> tuple[list[ExecResult], bytes]:
        """Write files into an empty work dir, run steps, return results and a tar archive;
        SandboxError when the work dir cannot be kept faithfully (say why)."""

    def alive(self) -> bool: ...

    def close(self) -> None: ...
