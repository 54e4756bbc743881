"""Write ``trajectories.jsonl``: synthetic multi-turn bash trajectories for ``pivot/terminal-v0``.

Every trajectory was written for this project: hand-written task flows (``tasks/``, one module per
family) fill hand-written pools of log lines, products, configs and file names through a seeded
``random.Random`` (one seed per trajectory), and every bash command is then executed for real in a
fresh temporary work directory, so each tool message is the genuine output of its command.  The
closing summaries are composed from those outputs.

Run ``.venv/bin/python -m pivotrl.datagen.terminal.make_trajectories [--out FILE]`` to regenerate the
file (default: the shipped ``pivot_envs/data/terminal/trajectories.jsonl``).  The self-check at the end replays every trajectory
from scratch twice and exits non-zero if anything does not reproduce.

Options: ``--only FAMILY[,FAMILY]`` builds and checks just those families without writing the
file; ``--show ID`` prints a readable transcript of the named trajectories.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

from pivotrl.datagen.shipped import env_data

from .selfcheck import self_check
from .tasks import FAMILIES
from .tasks.common import Traj


def build(only: set[str] | None = None) -> list[dict]:
    records: list[dict] = []
    for module in FAMILIES:
        if only and module.NAME not in only:
            continue
        for k in range(module.COUNT):
            flow = module.FLOWS[k % len(module.FLOWS)]
            rng = random.Random(f"pivotrl-terminal-{module.NAME}-{k}-v1")
            t = Traj(module.NAME, flow.__name__)
            record_id = f"terminal-{module.NAME}-{k + 1:04d}"
            try:
                flow(t, rng)
            except Exception as exc:
                raise SystemExit(f"{record_id} ({flow.__name__}) failed: {exc}") from exc
            finally:
                t.close()
            records.append(t.record(record_id))
    return records


def show(record: dict) -> str:
    out = [f"=== {record['id']}  [{record['meta']['flow']}]  changing={record['meta']['state_changing_calls']}"]
    for m in record["messages"][1:]:
        if m["role"] == "user":
            out.append(f"USER: {m['content']}")
        elif m["role"] == "assistant" and m.get("tool_calls"):
            if m.get("content"):
                out.append(f"  ({m['content']})")
            for call in m["tool_calls"]:
                out.append("$ " + json.loads(call["function"]["arguments"])["command"])
        elif m["role"] == "tool":
            out.append("  | " + m["content"].rstrip("\n").replace("\n", "\n  | "))
        else:
            out.append(f"ASSISTANT: {m['content']}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=env_data("terminal/trajectories.jsonl"),
                        help="output file (default: the shipped one, %(default)s)")
    parser.add_argument("--only", help="comma-separated families; builds and checks them without writing")
    parser.add_argument("--show", action="append", default=[], help="print the transcript of this id")
    args = parser.parse_args(argv)
    only = set(args.only.split(",")) if args.only else None
    records = build(only)
    for record in records:
        if record["id"] in args.show or "all" in args.show:
            print(show(record) + "\n")
    text = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    if only:
        print(f"built {len(records)} trajectories (not written)")
        return self_check(text, full=False)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {len(records)} trajectories to {args.out}")
    return self_check(args.out.read_text(encoding="utf-8"), full=True)


if __name__ == "__main__":
    sys.exit(main())
