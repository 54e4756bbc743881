"""The Sandbox protocol and the records it returns.

A sandbox mounts the folder of state snapshots read-only at ``/state`` and runs checks:
each check starts from a pristine copy of one snapshot in ``/work``, runs one
or more steps (shell commands or editor operations) under limits, and reports exit codes,
output and a digest of ``/work``. Callers never know which backend they hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol, runtime_checkable

WORKDIR = "/work"


@dataclass(frozen=True)
class Limits:
    """Per-command limits. ``timeout`` is wall-clock seconds; memory is an address-space
    limit per process (and the container's memory limit under Docker)."""

    timeout: float = 10.0
    output_limit: int = 64 * 1024
    memory_bytes: int = 512 * 1024 * 1024
    max_processes: int = 128
    file_bytes: int = 64 * 1024 * 1024
    work_bytes: int = 256 * 1024 * 1024
    cpus: float = 1.0

    def request(self) -> dict[str, Any]:
        return {"timeout": self.timeout, "output_limit": self.output_limit, "memory_bytes": self.memory_bytes,
                "max_processes": self.max_processes, "file_bytes": self.file_bytes,
                "cpu_seconds": int(self.timeout) + 2}


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


@dataclass(frozen=True)
class ExecResult:
    exit_code: int
    stdout: str = ""
    stderr: str = ""
    timed_out: bool = False
    truncated: bool = False
    duration: float = 0.0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ExecResult:
        return cls(int(data.get("exit_code", -1)), str(data.get("stdout", "")), str(data.get("stderr", "")),
                   bool(data.get("timed_out")), bool(data.get("truncated")), float(data.get("duration", 0.0)))


@dataclass(frozen=True)
class CheckResult:
    """What a check did: one result per step and the work dir it left behind."""

    results: list[ExecResult]
    digest: str
    files: dict[str, str]
    file_count: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@runtime_checkable
class Sandbox(Protocol):
    backend: str

    def check(self, steps: Sequence[Step], limits: Limits | None = None, state: str | None = None) -> CheckResult:
        """Run ``steps`` from a pristine copy of snapshot ``state`` (a key under the mounted
        states folder); nothing carries over to the next check."""

    def export_work(self, steps: Sequence[Step], limits: Limits | None = None,
                    state: str | None = None) -> tuple[CheckResult, bytes]:
        """Run ``steps`` from the state and return the resulting work dir as a .tar.gz."""

    def build_state(self, files: dict[str, str], steps: Sequence[Step],
                    limits: Limits | None = None) -> tuple[list[ExecResult], bytes]:
        """Write files into an empty work dir, run steps, return results and a .tar.gz."""

    def alive(self) -> bool: ...

    def close(self) -> None: ...
