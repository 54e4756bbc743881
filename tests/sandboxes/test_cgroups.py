"""Where sandbox cgroups can be made (cgroup v1 and v2 layouts written out as /proc and /sys
trees), and, where this machine allows it, real cgroups that hold a pids and a memory limit
and are removed with everything in them; gc removes only dead runs' cgroups."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from pivotrl.sandboxes import cgroups

V1_MOUNTINFO = """\
30 25 0:26 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755
33 30 0:29 / /sys/fs/cgroup/memory rw,nosuid - cgroup cgroup rw,memory
34 30 0:30 / /sys/fs/cgroup/pids rw,nosuid - cgroup cgroup rw,pids
35 30 0:31 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid - cgroup cgroup rw,cpu,cpuacct
36 30 0:32 / /sys/fs/cgroup/unified rw,nosuid - cgroup2 cgroup2 rw
"""
V1_CGROUP = "4:memory:/jobs/42\n3:pids:/\n2:cpu,cpuacct:/\n0::/\n"
V2_MOUNTINFO = "30 25 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n"
V2_CGROUP = "0::/user.slice/user-1000.slice/session-3.scope\n"


def _fake(root: Path, mountinfo: str, proc_cgroup: str, folders: dict[str, str]) -> None:
    (root / "proc/self").mkdir(parents=True)
    (root / "proc/self/mountinfo").write_text(mountinfo)
    (root / "proc/self/cgroup").write_text(proc_cgroup)
    for folder, subtree in folders.items():
        path = root / folder.lstrip("/")
        path.mkdir(parents=True, exist_ok=True)
        (path / "cgroup.subtree_control").write_text(subtree)


def test_cgroup_v1_sandboxes_go_under_this_process_own_cgroup_per_controller(tmp_path):
    _fake(tmp_path, V1_MOUNTINFO, V1_CGROUP, {"/sys/fs/cgroup/memory/jobs/42": "", "/sys/fs/cgroup/pids": ""})
    support = cgroups.find_hierarchy(tmp_path)
    assert support.available and support.hierarchy.version == 1
    assert support.hierarchy.parents == {"pids": tmp_path / "sys/fs/cgroup/pids",
                                         "memory": tmp_path / "sys/fs/cgroup/memory/jobs/42"}


def test_cgroup_v2_sandboxes_go_under_the_nearest_ancestor_that_delegates_pids_and_memory(tmp_path):
    _fake(tmp_path, V2_MOUNTINFO, V2_CGROUP, {
        "/sys/fs/cgroup": "cpu memory pids", "/sys/fs/cgroup/user.slice": "memory pids",
        "/sys/fs/cgroup/user.slice/user-1000.slice": "memory pids",
        "/sys/fs/cgroup/user.slice/user-1000.slice/session-3.scope": ""})
    support = cgroups.find_hierarchy(tmp_path)
    assert support.available and support.hierarchy.version == 2
    assert support.hierarchy.parents == {"": tmp_path / "sys/fs/cgroup/user.slice/user-1000.slice"}


def test_no_delegation_is_reported_with_the_reason(tmp_path):
    _fake(tmp_path, V2_MOUNTINFO, V2_CGROUP, {"/sys/fs/cgroup": "cpu", "/sys/fs/cgroup/user.slice": "",
                                              "/sys/fs/cgroup/user.slice/user-1000.slice/session-3.scope": ""})
    support = cgroups.find_hierarchy(tmp_path)
    assert not support.available and "delegates no writable subtree" in support.reason


def test_owner_tags_tell_a_live_process_from_a_dead_or_reused_pid():
    assert cgroups.owner_alive(cgroups.owner_tag())
    child = subprocess.Popen(["true"])
    tag = cgroups.owner_tag(child.pid)
    child.wait()
    assert not cgroups.owner_alive(tag)
    pid, _, start = cgroups.owner_tag().partition("-")
    assert not cgroups.owner_alive(f"{pid}-{int(start) + 1}")  # same pid, another process


LIVE = cgroups.find_hierarchy()
JOIN = 'while [ "$1" != -- ]; do echo $$ > "$1"; shift; done; shift; exec "$@"'


@pytest.mark.skipif(not LIVE.available, reason=f"no writable cgroups here: {LIVE.reason}")
def test_a_sandbox_cgroup_caps_processes_as_a_whole_and_is_removed_with_them():
    group = cgroups.SandboxCgroup(LIVE.hierarchy, pids_max=8, memory_max=64 << 20)
    try:
        script = "echo started; i=0; while [ $i -lt 20 ]; do sleep 30 & i=$((i+1)); done 2>/dev/null; wait"
        proc = subprocess.Popen(["/bin/sh", "-c", JOIN, "sh", *group.procs_files, "--", "/bin/sh", "-c", script],
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "started"
        time.sleep(1.0)
        assert 4 <= len(group.pids()) <= 8  # 20 were asked for (the shell stops when a fork fails)
    finally:
        group.remove()
    proc.wait(timeout=10)
    assert not any(p.exists() for p in group.paths)


@pytest.mark.skipif(not LIVE.available, reason=f"no writable cgroups here: {LIVE.reason}")
def test_gc_removes_empty_cgroups_of_dead_runs_only():
    child = subprocess.Popen(["true"])
    dead = cgroups.owner_tag(child.pid)
    child.wait()
    parent = next(iter(LIVE.hierarchy.parents.values()))
    dead_path = parent / f"{cgroups.PREFIX}{dead}-0"
    live_path = parent / f"{cgroups.PREFIX}{cgroups.owner_tag()}-999999"
    dead_path.mkdir()
    live_path.mkdir()
    try:
        hierarchy = cgroups.Hierarchy(LIVE.hierarchy.version, {"only": parent})
        assert cgroups.gc(hierarchy) >= 1
        assert not dead_path.exists() and live_path.exists()
    finally:
        for path in (dead_path, live_path):
            if path.exists():
                deadline = time.monotonic() + 5
                while path.exists() and time.monotonic() < deadline:
                    try:
                        path.rmdir()
                    except OSError:
                        time.sleep(0.05)
