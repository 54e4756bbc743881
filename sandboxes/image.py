"""The sandbox root file system and Docker image, built locally with no registry:
``debootstrap --variant=minbase`` plus the few packages the shipped tasks need, trimmed,
given the mount points the sandboxes use, and imported with ``docker import``. Both are
cached and reused: the bubblewrap backend mounts the same directory."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pivotrl.errors import SandboxError

logger = logging.getLogger(__name__)

SUITE = "bookworm"
MIRROR = os.environ.get("PIVOTRL_DEBIAN_MIRROR", "http://deb.debian.org/debian")
PACKAGES = ("python3", "python3-pytest", "findutils", "grep", "sed", "gawk", "coreutils", "tar", "gzip",
            "diffutils", "procps", "bzip2", "xz-utils")
MOUNTPOINTS = ("work", "state", "opt/pivotrl", "tmp")
TRIM = ("var/cache/apt/archives", "var/lib/apt/lists", "usr/share/doc", "usr/share/man", "usr/share/info",
        "usr/share/locale")
IMAGE_REPOSITORY = "pivotrl/sandbox"


def cache_dir() -> Path:
    """``$PIVOTRL_CACHE``, else /var/cache/pivotrl for root (the unprivileged sandbox user
    must be able to traverse it), else ``~/.cache/pivotrl``."""
    if os.environ.get("PIVOTRL_CACHE"):
        return Path(os.environ["PIVOTRL_CACHE"])
    if os.geteuid() == 0:
        return Path("/var/cache/pivotrl")
    return Path(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")) / "pivotrl"


def rootfs_id() -> str:
    """Identifies the root file system recipe: suite and package set."""
    recipe = f"{SUITE}|{','.join(sorted(PACKAGES))}|{','.join(MOUNTPOINTS)}|v1"
    return hashlib.sha256(recipe.encode()).hexdigest()[:12]


def rootfs_path() -> Path:
    return cache_dir() / "rootfs" / f"{SUITE}-{rootfs_id()}"


def image_tag() -> str:
    return f"{IMAGE_REPOSITORY}:{SUITE}-{rootfs_id()}"


@dataclass(frozen=True)
class BuildReport:
    rootfs: Path
    image: str | None
    built_rootfs: bool
    built_image: bool


def build_rootfs(*, force: bool = False) -> tuple[Path, bool]:
    """The cached root file system, built with debootstrap when missing (needs root)."""
    target = rootfs_path()
    if (target / ".pivotrl-complete").exists() and not force:
        return target, False
    if os.geteuid() != 0:
        raise SandboxError("building the sandbox root file system needs root (debootstrap); "
                           f"run `sudo pivotrl sandbox build` or set PIVOTRL_CACHE to a prepared cache ({target})")
    if not shutil.which("debootstrap"):
        raise SandboxError("debootstrap is not installed (apt-get install debootstrap)")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.parent.chmod(0o755)
    target.parent.parent.chmod(0o755)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        cmd = ["debootstrap", "--variant=minbase", f"--include={','.join(PACKAGES)}", SUITE, str(staging), MIRROR]
        logger.info("building the sandbox root file system: %s", " ".join(cmd))
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise SandboxError(f"debootstrap failed ({proc.returncode}): {proc.stderr[-2000:] or proc.stdout[-2000:]}")
        for rel in TRIM:
            shutil.rmtree(staging / rel, ignore_errors=True)
        for rel in MOUNTPOINTS:
            (staging / rel).mkdir(parents=True, exist_ok=True)
        (staging / "tmp").chmod(0o1777)
        (staging / ".pivotrl-complete").write_text(rootfs_id() + "\n")
        if target.exists():
            shutil.rmtree(target)
        staging.chmod(0o755)
        staging.rename(target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return target, True


def ensure_image(client: Any, rootfs: Path, *, force: bool = False) -> tuple[str, bool]:
    """The Docker image made from ``rootfs`` by ``docker import``; reused when present."""
    tag = image_tag()
    if not force:
        try:
            client.images.get(tag)
            return tag, False
        except Exception:
            pass
    with tempfile.TemporaryDirectory(dir=cache_dir()) as tmp:
        archive = Path(tmp) / "rootfs.tar"
        with tarfile.open(archive, "w") as tar:
            for entry in sorted(os.listdir(rootfs)):
                tar.add(rootfs / entry, arcname=entry)
        repository, _, version = tag.partition(":")
        client.api.import_image(src=str(archive), repository=repository, tag=version)
    client.images.get(tag)
    return tag, True


def build(*, docker: bool = True, force: bool = False) -> BuildReport:
    rootfs, built_rootfs = build_rootfs(force=force)
    image, built_image = None, False
    if docker:
        from pivotrl.sandboxes.docker_backend import docker_client

        image, built_image = ensure_image(docker_client(), rootfs, force=force or built_rootfs)
    return BuildReport(rootfs, image, built_rootfs, built_image)
