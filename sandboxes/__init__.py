"""Sandboxes for executing untrusted actions: a Sandbox protocol with a registry of backends
(Docker and bubblewrap built in), cached pivot states and a warm pool. Imports nothing of
pivotrl's layers above it (only ``pivotrl.errors`` and the generic ``pivotrl.registry``)."""

from pivotrl.sandboxes.backends import BackendChoice, register_backend
from pivotrl.sandboxes.base import CheckResult, ExecResult, Limits, Sandbox, Step
from pivotrl.sandboxes.choose import choose_backend
from pivotrl.sandboxes.runtime import Runtime, get_runtime
from pivotrl.sandboxes.state import StateSpec

__all__ = ["BackendChoice", "CheckResult", "ExecResult", "Limits", "Runtime", "Sandbox", "StateSpec", "Step", "choose_backend",
           "get_runtime", "register_backend"]
