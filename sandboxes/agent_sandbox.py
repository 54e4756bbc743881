"""What the Docker and bubblewrap backends share: a started agent reached through a
channel. Backends only start the agent and tear it down."""

from __future__ import annotations

import base64
import logging
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from pivotrl.errors import SandboxError
from pivotrl.sandboxes.base import CheckResult, ExecResult, Limits, Step
from pivotrl.sandboxes.channel import AgentChannel

logger = logging.getLogger(__name__)
AGENT_MOUNT = "/opt/pivotrl"
AGENT_COMMAND = ["/usr/bin/python3", "-I", f"{AGENT_MOUNT}/agent.py"]
START_TIMEOUT = 30.0
GRACE_SECONDS = 5.0


def agent_dir() -> Path:
    """The host folder holding agent.py, bind-mounted read-only into every sandbox."""
    return Path(str(resources.files("pivotrl.sandboxes"))).resolve()


class AgentSandbox:
    backend = "agent"

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self._channel: AgentChannel | None = None
        self._closed = False
        self.checks = 0

    def _connect(self, channel: AgentChannel) -> None:
        self._channel = channel
        pong = channel.call({"op": "ping"}, START_TIMEOUT)
        if pong.get("pid") != 1 or pong.get("uid") == 0:
            raise SandboxError(f"sandbox agent runs as pid {pong.get('pid')} uid {pong.get('uid')}; "
                               "expected pid 1 and a non-root user")

    def _call(self, request: dict, steps: int, limits: Limits) -> dict:
        if self._channel is None or self._closed:
            raise SandboxError("the sandbox is closed")
        budget = steps * (limits.timeout + 1.0) + GRACE_SECONDS
        try:
            return self._channel.call(request, budget)
        except SandboxError:
            self.close()  # a sandbox that failed once is never reused
            raise

    def check(self, steps: Sequence[Step], limits: Limits | None = None, state: str | None = None) -> CheckResult:
        """Run ``steps`` from a pristine copy of snapshot ``state`` (or an empty work dir)."""
        limits = limits or self.limits
        response = self._call({"op": "batch", "fresh": True, "state": state, "steps": [s.request() for s in steps],
                               **limits.request()}, len(steps), limits)
        self.checks += 1
        return CheckResult([ExecResult.from_dict(r) for r in response["results"]], response["digest"],
                           dict(response.get("files") or {}), int(response.get("file_count", 0)))

    def export_work(self, steps: Sequence[Step], limits: Limits | None = None,
                    state: str | None = None) -> tuple[CheckResult, bytes]:
        result = self.check(steps, limits, state)
        # the check left /work as the steps made it: the agent cleans up before the next check
        response = self._call({"op": "export"}, 1, limits or self.limits)
        return result, base64.b64decode(response["tar_b64"])

    def build_state(self, files: dict[str, str], steps: Sequence[Step],
                    limits: Limits | None = None) -> tuple[list[ExecResult], bytes]:
        """Write ``files`` into an empty work dir, run ``steps``, return their results and
        the work dir as a .tar.gz. The next check starts from its own state again."""
        limits = limits or self.limits
        response = self._call({"op": "build", "files": files, "steps": [s.request() for s in steps],
                               **limits.request()}, len(steps) + 1, limits)
        return [ExecResult.from_dict(r) for r in response["results"]], base64.b64decode(response["tar_b64"])

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
