"""``gc`` removes the containers of dead runs only: a live owner's containers stay, and so do
those another host made. (Restricted to this test's own containers by a label: other runs on
this machine are none of the test's business.)"""

from __future__ import annotations

import os
import socket
import subprocess
import uuid

import pytest

from pivotrl.sandboxes import cgroups
from pivotrl.sandboxes.docker_backend import LABEL, belongs_to_dead_run, boot_id, gc, owner_labels
from tests.sandboxes.conftest import require_backend

pytestmark = pytest.mark.integration


def _dead_tag() -> tuple[str, str]:
    child = subprocess.Popen(["true"])
    tag = cgroups.owner_tag(child.pid)
    child.wait()
    return str(child.pid), tag


def test_labels_say_whether_the_owner_is_gone():
    mine = owner_labels()
    assert not belongs_to_dead_run(mine)
    pid, tag = _dead_tag()
    assert belongs_to_dead_run({**mine, f"{LABEL}.owner": pid, f"{LABEL}.owner_tag": tag})
    assert not belongs_to_dead_run({**mine, f"{LABEL}.owner_tag": tag, f"{LABEL}.host": "another-host"})
    assert belongs_to_dead_run({**mine, f"{LABEL}.boot": "an-earlier-boot"})
    assert not belongs_to_dead_run({LABEL: "1", f"{LABEL}.owner": str(os.getpid())})  # older labels: pid only
    assert boot_id() != "unknown"


@pytest.fixture
def client():
    require_backend("docker")
    import docker

    return docker.from_env()


def test_gc_removes_dead_runs_containers_and_leaves_live_and_foreign_ones(client):
    from pivotrl.sandboxes.image import image_tag

    token = uuid.uuid4().hex
    test_label = {f"{LABEL}.test": token}
    pid, tag = _dead_tag()
    mine = owner_labels()
    made = {
        "dead": {**mine, f"{LABEL}.owner": pid, f"{LABEL}.owner_tag": tag},
        "live": mine,
        "foreign": {**mine, f"{LABEL}.owner_tag": tag, f"{LABEL}.host": f"not-{socket.gethostname()}"},
    }
    ids = {}
    try:
        for name, labels in made.items():
            ids[name] = client.containers.create(image_tag(), ["true"], labels={**labels, **test_label},
                                                 network_disabled=True).id
        assert gc(client, labels=test_label) == 1
        left = {c.id for c in client.containers.list(all=True, filters={"label": f"{LABEL}.test={token}"})}
        assert left == {ids["live"], ids["foreign"]}
    finally:
        for container in client.containers.list(all=True, filters={"label": f"{LABEL}.test={token}"}):
            container.remove(force=True)
