"""Limits hold per sandbox, never per host user: with 300 extra processes of uid 1000 (the
first person's account on most machines) and 300 of uid 65534 (bubblewrap's host uid when run as
root) running on the host, every shipped shell reference still scores 1 on both backends."""

from __future__ import annotations

import os
import subprocess

import pytest

from pivotrl.pivot_envs import shipped_pivots
from pivotrl.pivot_envs.validate import validate_pivots

pytestmark = pytest.mark.integration
EXTRA = 300


@pytest.fixture(scope="module")
def crowded_host():
    """300 sleeping processes for each of uid 1000 and 65534 (as this user where not root)."""
    uids = (1000, 65534) if os.geteuid() == 0 else (os.geteuid(),)
    holders = []
    script = f"i=0; while [ $i -lt {EXTRA} ]; do sleep 600 & i=$((i+1)); done; echo ready; wait"
    for uid in uids:
        command = ["/bin/sh", "-c", script]
        if os.geteuid() == 0:
            command = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--", *command]
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, start_new_session=True)
        assert proc.stdout.readline().strip() == "ready"
        holders.append(proc)
    for uid in uids:
        listed = subprocess.run(["ps", "-u", str(uid), "--no-headers"], capture_output=True, text=True).stdout
        assert len(listed.splitlines()) >= EXTRA
    yield uids
    for proc in holders:
        os.killpg(proc.pid, 9)
        proc.wait()


@pytest.mark.parametrize("domain", ["terminal", "swe"])
def test_every_shipped_shell_reference_scores_1_on_a_crowded_host(backend, crowded_host, domain):
    pivots = shipped_pivots(domain)
    # without the probe state: what is checked here is the limits, and half the checks suffice
    report = validate_pivots(pivots, verifier={"name": "shell_exec", "params": {"sandbox": backend, "probe": False}})
    assert report.checked == len(pivots) >= 150
    assert report.ok, [(p.id, v.reason) for p, v in report.failures[:5]]
