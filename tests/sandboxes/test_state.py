"""Pivot states on the real backends: what the trajectory's setup made is what a check sees
(links with '..', dangling links, modes, empty folders, FIFOs, odd names), an object that
does not hash to its name is rebuilt and never used, and equal contents share one object."""

from __future__ import annotations

import json
import uuid

import pytest

from pivotrl.sandboxes import StateSpec, Step
from pivotrl.verifiers import get_verifier
from tests.sandboxes.conftest import bash, shell_pivot

pytestmark = pytest.mark.integration

SETUP = ("mkdir -p src/pkg empty locked && echo 'x = 1' > src/pkg/mod.py && echo inner > locked/inner.txt && "
         "ln -s ../pkg/mod.py src/pkg/up && ln -s ../../empty src/pkg/twice-up && ln -s src/pkg/mod.py relative && "
         "ln -s does/not/exist dangling && ln -s /work/src absolute-inside && mkfifo pipe && "
         "echo s > secret.txt && chmod 000 secret.txt && chmod 500 locked && "
         "touch $'bad\\xff' $'new\\nline' -- -rf 'sp ace' && printf 'h' > hardsrc && ln hardsrc hardlink && truncate -s 200000 sparse && chmod 1751 empty")
LISTING = ("find . -mindepth 1 -printf '%p|%y|%m|%l|%s|%n\\n' | LC_ALL=C sort | od -c | md5sum; "
           "cat src/pkg/up relative; ls -la --time-style=+ | tail -n +2 | LC_ALL=C sort | md5sum")


@pytest.fixture(scope="module")
def verifier(backend):
    return get_verifier("shell_exec", sandbox=backend, timeout=10, concurrency=1, probe=False)


def test_a_restored_state_is_what_the_setup_made(verifier):
    token = uuid.uuid4().hex[:8]
    restored = shell_pivot(LISTING, files={"seed.txt": token}, setup=[SETUP], pivot_id=f"faithful-{token}")
    live = shell_pivot("true", files={"seed.txt": token}, pivot_id=f"live-{token}")
    # the listing of the restored state, and the same setup run live in one check with no state in between
    from_state = verifier.verify(bash(LISTING), restored)
    made_live = verifier.verify(bash(f"{SETUP}\n{LISTING}"), live)
    assert from_state.equivalent, from_state.reason
    assert from_state.details["action"]["stdout"] == made_live.details["action"]["stdout"]
    assert "x = 1\nx = 1" in from_state.details["action"]["stdout"]


def _object_path(verifier, spec: StateSpec):
    states = verifier.runtime.states
    record = json.loads((states.keys / f"{spec.key(states.rootfs_id)}.json").read_text())
    return states.objects / f"{record['object']}.tar"


def test_an_object_that_does_not_hash_to_its_name_is_rebuilt_not_used(backend, verifier):
    from pivotrl.sandboxes.state import StateCache

    token = uuid.uuid4().hex[:8]
    pivot = shell_pivot("cat data.txt", files={"data.txt": f"right {token}\n"}, pivot_id=f"corrupt-{token}")
    assert verifier.verify(bash("cat data.txt"), pivot).equivalent
    spec = StateSpec(files={"data.txt": f"right {token}\n"})
    path = _object_path(verifier, spec)
    good = path.read_bytes()
    path.chmod(0o600)
    path.write_bytes(good.replace(b"right", b"wrong"))  # same size, other content
    # a new process's cache (nothing verified yet) finds the damage and builds the state again
    runtime = verifier.runtime
    fresh = StateCache(runtime.states.root, runtime.states.rootfs_id, runtime.states.owner_uid)
    name = fresh.get(spec, runtime.pool, verifier.limits)
    assert fresh.builds == 1
    result = runtime.pool.check(fresh.mount_dir, [Step.shell("cat data.txt")], verifier.limits, state=name)
    assert result.results[0].stdout == f"right {token}\n"
    assert _object_path(verifier, spec) == fresh.objects / f"{name}.tar"
    assert b"wrong" not in (fresh.objects / f"{name}.tar").read_bytes()


def test_equal_contents_share_one_object(verifier):
    token = uuid.uuid4().hex[:8]
    one = StateSpec(files={"a.txt": token})
    other = StateSpec(files={}, setup=(f"printf %s {token} > a.txt && touch -d @0 a.txt",))
    first = verifier.runtime.state_key(StateSpec(files={"a.txt": token}, setup=("touch -d @0 a.txt",)), verifier.limits)
    second = verifier.runtime.state_key(other, verifier.limits)
    assert first == second
    assert verifier.runtime.state_key(one, verifier.limits) != first  # another mtime is another state
