"""A real OpenAI-compatible judge endpoint with no GPU and no download.

:func:`build_tiny_model` builds a tiny causal LM locally (random weights, a byte-level BPE
tokenizer trained on text shipped in this repository, a ChatML chat template) and
:class:`TinyServer` serves it with ``transformers serve`` on 127.0.0.1. The answers are random
text: this is plumbing for tests and for trying the judge path, not a judge.

    python -m pivotrl.testing.judge_server [--port N]

builds the model (once, into the cache), starts the server and prints how to call it.

What ``transformers serve`` (5.x) does with a chat request, read from its source and checked
by experiment:

* the model is pinned on the command line (``transformers serve <model dir>``, the
  "force model"): a request must name exactly that string as ``model`` (else HTTP 400), and
  ``GET /v1/models`` lists it alone;
* ``max_tokens`` / ``max_completion_tokens`` are honoured; without them it generates up to
  1024 new tokens, so always send one;
* ``temperature`` is honoured (0 means greedy); ``top_p`` too; ``seed`` calls
  ``torch.manual_seed`` (process-wide: reproducible for sequential requests only);
* ``n``, ``logprobs``, ``top_logprobs``, ``response_format``, ``presence_penalty`` ... are
  accepted and silently ignored: one choice, no logprobs in the response;
* unknown fields (outside the OpenAI chat-completion parameters plus ``seed``,
  ``generation_config``, ``chat_template_kwargs``) are refused with HTTP 422;
* requests to one model run one at a time (a single inference thread).

torch and transformers are imported only inside the functions that need them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import weakref
from collections.abc import Iterator, Sequence
from pathlib import Path

from pivotrl.errors import VerifierError
from pivotrl.optional import require

MODEL_VERSION = "tiny-judge-model-v1"
MARKER = ".pivotrl-tiny-model.json"  # written last: its presence means the directory is complete
REQUIRED_FILES = ("config.json", "generation_config.json", "model.safetensors", "tokenizer.json",
                  "tokenizer_config.json")

ENDOFTEXT, IM_START, IM_END = "<|endoftext|>", "<|im_start|>", "<|im_end|>"
SPECIAL_TOKENS = [ENDOFTEXT, IM_START, IM_END]
VOCAB_SIZE = 1536
TRAINING_TEXT_BUDGET = 1_500_000  # characters: plenty for a 1.5k vocabulary, about a second to train

CHAT_TEMPLATE = (
    "{%- for message in messages -%}"
    "{{- '<|im_start|>' + message['role'] + '\\n' -}}"
    "{%- if message['content'] is string -%}{{- message['content'] -}}"
    "{%- elif message['content'] -%}"
    "{%- for part in message['content'] -%}"
    "{%- if part['type'] == 'text' -%}{{- part['text'] -}}{%- endif -%}"
    "{%- endfor -%}"
    "{%- endif -%}"
    "{{- '<|im_end|>\\n' -}}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\\n' -}}{%- endif -%}"
)

FALLBACK_TEXT = """\
You judge whether an action taken by an AI agent is equivalent to a reference action.
Answer with JSON only, for instance {"equivalent": true, "reason": "same tool and arguments"}
or {"equivalent": false, "reason": "different destination"}. Yes. No. The candidate called
book_flight with origin Paris and destination Rome; the reference booked the same flight.
The shell command ls -la /tmp lists the directory; grep -rn TODO src/ searches the sources.
Your order 1042 ships on Monday. The refund was issued to the card ending in 4417.
"""

SERVER_ENV = {
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_UPDATE_CHECK": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "PYTHONUNBUFFERED": "1",
}


class TinyServerError(VerifierError):
    """The tiny model server could not start, or died."""


# ---------------------------------------------------------------------------------------------
# the model


def cache_root() -> Path:
    """``$PIVOTRL_CACHE``, else /var/cache/pivotrl for root, else ``~/.cache/pivotrl``."""
    if os.environ.get("PIVOTRL_CACHE"):
        return Path(os.environ["PIVOTRL_CACHE"])
    if os.geteuid() == 0:
        return Path("/var/cache/pivotrl")
    return Path(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")) / "pivotrl"


def default_model_dir() -> Path:
    return cache_root() / MODEL_VERSION


def _text_sources() -> list[Path]:
    """The repository's README and sample JSON-lines data, located from this package
    (``pivotrl/testing/`` sits two folders below the checkout's root, and ``pivot_envs/`` is
    installed as ``pivotrl.pivot_envs``)."""
    roots = [Path(__file__).resolve().parents[2]]
    with contextlib.suppress(Exception):
        from importlib import resources

        roots.append(Path(str(resources.files("pivotrl.pivot_envs"))).resolve().parent)
    found: dict[Path, None] = {}
    for root in roots:
        for path in [root / "README.md", *sorted((root / "pivot_envs" / "data").glob("*/*.jsonl"))]:
            if path.is_file():
                found.setdefault(path.resolve())
    return list(found)


def _training_text(budget: int = TRAINING_TEXT_BUDGET) -> Iterator[str]:
    """Lines of text to train the tokenizer on: a built-in paragraph, then the repository's
    README and sample data, sampled evenly across files up to ``budget`` characters."""
    yield from FALLBACK_TEXT.splitlines(keepends=True)
    sources = _text_sources()
    if not sources:
        return
    share = max(budget // len(sources), 1)
    for path in sources:
        left = share
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    left -= len(line)
                    if left < 0:
                        break
                    yield line
        except OSError:
            continue


def _is_complete(path: Path, seed: int) -> bool:
    try:
        marker = json.loads((path / MARKER).read_text())
    except (OSError, ValueError):
        return False
    return (marker.get("version") == MODEL_VERSION and marker.get("seed") == seed
            and all((path / name).is_file() for name in REQUIRED_FILES))


def build_tiny_model(dest: str | os.PathLike[str] | None = None, *, seed: int = 0) -> Path:
    """Build (once) a tiny causal LM with random weights into ``dest`` and return the directory.

    A Llama-style model of about 1.4M parameters (hidden 128, 4 layers, 4 heads, vocabulary
    1536; an untied output head, as tied random embeddings make greedy decoding repeat the
    last token), a byte-level BPE tokenizer trained on this repository's README and sample
    data, ChatML special tokens and chat template, and a generation config (sampling at
    temperature 1 unless a request says 0; stops at ``<|im_end|>`` or ``<|endoftext|>``). Loadable with
    ``AutoModelForCausalLM`` / ``AutoTokenizer`` from the directory. A directory that already
    holds a complete model of this version and seed is reused as it is. Default ``dest``:
    ``<cache>/tiny-judge-model-v1`` (``$PIVOTRL_CACHE``, /var/cache/pivotrl as root, else
    ``~/.cache/pivotrl``).
    """
    target = Path(dest) if dest is not None else default_model_dir()
    if _is_complete(target, seed):
        return target
    torch = require("torch", "judge-test", "building the tiny model", error=TinyServerError)
    for module in ("tokenizers", "transformers"):
        require(module, "judge-test", "building the tiny model", error=TinyServerError)
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import GenerationConfig, LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast
    from transformers.utils import logging as hf_logging

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        # tokenizer
        tok = Tokenizer(models.BPE())
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tok.decoder = decoders.ByteLevel()
        trainer = trainers.BpeTrainer(vocab_size=VOCAB_SIZE, min_frequency=2, special_tokens=SPECIAL_TOKENS,
                                      initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                      show_progress=False)
        tok.train_from_iterator(_training_text(), trainer=trainer)
        tokenizer = PreTrainedTokenizerFast(
            tokenizer_object=tok, bos_token=ENDOFTEXT, eos_token=IM_END, pad_token=ENDOFTEXT, unk_token=None,
            additional_special_tokens=[IM_START, IM_END], model_max_length=8192,
            clean_up_tokenization_spaces=False,
        )
        tokenizer.chat_template = CHAT_TEMPLATE
        tokenizer.save_pretrained(staging)

        vocab = tok.get_vocab_size()
        endoftext, im_end = tok.token_to_id(ENDOFTEXT), tok.token_to_id(IM_END)
        config = LlamaConfig(
            vocab_size=vocab, hidden_size=128, intermediate_size=512, num_hidden_layers=4,
            num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=8192,
            rms_norm_eps=1e-6, tie_word_embeddings=False, bos_token_id=endoftext,
            eos_token_id=[im_end, endoftext], pad_token_id=endoftext, dtype="float32",
        )
        previous = torch.random.get_rng_state()
        torch.manual_seed(seed)
        try:
            model = LlamaForCausalLM(config)
        finally:
            torch.random.set_rng_state(previous)
        model.generation_config = GenerationConfig(
            bos_token_id=endoftext, eos_token_id=[im_end, endoftext], pad_token_id=endoftext,
            do_sample=True, temperature=1.0, top_p=1.0, top_k=0, max_new_tokens=1024,
        )
        model.save_pretrained(staging)
        (staging / MARKER).write_text(json.dumps({
            "version": MODEL_VERSION, "seed": seed, "vocab_size": vocab,
            "parameters": sum(p.numel() for p in model.parameters()),
        }) + "\n")
        # mkdtemp makes the directory private and safetensors may write 0600: a shared cache
        # (/var/cache/pivotrl) must be readable by every user
        staging.chmod(0o755)
        for item in staging.iterdir():
            item.chmod(0o644)
        _install(staging, target, seed)
    finally:
        if bars:
            hf_logging.enable_progress_bar()
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _install(staging: Path, target: Path, seed: int) -> None:
    """Move a built model into place: an atomic rename when ``target`` does not exist, else
    file by file with the marker last (``target`` may be an empty directory made for it)."""
    if not target.exists():
        try:
            os.rename(staging, target)
            return
        except OSError:
            if _is_complete(target, seed):  # another process won the race
                return
    target.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        (target / MARKER).unlink()
    for item in sorted(staging.iterdir(), key=lambda p: p.name == MARKER):
        os.replace(item, target / item.name)


# ---------------------------------------------------------------------------------------------
# the server


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def _killpg(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def _reap(proc: subprocess.Popen, log_path: Path) -> None:  # finalizer: never leave a server behind
    if proc.poll() is None:
        _killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(Exception):
            proc.wait(timeout=5)
    with contextlib.suppress(OSError):
        log_path.unlink()


class TinyServer:
    """``transformers serve`` on 127.0.0.1 serving the model at ``model_path``.

    Started as a subprocess in its own process group (``python -m transformers.cli.transformers
    serve <model_path> --host 127.0.0.1 --port N --device cpu --dtype float32``); :meth:`start`
    waits until ``GET /v1/models`` answers. ``base_url`` is the OpenAI base URL
    (``http://127.0.0.1:N/v1``) and ``model`` the name requests must carry (the model directory
    as given on the command line). Usable as a context manager.
    """

    def __init__(self, model_path: str | os.PathLike[str], *, port: int | None = None,
                 startup_timeout: float = 180.0, extra_args: Sequence[str] = (),
                 host: str = "127.0.0.1") -> None:
        self.model_path = Path(model_path).resolve()
        self.model = str(self.model_path)
        self.host = host
        self._fixed_port = port
        self.port = port if port is not None else 0
        self.startup_timeout = startup_timeout
        self.extra_args = list(extra_args)
        self.proc: subprocess.Popen | None = None
        self.log_path: Path | None = None
        self.startup_seconds: float | None = None
        self._log = None
        self._finalizer: weakref.finalize | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def command(self) -> list[str]:
        return [sys.executable, "-m", "transformers.cli.transformers", "serve", self.model,
                "--host", self.host, "--port", str(self.port), "--device", "cpu", "--dtype", "float32",
                "--log-level", "warning", *self.extra_args]

    # lifecycle ----------------------------------------------------------------------------

    def start(self) -> TinyServer:
        if self.alive():
            return self
        if not self.model_path.is_dir():
            raise TinyServerError(f"no model directory at {self.model_path} (build one with build_tiny_model)")
        attempts = 1 if self._fixed_port is not None else 3
        for attempt in range(attempts):
            if self._fixed_port is None:
                self.port = free_port(self.host)
            elif not port_is_free(self.host, self.port):
                # checked first: another server there would answer the readiness probe for ours
                raise TinyServerError(f"port {self.port} on {self.host} is already in use")
            try:
                self._launch_and_wait()
                return self
            except TinyServerError as exc:
                # a free port can be taken between choosing it and binding it: try another
                if attempt + 1 < attempts and "address already in use" in str(exc).lower():
                    continue
                raise
        raise AssertionError("unreachable")

    def _launch_and_wait(self) -> None:
        env = {**os.environ, **SERVER_ENV}
        # one intra-op thread is plenty for this model, and spinning OpenMP workers would
        # compete with the client for the cores of a small machine
        env.setdefault("OMP_NUM_THREADS", "1")
        fd, log_name = tempfile.mkstemp(prefix="pivotrl-tiny-server-", suffix=".log")
        os.close(fd)
        self.log_path = Path(log_name)
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()/kill()
        began = time.monotonic()
        self.proc = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL, stdout=self._log,
                                     stderr=subprocess.STDOUT, env=env, start_new_session=True)
        self._finalizer = weakref.finalize(self, _reap, self.proc, self.log_path)
        deadline = began + self.startup_timeout
        while True:
            code = self.proc.poll()
            if code is not None:
                tail = self.log_tail()
                self._discard_log()
                raise TinyServerError(f"transformers serve exited with status {code} before it was ready; "
                                      f"its output ends with:\n{tail}")
            if self._answers() and self.proc.poll() is None:
                self.startup_seconds = time.monotonic() - began
                return
            if time.monotonic() > deadline:
                self.kill()
                tail = self.log_tail()
                self._discard_log()
                raise TinyServerError(f"transformers serve did not answer GET {self.base_url}/models within "
                                      f"{self.startup_timeout:.0f} s; its output ends with:\n{tail}")
            time.sleep(0.25)

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.base_url}/models", timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError, ValueError):
            return False

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM to the process group, then SIGKILL after ``timeout`` seconds; removes the log."""
        if self.proc is not None and self.proc.poll() is None:
            _killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self._discard_log()

    def kill(self) -> None:
        """SIGKILL the process group now (tests use this to lose the server mid-run)."""
        if self.proc is not None and self.proc.poll() is None:
            _killpg(self.proc.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=10)
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def _discard_log(self) -> None:
        self._close_log()
        if self.log_path is not None:
            with contextlib.suppress(OSError):
                self.log_path.unlink()

    def log_tail(self, lines: int = 40) -> str:
        if self.log_path is None:
            return ""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.rstrip().splitlines()[-lines:])

    def __enter__(self) -> TinyServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.alive() else "stopped"
        return f"TinyServer({self.model!r}, base_url={self.base_url!r}, {state})"


# ---------------------------------------------------------------------------------------------
# command line


def example(server: TinyServer) -> str:
    body = json.dumps({"model": server.model, "max_tokens": 16, "temperature": 0,
                       "messages": [{"role": "user", "content": "Say yes or no."}]})
    return (
        f"curl -s {server.base_url}/chat/completions -H 'Content-Type: application/json' \\\n"
        f"     -d '{body}'\n\n"
        "python - <<'EOF'\n"
        "import openai\n"
        f"client = openai.OpenAI(base_url={server.base_url!r}, api_key='unused')\n"
        f"reply = client.chat.completions.create(model={server.model!r}, max_tokens=16, temperature=0,\n"
        "    messages=[{'role': 'user', 'content': 'Say yes or no.'}])\n"
        "print(reply.choices[0].message.content)\n"
        "EOF\n\n"
        "llm_judge: get_verifier('llm_judge', "
        f"base_url={server.base_url!r}, model={server.model!r}, max_tokens=16)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pivotrl.testing.judge_server",
        description="Build a tiny random-weight chat model locally and serve it with `transformers serve` "
                    "(OpenAI-compatible, CPU, no download). Its answers are random: for plumbing only.")
    parser.add_argument("--port", type=int, default=None, help="port to listen on (default: a free one)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--model-dir", default=None, help=f"where to build the model (default: {default_model_dir()})")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random weights")
    parser.add_argument("--startup-timeout", type=float, default=180.0)
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    def on_sigterm(signum: int, frame: object) -> None:  # leave no orphaned server behind
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        return _serve(args)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _serve(args: argparse.Namespace) -> int:
    began = time.monotonic()
    model_dir = build_tiny_model(args.model_dir, seed=args.seed)
    print(f"model: {model_dir} (ready in {time.monotonic() - began:.1f} s)", flush=True)
    server = TinyServer(model_dir, port=args.port, host=args.host, startup_timeout=args.startup_timeout)
    try:
        try:
            server.start()
        except TinyServerError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"serving at {server.base_url} (started in {server.startup_seconds:.1f} s; "
              f"server log: {server.log_path})\nmodel id: {server.model}\n\n{example(server)}\n\n"
              "Ctrl-C to stop.", flush=True)
        code = server.proc.wait() if server.proc is not None else 0
        print(f"transformers serve exited with status {code}:\n{server.log_tail()}", file=sys.stderr)
        return code or 1
    except KeyboardInterrupt:
        print("\nstopping", file=sys.stderr, flush=True)
        return 0
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
