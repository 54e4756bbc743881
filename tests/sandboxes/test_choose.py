"""``auto`` prefers a backend whose isolation fully holds, says why it passed one over, and
``pivotrl sandbox info`` shows what holds here."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from click.testing import CliRunner

from pivotrl.cli import main
from pivotrl.sandboxes import choose
from pivotrl.sandboxes.backends import SANDBOX_BACKENDS, get_backend
from pivotrl.sandboxes.isolation import Aspect, IsolationReport
from tests.sandboxes.conftest import require_backend

pytestmark = pytest.mark.integration


@pytest.fixture
def weaken():
    """Re-register a backend so its process limit does not hold (as on a daemon without a pids
    cgroup); the original entry is back after the test."""
    saved = []

    def apply(name: str) -> None:
        entry = get_backend(name)
        saved.append(entry)

        def chooser(build: bool):
            choice = entry.choose(build)
            aspects = (Aspect("processes", False, "no pids cgroup"), *choice.isolation.aspects[1:])
            return replace(choice, isolation=IsolationReport(choice.name, aspects))

        SANDBOX_BACKENDS.register(name, replace(entry, chooser=chooser), override=True)

    yield apply
    for entry in saved:
        SANDBOX_BACKENDS.register(entry.name, entry, override=True)


def test_auto_passes_over_a_backend_whose_isolation_does_not_hold(weaken):
    require_backend("docker")
    require_backend("bwrap")
    assert choose.choose_backend("auto", build=False).name == "docker"
    weaken("docker")
    picked = choose.choose_backend("auto", build=False)
    assert picked.name == "bwrap" and picked.isolation.safe
    assert "docker's isolation does not fully hold here (processes: no pids cgroup)" in picked.reason


def test_auto_still_runs_where_no_backend_is_fully_isolated_and_says_so(weaken):
    require_backend("docker")
    require_backend("bwrap")
    weaken("docker")
    weaken("bwrap")
    picked = choose.choose_backend("auto", build=False)
    assert picked.name == "docker" and "WARNING" in picked.reason and not picked.isolation.safe


@pytest.mark.parametrize("backend", ["docker", "bwrap"])
def test_sandbox_info_reports_what_isolation_holds(backend):
    require_backend(backend)
    result = CliRunner().invoke(main, ["sandbox", "info", "--backend", backend, "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    names = [a["name"] for a in info["isolation"]["aspects"]]
    assert info["backend"] == backend and names == ["processes", "memory", "seccomp", "fresh work dir", "states"]
    assert info["isolation"]["safe"], info
    table = CliRunner().invoke(main, ["sandbox", "info", "--backend", backend])
    assert table.exit_code == 0 and "fresh work dir" in table.output
