"""Berkeley Function Calling Leaderboard (BFCL) data as labeled pairs.

A question file (JSON lines: ``id``, ``question`` turns, ``function`` schemas with BFCL types
such as ``dict``, ``float``, ``tuple``) and its ``possible_answer`` file (for each call, each
argument's list of acceptable values, ``""`` meaning it may be omitted) become pivots whose
reference is one acceptable call set, and candidates labeled by BFCL's own answer sets:
other acceptable values or omissions, null for an omittable argument, an integer for an integral
float, the case of multi-word free text (BFCL's checker ignores case) (true); values outside the
sets, missing arguments, another function, missing or extra parallel calls (false). Schemas are
kept as BFCL writes them: ``tool_schema`` reads that dialect itself. Reads any BFCL-format path."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

from pivotrl.benchmarks.labeled import LabeledPair
from pivotrl.errors import DataError
from pivotrl.pivot_envs.records import Pivot


def _read_lines(path: Path) -> dict[str, dict[str, Any]]:
    records = {}
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise DataError(f"invalid JSON: {exc.msg}", path=str(path), line=number) from None
                if "id" not in record:
                    raise DataError("a BFCL record needs 'id'", path=str(path), line=number, field="id")
                records[record["id"]] = record
    return records


def _resolve(value: Any) -> Any:
    """Nested answers (a dict argument) list acceptable values at their leaves: take the first."""
    if isinstance(value, dict):
        out = {}
        for key, options in value.items():
            present, chosen = _first_choice(options if isinstance(options, list) else [options])
            if present:
                out[key] = chosen
        return out
    if isinstance(value, list):
        return [_resolve(v) for v in value]
    return value


def _first_choice(options: list[Any], required: bool = False) -> tuple[bool, Any]:
    """(present, value) of the reference's argument: the first acceptable value ("" = omitted;
    a required argument takes its first real value)."""
    real = [o for o in options if o != ""]
    if not real or (options[0] == "" and not required):
        return False, None
    return True, _resolve(real[0])


def _norm(value: Any) -> Any:
    """BFCL's checker compares strings case-insensitively without spaces and punctuation."""
    if isinstance(value, str):
        return "".join(ch for ch in value.lower() if ch.isalnum())
    if isinstance(value, list):
        return [_norm(v) for v in value]
    return value


def _acceptable(value: Any, options: list[Any]) -> bool:
    return any(_norm(value) == _norm(o) for o in options if o != "")


def _wrong(value: Any, rng: random.Random) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + rng.choice([1, 2, 10])
    if isinstance(value, float):
        return round(value * 1.5 + 1.0, 4)
    if isinstance(value, str):
        return value + " Springfield" if value else "Springfield"
    if isinstance(value, list):
        return value[:-1] if len(value) > 1 else [*value, value[0] if value else 1]
    if isinstance(value, dict):
        return {**value, "unexpected": 1}
    return "wrong"


def _message(calls: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    return {"role": "assistant", "content": None, "tool_calls": [
        {"id": f"call_{i}", "type": "function", "function": {"name": n, "arguments": json.dumps(a)}}
        for i, (n, a) in enumerate(calls)]}


def load_bfcl(questions: str | Path, answers: str | Path | None = None, *, seed: int = 0,
              max_items: int | None = None) -> list[LabeledPair]:
    """Labeled pairs from a BFCL question file and its possible_answer file (found beside it
    under ``possible_answer/`` when not given)."""
    questions = Path(questions)
    answers = Path(answers) if answers else questions.parent / "possible_answer" / questions.name
    if not answers.exists():
        raise DataError(f"no possible_answer file for {questions} (looked for {answers})", path=str(answers))
    items, truths = _read_lines(questions), _read_lines(answers)
    rng = random.Random(seed)
    category = questions.stem.replace("BFCL_v4_", "").replace("BFCL_v3_", "")
    pairs: list[LabeledPair] = []
    for item_id, item in list(items.items())[:max_items]:
        truth = truths.get(item_id)
        if truth is None:
            continue
        turns = item.get("question") or []
        messages = [m for m in (turns[0] if turns and isinstance(turns[0], list) else turns) if isinstance(m, dict)]
        functions = item.get("function") or []
        tools = [{"type": "function", "function": {"name": f["name"], "description": f.get("description", ""),
                                                   "parameters": f.get("parameters") or {}}}
                 for f in functions]
        ground = truth.get("ground_truth") or []
        calls: list[tuple[str, dict[str, Any], dict[str, list[Any]]]] = []
        required_by_name = {f["name"]: set((f.get("parameters") or {}).get("required") or []) for f in functions}
        for entry in ground:
            (name, options), = entry.items()
            args = {}
            for arg, values in options.items():
                present, value = _first_choice(values, arg in required_by_name.get(name, set()))
                if present:
                    args[arg] = value
            calls.append((name, args, options))
        if not calls or not messages:
            continue
        pivot = Pivot(id=f"bfcl:{item_id}", domain="tool", messages=messages, tools=tools,
                      reference=_message([(n, a) for n, a, _ in calls]), verifier={"name": "tool_schema", "params": {}},
                      source={"trajectory_id": item_id, "turn": 0}, meta={"bfcl_category": category})
        pairs.extend(_candidates(pivot, calls, functions, rng, category))
        pairs.extend(_form_variants(pivot, calls, functions, rng, category))
    return pairs


def _candidates(pivot: Pivot, calls: list[tuple[str, dict[str, Any], dict[str, list[Any]]]],
                functions: list[dict[str, Any]], rng: random.Random, category: str) -> list[LabeledPair]:
    out: list[LabeledPair] = []

    def add(new_calls: list[tuple[str, dict[str, Any]]], label: bool, kind: str) -> None:
        out.append(LabeledPair(pivot, _message(new_calls), label, f"{category}/{kind}", "BFCL possible_answer"))

    base = [(n, dict(a)) for n, a, _ in calls]
    shuffled = [(n, dict(rng.sample(list(a.items()), len(a)))) for n, a in base]
    add(shuffled, True, "argument order")
    index = rng.randrange(len(calls))
    name, args, options = calls[index]
    # another acceptable value, or the optional argument omitted / given
    for arg, values in options.items():
        if not values or values[0] == "":
            continue  # the reference omits it: giving it is the "optional given" case below
        alternatives = [v for v in values[1:] if v != "" and _norm(v) != _norm(values[0])]
        if alternatives:
            new = copy.deepcopy(base)
            new[index][1][arg] = _resolve(alternatives[0])
            add(new, True, "other acceptable value")
            break
    for arg, values in options.items():
        if "" in values and arg in args:
            new = copy.deepcopy(base)
            del new[index][1][arg]
            add(new, True, "optional omitted")
            break
        if values and values[0] == "" and len(values) > 1:
            new = copy.deepcopy(base)
            new[index][1][arg] = _resolve(values[1])
            add(new, True, "optional given")
            break
    # a value outside the answer set
    for arg in rng.sample(list(args), len(args)):
        wrong = _wrong(args[arg], rng)
        if not _acceptable(wrong, options[arg]):
            new = copy.deepcopy(base)
            new[index][1][arg] = wrong
            add(new, False, "wrong value")
            break
    required = [a for a, values in options.items() if "" not in values and a in args]
    if required:
        new = copy.deepcopy(base)
        del new[index][1][rng.choice(required)]
        add(new, False, "missing required")
    others = [f["name"] for f in functions if f["name"] != name]
    if others:
        new = copy.deepcopy(base)
        new[index] = (rng.choice(others), new[index][1])
        add(new, False, "wrong function")
    if len(base) > 1:
        add(base[::-1], True, "parallel order")
        add([c for i, c in enumerate(base) if i != index], False, "missing call")
    else:
        add([*base, base[0]], False, "duplicated call")
    return out


def _properties(functions: list[dict[str, Any]], name: str) -> dict[str, Any]:
    for function in functions:
        if function.get("name") == name:
            properties = (function.get("parameters") or {}).get("properties")
            return properties if isinstance(properties, dict) else {}
    return {}


def _form_variants(pivot: Pivot, calls: list[tuple[str, dict[str, Any], dict[str, list[Any]]]],
                   functions: list[dict[str, Any]], rng: random.Random, category: str) -> list[LabeledPair]:
    """Acceptable rewrites that need no knowledge of the world: null for an argument BFCL lets be
    omitted, an integer for an integral float (or the reverse), another case of multi-word free text."""
    out: list[LabeledPair] = []
    base = [(n, dict(a)) for n, a, _ in calls]
    order = rng.sample(range(len(calls)), len(calls))

    def add(index: int, arg: str, value: Any, kind: str) -> None:
        new = copy.deepcopy(base)
        new[index][1][arg] = value
        out.append(LabeledPair(pivot, _message(new), True, f"{category}/{kind}", "BFCL possible_answer"))

    for kind in ("optional null", "integer for number", "free text case"):
        done = False
        for index in order:
            name, args, options = calls[index]
            properties = _properties(functions, name)
            for arg in sorted(options):
                values, schema = options[arg], properties.get(arg) or {}
                value = args.get(arg)
                if kind == "optional null" and "" in values:
                    add(index, arg, None, kind)
                elif (kind == "integer for number" and schema.get("type") in ("float", "number")
                      and isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer()):
                    add(index, arg, float(value) if isinstance(value, int) else int(value), kind)
                elif (kind == "free text case" and isinstance(value, str) and " " in value.strip()
                      and any(ch.isalpha() for ch in value) and "enum" not in schema):
                    add(index, arg, value.upper() if value != value.upper() else value.lower(), kind)
                else:
                    continue
                done = True
                break
            if done:
                break
    return out
