"""shell_exec's contract beyond running commands: output compared as the bytes written, reasons
always valid UTF-8, per-action step and time limits that are part of the spec, and close()
giving the sandboxes back."""

from __future__ import annotations

import json
import os
import time

import pytest

from pivotrl.errors import VerifierError
from pivotrl.verifiers import get_verifier
from tests.sandboxes.conftest import BACKENDS, bash, bash_call, require_backend, shell_pivot

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request):
    return require_backend(request.param)


@pytest.fixture(scope="module")
def verifier(backend):
    return get_verifier("shell_exec", sandbox=backend, timeout=5, probe=False)


@pytest.mark.parametrize(("reference", "candidate"), [
    (r"printf '\xff\n'", r"printf '\xfe\n'"),  # both decode to U+FFFD with errors="replace"
    (r"printf 'caf\xc3\xa9'", r"printf 'caf\xe9'"),  # the same word in UTF-8 and Latin-1
    (r"printf 'a\x00b'", r"printf 'a\x00c'"),
])
def test_different_output_bytes_are_never_equal(verifier, reference, candidate):
    pivot = shell_pivot(reference, pivot_id=f"bytes-{abs(hash(reference))}")
    assert verifier.verify(bash(reference), pivot).equivalent
    verdict = verifier.verify(bash(candidate), pivot)
    assert not verdict.equivalent
    assert "stdout" in verdict.reason
    verdict.reason.encode("utf-8")


def test_reasons_and_details_are_valid_utf8_for_names_with_invalid_bytes(verifier):
    pivot = shell_pivot("touch $'report-\\xff.txt'", pivot_id="bad-name")
    verdict = verifier.verify(bash("touch $'report-\\xfe.txt'"), pivot)
    assert not verdict.equivalent
    assert "report-\\xfe.txt" in verdict.reason or "report-\\xff.txt" in verdict.reason
    line = json.dumps(verdict.to_dict(), ensure_ascii=False)  # what `pivotrl profile` writes
    line.encode("utf-8")
    shown = verifier.verify(bash(r"ls; printf '\xff\n' >&2"), pivot)
    json.dumps(shown.to_dict(), ensure_ascii=False).encode("utf-8")
    assert "\\xff" in shown.details["action"]["stderr"]


def test_step_and_time_limits_are_parameters_in_the_spec(backend):
    built = get_verifier("shell_exec", sandbox=backend, max_steps=3, time_budget=7.5)
    assert built.params()["max_steps"] == 3 and built.params()["time_budget"] == 7.5
    again = get_verifier(built.spec())
    assert (again.max_steps, again.time_budget) == (3, 7.5)
    assert "max_steps" not in get_verifier("shell_exec", sandbox=backend).params()
    with pytest.raises(VerifierError):
        get_verifier("shell_exec", sandbox=backend, max_steps=0)


def test_an_action_with_more_steps_than_allowed_is_rejected_unrun_but_the_reference_always_runs(backend):
    limited = get_verifier("shell_exec", sandbox=backend, max_steps=2, probe=False)
    reference = "\n".join(f"```bash\necho {i} >> log\n```" for i in range(4))
    pivot = shell_pivot("true", pivot_id="four-steps")
    pivot = type(pivot).from_dict({**pivot.to_dict(), "reference": {
        "role": "assistant", "content": None, "tool_calls": [bash_call(f"echo {i} >> log", i) for i in range(4)]}})
    assert limited.verify(reference, pivot).equivalent  # as many steps as the reference: allowed
    five = reference + "\n```bash\necho 4 >> log\n```"
    begun = time.monotonic()
    verdict = limited.verify(five, pivot)
    assert time.monotonic() - begun < 1.0
    assert "5 steps" in verdict.reason and verdict.details["max_steps"] == 4


def _containers_of_this_process() -> int:
    import docker

    return len(docker.from_env().containers.list(filters={"label": f"pivotrl.sandbox.owner={os.getpid()}"}))


def test_close_gives_the_warm_sandboxes_back(backend):
    import gymnasium as gym

    import pivotrl  # noqa: F401

    env = gym.make("pivot/terminal-v0", verifier={"name": "shell_exec", "params": {"sandbox": backend}})
    env.reset(seed=1)
    assert env.step(env.unwrapped.pivot.reference)[1] == 1.0
    runtime = env.unwrapped.verifier.runtime
    others = runtime.users - 1  # verifiers of other tests in this process hold the runtime too
    for _ in range(others):
        runtime.release()
    try:
        assert runtime.pool._idle
        if backend == "docker":
            assert _containers_of_this_process() >= 1
        env.close()
        assert not runtime.pool._idle and not runtime.pool._builders
        if backend == "docker":
            deadline = time.monotonic() + 10
            while _containers_of_this_process() and time.monotonic() < deadline:
                time.sleep(0.2)
            assert _containers_of_this_process() == 0
    finally:
        for _ in range(others):
            runtime.acquire()
