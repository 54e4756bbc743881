"""Verifications per second of ``tool_schema`` and ``fuzzy`` on the shipped tool data,
each beside a naive baseline measured in the same run:

- fuzzy: ``difflib.SequenceMatcher(None, a, b).ratio()`` per pair vs one
  ``rapidfuzz.process.cpdist`` batch (``verify_batch``);
- tool_schema: ``jsonschema.validate`` per call (no cached validator) plus dict equality
  vs ``verify_batch`` (validators compiled once, references canonicalised once per pivot).

Run: ``python -m pivotrl.benchmarks.verifier_throughput [--quick] [--samples K]``.
"""

from __future__ import annotations

import argparse
import difflib
import json
import random

import jsonschema

from pivotrl.benchmarks.common import Result, median_seconds, report
from pivotrl.pivot_envs.domains import DOMAINS, data_path
from pivotrl.pivot_envs.extract import extract_candidates
from pivotrl.pivot_envs.io import load_trajectories
from pivotrl.pivot_envs.perturb import perturb_reference
from pivotrl.pivot_envs.records import Pivot
from pivotrl.verifiers import get_verifier
from pivotrl.verifiers.exact import action_text
from pivotrl.verifiers.parsers import parse_action


def workload(samples_per_pivot: int, seed: int = 0) -> tuple[list[dict], list[Pivot]]:
    """K candidate actions per tool-call pivot: the reference, and one-value perturbations."""
    trajectories = load_trajectories(data_path(DOMAINS["tool"].data), domain="tool")
    pivots = [p for p in extract_candidates(trajectories) if p.reference.get("tool_calls")]
    rng = random.Random(seed)
    actions, owners = [], []
    for pivot in pivots:
        for k in range(samples_per_pivot):
            actions.append(pivot.reference if rng.random() < 0.4 else perturb_reference(pivot, seed=k))
            owners.append(pivot)
    return actions, owners


def naive_schema_check(actions: list[dict], pivots: list[Pivot]) -> list[float]:
    scores = []
    for action, pivot in zip(actions, pivots):
        schemas = {t["function"]["name"]: t["function"].get("parameters", {}) for t in pivot.tools}
        ref_calls = sorted((c["function"]["name"], json.loads(c["function"]["arguments"])) for c in pivot.reference["tool_calls"])
        ok = True
        cand_calls = []
        for c in action.get("tool_calls") or []:
            args = json.loads(c["function"]["arguments"])
            try:
                jsonschema.validate(args, schemas[c["function"]["name"]])
            except (jsonschema.ValidationError, KeyError):
                ok = False
            cand_calls.append((c["function"]["name"], args))
        scores.append(float(ok and sorted(cand_calls, key=str) == sorted(ref_calls, key=str)))
    return scores


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=16, help="candidate actions per pivot (K)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="K=4, 1 repeat: a smoke run for CI")
    args = parser.parse_args(argv)
    if args.quick:
        args.samples, args.repeats = 4, 1

    actions, pivots = workload(args.samples)
    n = len(actions)
    schema = get_verifier("tool_schema")
    fuzzy = get_verifier("fuzzy")

    texts_ref = [action_text(parse_action(p.reference)) for p in pivots]
    texts_cand = [action_text(parse_action(a)) for a in actions]
    t_difflib = median_seconds(lambda: [difflib.SequenceMatcher(None, r, c).ratio() for r, c in zip(texts_ref, texts_cand)], args.repeats)
    t_fuzzy = median_seconds(lambda: fuzzy.verify_batch(actions, pivots), args.repeats)
    t_naive_schema = median_seconds(lambda: naive_schema_check(actions, pivots), args.repeats)
    t_schema = median_seconds(lambda: schema.verify_batch(actions, pivots), args.repeats)

    results = [
        Result("fuzzy verify_batch", n / t_fuzzy, "verifications/s", n / t_difflib, t_difflib / t_fuzzy),
        Result("tool_schema verify_batch", n / t_schema, "verifications/s", n / t_naive_schema, t_naive_schema / t_schema),
    ]
    notes = (f"{n} actions over {len(set(map(id, pivots)))} pivots (K={args.samples}), median of {args.repeats}; "
             "baselines: difflib per pair (fuzzy), jsonschema.validate per call without a cached validator (tool_schema)")
    report("verifier_throughput", results, notes)


if __name__ == "__main__":
    main()
