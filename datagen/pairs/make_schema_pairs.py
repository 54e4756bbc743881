"""Build the ``schema`` labeled agreement set: tools of many shapes written in the schema dialects
found in the wild, a reference call per pivot, and candidates made by the rules in
``schema_pair_rules.py`` (labels from the meaning of each tool, never from a verifier). Writes
``schema.pairs.jsonl`` and ``schema.pivots.jsonl``; it is how ``tool_schema``'s string policy
defaults were chosen (``benchmarks/data/README.md``).

Run: ``.venv/bin/python -m pivotrl.datagen.pairs.make_schema_pairs [--out DIR]`` (default: the shipped
``benchmarks/data``).
Deterministic (seeded, no network); ends with a self-check through ``load_labeled``."""

from __future__ import annotations

import random
import sys
from collections import Counter
from pathlib import Path

from pivotrl.pivot_envs.records import Pivot

from .schema_pair_rules import NO_DEFAULT, Tool, make_tool, reference_args, render_tool, variants
from .summary import check_set, print_summary, run_builder
from .tool_pair_format import Pair, hermes_text, openai_message, sample_by_category, write_set

SEED = 20260211
TOOLS = 90
PIVOTS = 260
BROKEN_SHARE = 0.25  # tools whose written schema disagrees with what the tool means
PARALLEL_SHARE = 0.15
CAPS = {
    "eq/arg_order": 40, "eq/call_order": 30, "eq/omit_default": 30, "eq/explicit_default": 30,
    "eq/null_optional": 40, "eq/omit_null": 30, "eq/int_for_number": 25, "eq/integral_float": 25,
    "eq/numeric_string": 30, "eq/bool_string": 25, "eq/free_text_case": 45, "eq/free_text_whitespace": 35,
    "eq/nested_key_order": 20, "eq/set_order": 20, "eq/url_form": 15, "eq/broken_schema_same_call": 30,
    "neq/wrong_free_text": 35, "neq/free_text_typo": 30, "neq/identifier_case": 40, "neq/identifier_typo": 30,
    "neq/wrong_enum": 30, "neq/enum_case": 30, "neq/wrong_number": 30, "neq/wrong_type": 30,
    "neq/flipped_bool": 20, "neq/wrong_date": 20, "neq/missing_required": 30, "neq/null_required": 30,
    "neq/non_default_value": 25, "neq/extra_argument": 25, "neq/wrong_tool": 25, "neq/swapped_args": 20,
    "neq/ordered_array_reversed": 20, "neq/array_item_missing": 20, "neq/nested_wrong_value": 20,
    "neq/missing_call": 15, "neq/duplicated_call": 15, "neq/broken_schema_other_value": 25,
}


def _tools(rng: random.Random) -> list[tuple[Tool, dict, set[str]]]:
    out = []
    for index in range(TOOLS):
        tool = make_tool(rng, index)
        if rng.random() < BROKEN_SHARE:
            enums = [p for p in tool.params if p.kind == "enum"]
            ints = [p for p in tool.params if p.kind == "int" and not p.required]
            optional = [p for p in tool.params if not p.required and p.kind in ("free", "ident", "bool")]
            choices = ([("enum", p) for p in enums] + [("type", p) for p in ints]
                       + [("required", p) for p in optional] + [("undeclared", p) for p in optional])
            if choices:
                how, param = rng.choice(choices)
                tool.breaks[param.name] = how
                if how in ("enum", "type"):  # the reference always gives it
                    param.required, param.default = True, NO_DEFAULT
        spec, dialects = render_tool(tool, rng)
        out.append((tool, spec, dialects))
    return out


def _write(calls: list[tuple[str, dict]], index: int) -> object:
    """Most candidates are OpenAI messages; some are Hermes text, as a model would print them."""
    return hermes_text(calls) if index % 5 == 4 else openai_message(calls)


def build(out_dir: Path) -> tuple[Path, Path]:
    rng = random.Random(SEED)
    tools = _tools(rng)
    pivots: list[Pivot] = []
    candidates: list[Pair] = []
    for number in range(PIVOTS):
        chosen = rng.sample(range(len(tools)), rng.randrange(2, 4))
        main = tools[chosen[0]]
        siblings = [tools[i] for i in chosen[1:]]
        parallel = rng.random() < PARALLEL_SHARE
        calls = [(main[0], reference_args(main[0], rng))]
        if parallel:
            second = rng.choice([main, *siblings])
            calls.append((second[0], reference_args(second[0], rng)))
        pivot_id = f"schema-{number:04d}"
        reference = openai_message([(t.name, a) for t, a in calls], id_prefix="ref")
        pivot = Pivot(id=pivot_id, domain="tool", messages=[
            {"role": "system", "content": "You call tools to help the user."},
            {"role": "user", "content": f"Please use {main[0].name} for me."}],
            tools=[main[1], *[s[1] for s in siblings]], reference=reference,
            verifier={"name": "tool_schema", "params": {}},
            source={"trajectory_id": pivot_id, "turn": 0},
            meta={"dialects": sorted(set().union(*(tools[i][2] for i in chosen))),
                  "schema_breaks": {t.name: t.breaks for t, _ in calls if t.breaks}})
        pivots.append(pivot)
        base = [(t.name, a) for t, a in calls]
        for i, (tool, args) in enumerate(calls):
            others = [s[0] for s in siblings if s[0].name != tool.name] + ([main[0]] if tool is not main[0] else [])
            for category, name, new_args, rule in variants(tool, others, args, rng):
                new = list(base)
                new[i] = (name, new_args)
                candidates.append(Pair(pivot_id, _write(new, len(candidates)), category.startswith("eq/"),
                                       category, f"{tool.name}: {rule}"))
            if tool.breaks and i == 0:
                candidates.append(Pair(pivot_id, hermes_text(base), True, "eq/broken_schema_same_call",
                                       f"{tool.name}: the reference's own calls (breaking the written schema), "
                                       "as Hermes text"))
        if parallel:
            candidates.append(Pair(pivot_id, _write(base[::-1], len(candidates)), True, "eq/call_order",
                                   "parallel calls in reverse order"))
            candidates.append(Pair(pivot_id, _write(base[:1], len(candidates)), False, "neq/missing_call",
                                   "the second call dropped"))
        else:
            candidates.append(Pair(pivot_id, _write(base + base, len(candidates)), False, "neq/duplicated_call",
                                   "the call made twice"))
    missing = sorted(set(CAPS) - {p.category for p in candidates})
    if missing:
        raise SystemExit(f"no candidates for categories {missing}; the rules changed")
    unknown = sorted({p.category for p in candidates} - set(CAPS))
    if unknown:
        raise SystemExit(f"categories without a cap: {unknown}")
    chosen_pairs = sample_by_category(candidates, CAPS, SEED)
    return write_set("schema", out_dir, pivots, chosen_pairs)


def self_check(pairs_path: Path, pivots_path: Path) -> None:
    pairs = check_set(pairs_path, CAPS, min_label_share=0.4)
    dialects = Counter(d for p in {p.pivot.id: p.pivot for p in pairs}.values() for d in p.meta["dialects"])
    print_summary(pairs, pairs_path, pivots_path, width=32)
    print("dialects (pivots): " + ", ".join(f"{d} {n}" for d, n in sorted(dialects.items())))


def main(argv: list[str] | None = None) -> int:
    return run_builder(__doc__, lambda out: self_check(*build(out)), argv)


if __name__ == "__main__":
    sys.exit(main())
