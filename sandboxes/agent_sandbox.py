"""What the Docker and bubblewrap backends share: a started agent reached through a
channel. Backends only start the agent and tear it down."""

from __future__ import annotations

import base64
import hashlib
import logging
import os
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from pivotrl.errors import SandboxError
from pivotrl.sandboxes.base import SANDBOX_UID, CheckResult, ExecResult, Limits, Step
from pivotrl.sandboxes.channel import AgentChannel

logger = logging.getLogger(__name__)
AGENT_MOUNT = "/opt/pivotrl"
AGENT_COMMAND = ["/usr/bin/python3", "-I", f"{AGENT_MOUNT}/agent.py"]
START_TIMEOUT = 30.0
GRACE_SECONDS = 5.0
#: Time a check may take beyond its steps' budget: restoring the state, the digest, an export.
HOUSEKEEPING_SECONDS = 30.0


def agent_source() -> bytes:
    return (Path(str(resources.files("pivotrl.sandboxes"))) / "agent.py").read_bytes()


def agent_dir(cache: Path, owner_uid: int | None) -> Path:
    """A folder holding only agent.py, bind-mounted read-only into every sandbox: a copy in the
    cache, closed to every user but ``owner_uid`` (the uid that starts the agent), so the
    sandbox user reads neither it nor the package it came from."""
    source = agent_source()
    folder = cache / "agent" / hashlib.sha256(source).hexdigest()[:16] / str(owner_uid if owner_uid is not None
                                                                             else os.geteuid())
    target = folder / "agent.py"
    if not target.exists() or target.read_bytes() != source:
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o700)
        staging = folder / f".agent.{os.getpid()}"
        staging.write_bytes(source)
        if owner_uid is not None and os.geteuid() == 0:
            os.chown(staging, owner_uid, owner_uid)
            os.chown(folder, owner_uid, owner_uid)
        staging.chmod(0o400)
        staging.replace(target)
    folder.chmod(0o500)
    return folder


class AgentSandbox:
    backend = "agent"
    #: RLIMIT_NPROC per command: only where no cgroup counts the sandbox's processes
    nproc_rlimit = False

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self._channel: AgentChannel | None = None
        self._closed = False
        self.checks = 0
        self.info: dict[str, Any] = {}

    def _connect(self, channel: AgentChannel, seccomp: bytes | None) -> None:
        self._channel = channel
        request = {"op": "configure", "uid": SANDBOX_UID,
                   "seccomp_b64": base64.b64encode(seccomp or b"").decode("ascii"), **self.limits.mounts()}
        info = channel.call(request, START_TIMEOUT)
        if info.get("pid") != 1 or info.get("sandbox_uid") in (None, 0) or bool(info.get("seccomp")) != bool(seccomp):
            raise SandboxError(f"sandbox agent runs as pid {info.get('pid')}, commands as uid {info.get('sandbox_uid')}, "
                               f"seccomp {info.get('seccomp')}; expected pid 1, a non-root user"
                               f"{' and the command filter' if seccomp else ''}")
        self.info = {k: info[k] for k in ("uid", "sandbox_uid", "fresh", "seccomp") if k in info}

    def _call(self, request: dict, budget: float) -> dict:
        if self._channel is None or self._closed:
            raise SandboxError("the sandbox is closed")
        try:
            return self._channel.call(request, budget + HOUSEKEEPING_SECONDS + GRACE_SECONDS)
        except SandboxError:
            self.close()  # a sandbox that failed once is never reused
            raise

    def _run(self, op: str, steps: Sequence[Step], limits: Limits, **extra: Any) -> dict:
        if op == "build":
            # a replayed trajectory goes on after a step that timed out, as the trajectory did
            budget, wait = 0.0, len(steps) * (limits.timeout + 1.0)
        else:
            budget = wait = limits.budget(len(steps))
        request = {"op": op, "steps": [s.request() for s in steps], "budget": budget,
                   "stop_at_timeout": op != "build", **limits.request(), **extra}
        if self.nproc_rlimit:
            request["max_processes"] = limits.max_processes
        return self._call(request, wait)

    def check(self, steps: Sequence[Step], limits: Limits | None = None, state: str | None = None) -> CheckResult:
        """Run ``steps`` from a fresh work dir holding state ``state`` (or an empty one)."""
        return self._check(steps, limits or self.limits, state, export=False)[0]

    def _check(self, steps: Sequence[Step], limits: Limits, state: str | None, export: bool) -> tuple[CheckResult, dict]:
        response = self._run("check", steps, limits, state=state, export=export)
        self.checks += 1
        result = CheckResult([ExecResult.from_dict(r) for r in response["results"]], response["digest"],
                             dict(response.get("files") or {}), int(response.get("file_count", 0)),
                             response.get("stopped"))
        return result, response

    def export_work(self, steps: Sequence[Step], limits: Limits | None = None,
                    state: str | None = None) -> tuple[CheckResult, bytes]:
        result, response = self._check(steps, limits or self.limits, state, export=True)
        return result, _archive(response)

    def build_state(self, files: dict[str, str], steps: Sequence[Step],
                    limits: Limits | None = None) -> tuple[list[ExecResult], bytes]:
        """Write ``files`` into an empty work dir, run ``steps``, return their results and
        the work dir as a tar archive."""
        response = self._run("build", steps, limits or self.limits, files=files)
        return [ExecResult.from_dict(r) for r in response["results"]], _archive(response)

    def alive(self) -> bool:
        return not self._closed and self._alive()

    def _alive(self) -> bool:
        return True

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            try:
                self._teardown()
            except Exception:  # teardown is best effort; gc removes what is left
                logger.warning("could not tear down %s sandbox cleanly", self.backend, exc_info=True)

    def _teardown(self) -> None:
        pass

    def __enter__(self) -> AgentSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _archive(response: dict) -> bytes:
    refused = response.get("refused") or []
    if refused:
        more = f" (and {len(refused) - 5} more)" if len(refused) > 5 else ""
        raise SandboxError("the work dir cannot be kept as a state: " + "; ".join(refused[:5]) + more)
    return base64.b64decode(response["tar_b64"])
