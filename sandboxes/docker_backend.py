"""Docker backend: one container per warm sandbox, the agent as PID 1, talking over the
container's attached stdin/stdout. The agent is the container's root with six capabilities (to
empty the work dir, /tmp, /dev/shm and IPC between checks, and to become the sandbox user);
commands run as the sandbox user with none, Docker's seccomp profile and ours. The container's
cgroup limits its memory and process count as a whole.

Containers are labelled with their owner (pid and start time) and host, auto-removed when the
agent exits (it exits when our end of the stream closes, also when this process dies), and
force-removed on close; ``gc()`` removes those of runs that are no longer alive."""

from __future__ import annotations

import contextlib
import logging
import os
import select
import socket
import struct
from pathlib import Path
from typing import Any

from pivotrl.errors import SandboxError
from pivotrl.optional import require
from pivotrl.sandboxes.agent_sandbox import AGENT_COMMAND, AGENT_MOUNT, AgentSandbox, agent_dir
from pivotrl.sandboxes.backends import BackendChoice
from pivotrl.sandboxes.base import SANDBOX_UID, WORKDIR, Limits, Sandbox
from pivotrl.sandboxes.cgroups import owner_alive, owner_tag
from pivotrl.sandboxes.channel import AgentChannel
from pivotrl.sandboxes.etc import HOSTNAME, etc_dir
from pivotrl.sandboxes.image import cache_dir

logger = logging.getLogger(__name__)
LABEL = "pivotrl.sandbox"
#: The agent's capabilities: empty what a check left whatever its modes (DAC_OVERRIDE, FOWNER),
#: give the work dir back to the sandbox user (CHOWN), kill leftovers (KILL), become the
#: sandbox user (SETUID, SETGID).
AGENT_CAPABILITIES = ["CHOWN", "DAC_OVERRIDE", "FOWNER", "KILL", "SETUID", "SETGID"]


def boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return "unknown"


def owner_labels() -> dict[str, str]:
    """Who made a container: host, boot, process (pid and start time), so gc can tell dead runs."""
    return {LABEL: "1", f"{LABEL}.owner": str(os.getpid()), f"{LABEL}.owner_tag": owner_tag(),
            f"{LABEL}.host": socket.gethostname(), f"{LABEL}.boot": boot_id()}


def docker_client(timeout: int = 30) -> Any:
    """A docker SDK client, or SandboxError saying why not."""
    docker = require("docker", "docker", "the Docker backend", error=SandboxError)
    try:
        client = docker.from_env(timeout=timeout)
        client.ping()
    except Exception as exc:  # the SDK raises several unrelated types for "no daemon"
        raise SandboxError(f"no Docker daemon answers ({type(exc).__name__}: {exc})") from None
    return client


class _Demux:
    """Reads Docker's multiplexed attach stream (8-byte frame headers) and yields stdout."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._raw = bytearray()

    def _fill(self, n: int, timeout: float) -> bool:
        while len(self._raw) < n:
            ready, _, _ = select.select([self._sock], [], [], timeout)
            if not ready:
                raise TimeoutError
            chunk = self._sock.recv(1 << 20)
            if not chunk:
                return False
            self._raw.extend(chunk)
        return True

    def read(self, size: int, timeout: float) -> bytes:
        while True:
            if not self._fill(8, timeout):
                return b""
            stream, length = self._raw[0], struct.unpack(">I", bytes(self._raw[4:8]))[0]
            if not self._fill(8 + length, timeout):
                return b""
            payload = bytes(self._raw[8 : 8 + length])
            del self._raw[: 8 + length]
            if stream == 1 and payload:  # stdout; stderr frames are dropped
                return payload


class DockerSandbox(AgentSandbox):
    backend = "docker"

    def __init__(self, image: str, state_dir: os.PathLike[str] | str, limits: Limits | None = None,
                 client: Any = None, seccomp: bytes | None = None, labels: dict[str, str] | None = None) -> None:
        super().__init__(limits)
        self._client = client or docker_client()
        limits = self.limits
        api = self._client.api
        uid = SANDBOX_UID
        try:
            host_config = api.create_host_config(
                auto_remove=True,
                network_mode="none",
                cap_drop=["ALL"],
                cap_add=AGENT_CAPABILITIES,
                security_opt=["no-new-privileges"],
                read_only=True,
                tmpfs={WORKDIR: f"uid={uid},gid={uid},mode=0755,exec,size={limits.work_bytes},"
                                f"nr_inodes={limits.work_inodes}",
                       "/tmp": f"mode=1777,exec,size={limits.tmp_bytes},nr_inodes={limits.work_inodes}"},
                shm_size=limits.shm_bytes,
                # shared memory no process holds goes at once; the agent removes the rest per check
                sysctls={"kernel.shm_rmid_forced": "1"},
                mem_limit=limits.sandbox_memory,
                memswap_limit=limits.sandbox_memory,
                pids_limit=limits.sandbox_processes,
                nano_cpus=int(limits.cpus * 1e9),
                binds={str(agent_dir(cache_dir(), None)): {"bind": AGENT_MOUNT, "mode": "ro"},
                       str(state_dir): {"bind": "/state", "mode": "ro"},
                       str(etc_dir(cache_dir()) / "resolv.conf"): {"bind": "/etc/resolv.conf", "mode": "ro"}},
            )
            config = api.create_container_config(
                image,
                AGENT_COMMAND,
                stdin_open=True,
                user="0:0",
                hostname=HOSTNAME,
                working_dir="/",
                network_disabled=True,
                labels={**owner_labels(), **(labels or {})},
                host_config=host_config,
            )
            # The SDK has no parameter for it: when our end of the stream closes (a crash
            # included), the agent reads EOF and exits, and auto_remove deletes the container.
            config["StdinOnce"] = True
            created = api.create_container_from_config(config)
            self._container = self._client.containers.get(created["Id"])
        except Exception as exc:
            raise SandboxError(f"cannot create a sandbox container from {image!r}: {exc}") from None
        try:
            attached = self._container.attach_socket(params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1})
            self._sock: socket.socket = attached._sock
            self._container.start()
            demux = _Demux(self._sock)
            self._connect(AgentChannel(self._sock.sendall, demux.read), seccomp)
        except Exception as exc:
            self.close()
            raise SandboxError(f"docker sandbox did not start: {exc}") from None

    def _alive(self) -> bool:
        return True  # a failed call closes the sandbox; no API round trip per check

    def _teardown(self) -> None:
        # Remove first: the stream's EOF wakes any thread still waiting on this sandbox.
        # Already gone (auto_remove) or the daemon is down: gc() catches the rest.
        with contextlib.suppress(Exception):
            self._container.remove(force=True)
        with contextlib.suppress(Exception):
            self._sock.shutdown(socket.SHUT_RDWR)
            self._sock.close()


def belongs_to_dead_run(labels: dict[str, str]) -> bool:
    """Whether a container's owner is gone: made on this host, and its process (pid and start
    time) is not running or the machine rebooted since. Another host's containers are never ours
    to judge."""
    if labels.get(f"{LABEL}.host", socket.gethostname()) != socket.gethostname():
        return False
    if labels.get(f"{LABEL}.boot", boot_id()) != boot_id():
        return True
    tag = labels.get(f"{LABEL}.owner_tag")
    if tag:
        return not owner_alive(tag)
    pid = labels.get(f"{LABEL}.owner", "")
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def gc(client: Any = None, labels: dict[str, str] | None = None) -> int:
    """Remove the sandbox containers of runs that are no longer alive (``labels``: only those
    that carry these labels too); returns the count. Live runs' containers are left alone."""
    client = client or docker_client()
    wanted = [LABEL] + [f"{k}={v}" for k, v in (labels or {}).items()]
    removed = 0
    for container in client.containers.list(all=True, filters={"label": wanted}):
        if not belongs_to_dead_run(container.labels or {}):
            continue
        try:
            container.remove(force=True)
            removed += 1
        except Exception:
            logger.info("could not remove the sandbox container %s", container.short_id, exc_info=True)
    return removed


def choose(build: bool) -> BackendChoice:
    """The Docker backend, if a daemon answers and the sandbox image is there (built when
    ``build`` and missing). Checks scale to the core count (benchmarks/sandbox_throughput)."""
    from pivotrl.sandboxes.image import build_rootfs, ensure_image, image_tag, rootfs_path
    from pivotrl.sandboxes.isolation import docker_report
    from pivotrl.sandboxes.seccomp import command_filter, seccomp_available

    client = docker_client()
    try:
        client.images.get(image_tag())
        image, rootfs = image_tag(), rootfs_path()
    except Exception:
        if not build:
            raise SandboxError(f"the sandbox image {image_tag()} is missing; run `pivotrl sandbox build`") from None
        rootfs, _ = build_rootfs()
        image, _ = ensure_image(client, rootfs)

    seccomp = command_filter() if seccomp_available()[0] else None

    def factory(state_dir: Path, limits: Limits) -> Sandbox:
        return DockerSandbox(image, state_dir, limits, client=client, seccomp=seccomp)

    # the agent is the container's root: the state objects need no other reader
    return BackendChoice("docker", f"a Docker daemon answers; image {image}", factory, rootfs, docker_report(client),
                         owner_uid=None, concurrency=os.cpu_count() or 2)


def collect() -> tuple[int, str]:
    """``pivotrl sandbox gc``'s part for Docker: the containers of dead runs."""
    return gc(), "leftover sandbox container(s)"
