"""Pivot states as cached work-dir snapshots.

A state is the work dir after writing the env's files, running its setup commands and
replaying the trajectory's earlier tool calls. It is built once in a sandbox, exported,
and stored under a content hash (files, setup, replayed steps, root file system), so K
checks at one pivot, and every later run, reuse it. With a read-only root, the work dir is
the only state a command can change, so the snapshot is a directory, shared by both
backends and mounted read-only at ``/state``.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import shutil
import tarfile
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pivotrl.errors import SandboxError
from pivotrl.sandboxes.base import Limits, Step
from pivotrl.sandboxes.pool import WarmPool

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StateSpec:
    """Everything that determines a pivot state."""

    files: Mapping[str, str] = field(default_factory=dict)
    setup: Sequence[str] = ()
    replay: Sequence[Step] = ()

    def key(self, rootfs_id: str) -> str:
        blob = json.dumps({
            "rootfs": rootfs_id,
            "files": sorted(self.files.items()),
            "setup": list(self.setup),
            "replay": [s.request() for s in self.replay],
        }, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()[:24]


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    safe = []
    for member in tar.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or member.isdev():
            continue
        if (member.issym() or member.islnk()) and (Path(member.linkname).is_absolute() or ".." in Path(member.linkname).parts):
            continue
        safe.append(member)
    return safe


def _chown_tree(root: Path, uid: int) -> None:
    os.lchown(root, uid, uid)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            os.lchown(os.path.join(dirpath, name), uid, uid)


class StateCache:
    """Builds and caches state snapshots under ``root/<key>``; thread-safe, one build per key."""

    def __init__(self, root: Path, rootfs_id: str, owner_uid: int | None = None) -> None:
        self.root = Path(root)
        self.rootfs_id = rootfs_id
        self.owner_uid = owner_uid  # the host uid the sandbox user maps to, to own the snapshot
        self.root.mkdir(parents=True, exist_ok=True)
        for folder in (self.root, self.root.parent):
            if folder.stat().st_uid == os.geteuid():
                folder.chmod(0o755)
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self.builds = 0

    def path_for(self, spec: StateSpec) -> Path:
        return self.root / spec.key(self.rootfs_id)

    def get(self, spec: StateSpec, builders: WarmPool, limits: Limits) -> str:
        """The key of ``spec``'s snapshot (``root/<key>/work``), built on a warm sandbox if missing."""
        key = spec.key(self.rootfs_id)
        target = self.root / key
        if (target / ".complete").exists():
            return key
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if not (target / ".complete").exists():
                self._build(spec, target, builders, limits)
            return key

    def _build(self, spec: StateSpec, target: Path, builders: WarmPool, limits: Limits) -> None:
        steps = [Step.shell(c) for c in spec.setup] + list(spec.replay)
        with builders.sandbox(self.root) as builder:
            results, archive = builder.build_state(dict(spec.files), steps, limits)
        failed = [(c, r) for c, r in zip(spec.setup, results) if r.exit_code != 0]
        if failed:
            command, res = failed[0]
            raise SandboxError(f"setup command {command!r} failed with exit {res.exit_code}: "
                               f"{(res.stderr or res.stdout)[-500:]}")
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=self.root))
        try:
            work = staging / "work"
            work.mkdir()
            with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
                tar.extractall(work, members=_safe_members(tar))
            work.chmod(0o755)
            if self.owner_uid is not None and os.geteuid() == 0:
                _chown_tree(work, self.owner_uid)
            (staging / ".complete").write_text(json.dumps({"steps": len(steps)}))
            if target.exists():
                shutil.rmtree(target)
            staging.chmod(0o755)
            staging.rename(target)
            self.builds += 1
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
