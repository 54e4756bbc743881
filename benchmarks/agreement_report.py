"""Render agreement results: rich tables for the terminal, JSON, and a self-contained HTML
page with the tables and a matplotlib plot (false-accept vs false-reject per verifier, and
threshold sweeps for thresholded verifiers)."""

from __future__ import annotations

import base64
import html
import io
import json
import math
from pathlib import Path

from rich.table import Table

from pivotrl.benchmarks.agreement import AgreementResult, VerifierAgreement


def _pct(x: float) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.1f}%"


def _ci(r: VerifierAgreement, key: str) -> str:
    lo, hi = r.intervals[key]
    return f"{_pct(r.metrics[key])} [{_pct(lo)}, {_pct(hi)}]"


def summary_table(result: AgreementResult) -> Table:
    table = Table(title=f"verifier agreement on {result.dataset} (bootstrap 95% intervals)")
    for col in ("verifier", "n", "accuracy", "precision", "recall", "F1", "kappa", "false accept", "false reject",
                "verif/s"):
        table.add_column(col, justify="left" if col == "verifier" else "right")
    for r in result.results:
        m = r.metrics
        table.add_row(r.verifier, str(r.n), _pct(m["accuracy"]), _pct(m["precision"]), _pct(m["recall"]),
                      _pct(m["f1"]), f"{m['kappa']:.3f}" if not math.isnan(m["kappa"]) else "n/a",
                      _ci(r, "false_accept_rate"), _ci(r, "false_reject_rate"), f"{r.verifications_per_second:,.0f}")
    return table


def category_table(r: VerifierAgreement) -> Table:
    table = Table(title=f"{r.verifier}: confusion {r.confusion} — per category")
    for col in ("category", "n", "label true", "accuracy", "false accept", "false reject"):
        table.add_column(col, justify="left" if col == "category" else "right")
    for category, c in r.per_category.items():
        table.add_row(category, str(c["n"]), str(c["positives"]), _pct(c["accuracy"]), _pct(c["false_accept_rate"]),
                      _pct(c["false_reject_rate"]))
    return table


def reason_rows(r: VerifierAgreement) -> list[tuple[str, str, str, int, str]]:
    """(category, outcome, reason group, count, example) for every disagreement group."""
    rows = []
    for category, c in r.per_category.items():
        for outcome, key in (("false reject", "false_reject_reasons"), ("false accept", "false_accept_reasons")):
            for group in c.get(key, []):
                example = group["examples"][0] if group["examples"] else {}
                rows.append((category, outcome, group["reason"], group["count"],
                             f"{example.get('pivot_id', '')}: {example.get('reason', '')}"))
    return rows


def reasons_table(r: VerifierAgreement) -> Table:
    table = Table(title=f"{r.verifier}: why it disagrees with the labels, per category")
    for col in ("category", "outcome", "reason", "n", "example"):
        table.add_column(col, justify="right" if col == "n" else "left")
    for category, outcome, reason, count, example in reason_rows(r):
        table.add_row(category, outcome, reason, str(count), example[:120])
    return table


def write_json(results: list[AgreementResult], path: str | Path) -> None:
    Path(path).write_text(json.dumps([r.to_dict() for r in results], indent=2, default=float))


def _plot(results: list[AgreementResult]) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sweeps = [(res.dataset, r) for res in results for r in res.results if r.sweep]
    fig, axes = plt.subplots(1, 2 if sweeps else 1, figsize=(12 if sweeps else 6.5, 5), squeeze=False)
    ax = axes[0][0]
    for res in results:
        for r in res.results:
            far, frr = r.metrics["false_accept_rate"], r.metrics["false_reject_rate"]
            (flo, fhi), (rlo, rhi) = r.intervals["false_accept_rate"], r.intervals["false_reject_rate"]
            ax.errorbar(far, frr, xerr=[[max(0, far - flo)], [max(0, fhi - far)]],
                        yerr=[[max(0, frr - rlo)], [max(0, rhi - frr)]], fmt="o", capsize=3,
                        label=f"{r.verifier} on {res.dataset}")
    ax.set_xlabel("false-accept rate (wrong action rewarded)")
    ax.set_ylabel("false-reject rate (right action thrown away)")
    ax.set_title("error rates with bootstrap 95% intervals")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    if sweeps:
        ax2 = axes[0][1]
        for dataset, r in sweeps:
            thresholds = [p["threshold"] for p in r.sweep]
            ax2.plot(thresholds, [p["false_accept_rate"] for p in r.sweep], label=f"{r.verifier} FAR ({dataset})")
            ax2.plot(thresholds, [p["false_reject_rate"] for p in r.sweep], "--", label=f"{r.verifier} FRR ({dataset})")
        ax2.set_xlabel("threshold")
        ax2.set_ylabel("rate")
        ax2.set_title("threshold sweep")
        ax2.grid(alpha=0.3)
        ax2.legend(fontsize=7)
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def write_html(results: list[AgreementResult], path: str | Path) -> None:
    parts = ["<!doctype html><html><head><meta charset='utf-8'><title>pivotrl verifier agreement</title>",
             "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}"
             "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,th:first-child"
             "{text-align:left}</style></head><body><h1>Verifier agreement with ground truth</h1>",
             f"<img alt='error rates' src='data:image/png;base64,{_plot(results)}'>"]
    for res in results:
        parts.append(f"<h2>{html.escape(res.dataset)}</h2><table><tr><th>verifier</th><th>n</th><th>accuracy</th>"
                     "<th>precision</th><th>recall</th><th>F1</th><th>kappa</th><th>false accept</th>"
                     "<th>false reject</th><th>verif/s</th></tr>")
        for r in res.results:
            m = r.metrics
            parts.append("<tr>" + "".join(f"<td>{html.escape(str(x))}</td>" for x in (
                r.verifier, r.n, _pct(m["accuracy"]), _pct(m["precision"]), _pct(m["recall"]), _pct(m["f1"]),
                f"{m['kappa']:.3f}", _ci(r, "false_accept_rate"), _ci(r, "false_reject_rate"),
                f"{r.verifications_per_second:,.0f}")) + "</tr>")
        parts.append("</table>")
        for r in res.results:
            parts.append(f"<h3>{html.escape(r.verifier)}: per category</h3><p>confusion: "
                         f"{html.escape(json.dumps(r.confusion))}</p><table><tr><th>category</th><th>n</th>"
                         "<th>label true</th><th>accuracy</th><th>false accept</th><th>false reject</th></tr>")
            for category, c in r.per_category.items():
                parts.append("<tr>" + "".join(f"<td>{html.escape(str(x))}</td>" for x in (
                    category, c["n"], c["positives"], _pct(c["accuracy"]), _pct(c["false_accept_rate"]),
                    _pct(c["false_reject_rate"]))) + "</tr>")
            parts.append("</table>")
            rows = reason_rows(r)
            if rows:
                parts.append(f"<h4>{html.escape(r.verifier)}: why it disagrees, per category</h4><table><tr>"
                             "<th>category</th><th>outcome</th><th>reason</th><th>n</th><th>example</th></tr>")
                parts.extend("<tr>" + "".join(f"<td>{html.escape(str(x))}</td>" for x in row) + "</tr>"
                             for row in rows)
                parts.append("</table>")
            if r.disagreements:
                parts.append("<details><summary>first disagreements</summary><ul>" + "".join(
                    f"<li><b>{html.escape(d['category'])}</b> label={d['label']} verdict={d['verdict']}: "
                    f"{html.escape(d['reason'])}</li>" for d in r.disagreements) + "</ul></details>")
    parts.append("</body></html>")
    Path(path).write_text("".join(parts), encoding="utf-8")
