"""``pivotrl reproduce``: the PivotRL experiment at toy scale on this machine's CPU, from the
shipped data only; tables on the terminal, JSON and HTML on request, and the usual one-line
JSON last. A rerun with the same options resumes where the last one stopped."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import NoReturn

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pivotrl.errors import PivotRLError
from pivotrl.optional import require

console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 160)


def _fail(exc: Exception) -> NoReturn:
    err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
    sys.exit(2)


def _load() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} CPUs"


def _table(title: str, markdown: str) -> Table:
    rows = [r.strip("|").split("|") for r in markdown.splitlines() if not r.startswith("|---")]
    table = Table(title=title)
    for i, col in enumerate(rows[0]):
        table.add_column(col.strip(), justify="left" if i == 0 else "right")
    for row in rows[1:]:
        table.add_row(*(escape(c.strip()) for c in row))
    return table


@click.command()
@click.option("--quick", is_flag=True, help="One seed, a smaller model, a few steps: a smoke test of every stage "
                                            "(its numbers mean nothing).")
@click.option("--seeds", "n_seeds", type=int, default=None, help="How many seeds (default: 3, or 1 with --quick).")
@click.option("--work-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where models, data and results go (default: ./pivotrl-reproduce/<preset>); rerun to resume.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the summary and every seed's results here.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write a report with plots here.")
@click.option("--workers", type=int, default=None, help="Stages run in parallel (default: 2).")
@click.option("--threads", type=int, default=None, help="torch threads per worker (default: 1; more threads than "
                                                         "free cores slow every worker down).")
@click.option("--dev", is_flag=True, help="Evaluate on the dev split carved from the training trajectories and on "
                                          "dev skill questions: for tuning; the held-out sets are not read.")
def reproduce(quick: bool, n_seeds: int | None, work_dir: Path | None, json_path: Path | None,
              html_path: Path | None, workers: int | None, threads: int | None, dev: bool) -> None:
    """SFT, PivotRL, random turns, strict reward and E2E RL from one toy base model, evaluated
    on held-out in-domain pivots and held-out out-of-domain skills, next to the paper's
    directions."""
    from pivotrl.experiment.config import preset
    from pivotrl.experiment.report import (
        directions_table,
        fmt,
        json_line,
        markdown_table,
        summarize,
        write_html,
    )
    from pivotrl.experiment.run import run_experiment

    started = time.perf_counter()
    load_before = _load()
    try:
        config = preset("quick" if quick else "full")
        changes: dict[str, object] = {}
        if n_seeds is not None:
            if n_seeds < 1:
                raise PivotRLError(f"--seeds must be at least 1, got {n_seeds}")
            changes["seeds"] = tuple(range(n_seeds))
        if workers is not None:
            changes["workers"] = workers
        if threads is not None:
            changes["threads"] = threads
        config = config.replace(**changes)
        work = work_dir or Path("pivotrl-reproduce") / (config.name + ("-dev" if dev else ""))
        err_console.print(f"pivotrl reproduce ({config.name}{', dev split' if dev else ''}): seeds "
                          f"{list(config.seeds)}, {config.workers} workers x {config.threads} thread(s), work dir "
                          f"{escape(str(work))}; load average {load_before}", highlight=False, soft_wrap=True)

        def event(message: str) -> None:
            err_console.print(f"[dim]{time.perf_counter() - started:7.0f} s[/] {escape(message)}", highlight=False,
                              soft_wrap=True)

        raw = run_experiment(config, work, dev=dev, on_event=event)
    except KeyboardInterrupt:
        err_console.print("[yellow]interrupted:[/] finished stages are kept; rerun the same command to resume",
                          highlight=False)
        sys.exit(130)
    except PivotRLError as exc:
        _fail(exc)
    summary = summarize(raw)
    wall = time.perf_counter() - started
    timing = {"wall_seconds": wall, "load_before": load_before, "load_after": _load()}
    summary["timing"] = timing
    console.print(_table(f"held-out results ({'dev split' if dev else 'held-out split'}), percent: mean over "
                         f"{len(config.seeds)} seed(s) [95% t-interval]", markdown_table(summary)))
    console.print(_table("the paper's directions at toy scale", directions_table(summary)))
    console.print(f"filter: {fmt(summary['zero_advantage_share'])}% of training turns uniform under the base "
                  f"(paper: 71%); E2E RL took {fmt(summary['e2e_to_pivotrl_rollout_turns'], 1, 2)}x PivotRL's "
                  f"rollout turns", highlight=False, soft_wrap=True)
    console.print(f"wall-clock {wall / 60:.1f} min; load average {load_before} before, {timing['load_after']} after",
                  highlight=False, soft_wrap=True)
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps({"summary": summary, "raw": raw}, indent=1, default=str) + "\n",
                             encoding="utf-8")
        console.print(f"results -> {escape(str(json_path))}", highlight=False, soft_wrap=True)
    if html_path:
        try:
            require("matplotlib", "report", "the HTML report")
        except PivotRLError as exc:
            _fail(exc)
        write_html(summary, Path(work), html_path,
                   notes=[f"wall-clock {wall / 60:.1f} min for this invocation; load average {load_before} "
                          f"before, {timing['load_after']} after."])
        console.print(f"report -> {escape(str(html_path))}", highlight=False, soft_wrap=True)
    print(json_line(summary), flush=True)


COMMANDS = (reproduce,)
