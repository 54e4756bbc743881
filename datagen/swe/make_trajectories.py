"""Write ``trajectories.jsonl``: synthetic software-engineering agent trajectories.

Each trajectory fixes one issue in one of the small repositories under
``pivot_envs/data/swe/repos/`` (written for this project). The specs are hand-written in
``scenarios_*.py``; this script replays every tool call for real in a scratch
copy of the repository (``replay``; editor semantics in ``editor``), so
every tool message is what the tool printed. It then runs ``selfcheck``,
which replays everything twice more and checks the records.

Run with the project's virtualenv (its pytest runs the replayed tests):

    .venv/bin/python -m pivotrl.datagen.swe.make_trajectories [--out FILE]

(default: the shipped ``pivot_envs/data/swe/trajectories.jsonl``).
Standard library only (the replayed test runs use pytest from the virtualenv).
Exits non-zero when the self-check fails.
"""

import argparse
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pivotrl.datagen.shipped import env_data

from . import (
    scenarios_dateparse,
    scenarios_inventory,
    scenarios_invoice,
    scenarios_textstats,
    scenarios_textstats_more,
)
from .replay import replay
from .selfcheck import self_check

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


def main(argv=None):
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=env_data("swe/trajectories.jsonl"),
                        help="output file (default: the shipped one, %(default)s)")
    out_path = parser.parse_args(argv).out
    specs = all_specs()
    with ThreadPoolExecutor(8) as pool:  # each replay has its own scratch dir
        records = [record for record, _calls, _diff in pool.map(replay, specs)]
    with open(out_path, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"wrote {len(records)} trajectories to {out_path}")
    return self_check(specs, out_path)


if __name__ == "__main__":
    sys.exit(main())
