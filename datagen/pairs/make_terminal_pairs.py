"""Build the terminal labeled agreement set (terminal.pairs.jsonl + terminal.pivots.jsonl):
pivots from the shipped terminal trajectories, candidates made by named rewrite rules, labels by
construction, kept only where execution on the pivot's state and two perturbed fixtures agrees.

Run: ``.venv/bin/python -m pivotrl.datagen.pairs.make_terminal_pairs [--out DIR]`` (default: the shipped
``benchmarks/data``; needs Docker and the built sandbox image; results are cached, a rerun takes seconds)."""

from __future__ import annotations

import json
import random
import sys
from typing import Any

from pivotrl.pivot_envs.records import Pivot
from pivotrl.sandboxes import StateSpec, Step
from pivotrl.verifiers.parsers import ParserConfig, parse_action
from pivotrl.verifiers.shell_exec import action_steps, state_spec

from .summary import run_builder
from .terminal_rules import context_rewrites, substitution_rewrites, wrapper_rewrites
from .terminal_swe_exec import (
    Candidate,
    Outcome,
    bash_message,
    build_set,
)

SEED = 20260305
BUDGET = 930_000   # bytes of terminal.pivots.jsonl
TARGET = 360       # pairs
PER_PIVOT = 5
FIXTURES = ("pivot", "fewer_rotated_lines", "more_lines_extra_files")


def steps_of(message: dict[str, Any]) -> list[Step]:
    steps = action_steps(parse_action(message, ParserConfig(max_chars=10**9)))
    if isinstance(steps, str):
        raise ValueError(steps)
    return steps


def command_of(pivot: Pivot) -> tuple[str, str]:
    call = pivot.reference["tool_calls"][0]
    return call["id"], json.loads(call["function"]["arguments"])["command"]


def _lines(text: str) -> tuple[list[str], bool]:
    ends = text.endswith("\n")
    lines = text.split("\n")
    return (lines[:-1] if ends else lines), ends


def perturb_text(path: str, text: str, variant: int) -> str:
    """Variant 1: the first line kept, every third line after it dropped, the rest rotated by one.
    Variant 2: the first quarter of lines repeated at the end (more lines, duplicate rows).
    JSON keeps its shape (one element fewer / one repeated); scripts only gain a comment."""
    if not text:
        return text
    if path.endswith(".json"):
        try:
            data = json.loads(text)
        except ValueError:
            return text if variant == 1 else text + "\n"
        if isinstance(data, list) and data:
            data = data[:-1] if variant == 1 else data + data[:1]
        elif isinstance(data, dict) and data:
            data = {**data, "fixture_variant": variant} if variant == 1 else dict(list(data.items())[:-1])
        return json.dumps(data, indent=2) + "\n"
    if path.endswith((".py", ".sh")) or text.startswith("#!"):
        return text if variant == 1 else text + ("" if text.endswith("\n") else "\n") + "# fixture variant\n"
    lines, ends = _lines(text)
    head, data = lines[:1], lines[1:]
    if variant == 1:
        data = [line for i, line in enumerate(data) if i % 3 != 1]
        if len(data) >= 3:
            data = data[1:] + data[:1]
    else:
        data = data + (data[: max(2, len(data) // 4)] if data else head)
    return "\n".join(head + data) + ("\n" if ends else "")


def perturb(files: dict[str, str], variant: int) -> dict[str, str]:
    out = {path: perturb_text(path, text, variant) for path, text in files.items()}
    folders: dict[str, list[str]] = {}
    for path in sorted(files):
        folders.setdefault(path.rpartition("/")[0], []).append(path)
    if variant == 1:
        out["NOTES.fixture.txt"] = "an extra file of this fixture\n"
    else:
        for folder, paths in folders.items():
            first = paths[0]
            stem, dot, ext = first.rpartition("/")[2].partition(".")
            extra = f"{folder + '/' if folder else ''}{stem}-extra{dot}{ext}"
            if extra not in out:
                out[extra] = perturb_text(first, files[first], 1)
    return out


def fixtures_for(pivot: Pivot) -> list[tuple[str, StateSpec]]:
    base = state_spec(pivot)
    return [(FIXTURES[0], base)] + [(FIXTURES[v], StateSpec(perturb(dict(base.files), v), base.setup, base.replay))
                                    for v in (1, 2)]


def pool(pivots: list[Pivot]) -> list[Pivot]:
    """Per trajectory: up to two read-only turns and one state-changing turn, earliest first,
    turns with recorded equivalent commands first."""
    chosen: list[Pivot] = []
    by_traj: dict[str, list[Pivot]] = {}
    for p in pivots:
        if p.reference.get("tool_calls"):
            by_traj.setdefault(p.source["trajectory_id"], []).append(p)
    for items in by_traj.values():
        changing = set(items[0].meta.get("state_changing_calls", []))
        alts = items[0].meta.get("equivalent_commands", {})
        ranked = sorted(items, key=lambda p: (command_of(p)[0] not in alts, p.source["turn"]))
        ro = [p for p in ranked if command_of(p)[0] not in changing][:2]
        sc = [p for p in ranked if command_of(p)[0] in changing][:1]
        chosen.extend(sorted(ro + sc, key=lambda p: p.source["turn"]))
    return chosen


def candidates_for(pivot: Pivot, existing: dict[str, str], ref: Outcome, read_only: bool,
                   rng: random.Random) -> list[Candidate]:
    call_id, command = command_of(pivot)
    rewrites = []
    for alt in pivot.meta.get("equivalent_commands", {}).get(call_id, []):
        rewrites.append(("eq/alternative_pipeline", "meta_equivalent_command", alt, True))
    made = substitution_rewrites(command) + wrapper_rewrites(command) + context_rewrites(
        command, existing, ref.stdout, read_only)
    rng.shuffle(made)
    rewrites += [(r.category, r.rule, r.command, r.equivalent) for r in made]
    out, seen = [], {command}
    eq = neq = 0
    for category, rule, new, equivalent in rewrites:
        if new in seen or (equivalent and eq >= 5) or (not equivalent and neq >= 5):
            continue
        if any(c.category == category for c in out) and category != "eq/alternative_pipeline":
            continue
        seen.add(new)
        eq, neq = eq + equivalent, neq + (not equivalent)
        out.append(Candidate(pivot.id, bash_message(new), equivalent, category, rule))
    return out


def main(argv: list[str] | None = None) -> int:
    return run_builder(__doc__, lambda out: build_set(
        "terminal", out, seed=SEED, budget=BUDGET, target=TARGET, per_pivot=PER_PIVOT, pool=pool,
        fixtures_for=fixtures_for, steps_of=steps_of, candidates_for=candidates_for), argv)


if __name__ == "__main__":
    sys.exit(main())
