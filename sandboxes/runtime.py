"""One sandbox runtime per backend and process: the chosen backend, its warm pool and its
state cache, shared by every verifier and environment that asks for that backend."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from pivotrl.sandboxes.base import CheckResult, Limits, Step
from pivotrl.sandboxes.choose import BackendChoice, choose_backend
from pivotrl.sandboxes.image import cache_dir, rootfs_id
from pivotrl.sandboxes.pool import WarmPool
from pivotrl.sandboxes.state import StateCache, StateSpec


@dataclass
class Runtime:
    choice: BackendChoice
    pool: WarmPool
    states: StateCache

    def state_key(self, spec: StateSpec, limits: Limits) -> str:
        return self.states.get(spec, self.pool, limits)

    def check_state(self, key: str, steps: list[Step], limits: Limits) -> CheckResult:
        """One check from snapshot ``key`` on any warm sandbox: they all mount every snapshot."""
        return self.pool.check(self.states.root, steps, limits, state=key)

    def check(self, spec: StateSpec, steps: list[Step], limits: Limits) -> CheckResult:
        return self.check_state(self.state_key(spec, limits), steps, limits)


_runtimes: dict[str, Runtime] = {}
_lock = threading.Lock()


def get_runtime(backend: str = "auto", *, max_idle: int = 8) -> Runtime:
    with _lock:
        if backend not in _runtimes:
            choice = choose_backend(backend)
            # Docker maps the sandbox user to host uid 1000; bubblewrap to host_uid().
            from pivotrl.sandboxes.bwrap_backend import host_uid

            owner = 1000 if choice.name == "docker" else host_uid()
            runtime = Runtime(choice, WarmPool(choice.factory, max_idle=max_idle),
                              StateCache(cache_dir() / "states" / choice.name, rootfs_id(), owner_uid=owner))
            _runtimes[backend] = _runtimes[choice.name] = runtime
        return _runtimes[backend]
