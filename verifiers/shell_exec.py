"""``shell_exec``: run the reference and the candidate from the same pivot state in a
sandbox and compare their effects (exit status, normalised stdout, the work dir they
leave). Shell commands and ``str_replace_editor`` calls both run inside the sandbox.

The pivot state is the env's files and setup plus the trajectory's earlier tool calls,
replayed once and cached; the reference runs once per pivot; candidates run concurrently
on warm sandboxes, each from a fresh work dir holding the state. An action runs at most
``max_steps`` steps within ``time_budget`` seconds and stops at its first timeout. Output is
compared as the bytes the commands wrote; reasons show it as valid UTF-8.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from pivotrl.errors import SandboxError, VerifierError
from pivotrl.sandboxes import CheckResult, Limits, StateSpec, Step, get_runtime
from pivotrl.sandboxes.base import shown
from pivotrl.verifiers.action import Action
from pivotrl.verifiers.base import BaseVerifier, PivotLike, reference_action
from pivotrl.verifiers.config import VerifierConfig, runtime_field
from pivotrl.verifiers.parsers import ParserConfig, parse_action
from pivotrl.verifiers.shell_compare import OutputPolicy, first_file_difference, first_line_difference
from pivotrl.verifiers.verdict import Verdict

logger = logging.getLogger(__name__)
SHELL_TOOLS = ("bash", "execute_bash", "shell", "run_shell_command", "terminal")
EDITOR_TOOLS = ("str_replace_editor", "editor")
EDITOR_KEYS = ("command", "path", "file_text", "old_str", "new_str", "insert_line", "view_range")
# The probe state: every non-empty text file of the work dir wrapped in two marker lines and
# one more small file in every folder. A command that computes its answer from the files sees
# the change; one that prints the reference's output from memory (`echo 42`) does not. Comment-free on purpose: both sides
# run on the same probe, so a file the markers break is broken for both.
PROBE_SCRIPT = r"""find . -path ./.git -prune -o -type f -size -1024k -print0 2>/dev/null |
while IFS= read -r -d '' f; do
  if [ -s "$f" ] && [ -w "$f" ] && grep -Iq . "$f" 2>/dev/null; then
    { printf 'pivotrl-probe-head\n'; cat "$f"; [ -n "$(tail -c1 "$f")" ] && printf '\n'; printf 'pivotrl-probe-tail\n'; } \
      > /tmp/.pivotrl-probe && cat /tmp/.pivotrl-probe > "$f"
  fi
done; rm -f /tmp/.pivotrl-probe
find . -path ./.git -prune -o -type d -print0 2>/dev/null |
while IFS= read -r -d '' d; do [ -w "$d" ] && printf 'pivotrl-probe\n' > "$d/pivotrl-probe.txt"; done; exit 0"""


def action_steps(action: Action, shell_tools: tuple[str, ...] = SHELL_TOOLS,
                 editor_tools: tuple[str, ...] = EDITOR_TOOLS) -> list[Step] | str:
    """The sandbox steps of an action, or the reason it has none."""
    steps: list[Step] = []
    for call in action.tool_calls:
        if call.name in shell_tools:
            command = call.arguments.get("command", call.arguments.get("cmd"))
            if not isinstance(command, str):
                return f"{call.name} call has no string 'command' argument"
            steps.append(Step.shell(command))
        elif call.name in editor_tools:
            steps.append(Step.editor(**{k: call.arguments[k] for k in EDITOR_KEYS if k in call.arguments}))
        else:
            return f"{call.name!r} is not a shell or editor tool"
    return steps


def state_spec(pivot: PivotLike, shell_tools: tuple[str, ...] = SHELL_TOOLS,
               editor_tools: tuple[str, ...] = EDITOR_TOOLS) -> StateSpec:
    """Files and setup from ``pivot.env``; the earlier tool calls of the prefix, replayed."""
    env = pivot.env or {}
    files = env.get("files") or {}
    setup = env.get("setup") or []
    if not isinstance(files, Mapping) or not all(isinstance(v, str) for v in files.values()):
        raise VerifierError(f"pivot {pivot.id!r}: env.files must map relative paths to text")
    if isinstance(setup, str):
        setup = [setup]
    replay: list[Step] = []
    config = ParserConfig(max_chars=10**9)
    for message in pivot.messages:
        if message.get("role") == "assistant" and message.get("tool_calls"):
            steps = action_steps(parse_action(message, config), shell_tools, editor_tools)
            if isinstance(steps, str):
                raise VerifierError(f"pivot {pivot.id!r}: cannot replay an earlier turn: {steps}")
            replay.extend(steps)
    return StateSpec(files=dict(files), setup=tuple(setup), replay=tuple(replay))


@dataclass(frozen=True)
class ShellExecConfig(VerifierConfig):
    """The parameters of ``shell_exec`` (see ShellExecVerifier)."""

    kind: ClassVar[str] = "shell_exec"
    sandbox: str = "auto"
    timeout: float = 10.0
    output_limit: int = 64 * 1024
    compare: tuple[str, ...] = ("exit_code", "stdout", "files")
    line_order: str = "auto"
    strip_trailing_whitespace: bool = True
    #: checks at once in the batch path (None: the backend's default, the core count on Docker, 1 on
    #: bubblewrap)
    concurrency: int | None = runtime_field(None)
    memory_mb: int = 512
    probe: bool = True
    max_steps: int = 32
    time_budget: float = 60.0

    def __post_init__(self) -> None:
        unknown = set(self.compare) - {"exit_code", "stdout", "files"}
        if unknown or not self.compare:
            raise VerifierError(f"shell_exec compare takes exit_code, stdout, files; got {list(self.compare)}")
        if int(self.max_steps) < 1 or not float(self.time_budget) > 0:
            raise VerifierError(f"shell_exec needs max_steps >= 1 and time_budget > 0; got {self.max_steps}, "
                                f"{self.time_budget}")
        if self.line_order not in ("auto", "strict", "ignore"):
            raise VerifierError(f"line_order must be auto, strict or ignore, got {self.line_order!r}")
        self._set(timeout=float(self.timeout), output_limit=int(self.output_limit), compare=tuple(self.compare),
                  strip_trailing_whitespace=bool(self.strip_trailing_whitespace), memory_mb=int(self.memory_mb),
                  probe=bool(self.probe), max_steps=int(self.max_steps), time_budget=float(self.time_budget),
                  concurrency=None if self.concurrency is None else int(self.concurrency))


class ShellExecVerifier(BaseVerifier):
    """Parameters: ``sandbox`` (auto or a registered backend: docker, bwrap), ``timeout`` and ``output_limit`` per
    command, ``max_steps`` and ``time_budget`` per action (an action with more steps is
    rejected unrun; one that uses up its budget or has a step time out stops there and is
    rejected; a pivot whose reference needs more gets what the reference needs), ``compare``
    (which effects must agree: any of exit_code, stdout, files),
    ``line_order`` (auto | strict | ignore), ``strip_trailing_whitespace``, ``concurrency``
    for the batch path, ``probe``: an action that agrees on the pivot state must also agree on a
    probe state (text files wrapped in marker lines, a new file in every folder), so printing the reference's output from
    memory is not rewarded. The acknowledgement an editor call prints ("The file ... has been
    edited") is tool chatter, not an effect: its stdout is left out of the comparison (``view``
    output is kept). A text reference is compared by the kind of turn."""

    name = "shell_exec"
    Config = ShellExecConfig
    config: ShellExecConfig

    def __init__(self, config: ShellExecConfig | None = None, **params: Any) -> None:
        c = self.config = ShellExecConfig.of(config, params)
        self.policy = OutputPolicy(c.strip_trailing_whitespace, c.line_order)
        self.limits = Limits(timeout=c.timeout, output_limit=c.output_limit, memory_bytes=c.memory_mb * 1024 * 1024,
                             time_budget=c.time_budget)
        try:
            self.runtime = get_runtime(c.sandbox)  # fails here, at construction, when no backend works
        except SandboxError as exc:
            raise VerifierError(f"shell_exec needs a sandbox: {exc}") from None
        self.runtime.acquire()
        self._closed = False
        concurrency = self.runtime.choice.concurrency if c.concurrency is None else c.concurrency
        self.concurrency = max(1, concurrency)  # the resolved count (the config keeps None: per backend)
        self._references: dict[tuple[str, str], CheckResult] = {}
        self._ref_lock = threading.Lock()
        self.stats = {"checks": 0, "sandbox_failures": 0}
        self._cancelled = threading.Event()  # set by Ctrl-C in a batch: no new checks start

    def _after_copy(self) -> None:
        self.runtime.acquire()  # the copy's own share of the sandboxes, given back by its close()
        self._closed = False

    def close(self) -> None:
        """Give back this verifier's share of the sandbox runtime; when no verifier or env of
        this process uses it any more, its warm sandboxes (containers) are stopped."""
        if not self._closed:
            self._closed = True
            self.runtime.release()

    @property
    def backend(self) -> str:
        return self.runtime.choice.name

    def _limits_for(self, ref_steps: list[Step]) -> Limits:
        """The action's limits: the configured budget, or what the reference itself may need."""
        need = len(ref_steps) * self.limits.timeout
        return self.limits if need <= self.config.time_budget else replace(self.limits, time_budget=need)

    def _run(self, spec: StateSpec, steps: list[Step], limits: Limits | None = None) -> CheckResult:
        limits = limits or self.limits
        try:
            state = self.runtime.state_key(spec, self.limits)
        except SandboxError as exc:
            raise VerifierError(f"cannot build the pivot state: {exc}") from None
        for attempt in (1, 2):
            if self._cancelled.is_set():
                raise VerifierError("verification was cancelled")
            try:
                result = self.runtime.check_state(state, steps, limits)
                self.stats["checks"] += 1
                return result
            except SandboxError as exc:
                self.stats["sandbox_failures"] += 1
                logger.warning("sandbox failed (attempt %d): %s", attempt, exc)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _reference_result(self, pivot: PivotLike, spec: StateSpec, steps: list[Step]) -> CheckResult:
        key = (spec.key(self.runtime.states.rootfs_id), repr([s.request() for s in steps]))
        with self._ref_lock:
            cached = self._references.get(key)
        if cached is None:
            cached = self._run(spec, steps, self._limits_for(steps))
            with self._ref_lock:
                self._references[key] = cached
        return cached

    def _verify(self, action: Action, pivot: PivotLike) -> Verdict:
        reference = reference_action(pivot)
        if reference.kind == "text":
            if action.kind == "text":
                return Verdict.accept("both reply in text (shell_exec compares the kind of turn only)")
            return Verdict.reject("the reference replies in text; the action runs commands", got=action.describe())
        if action.kind != "tool_calls":
            return Verdict.reject("the reference runs commands; the action replies in text",
                                  expected=reference.describe(), got=action.describe())
        steps = action_steps(action)
        if isinstance(steps, str):
            return Verdict.reject(steps, got=action.describe())
        ref_steps = action_steps(reference)
        if isinstance(ref_steps, str):
            raise VerifierError(f"pivot {pivot.id!r}: the reference cannot be executed: {ref_steps}")
        allowed = max(self.config.max_steps, len(ref_steps))
        if len(steps) > allowed:
            return Verdict.reject(f"the action has {len(steps)} steps; at most {allowed} are run (max_steps)",
                                  steps=len(steps), max_steps=allowed)
        spec = state_spec(pivot)
        verdict = self._run_both(pivot, spec, ref_steps, steps, "")
        if not verdict.equivalent or not self.config.probe or verdict.details.get("sandbox_failure"):
            return verdict
        probe_spec = StateSpec(files=spec.files, setup=spec.setup, replay=(*spec.replay, Step.shell(PROBE_SCRIPT)))
        on_probe = self._run_both(pivot, probe_spec, ref_steps, steps, " on the probe state")
        if on_probe.equivalent:
            return Verdict.accept(verdict.reason + " (also on the probe state)", **verdict.details)
        if on_probe.details.get("sandbox_failure"):
            return on_probe
        return Verdict.reject("same effects on the pivot state but not on a probe state (text files wrapped in "
                              f"marker lines, a new file in every folder), e.g. output printed from memory: "
                              f"{on_probe.reason}", **on_probe.details)

    def _run_both(self, pivot: PivotLike, spec: StateSpec, ref_steps: list[Step], steps: list[Step],
                  where: str) -> Verdict:
        """Reference (cached per state) and action from one state, compared. A reference that cannot
        run is a broken pivot (raised); an action the sandbox cannot run twice scores 0."""
        try:
            ref_result = self._reference_result(pivot, spec, ref_steps)
        except SandboxError as exc:
            raise VerifierError(f"pivot {pivot.id!r}: the reference could not run{where}: {exc}") from None
        limits = self._limits_for(ref_steps)
        try:
            result = self._run(spec, steps, limits)
        except SandboxError as exc:
            return Verdict.reject(_safe(f"the sandbox failed twice running this action: {exc}"), sandbox_failure=True)
        return self._compare(ref_result, result, ref_steps, steps, limits)

    def _compare(self, ref: CheckResult, got: CheckResult, ref_steps: list[Step], steps: list[Step],
                 limits: Limits) -> Verdict:
        commands = [s.command for s in ref_steps + steps if s.kind == "exec"]
        details: dict[str, Any] = {"backend": self.backend, "reference": _side(ref), "action": _side(got)}
        unrun = len(steps) - len(got.results)
        for index, r in enumerate(got.results):
            if r.timed_out:
                rest = f"; the {unrun} later step(s) did not run" if unrun else ""
                if got.stopped == "budget":
                    return Verdict.reject(f"the action used its whole time budget ({limits.budget(len(steps)):g}s) "
                                          f"in step {index + 1} of {len(steps)}{rest}", **details)
                return Verdict.reject(f"step {index + 1} of {len(steps)} timed out after {limits.timeout:g}s{rest}",
                                      **details)
            if r.truncated:
                return Verdict.reject(f"step {index + 1} wrote more than {limits.output_limit:,} bytes of output",
                                      **details)
        if unrun:
            return Verdict.reject(f"the action used its whole time budget ({limits.budget(len(steps)):g}s) after "
                                  f"{len(got.results)} of {len(steps)} steps", **details)
        difference = None
        if "exit_code" in self.config.compare:
            ref_codes, codes = [r.exit_code for r in ref.results], [r.exit_code for r in got.results]
            if ref_codes[-1:] != codes[-1:]:
                difference = f"exit status {codes[-1] if codes else None}, expected {ref_codes[-1] if ref_codes else None}"
        if difference is None and "stdout" in self.config.compare:
            expected = self.policy.normalize(_effect_stdout(ref, ref_steps), commands)
            output = self.policy.normalize(_effect_stdout(got, steps), commands)
            if expected != output:
                difference = first_line_difference(expected, output)
        if difference is None and "files" in self.config.compare and ref.digest != got.digest:
            difference = first_file_difference(ref.files, got.files)
        if difference is not None:
            difference = _safe(difference)
            details["first_difference"] = difference
            return Verdict.reject(difference, **details)
        return Verdict.accept("same effects: " + ", ".join(self.config.compare), **details)

    def _verify_valid_batch(self, actions: list[Action], pivots: list[PivotLike]) -> list[Verdict]:
        if len(actions) <= 1 or self.concurrency == 1:
            return [self._verify(a, p) for a, p in zip(actions, pivots, strict=True)]
        self._cancelled.clear()
        executor = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="shell_exec")
        try:
            return list(executor.map(self._verify, actions, pivots))
        except BaseException:
            # Ctrl-C or a broken verifier: stop the running checks now instead of waiting them out.
            self._cancelled.set()
            executor.shutdown(wait=False, cancel_futures=True)
            self.runtime.pool.abort()
            raise
        finally:
            executor.shutdown(wait=True)


def _effect_stdout(result: CheckResult, steps: list[Step]) -> str:
    """The stdout that is an effect: all of it, less what editing calls print about themselves.
    The bytes as written, as text only in form (undecodable bytes as lone surrogates), so two
    different outputs never compare equal."""
    if len(result.results) != len(steps):
        raw = b"\n".join(r.stdout_bytes for r in result.results)
    else:
        raw = b"\n".join(r.stdout_bytes for r, step in zip(result.results, steps, strict=True)
                         if step.kind != "edit" or step.edit.get("command") == "view")
    return raw.decode("utf-8", "surrogateescape")


def _safe(text: str) -> str:
    """Text any writer can write: lone surrogates (undecodable bytes) shown as \\xNN."""
    if text.isascii():
        return text
    try:
        return shown(text.encode("utf-8", "surrogateescape"))
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _side(result: CheckResult, limit: int = 2000) -> dict[str, Any]:
    return {
        "exit_codes": [r.exit_code for r in result.results],
        "stdout": "\n".join(r.stdout for r in result.results)[:limit],
        "stderr": "\n".join(r.stderr for r in result.results)[:limit],
        "digest": result.digest[:16],
        "files": result.file_count,
        "steps_run": len(result.results),
        "seconds": round(sum(r.duration for r in result.results), 3),
        **({"stopped": result.stopped} if result.stopped else {}),
    }
