"""The sandbox backend registry: each backend is one entry naming its chooser (a function that
checks the backend works here and returns what callers need), where ``auto`` tries it, and how
``pivotrl sandbox gc`` cleans up after it. A new backend is its own module plus one
``register_backend`` line; nothing else names backends."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pivotrl.registry import Registry, import_object
from pivotrl.sandboxes.base import Limits, Sandbox
from pivotrl.sandboxes.isolation import IsolationReport


@dataclass(frozen=True)
class BackendChoice:
    """A backend that works here, with what its callers need to use it."""

    name: str
    reason: str
    factory: Callable[[Path, Limits], Sandbox]  # (state dir, limits) -> a started sandbox
    rootfs: Path
    isolation: IsolationReport | None = None
    #: the host uid that must read the state objects (bubblewrap's sandbox user); None: only ours
    owner_uid: int | None = None
    #: checks at once in a verifier's batch path unless it is configured otherwise (measured per
    #: backend in benchmarks/sandbox_throughput)
    concurrency: int = 1


#: (build) -> BackendChoice, or SandboxError saying what is missing; ``build`` allows building
#: the root file system or image when absent
Chooser = Callable[[bool], BackendChoice]
#: removes what sandboxes of dead runs left behind; returns (count, what was removed)
Collector = Callable[[], tuple[int, str]]


@dataclass(frozen=True)
class SandboxBackend:
    """A registered backend. ``chooser`` and ``gc`` may be ``"module:function"`` strings, so a
    registration imports nothing (the Docker SDK stays unimported until Docker is asked for).
    ``auto_rank``: ``auto`` tries backends from the lowest rank up; None leaves it out of auto."""

    name: str
    chooser: Chooser | str
    auto_rank: int | None = None
    gc: Collector | str | None = None

    def choose(self, build: bool) -> BackendChoice:
        chooser = import_object(self.chooser) if isinstance(self.chooser, str) else self.chooser
        return chooser(build)  # type: ignore[operator]

    def collector(self) -> Collector | None:
        return import_object(self.gc) if isinstance(self.gc, str) else self.gc  # type: ignore[return-value]


SANDBOX_BACKENDS: Registry[SandboxBackend] = Registry("sandbox backend", entry_point_group="pivotrl.sandbox_backends")


def register_backend(name: str, chooser: Chooser | str, *, auto_rank: int | None = None,
                     gc: Collector | str | None = None, override: bool = False) -> SandboxBackend:
    """Add a backend under ``name`` (``auto`` is reserved: it picks among the others)."""
    if name == "auto":
        raise ValueError("'auto' is not a backend name: it chooses among the registered backends")
    entry = SandboxBackend(name, chooser, auto_rank, gc)
    SANDBOX_BACKENDS.register(name, entry, override=override)
    return entry


def get_backend(name: str) -> SandboxBackend:
    entry = SANDBOX_BACKENDS.get(name)
    if not isinstance(entry, SandboxBackend):  # an entry point names a SandboxBackend object
        raise TypeError(f"sandbox backend {name!r} is registered as {entry!r}, not a SandboxBackend")
    return entry


def backend_names() -> list[str]:
    """Every registered backend, those ``auto`` tries first (in its order), then the rest by name."""
    entries = [get_backend(name) for name in SANDBOX_BACKENDS.names()]
    ranked = sorted((e for e in entries if e.auto_rank is not None), key=lambda e: (e.auto_rank, e.name))
    return [e.name for e in ranked] + [e.name for e in entries if e.auto_rank is None]


def auto_order() -> list[SandboxBackend]:
    """The backends ``auto`` tries, in order."""
    return [get_backend(name) for name in backend_names() if get_backend(name).auto_rank is not None]


# The built-in backends: Docker first (the default), bubblewrap where no daemon answers.
register_backend("docker", "pivotrl.sandboxes.docker_backend:choose", auto_rank=10,
                 gc="pivotrl.sandboxes.docker_backend:collect")
register_backend("bwrap", "pivotrl.sandboxes.bwrap_backend:choose", auto_rank=20,
                 gc="pivotrl.sandboxes.bwrap_backend:collect")
