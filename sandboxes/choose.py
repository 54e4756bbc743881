"""Pick a backend: ``auto`` takes the first registered backend (in auto's order: Docker, then
bubblewrap) that works here and whose isolation fully holds (whole-sandbox limits, seccomp),
else the first that works, with what does not hold in its reason; the choice and the reason are
reported, never silent."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from pivotrl.errors import SandboxError, UnknownNameError
from pivotrl.sandboxes.backends import BackendChoice, auto_order, backend_names, get_backend

logger = logging.getLogger(__name__)

__all__ = ["BackendChoice", "choose_backend", "describe"]


def choose_backend(name: str = "auto", *, build: bool = True) -> BackendChoice:
    """Resolve ``auto`` or a registered backend's name to a working backend, or SandboxError
    that says what is missing for each."""
    if name != "auto":
        try:
            backend = get_backend(name)
        except UnknownNameError:
            raise SandboxError(f"unknown sandbox backend {name!r}; choose one of "
                               f"{', '.join(['auto', *backend_names()])}") from None
        return backend.choose(build)
    problems: list[str] = []
    working: list[BackendChoice] = []
    for backend in auto_order():
        try:
            choice = backend.choose(build)
        except SandboxError as exc:
            problems.append(str(exc))
            continue
        if choice.isolation is None or choice.isolation.safe:
            reason = choice.reason + (f" (passed over: {'; '.join(problems)})" if problems else "")
            logger.info("sandbox backend: %s (%s)", choice.name, reason)
            return replace(choice, reason=reason)
        gaps = "; ".join(choice.isolation.gaps())
        problems.append(f"{choice.name}'s isolation does not fully hold here ({gaps})")
        working.append(choice)
    if working:
        choice = working[0]
        reason = f"{choice.reason}; WARNING: {'; '.join(problems)}"
        logger.warning("sandbox backend: %s, with weaker isolation: %s", choice.name, reason)
        return replace(choice, reason=reason)
    raise SandboxError("no sandbox backend works here: " + "; ".join(problems))


def describe(choice: BackendChoice) -> dict[str, Any]:
    return {"backend": choice.name, "reason": choice.reason, "rootfs": str(choice.rootfs),
            "isolation": choice.isolation.to_dict() if choice.isolation else None}
