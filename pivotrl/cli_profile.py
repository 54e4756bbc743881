"""``pivotrl profile``, ``pivotrl filter`` and ``pivotrl report``: the CLI side of profiling
(progress bar, funnel tables, messages); the work is in pivot_envs.profile, .filter and
.profile_report."""

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

from pivotrl.errors import PivotRLError, VerifierError

MIN_K = 8
# the same consoles as the rest of the CLI (no import of pivotrl.cli here: it imports this module)
console = Console(width=None if sys.stdout.isatty() else 140)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 140)


def _fail(exc: Exception) -> NoReturn:
    err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
    sys.exit(2)


def _verifier_option(value: str | None) -> Any:
    if value is None:
        return None
    if value.strip().startswith("{"):
        try:
            return json.loads(value)
        except ValueError as exc:
            raise click.BadParameter(f"not a JSON verifier spec: {exc}") from None
    return value


class _Progress:
    """tqdm on stderr: candidates/s as the rate, actions/s and the ETA beside it."""

    def __init__(self, total: int, initial: int) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=total, initial=initial, unit="cand", desc="profiling", file=sys.stderr,
                        dynamic_ncols=True, smoothing=0.1)
        self.actions = 0

    def __call__(self, candidates: int, actions: int) -> None:
        self.bar.update(1)
        elapsed = self.bar.format_dict.get("elapsed") or 0.0
        if elapsed > 0:
            self.bar.set_postfix_str(f"{actions / elapsed:,.1f} actions/s", refresh=False)

    def close(self) -> None:
        self.bar.close()


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
@click.option("--ray", "use_ray", is_flag=True, help="Spread verification (and openai: sampling) over a local Ray.")
@click.option("--ray-address", default=None, help="Join a running Ray cluster (auto, or ray://HOST:10001).")
def profile(candidates: Path, policy_spec: str, output: Path, k: int, verifier: str | None, parser: str | None,
            temperature: float,
            top_p: float, max_tokens: int, seed: int | None, keep_actions: bool, concurrency: int, batch_size: int,
            domain: str | None, use_ray: bool, ray_address: str | None) -> None:
    """Sample K actions per pivot candidate from a frozen policy and score them; writes one
    record per candidate with stats {k, rewards, mean, var, reasons}. Resumable: rerun the same
    command after an interruption."""
    from pivotrl.pivot_envs import load_pivots
    from pivotrl.pivot_envs.policies import SamplingParams, get_policy, parse_spec
    from pivotrl.pivot_envs.profile import ProfileConfig, finished_ids
    from pivotrl.pivot_envs.profile import profile as run_profile

    if k < MIN_K:
        err_console.print(f"[yellow]warning:[/] K = {k} is below {MIN_K}, NVIDIA's stated minimum: means and "
                          "variances will be noisy", highlight=False, soft_wrap=True)
    policy = runner = None
    try:
        config = ProfileConfig(k=k, sampling=SamplingParams(temperature=temperature, top_p=top_p,
                                                            max_tokens=max_tokens, seed=seed),
                               verifier=_verifier_option(verifier), parser=parser, keep_actions=keep_actions,
                               concurrency=concurrency, chunk_size=batch_size)
        pivots = load_pivots(candidates, domain=domain)
        done, _ = finished_ids(output) if output.exists() else (set(), False)
        remote = (use_ray or ray_address) and parse_spec(policy_spec)[0] == "openai"
        if not remote:
            with err_console.status(f"loading policy {policy_spec}"):
                policy = get_policy(policy_spec)
        if use_ray or ray_address:
            from pivotrl.pivot_envs.ray_runner import RayRunner

            with err_console.status("starting Ray" if not ray_address else f"joining Ray at {ray_address}"):
                runner = RayRunner(policy_spec, policy=policy, address=ray_address)
            config = ProfileConfig(**{**vars(config), "concurrency": max(concurrency, runner.cpus)})
        left = sum(p.id not in done for p in pivots)
        err_console.print(f"{len(pivots)} candidates, {len(pivots) - left} already in {output}, {left} to profile "
                          f"with K = {k}", highlight=False, soft_wrap=True)
        bar = _Progress(total=len(pivots), initial=len(pivots) - left)
        try:
            summary = run_profile(pivots, policy, output, config, runner=runner, progress=bar)
        finally:
            bar.close()
    except KeyboardInterrupt:
        err_console.print(f"[yellow]interrupted:[/] the finished records are in {output}; rerun the same command to "
                          "resume", highlight=False, soft_wrap=True)
        sys.exit(130)
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
    console.print(f"{summary.written} candidates profiled ({summary.skipped} already done) -> {output}; "
                  f"{summary.samples} samples, {summary.sampler_failures} sampler failures, {rate:,.2f} candidates/s",
                  highlight=False, soft_wrap=True)
    if summary.unprofiled:
        err_console.print(f"[yellow]{summary.unprofiled} candidates could not be sampled[/] and are not in {output} "
                          "(a rerun retries them):", highlight=False, soft_wrap=True)
        for reason, pivot_id in list(summary.unprofiled_reasons.items())[:5]:
            err_console.print(f"  {escape(pivot_id)}: {escape(reason)}", highlight=False, soft_wrap=True)
    hit = summary.policy_stats.get("prefix_cache_hit_rate")
    if hit is not None:
        console.print(f"prefix cache hit rate: {100 * hit:.1f}%", highlight=False)


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
def filter_cmd(profiled: Path, output: Path, lam: float, min_var: float) -> None:
    """Keep the profiled candidates with var > MIN_VAR and mean < LAM and print the funnel
    per domain and per turn position."""
    from pivotrl.pivot_envs.filter import filter_pivots
    from pivotrl.pivot_envs.io import write_jsonl
    from pivotrl.pivot_envs.profile import load_profiled

    try:
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            result = filter_pivots(load_profiled(profiled), lam=lam, min_var=min_var)
    except PivotRLError as exc:
        _fail(exc)
    for message in result.warnings:
        err_console.print(f"[yellow]warning:[/] {escape(message)}", highlight=False, soft_wrap=True)
    funnel = result.funnel
    console.print(funnel_table(f"funnel: keep var > {min_var:g} and mean < {lam:g}", [("all", funnel.total)]))
    console.print(funnel_table("per domain", sorted(funnel.by_domain.items())))
    console.print(funnel_table("per turn position (source.turn)", funnel.sorted_turns()))
    count = write_jsonl(result.kept, output)
    console.print(f"{count} of {funnel.total['candidates']} candidates kept -> {output}", highlight=False,
                  soft_wrap=True)
    if not count:
        err_console.print("[yellow]no candidate kept:[/] every group is uniform or too easy for this policy; a "
                          "stronger reference policy, a larger K or a higher --lam finds mixed outcomes",
                          highlight=False, soft_wrap=True)


@click.command()
@click.argument("profiled", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--html", "html_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lam", default=0.6, show_default=True, type=float)
@click.option("--min-var", default=0.0, show_default=True, type=float)
def report(profiled: Path, html_path: Path, lam: float, min_var: float) -> None:
    """A self-contained HTML report: mean-reward histogram with the kept region, variance by
    turn index, share of zero-advantage candidates."""
    from pivotrl.pivot_envs.profile import load_profiled

    try:
        from pivotrl.pivot_envs.profile_report import write_html

        pivots = load_profiled(profiled)
        if not pivots:
            raise PivotRLError(f"{profiled}: no profiled records")
        facts = write_html(pivots, html_path, lam=lam, min_var=min_var, title=f"profile report: {profiled.name}")
    except ImportError:
        _fail(PivotRLError("the HTML report needs matplotlib: pip install 'pivotrl[report]'"))
    except PivotRLError as exc:
        _fail(exc)
    console.print(f"{facts['candidates']} candidates, {100 * facts['zero_advantage_share']:.1f}% with zero GRPO "
                  f"advantage, {facts['kept']} kept -> {html_path}", highlight=False, soft_wrap=True)


COMMANDS = (profile, filter_cmd, report)
