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
from pivotrl.pivot_envs import shipped_pivots
from pivotrl.pivot_envs.perturb import perturb_reference
from pivotrl.pivot_envs.records import Pivot
from pivotrl.verifiers import get_verifier
from pivotrl.verifiers.parsers import parse_action


def workload(samples_per_pivot: int, domains: tuple[str, ...] = ("tool", "browse"), tool_calls_only: bool = False,
             seed: int = 0) -> tuple[list[dict], list[Pivot]]:
    """K candidate actions per pivot of the shipped data, as a policy would sample them:
    the reference (40%), a one-value perturbation of it (30%), or the reference turn of
    another pivot of the same domain (30%)."""
    rng = random.Random(seed)
    actions, owners = [], []
    for domain in domains:
        pivots = [p for p in shipped_pivots(domain) if p.reference.get("tool_calls") or not tool_calls_only]
        for pivot in pivots:
            for k in range(samples_per_pivot):
                draw = rng.random()
                if draw < 0.4:
                    actions.append(pivot.reference)
                elif draw < 0.7:
                    actions.append(perturb_reference(pivot, seed=k))
                else:
                    actions.append(rng.choice(pivots).reference)
                owners.append(pivot)
    return actions, owners


def as_model_text(message: dict) -> str:
    """An assistant message as a sampler returns it: text with Hermes <tool_call> blocks."""
    calls = message.get("tool_calls") or []
    if not calls:
        return message.get("content") or ""
    return "\n".join(
        "<tool_call>\n" + json.dumps({"name": c["function"]["name"], "arguments": json.loads(c["function"]["arguments"])})
        + "\n</tool_call>" for c in calls)


def naive_schema_check(texts: list[str], pivots: list[Pivot]) -> list[float]:
    """A hand-written reward: parse, jsonschema.validate each call (no cached validator),
    compare the decoded arguments for equality."""
    scores = []
    for text, pivot in zip(texts, pivots, strict=True):
        action, reference = parse_action(text), parse_action(pivot.reference)
        schemas = {t["function"]["name"]: t["function"].get("parameters", {}) for t in pivot.tools}
        ok = action.kind == "tool_calls"
        for c in action.tool_calls:
            try:
                jsonschema.validate(c.arguments, schemas[c.name])
            except (jsonschema.ValidationError, KeyError):
                ok = False
        same = sorted(json.dumps([c.name, c.arguments], sort_keys=True) for c in action.tool_calls) == sorted(
            json.dumps([c.name, c.arguments], sort_keys=True) for c in reference.tool_calls)
        scores.append(float(ok and same))
    return scores


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=16, help="candidate actions per pivot (K)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="K=4, 1 repeat: a smoke run for CI")
    args = parser.parse_args(argv)
    if args.quick:
        args.samples, args.repeats = 4, 1

    fuzzy = get_verifier("fuzzy")
    messages, pivots = workload(args.samples)
    texts = [as_model_text(m) for m in messages]
    reference_texts = {id(p): as_model_text(p.reference) for p in pivots}
    n = len(texts)
    distinct = len({(id(p), t) for p, t in zip(pivots, texts, strict=True)})

    def naive_fuzzy() -> list[float]:
        # what a hand-written reward does: difflib on the completion and the reference text
        return [difflib.SequenceMatcher(None, reference_texts[id(p)], t).ratio() for t, p in zip(texts, pivots, strict=True)]

    unique_pairs = list({(id(p), t): (t, p) for p, t in zip(pivots, texts, strict=True)}.values())
    unique_texts, unique_pivots = [t for t, _ in unique_pairs], [p for _, p in unique_pairs]
    t_difflib = median_seconds(naive_fuzzy, args.repeats)
    t_fuzzy_single = median_seconds(lambda: [fuzzy.verify(t, p) for t, p in zip(texts, pivots, strict=True)], args.repeats)
    t_fuzzy = median_seconds(lambda: fuzzy.verify_batch(texts, pivots), args.repeats)
    t_fuzzy_distinct = median_seconds(lambda: fuzzy.verify_batch(unique_texts, unique_pivots), args.repeats)
    t_difflib_distinct = t_difflib * len(unique_texts) / n

    schema = get_verifier("tool_schema")
    call_messages, call_pivots = workload(args.samples, domains=("tool",), tool_calls_only=True)
    call_texts = [as_model_text(m) for m in call_messages]
    m = len(call_texts)
    t_naive_schema = median_seconds(lambda: naive_schema_check(call_texts, call_pivots), args.repeats)
    t_schema = median_seconds(lambda: schema.verify_batch(call_texts, call_pivots), args.repeats)

    results = [
        Result("fuzzy verify_batch", n / t_fuzzy, "verifications/s", n / t_difflib, t_difflib / t_fuzzy),
        Result("fuzzy verify_batch, distinct actions only", len(unique_texts) / t_fuzzy_distinct, "verifications/s",
               len(unique_texts) / t_difflib_distinct, t_difflib_distinct / t_fuzzy_distinct),
        Result("fuzzy verify, single path", n / t_fuzzy_single, "verifications/s", n / t_difflib, t_difflib / t_fuzzy_single),
        Result("tool_schema verify_batch", m / t_schema, "verifications/s", m / t_naive_schema, t_naive_schema / t_schema),
    ]
    notes = (f"fuzzy: {n} sampled actions ({distinct} distinct) over the tool and browse pivots; tool_schema: {m} "
             f"actions over the tool-call pivots; K={args.samples}; model text with Hermes <tool_call> blocks; "
             f"median of {args.repeats}.\nbaselines: difflib.SequenceMatcher per (completion, reference) pair (fuzzy); "
             "parse + jsonschema.validate per call without a cached validator + equality (tool_schema)")
    report("verifier_throughput", results, notes)


if __name__ == "__main__":
    main()
