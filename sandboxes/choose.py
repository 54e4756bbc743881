"""Pick a backend: ``auto`` takes Docker whenever a daemon answers and its image can be
had, else bubblewrap; the choice and the reason are reported, never silent."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pivotrl.errors import SandboxError
from pivotrl.sandboxes.base import Limits, Sandbox

logger = logging.getLogger(__name__)
BACKENDS = ("auto", "docker", "bwrap")


@dataclass(frozen=True)
class BackendChoice:
    name: str
    reason: str
    factory: Callable[[Path, Limits], Sandbox]  # (state dir, limits) -> a started sandbox
    rootfs: Path


def _docker_choice(build: bool) -> BackendChoice:
    from pivotrl.sandboxes.docker_backend import DockerSandbox, docker_client
    from pivotrl.sandboxes.image import build_rootfs, ensure_image, image_tag, rootfs_path

    client = docker_client()
    try:
        client.images.get(image_tag())
        image, rootfs = image_tag(), rootfs_path()
    except Exception:
        if not build:
            raise SandboxError(f"the sandbox image {image_tag()} is missing; run `pivotrl sandbox build`") from None
        rootfs, _ = build_rootfs()
        image, _ = ensure_image(client, rootfs)

    def factory(state_dir: Path, limits: Limits) -> Sandbox:
        return DockerSandbox(image, state_dir, limits, client=client)

    return BackendChoice("docker", f"a Docker daemon answers; image {image}", factory, rootfs)


def _bwrap_choice(build: bool) -> BackendChoice:
    from pivotrl.sandboxes.bwrap_backend import BwrapSandbox, bwrap_available
    from pivotrl.sandboxes.image import build_rootfs, rootfs_path

    ok, detail = bwrap_available()
    if not ok:
        raise SandboxError(detail)
    rootfs = rootfs_path()
    if not (rootfs / ".pivotrl-complete").exists():
        if not build:
            raise SandboxError(f"the sandbox root file system {rootfs} is missing; run `pivotrl sandbox build`")
        rootfs, _ = build_rootfs()

    def factory(state_dir: Path, limits: Limits) -> Sandbox:
        return BwrapSandbox(rootfs, state_dir, limits)

    return BackendChoice("bwrap", f"bubblewrap at {detail}; root file system {rootfs}", factory, rootfs)


def choose_backend(name: str = "auto", *, build: bool = True) -> BackendChoice:
    """Resolve ``auto`` | ``docker`` | ``bwrap`` to a working backend, or SandboxError that
    says what is missing for each."""
    if name not in BACKENDS:
        raise SandboxError(f"unknown sandbox backend {name!r}; choose one of {', '.join(BACKENDS)}")
    if name == "docker":
        return _docker_choice(build)
    if name == "bwrap":
        return _bwrap_choice(build)
    problems: list[str] = []
    for option in (_docker_choice, _bwrap_choice):
        try:
            choice = option(build)
        except SandboxError as exc:
            problems.append(str(exc))
            continue
        reason = choice.reason + (f" (docker unavailable: {problems[0]})" if problems else "")
        logger.info("sandbox backend: %s (%s)", choice.name, reason)
        return BackendChoice(choice.name, reason, choice.factory, choice.rootfs)
    raise SandboxError("no sandbox backend works here: " + "; ".join(problems))


def describe(choice: BackendChoice) -> dict[str, Any]:
    return {"backend": choice.name, "reason": choice.reason, "rootfs": str(choice.rootfs)}
