"""A sandbox backend is its own module plus one ``register_backend`` line: the toy backend
below (commands run on the host in a temporary folder; a test double, not a sandbox) is picked
by name, offered by ``pivotrl sandbox info``, cleaned by ``pivotrl sandbox gc``, and drives
``shell_exec`` with its own state owner and default concurrency, with no other file naming it."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from pivotrl.cli import main
from pivotrl.errors import SandboxError
from pivotrl.sandboxes import runtime
from pivotrl.sandboxes.backends import SANDBOX_BACKENDS, BackendChoice, backend_names, register_backend
from pivotrl.sandboxes.base import CheckResult, ExecResult, Limits, Step
from pivotrl.sandboxes.choose import choose_backend
from tests.sandboxes.conftest import bash, shell_pivot


def _run(folder: Path, steps: Sequence[Step], limits: Limits) -> list[ExecResult]:
    results = []
    for step in steps:
        start = time.monotonic()
        proc = subprocess.run(["bash", "-c", step.command], cwd=folder, capture_output=True, timeout=limits.timeout)
        results.append(ExecResult(proc.returncode, proc.stdout.decode(), proc.stderr.decode(),
                                  duration=time.monotonic() - start, stdout_bytes=proc.stdout))
    return results


def _archive(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for path in sorted(folder.rglob("*")):
            tar.add(path, arcname=str(path.relative_to(folder)), recursive=False)
    return buffer.getvalue()


class ToySandbox:
    """Runs each check in a fresh temporary folder holding the state's files."""

    backend = "toy"

    def __init__(self, state_dir: Path, limits: Limits) -> None:
        self.state_dir, self.limits, self.closed = state_dir, limits, False

    def build_state(self, files: dict[str, str], steps: Sequence[Step],
                    limits: Limits | None = None) -> tuple[list[ExecResult], bytes]:
        with tempfile.TemporaryDirectory() as tmp:
            for name, text in files.items():
                (Path(tmp) / name).write_text(text)
            results = _run(Path(tmp), steps, limits or self.limits)
            return results, _archive(Path(tmp))

    def export_work(self, steps: Sequence[Step], limits: Limits | None = None,
                    state: str | None = None) -> tuple[CheckResult, bytes]:
        with tempfile.TemporaryDirectory() as tmp:
            result = self._check(Path(tmp), steps, limits, state)
            return result, _archive(Path(tmp))

    def check(self, steps: Sequence[Step], limits: Limits | None = None, state: str | None = None) -> CheckResult:
        with tempfile.TemporaryDirectory() as tmp:
            return self._check(Path(tmp), steps, limits, state)

    def _check(self, folder: Path, steps: Sequence[Step], limits: Limits | None, state: str | None) -> CheckResult:
        if state is not None:
            with tarfile.open(self.state_dir / f"{state}.tar") as tar:
                tar.extractall(folder, filter="data")
        results = _run(folder, steps, limits or self.limits)
        files = {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
                 for p in sorted(folder.rglob("*")) if p.is_file()}
        digest = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()
        return CheckResult(results, digest, files, len(files))

    def alive(self) -> bool:
        return not self.closed

    def close(self) -> None:
        self.closed = True


def choose_toy(build: bool) -> BackendChoice:
    if os.environ.get("TOY_BACKEND_BROKEN"):
        raise SandboxError("the toy backend is switched off here")
    return BackendChoice("toy", "the toy backend always works", ToySandbox, Path("/"), None,
                         owner_uid=os.getuid(), concurrency=3)


@pytest.fixture
def toy(monkeypatch, tmp_path):
    monkeypatch.setenv("PIVOTRL_CACHE", str(tmp_path / "cache"))
    register_backend("toy", choose_toy, gc=lambda: (2, "toy leftover(s)"))  # the one registration line
    yield "toy"
    SANDBOX_BACKENDS.unregister("toy")
    stale = runtime._runtimes.pop("toy", None)
    if stale is not None:
        stale.pool.close()


def test_a_registered_backend_is_chosen_by_name_and_left_out_of_auto_unless_ranked(toy):
    assert backend_names()[:2] == ["docker", "bwrap"] and "toy" in backend_names()
    choice = choose_backend("toy", build=False)
    assert (choice.name, choice.owner_uid, choice.concurrency) == ("toy", os.getuid(), 3)


def test_auto_tries_backends_in_rank_order_and_says_what_it_passed_over(monkeypatch, toy):
    register_backend("toy-broken", choose_toy, auto_rank=0)
    register_backend("toy-first", choose_toy, auto_rank=1)
    try:
        monkeypatch.setenv("TOY_BACKEND_BROKEN", "")
        assert backend_names()[:2] == ["toy-broken", "toy-first"]
        assert choose_backend("auto", build=False).name == "toy"
        monkeypatch.setenv("TOY_BACKEND_BROKEN", "1")
        with pytest.raises(SandboxError, match="switched off"):
            choose_backend("toy-first", build=False)
    finally:
        SANDBOX_BACKENDS.unregister("toy-broken")
        SANDBOX_BACKENDS.unregister("toy-first")


def test_unknown_backends_and_auto_as_a_name_are_refused_with_the_known_names(toy):
    with pytest.raises(SandboxError, match="choose one of auto, docker, bwrap, toy"):
        choose_backend("nope")
    with pytest.raises(ValueError, match="not a backend name"):
        register_backend("auto", choose_toy)
    with pytest.raises(ValueError, match="already registered"):
        register_backend("toy", lambda build: choose_toy(build))


def test_the_cli_offers_a_registered_backend_and_collects_its_leftovers(toy, monkeypatch):
    from pivotrl.sandboxes import bwrap_backend, docker_backend

    monkeypatch.setattr(docker_backend, "gc", lambda: 0)  # the real daemon's containers are not this test's
    monkeypatch.setattr(bwrap_backend, "collect", lambda: (0, "cgroup(s)"))
    info = CliRunner().invoke(main, ["sandbox", "info", "--backend", "toy", "--json"])
    assert info.exit_code == 0, info.output
    assert json.loads(info.output)["backend"] == "toy"
    gc = CliRunner().invoke(main, ["sandbox", "gc"])
    assert gc.exit_code == 0, gc.output
    assert "removed 0 leftover sandbox container(s) and 0 cgroup(s) and 2 toy leftover(s) of dead runs" in gc.output


def test_shell_exec_runs_on_the_registered_backend_with_its_owner_and_concurrency(toy):
    from pivotrl.verifiers import get_verifier

    verifier = get_verifier("shell_exec", sandbox=toy, probe=False)
    try:
        assert verifier.backend == "toy" and verifier.concurrency == 3
        assert verifier.runtime.states.owner_uid == os.getuid()
        pivot = shell_pivot("grep -c a data.txt")
        assert verifier.verify(bash("grep a data.txt | wc -l"), pivot).score == 1.0
        assert verifier.verify(bash("grep -c e data.txt"), pivot).score == 0.0
        assert verifier.runtime.pool.started >= 1
    finally:
        verifier.close()
