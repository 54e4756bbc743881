"""``pivotrl eval``: a policy's accuracy at held-out pivots and on question/answer task files,
as tables on the terminal and, on request, JSON and an HTML report with plots."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pivotrl.errors import PivotRLError, VerifierError
from pivotrl.optional import require

console = Console(width=None if sys.stdout.isatty() else 140)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 140)


def _fail(exc: Exception) -> NoReturn:
    err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
    sys.exit(2)


def suite_names(paths: list[Path]) -> list[str]:
    """Each file's stem, or its path where two files share a stem."""
    stems = [p.name.removesuffix(".gz").rsplit(".", 1)[0] for p in paths]
    return [stem if stems.count(stem) == 1 else str(path) for stem, path in zip(stems, paths, strict=True)]


def results_table(result: Any, suite: str) -> Table:
    from pivotrl.pivot_envs.evaluate import METRICS

    table = Table(title=f"{escape(str(suite))}  ({100 * result.config.confidence:.0f}% cluster-bootstrap intervals)")
    for col in ("domain", "category", "items", *METRICS):
        table.add_column(col, justify="left" if col in ("domain", "category") else "right")
    for s in result.summaries:
        if s.suite != suite:
            continue
        cells = []
        for metric in METRICS:
            est = s.metrics.get(metric)
            cells.append("-" if est is None else f"{est.mean:.3f} [{est.low:.2f}, {est.high:.2f}]")
        table.add_row("all" if s.domain == "*" else escape(s.domain), "" if s.category == "*" else escape(s.category),
                      str(s.items), *cells)
    return table


@click.command(name="eval")
@click.argument("pivots", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--policy", "policy_spec", required=True, help="hf:PATH, openai:URL#MODEL or vllm:MODEL.")
@click.option("--tasks", "task_files", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Question/answer JSONL ({id, question, answer[, category]}), checked by exact answer. Repeatable.")
@click.option("-k", "k", default=4, show_default=True, help="Sampled replies per item for mean@k and pass@k (0: none).")
@click.option("--greedy/--no-greedy", default=True, show_default=True, help="Also a greedy reply per item (pass@1).")
@click.option("--temperature", default=1.0, show_default=True, type=float)
@click.option("--top-p", default=1.0, show_default=True, type=float)
@click.option("--max-tokens", default=256, show_default=True, type=int)
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--verifier", default=None, help="A verifier name or JSON spec for every pivot (default: each pivot's own).")
@click.option("--bootstrap", default=1000, show_default=True, help="Bootstrap resamples for the intervals.")
@click.option("--batch-size", default=8, show_default=True, help="Items per policy call (hf: prompts per batch).")
@click.option("--threads", type=int, default=None, help="torch threads for hf: policies.")
@click.option("--domain", default=None, help="Domain for pivot records that do not name one.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write summaries and per-item scores here.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write an HTML report with plots here.")
def eval_cmd(pivots: tuple[Path, ...], policy_spec: str, task_files: tuple[Path, ...], k: int, greedy: bool,
             temperature: float, top_p: float, max_tokens: int, seed: int, verifier: str | None, bootstrap: int,
             batch_size: int, threads: int | None, domain: str | None, json_path: Path | None,
             html_path: Path | None) -> None:
    """Accuracy of a policy at held-out PIVOTS (each scored by its own verifier) and on --tasks
    files: pass@1 (greedy), mean@k and pass@k, per domain and category."""
    from pivotrl.cli_profile import _verifier_option
    from pivotrl.pivot_envs import load_pivots
    from pivotrl.pivot_envs.evaluate import EvalConfig, evaluate
    from pivotrl.pivot_envs.policies import get_policy, parse_spec
    from pivotrl.pivot_envs.tasks import load_tasks

    policy = None
    try:
        if not pivots and not task_files:
            raise PivotRLError("nothing to evaluate: give pivot files and/or --tasks files")
        config = EvalConfig(k=k, greedy=greedy, temperature=temperature, top_p=top_p, max_tokens=max_tokens,
                            seed=seed, verifier=_verifier_option(verifier), chunk=batch_size, bootstrap=bootstrap)
        pivot_suites = [(name, load_pivots(path, domain=domain)) for name, path in
                        zip(suite_names(list(pivots)), pivots, strict=True)]
        task_suites = [(name, load_tasks(path)) for name, path in zip(suite_names(list(task_files)), task_files, strict=True)]
        for name, members in [*pivot_suites, *task_suites]:
            if not members:
                raise PivotRLError(f"{name}: the file holds no items")
        options: dict[str, Any] = {}
        if parse_spec(policy_spec)[0] == "hf":
            options["batch_size"] = batch_size
            if threads is not None:
                import torch

                torch.set_num_threads(threads)
        with err_console.status(f"loading policy {escape(str(policy_spec))}"):
            policy = get_policy(policy_spec, **options)
        from tqdm import tqdm

        bar = tqdm(total=1, unit="item", desc="evaluating", file=sys.stderr, dynamic_ncols=True)

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        try:
            result = evaluate(policy, pivots=pivot_suites, tasks=task_suites, config=config, progress=progress)
        finally:
            bar.close()
    except VerifierError as exc:
        _fail(PivotRLError(f"{exc}\nthe verifier is broken, not the replies: nothing was scored 0 for it"))
    except PivotRLError as exc:
        _fail(exc)
    finally:
        if policy is not None:
            policy.close()
    for suite in [n for n, _ in pivot_suites] + [n for n, _ in task_suites]:
        console.print(results_table(result, suite))
    console.print(f"{result.samples} replies scored in {result.seconds:.1f} s", highlight=False)
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(result.to_dict(), indent=1) + "\n", encoding="utf-8")
        console.print(f"figures -> {escape(str(json_path))}", highlight=False, soft_wrap=True)
    if html_path:
        try:
            require("matplotlib", "report", "the HTML report")
        except PivotRLError as exc:
            _fail(exc)
        from pivotrl.pivot_envs.eval_report import write_html

        write_html(result, html_path, title=f"pivotrl eval: {policy_spec}")
        console.print(f"report -> {escape(str(html_path))}", highlight=False, soft_wrap=True)


COMMANDS = (eval_cmd,)
