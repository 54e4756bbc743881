"""Sandboxes for executing untrusted actions: a Sandbox protocol with Docker and
bubblewrap backends, cached pivot states and a warm pool. Imports nothing of pivotrl's
layers above it (only ``pivotrl.errors``)."""

from pivotrl.sandboxes.base import CheckResult, ExecResult, Limits, Sandbox, Step
from pivotrl.sandboxes.choose import choose_backend
from pivotrl.sandboxes.runtime import Runtime, get_runtime
from pivotrl.sandboxes.state import StateSpec

__all__ = ["CheckResult", "ExecResult", "Limits", "Runtime", "Sandbox", "StateSpec", "Step", "choose_backend",
           "get_runtime"]
