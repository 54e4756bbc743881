"""A self-contained HTML page for an evaluation: per suite, accuracy by category with its
bootstrap interval (matplotlib PNGs inlined as base64), the summary table, and the failing
items with their verifier's reasons."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path
from typing import Any

from pivotrl.pivot_envs.evaluate import METRICS, EvalResult

COLORS = {"pass@1": "#4c72b0", "mean@k": "#dd8452", "pass@k": "#55a868"}
MAX_FAILURES = 40


def _png(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _suite_figure(result: EvalResult, suite: str) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [s for s in result.summaries if s.suite == suite and (s.category != "*" or s.domain == "*")]
    labels = ["all" if s.domain == "*" else f"{s.domain} / {s.category}" for s in rows]
    metrics = [m for m in METRICS if any(m in s.metrics for s in rows)]
    fig, ax = plt.subplots(figsize=(7.5, 0.8 + 0.45 * len(rows) * max(len(metrics), 1)))
    height = 0.8 / max(len(metrics), 1)
    for j, metric in enumerate(metrics):
        ys = [i + j * height for i in range(len(rows))]
        means = [s.metrics[metric].mean if metric in s.metrics else 0.0 for s in rows]
        lows = [max(s.metrics[metric].mean - s.metrics[metric].low, 0) if metric in s.metrics else 0 for s in rows]
        highs = [max(s.metrics[metric].high - s.metrics[metric].mean, 0) if metric in s.metrics else 0 for s in rows]
        ax.barh(ys, means, height=height, xerr=[lows, highs], color=COLORS[metric], label=metric, capsize=2)
    ax.set_yticks([i + height * (len(metrics) - 1) / 2 for i in range(len(rows))], labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel(f"accuracy ({100 * result.config.confidence:.0f}% cluster-bootstrap interval)")
    ax.set_title(suite)
    ax.legend(loc="lower right", fontsize=8)
    return _png(fig)


def _cell(summary: Any, metric: str) -> str:
    est = summary.metrics.get(metric)
    if est is None:
        return "<td>-</td>"
    return f"<td>{est.mean:.3f} <small>[{est.low:.3f}, {est.high:.3f}]</small></td>"


def write_html(result: EvalResult, path: str | Path, title: str = "pivotrl eval") -> Path:
    suites = sorted({s.suite for s in result.summaries})
    head = "".join(f"<th>{c}</th>" for c in ("suite", "domain", "category", "items", "clusters", *METRICS))
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in (s.suite, s.domain, s.category, s.items,
                                                                     s.clusters))
        + "".join(_cell(s, m) for m in METRICS) + "</tr>" for s in result.summaries)
    failures = [i for i in result.items if (i.greedy is not None and i.greedy < 1) or (i.samples and not all(i.correct))]
    fail_rows = "".join(
        f"<tr><td>{html.escape(i.suite)}</td><td>{html.escape(i.id)}</td><td>{html.escape(i.reason[:200])}</td></tr>"
        for i in failures[:MAX_FAILURES])
    cfg = result.config
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>", f"<title>{html.escape(title)}</title>",
        "<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto}table{border-collapse:collapse;"
        "margin-bottom:1em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
        "td:nth-child(-n+3){text-align:left}small{color:#666}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p>policy <code>{html.escape(result.policy)}</code>; pass@1: greedy reply; mean@k and pass@k: "
        f"k = {cfg.k} replies at temperature {cfg.temperature:g}; {result.samples} replies in "
        f"{result.seconds:.1f} s. Intervals: {100 * cfg.confidence:.0f}% percentile bootstrap over "
        f"{cfg.bootstrap} resamples of clusters (a trajectory's pivots, or one task).</p>",
        *(f"<img alt='{html.escape(s)}' src='data:image/png;base64,{_suite_figure(result, s)}'>" for s in suites),
        f"<h2>summary</h2><table><tr>{head}</tr>{rows}</table>",
        f"<h2>failures ({len(failures)}, first {min(len(failures), MAX_FAILURES)})</h2>"
        f"<table><tr><th>suite</th><th>item</th><th>why</th></tr>{fail_rows}</table>",
        "</body></html>",
    ]
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(parts), encoding="utf-8")
    return target
