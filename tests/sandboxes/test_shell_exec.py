"""shell_exec on the real backends: effects decide, state is rebuilt once per pivot, and a
warm sandbox never leaks one check's writes into the next."""

from __future__ import annotations

import json
import uuid

import pytest

from pivotrl.errors import VerifierError
from pivotrl.verifiers import get_verifier
from tests.sandboxes.conftest import bash, shell_pivot

pytestmark = pytest.mark.integration

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
