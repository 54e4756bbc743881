"""The ``pivotrl`` command line. The CLI owns the terminal: tables and progress live here,
library code only logs."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import NoReturn

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pivotrl.cli_output import EXIT_ERROR, EXIT_NOTHING, emit_json
from pivotrl.errors import PivotRLError
from pivotrl.optional import require

# Pipes and CI logs get a wide table instead of rich's 80-column default.
console = Console(width=None if sys.stdout.isatty() else 140)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 140)

AGENT_REF_HELP = ("NeMo Gym rows: the agent of your NeMo Gym config that serves every row written (agent_ref). "
                  "Default: a row keeps its own; other pivots get NeMo Gym's stock agent for their kind of action.")


def _fail(exc: Exception) -> NoReturn:
    err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
    sys.exit(EXIT_ERROR)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pivotrl")
@click.option("-v", "--verbose", is_flag=True, help="Log debug messages.")
def main(verbose: bool) -> None:
    """Turn agent SFT trajectories into turn-level RL signal (PivotRL)."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary on stdout (tables go to stderr).")
def demo(as_json: bool) -> None:
    """Run the shipped trajectories through extraction, environments and verifiers. Exits 1
    when a reference action does not score 1 under its own verifier."""
    from pivotrl.cli_output import ProgressBar
    from pivotrl.demo import run_demo

    out = err_console if as_json else console
    bars: dict[str, ProgressBar] = {}

    def progress(domain: str, done: int, total: int) -> None:
        if domain not in bars:
            for bar in bars.values():
                bar.close()
            bars[domain] = ProgressBar(total, desc=f"demo {domain}", unit="step",
                                       waiting_for=f"the {domain} verifier (sandboxes start on first use)")
        bars[domain].update(1)

    try:
        rows = run_demo(progress=progress)
    except PivotRLError as exc:
        _fail(exc)
    finally:
        for bar in bars.values():
            bar.close()
    table = Table(title="pivotrl demo: shipped trajectories -> pivots -> env.step -> verifier")
    for col in ("domain", "env id", "verifier", "sandbox", "trajectories", "pivots", "reference reward",
                "perturbed reward", "steps/s"):
        table.add_column(col, justify="right" if col not in ("domain", "env id", "verifier", "sandbox") else "left")
    for r in rows:
        table.add_row(r.domain, r.env_id, r.verifier, r.runs_in, str(r.trajectories), str(r.pivots),
                      f"{r.reference_reward:.3f}", f"{r.perturbed_reward:.3f}", f"{r.steps_per_second:,.0f}")
    out.print(table)
    out.print("reference reward: the demonstrated action scored by its own verifier (gold self-check, 1.0 "
              "expected).\nperturbed reward: the same action with one wrong value (0.0 expected).")
    from pivotrl.benchmarks.agreement_report import summary_table
    from pivotrl.demo import run_agreement

    with err_console.status("verifier agreement on the shipped labeled sets"):
        agreement = run_agreement()
    for result in agreement:
        out.print(summary_table(result))
    ok = all(r.reference_reward >= 1.0 for r in rows)
    if as_json:
        from dataclasses import asdict

        emit_json({"command": "demo", "domains": [asdict(r) for r in rows],
                   "agreement": [{"dataset": result.dataset, "verifiers": [
                       {"verifier": v.verifier, "n": v.n, "metrics": v.metrics} for v in result.results]}
                       for result in agreement], "ok": ok})
    if not ok:
        sys.exit(EXIT_NOTHING)


@main.command()
@click.argument("trajectories", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the candidates (JSONL).")
@click.option("--domain", default=None, help="Domain for records that do not name one.")
@click.option("--format", "fmt", type=click.Choice(["pivots", "nemo-gym"]), default="pivots", show_default=True,
              help="Write Pivot records or NeMo Gym pivot rows.")
@click.option("--agent-ref", default=None, metavar="NAME", help=AGENT_REF_HELP)
def extract(trajectories: Path, output: Path, domain: str | None, fmt: str, agent_ref: str | None) -> None:
    """Write one pivot candidate per assistant turn of TRAJECTORIES."""
    from pivotrl.pivot_envs import ExtractionReport, extract_candidates, load_trajectories, write_jsonl
    from pivotrl.pivot_envs.io import write_nemo_gym_rows
    from pivotrl.pivot_envs.output_lock import exclusive_output

    if agent_ref is not None and fmt != "nemo-gym":
        raise click.UsageError("--agent-ref names the NeMo Gym agent of the rows written: use it with --format nemo-gym")
    try:
        with exclusive_output(output, purpose=f"pivotrl extract {trajectories.name}"):  # one writer, held throughout
            with err_console.status(f"reading {escape(str(trajectories))}"):
                report = ExtractionReport()
                candidates = extract_candidates(load_trajectories(trajectories, domain=domain), report=report)
            for traj_id, why in report.skipped:
                err_console.print(f"[yellow]skipped[/] trajectory {escape(traj_id)}: {escape(str(why))}", highlight=False,
                                  soft_wrap=True)
            if not candidates:
                raise PivotRLError(f"{trajectories}: no pivot candidate in {report.trajectories} trajectories")
            with err_console.status(f"writing {len(candidates)} candidates"):
                if fmt == "nemo-gym":
                    count = write_nemo_gym_rows(candidates, output, agent_ref=agent_ref)
                else:
                    count = write_jsonl(candidates, output)
    except PivotRLError as exc:
        _fail(exc)
    console.print(f"{report.trajectories} trajectories -> {count} candidates -> {escape(str(output))}", highlight=False, soft_wrap=True)


@main.command()
@click.argument("pivots", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--verifier", default=None, help="Check against this verifier instead of each pivot's own.")
@click.option("--domain", default=None, help="Domain for records that do not name one.")
@click.option("--limit", default=20, show_default=True, help="How many failures and schema warnings to list.")
@click.option("--strict", is_flag=True, help="Schema warnings (constraints a reference breaks, repaired schemas) "
                                             "are errors: exit 1.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary on stdout (every failure and warning "
                                                      "listed).")
def validate(pivots: Path, verifier: str | None, domain: str | None, limit: int, strict: bool, as_json: bool) -> None:
    """Gold self-check: every reference action must score 1 under its own verifier. Tool schemas that
    disagree with their own references are reported (and not enforced where the reference breaks them).
    Exits 1 when a reference fails (or, with --strict, when a schema warning is found)."""
    from pivotrl.pivot_envs import load_pivots
    from pivotrl.pivot_envs.domains import verifier_for
    from pivotrl.pivot_envs.validate import validate_pivots

    out = err_console if as_json else console
    try:
        with err_console.status(f"reading {escape(str(pivots))}"):
            loaded = load_pivots(pivots, domain=domain)
        with err_console.status(f"scoring {len(loaded)} reference actions with their verifiers"):
            report = validate_pivots(loaded, verifier)
    except PivotRLError as exc:
        _fail(exc)
    if as_json:
        emit_json({"command": "validate", "input": str(pivots), "checked": report.checked,
                   "failed": len(report.failures), "ok": report.passes(strict), "strict": strict,
                   "failures": [{"pivot_id": p.id, "verifier": verifier_for(p, verifier).name,
                                 "score": v.score, "reason": v.reason} for p, v in report.failures],
                   "schema_warnings": [{"tool": w.tool, "kind": w.kind, "constraint": w.constraint,
                                        "location": w.location, "detail": w.describe(), "pivots": w.pivots}
                                       for w in report.warnings]})
    if report.warnings:
        level = "error" if strict else "warning"
        table = Table(title=f"{len(report.warnings)} schema {level}(s): tool schemas that disagree with "
                            "their own references or are not valid JSON Schema")
        for col in ("tool", "kind", "constraint", "where", "pivots", "what (first pivot)"):
            table.add_column(col, justify="right" if col == "pivots" else "left")
        for w in report.warnings[:limit]:
            table.add_row(escape(w.tool), w.kind, escape(w.constraint), escape(w.location or "(top level)"),
                          str(len(w.pivots)), escape(f"{w.describe()} (e.g. {w.pivots[0]})"))
        out.print(table)
    if report.ok:
        out.print(f"ok: all {report.checked} reference actions score 1 under their verifier"
                  + (f" ({len(report.warnings)} schema warning(s))" if report.warnings else ""),
                  highlight=False, soft_wrap=True)
        if not report.passes(strict):
            sys.exit(EXIT_NOTHING)
        return
    table = Table(title=f"{len(report.failures)} of {report.checked} references fail their own verifier")
    for col in ("pivot", "verifier", "score", "reason"):
        table.add_column(col)
    for pivot, verdict in report.failures[:limit]:
        table.add_row(escape(pivot.id), verifier_for(pivot, verifier).name,
                      f"{verdict.score:g}", escape(verdict.reason))
    out.print(table)
    sys.exit(EXIT_NOTHING)


@main.command()
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--to", "target", type=click.Choice(["pivots", "nemo-gym"]), required=True,
              help="Convert pivots or NeMo Gym rows to pivots or NeMo Gym rows.")
@click.option("--domain", default=None, help="Domain for records that do not name one.")
@click.option("--agent-ref", default=None, metavar="NAME", help=AGENT_REF_HELP)
def convert(source: Path, output: Path, target: str, domain: str | None, agent_ref: str | None) -> None:
    """Convert between Pivot records and NeMo Gym pivot rows. A NeMo Gym row converted to a pivot and
    back comes back as it was."""
    from pivotrl.pivot_envs import load_pivots, write_jsonl, write_nemo_gym_rows

    if agent_ref is not None and target != "nemo-gym":
        raise click.UsageError("--agent-ref names the NeMo Gym agent of the rows written: use it with --to nemo-gym")
    try:
        with err_console.status(f"converting {escape(str(source))}"):
            pivots = load_pivots(source, domain=domain)
            if target == "nemo-gym":
                count = write_nemo_gym_rows(pivots, output, agent_ref=agent_ref)
            else:
                count = write_jsonl(pivots, output)
    except PivotRLError as exc:
        _fail(exc)
    console.print(f"{count} pivots -> {escape(str(output))} ({target})", highlight=False, soft_wrap=True)


@main.command(name="verifiers")
def verifiers_cmd() -> None:
    """List the registered verifiers (built-in and from entry points)."""
    from pivotrl.verifiers import list_verifiers

    for name in list_verifiers():
        console.print(name, highlight=False, soft_wrap=True)


@main.command(name="parsers")
def parsers_cmd() -> None:
    """List the tool-call formats (`parser=` names, as vLLM's --tool-call-parser) and what they read."""
    from pivotrl.verifiers.parsers import get_parser, list_parsers

    table = Table(title="tool-call parsers (default: auto, detected per action)")
    for col in ("name", "aliases", "reads"):
        table.add_column(col)
    formats = {get_parser(name).name: get_parser(name) for name in list_parsers() if name != "auto"}
    for name, fmt in sorted(formats.items()):
        table.add_row(name, ", ".join(fmt.aliases), escape(fmt.description))
    console.print(table)


@main.group()
def bench() -> None:
    """Benchmarks of verifiers against ground truth."""


def _is_bfcl(path: Path) -> bool:
    return (path.parent / "possible_answer" / path.name).exists()


@bench.command("agreement")
@click.option("--data", "datasets", multiple=True, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Labeled pairs (JSONL) or a BFCL question file (its possible_answer/ beside it). Repeatable.")
@click.option("--pivots", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Pivots for pairs that give pivot_id (default: NAME.pivots.jsonl beside NAME.pairs.jsonl).")
@click.option("--verifier", "verifiers", multiple=True, required=True,
              help="A verifier name, or a JSON spec {\"name\": ..., \"params\": {...}}. Repeatable.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--bootstrap", default=1000, show_default=True, help="Bootstrap rounds for the 95% intervals.")
@click.option("--disagreements", default=5, show_default=True, help="How many disagreements to list per verifier.")
@click.option("--per-category", is_flag=True, help="Group the reasons behind every false reject and false accept, "
                                                   "per category (always in --json and --html).")
def bench_agreement(datasets: tuple[Path, ...], pivots: Path | None, verifiers: tuple[str, ...], json_path: Path | None,
                    html_path: Path | None, bootstrap: int, disagreements: int, per_category: bool) -> None:
    """How well verifiers agree with ground truth: accuracy, precision, recall, F1, kappa,
    false-accept and false-reject rates with bootstrap intervals, per category."""
    import json as _json

    from pivotrl.benchmarks.agreement import agreement
    from pivotrl.benchmarks.agreement_report import (
        category_table,
        reason_rows,
        reasons_table,
        summary_table,
        write_html,
        write_json,
    )
    from pivotrl.benchmarks.bfcl import load_bfcl
    from pivotrl.benchmarks.labeled import load_labeled

    specs = [_json.loads(v) if v.strip().startswith("{") else v for v in verifiers]
    results = []
    try:
        for path in datasets:
            pairs = load_bfcl(path) if _is_bfcl(path) else load_labeled(path, pivots)
            with console.status(f"verifying {len(pairs)} pairs of {escape(path.name)}"):
                result = agreement(pairs, specs, dataset=path.name, bootstrap=bootstrap,
                                   max_disagreements=disagreements)
            results.append(result)
            console.print(summary_table(result))
            for r in result.results:
                console.print(category_table(r))
                for d in r.disagreements:
                    console.print(f"  [dim]{escape(d['category'])}[/] label={d['label']} verdict={d['verdict']}: "
                                  f"{escape(d['reason'][:160])}", highlight=False, soft_wrap=True)
                if per_category:
                    if reason_rows(r):
                        console.print(reasons_table(r))
                    else:
                        console.print(f"{escape(r.verifier)}: no disagreement with the labels", highlight=False)
    except PivotRLError as exc:
        _fail(exc)
    if json_path:
        write_json(results, json_path)
        console.print(f"figures -> {escape(str(json_path))}", highlight=False)
    if html_path:
        try:
            require("matplotlib", "report", "the HTML report")
        except PivotRLError as exc:
            _fail(exc)
        write_html(results, html_path)
        console.print(f"report -> {escape(str(html_path))}", highlight=False)


@main.group()
def judge() -> None:
    """The LLM-judge path: a tiny local test server."""


@judge.command("serve-test-model")
@click.option("--port", type=int, default=None, help="Port on 127.0.0.1 (default: a free one).")
def judge_serve_test_model(port: int | None) -> None:
    """Build a tiny random CPU model and serve it with `transformers serve` (OpenAI-compatible),
    to try the judge path without a GPU. For real judging point llm_judge at `vllm serve`."""
    from pivotrl.testing.judge_server import main as serve

    serve(["--port", str(port)] if port else [])


@main.group()
def sandbox() -> None:
    """Build, inspect and clean up the execution sandboxes."""


@sandbox.command("build")
@click.option("--no-docker", is_flag=True, help="Only the root file system (for the bubblewrap backend).")
@click.option("--force", is_flag=True, help="Rebuild even when cached.")
def sandbox_build(no_docker: bool, force: bool) -> None:
    """Build the sandbox root file system (debootstrap) and Docker image (docker import)."""
    from pivotrl.sandboxes.docker_backend import docker_client
    from pivotrl.sandboxes.image import build

    use_docker = not no_docker
    if use_docker:
        try:
            docker_client()
        except PivotRLError as exc:
            err_console.print(f"[yellow]no Docker image:[/] {escape(str(exc))}", soft_wrap=True)
            use_docker = False
    try:
        with console.status("building the sandbox (debootstrap takes about a minute the first time)"):
            report = build(docker=use_docker, force=force)
    except PivotRLError as exc:
        _fail(exc)
    console.print(f"root file system: {escape(str(report.rootfs))} ({'built' if report.built_rootfs else 'cached'})",
                  highlight=False, soft_wrap=True)
    if report.image:
        console.print(f"docker image: {escape(str(report.image))} ({'built' if report.built_image else 'cached'})",
                      highlight=False, soft_wrap=True)


@sandbox.command("gc")
def sandbox_gc() -> None:
    """Remove what sandboxes of dead runs left behind: containers and cgroups whose owner
    process (pid and start time) on this host is gone. Live runs' sandboxes are left alone."""
    from pivotrl.sandboxes.backends import backend_names, get_backend

    parts, notes = [], []
    for name in backend_names():
        collect = get_backend(name).collector()
        if collect is None:
            continue
        try:
            removed, what = collect()
        except PivotRLError as exc:
            notes.append(f"{name}: {exc}")
            continue
        parts.append(f"{removed} {what}")
    console.print(f"removed {' and '.join(parts) or 'nothing'} of dead runs", highlight=False)
    for note in notes:
        err_console.print(f"[yellow]skipped[/] {escape(note)}", soft_wrap=True)


class _BackendChoice(click.Choice):
    """``auto`` and the registered backends, looked up when the command runs (so a backend
    registered by a plugin is offered, and ``import pivotrl.cli`` loads no sandbox code)."""

    def __init__(self) -> None:
        super().__init__(["auto"])

    @property  # type: ignore[override]
    def choices(self):
        from pivotrl.sandboxes.backends import backend_names

        return ["auto", *backend_names()]

    @choices.setter
    def choices(self, value) -> None:
        pass


@sandbox.command("info")
@click.option("--backend", type=_BackendChoice(), default="auto", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of the table.")
def sandbox_info(backend: str, as_json: bool) -> None:
    """Say which backend would be used and why, and what isolation holds on it here
    (whole-sandbox process and memory limits, seccomp, a fresh work dir per check)."""
    from pivotrl.sandboxes.choose import choose_backend, describe

    try:
        choice = choose_backend(backend, build=False)
    except PivotRLError as exc:
        _fail(exc)
    if as_json:
        click.echo(json.dumps(describe(choice)))
        return
    console.print(escape(f"{choice.name}: {choice.reason}"), highlight=False, soft_wrap=True)
    if choice.isolation is not None:
        table = Table(show_header=True, header_style="bold")
        for col in ("isolation", "holds", "how"):
            table.add_column(col)
        for aspect in choice.isolation.aspects:
            table.add_row(aspect.name, "yes" if aspect.holds else "[red]NO[/]", escape(aspect.detail))
        console.print(table)


def _add_profiling_commands() -> None:
    from pivotrl.cli_profile import COMMANDS  # after main exists: cli_profile imports it

    for command in COMMANDS:
        main.add_command(command)


def _add_training_commands() -> None:
    from pivotrl.cli_eval import COMMANDS as EVAL
    from pivotrl.cli_reproduce import COMMANDS as REPRODUCE

    try:  # its flags are read from TrainerConfig, which needs torch: torch is not a core dependency
        from pivotrl.cli_train import COMMANDS as TRAIN
    except ModuleNotFoundError as exc:
        if exc.name not in ("torch", "transformers"):
            raise
        TRAIN = (_missing_training_dependency(exc.name),)
    for command in (*TRAIN, *EVAL, *REPRODUCE):
        main.add_command(command)


def _missing_training_dependency(package: str) -> click.Command:
    """``pivotrl train`` where torch is not installed: every other command still works, and this
    one says what to install instead of failing the whole CLI at import."""

    @click.command("train", context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
                   add_help_option=False)
    def train() -> None:
        """Train with PivotGRPOTrainer (needs torch and transformers: pip install 'pivotrl[trl]')."""
        _fail(PivotRLError(f"training needs the {package} package: pip install 'pivotrl[trl]'"))

    return train


_add_profiling_commands()
_add_training_commands()


if __name__ == "__main__":
    main()
