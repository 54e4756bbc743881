"""Sandbox fixtures: the real backends, skipped only where they cannot run at all."""

from __future__ import annotations

import json
import os

import pytest

from pivotrl.errors import SandboxError
from pivotrl.pivot_envs import Pivot

BACKENDS = ["docker", "bwrap"]


def require_backend(name: str) -> str:
    """``name`` if that backend runs here (built on first use; root needed for debootstrap);
    else the test is skipped, or fails in CI, where both backends must run."""
    from pivotrl.sandboxes.choose import choose_backend

    try:
        choose_backend(name, build=os.geteuid() == 0)
    except SandboxError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"sandbox backend {name} must run in CI: {exc}")
        pytest.skip(f"sandbox backend {name} unavailable here: {exc}")
    return name


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request):
    """Each backend in turn."""
    return require_backend(request.param)


def bash_call(command: str, i: int = 0) -> dict:
    return {"id": f"call_{i}", "type": "function", "function": {"name": "bash", "arguments": json.dumps({"command": command})}}


BASH_TOOL = [{"type": "function", "function": {"name": "bash", "parameters": {
    "type": "object", "properties": {"command": {"type": "string"}}, "required": ["command"]}}}]


def shell_pivot(reference: str, *, files: dict | None = None, setup: list | None = None,
                earlier: list[str] = (), pivot_id: str = "sh") -> Pivot:
    messages: list[dict] = [{"role": "user", "content": "Do the task in /work."}]
    for i, command in enumerate(earlier):
        messages.append({"role": "assistant", "content": None, "tool_calls": [bash_call(command, i)]})
        messages.append({"role": "tool", "tool_call_id": f"call_{i}", "content": ""})
    return Pivot.from_dict({
        "id": pivot_id, "domain": "terminal", "messages": messages, "tools": BASH_TOOL,
        "reference": {"role": "assistant", "content": None, "tool_calls": [bash_call(reference, 99)]},
        "env": {"files": files or {"data.txt": "alpha\nbeta\ngamma\n"}, "setup": setup or []},
    })


def bash(command: str) -> str:
    return f"```bash\n{command}\n```"
