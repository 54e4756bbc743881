"""A tiny causal LM built locally (random weights, a byte-level BPE tokenizer trained on
text shipped in this repository, a ChatML chat template) and served with
``transformers serve``: a real OpenAI-compatible endpoint with no GPU and no download, for
tests and for trying the judge path. Its answers are random: plumbing, not accuracy.

``python -m pivotrl.verifiers.tiny_model_server [--port N]`` builds and serves it.
torch and transformers are imported only when a model is built.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

from pivotrl.errors import VerifierError

CHAT_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
MODEL_VERSION = "tiny-judge-model-v1"
FALLBACK_TEXT = (
    'You judge actions of an AI agent. Answer with JSON only: {"equivalent": true, "reason": "same call"} or '
    '{"equivalent": false, "reason": "different value"}. Yes. No. The refund was issued to the card ending 4417.'
)


def default_model_dir() -> Path:
    if os.environ.get("PIVOTRL_CACHE"):
        root = Path(os.environ["PIVOTRL_CACHE"])
    elif os.geteuid() == 0:
        root = Path("/var/cache/pivotrl")
    else:
        root = Path(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")) / "pivotrl"
    return root / MODEL_VERSION


def _training_text() -> Iterator[str]:
    """Lines of text shipped with the package (sample data, READMEs) to train the tokenizer."""
    yield FALLBACK_TEXT
    here = Path(__file__).resolve().parent
    candidates = [here.parent / "README.md", *sorted((here.parent / "pivot_envs" / "data").glob("*/*.jsonl"))]
    try:
        from importlib import resources

        data = Path(str(resources.files("pivotrl.pivot_envs").joinpath("data")))
        candidates += sorted(data.glob("*/*.jsonl"))
    except (ModuleNotFoundError, TypeError):
        pass
    seen: set[Path] = set()
    budget = 2_000_000  # characters: plenty for a 1k vocabulary, seconds to train
    for path in candidates:
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        with open(path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                budget -= len(line)
                if budget < 0:
                    return
                yield line


def build_tiny_model(dest: str | os.PathLike[str] | None = None, *, seed: int = 0, vocab_size: int = 1024) -> Path:
    """Build the model once into ``dest`` (reused when complete) and return its directory."""
    target = Path(dest) if dest is not None else default_model_dir()
    if (target / ".complete").exists():
        return target
    try:
        import torch
        from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
        from transformers import GenerationConfig, LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast
    except ImportError as exc:
        raise VerifierError(f"the tiny test model needs torch and transformers: pip install 'pivotrl[judge-test]' ({exc})") from None
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    core = Tokenizer(models.BPE())
    core.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    core.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=SPECIAL_TOKENS, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    core.train_from_iterator(_training_text(), trainer=trainer)
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=core, eos_token="<|im_end|>", pad_token="<|endoftext|>",
                                        bos_token=None, unk_token=None)
    tokenizer.chat_template = CHAT_TEMPLATE
    torch.manual_seed(seed)
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=4096,
                         eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id,
                         bos_token_id=None, tie_word_embeddings=True)
    model = LlamaForCausalLM(config)
    model.save_pretrained(staging)
    tokenizer.save_pretrained(staging)
    GenerationConfig(max_new_tokens=32, eos_token_id=tokenizer.eos_token_id,
                     pad_token_id=tokenizer.pad_token_id).save_pretrained(staging)
    (staging / ".complete").write_text(json.dumps({"version": MODEL_VERSION, "seed": seed}))
    if target.exists():
        import shutil

        shutil.rmtree(target)
    staging.rename(target)
    return target


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the process that started the server dies, however it dies."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class TinyServer:
    """``transformers serve`` on 127.0.0.1 serving ``model_path`` (its own process group)."""

    def __init__(self, model_path: str | os.PathLike[str], *, port: int | None = None,
                 startup_timeout: float = 180.0, extra_args: Sequence[str] = ()) -> None:
        self.model_path = str(Path(model_path).resolve())
        self.port = port or _free_port()
        self.startup_timeout = startup_timeout
        self.extra_args = list(extra_args)
        self.model = self.model_path
        self._proc: subprocess.Popen[bytes] | None = None
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the server; closed in __exit__)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> TinyServer:
        exe = Path(sys.executable).parent / "transformers"
        command = [str(exe) if exe.exists() else "transformers", "serve", self.model_path, "--host", "127.0.0.1",
                   "--port", str(self.port), "--device", "cpu", "--log-level", "warning", *self.extra_args]
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
        self._proc = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT, env=env,
                                      start_new_session=True, preexec_fn=_die_with_parent)
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise VerifierError(f"transformers serve exited with {self._proc.returncode}: {self._tail()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/models", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise VerifierError(f"transformers serve did not answer within {self.startup_timeout:.0f}s: {self._tail()}")

    def _tail(self) -> str:
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")[-2000:]

    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def kill(self) -> None:
        """SIGKILL now (tests kill the server mid-run)."""
        if self.alive():
            assert self._proc is not None
            os.killpg(self._proc.pid, signal.SIGKILL)
            self._proc.wait(timeout=10)

    def stop(self) -> None:
        if self.alive():
            assert self._proc is not None
            os.killpg(self._proc.pid, signal.SIGTERM)
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> TinyServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
        self._log.close()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Build and serve the tiny CPU test model (OpenAI-compatible).")
    parser.add_argument("--port", type=int, default=None)
    args = parser.parse_args(argv)
    path = build_tiny_model()
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    with TinyServer(path, port=args.port) as server:
        print(f"serving {server.model}\n  base_url: {server.base_url}\n  model:    {server.model}\n")
        print("try:\n  from pivotrl.verifiers import get_verifier\n"
              f"  judge = get_verifier('llm_judge', base_url='{server.base_url}', model='{server.model}', on_failure='zero')\n"
              "(a random model: verdicts are noise; Ctrl-C to stop)", flush=True)
        try:
            while server.alive():
                time.sleep(1)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
