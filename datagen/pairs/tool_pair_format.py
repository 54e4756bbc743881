"""Shared pieces of the labeled-set generators (tool and browse): how a candidate turn is
written (OpenAI message, Hermes ``<tool_call>`` text, bare JSON), the pair record, and the
seeded, per-category sampling that keeps the sets balanced and deterministic."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Call = tuple[str, dict[str, Any]]  # (tool name, arguments in the order they are written)


def openai_message(calls: list[Call], *, content: str | None = None, indent: int | None = None,
                   id_prefix: str = "cand") -> dict[str, Any]:
    """An OpenAI assistant message; ``indent`` pretty-prints the arguments JSON."""
    return {
        "role": "assistant",
        "content": content,
        "tool_calls": [
            {"id": f"{id_prefix}_{i}", "type": "function",
             "function": {"name": name, "arguments": json.dumps(args, ensure_ascii=False, indent=indent)}}
            for i, (name, args) in enumerate(calls)
        ],
    }


def hermes_text(calls: list[Call]) -> str:
    """Hermes/Qwen chat-template output: one ``<tool_call>`` block per call."""
    return "\n".join(
        "<tool_call>\n" + json.dumps({"name": name, "arguments": args}, ensure_ascii=False) + "\n</tool_call>"
        for name, args in calls
    )


def bare_json_text(calls: list[Call]) -> str:
    """The whole output is the call as JSON (an object, or a list for parallel calls)."""
    objects = [{"name": name, "arguments": args} for name, args in calls]
    return json.dumps(objects[0] if len(objects) == 1 else objects, ensure_ascii=False)


def text_message(text: str) -> dict[str, Any]:
    return {"role": "assistant", "content": text}


def reference_calls(reference: dict[str, Any]) -> list[Call]:
    """The reference turn's calls with decoded arguments, in the order written."""
    return [(c["function"]["name"], json.loads(c["function"]["arguments"] or "{}"))
            for c in reference.get("tool_calls") or []]


@dataclass(frozen=True)
class Pair:
    pivot_id: str
    candidate: Any
    equivalent: bool
    category: str
    rule: str  # what the rule did, for the ``source`` field

    def record(self) -> dict[str, Any]:
        return {"pivot_id": self.pivot_id, "candidate": self.candidate, "equivalent": self.equivalent,
                "category": self.category, "source": f"{self.pivot_id} | {self.rule}"}


def choose_pivots(pairs: list[Pair], caps: dict[str, int], sizes: dict[str, int],
                  richest_first: bool = True) -> set[str]:
    """A small set of pivots that still fills every category: rarest categories first, each
    adds pivots until its cap is reachable, the richest in it first (``richest_first``; fewer
    pivots) or the smallest first (more, more varied pivots). Keeps the pivots file small
    without starving rare constructions."""
    offers: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for pair in pairs:
        offers[pair.category][pair.pivot_id] += 1
    chosen: set[str] = set()
    for category in sorted(offers, key=lambda c: (len(offers[c]), c)):
        have = sum(n for pivot_id, n in offers[category].items() if pivot_id in chosen)
        ranked = sorted((p for p in offers[category] if p not in chosen),
                        key=lambda p: (-offers[category][p], sizes[p], p) if richest_first
                        else (sizes[p], -offers[category][p], p))
        for pivot_id in ranked:
            if have >= caps.get(category, 0):
                break
            chosen.add(pivot_id)
            have += offers[category][pivot_id]
    return chosen


def sample_by_category(pairs: list[Pair], caps: dict[str, int], seed: int) -> list[Pair]:
    """At most ``caps[category]`` pairs per category, spread over pivots (one pair per pivot
    before a second one), chosen with a seeded RNG; duplicates (same pivot and candidate) dropped."""
    rng = random.Random(seed)
    seen: set[tuple[str, str]] = set()
    by_category: dict[str, list[Pair]] = defaultdict(list)
    for pair in pairs:
        key = (pair.pivot_id, json.dumps(pair.candidate, sort_keys=True))
        if key in seen:
            continue
        seen.add(key)
        by_category[pair.category].append(pair)
    chosen: list[Pair] = []
    for category in sorted(by_category):
        pool = by_category[category]
        rng.shuffle(pool)
        by_pivot: dict[str, list[Pair]] = defaultdict(list)
        for pair in pool:
            by_pivot[pair.pivot_id].append(pair)
        rounds: list[Pair] = []
        while any(by_pivot.values()):
            for pivot_id in list(by_pivot):
                if by_pivot[pivot_id]:
                    rounds.append(by_pivot[pivot_id].pop(0))
        chosen.extend(rounds[: caps.get(category, 0)])
    return chosen


def write_jsonl(records: list[dict[str, Any]], path: Path) -> None:
    """Deterministic bytes: one compact JSON object a line, UTF-8, trailing newline."""
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")


def split_pivots(pivots: list, text_pivots: int) -> tuple[list, list]:
    """Call pivots (all of them; ``choose_pivots`` narrows them down later) and text pivots:
    the shortest replies that follow a tool call (one per trajectory at most)."""
    calls = [p for p in pivots if p.reference.get("tool_calls")]
    texts: dict[str, object] = {}
    for pivot in sorted(pivots, key=lambda p: (len(json.dumps(p.messages)), p.id)):
        if not pivot.reference.get("tool_calls") and any(m.get("tool_calls") for m in pivot.messages):
            texts.setdefault(pivot.source["trajectory_id"], pivot)
    return calls, sorted(list(texts.values())[:text_pivots], key=lambda p: p.id)


def text_pivot_pairs(pivot: Any) -> list[Pair]:
    """Where the reference replies in text, calling a tool again (the last call of the
    prefix, repeated) is a near miss."""
    last = next(m for m in reversed(pivot.messages) if m.get("tool_calls"))
    calls = reference_calls(last)
    return [Pair(pivot.id, openai_message(calls), False, "neq/call_instead_of_reply",
                 f"the prefix's last call ({', '.join(n for n, _ in calls)}) repeated where the reference replies")]


def write_set(domain: str, out_dir: Path, pivots: list, chosen: list[Pair]) -> tuple[Path, Path]:
    """``{domain}.pairs.jsonl`` (sorted by pivot, category, rule) and the pivots they use."""
    chosen = sorted(chosen, key=lambda p: (p.pivot_id, p.category, p.rule))
    by_id = {p.id: p for p in pivots}
    out_dir.mkdir(parents=True, exist_ok=True)
    pairs_path, pivots_path = out_dir / f"{domain}.pairs.jsonl", out_dir / f"{domain}.pivots.jsonl"
    write_jsonl([by_id[i].to_dict() for i in sorted({p.pivot_id for p in chosen})], pivots_path)
    write_jsonl([p.record() for p in chosen], pairs_path)
    return pairs_path, pivots_path
