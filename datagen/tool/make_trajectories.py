"""Write ``trajectories.jsonl``: synthetic multi-turn tool-use conversations.

Every conversation was generated for this project from hand-written templates
and pools of names, places, products and dates (see ``scenarios/``); nothing is
copied from an existing data set.  Records use the OpenAI chat-completions
layout (``messages`` with ``tool_calls`` / ``tool`` turns plus a ``tools``
list of JSON-Schema function definitions).

Run ``python -m pivotrl.datagen.tool.make_trajectories [--out FILE]`` to regenerate
the file (default: the shipped ``pivot_envs/data/tool/trajectories.jsonl``).  Generation is deterministic (one seeded ``random.Random`` per scenario)
and standard-library only; the self-check at the end additionally needs
``jsonschema``.  The script exits non-zero if the self-check fails.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

from pivotrl.datagen.shipped import env_data

from .scenarios import SCENARIOS
from .scenarios.common import Conv
from .selfcheck import self_check

PER_SCENARIO = 10
MAX_BYTES = 1_000_000


def build() -> list[dict]:
    records: list[dict] = []
    number = 0
    for module in SCENARIOS:
        rng = random.Random(f"pivotrl-tool-{module.NAME}-v1")
        for k in range(PER_SCENARIO):
            number += 1
            flow = module.FLOWS[k % len(module.FLOWS)]
            conv = Conv(number, module.NAME, module.SYSTEM, module.TOOLS)
            conv.flow = flow.__name__
            flow(conv, rng)
            records.append(conv.record())
    return records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=env_data("tool/trajectories.jsonl"),
                        help="output file (default: the shipped one, %(default)s)")
    out_path = parser.parse_args(argv).out
    records = build()
    with out_path.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"wrote {len(records)} trajectories to {out_path}")
    # Determinism: a second build must be byte-identical.
    again = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in build())
    deterministic = again == out_path.read_text(encoding="utf-8")
    return self_check(out_path, max_bytes=MAX_BYTES, deterministic=deterministic)


if __name__ == "__main__":
    sys.exit(main())
