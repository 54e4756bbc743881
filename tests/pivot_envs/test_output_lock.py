"""One writer per output: a second writer (another process, or another thread) is refused with
the first one named; what a writer killed with SIGKILL leaves is cleaned by the next; a full
disk or a read-only directory is one clear error and the previous output survives."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from pivotrl.cli import main
from pivotrl.errors import OutputLocked
from pivotrl.pivot_envs import write_jsonl
from pivotrl.pivot_envs.output_lock import exclusive_output, lock_path, temp_path
from tests.pivot_envs.test_io import TRAJ

ROOT = Path(__file__).resolve().parents[2]


def _holder(target: Path, purpose: str) -> subprocess.Popen:
    """Another process that holds ``target`` until it is killed."""
    code = textwrap.dedent(f"""
        import sys, time
        from pivotrl.pivot_envs.output_lock import exclusive_output
        with exclusive_output({str(target)!r}, purpose={purpose!r}):
            print("held", flush=True)
            time.sleep(600)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_a_second_process_is_refused_and_told_who_writes(tmp_path):
    target = tmp_path / "out.jsonl"
    write_jsonl([{"a": 1}], target)
    proc = _holder(target, "pivotrl profile cands.jsonl")
    try:
        with pytest.raises(OutputLocked) as info:
            write_jsonl([{"a": 2}], target)
        message = str(info.value)
        assert f"pid {proc.pid}" in message and "pivotrl profile cands.jsonl" in message and str(target) in message
        assert target.read_text() == '{"a": 1}\n'  # nothing lost
    finally:
        proc.kill()
        proc.wait()
    write_jsonl([{"a": 3}], target)  # the kernel dropped the dead holder's lock
    assert target.read_text() == '{"a": 3}\n'
    assert not lock_path(target).exists()  # released locks leave no file behind


def test_cli_commands_refuse_a_held_output_before_any_work(tmp_path):
    write_jsonl([TRAJ], tmp_path / "t.jsonl")
    target = tmp_path / "c.jsonl"
    proc = _holder(target, "pivotrl extract other.jsonl")
    try:
        for args in (["extract", str(tmp_path / "t.jsonl"), "-o", str(target)],
                     ["profile", str(tmp_path / "t.jsonl"), "--policy", "hf:/nonexistent/model", "-o", str(target)]):
            result = CliRunner().invoke(main, args)
            assert result.exit_code == 2, result.output
            assert f"pid {proc.pid}" in result.output and "another writer holds it" in result.output
            assert "Traceback" not in result.output
    finally:
        proc.kill()
        proc.wait()
    assert not target.exists()


def test_the_same_thread_may_nest_another_thread_may_not(tmp_path):
    target = tmp_path / "out.jsonl"
    refused: list[Exception] = []
    with exclusive_output(target), exclusive_output(target):
        write_jsonl([{"a": 1}], target)  # nested inside the holder: allowed
        thread = threading.Thread(target=lambda: _try(lambda: write_jsonl([{"a": 2}], target), refused))
        thread.start()
        thread.join()
    assert len(refused) == 1 and isinstance(refused[0], OutputLocked)
    assert target.read_text() == '{"a": 1}\n'


def _try(fn, errors: list[Exception]) -> None:
    try:
        fn()
    except Exception as exc:
        errors.append(exc)


def test_temp_files_of_a_writer_killed_mid_write_are_removed_by_the_next(tmp_path):
    target = tmp_path / "out.jsonl"
    code = textwrap.dedent(f"""
        import os, signal
        from pivotrl.pivot_envs.output_lock import exclusive_output, temp_path
        with exclusive_output({str(target)!r}):
            with open(temp_path({str(target)!r}), "w") as handle:
                handle.write("x" * 1_000_000)
                handle.flush()
                os.kill(os.getpid(), signal.SIGKILL)
    """)
    killed = subprocess.run([sys.executable, "-c", code], timeout=120)
    assert killed.returncode == -signal.SIGKILL
    leftovers = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(leftovers) == 1 and leftovers[0].stat().st_size == 1_000_000
    unrelated = tmp_path / ".other.jsonl.123.abcdef01.tmp"  # another output's temp file is not ours to remove
    unrelated.write_text("keep")
    write_jsonl([{"a": 1}], target)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([".other.jsonl.123.abcdef01.tmp", "out.jsonl"])


def test_a_crash_while_writing_keeps_the_previous_output(tmp_path):
    target = tmp_path / "out.jsonl"
    write_jsonl([{"a": 1}], target)

    def records():
        yield {"a": 2}
        raise RuntimeError("crash mid-write")

    with pytest.raises(RuntimeError):
        write_jsonl(records(), target)
    assert target.read_text() == '{"a": 1}\n' and [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]
    assert temp_path(target).name.startswith(".out.jsonl.")


def _bwrap_usable() -> bool:
    if shutil.which("bwrap") is None:
        return False
    probe = subprocess.run(["bwrap", "--dev-bind", "/", "/", "true"], capture_output=True, timeout=30)
    return probe.returncode == 0


def needs_bwrap(test):
    """A real bubblewrap mount (a tiny tmpfs, a read-only bind) under the real CLI."""
    skip = pytest.mark.skipif(not _bwrap_usable(), reason="bubblewrap is needed to mount a full or read-only dir")
    return pytest.mark.integration(skip(test))


def _cli_in_sandbox(mount: list[str], script: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """Run shell ``script`` with ``mount`` (bwrap arguments) over the real root file system."""
    command = ["bwrap", "--dev-bind", "/", "/", *mount, "sh", "-c", script]
    env = {**os.environ, "PIVOTRL_CLI": f"{sys.executable} -m pivotrl.cli"}
    return subprocess.run(command, capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)


@needs_bwrap
def test_disk_full_is_one_line_and_a_non_zero_exit(tmp_path):
    """A 64 KiB tmpfs as the output directory: the candidates do not fit."""
    big = {**TRAJ, "meta": {"padding": "x" * 20_000}}
    write_jsonl([big, {**big, "id": "t2"}], tmp_path / "t.jsonl")
    out = tmp_path / "full"
    out.mkdir()
    script = (f'echo \'{{"old": 1}}\' > {out}/c.jsonl && $PIVOTRL_CLI extract {tmp_path}/t.jsonl -o {out}/c.jsonl; '
              f'echo "rc=$?"; cat {out}/c.jsonl; ls -a {out}')
    run = _cli_in_sandbox(["--size", "65536", "--tmpfs", str(out)], script, tmp_path)
    assert "rc=2" in run.stdout, run.stdout + run.stderr
    assert "no space left on the device" in run.stderr and f"{out}/c.jsonl" in run.stderr
    assert "Traceback" not in run.stderr
    assert '{"old": 1}' in run.stdout  # the previous output survives
    assert ".tmp" not in run.stdout  # no partial temp file left behind


@needs_bwrap
def test_read_only_output_directory_is_one_line_and_a_non_zero_exit(tmp_path):
    write_jsonl([TRAJ], tmp_path / "t.jsonl")
    out = tmp_path / "ro"
    out.mkdir()
    script = f'$PIVOTRL_CLI extract {tmp_path}/t.jsonl -o {out}/c.jsonl; echo "rc=$?"'
    run = _cli_in_sandbox(["--ro-bind", str(out), str(out)], script, tmp_path)
    assert "rc=2" in run.stdout, run.stdout + run.stderr
    assert "read-only" in run.stderr and str(out) in run.stderr and "Traceback" not in run.stderr
