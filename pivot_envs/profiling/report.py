"""A self-contained HTML page about a profiled file: the mean-reward histogram with the kept
region, reward variance by turn index, and the share of candidates whose GRPO advantage would
be zero (the compute filtering saves). Plots are matplotlib PNGs inlined as base64."""

from __future__ import annotations

import base64
import html
import io
import statistics
import warnings
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pivotrl.pivot_envs.profiling.filter import CLASSES, DEFAULT_LAM, filter_pivots, turn_bucket
from pivotrl.pivot_envs.records import Pivot

LABELS = {"uniform_failure": "uniform failure", "uniform_success": "uniform success",
          "low_variance": "variance <= min-var", "too_easy": "mixed, mean >= lam", "kept": "kept"}
COLORS = {"uniform_failure": "#c44e52", "uniform_success": "#55a868", "low_variance": "#8c8c8c",
          "too_easy": "#dd8452", "kept": "#4c72b0"}


def _png(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _funnel(pivots: Sequence[Pivot], lam: float, min_var: float) -> Any:
    with warnings.catch_warnings():  # the CLI's filter step is where a small K is reported
        warnings.simplefilter("ignore")
        return filter_pivots(pivots, lam, min_var).funnel


def _figures(pivots: Sequence[Pivot], lam: float, min_var: float) -> dict[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    means = [float(p.stats["mean"]) for p in pivots]  # type: ignore[index]
    out: dict[str, str] = {}

    fig, ax = plt.subplots(figsize=(7, 3.6))
    ax.hist(means, bins=[i / 20 for i in range(21)], color="#4c72b0", edgecolor="white")
    ax.axvspan(0, lam, color="#4c72b0", alpha=0.08, label=f"kept region: mean < {lam:g} (and var > {min_var:g})")
    ax.axvline(lam, color="#c44e52", linestyle="--", linewidth=1)
    ax.set_xlim(0, 1)
    ax.set_xlabel("mean reward over K samples")
    ax.set_ylabel("candidates")
    ax.set_title("mean reward per candidate")
    ax.legend(loc="upper center", fontsize=8)
    out["means"] = _png(fig)

    by_turn: dict[str, list[float]] = defaultdict(list)
    for p in pivots:
        by_turn[turn_bucket(p)].append(float(p.stats["var"]))  # type: ignore[index]
    turns = sorted(by_turn, key=lambda t: (int(t.rstrip("+")) if t.rstrip("+").isdigit() else 10**9, t))
    fig, ax = plt.subplots(figsize=(7, 3.6))
    ax.boxplot([by_turn[t] for t in turns], tick_labels=turns, showmeans=True)
    ax.set_xlabel("assistant turn index (source.turn)")
    ax.set_ylabel("reward variance")
    ax.set_title("reward variance by turn index (triangle: mean)")
    out["variance"] = _png(fig)

    funnel = _funnel(pivots, lam, min_var)
    domains = sorted(funnel.by_domain)
    fig, ax = plt.subplots(figsize=(7, 0.6 + 0.5 * (len(domains) + 1)))
    rows = ["all", *domains]
    counts = [funnel.total, *(funnel.by_domain[d] for d in domains)]
    left = [0.0] * len(rows)
    for cls in CLASSES:
        shares = [c[cls] / c["candidates"] if c["candidates"] else 0.0 for c in counts]
        ax.barh(rows, shares, left=left, color=COLORS[cls], label=LABELS[cls])
        left = [a + b for a, b in zip(left, shares, strict=True)]
    ax.set_xlim(0, 1)
    ax.invert_yaxis()
    ax.set_xlabel("share of candidates")
    ax.set_title("where the candidates go (red + green: zero GRPO advantage)")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, -0.75 - 0.1 * len(domains)), ncol=3, fontsize=8)
    out["funnel"] = _png(fig)
    return out


def summary(pivots: Sequence[Pivot], lam: float = DEFAULT_LAM, min_var: float = 0.0) -> dict[str, Any]:
    """The figures the page states: counts per class and the zero-advantage share."""
    funnel = _funnel(pivots, lam, min_var)
    total = funnel.total["candidates"]
    zero = funnel.total["uniform_failure"] + funnel.total["uniform_success"]
    ks = sorted({int(p.stats["k"]) for p in pivots if p.stats and "k" in p.stats})
    return {"candidates": total, "zero_advantage": zero, "zero_advantage_share": zero / total if total else 0.0,
            "kept": funnel.total["kept"], "mean_reward": statistics.mean(float(p.stats["mean"]) for p in pivots)
            if pivots else 0.0, "k": ks, "funnel": funnel.to_dict()}


def _table(title: str, rows: dict[str, dict[str, int]]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in ("group", "candidates", *(LABELS[c] for c in CLASSES)))
    body = "".join(
        "<tr><td>" + html.escape(name) + "</td>" + "".join(f"<td>{counts[c]}</td>" for c in ("candidates", *CLASSES))
        + "</tr>" for name, counts in rows.items())
    return f"<h2>{html.escape(title)}</h2><table><tr>{head}</tr>{body}</table>"


def write_html(pivots: Sequence[Pivot], path: str | Path, *, lam: float = DEFAULT_LAM, min_var: float = 0.0,
               title: str = "pivotrl profile report") -> dict[str, Any]:
    """Write the report to ``path`` (one file, no external assets) and return its summary."""
    if not pivots:
        raise ValueError("no profiled candidates to report on")
    facts = summary(pivots, lam, min_var)
    figures = _figures(pivots, lam, min_var)
    funnel = facts["funnel"]
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title>",
        "<style>body{font-family:sans-serif;max-width:960px;margin:2em auto}table{border-collapse:collapse;"
        "margin-bottom:1em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
        "td:first-child{text-align:left}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p>{facts['candidates']} candidates, K = {', '.join(map(str, facts['k'])) or '?'}; filter "
        f"<code>var &gt; {min_var:g} and mean &lt; {lam:g}</code> keeps <b>{facts['kept']}</b>. "
        f"<b>{100 * facts['zero_advantage_share']:.1f}%</b> of candidates ({facts['zero_advantage']}) are uniform: "
        "every sample gets the same reward, so their GRPO advantage is zero and training on them is wasted "
        f"compute. Mean reward over all candidates: {facts['mean_reward']:.3f}.</p>",
        f"<img alt='mean reward histogram' src='data:image/png;base64,{figures['means']}'>",
        f"<img alt='reward variance by turn index' src='data:image/png;base64,{figures['variance']}'>",
        f"<img alt='share of zero-advantage candidates' src='data:image/png;base64,{figures['funnel']}'>",
        _table("funnel", {"all": funnel["total"]}),
        _table("per domain", funnel["by_domain"]),
        _table("per turn position", funnel["by_turn"]),
        "</body></html>",
    ]
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(parts), encoding="utf-8")
    return facts
