"""The generic registry (pivotrl.registry): entry points are loaded once, and a lookup made from
several threads while they load (profiling verifies on a thread pool) finds them in every one."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest

from pivotrl import registry as registry_module
from pivotrl.registry import Registry


def test_threads_that_look_up_while_entry_points_load_all_find_them(monkeypatch: pytest.MonkeyPatch):
    scans = []

    def slow_entry_points(group: str) -> list[SimpleNamespace]:
        scans.append(group)
        time.sleep(0.2)  # scanning installed distributions takes a while; the other threads arrive meanwhile
        return [SimpleNamespace(name="engine", value="json:dumps")]

    monkeypatch.setattr(registry_module, "entry_points", slow_entry_points)
    registry: Registry[object] = Registry("search backend", entry_point_group="test.group")
    start = threading.Barrier(6)

    def lookup(_: int) -> object:
        start.wait()
        return registry.get("engine")

    with ThreadPoolExecutor(max_workers=6) as pool:
        found = list(pool.map(lookup, range(6)))
    assert found == [json.dumps] * 6
    assert scans == ["test.group"]  # loaded once, not once per thread
