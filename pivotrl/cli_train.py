"""``pivotrl train``: ``PivotGRPOTrainer`` from the command line. Every ``TrainerConfig`` and
``GRPOConfig`` field is a flag and a config-file key; rerunning the same command after an
interruption (Ctrl-C, a crash, ``kill -9``) resumes from the last checkpoint."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import click
from rich.console import Console
from rich.markup import escape

from pivotrl.errors import PivotRLError, VerifierError
from pivotrl.optional import require
from pivotrl.trainer_plugin.config_file import FieldSpec, trainer_fields

console = Console(width=None if sys.stdout.isatty() else 140)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 140)
RUN_FILE = "run.json"  # what the run trains on; a resume must match it


def _fail(exc: Exception) -> NoReturn:
    err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
    sys.exit(2)


class _FieldValue(click.ParamType):
    """A flag value checked as its config field is (``none`` for optional fields)."""

    def __init__(self, spec: FieldSpec) -> None:
        self.spec = spec
        self.name = spec.kind.__name__ + (" | none" if spec.optional else "")

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        from pivotrl.trainer_plugin.config_file import coerce

        try:
            return coerce(self.spec, value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def config_options(command: Any) -> Any:
    """One flag per config field (``--learning-rate``, ``--beta``, ``--fused/--no-fused``);
    unset flags stay None so the config file and the defaults show through."""
    for spec in reversed(trainer_fields()):
        if spec.name == "output_dir":
            continue  # -o / --output-dir
        flag = "--" + spec.name.replace("_", "-")
        where = f"GRPOConfig.{spec.name}" if spec.table else f"TrainerConfig.{spec.name}"
        help_text = f"{where} (default {spec.default!r})"
        if spec.kind is bool:
            option = click.option(f"{flag}/--no-{spec.name.replace('_', '-')}", spec.name, default=None,
                                  help=help_text)
        else:
            option = click.option(flag, spec.name, type=_FieldValue(spec), default=None, help=help_text)
        command = option(command)
    return command


def model_path(spec: str) -> Path:
    """``hf:PATH`` or a bare directory: the weights training starts from."""
    backend, sep, rest = spec.partition(":")
    if sep and backend != "hf" and not Path(spec).exists():
        raise PivotRLError(f"--model {spec!r}: training needs local weights, hf:PATH (a save_pretrained directory)")
    path = Path(rest if sep and backend == "hf" else spec).expanduser()
    if not path.is_dir():
        raise PivotRLError(f"--model {spec!r}: no model directory at {path}")
    return path


def run_record(pivots: Any, pivots_path: Path, model: Path, verifier: Any) -> dict[str, Any]:
    ids = hashlib.sha256("\n".join(p.id for p in pivots).encode("utf-8")).hexdigest()[:16]
    return {"pivots": str(pivots_path), "pivot_ids_sha256": ids, "pivot_count": len(pivots), "model": str(model),
            "verifier": verifier}


def check_same_run(output_dir: Path, record: dict[str, Any]) -> None:
    path = output_dir / RUN_FILE
    if not path.exists():
        return
    saved = json.loads(path.read_text(encoding="utf-8"))
    for key in ("pivot_ids_sha256", "verifier"):
        if saved.get(key) != record.get(key):
            what = "the pivots" if key == "pivot_ids_sha256" else "the verifier"
            raise PivotRLError(f"{output_dir} holds a run on other data ({what} differ: {saved.get(key)!r} there, "
                               f"{record.get(key)!r} now); resume with the same inputs or pass a new --output-dir")


class _Progress:
    """tqdm on stderr, one tick per step, with the numbers a GRPO run is watched by."""

    def __init__(self, total: int, initial: int) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=total, initial=initial, unit="step", desc="training", file=sys.stderr,
                        dynamic_ncols=True)

    def __call__(self, step: int, metrics: dict[str, float]) -> None:
        self.bar.update(1)
        loss = metrics.get("loss")
        self.bar.set_postfix_str(f"reward {metrics['reward_mean']:.3f}, zero-spread "
                                 f"{metrics['zero_spread_group_share']:.2f}"
                                 + (f", loss {loss:.4f}" if loss is not None else ""), refresh=False)

    def close(self) -> None:
        self.bar.close()


@click.command()
@click.argument("pivots", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--model", "model_spec", required=True, help="The policy to train: hf:PATH (a save_pretrained directory).")
@click.option("-o", "--output-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Checkpoints, metrics.jsonl and final/ (or output_dir in the config file).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="A TOML file of TrainerConfig fields, GRPOConfig fields under [grpo]; flags override it.")
@click.option("--verifier", default=None, help="A verifier name or JSON spec for every pivot (default: each pivot's own).")
@click.option("--sampler", "sampler_spec", default="hf", show_default=True,
              help="hf: sample with the model being trained; openai:URL#MODEL: an OpenAI-compatible server that "
                   "serves the policy's weights (keeping them in sync is the server's job).")
@click.option("--server-token-ids", is_flag=True, help="The openai: server is vLLM and returns sampled token ids.")
@click.option("--ref-model", default=None, help="Frozen reference for grpo.beta > 0 (default: --model).")
@click.option("--threads", type=int, default=None, help="torch threads (default: torch's own choice).")
@click.option("--resume/--no-resume", default=True, show_default=True,
              help="Continue from the last checkpoint in the output directory.")
@click.option("--domain", default=None, help="Domain for records that do not name one.")
@config_options
def train(pivots: Path, model_spec: str, output_dir: Path | None, config_path: Path | None, verifier: str | None,
          sampler_spec: str, server_token_ids: bool, ref_model: str | None, threads: int | None, resume: bool,
          domain: str | None, **fields: Any) -> None:
    """GRPO on PIVOTS (JSONL of profiled and filtered pivots) with the small in-process trainer:
    G samples per pivot, each scored by its pivot's verifier (or --verifier)."""
    from pivotrl.cli_profile import _verifier_option
    from pivotrl.pivot_envs import load_pivots
    from pivotrl.trainer_plugin.checkpoints import latest_checkpoint, read_state
    from pivotrl.trainer_plugin.config_file import build_trainer_config

    try:
        if output_dir is not None:
            fields["output_dir"] = str(output_dir)
        config = build_trainer_config(config_path, fields)
        if not config.output_dir:
            raise PivotRLError("no output directory: pass -o/--output-dir or set output_dir in the config file")
        out = Path(config.output_dir)
        spec = _verifier_option(verifier)
        start = model_path(model_spec)
        records = load_pivots(pivots, domain=domain)
        if not records:
            raise PivotRLError(f"{pivots}: no pivots")
        record = run_record(records, pivots, start, spec)
        latest = latest_checkpoint(out)
        if latest is not None and not resume:
            raise PivotRLError(f"{out} already holds a run (last checkpoint {latest.name}); rerun without "
                               "--no-resume to continue it, or pass a new --output-dir")
        if latest is not None:
            check_same_run(out, record)
            done = int(read_state(latest)["step"])
            if done >= config.max_steps:
                err_console.print(f"nothing to do: {escape(str(out))} already holds {done} of max_steps={config.max_steps} "
                                  "steps (raise --max-steps to train further)", highlight=False, soft_wrap=True)
                sys.exit(1)
    except PivotRLError as exc:
        _fail(exc)
    trainer, progress = None, None
    try:
        trainer = _build_trainer(start, records, config, spec, sampler_spec, server_token_ids, ref_model, threads)
        out.mkdir(parents=True, exist_ok=True)
        (out / RUN_FILE).write_text(json.dumps(record, indent=2, default=str) + "\n", encoding="utf-8")
        begin = int(read_state(latest)["step"]) if latest is not None else 0
        if latest is not None:
            err_console.print(f"resuming from {escape(str(latest))} (step {begin} of {config.max_steps})", highlight=False,
                              soft_wrap=True)
        progress = _Progress(config.max_steps, begin)
        trainer.callbacks.append(progress)
        history = trainer.train(resume_from_checkpoint=latest)
    except KeyboardInterrupt:
        err_console.print(f"[yellow]interrupted:[/] rerun the same command to resume from the last checkpoint in "
                          f"{escape(str(out))}", highlight=False, soft_wrap=True)
        sys.exit(130)
    except VerifierError as exc:
        _fail(PivotRLError(f"{exc}\nthe verifier is broken, not the actions: nothing was scored 0 for it; fix it and "
                           "rerun the same command to resume from the last checkpoint"))
    except PivotRLError as exc:
        _fail(exc)
    finally:
        if progress is not None:
            progress.close()
    last = history[-1] if history else {}
    console.print(f"{len(history)} steps run (now at step {trainer.step_count}); last reward "
                  f"{last.get('reward_mean', float('nan')):.3f} -> {escape(str(out / 'final'))}; metrics: {escape(str(out / 'metrics.jsonl'))}",
                  highlight=False, soft_wrap=True)


def _build_trainer(start: Path, pivots: list[Any], config: Any, verifier: Any, sampler_spec: str,
                   server_token_ids: bool, ref_model: str | None, threads: int | None) -> Any:
    torch = require("torch", "trl", "training")
    require("transformers", "trl", "training")
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    from pivotrl.trainer_plugin.trainer import PivotGRPOTrainer

    if threads is not None:
        if threads < 1:
            raise PivotRLError(f"--threads must be at least 1, got {threads}")
        torch.set_num_threads(threads)
    hf_logging.disable_progress_bar()  # the CLI owns the terminal: one bar, ours
    try:
        tokenizer = AutoTokenizer.from_pretrained(start)
        model = AutoModelForCausalLM.from_pretrained(start, dtype=torch.float32)
    except (OSError, ValueError) as exc:
        raise PivotRLError(f"cannot load a causal LM from {start}: {exc}") from None
    if getattr(tokenizer, "chat_template", None) is None:
        raise PivotRLError(f"the tokenizer in {start} has no chat template; pivots are chat conversations")
    ref = None
    if config.grpo.beta > 0:
        ref = AutoModelForCausalLM.from_pretrained(model_path(ref_model) if ref_model else start, dtype=torch.float32)
    sampler = None
    if sampler_spec != "hf":
        sampler = _endpoint_sampler(sampler_spec, tokenizer, config, server_token_ids)
    return PivotGRPOTrainer(model, tokenizer, pivots, config=config, verifier=verifier, ref_model=ref, sampler=sampler)


def _endpoint_sampler(spec: str, tokenizer: Any, config: Any, server_token_ids: bool) -> Any:
    from pivotrl.trainer_plugin.policy_sampler import EndpointSampler

    backend, _, target = spec.partition(":")
    url, _, model = target.partition("#")
    if backend != "openai" or not url or not model:
        raise PivotRLError(f"--sampler {spec!r}: expected hf or openai:URL#MODEL (e.g. "
                           "openai:http://127.0.0.1:8000/v1#my-model)")
    return EndpointSampler(url, model, tokenizer, max_new_tokens=config.max_new_tokens,
                           temperature=config.grpo.temperature, top_p=config.top_p, server_token_ids=server_token_ids)


COMMANDS = (train,)
