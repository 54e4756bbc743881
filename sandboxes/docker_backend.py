"""Docker backend: one container per warm sandbox, the agent as PID 1, talking over the
container's attached stdin/stdout. Containers are labelled, auto-removed when the agent
exits (it exits when our end of the stream closes, also when this process dies), and
force-removed on close; ``gc()`` removes leftovers of a crashed run."""

from __future__ import annotations

import contextlib
import os
import select
import socket
import struct
from typing import Any

from pivotrl.errors import SandboxError
from pivotrl.sandboxes.agent_sandbox import AGENT_COMMAND, AGENT_MOUNT, AgentSandbox, agent_dir
from pivotrl.sandboxes.base import WORKDIR, Limits
from pivotrl.sandboxes.channel import AgentChannel

LABEL = "pivotrl.sandbox"
SANDBOX_USER = "1000:1000"


def docker_client(timeout: int = 30) -> Any:
    """A docker SDK client, or SandboxError saying why not."""
    try:
        import docker
    except ImportError:
        raise SandboxError("the docker SDK is not installed: pip install 'pivotrl[docker]'") from None
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
                 client: Any = None) -> None:
        super().__init__(limits)
        self._client = client or docker_client()
        limits = self.limits
        api = self._client.api
        try:
            host_config = api.create_host_config(
                auto_remove=True,
                network_mode="none",
                cap_drop=["ALL"],
                security_opt=["no-new-privileges"],
                read_only=True,
                tmpfs={WORKDIR: f"uid=1000,gid=1000,mode=0755,exec,size={limits.work_bytes}",
                       "/tmp": "uid=1000,gid=1000,mode=1777,size=64m"},
                mem_limit=limits.memory_bytes * 2,
                memswap_limit=limits.memory_bytes * 2,
                pids_limit=limits.max_processes * 2,
                nano_cpus=int(limits.cpus * 1e9),
                binds={str(agent_dir()): {"bind": AGENT_MOUNT, "mode": "ro"},
                       str(state_dir): {"bind": "/state", "mode": "ro"}},
            )
            config = api.create_container_config(
                image,
                AGENT_COMMAND,
                stdin_open=True,
                user=SANDBOX_USER,
                working_dir=WORKDIR,
                network_disabled=True,
                labels={LABEL: "1", f"{LABEL}.owner": str(os.getpid())},
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
            self._connect(AgentChannel(self._sock.sendall, demux.read))
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


def gc(client: Any = None) -> int:
    """Remove every pivotrl sandbox container (left by a crashed run); returns the count."""
    client = client or docker_client()
    removed = 0
    for container in client.containers.list(all=True, filters={"label": LABEL}):
        try:
            container.remove(force=True)
            removed += 1
        except Exception:
            pass
    return removed
