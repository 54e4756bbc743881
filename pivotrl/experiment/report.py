"""The experiment's results: per arm, the mean over seeds with a 95% t-interval; paired
differences next to the paper's directions; the filter's funnel; learning curves; and the
one-line JSON every pivotrl benchmark ends with."""

from __future__ import annotations

import base64
import html
import io
import json
import math
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pivotrl.experiment.config import ARMS

METRICS = {  # key -> what it is
    "in_domain": "held-out in-domain pivots, pass@1 (greedy)",
    "in_domain_calls": "held-out pivots whose reference is a tool call, pass@1",
    "trajectory_success": "held-out trajectories with every turn right (greedy)",
    "skills": "held-out skill questions (out of domain), exact answer, pass@1",
}
BUDGET = ("steps", "forward_tokens", "generated_tokens", "rollout_turns", "train_wall_seconds", "train_cpu_seconds")
LABELS = {"base": "base (no training)", "sft": "SFT", "pivotrl": "PivotRL", "random_turns": "random turns",
          "strict_reward": "strict reward (exact)", "e2e_rl": "E2E RL (episodes)"}

#: The paper's claims (Qwen3-30B-A3B), as differences this experiment can measure at toy scale.
DIRECTIONS = [
    {"claim": "PivotRL beats SFT in domain (same data)", "metric": "in_domain", "arm": "pivotrl", "versus": "sft",
     "paper": "+4.17 points (average of four domains)"},
    {"claim": "SFT forgets out of domain", "metric": "skills", "arm": "sft", "versus": "base",
     "paper": "-9.83 points"},
    {"claim": "PivotRL keeps out-of-domain skills", "metric": "skills", "arm": "pivotrl", "versus": "base",
     "paper": "+0.21 points"},
    {"claim": "filtered pivots beat random turns", "metric": "in_domain", "arm": "pivotrl", "versus": "random_turns",
     "paper": "tau2: 63.81 vs 59.68 (+4.13)"},
    {"claim": "functional reward beats strict string match", "metric": "in_domain", "arm": "pivotrl",
     "versus": "strict_reward", "paper": "tau2: 63.81 vs 57.34 (+6.47)"},
    {"claim": "PivotRL matches E2E RL in domain", "metric": "in_domain", "arm": "pivotrl", "versus": "e2e_rl",
     "paper": "SWE: on par, with 4x fewer rollout turns"},
]
T_975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262}


def interval(values: Sequence[float]) -> dict[str, Any]:
    """Mean and 95% t-interval over seeds (no interval from a single seed)."""
    clean = [v for v in values if v is not None and not math.isnan(v)]
    if not clean:
        return {"mean": None, "low": None, "high": None, "n": 0, "values": list(values)}
    mean = statistics.fmean(clean)
    if len(clean) < 2:
        return {"mean": mean, "low": None, "high": None, "n": 1, "values": clean}
    half = T_975.get(len(clean) - 1, 1.96) * statistics.stdev(clean) / math.sqrt(len(clean))
    return {"mean": mean, "low": mean - half, "high": mean + half, "n": len(clean), "values": clean}


def _by(raw: dict[str, Any]) -> dict[str, dict[int, dict[str, Any]]]:
    out: dict[str, dict[int, dict[str, Any]]] = {}
    for result in raw["arms"]:
        out.setdefault(result["arm"], {})[int(result["seed"])] = result
    return out


def summarize(raw: dict[str, Any]) -> dict[str, Any]:
    by = _by(raw)
    seeds = sorted({int(s) for s in raw["seeds"]})
    arms = {}
    for arm in ARMS:
        runs = by.get(arm, {})
        row = {key: interval([runs[s].get(key) for s in seeds if s in runs]) for key in (*METRICS, *BUDGET)}
        row["status"] = sorted({runs[s].get("status", "") for s in seeds if s in runs})
        arms[arm] = row
    directions = []
    for d in DIRECTIONS:
        diffs = [by[d["arm"]][s][d["metric"]] - by[d["versus"]][s][d["metric"]]
                 for s in seeds if s in by.get(d["arm"], {}) and s in by.get(d["versus"], {})]
        est = interval(diffs)
        if est["low"] is None or est["mean"] is None:
            verdict = "single seed" if est["n"] == 1 else "no data"
        elif est["low"] > 0:
            verdict = "positive (interval above 0)"
        elif est["high"] < 0:
            verdict = "negative (interval below 0)"
        else:
            verdict = "not resolved (interval spans 0)"
        directions.append({**d, "difference": est, "verdict": verdict})
    turns = [by["e2e_rl"][s]["rollout_turns"] / by["pivotrl"][s]["rollout_turns"] for s in seeds
             if s in by.get("e2e_rl", {}) and s in by.get("pivotrl", {}) and by["pivotrl"][s].get("rollout_turns")]
    funnels = [raw["seeds"][s]["funnel"]["total"] if s in raw["seeds"] else raw["seeds"][str(s)]["funnel"]["total"]
               for s in seeds]
    zero = [(f["uniform_failure"] + f["uniform_success"]) / f["candidates"] for f in funnels if f["candidates"]]
    return {"preset": raw["config"]["name"], "dev": raw["dev"], "seeds": seeds, "arms": arms,
            "directions": directions, "e2e_to_pivotrl_rollout_turns": interval(turns),
            "funnel": {key: interval([f[key] for f in funnels]) for key in funnels[0]} if funnels else {},
            "zero_advantage_share": interval(zero), "base": raw["base"], "wall_seconds": raw.get("wall_seconds")}


def fmt(est: dict[str, Any], scale: float = 100.0, digits: int = 1) -> str:
    if est.get("mean") is None:
        return "-"
    text = f"{scale * est['mean']:.{digits}f}"
    if est.get("low") is not None:
        text += f" [{scale * est['low']:.{digits}f}, {scale * est['high']:.{digits}f}]"
    return text


def json_line(summary: dict[str, Any]) -> str:
    """``{"benchmark": "reproduce", "results": [...]}``: each arm's accuracies with SFT (in
    domain) or the base (skills) as the baseline."""
    results = []
    arms = summary["arms"]
    for arm in ARMS:
        for key, baseline_arm in (("in_domain", "sft"), ("skills", "base")):
            value, base = arms[arm][key]["mean"], arms[baseline_arm][key]["mean"]
            results.append({"name": f"{key}/{arm}", "value": value, "unit": "pass@1", "baseline": base,
                            "ratio": value / base if value is not None and base else None})
    return json.dumps({"benchmark": "reproduce", "preset": summary["preset"], "seeds": summary["seeds"],
                       "dev": summary["dev"], "results": results})


# ------------------------------------------------------------------------------------------
# HTML


def _png(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _bars(summary: dict[str, Any]) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(METRICS), figsize=(4 * len(METRICS), 3.6), sharey=False)
    for ax, key in zip(axes, METRICS, strict=True):
        means, errs, labels = [], [[], []], []
        for arm in ARMS:
            est = summary["arms"][arm][key]
            mean = est["mean"] if est["mean"] is not None else 0.0
            means.append(100 * mean)
            errs[0].append(100 * (mean - est["low"]) if est["low"] is not None else 0)
            errs[1].append(100 * (est["high"] - mean) if est["high"] is not None else 0)
            labels.append(LABELS[arm].split(" (")[0])
        ax.bar(range(len(ARMS)), means, yerr=errs, capsize=3, color="#4c72b0")
        ax.set_xticks(range(len(ARMS)), labels, rotation=40, ha="right", fontsize=8)
        ax.set_title(key.replace("_", " "), fontsize=10)
        ax.set_ylabel("%")
    fig.suptitle("mean over seeds, 95% t-interval", fontsize=10)
    return _png(fig)


def _curves(work: Path, summary: dict[str, Any]) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_rl, ax_sft) = plt.subplots(1, 2, figsize=(11, 3.6))
    for arm in ("pivotrl", "random_turns", "strict_reward", "e2e_rl"):
        curves = []
        for seed in summary["seeds"]:
            path = work / f"seed-{seed}" / arm / "metrics.jsonl"
            if path.exists():
                key = "episode_success" if arm == "e2e_rl" else "reward_mean"
                curves.append([json.loads(line).get(key, 0.0) for line in path.read_text().splitlines()])
        if curves:
            width = min(len(c) for c in curves)
            ax_rl.plot(range(1, width + 1), [statistics.fmean(c[i] for c in curves) for i in range(width)],
                       label=LABELS[arm])
    ax_rl.set_xlabel("step")
    ax_rl.set_ylabel("mean training reward (E2E: episode success)")
    ax_rl.legend(fontsize=8)
    for seed in summary["seeds"]:
        path = work / f"seed-{seed}" / "sft" / "metrics.jsonl"
        if path.exists():
            ax_sft.plot([json.loads(line)["loss"] for line in path.read_text().splitlines()], label=f"seed {seed}")
    base = work / "base" / "metrics.jsonl"
    ax_sft.set_xlabel("step")
    ax_sft.set_ylabel("SFT loss (assistant tokens)")
    ax_sft.legend(fontsize=8)
    if base.exists():
        ax_sft.set_title(f"base pretraining: loss {summary['base']['first_loss']:.2f} -> "
                         f"{summary['base']['last_loss']:.2f}", fontsize=9)
    return _png(fig)


def _funnel_figure(summary: dict[str, Any]) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    funnel = summary["funnel"]
    keys = ["uniform_failure", "uniform_success", "low_variance", "too_easy", "kept"]
    fig, ax = plt.subplots(figsize=(7, 2.2))
    left = 0.0
    total = funnel["candidates"]["mean"] or 1
    colors = ["#c44e52", "#55a868", "#8c8c8c", "#dd8452", "#4c72b0"]
    for key, color in zip(keys, colors, strict=True):
        share = (funnel[key]["mean"] or 0) / total
        ax.barh(["candidates"], [share], left=[left], color=color, label=key.replace("_", " "))
        left += share
    ax.set_xlim(0, 1)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, -1.1), ncol=5, fontsize=8)
    ax.set_title("where the training turns go under the filter (mean over seeds)", fontsize=10)
    return _png(fig)


def markdown_table(summary: dict[str, Any]) -> str:
    """The results table as Markdown (the README's "Does it work?" section shows it)."""
    head = ("| arm | in-domain pass@1 | tool-call turns | trajectory success | skills (OOD) | steps | "
            "tokens trained | rollout turns | train CPU s |")
    lines = [head, "|" + "---|" * 9]
    for arm in ARMS:
        row = summary["arms"][arm]
        lines.append(f"| {LABELS[arm]} | {fmt(row['in_domain'])} | {fmt(row['in_domain_calls'])} | "
                     f"{fmt(row['trajectory_success'])} | {fmt(row['skills'])} | {fmt(row['steps'], 1, 0)} | "
                     f"{fmt(row['forward_tokens'], 1, 0)} | {fmt(row['rollout_turns'], 1, 0)} | "
                     f"{fmt(row['train_cpu_seconds'], 1, 0)} |")
    return "\n".join(lines)


def directions_table(summary: dict[str, Any]) -> str:
    lines = ["| paper's direction | paper | here (points, paired by seed) | verdict |", "|---|---|---|---|"]
    for d in summary["directions"]:
        lines.append(f"| {d['claim']} ({d['arm']} - {d['versus']}, {d['metric']}) | {d['paper']} | "
                     f"{fmt(d['difference'], 100, 1)} | {d['verdict']} |")
    return "\n".join(lines)


def write_html(summary: dict[str, Any], work: Path, path: str | Path, notes: Sequence[str] = ()) -> Path:
    def table(markdown: str) -> str:
        rows = [r.strip("|").split("|") for r in markdown.splitlines() if not r.startswith("|---")]
        head = "".join(f"<th>{html.escape(c.strip())}</th>" for c in rows[0])
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c.strip())}</td>" for c in r) + "</tr>" for r in rows[1:])
        return f"<table><tr>{head}</tr>{body}</table>"

    zero = summary["zero_advantage_share"]
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>pivotrl reproduce</title>",
        "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}table{border-collapse:collapse;"
        "margin-bottom:1em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
        "td:first-child{text-align:left}</style></head><body>",
        f"<h1>pivotrl reproduce ({html.escape(summary['preset'])}{', dev split' if summary['dev'] else ''})</h1>",
        f"<p>seeds {summary['seeds']}; values in percent, mean over seeds with a 95% t-interval. Every arm starts "
        f"from one base checkpoint ({summary['base']['parameters']:,} parameters) and takes the same number of "
        "gradient steps.</p>",
        *(f"<p>{html.escape(n)}</p>" for n in notes),
        "<h2>results</h2>", table(markdown_table(summary)),
        f"<img alt='accuracy per arm' src='data:image/png;base64,{_bars(summary)}'>",
        "<h2>the paper's directions</h2>", table(directions_table(summary)),
        f"<p>E2E RL used {fmt(summary['e2e_to_pivotrl_rollout_turns'], 1, 2)} times PivotRL's rollout turns.</p>",
        "<h2>the filter</h2>",
        f"<p>{fmt(zero)}% of the training turns were uniform under the base (zero GRPO advantage; the paper "
        "found 71%).</p>",
        f"<img alt='funnel' src='data:image/png;base64,{_funnel_figure(summary)}'>",
        "<h2>learning curves</h2>", f"<img alt='learning curves' src='data:image/png;base64,{_curves(work, summary)}'>",
        "</body></html>",
    ]
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(parts), encoding="utf-8")
    return target
