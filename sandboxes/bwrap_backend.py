"""bubblewrap backend: the agent in fresh namespaces (no network, own PID 1, its own hostname,
IPC and user namespace) over the shared root file system, read-only, with a read-only /dev. For
machines without a Docker daemon, e.g. HPC clusters.

The agent keeps a few capabilities inside the sandbox's user namespace (to mount each check a
new tmpfs and IPC namespace, and to read any file a check leaves); commands drop them all. A
seccomp filter (``--seccomp``) covers the whole sandbox. Where this process may make cgroups,
each sandbox gets one with a pids and a memory limit for all its processes together; elsewhere
the limits are per process and RLIMIT_NPROC, which inside the sandbox's own user namespace
counts only the sandbox's processes (Linux >= 5.14)."""

from __future__ import annotations

import contextlib
import functools
import os
import selectors
import shutil
import subprocess
from pathlib import Path

from pivotrl.errors import SandboxError
from pivotrl.sandboxes import cgroups
from pivotrl.sandboxes.agent_sandbox import AGENT_COMMAND, AGENT_MOUNT, AgentSandbox, agent_dir
from pivotrl.sandboxes.backends import BackendChoice
from pivotrl.sandboxes.base import SANDBOX_UID, Limits, Sandbox
from pivotrl.sandboxes.channel import AgentChannel
from pivotrl.sandboxes.etc import HOSTNAME, etc_dir
from pivotrl.sandboxes.image import cache_dir
from pivotrl.sandboxes.seccomp import agent_filter, command_filter, filter_fd

#: When we are root, bwrap runs as this host uid: nothing the sandbox does is done as host root.
UNPRIVILEGED_HOST_UID = 65534
#: What the agent keeps inside the sandbox's user namespace; commands keep none of them.
AGENT_CAPABILITIES = ("CAP_SYS_ADMIN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_CHOWN",
                      "CAP_KILL", "CAP_SETPCAP")
JOIN_CGROUP = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"'


def host_uid() -> int:
    """The host uid sandbox processes run as."""
    return UNPRIVILEGED_HOST_UID if os.geteuid() == 0 else os.geteuid()


def bwrap_available() -> tuple[bool, str]:
    exe = shutil.which("bwrap")
    if not exe:
        return False, "bwrap is not installed (apt-get install bubblewrap)"
    return True, exe


@functools.lru_cache(maxsize=1)
def cgroup_support() -> cgroups.CgroupSupport:
    return cgroups.find_hierarchy()


def bwrap_command(rootfs: Path, state_dir: Path, seccomp_fd: int, cgroup: cgroups.SandboxCgroup | None = None) -> list[str]:
    prefix: list[str] = []
    if cgroup is not None:
        prefix = ["/bin/sh", "-c", JOIN_CGROUP, "sh", *cgroup.procs_files, "--"]
    if os.geteuid() == 0:
        uid = str(UNPRIVILEGED_HOST_UID)
        prefix += ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--"]
    etc = etc_dir(cache_dir())
    masks: list[str] = []
    for name in ("resolv.conf", "hostname", "hosts"):
        if (rootfs / "etc" / name).exists():  # a read-only root: only existing files can be covered
            masks += ["--ro-bind", str(etc / name), f"/etc/{name}"]
    caps = [arg for cap in AGENT_CAPABILITIES for arg in ("--cap-add", cap)]
    return [
        *prefix,
        "bwrap",
        "--ro-bind", str(rootfs), "/",
        "--proc", "/proc",
        "--dev", "/dev",
        "--remount-ro", "/dev",
        "--ro-bind", str(state_dir), "/state",
        "--ro-bind", str(agent_dir(cache_dir(), host_uid())), AGENT_MOUNT,
        *masks,
        "--unshare-all",
        "--hostname", HOSTNAME,
        "--die-with-parent",
        "--new-session",
        "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID),
        *caps,
        "--seccomp", str(seccomp_fd),
        "--as-pid-1",
        "--chdir", "/",
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
        self._cgroup: cgroups.SandboxCgroup | None = None
        support = cgroup_support()
        if support.hierarchy is not None:
            try:
                self._cgroup = cgroups.SandboxCgroup(support.hierarchy, self.limits.sandbox_processes,
                                                     self.limits.sandbox_memory)
            except OSError as exc:
                raise SandboxError(f"cannot make the sandbox's cgroup: {exc}") from None
        self.nproc_rlimit = self._cgroup is None
        fd = filter_fd(agent_filter())
        try:
            self._proc = subprocess.Popen(
                bwrap_command(rootfs, state_dir, fd, self._cgroup), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, start_new_session=True, pass_fds=(fd,),
            )
        except OSError as exc:
            if self._cgroup is not None:
                self._cgroup.remove()
            raise SandboxError(f"cannot start bubblewrap: {exc}") from None
        finally:
            os.close(fd)
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
            self._connect(AgentChannel(write, read), command_filter())
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
        try:
            if self._proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self._proc.pid, 9)
            self._proc.wait(timeout=5)
        finally:
            if self._cgroup is not None:
                self._cgroup.remove()


def choose(build: bool) -> BackendChoice:
    """The bubblewrap backend, if bwrap and a seccomp filter are here and the root file system
    is built (built when ``build`` and missing). Checks run fastest one at a time
    (benchmarks/sandbox_throughput, 2 cores)."""
    from pivotrl.sandboxes.image import build_rootfs, rootfs_path
    from pivotrl.sandboxes.isolation import bwrap_report
    from pivotrl.sandboxes.seccomp import seccomp_available

    ok, detail = bwrap_available()
    if not ok:
        raise SandboxError(detail)
    filtered, why = seccomp_available()
    if not filtered:
        raise SandboxError(f"the bubblewrap backend needs a seccomp filter: {why}")
    rootfs = rootfs_path()
    if not (rootfs / ".pivotrl-complete").exists():
        if not build:
            raise SandboxError(f"the sandbox root file system {rootfs} is missing; run `pivotrl sandbox build`")
        rootfs, _ = build_rootfs()

    def factory(state_dir: Path, limits: Limits) -> Sandbox:
        return BwrapSandbox(rootfs, state_dir, limits)

    # the agent reads the state objects as host_uid()
    return BackendChoice("bwrap", f"bubblewrap at {detail}; root file system {rootfs}", factory, rootfs,
                         bwrap_report(), owner_uid=host_uid(), concurrency=1)


def collect() -> tuple[int, str]:
    """``pivotrl sandbox gc``'s part for bubblewrap: the cgroups of dead runs."""
    support = cgroup_support()
    return (cgroups.gc(support.hierarchy) if support.hierarchy else 0), "cgroup(s)"
