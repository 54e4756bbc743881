"""The hostile suite, by class of attack, on both backends. Every hostile action scores 0 within
its limits, its attempts to get out fail (a success would print LEAK), and afterwards a LATER,
HONEST check still gets the right reward: the work dir, /tmp, /dev/shm and IPC are empty again,
/dev works, memory and processes are available, other pivots' references score 1, and the
state cache is byte for byte what it was."""

from __future__ import annotations

import contextlib
import hashlib
import json
import socket
import time
import uuid
from pathlib import Path

import pytest

from pivotrl.errors import VerifierError
from pivotrl.verifiers import get_verifier
from tests.sandboxes.conftest import bash, shell_pivot

pytestmark = pytest.mark.integration
TIMEOUT = 3.0
HONEST_TIMEOUT = 15.0
TOKEN = uuid.uuid4().hex[:12]
SECRET = f"answer-of-pivot-b-{TOKEN}"


def editor_call(i: int, **arguments) -> dict:
    return {"id": f"e{i}", "type": "function", "function": {"name": "str_replace_editor",
                                                            "arguments": json.dumps(arguments)}}


def bash_call(i: int, command: str) -> dict:
    return {"id": f"b{i}", "type": "function", "function": {"name": "bash", "arguments": json.dumps({"command": command})}}


def message(*calls: dict) -> dict:
    return {"role": "assistant", "content": None, "tool_calls": list(calls)}


def as_action(action: object) -> object:
    """A bash command as the model would send it; messages and fenced text as they are."""
    return bash(action) if isinstance(action, str) and not action.startswith("```") else action


CLEAN_PROBE = ("cat data.txt; ls -A; ls -A /tmp /dev/shm; ipcs -m -s -q | grep -c '^0x'; cat <(echo procsub); "
               "ps -e --no-headers | wc -l; python3 -c 'b = bytearray(300 * 1024 * 1024); print(len(b))'")


def pivot_a():
    return shell_pivot("sort data.txt", files={"data.txt": "gamma\nalpha\nbeta\n"}, pivot_id=f"iso-a-{TOKEN}")


def pivot_b():
    return shell_pivot("cat answer.txt", files={"answer.txt": SECRET + "\n"}, pivot_id=f"iso-b-{TOKEN}",
                       setup=["chmod 600 answer.txt"])


def clean_pivot():
    return shell_pivot(CLEAN_PROBE, files={"data.txt": "alpha\nbeta\ngamma\n"}, pivot_id=f"iso-clean-{TOKEN}")


HOSTILE: dict[str, list[tuple[str, object]]] = {
    "leftovers that survive cleanup": [
        ("locked tree", "mkdir -p d/e && echo planted > d/e/f && chmod 500 d/e && chmod 000 d; chmod 000 ."),
        ("/tmp and /dev/shm trees", "mkdir -p /tmp/t/u && echo x > /tmp/t/u/f && chmod 000 /tmp/t/u /tmp/t; "
                                    "chmod 1700 /tmp/t; echo s > /dev/shm/s; mkdir /dev/shm/d; chmod 000 /dev/shm/d"),
        ("sparse files", "for i in $(seq 16); do truncate -s 60M s$i; truncate -s 60M /tmp/s$i; done"),
        ("1,200-deep tree", "python3 -c \"import os\nfor i in range(1200): os.mkdir('d'); os.chdir('d')\n"
                            "open('f', 'w').write('x')\""),
        ("fifos sockets odd names", "mkfifo p /tmp/p /dev/shm/p; touch $'\\xff\\xfe' $'new\\nline' -- -rf; "
                                    "python3 -c \"import socket; socket.socket(socket.AF_UNIX).bind('sock')\"; "
                                    "cp /bin/true t && chmod 4755 t && ln t hard"),
        ("processes", "(sleep 300 &); nohup sleep 300 >/dev/null 2>&1 & setsid sleep 300 & "
                      "python3 -c 'import os; os.fork() or os.setsid(); import time; time.sleep(300)' &"),
        ("20,000 files", "python3 -c \"\nfor i in range(20000): open('f%d' % i, 'w').close()\""),
    ],
    "reading outside the own state": [
        ("the states folder", "ls -la /state 2>&1; find / -xdev -name '*.tar' 2>/dev/null | head; "
                              f"grep -rl {TOKEN} /state /opt /tmp /dev/shm 2>/dev/null && echo LEAK"),
        ("the agent's view", "ls /proc/1/root/state /proc/1/cwd /proc/1/fd 2>&1 && echo LEAK; "
                             "cat /proc/1/environ /proc/1/maps 2>&1 | head -c 300"),
        ("every process's root", f"for p in /proc/[0-9]*; do grep -rl {TOKEN} $p/root/state $p/root/work "
                                 "2>/dev/null && echo LEAK; done; true"),
        ("the host", "cat /etc/resolv.conf /etc/hostname; hostname; cat /etc/hosts 2>/dev/null; "
                     "ls /opt/pivotrl 2>&1 && echo LEAK"),
    ],
    "host-wide limits": [
        ("fork bomb", ":(){ :|:& };:"),
        ("six 400 MB processes", "for i in 1 2 3 4 5 6; do python3 -c 'x = bytearray(400 << 20); "
                                 "import time; time.sleep(2)' & done; wait; echo done"),
        ("4 GB at once", "python3 -c 'x = bytearray(4 << 30); print(len(x))'"),
        ("fill the disks", "dd if=/dev/zero of=big bs=1M count=400 2>/dev/null; "
                           "dd if=/dev/zero of=/tmp/big bs=1M count=100 2>/dev/null; "
                           "dd if=/dev/zero of=/dev/shm/big bs=1M count=100 2>/dev/null; ls"),
        ("hold processes", "for i in $(seq 120); do sleep 300 & done; echo held"),
    ],
    "device and IPC persistence": [
        ("/dev", "rm -f /dev/fd /dev/null /dev/zero && echo LEAK; ln -s /x /dev/y && echo LEAK; "
                 "touch /dev/z && echo LEAK; chmod 000 /dev/null && echo LEAK; true"),
        ("System V shared memory", "python3 -c \"\nimport ctypes\nlibc = ctypes.CDLL(None)\n"
                                   "ident = libc.shmget(4242, 400 << 20, 0o1666)\nprint(ident)\n\"; ipcs -m"),
        ("semaphores and queues", "python3 -c \"import ctypes; l = ctypes.CDLL(None); "
                                  "print(l.semget(77, 3, 0o1666), l.msgget(78, 0o1666))\"; ipcs -s -q"),
        ("POSIX queues and shm files", "python3 -c \"import ctypes; l = ctypes.CDLL(None, use_errno=True); "
                                       "print(l.mq_open(b'/q', 0o100 | 2, 0o666, None))\"; "
                                       "head -c 60000000 /dev/zero > /dev/shm/fill; ls -la /dev/shm"),
    ],
    "memory through host-side code": [
        ("editor on devices, fifos, big files and links out", message(
            bash_call(0, "ln -s /dev/zero z; mkfifo f; truncate -s 63M big; ln -s /etc/passwd pw; ln -s /tmp out; "
                         "ln -s /dev/stdin in"),
            editor_call(1, command="view", path="z"), editor_call(2, command="view", path="f"),
            editor_call(3, command="str_replace", path="f", old_str="a", new_str="b"),
            editor_call(4, command="view", path="pw"), editor_call(5, command="create", path="out/x", file_text="x"),
            editor_call(6, command="view", path="in"), editor_call(7, command="view", path="/proc/self/environ"),
            editor_call(8, command="view", path="big"), editor_call(9, command="view", path="../../etc/shadow"))),
        ("digest of many sparse files", "for i in $(seq 60); do truncate -s 63M s$i; done; echo made"),
    ],
    "time amplification": [
        ("10,000 commands", "```bash\ntrue\n```\n" * 10000),
        ("a long chain", "\n".join(f"```bash\nsleep {TIMEOUT - 0.5}\n```" for _ in range(30))),
        ("steps after a timeout", message(bash_call(0, "sleep 100"), bash_call(1, "echo LEAK > leak"))),
    ],
    "signals": [
        ("every signal to the agent", "for s in TERM INT HUP QUIT USR1 USR2 SEGV ABRT PIPE ALRM CONT STOP KILL; do "
                                      "kill -$s 1 2>/dev/null; done; kill -9 -1"),
        ("signals to every process", "for p in $(ps -e -o pid=); do kill -STOP $p; kill -9 $p; done 2>/dev/null; true"),
    ],
    "namespaces": [
        ("nested namespaces", "unshare -U true && echo LEAK; unshare -r true && echo LEAK; unshare -m true && echo LEAK; "
                              "unshare -n true && echo LEAK; unshare -p -f true && echo LEAK; unshare -i true && echo LEAK; "
                              "nsenter -t 1 -m true && echo LEAK; true"),
        ("kernel interfaces", "python3 -c \"\nimport ctypes, platform\nl = ctypes.CDLL(None, use_errno=True)\n"
                              "nums = {'x86_64': (250, 101, 298, 321, 425, 165), 'aarch64': (219, 117, 241, 280, 425, 40)}"
                              "[platform.machine()]\nfor n in nums:\n"
                              "    if l.syscall(n, 1, 0, 0, 0, 0) != -1: print('LEAK', n)\n\"; true"),
        ("mount and chroot", "mount -t tmpfs none /work 2>/dev/null && echo LEAK; chroot / true 2>/dev/null && echo LEAK; "
                             "true"),
    ],
}


@pytest.fixture(scope="module")
def verifier(backend):
    return get_verifier("shell_exec", sandbox=backend, timeout=TIMEOUT, concurrency=1)


def cache_snapshot(verifier) -> dict[str, str]:
    root = verifier.runtime.states.root
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in ("objects", "keys") for p in sorted((root / folder).iterdir()) if p.is_file()}


def honest_verifier(backend: str):
    """A verifier with its own reference cache and time to spare on a loaded machine."""
    return get_verifier("shell_exec", sandbox=backend, timeout=HONEST_TIMEOUT, concurrency=1)


@pytest.fixture(scope="module")
def warmed(backend, verifier):
    """The honest pivots' states built and their references run once: the cache to compare with."""
    honest = honest_verifier(backend)
    for action, pivot in ((bash("sort data.txt"), pivot_a()), (bash("cat answer.txt"), pivot_b()),
                          (bash(CLEAN_PROBE), clean_pivot())):
        verdict = honest.verify(action, pivot)
        assert verdict.equivalent, verdict.reason
    return cache_snapshot(verifier)


def assert_later_honest_checks_are_right(backend: str, verifier, snapshot: dict[str, str]) -> None:
    honest = honest_verifier(backend)
    probe = honest.verify(bash(CLEAN_PROBE), clean_pivot())
    assert probe.equivalent, probe.reason
    lines = probe.details["action"]["stdout"].split("\n")
    assert lines[:9] == ["alpha", "beta", "gamma", "data.txt", "/dev/shm:", "", "/tmp:", "0", "procsub"], lines
    assert int(lines[9]) <= 4, lines  # the agent, bash, ps and wc: nothing left running
    assert lines[10] == str(300 * 1024 * 1024)
    a = honest.verify(bash("sort data.txt"), pivot_a())
    assert a.equivalent and a.details["action"]["stdout"] == "alpha\nbeta\ngamma\n", a.reason
    b = honest.verify(bash("cat answer.txt"), pivot_b())
    assert b.equivalent and b.details["action"]["stdout"] == SECRET + "\n", b.reason
    # Other runs on this machine may add states meanwhile; none that was there may change, and
    # every object still hashes to its name.
    now = cache_snapshot(verifier)
    assert {k: now.get(k) for k in snapshot} == snapshot
    assert all(digest == name[len("objects/"):-len(".tar")] for name, digest in now.items() if name.startswith("objects/"))


def host_secrets() -> list[str]:
    secrets = [socket.gethostname()]
    with contextlib.suppress(OSError):
        secrets += [line.split()[1] for line in Path("/etc/resolv.conf").read_text().splitlines()
                    if line.startswith("nameserver")]
    return [s for s in secrets if s and s not in ("localhost", "sandbox")]


@pytest.mark.parametrize("attack_class", sorted(set(HOSTILE) - {"host-wide limits", "time amplification"}))
def test_hostile_actions_fail_and_later_honest_checks_are_right(backend, verifier, warmed, attack_class):
    started_before = verifier.runtime.pool.started
    for label, action in HOSTILE[attack_class]:
        begun = time.monotonic()
        verdict = verifier.verify(as_action(action), pivot_a())
        elapsed = time.monotonic() - begun
        seen = verdict.details.get("action", {})
        assert seen.get("steps_run", 0) >= 1, (label, verdict.reason)  # it ran: the attack was made
        out = seen.get("stdout", "") + seen.get("stderr", "")
        assert verdict.score == 0.0 and verdict.reason, label
        verdict.reason.encode("utf-8")  # valid UTF-8 whatever the names and bytes
        json.dumps(verdict.details, ensure_ascii=False).encode("utf-8")
        assert "LEAK" not in seen.get("stdout", ""), (label, seen)
        assert TOKEN not in out, label
        if label == "the host":
            assert not any(s in out for s in host_secrets()), (label, out)
        assert elapsed <= 2 * TIMEOUT + 8, f"{label} took {elapsed:.1f}s"
    if attack_class == "signals":
        assert verifier.runtime.pool.started == started_before  # the agent survived: its sandbox was reused
    assert_later_honest_checks_are_right(backend, verifier, warmed)


def test_host_wide_limits_hold_while_another_pivot_is_checked(backend, warmed):
    """Hostile actions and honest references of another pivot at the same time: the honest
    ones score 1 (limits hold per sandbox, not per host user)."""
    both = get_verifier("shell_exec", sandbox=backend, timeout=TIMEOUT + 3, concurrency=2)
    actions, pivots = [], []
    for _, action in HOSTILE["host-wide limits"]:
        actions += [as_action(action), bash("cat answer.txt")]
        pivots += [pivot_a(), pivot_b()]
    verdicts = both.verify_batch(actions, pivots)
    assert [v.score for v in verdicts] == [0.0, 1.0] * len(HOSTILE["host-wide limits"]), [v.reason for v in verdicts]
    assert all(v.details["action"]["steps_run"] == 1 for v in verdicts[::2]), [v.reason for v in verdicts[::2]]
    assert_later_honest_checks_are_right(backend, both, warmed)


def test_time_is_bounded_per_action_and_counted_in_the_verdict(backend, verifier, warmed):
    begun = time.monotonic()
    many = verifier.verify(HOSTILE["time amplification"][0][1], pivot_a())
    assert time.monotonic() - begun < 2.0
    assert "10000 steps" in many.reason and "max_steps" in many.reason
    begun = time.monotonic()
    first = verifier.verify(HOSTILE["time amplification"][2][1], pivot_a())
    assert time.monotonic() - begun < TIMEOUT + 5
    assert "step 1 of 2 timed out" in first.reason and "1 later step(s) did not run" in first.reason
    assert first.details["action"]["steps_run"] == 1
    budgeted = get_verifier("shell_exec", sandbox=backend, timeout=TIMEOUT, time_budget=2 * TIMEOUT, concurrency=1)
    begun = time.monotonic()
    chain = budgeted.verify(HOSTILE["time amplification"][1][1], pivot_a())
    assert time.monotonic() - begun < 2 * TIMEOUT + 6
    assert "time budget" in chain.reason and chain.details["action"]["steps_run"] < 30, chain.reason
    assert_later_honest_checks_are_right(backend, verifier, warmed)


@pytest.mark.parametrize(("setup", "reason"), [
    (["for i in $(seq 16); do truncate -s 60M s$i; done"], "more than"),
    (["ln -s /etc/passwd pw"], "pw -> /etc/passwd: the link leaves the work dir"),
    (["python3 -c \"import socket; socket.socket(socket.AF_UNIX).bind('sock')\""], "a socket cannot be kept"),
])
def test_a_state_that_cannot_be_kept_is_refused_with_the_reason(backend, verifier, warmed, setup, reason):
    pivot = shell_pivot("ls", setup=setup, pivot_id=f"refused-{TOKEN}-{abs(hash(reason))}")
    begun = time.monotonic()
    with pytest.raises(VerifierError, match=reason):
        verifier.verify(bash("ls"), pivot)
    assert time.monotonic() - begun < 30
    assert_later_honest_checks_are_right(backend, verifier, warmed)
