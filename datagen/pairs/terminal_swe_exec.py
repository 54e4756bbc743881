"""Execution confirmation for the shell labeled sets (terminal, swe): run a reference and a
candidate in the pivotrl sandbox on several file-system fixtures and compare their effects with
a comparison of our own (not shell_exec's), so a label is kept only where execution agrees."""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pivotrl.pivot_envs import shipped_pivots
from pivotrl.sandboxes import Limits, StateSpec, Step, get_runtime
from pivotrl.sandboxes.image import cache_dir

from .summary import check_set, print_summary

# Our own work-dir manifest, printed by a last step inside the sandbox: every path with its type,
# mode and content hash; gzip files by their decompressed bytes and tar archives by their members
# (name, type, mode, content), so archives made at different seconds compare equal. No mtimes.
MANIFEST = r'''
import gzip, hashlib, io, os, stat, tarfile
def h(b): return hashlib.sha256(b).hexdigest()[:20]
def content(path, data):
    try:
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
            kind = "gz:"
        else:
            kind = ""
        if tarfile.is_tarfile(io.BytesIO(data)) and (".tar" in path or path.endswith(".tgz")):
            with tarfile.open(fileobj=io.BytesIO(data)) as t:
                parts = []
                for m in sorted(t.getmembers(), key=lambda m: m.name):
                    body = t.extractfile(m).read() if m.isfile() else b""
                    parts.append("%s|%s|%o|%s" % (m.name, m.type.decode(), m.mode, h(body)))
            return kind + "tar:" + h("\n".join(parts).encode())
        return kind + h(data)
    except Exception as exc:
        return "raw:" + h(data)
for top, dirs, files in os.walk("."):
    dirs.sort()
    for name in sorted(dirs) + sorted(files):
        p = os.path.join(top, name)[2:]
        st = os.lstat(p)
        mode = "%o" % stat.S_IMODE(st.st_mode)
        if stat.S_ISLNK(st.st_mode):
            print("L", p, os.readlink(p))
        elif stat.S_ISDIR(st.st_mode):
            print("D", p, mode)
        elif stat.S_ISREG(st.st_mode):
            try:
                data = open(p, "rb").read()
                print("F", p, mode, content(p, data))
            except OSError:
                print("F", p, mode, "unreadable")
        else:
            print("O", p, mode)
'''
MANIFEST_STEP = Step.shell("python3 - <<'PIVOTRL_MANIFEST'\n" + MANIFEST + "PIVOTRL_MANIFEST")
LIMITS = Limits(timeout=20.0, output_limit=256 * 1024)
DURATION = re.compile(r"\bin \d+\.\d+s\b")  # pytest's "in 0.03s": the one volatile field we mask


@dataclass(frozen=True)
class Outcome:
    """What one action did on one fixture: exit codes, stdout, and our manifest of the work dir."""

    exit_codes: tuple[int, ...]
    stdout: str
    manifest: tuple[str, ...]
    timed_out: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"exit_codes": list(self.exit_codes), "stdout": self.stdout, "manifest": list(self.manifest),
                "timed_out": self.timed_out}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Outcome:
        return cls(tuple(d["exit_codes"]), d["stdout"], tuple(d["manifest"]), bool(d.get("timed_out")))


def difference(ref: Outcome, got: Outcome, stdout: str = "exact") -> str | None:
    """The first way ``got`` differs from ``ref``, or None. ``stdout``: exact (byte-equal after
    masking pytest durations and dropping trailing newlines at the very end), lines (the same
    multiset of lines: the construction says the order is unspecified) or ignore (the tool's
    acknowledgement text differs by construction, e.g. an edit done with sed instead of the editor)."""
    if got.timed_out:
        return "timed out"
    if ref.exit_codes[-1:] != got.exit_codes[-1:]:
        return f"exit {got.exit_codes[-1:]} vs {ref.exit_codes[-1:]}"
    if stdout != "ignore":
        a, b = (DURATION.sub("in <t>s", s).rstrip("\n") for s in (ref.stdout, got.stdout))
        if stdout == "lines":
            a, b = "\n".join(sorted(a.split("\n"))), "\n".join(sorted(b.split("\n")))
        if a != b:
            return "stdout"
    if ref.manifest != got.manifest:
        theirs, ours = set(got.manifest), set(ref.manifest)
        changed = sorted({line.split(" ")[1] for line in theirs ^ ours if " " in line})
        return "files: " + ", ".join(changed[:3])
    return None


class Executor:
    """Runs (state, steps) jobs on the Docker sandbox, two at a time, with an on-disk cache
    keyed by the state key and the steps, so a rerun of a generator only runs what is new."""

    def __init__(self, name: str, workers: int = 3, persist: bool = True) -> None:
        self.runtime = get_runtime("docker")
        self.path = cache_dir() / "labeled-sets" / f"{name}.jsonl"
        self.persist = persist
        self.cache: dict[str, Outcome] = {}
        if persist:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        if persist and self.path.exists():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    self.cache[row["key"]] = Outcome.from_dict(row["outcome"])
        self.workers = workers
        self._lock = threading.Lock()
        self.ran = 0

    def _key(self, spec: StateSpec, steps: Sequence[Step], run: int) -> str:
        blob = json.dumps([spec.key(self.runtime.states.rootfs_id), [s.request() for s in steps], run,
                           MANIFEST], sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:32]

    def _one(self, job: tuple[StateSpec, tuple[Step, ...], int]) -> Outcome:
        spec, steps, run = job
        key = self._key(spec, steps, run)
        if key in self.cache:
            return self.cache[key]
        state = self.runtime.state_key(spec, LIMITS)
        result = self.runtime.check_state(state, [*steps, MANIFEST_STEP], LIMITS)
        own, manifest = result.results[:-1], result.results[-1]
        outcome = Outcome(tuple(r.exit_code for r in own), "\n".join(r.stdout for r in own),
                          tuple(manifest.stdout.splitlines()), any(r.timed_out or r.truncated for r in own))
        with self._lock:
            self.cache[key] = outcome
            self.ran += 1
            if not self.persist:
                return outcome
            with open(self.path, "a", encoding="utf-8") as handle:
                handle.write(json.dumps({"key": key, "outcome": outcome.to_dict()}) + "\n")
        return outcome

    def run(self, jobs: Iterable[tuple[StateSpec, Sequence[Step], int]]) -> list[Outcome]:
        jobs = [(spec, tuple(steps), run) for spec, steps, run in jobs]
        with ThreadPoolExecutor(self.workers) as pool:
            return list(pool.map(self._one, jobs))


def bash_message(command: str) -> dict[str, Any]:
    """An OpenAI assistant message with one bash call."""
    return tool_message("bash", {"command": command})


def tool_message(name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return {"role": "assistant", "content": None, "tool_calls": [
        {"id": "call_1", "type": "function", "function": {"name": name, "arguments": json.dumps(arguments)}}]}


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")


@dataclass
class Candidate:
    """A constructed candidate action and its label by construction."""

    pivot_id: str
    message: dict[str, Any]
    equivalent: bool
    category: str
    rule: str
    stdout: str = "exact"  # how its stdout is compared when confirming: exact | lines | ignore


def confirm(executor: Executor, refs: dict[str, list[Step]], fixtures: dict[str, list[tuple[str, StateSpec]]],
            candidates: list[Candidate], steps_of: Any) -> tuple[list[tuple[Candidate, dict[str, Any]]],
                                                                 list[tuple[Candidate, str]], set[str]]:
    """Run every reference (twice: a reference that differs from itself makes its pivot unusable)
    and every candidate on every fixture of its pivot. A candidate is kept when execution agrees
    with its label: an equivalent has no difference on any fixture, a near miss differs on at
    least one. Returns (kept with their confirmation record, dropped with the reason, volatile pivots)."""
    ref_jobs = [(spec, refs[pid], run) for pid in refs for _, spec in fixtures[pid] for run in (0, 1)]
    ref_out = iter(executor.run(ref_jobs))
    ref_result: dict[str, list[Outcome]] = {}
    volatile: set[str] = set()
    for pid in refs:
        outs = []
        for _ in fixtures[pid]:
            first, second = next(ref_out), next(ref_out)
            if difference(first, second) is not None or first.timed_out:
                volatile.add(pid)
            outs.append(first)
        ref_result[pid] = outs
    runnable = [c for c in candidates if c.pivot_id in refs and c.pivot_id not in volatile]
    jobs = [(spec, steps_of(c.message), 0) for c in runnable for _, spec in fixtures[c.pivot_id]]
    outs = iter(executor.run(jobs))
    kept, dropped = [], []
    for cand in runnable:
        names = [name for name, _ in fixtures[cand.pivot_id]]
        diffs = {}
        for name, ref in zip(names, ref_result[cand.pivot_id], strict=True):
            d = difference(ref, next(outs), cand.stdout)
            if d is not None:
                diffs[name] = d
        record = {"fixtures": len(names), "differs_on": sorted(diffs), "how": diffs}
        if cand.equivalent and diffs:
            dropped.append((cand, "equivalent by construction, but differs on " + ", ".join(
                f"{k} ({v})" for k, v in sorted(diffs.items()))))
        elif not cand.equivalent and not diffs:
            dropped.append((cand, "near miss by construction, but the same on every fixture"))
        else:
            kept.append((cand, record))
    return kept, dropped, volatile


def manifest_paths(outcome: Outcome) -> dict[str, str]:
    """path -> F (file) | D (folder) | L (link), from our manifest."""
    out = {}
    for line in outcome.manifest:
        kind, _, rest = line.partition(" ")
        out[rest.split(" ")[0]] = kind
    return out


def select(kept: list[tuple[Candidate, dict[str, Any]]], sizes: dict[str, int], budget: int, target: int,
           per_pivot: int, cap: int = 28) -> list[tuple[Candidate, dict[str, Any]]]:
    """A balanced subset: pivots whose pairs are of rare constructions first (per byte of the
    pivots file, which stays under ``budget``); per pivot at most ``per_pivot`` pairs, as many
    equivalents as near misses where it can, globally rare categories first, no category over
    ``cap`` while others are left; stop at ``target`` pairs."""
    by_pivot: dict[str, list[tuple[Candidate, dict[str, Any]]]] = {}
    avail: dict[str, int] = {}
    for item in kept:
        by_pivot.setdefault(item[0].pivot_id, []).append(item)
        avail[item[0].category] = avail.get(item[0].category, 0) + 1

    def worth(pid: str) -> float:
        weights = sorted((1 / avail[c.category] for c, _ in by_pivot[pid]), reverse=True)[:per_pivot]
        return sum(weights) / sizes[pid]

    order = sorted(by_pivot, key=lambda p: (-worth(p), p))
    counts: dict[str, int] = {}
    chosen: list[tuple[Candidate, dict[str, Any]]] = []
    used = 0
    labels = {True: 0, False: 0}
    for pid in order:
        if used + sizes[pid] > budget or len(chosen) >= target:
            continue
        items = by_pivot[pid]
        picked: list[tuple[Candidate, dict[str, Any]]] = []

        def load(it: tuple[Candidate, dict[str, Any]], picked: list = picked) -> int:
            return counts.get(it[0].category, 0) + sum(p[0].category == it[0].category for p in picked)

        while len(picked) < per_pivot:
            want = labels[True] + sum(c.equivalent for c, _ in picked) <= labels[False] + sum(
                not c.equivalent for c, _ in picked)
            left = [it for it in items if it not in picked and load(it) < cap]
            pool = [it for it in left if it[0].equivalent == want] or left
            if not pool:
                break
            pool.sort(key=lambda it: (load(it) + sum(p[0].category == it[0].category for p in picked) * 5,
                                      it[0].rule, it[0].category))
            picked.append(pool[0])
        if not picked:
            continue
        for cand, _record in picked:
            counts[cand.category] = counts.get(cand.category, 0) + 1
            labels[cand.equivalent] += 1
        chosen.extend(picked)
        used += sizes[pid]
    return chosen[:target]


def pair_row(cand: Candidate, record: dict[str, Any]) -> dict[str, Any]:
    return {"pivot_id": cand.pivot_id, "candidate": cand.message, "equivalent": cand.equivalent,
            "category": cand.category, "source": f"{cand.pivot_id} rule:{cand.rule}",
            "confirmed": {"fixtures": record["fixtures"], "differs_on": record["differs_on"],
                          "compare_stdout": cand.stdout, **({"how": record["how"]} if record["how"] else {})}}


def build_set(domain: str, out_dir: Path, *, seed: int, budget: int, target: int, per_pivot: int,
              pool: Callable[[list[Any]], list[Any]], fixtures_for: Callable[[Any], list[tuple[str, StateSpec]]],
              steps_of: Callable[[dict[str, Any]], list[Step]],
              candidates_for: Callable[..., list[Candidate]]) -> int:
    """The shared recipe of the shell sets: pool pivots, make candidates from the reference's
    outcome on the pivot state, confirm each label on every fixture, select within the size
    budget, write ``{domain}.pivots.jsonl`` and ``{domain}.pairs.jsonl`` and check they load."""
    rng = random.Random(seed)
    pivots = pool(shipped_pivots(domain))
    fixtures = {p.id: fixtures_for(p) for p in pivots}
    refs = {p.id: steps_of(p.reference) for p in pivots}
    executor = Executor(domain)
    base = [fixtures[p.id][0][1] for p in pivots]
    noop = executor.run([(spec, [Step.shell("true")], 0) for spec in base])
    ref0 = executor.run([(spec, refs[p.id], 0) for p, spec in zip(pivots, base, strict=True)])
    candidates: list[Candidate] = []
    for p, before, after in zip(pivots, noop, ref0, strict=True):
        candidates += candidates_for(p, manifest_paths(before), after, before.manifest == after.manifest, rng)
    print(f"{len(pivots)} pivots in the pool, {len(candidates)} candidates", file=sys.stderr)
    kept, dropped, volatile = confirm(executor, refs, fixtures, candidates, steps_of)
    print(f"executed {executor.ran} new checks; kept {len(kept)}, dropped {len(dropped)}, "
          f"volatile pivots {len(volatile)}", file=sys.stderr)
    sizes = {p.id: len(json.dumps(p.to_dict(), ensure_ascii=False, sort_keys=True)) + 1 for p in pivots}
    chosen = select(kept, sizes, budget, target, per_pivot)
    used = sorted({c.pivot_id for c, _ in chosen})
    by_id = {p.id: p for p in pivots}
    out_dir.mkdir(parents=True, exist_ok=True)
    pairs_path, pivots_path = out_dir / f"{domain}.pairs.jsonl", out_dir / f"{domain}.pivots.jsonl"
    write_jsonl(pivots_path, (by_id[pid].to_dict() for pid in used))
    write_jsonl(pairs_path, (pair_row(c, r) for c, r in chosen))
    pairs = check_set(pairs_path)
    assert len(pairs) == len(chosen), "the written set does not load back whole"
    print_summary(pairs, pairs_path, pivots_path, width=32)
    report_execution(dropped, volatile, len(candidates))
    return 0


def report_execution(dropped: list, volatile: set[str], made: int) -> None:
    """What execution threw away: the part of the summary only the shell sets have."""
    print(f"candidates made {made}, dropped by execution {len(dropped)}; "
          f"pivots whose reference differs from itself: {len(volatile)}")
    drops = Counter(c.category for c, _ in dropped)
    print("dropped by execution, by category: " + ", ".join(f"{k} {v}" for k, v in sorted(drops.items())))
