"""Pick a backend: ``auto`` takes the first of Docker and bubblewrap that works here and
whose isolation fully holds (whole-sandbox limits, seccomp), else the first that works, with
what does not hold in its reason; the choice and the reason are reported, never silent."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pivotrl.errors import SandboxError
from pivotrl.sandboxes.base import Limits, Sandbox
from pivotrl.sandboxes.isolation import IsolationReport

logger = logging.getLogger(__name__)
BACKENDS = ("auto", "docker", "bwrap")


@dataclass(frozen=True)
class BackendChoice:
    name: str
    reason: str
    factory: Callable[[Path, Limits], Sandbox]  # (state dir, limits) -> a started sandbox
    rootfs: Path
    isolation: IsolationReport | None = None


def _docker_choice(build: bool) -> BackendChoice:
    from pivotrl.sandboxes.docker_backend import DockerSandbox, docker_client
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

    return BackendChoice("docker", f"a Docker daemon answers; image {image}", factory, rootfs, docker_report(client))


def _bwrap_choice(build: bool) -> BackendChoice:
    from pivotrl.sandboxes.bwrap_backend import BwrapSandbox, bwrap_available
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

    return BackendChoice("bwrap", f"bubblewrap at {detail}; root file system {rootfs}", factory, rootfs,
                         bwrap_report())


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
    working: list[BackendChoice] = []
    for option in (_docker_choice, _bwrap_choice):
        try:
            choice = option(build)
        except SandboxError as exc:
            problems.append(str(exc))
            continue
        if choice.isolation is None or choice.isolation.safe:
            reason = choice.reason + (f" (passed over: {'; '.join(problems)})" if problems else "")
            logger.info("sandbox backend: %s (%s)", choice.name, reason)
            return BackendChoice(choice.name, reason, choice.factory, choice.rootfs, choice.isolation)
        gaps = "; ".join(choice.isolation.gaps())
        problems.append(f"{choice.name}'s isolation does not fully hold here ({gaps})")
        working.append(choice)
    if working:
        choice = working[0]
        reason = f"{choice.reason}; WARNING: {'; '.join(problems)}"
        logger.warning("sandbox backend: %s, with weaker isolation: %s", choice.name, reason)
        return BackendChoice(choice.name, reason, choice.factory, choice.rootfs, choice.isolation)
    raise SandboxError("no sandbox backend works here: " + "; ".join(problems))


def describe(choice: BackendChoice) -> dict[str, Any]:
    return {"backend": choice.name, "reason": choice.reason, "rootfs": str(choice.rootfs),
            "isolation": choice.isolation.to_dict() if choice.isolation else None}
