"""One sandbox runtime per backend and process: the chosen backend, its warm pool and its
state cache, shared by every verifier and environment that asks for that backend. Users
``acquire`` it and ``release`` it when they close; the last release stops the warm sandboxes."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from pivotrl.sandboxes.backends import BackendChoice
from pivotrl.sandboxes.base import CheckResult, Limits, Step
from pivotrl.sandboxes.choose import choose_backend
from pivotrl.sandboxes.image import cache_dir, rootfs_id
from pivotrl.sandboxes.pool import WarmPool
from pivotrl.sandboxes.state import StateCache, StateSpec


@dataclass
class Runtime:
    choice: BackendChoice
    pool: WarmPool
    states: StateCache
    users: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def state_key(self, spec: StateSpec, limits: Limits) -> str:
        return self.states.get(spec, self.pool, limits)

    def check_state(self, key: str, steps: list[Step], limits: Limits) -> CheckResult:
        """One check from state ``key`` on any warm sandbox: they all mount every state."""
        return self.pool.check(self.states.mount_dir, steps, limits, state=key)

    def check(self, spec: StateSpec, steps: list[Step], limits: Limits) -> CheckResult:
        return self.check_state(self.state_key(spec, limits), steps, limits)

    def acquire(self) -> None:
        with self._lock:
            self.users += 1

    def release(self) -> None:
        """One user is done; when none is left, the warm sandboxes are stopped (a later check
        starts new ones)."""
        with self._lock:
            self.users = max(0, self.users - 1)
            last = self.users == 0
        if last:
            self.pool.close()


_runtimes: dict[str, Runtime] = {}
_lock = threading.Lock()


def get_runtime(backend: str = "auto", *, max_idle: int = 8) -> Runtime:
    with _lock:
        if backend not in _runtimes:
            choice = choose_backend(backend)
            runtime = Runtime(choice, WarmPool(choice.factory, max_idle=max_idle),
                              StateCache(cache_dir() / "snapshots" / choice.name, rootfs_id(),
                                         owner_uid=choice.owner_uid))
            _runtimes[backend] = _runtimes[choice.name] = runtime
        return _runtimes[backend]
