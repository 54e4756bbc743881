#!/usr/bin/env python3
"""Write ``trajectories.jsonl``: synthetic software-engineering agent trajectories.

Each trajectory fixes one issue in one of the small repositories under
``repos/`` (written for this project). The specs are hand-written in
``scenarios_*.py``; this script replays every tool call for real in a scratch
copy of the repository (``replay.py``; editor semantics in ``editor.py``), so
every tool message is what the tool printed. It then runs ``selfcheck.py``,
which replays everything twice more and checks the records.

Run from the repository root of pivotrl:

    .venv/bin/python pivot_envs/data/swe/make_trajectories.py

Standard library only (the replayed test runs use pytest from the virtualenv).
Exits non-zero when the self-check fails.
"""

import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import scenarios_dateparse  # noqa: E402
import scenarios_inventory  # noqa: E402
import scenarios_invoice  # noqa: E402
import scenarios_textstats  # noqa: E402
import scenarios_textstats_more  # noqa: E402
from replay import replay  # noqa: E402
from selfcheck import self_check  # noqa: E402

OUT_PATH = os.path.join(HERE, "trajectories.jsonl")

MODULES = [
    scenarios_textstats,
    scenarios_textstats_more,
    scenarios_invoice,
    scenarios_dateparse,
    scenarios_inventory,
]


def all_specs():
    specs = []
    for module in MODULES:
        specs.extend(module.TRAJECTORIES)
    return specs


def main():
    specs = all_specs()
    with ThreadPoolExecutor(8) as pool:  # each replay has its own scratch dir
        records = [record for record, _calls, _diff in pool.map(replay, specs)]
    with open(OUT_PATH, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"wrote {len(records)} trajectories to {os.path.relpath(OUT_PATH)}")
    return self_check(specs, OUT_PATH)


if __name__ == "__main__":
    sys.exit(main())
