#!/usr/bin/env python3
"""Write ``trajectories.jsonl``: synthetic multi-turn tool-use conversations.

Every conversation was generated for this project from hand-written templates
and pools of names, places, products and dates (see ``scenarios/``); nothing is
copied from an existing data set.  Records use the OpenAI chat-completions
layout (``messages`` with ``tool_calls`` / ``tool`` turns plus a ``tools``
list of JSON-Schema function definitions).

Run ``python pivot_envs/data/tool/make_trajectories.py`` to regenerate the
file.  Generation is deterministic (one seeded ``random.Random`` per scenario)
and standard-library only; the self-check at the end additionally needs
``jsonschema``.  The script exits non-zero if the self-check fails.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT_PATH = HERE / "trajectories.jsonl"
PER_SCENARIO = 10
MAX_BYTES = 1_000_000

sys.path.insert(0, str(HERE))

from scenarios import SCENARIOS  # noqa: E402
from scenarios.common import Conv  # noqa: E402
from selfcheck import self_check  # noqa: E402


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


def main() -> int:
    records = build()
    with OUT_PATH.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"wrote {len(records)} trajectories to {OUT_PATH}")
    # Determinism: a second build must be byte-identical.
    again = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in build())
    deterministic = again == OUT_PATH.read_text(encoding="utf-8")
    return self_check(OUT_PATH, max_bytes=MAX_BYTES, deterministic=deterministic)


if __name__ == "__main__":
    sys.exit(main())
