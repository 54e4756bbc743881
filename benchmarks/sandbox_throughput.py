"""Checks per second at one pivot state for K candidates:

(a) naive: a cold sandbox per check (``docker run`` / a fresh ``bwrap``) that writes the
    files, replays setup and the earlier commands, then runs the candidate;
(b) pivotrl: the state built once and stored, warm sandboxes reused, checks run concurrently
    (``shell_exec.verify_batch``), each in a fresh work dir (new tmpfs mounts, or emptied with
    privileges) holding the state, commands confined as in production (no capabilities,
    seccomp, cgroup limits).

Run: ``python -m pivotrl.benchmarks.sandbox_throughput [--quick] [--k 16]``.
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import time

from pivotrl.benchmarks.common import Result, median_seconds, report
from pivotrl.errors import PivotRLError
from pivotrl.pivot_envs.records import Pivot
from pivotrl.verifiers import get_verifier

LOG = "".join(f"2026-03-{d:02d} 10:{m:02d}:00 {lvl} {mod} request {d * m}\n"
              for d in range(1, 29) for m, lvl, mod in [(1, "INFO", "api"), (2, "ERROR", "billing"), (3, "WARN", "db")])
FILES = {"logs/app.log": LOG, "data/sales.csv": "region,amount\n" + "".join(f"r{i % 4},{i * 7}\n" for i in range(200))}
SETUP = ["mkdir -p reports", "cp logs/app.log logs/app.log.1", "gzip logs/app.log.1"]
EARLIER = ["grep -c ERROR logs/app.log > reports/errors.txt", "awk -F, 'NR>1 {s[$1]+=$2} END {for (r in s) print r, s[r]}' "
           "data/sales.csv | sort > reports/sales.txt"]
CANDIDATES = ["cat reports/errors.txt reports/sales.txt", "wc -l logs/app.log", "grep billing logs/app.log | wc -l",
              "sort -r reports/sales.txt | head -n 2", "ls reports", "zcat logs/app.log.1.gz | tail -n 1",
              "cut -d' ' -f3 logs/app.log | sort | uniq -c", "du -sb data | cut -f1"]


def pivot() -> Pivot:
    def call(command: str, i: int) -> dict:
        return {"id": f"c{i}", "type": "function", "function": {"name": "bash", "arguments": json.dumps({"command": command})}}

    messages: list[dict] = [{"role": "user", "content": "Summarise the logs and the sales."}]
    for i, command in enumerate(EARLIER):
        messages += [{"role": "assistant", "content": None, "tool_calls": [call(command, i)]},
                     {"role": "tool", "tool_call_id": f"c{i}", "content": ""}]
    return Pivot.from_dict({"id": "bench", "domain": "terminal", "messages": messages,
                            "tools": [{"type": "function", "function": {"name": "bash", "parameters": {
                                "type": "object", "properties": {"command": {"type": "string"}}}}}],
                            "reference": {"role": "assistant", "content": None, "tool_calls": [call(CANDIDATES[0], 9)]},
                            "env": {"files": FILES, "setup": SETUP}})


def naive_script(candidate: str) -> str:
    """Everything a cold sandbox must do for one check, as one bash script."""
    lines = ["set -e", "cd /work"]
    for path, content in FILES.items():
        lines.append(f"mkdir -p $(dirname {shlex.quote(path)}) && printf %s {shlex.quote(content)} > {shlex.quote(path)}")
    lines += SETUP + EARLIER + ["set +e", candidate, "find . -type f -exec sha256sum {} + | sort | sha256sum >&2"]
    return "\n".join(lines)


def naive_docker(candidates: list[str], image: str) -> None:
    for candidate in candidates:
        subprocess.run(["docker", "run", "--rm", "--network", "none", "--user", "1000:1000", "--cap-drop", "ALL",
                        "--read-only", "--tmpfs", "/work:uid=1000,gid=1000,exec,size=64m", "-w", "/work", image,
                        "bash", "-c", naive_script(candidate)], capture_output=True, check=False)


def naive_bwrap(candidates: list[str], rootfs: str) -> None:
    for candidate in candidates:
        subprocess.run(["bwrap", "--ro-bind", rootfs, "/", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/work",
                        "--tmpfs", "/tmp", "--unshare-all", "--die-with-parent", "--uid", "1000", "--gid", "1000",
                        "--cap-drop", "ALL", "--chdir", "/work", "bash", "-c", naive_script(candidate)],
                       capture_output=True, check=False)


def measure(verifier, backend: str, candidates: list[str], raw: list[str], the_pivot: Pivot,
            repeats: int) -> tuple[Result, str]:
    started = time.perf_counter()
    verdicts = verifier.verify_batch(candidates, the_pivot)  # first batch: builds the state, starts the pool
    cold = time.perf_counter() - started
    assert sum(v.equivalent for v in verdicts) >= 1
    counter = iter(range(10**9))

    def ours() -> None:
        n = next(counter)  # a trailing comment makes each repeat's texts new: no verdict is reused
        verifier.verify_batch([f"{c[:-4]} #{n}\n```" for c in candidates], the_pivot)

    t_ours = median_seconds(ours, repeats)
    if backend == "docker":
        from pivotrl.sandboxes.image import image_tag

        t_naive = median_seconds(lambda: naive_docker(raw, image_tag()), max(1, repeats // 2))
    else:
        rootfs = str(verifier.runtime.choice.rootfs)
        t_naive = median_seconds(lambda: naive_bwrap(raw, rootfs), repeats)
    verifier.runtime.pool.close()
    k = len(candidates)
    return (Result(f"{backend}: snapshot + warm pool + concurrency", k / t_ours, "checks/s", k / t_naive, t_naive / t_ours),
            f"{backend}: first batch incl. state build and pool start {cold:.2f}s for K={k}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=16, help="candidates per pivot state")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="K=8, 1 repeat: a smoke run for CI")
    args = parser.parse_args(argv)
    if args.quick:
        args.k, args.repeats = 8, 1
    candidates = [f"```bash\n{CANDIDATES[i % len(CANDIDATES)]}\n```" for i in range(args.k)]
    raw = [CANDIDATES[i % len(CANDIDATES)] for i in range(args.k)]
    the_pivot = pivot()
    results, notes = [], []
    for backend in ("docker", "bwrap"):
        try:
            verifier = get_verifier("shell_exec", sandbox=backend)
        except PivotRLError as exc:
            notes.append(f"{backend}: skipped ({exc})")
            continue
        result, note = measure(verifier, backend, candidates, raw, the_pivot, args.repeats)
        results.append(result)
        notes.append(note)
    notes.append(f"K={args.k} candidates at one pivot (files + {len(SETUP)} setup + {len(EARLIER)} replayed commands); "
                 f"median of {args.repeats}; baseline: a cold sandbox per check replaying the state")
    report("sandbox_throughput", results, "\n".join(notes))


if __name__ == "__main__":
    main()
