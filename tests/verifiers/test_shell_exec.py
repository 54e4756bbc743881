"""shell_exec on the real backends: effects decide, state is rebuilt once per pivot, and a
warm sandbox never leaks one check's writes into the next; output is compared as the bytes
written, reasons are always valid UTF-8, per-action step and time limits are part of the spec,
and close() gives the sandboxes back."""

from __future__ import annotations

import json
import os
import time
import uuid

import pytest

from pivotrl.errors import VerifierError
from pivotrl.verifiers import get_verifier
from tests.sandboxes.conftest import BACKENDS, bash, bash_call, require_backend, shell_pivot

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request):
    return require_backend(request.param)

LOG = "".join(f"2026-03-0{d} 10:0{m}:00 {lvl} {mod} msg\n" for d, m, lvl, mod in [
    (1, 1, "INFO", "api"), (1, 2, "ERROR", "billing"), (2, 3, "ERROR", "api"), (2, 4, "WARN", "db"),
    (3, 5, "ERROR", "billing")])


@pytest.fixture(scope="module")
def verifier(backend):
    return get_verifier("shell_exec", sandbox=backend, timeout=5)


@pytest.mark.parametrize(("reference", "candidate"), [
    ("grep -c ERROR app.log", "grep ERROR app.log | wc -l"),
    ("sort app.log | head -n 2", "head -n 2 <(sort app.log)"),
    ("mkdir -p archive && mv app.log archive/", "mkdir archive; mv app.log archive/app.log"),
    ("sed -i 's/ERROR/FAIL/' app.log", "python3 -c \"import re,pathlib; p=pathlib.Path('app.log'); "
     "p.write_text('\\n'.join(l.replace('ERROR','FAIL',1) for l in p.read_text().split('\\n')))\""),
    ("find . -name '*.log'", "ls ./*.log | sed 's|^|./|; s|^\\./\\./|./|'"),
])
def test_commands_with_the_same_effect_are_equivalent(verifier, reference, candidate):
    pivot = shell_pivot(reference, files={"app.log": LOG})
    verdict = verifier.verify(bash(candidate), pivot)
    assert verdict.equivalent, (verdict.reason, verdict.details)


@pytest.mark.parametrize(("reference", "candidate", "reason"), [
    ("grep -c ERROR app.log", "grep -c WARN app.log", "stdout line 1"),
    ("cat app.log | wc -l", "wc -l app.log; rm app.log", "stdout line 1"),
    ("wc -l < app.log", "wc -l < app.log; rm app.log", "app.log is missing"),
    ("sed -i 's/ERROR/FAIL/' app.log", "sed -i 's/ERROR/FAIL/g; s/INFO/FAIL/' app.log", "app.log differs"),
    ("chmod 600 app.log", "chmod 644 app.log", "permissions"),
    ("grep -q billing app.log", "grep -q payroll app.log", "exit status 1, expected 0"),
])
def test_different_effects_are_rejected_with_the_first_difference(verifier, reference, candidate, reason):
    verdict = verifier.verify(bash(candidate), shell_pivot(reference, files={"app.log": LOG}))
    assert not verdict.equivalent
    assert reason in verdict.reason, verdict.reason
    assert {"reference", "action"} <= set(verdict.details)


def test_state_is_files_then_setup_then_replayed_calls(verifier):
    pivot = shell_pivot("cat notes/summary.txt", files={"app.log": LOG}, setup=["mkdir notes"],
                        earlier=["grep ERROR app.log | cut -d' ' -f4 | sort | uniq -c > notes/summary.txt"],
                        pivot_id="replay")
    verdict = verifier.verify(bash("cat notes/summary.txt"), pivot)
    assert verdict.equivalent
    assert verdict.details["action"]["stdout"].split() == ["1", "api", "2", "billing"]


def test_k_checks_build_the_state_once_in_a_builder_and_reuse_warm_sandboxes(verifier):
    token = uuid.uuid4().hex  # a state no earlier run has cached
    pivot = shell_pivot("wc -l app.log", files={"app.log": LOG + token + "\n"}, pivot_id="k16")
    pool = verifier.runtime.pool
    builds, started = verifier.runtime.states.builds, pool.started
    verdicts = verifier.verify_batch([bash("wc -l app.log"), bash("wc -l < app.log")] * 8, pivot)
    assert [v.equivalent for v in verdicts] == [True, False] * 8
    assert verifier.runtime.states.builds == builds + 2  # the pivot state and its probe state, once each
    assert pool.started - started <= verifier.concurrency
    assert pool.reused > 0
    checked = {id(box) for boxes in pool._idle.values() for box in boxes}
    assert checked and not checked & {id(box) for box in pool._builders}  # builds never ran where actions ran


def test_a_warm_sandbox_does_not_leak_writes_into_the_next_check(verifier):
    pivot = shell_pivot("cat app.log | md5sum; ls -A; ls -A /tmp; ps -e --no-headers | wc -l",
                        files={"app.log": LOG}, pivot_id="pristine")
    vandal = bash("echo tampered >> app.log; touch new.txt; rm -f missing; echo x > /tmp/x; chmod 000 .; "
                  "(sleep 300 &); echo done")
    probe = bash("cat app.log | md5sum; ls -A; ls -A /tmp; ps -e --no-headers | wc -l")
    for _ in range(3):  # vandal, probe, vandal, probe... all on the same warm sandboxes
        assert not verifier.verify(vandal, pivot).equivalent
        verdict = verifier.verify(probe, pivot)
        assert verdict.equivalent, verdict.reason


def test_editor_calls_run_in_the_sandbox(verifier):
    files = {"calc.py": "def total(values):\n    result = 0\n    return None\n"}
    ref = {"role": "assistant", "content": None, "tool_calls": [{"id": "e", "type": "function", "function": {
        "name": "str_replace_editor", "arguments": json.dumps({"command": "str_replace", "path": "calc.py",
                                                               "old_str": "    return None", "new_str": "    return sum(values)"})}}]}
    from dataclasses import replace

    pivot = replace(shell_pivot("true", files=files, pivot_id="edit"), reference=ref)
    # the editor's acknowledgement is tool chatter, not an effect: a shell edit prints none
    same = ('<tool_call>{"name": "bash", "arguments": {"command": "sed -i \'s/    return None/    return sum(values)/\' calc.py"}}'
            '</tool_call>')
    verdict = verifier.verify(same, pivot)
    assert verdict.equivalent, verdict.reason
    wrong = ('<tool_call>{"name": "str_replace_editor", "arguments": {"command": "str_replace", "path": "calc.py", '
             '"old_str": "    return None", "new_str": "    return max(values)"}}</tool_call>')
    assert "calc.py differs" in verifier.verify(wrong, pivot).reason


def test_non_shell_tool_and_text_turns(verifier):
    pivot = shell_pivot("ls")
    assert "not a shell or editor tool" in verifier.verify('{"name": "web_search", "arguments": {}}', pivot).reason
    assert "replies in text" in verifier.verify("All done!", pivot).reason


def test_bad_parameters_and_unknown_backend_fail_at_construction():
    with pytest.raises(VerifierError):
        get_verifier("shell_exec", compare=["vibes"])
    with pytest.raises(VerifierError, match="unknown sandbox backend"):
        get_verifier("shell_exec", sandbox="firecracker")


@pytest.mark.parametrize("env_id", ["pivot/terminal-v0", "pivot/swe-v0"])
def test_shell_environments_step_with_the_reference_and_a_hostile_action(backend, env_id):
    import gymnasium as gym

    import pivotrl  # noqa: F401

    env = gym.make(env_id, verifier={"name": "shell_exec", "params": {"sandbox": backend}})
    _, info = env.reset(seed=3)
    reference = env.unwrapped.pivot.reference
    _, reward, terminated, _, info = env.step(reference)
    assert reward == 1.0 and terminated, info["verdict"].reason
    env.reset(options={"pivot_id": info["pivot_id"]})
    _, reward, _, _, info = env.step("```bash\nrm -rf ~ ; kill -9 -1\n```")
    assert reward == 0.0 and info["verdict"].reason


@pytest.mark.parametrize(("reference", "from_memory"), [
    ("ls data", "printf 'a.csv\\nb.csv\\n'"),
    ("wc -l < data/a.csv", "echo 2"),
    ("head -n 1 data/a.csv", "echo id,name"),
])
def test_output_printed_from_memory_is_rejected_on_the_probe_state(backend, reference, from_memory):
    files = {"data/a.csv": "id,name\n1,ada\n", "data/b.csv": "id,name\n"}
    pivot = shell_pivot(reference, files=files, pivot_id=f"probe-{abs(hash(reference))}")
    probing = get_verifier("shell_exec", sandbox=backend, timeout=5)
    verdict = probing.verify(bash(from_memory), pivot)
    assert not verdict.equivalent and "probe state" in verdict.reason, verdict.reason
    assert probing.verify(bash(reference + " | cat"), pivot).equivalent
    # without the probe only the pivot's own state is compared, where the two look the same
    assert get_verifier("shell_exec", sandbox=backend, timeout=5, probe=False).verify(bash(from_memory), pivot).equivalent


@pytest.fixture(scope="module")
def plain(backend):
    """Without the probe state: these tests are about one comparison."""
    return get_verifier("shell_exec", sandbox=backend, timeout=5, probe=False)


@pytest.mark.parametrize(("reference", "candidate"), [
    (r"printf '\xff\n'", r"printf '\xfe\n'"),  # both decode to U+FFFD with errors="replace"
    (r"printf 'caf\xc3\xa9'", r"printf 'caf\xe9'"),  # the same word in UTF-8 and Latin-1
    (r"printf 'a\x00b'", r"printf 'a\x00c'"),
])
def test_different_output_bytes_are_never_equal(plain, reference, candidate):
    pivot = shell_pivot(reference, pivot_id=f"bytes-{abs(hash(reference))}")
    assert plain.verify(bash(reference), pivot).equivalent
    verdict = plain.verify(bash(candidate), pivot)
    assert not verdict.equivalent
    assert "stdout" in verdict.reason
    verdict.reason.encode("utf-8")


def test_reasons_and_details_are_valid_utf8_for_names_with_invalid_bytes(plain):
    pivot = shell_pivot("touch $'report-\\xff.txt'", pivot_id="bad-name")
    verdict = plain.verify(bash("touch $'report-\\xfe.txt'"), pivot)
    assert not verdict.equivalent
    assert "report-\\xfe.txt" in verdict.reason or "report-\\xff.txt" in verdict.reason
    line = json.dumps(verdict.to_dict(), ensure_ascii=False)  # what `pivotrl profile` writes
    line.encode("utf-8")
    shown = plain.verify(bash(r"ls; printf '\xff\n' >&2"), pivot)
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


def test_a_parser_copy_holds_its_own_share_of_the_sandboxes(backend):
    """``with_parser`` copies the verifier: closing the copy must not stop the sandboxes the
    original still uses (each holds one share, each close gives back one)."""
    original = get_verifier("shell_exec", sandbox=backend)
    runtime = original.runtime
    before = runtime.users
    copy = original.with_parser("bash")
    assert runtime.users == before + 1
    copy.close()
    copy.close()  # twice: still one share
    assert runtime.users == before
    original.close()
    assert runtime.users == before - 1


def test_a_parser_copy_of_a_combinator_holds_its_own_share_too(backend):
    original = get_verifier("any_of", verifiers=["exact", {"name": "shell_exec", "params": {"sandbox": backend}}])
    runtime = original.members[1].runtime
    before = runtime.users
    copy = original.with_parser("bash")
    assert runtime.users == before + 1 and copy.members[1] is not original.members[1]
    copy.close()
    assert runtime.users == before
    original.close()
    assert runtime.users == before - 1
