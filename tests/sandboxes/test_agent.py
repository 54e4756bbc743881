"""The agent's file-system work on real folders of this machine (no sandbox needed): states
are exported and restored faithfully or refused with a reason, digests cost what files store,
and the privileged wipe removes any tree whatever its modes or depth."""

from __future__ import annotations

import os
import resource
import socket
import stat
import tarfile
from io import BytesIO
from pathlib import Path

import pytest

from pivotrl.sandboxes import agent


@pytest.fixture
def work(tmp_path, monkeypatch):
    """Point the agent's /work at a fresh folder."""
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.setattr(agent, "WORK", str(folder))
    monkeypatch.setattr(agent, "WORK_B", os.fsencode(str(folder)))
    return folder


def _tree(root: Path) -> dict[bytes, tuple]:
    """Every entry: kind, mode, and content or link target (what a user of the state can see)."""
    seen = {}
    for rel, st, dirfd, name in agent._walk(str(root)):
        kind = stat.S_IFMT(st.st_mode)
        if kind == stat.S_IFLNK:
            seen[rel] = ("link", os.readlink(name, dir_fd=dirfd))
        elif kind == stat.S_IFREG:
            fd = os.open(name, os.O_RDONLY, dir_fd=dirfd)
            with os.fdopen(fd, "rb") as handle:
                seen[rel] = ("file", stat.S_IMODE(st.st_mode), handle.read(), st.st_nlink)
        else:
            seen[rel] = (kind, stat.S_IMODE(st.st_mode))
    return seen


def _make_faithful_tree(root: Path) -> None:
    (root / "src" / "pkg").mkdir(parents=True)
    (root / "src" / "pkg" / "mod.py").write_text("x = 1\n")
    (root / "empty").mkdir()
    (root / "locked").mkdir()
    (root / "locked" / "inner.txt").write_text("inner\n")
    (root / "secret.txt").write_text("s\n")
    os.chmod(root / "secret.txt", 0o000)
    (root / "run.sh").write_text("#!/bin/sh\n")
    os.chmod(root / "run.sh", 0o755)
    os.symlink("src/pkg/mod.py", root / "relative")
    os.symlink("../mod.py", root / "src" / "pkg" / "up")  # '..' that stays inside
    os.symlink("../../empty", root / "src" / "pkg" / "twice-up")
    os.symlink("does/not/exist", root / "dangling")
    os.symlink(f"{agent.WORK}/src", root / "absolute-inside")
    os.symlink("loop-b", root / "loop-a")
    os.symlink("loop-a", root / "loop-b")
    os.mkfifo(root / "pipe")
    os.link(root / "run.sh", root / "hardlink.sh")
    for name in (b"new\nline", b"-rf", b"sp ace", b"caf\xc3\xa9", b"bad\xff\xfe", b".hidden"):
        with open(os.path.join(os.fsencode(root), name), "wb") as handle:
            handle.write(name)
    with open(root / "sparse.bin", "wb") as handle:
        handle.truncate(3 * agent.BLOCK + 17)
        handle.seek(agent.BLOCK + 5)
        handle.write(b"data in the middle")
    os.chmod(root / "locked", 0o500)


def test_export_then_restore_gives_the_same_tree_links_modes_fifos_and_names(work, tmp_path, monkeypatch):
    _make_faithful_tree(work)
    before = _tree(work)
    digest_before = agent._digest()
    archive, refused = agent._export(1 << 30)
    assert refused == []
    objects = tmp_path / "objects"
    objects.mkdir()
    (objects / ("a" * 64 + ".tar")).write_bytes(archive)
    os.chmod(work / "locked", 0o700)
    agent._wipe(str(work))
    assert os.listdir(work) == []
    monkeypatch.setattr(agent.Config, "state_fd", os.open(objects, os.O_RDONLY | os.O_DIRECTORY))
    try:
        agent._restore("a" * 64)
    finally:
        os.close(agent.Config.state_fd)
    assert _tree(work) == before
    assert agent._digest() == digest_before
    assert os.stat(work / "run.sh").st_ino == os.stat(work / "hardlink.sh").st_ino


@pytest.mark.parametrize(("target", "inside"), [
    ("a/b", True), ("../x", True), ("../../x", False), ("../d/../../x", False), ("/etc/passwd", False),
    ("WORK/x", True), ("WORK/../x", False), ("WORK", True), ("to-out/y", False), ("to-in/../../y", True),
    ("missing/../../../x", False), ("missing/x", True),
])
def test_links_are_kept_only_when_they_resolve_inside_the_work_dir(work, target, inside):
    (work / "d" / "e").mkdir(parents=True)
    os.symlink("/etc", work / "d" / "to-out")
    os.symlink("e", work / "d" / "to-in")  # d/to-in/../../y resolves through e: inside
    target = target.replace("WORK", agent.WORK)
    assert agent._link_stays_inside(b"d/link", os.fsencode(target)) is inside


@pytest.mark.parametrize(("make", "reason"), [
    (lambda w: os.symlink("/etc/passwd", w / "pw"), "pw -> /etc/passwd: the link leaves the work dir"),
    (lambda w: os.symlink("../../../x", w / "up"), "up -> ../../../x: the link leaves the work dir"),
    (lambda w: socket.socket(socket.AF_UNIX).bind(str(w / "sock")), "sock: a socket cannot be kept"),
    (lambda w: [os.truncate(w / f"s{i}", 60 << 20) for i in range(3) if (w / f"s{i}").touch() is None],
     "more than 104857600 bytes"),
])
def test_what_a_state_cannot_hold_is_refused_with_a_reason(work, make, reason):
    (work / "fine.txt").write_text("ok\n")
    make(work)
    _, refused = agent._export(100 << 20)
    assert any(reason in r for r in refused), refused
    assert all(r.encode("utf-8") for r in refused)


def test_a_path_too_deep_for_a_state_is_refused_not_a_crash(work, monkeypatch):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # as the agent does: one descriptor per level
    deep = os.fsencode(str(work))
    fd = os.open(deep, os.O_RDONLY)
    for _ in range(2000):  # deeper than PATH_MAX allows one path to name: made relative to the last folder
        os.mkdir(b"d", dir_fd=fd)
        inner = os.open(b"d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
    os.close(os.open(b"f", os.O_WRONLY | os.O_CREAT, dir_fd=fd))
    os.close(fd)
    try:
        assert agent._digest()[2] == 2001
        _, refused = agent._export(1 << 30)
        assert refused and "longer than" in refused[0]
        agent._wipe(str(work))
        assert os.listdir(work) == []
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def _with_descriptors_left(run, left=3):
    """Run ``run`` when the process can open exactly ``left`` more descriptors."""
    filler = []
    try:
        while True:
            filler.append(os.open(os.devnull, os.O_RDONLY))
    except OSError:
        pass
    for fd in filler[-left:]:
        os.close(fd)
    try:
        return run()
    finally:
        for fd in filler[:-left]:
            os.close(fd)


def test_a_folder_that_cannot_be_opened_is_refused_and_counted_not_skipped(work):
    (work / "a" / "b").mkdir(parents=True)
    (work / "a" / "b" / "c.txt").write_text("c\n")
    digest = agent._digest()[0]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
    try:
        _, refused = _with_descriptors_left(lambda: agent._export(1 << 30))  # /work, a/ and a listing: not a/b
        starved = _with_descriptors_left(agent._digest)[0]
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert any("a/b: the folder cannot be read" in r for r in refused), refused
    assert starved != digest


def test_sparse_files_hash_by_content_and_cost_what_they_store(tmp_path):
    sparse, dense = tmp_path / "sparse", tmp_path / "dense"
    size = 64 << 20
    with open(sparse, "wb") as handle:
        handle.truncate(size)
        handle.seek(10 * agent.BLOCK + 3)
        handle.write(b"x")
    content = bytearray(size)
    content[10 * agent.BLOCK + 3] = ord("x")
    dense.write_bytes(content)
    hashes = []
    for path in (sparse, dense):
        fd = os.open(path, os.O_RDONLY)
        hashes.append(agent._content_hash(fd, size))
        os.close(fd)
    assert hashes[0] == hashes[1]
    other = tmp_path / "other"
    content[10 * agent.BLOCK + 3] = ord("y")
    other.write_bytes(content)
    fd = os.open(other, os.O_RDONLY)
    assert agent._content_hash(fd, size) != hashes[0]
    os.close(fd)
    reads = []
    real_pread = os.pread

    def counting(fd, n, pos):
        reads.append(n)
        return real_pread(fd, n, pos)

    fd = os.open(sparse, os.O_RDONLY)
    try:
        os.pread = counting
        agent._content_hash(fd, size)
    finally:
        os.pread = real_pread
        os.close(fd)
    assert sum(reads) <= 2 * agent.BLOCK  # the one data block, not 64 MB of holes


def test_digest_listing_names_are_valid_utf8_and_raw_names_still_differ(work):
    with open(os.path.join(os.fsencode(work), b"\xff"), "wb"):
        pass
    first = agent._digest()
    os.rename(os.path.join(os.fsencode(work), b"\xff"), os.path.join(os.fsencode(work), b"\xfe"))
    second = agent._digest()
    assert first[0] != second[0]
    for _, listed, _ in (first, second):
        for name, entry in listed.items():
            name.encode("utf-8")
            entry.encode("utf-8")
    assert "\\xff" in first[1] and "\\xfe" in second[1]


@pytest.mark.skipif(os.geteuid() != 0, reason="the wipe relies on privileges (root or CAP_DAC_OVERRIDE)")
def test_the_privileged_wipe_removes_trees_whatever_their_modes(work):
    (work / "d" / "e").mkdir(parents=True)
    (work / "d" / "e" / "f").write_text("planted\n")
    os.chmod(work / "d" / "e", 0o500)
    os.chmod(work / "d", 0o000)
    (work / "sticky").mkdir()
    (work / "sticky" / "x").write_text("x")
    os.chmod(work / "sticky", 0o1000)
    os.mkfifo(work / "fifo")
    os.symlink("/etc", work / "etc-link")  # never followed: /etc is left alone
    agent._wipe(str(work))
    assert os.listdir(work) == []
    assert os.path.exists("/etc/passwd")


def test_restore_refuses_archive_entries_that_climb_out(work, tmp_path, monkeypatch):
    buf = BytesIO()
    with tarfile.open(fileobj=buf, mode="w:") as tar:
        info = tarfile.TarInfo("../escape.txt")
        info.size = 1
        tar.addfile(info, BytesIO(b"x"))
    objects = tmp_path / "objects"
    objects.mkdir()
    (objects / ("b" * 64 + ".tar")).write_bytes(buf.getvalue())
    monkeypatch.setattr(agent.Config, "state_fd", os.open(objects, os.O_RDONLY | os.O_DIRECTORY))
    try:
        with pytest.raises(ValueError, match="bad entry name"):
            agent._restore("b" * 64)
    finally:
        os.close(agent.Config.state_fd)
    assert not (tmp_path / "escape.txt").exists()
