"""Sandboxes go away with the run that made them: on Ctrl-C and even on SIGKILL of the
host process (the agent exits when its stream closes; Docker auto-removes the container;
bubblewrap dies with its parent, and its PID namespace with it)."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest

pytestmark = pytest.mark.integration

SCRIPT = textwrap.dedent("""
    import sys
    from pivotrl.verifiers import get_verifier
    from tests.sandboxes.conftest import bash, shell_pivot
    backend, duration = sys.argv[1], sys.argv[2]
    verifier = get_verifier("shell_exec", sandbox=backend, timeout=40, concurrency=2)
    print("ready", flush=True)
    verifier.verify_batch([bash("sleep %s" % duration), bash("sleep %s " % duration)], shell_pivot("true", pivot_id="interrupt"))
""")


def _containers_of(pid: int) -> int:
    try:
        import docker

        return len(docker.from_env().containers.list(all=True, filters={"label": f"pivotrl.sandbox.owner={pid}"}))
    except Exception:
        return 0


def _sleepers(duration: str) -> int:
    return len(subprocess.run(["pgrep", "-x", "-f", f"sleep {duration}"], capture_output=True, text=True).stdout.split())


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "sigkill"])
def test_interrupted_run_leaves_no_sandbox(backend, sig):
    duration = f"30.{random.randrange(10**6):06d}"  # identifies this test's processes
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, backend, duration], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and _sleepers(duration) < 2:
        time.sleep(0.1)
    assert _sleepers(duration) == 2  # both checks are running in their sandboxes
    if backend == "docker":
        assert _containers_of(proc.pid) >= 2
    proc.send_signal(sig)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (_sleepers(duration), _containers_of(proc.pid)) != (0, 0):
        time.sleep(0.25)
    assert (_sleepers(duration), _containers_of(proc.pid)) == (0, 0)
