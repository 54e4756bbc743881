"""``pivotrl profile``, ``pivotrl filter`` and ``pivotrl report``: the CLI side of profiling
(progress bar, funnel tables, messages); the work is in pivot_envs.profiling (the engine,
.filter and .report)."""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path
from typing import Any, NoReturn

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pivotrl.cli_output import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_NOTHING, ProgressBar, emit_json
from pivotrl.errors import PivotRLError, VerifierError
from pivotrl.optional import require

MIN_K = 8
# the same consoles as the rest of the CLI (no import of pivotrl.cli here: it imports this module)
console = Console(width=None if sys.stdout.isatty() else 140)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 140)


def _fail(exc: Exception) -> NoReturn:
    err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
    sys.exit(EXIT_ERROR)


def _verifier_option(value: str | None) -> Any:
    if value is None:
        return None
    if value.strip().startswith("{"):
        try:
            return json.loads(value)
        except ValueError as exc:
            raise click.BadParameter(f"not a JSON verifier spec: {exc}") from None
    return value


@click.command()
@click.argument("candidates", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--policy", "policy_spec", required=True,
              help="Reference policy: vllm:MODEL, openai:URL#MODEL or hf:PATH.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Profiled records (JSONL); appended to, and a rerun skips the candidates already in it.")
@click.option("-k", "k", default=16, show_default=True, help="Samples per candidate (NVIDIA used 16; 8 at least).")
@click.option("--verifier", default=None,
              help="A verifier name or JSON spec for every candidate (default: each candidate's own).")
@click.option("--parser", default=None,
              help="The tool-call format the policy writes (hermes, qwen3_coder, openai, gemma4, ...; see "
                   "`pivotrl parsers`); recorded in each verifier spec. Default: detected per action.")
@click.option("--temperature", default=1.0, show_default=True, type=float)
@click.option("--top-p", default=1.0, show_default=True, type=float)
@click.option("--max-tokens", default=512, show_default=True, type=int)
@click.option("--seed", default=None, type=int, help="Seed per candidate (same seed, same samples).")
@click.option("--keep-actions", is_flag=True, help="Store the K sampled actions in each record.")
@click.option("--concurrency", default=4, show_default=True, help="Verifications in flight.")
@click.option("--batch-size", default=8, show_default=True, help="Candidates per policy call.")
@click.option("--domain", default=None, help="Domain for records that do not name one.")
@click.option("--request-timeout", default=None, type=click.FloatRange(min=0, min_open=True),
              help="openai: policies: seconds one request may take in all (connect, first byte, whole answer) "
                   "before it is retried; default 120.")
@click.option("--ray", "use_ray", is_flag=True, help="Spread verification (and openai: sampling) over a local Ray.")
@click.option("--ray-address", default=None, help="Join a running Ray cluster (auto, or ray://HOST:10001).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary on stdout (messages go to stderr).")
def profile(candidates: Path, policy_spec: str, output: Path, k: int, verifier: str | None, parser: str | None,
            temperature: float,
            top_p: float, max_tokens: int, seed: int | None, keep_actions: bool, concurrency: int, batch_size: int,
            domain: str | None, request_timeout: float | None, use_ray: bool, ray_address: str | None,
            as_json: bool) -> None:
    """Sample K actions per pivot candidate from a frozen policy and score them; writes one
    record per candidate with stats {k, rewards, mean, var, reasons}. Resumable: rerun the same
    command after an interruption. Exits 1 when no candidate could be profiled."""
    from pivotrl.pivot_envs import load_pivots
    from pivotrl.pivot_envs.output_lock import exclusive_output
    from pivotrl.pivot_envs.policies import SamplingParams, get_policy, parse_spec
    from pivotrl.pivot_envs.policies.sampling_checks import check_sampling
    from pivotrl.pivot_envs.profiling import ProfileConfig, finished_ids
    from pivotrl.pivot_envs.profiling import profile as run_profile

    out = err_console if as_json else console
    if k < MIN_K:
        err_console.print(f"[yellow]warning:[/] K = {k} is below {MIN_K}, NVIDIA's stated minimum: means and "
                          "variances will be noisy", highlight=False, soft_wrap=True)
    policy = runner = None
    left = 0
    try:
        config = ProfileConfig(k=k, sampling=SamplingParams(temperature=temperature, top_p=top_p,
                                                            max_tokens=max_tokens, seed=seed),
                               verifier=_verifier_option(verifier), parser=parser, keep_actions=keep_actions,
                               concurrency=concurrency, chunk_size=batch_size)
        check_sampling(config.sampling, k)  # before any loading: every backend refuses the same settings
        backend = parse_spec(policy_spec)[0]
        options: dict[str, Any] = {}
        if request_timeout is not None:
            if backend != "openai":
                raise click.UsageError("--request-timeout applies to openai: policies (endpoints) only")
            options["timeout"] = request_timeout
        with exclusive_output(output, purpose=f"pivotrl profile {candidates.name}"):
            pivots = load_pivots(candidates, domain=domain)
            done, _ = finished_ids(output) if output.exists() else (set(), False)
            remote = (use_ray or ray_address) and backend == "openai"
            if not remote:
                with err_console.status(f"loading policy {escape(str(policy_spec))}"):
                    policy = get_policy(policy_spec, **options)
            if use_ray or ray_address:
                from pivotrl.pivot_envs.profiling.ray_runner import RayRunner

                with err_console.status("starting Ray" if not ray_address else f"joining Ray at {escape(ray_address)}"):
                    runner = RayRunner(policy_spec, policy=policy, address=ray_address)
                config = ProfileConfig(**{**vars(config), "concurrency": max(concurrency, runner.cpus)})
            left = sum(p.id not in done for p in pivots)
            err_console.print(f"{len(pivots)} candidates, {len(pivots) - left} already in {escape(str(output))}, {left} to "
                              f"profile with K = {k}", highlight=False, soft_wrap=True)
            bar = ProgressBar(total=len(pivots), initial=len(pivots) - left, desc="profiling", unit="cand",
                              waiting_for=f"the policy or the verifier (K = {k} samples a candidate)")

            def progress(written: int, actions: int) -> None:
                elapsed = bar.bar.format_dict.get("elapsed") or 0.0
                bar.update(1, postfix=f"{actions / elapsed:,.1f} actions/s" if elapsed > 0 else None)

            try:
                summary = run_profile(pivots, policy, output, config, runner=runner, progress=progress)
            finally:
                bar.close()
    except KeyboardInterrupt:
        err_console.print(f"[yellow]interrupted:[/] the finished records are in {escape(str(output))}; rerun the same command to "
                          "resume", highlight=False, soft_wrap=True)
        sys.exit(EXIT_INTERRUPTED)
    except VerifierError as exc:
        _fail(PivotRLError(f"{exc}\nthe verifier is broken, not the actions: nothing was scored 0 for it. The records "
                           f"finished so far are in {output}; fix the verifier and rerun the same command to resume."))
    except PivotRLError as exc:
        _fail(exc)
    finally:
        if runner is not None:
            runner.close()
        if policy is not None:
            policy.close()
    rate = summary.written / summary.seconds if summary.seconds else 0.0
    out.print(f"{summary.written} candidates profiled ({summary.skipped} already done) -> {escape(str(output))}; "
              f"{summary.samples} samples, {summary.sampler_failures} sampler failures, {rate:,.2f} candidates/s",
              highlight=False, soft_wrap=True)
    if summary.unprofiled:
        err_console.print(f"[yellow]{summary.unprofiled} candidates could not be sampled[/] and are not in {escape(str(output))} "
                          "(a rerun retries them):", highlight=False, soft_wrap=True)
        for reason, pivot_id in list(summary.unprofiled_reasons.items())[:5]:
            err_console.print(f"  {escape(pivot_id)}: {escape(reason)}", highlight=False, soft_wrap=True)
    hit = summary.policy_stats.get("prefix_cache_hit_rate")
    if hit is not None:
        out.print(f"prefix cache hit rate: {100 * hit:.1f}%", highlight=False)
    nothing = left > 0 and summary.written == 0
    if as_json:
        emit_json({"command": "profile", "output": str(output), "candidates": summary.candidates,
                   "written": summary.written, "skipped": summary.skipped, "samples": summary.samples,
                   "sampler_failures": summary.sampler_failures, "unprofiled": summary.unprofiled,
                   "unprofiled_reasons": summary.unprofiled_reasons, "seconds": round(summary.seconds, 3),
                   "candidates_per_second": round(rate, 4), "prefix_cache_hit_rate": hit, "ok": not nothing})
    if nothing:
        err_console.print(f"[bold red]nothing profiled:[/] none of the {left} candidates left could be sampled; check "
                          "the policy (the reasons are above) and rerun", highlight=False, soft_wrap=True)
        sys.exit(EXIT_NOTHING)


def funnel_table(title: str, rows: list[tuple[str, dict[str, int]]]) -> Table:
    table = Table(title=title)
    for col in ("group", "candidates", "uniform failure", "uniform success", "var <= min-var", "mean >= lam", "kept",
                "kept %"):
        table.add_column(col, justify="left" if col == "group" else "right")
    for name, c in rows:
        share = f"{100 * c['kept'] / c['candidates']:.1f}%" if c["candidates"] else "-"
        table.add_row(escape(name), str(c["candidates"]), str(c["uniform_failure"]), str(c["uniform_success"]),
                      str(c["low_variance"]), str(c["too_easy"]), str(c["kept"]), share)
    return table


@click.command(name="filter")
@click.argument("profiled", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The kept pivots (JSONL), stats included.")
@click.option("--lam", default=0.6, show_default=True, type=float, help="Keep mean < lam (still hard).")
@click.option("--min-var", default=0.0, show_default=True, type=float, help="Keep var > min-var (mixed outcomes).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary (the funnel) on stdout.")
def filter_cmd(profiled: Path, output: Path, lam: float, min_var: float, as_json: bool) -> None:
    """Keep the profiled candidates with var > MIN_VAR and mean < LAM and print the funnel
    per domain and per turn position. Exits 1 when no candidate is kept."""
    from pivotrl.pivot_envs.io import write_jsonl
    from pivotrl.pivot_envs.profiling import load_profiled
    from pivotrl.pivot_envs.profiling.filter import filter_pivots

    out = err_console if as_json else console
    try:
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            result = filter_pivots(load_profiled(profiled), lam=lam, min_var=min_var)
        count = write_jsonl(result.kept, output)
    except PivotRLError as exc:
        _fail(exc)
    for message in result.warnings:
        err_console.print(f"[yellow]warning:[/] {escape(message)}", highlight=False, soft_wrap=True)
    funnel = result.funnel
    out.print(funnel_table(f"funnel: keep var > {min_var:g} and mean < {lam:g}", [("all", funnel.total)]))
    out.print(funnel_table("per domain", sorted(funnel.by_domain.items())))
    out.print(funnel_table("per turn position (source.turn)", funnel.sorted_turns()))
    out.print(f"{count} of {funnel.total['candidates']} candidates kept -> {escape(str(output))}", highlight=False,
              soft_wrap=True)
    if as_json:
        emit_json({"command": "filter", "input": str(profiled), "output": str(output), "lam": lam, "min_var": min_var,
                   "kept": count, "candidates": funnel.total["candidates"], "funnel": funnel.to_dict(),
                   "warnings": result.warnings, "ok": bool(count)})
    if not count:
        err_console.print("[yellow]no candidate kept:[/] every group is uniform or too easy for this policy; a "
                          "stronger reference policy, a larger K or a higher --lam finds mixed outcomes",
                          highlight=False, soft_wrap=True)
        sys.exit(EXIT_NOTHING)


@click.command()
@click.argument("profiled", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--html", "html_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lam", default=0.6, show_default=True, type=float)
@click.option("--min-var", default=0.0, show_default=True, type=float)
def report(profiled: Path, html_path: Path, lam: float, min_var: float) -> None:
    """A self-contained HTML report: mean-reward histogram with the kept region, variance by
    turn index, share of zero-advantage candidates."""
    from pivotrl.pivot_envs.profiling import load_profiled

    try:
        require("matplotlib", "report", "the HTML report")
        from pivotrl.pivot_envs.profiling.report import write_html

        pivots = load_profiled(profiled)
        if not pivots:
            raise PivotRLError(f"{profiled}: no profiled records")
        facts = write_html(pivots, html_path, lam=lam, min_var=min_var, title=f"profile report: {profiled.name}")
    except OSError as exc:  # a full disk, a read-only directory: one line, not a traceback
        from pivotrl.errors import OutputError
        from pivotrl.pivot_envs.output_lock import describe_os_error

        _fail(OutputError(describe_os_error(exc), path=str(html_path)))
    except PivotRLError as exc:
        _fail(exc)
    console.print(f"{facts['candidates']} candidates, {100 * facts['zero_advantage_share']:.1f}% with zero GRPO "
                  f"advantage, {facts['kept']} kept -> {escape(str(html_path))}", highlight=False, soft_wrap=True)


COMMANDS = (profile, filter_cmd, report)
