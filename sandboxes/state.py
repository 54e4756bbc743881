"""Pivot states as cached, content-addressed work-dir archives.

A state is the work dir after writing the env's files, running its setup commands and
replaying the trajectory's earlier tool calls. It is built once and stored as ``objects/<sha256>.tar``, named by the
hash of its bytes; ``keys/<spec key>.json`` records which object a spec (files, setup,
replayed steps, root file system) built. Builds run in sandboxes kept for builds (no action
ever runs in one). An object is used only after its bytes hash to its name (once per process);
one that does not is rebuilt, never used. The host never unpacks a
state: the sandbox's agent restores it into each check's fresh work dir, links, modes, empty
folders and FIFOs as they were (entries that cannot be kept are refused when building, with the
reason). Only the objects folder is mounted into sandboxes, and closed to the sandbox user.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pivotrl.errors import SandboxError
from pivotrl.sandboxes.base import Limits, Step
from pivotrl.sandboxes.pool import WarmPool

logger = logging.getLogger(__name__)
FORMAT = "tar-v2"


@dataclass(frozen=True)
class StateSpec:
    """Everything that determines a pivot state."""

    files: Mapping[str, str] = field(default_factory=dict)
    setup: Sequence[str] = ()
    replay: Sequence[Step] = ()

    def key(self, rootfs_id: str) -> str:
        blob = json.dumps({
            "format": FORMAT,
            "rootfs": rootfs_id,
            "files": sorted(self.files.items()),
            "setup": list(self.setup),
            "replay": [s.request() for s in self.replay],
        }, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()[:24]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class StateCache:
    """Builds and caches states under ``root``; thread-safe, one build per key at a time.

    ``owner_uid`` is the host uid that must read the objects (bubblewrap's); None: only this
    process's user (Docker's agent is the container's root)."""

    def __init__(self, root: Path, rootfs_id: str, owner_uid: int | None = None) -> None:
        self.root = Path(root)
        self.rootfs_id = rootfs_id
        self.owner_uid = owner_uid
        self.objects = self.root / "objects"
        self.keys = self.root / "keys"
        for folder in (self.root, self.objects, self.keys):
            folder.mkdir(parents=True, exist_ok=True)
            folder.chmod(0o700)
        if owner_uid is not None and os.geteuid() == 0:
            os.chown(self.objects, owner_uid, owner_uid)
            self.root.chmod(0o711)  # the owner may pass through to the objects, not list the keys
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self._verified: set[str] = set()
        self.builds = 0

    @property
    def mount_dir(self) -> Path:
        """The folder sandboxes mount (at /state): the objects, nothing else."""
        return self.objects

    def get(self, spec: StateSpec, builders: WarmPool, limits: Limits) -> str:
        """The object name (sha256) of ``spec``'s state, built if missing or corrupt."""
        key = spec.key(self.rootfs_id)
        found = self._load(key)
        if found:
            return found
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            return self._load(key) or self._build(key, spec, builders, limits)

    def _load(self, key: str) -> str | None:
        record = self.keys / f"{key}.json"
        try:
            name = json.loads(record.read_text())["object"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if name in self._verified:
            return name
        path = self.objects / f"{name}.tar"
        try:
            actual = file_sha256(path)
        except OSError:
            return None
        if actual != name:
            logger.warning("state %s: object %s does not hash to its name (it hashes to %s); rebuilding it",
                           key, name, actual[:16])
            path.unlink(missing_ok=True)
            return None
        with self._guard:
            self._verified.add(name)
        return name

    def _build(self, key: str, spec: StateSpec, builders: WarmPool, limits: Limits) -> str:
        steps = [Step.shell(c) for c in spec.setup] + list(spec.replay)
        with builders.builder(self.mount_dir) as builder:
            results, archive = builder.build_state(dict(spec.files), steps, limits)
        # strict=False: results also hold the replayed steps after the setup commands; only setup is checked here
        failed = [(c, r) for c, r in zip(spec.setup, results, strict=False) if r.exit_code != 0]
        if failed:
            command, res = failed[0]
            raise SandboxError(f"setup command {command!r} failed with exit {res.exit_code}: "
                               f"{(res.stderr or res.stdout)[-500:]}")
        name = hashlib.sha256(archive).hexdigest()
        self._write(self.objects / f"{name}.tar", archive, owner=self.owner_uid)
        self._write(self.keys / f"{key}.json", json.dumps({"object": name, "format": FORMAT, "steps": len(steps),
                                                          "bytes": len(archive)}).encode(), owner=None)
        with self._guard:
            self._verified.add(name)
        self.builds += 1
        return name

    @staticmethod
    def _write(path: Path, data: bytes, owner: int | None) -> None:
        staging = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
        try:
            staging.write_bytes(data)
            staging.chmod(0o400)
            if owner is not None and os.geteuid() == 0:
                os.chown(staging, owner, owner)
            staging.replace(path)
        finally:
            staging.unlink(missing_ok=True)
