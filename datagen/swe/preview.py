"""Replay some trajectory specs and print them readably (a development aid).

    .venv/bin/python -m pivotrl.datagen.swe.preview textstats          # a scenario module
    .venv/bin/python -m pivotrl.datagen.swe.preview swe-invoice-0003   # one trajectory id

Nothing is written to disk.
"""

import importlib
import json
import sys

from .replay import replay

MODULE_NAMES = [
    "scenarios_textstats",
    "scenarios_textstats_more",
    "scenarios_invoice",
    "scenarios_dateparse",
    "scenarios_inventory",
]


def load_specs(selector):
    specs = []
    for name in MODULE_NAMES:
        module = importlib.import_module(f"{__package__}.{name}")
        for spec in module.TRAJECTORIES:
            if selector in (spec["id"], spec["repo"], name) or selector == "all":
                specs.append(spec)
    return specs


def show(record):
    print("=" * 78)
    print(record["id"], "setup:", (record["env"]["setup"] and "yes") or "none")
    for message in record["messages"][1:]:
        if message["role"] == "user":
            print("USER:", message["content"][:300], "...")
        elif message["role"] == "assistant" and message.get("tool_calls"):
            function = message["tool_calls"][0]["function"]
            args = json.loads(function["arguments"])
            print(f"--> {function['name']}: {json.dumps(args)[:400]}")
        elif message["role"] == "tool":
            print(message["content"])
        else:
            print("FINAL:", message["content"])


def main(argv):
    for selector in argv or ["all"]:
        for spec in load_specs(selector):
            record, _calls, diff = replay(spec)
            show(record)
            print("-" * 30, "diff", "-" * 30)
            print(diff)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
