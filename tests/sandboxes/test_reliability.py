"""Hostile candidates on the real backends (Docker daemon and bubblewrap): each ends within
its timeout plus 2 s, scores 0 with a reason, leaves no container or process behind, and
leaves the host and the next check untouched."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from pivotrl.verifiers import get_verifier
from tests.sandboxes.conftest import bash, shell_pivot

pytestmark = pytest.mark.integration
TIMEOUT = 3.0
HOST_CANARY = Path("/tmp/pivotrl-host-canary.txt")

HOSTILE = {
    "fork bomb": ":(){ :|:& };:",
    "rm -rf /": "rm -rf --no-preserve-root / 2>/dev/null; echo done",
    "rm -rf ~": "rm -rf ~ ; ls -A",
    "infinite output": "yes",
    "sleep forever": "sleep 10000",
    "memory hog": "python3 -c 'x = bytearray(4 * 1024**3); print(len(x))'",
    "network": "(curl -sS http://1.1.1.1 || true); (ping -c1 -W1 1.1.1.1 || true); "
               "(exec 3<>/dev/tcp/1.1.1.1/80 && echo connected) 2>&1",
    "write outside the work dir": "echo pwned > /etc/passwd; echo pwned > /state/x; echo pwned > /usr/bin/x; "
                                  "echo leak > /tmp/leak; echo written",
    "read host files": f"cat {HOST_CANARY} /etc/shadow 2>&1; ls /root 2>&1",
    "kill everything": "kill -9 -1; echo survived",
    "background process": "(sleep 1000 &) ; nohup sleep 1000 >/dev/null 2>&1 & setsid sleep 1000 & echo started",
    "1 MB command line": "echo " + "A" * 1_000_000 + " | wc -c",
    "binary garbage": "head -c 200000 /dev/urandom",
}


@pytest.fixture(scope="module")
def verifier(backend):
    return get_verifier("shell_exec", sandbox=backend, timeout=TIMEOUT)


def _containers() -> int:
    try:
        import docker

        return len(docker.from_env().containers.list(all=True, filters={"label": "pivotrl.sandbox"}))
    except Exception:
        return 0


def _bwrap_processes() -> int:
    out = subprocess.run(["pgrep", "-c", "-x", "bwrap"], capture_output=True, text=True)
    return int(out.stdout.strip() or 0)


PROBE = "cat data.txt; ls -A /tmp | wc -l; ls -A | sort; ps -e --no-headers | wc -l"


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_candidate_scores_zero_quickly_and_leaves_nothing(verifier, name):
    HOST_CANARY.write_text("host secret\n")
    pivot = shell_pivot("sort data.txt")
    started = time.monotonic()
    verdict = verifier.verify(bash(HOSTILE[name]), pivot)
    elapsed = time.monotonic() - started
    assert verdict.score == 0.0 and verdict.reason
    assert elapsed <= TIMEOUT + 2.0, f"{name} took {elapsed:.1f}s"
    assert "host secret" not in verdict.details.get("action", {}).get("stdout", "")
    assert HOST_CANARY.read_text() == "host secret\n"
    # the next check at the same state sees a pristine state: no leftovers in /work or /tmp, no processes
    probe = get_verifier("shell_exec", sandbox=verifier.backend, timeout=TIMEOUT).verify(bash(PROBE), shell_pivot(PROBE))
    assert probe.equivalent, probe.reason
    lines = probe.details["action"]["stdout"].strip().split("\n")
    assert lines[:5] == ["alpha", "beta", "gamma", "0", "data.txt"]
    assert int(lines[-1]) <= 4  # the agent, bash, ps and wc


def test_nothing_is_left_behind_after_close(backend):
    verifier = get_verifier("shell_exec", sandbox=backend, timeout=TIMEOUT)
    verifier.runtime.pool.close()  # the warm pool is shared per process: start from none
    before = (_containers(), _bwrap_processes())
    verifier.verify_batch([bash(HOSTILE["background process"]), bash(HOSTILE["sleep forever"])],
                          shell_pivot("sort data.txt", pivot_id="leftovers"))
    verifier.runtime.pool.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and (_containers(), _bwrap_processes()) != before:
        time.sleep(0.2)
    assert (_containers(), _bwrap_processes()) == before
    stray = subprocess.run(["pgrep", "-f", "sleep 1000"], capture_output=True, text=True).stdout.split()
    assert not [pid for pid in stray if pid != str(os.getpid())]
