"""bubblewrap backend: the agent in fresh namespaces (no network, own PID 1, non-root
uid, all capabilities dropped) over the shared root file system, read-only. For machines
without a Docker daemon, e.g. HPC clusters. Limits are rlimits set per command."""

from __future__ import annotations

import contextlib
import os
import selectors
import shutil
import subprocess
from pathlib import Path

from pivotrl.errors import SandboxError
from pivotrl.sandboxes.agent_sandbox import AGENT_COMMAND, AGENT_MOUNT, AgentSandbox, agent_dir
from pivotrl.sandboxes.base import WORKDIR, Limits
from pivotrl.sandboxes.channel import AgentChannel

SANDBOX_UID = 1000
#: When we are root, bwrap runs as this host uid: inside, uid 1000 then maps to an
#: unprivileged user, so RLIMIT_NPROC applies (root is exempt from it) and nothing the
#: sandbox does is done as host root.
UNPRIVILEGED_HOST_UID = 65534


def host_uid() -> int:
    """The host uid sandbox processes run as."""
    return UNPRIVILEGED_HOST_UID if os.geteuid() == 0 else os.geteuid()


def bwrap_available() -> tuple[bool, str]:
    exe = shutil.which("bwrap")
    if not exe:
        return False, "bwrap is not installed (apt-get install bubblewrap)"
    return True, exe


def bwrap_command(rootfs: Path, state_dir: Path, limits: Limits) -> list[str]:
    drop_root: list[str] = []
    if os.geteuid() == 0:
        uid = str(UNPRIVILEGED_HOST_UID)
        drop_root = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--"]
    return [
        *drop_root,
        "bwrap",
        "--ro-bind", str(rootfs), "/",
        "--proc", "/proc",
        "--dev", "/dev",
        "--size", str(limits.work_bytes), "--tmpfs", WORKDIR,
        "--size", str(64 * 1024 * 1024), "--tmpfs", "/tmp",
        "--ro-bind", str(state_dir), "/state",
        "--ro-bind", str(agent_dir()), AGENT_MOUNT,
        "--unshare-all",
        "--die-with-parent",
        "--new-session",
        "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID),
        "--cap-drop", "ALL",
        "--as-pid-1",
        "--chdir", WORKDIR,
        "--clearenv", "--setenv", "PATH", "/usr/local/bin:/usr/bin:/bin",
        *AGENT_COMMAND,
    ]


class BwrapSandbox(AgentSandbox):
    backend = "bwrap"

    def __init__(self, rootfs: Path, state_dir: Path, limits: Limits | None = None) -> None:
        super().__init__(limits)
        ok, detail = bwrap_available()
        if not ok:
            raise SandboxError(detail)
        for mountpoint in ("work", "state", "opt/pivotrl", "tmp"):
            if not (rootfs / mountpoint).is_dir():
                raise SandboxError(f"{rootfs} is not a pivotrl root file system (no /{mountpoint}); "
                                   "run `pivotrl sandbox build`")
        self._proc = subprocess.Popen(
            bwrap_command(rootfs, state_dir, self.limits), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, start_new_session=True,
        )
        assert self._proc.stdin and self._proc.stdout
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._proc.stdout.fileno(), selectors.EVENT_READ)
        stdin, stdout = self._proc.stdin, self._proc.stdout

        def write(data: bytes) -> None:
            stdin.write(data)
            stdin.flush()

        def read(size: int, timeout: float) -> bytes:
            if not self._selector.select(timeout):
                raise TimeoutError
            return os.read(stdout.fileno(), size)

        try:
            self._connect(AgentChannel(write, read))
        except SandboxError as exc:
            err = self._stderr_tail()
            self.close()
            raise SandboxError(f"bubblewrap sandbox did not start: {exc}{'; ' + err if err else ''}") from None

    def _stderr_tail(self) -> str:
        if self._proc.poll() is None or not self._proc.stderr:
            return ""
        return self._proc.stderr.read(2000).decode("utf-8", "replace").strip()

    def _alive(self) -> bool:
        return self._proc.poll() is None

    def _teardown(self) -> None:
        # Kill first: the EOF wakes any thread still waiting on this sandbox's answer. The
        # selector and pipes are left to the garbage collector for the same reason.
        if self._proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._proc.pid, 9)
        self._proc.wait(timeout=5)
