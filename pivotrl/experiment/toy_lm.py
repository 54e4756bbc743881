"""A toy tool-calling chat model built locally: a byte-level BPE tokenizer trained on the text it
will see, a Llama-style model with random weights, and a ChatML template with Hermes-style tool
calls, so ``pivotrl profile``, ``train`` and ``eval`` run on a CPU with nothing downloaded.

Choices that make a model of a few million parameters able to learn tool calls and arithmetic:
digits are single tokens (as in Llama and Qwen), identifiers like ``get_user_details`` may
become one token (the split keeps letters and underscores together), ``<tool_call>`` and
``</tool_call>`` are single added tokens that decode as text (as in Qwen2.5), and the template
lists each tool as one compact signature line, ``name(required, optional?)``, instead of its
full JSON schema, and keeps the first line of a system prompt (who the assistant is) without the
policy rules below it: schemas and rules would take half of every context, and a model this
small cannot read them anyway.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from pivotrl.errors import PivotRLError
from pivotrl.optional import require

ENDOFTEXT, IM_START, IM_END = "<|endoftext|>", "<|im_start|>", "<|im_end|>"
TOOL_CALL_OPEN, TOOL_CALL_CLOSE = "<tool_call>", "</tool_call>"
MARKER = ".pivotrl-toy-lm.json"

TOY_CHAT_TEMPLATE = (
    "{%- if tools -%}"
    "{{- '<|im_start|>system\\n' -}}"
    "{%- if messages[0]['role'] == 'system' -%}{{- messages[0]['content'].split('\\n')[0] + '\\n\\n' -}}{%- endif -%}"
    "{{- '# Tools\\n' -}}"
    "{%- for tool in tools -%}"
    "{%- set f = tool['function'] if tool['function'] is defined else tool -%}"
    "{%- set p = f['parameters'] or {} -%}"
    "{{- f['name'] + '(' -}}"
    "{%- for name in (p['properties'] or {}) -%}"
    "{{- name -}}{%- if name not in (p['required'] or []) -%}{{- '?' -}}{%- endif -%}"
    "{%- if not loop.last -%}{{- ', ' -}}{%- endif -%}"
    "{%- endfor -%}"
    "{{- ')\\n' -}}"
    "{%- endfor -%}"
    "{{- '<|im_end|>\\n' -}}"
    "{%- endif -%}"
    "{%- for message in messages -%}"
    "{%- if not (tools and loop.first and message['role'] == 'system') -%}"
    "{%- if message['role'] == 'tool' -%}"
    "{{- '<|im_start|>tool\\n' + (message['content'] or '') + '<|im_end|>\\n' -}}"
    "{%- else -%}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + (message['content'] or '') -}}"
    "{%- for call in (message['tool_calls'] or []) -%}"
    "{%- set args = call['function']['arguments'] -%}"
    "{{- '<tool_call>{\"name\": \"' + call['function']['name'] + '\", \"arguments\": ' -}}"
    "{{- args if args is string else args | tojson -}}"
    "{{- '}</tool_call>' -}}"
    "{%- endfor -%}"
    "{{- '<|im_end|>\\n' -}}"
    "{%- endif -%}"
    "{%- endif -%}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\\n' -}}{%- endif -%}"
)


@dataclass(frozen=True)
class ToySize:
    """Model and tokenizer dimensions (an untied output head: tied random embeddings make
    greedy decoding repeat the last token)."""

    hidden: int = 128
    layers: int = 4
    heads: int = 4
    intermediate: int = 512
    vocab: int = 2048
    context: int = 4096

    def __post_init__(self) -> None:
        if self.hidden % self.heads:
            raise PivotRLError(f"hidden ({self.hidden}) must be a multiple of heads ({self.heads})")
        if min(self.hidden, self.layers, self.heads, self.intermediate, self.vocab, self.context) < 1:
            raise PivotRLError(f"every ToySize dimension must be positive: {self}")


def _tokenizer(texts: Iterable[str], vocab: int) -> Any:
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.Split(Regex(r" ?[A-Za-z_]+| ?[^A-Za-z_\s\d]+|\s+"), "isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab, min_frequency=2, special_tokens=[ENDOFTEXT, IM_START, IM_END],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(texts, trainer=trainer)
    return tok


def build_toy_lm(dest: str | os.PathLike[str], texts: Iterable[str], *, size: ToySize | None = None,
                 seed: int = 0) -> Path:
    """Build the tokenizer (trained on ``texts``) and a randomly initialised model into ``dest``
    and return it; loadable with ``AutoTokenizer`` / ``AutoModelForCausalLM``. The directory is
    filled under a temporary name and renamed, so it is complete or absent."""
    torch = require("torch", "judge-test", "the toy model")
    for module in ("tokenizers", "transformers"):
        require(module, "judge-test", "the toy model")
    from transformers import GenerationConfig, LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast
    from transformers.utils import logging as hf_logging
    size = size or ToySize()
    target = Path(dest)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        tok = _tokenizer(texts, size.vocab)
        tok.add_tokens([TOOL_CALL_OPEN, TOOL_CALL_CLOSE])  # plain added tokens: decoded as text, never skipped
        tokenizer = PreTrainedTokenizerFast(
            tokenizer_object=tok, bos_token=ENDOFTEXT, eos_token=IM_END, pad_token=ENDOFTEXT, unk_token=None,
            additional_special_tokens=[IM_START, IM_END], model_max_length=size.context,
            clean_up_tokenization_spaces=False)
        tokenizer.chat_template = TOY_CHAT_TEMPLATE
        tokenizer.save_pretrained(staging)
        endoftext, im_end = tok.token_to_id(ENDOFTEXT), tok.token_to_id(IM_END)
        config = LlamaConfig(
            vocab_size=tok.get_vocab_size(), hidden_size=size.hidden, intermediate_size=size.intermediate,
            num_hidden_layers=size.layers, num_attention_heads=size.heads, num_key_value_heads=size.heads,
            max_position_embeddings=size.context, rms_norm_eps=1e-6, tie_word_embeddings=False,
            bos_token_id=endoftext, eos_token_id=[im_end, endoftext], pad_token_id=endoftext, dtype="float32")
        with torch.random.fork_rng():
            torch.manual_seed(seed)
            model = LlamaForCausalLM(config)
        model.generation_config = GenerationConfig(bos_token_id=endoftext, eos_token_id=[im_end, endoftext],
                                                   pad_token_id=endoftext, do_sample=True, temperature=1.0,
                                                   top_p=1.0, top_k=0, max_new_tokens=256)
        model.save_pretrained(staging)
        (staging / MARKER).write_text(json.dumps({"size": asdict(size), "seed": seed,
                                                  "parameters": sum(p.numel() for p in model.parameters())}) + "\n")
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    finally:
        if bars:
            hf_logging.enable_progress_bar()
        shutil.rmtree(staging, ignore_errors=True)
    return target


def parameter_count(path: str | os.PathLike[str]) -> int | None:
    """The parameter count recorded when the model was built (None for other models)."""
    try:
        return int(json.loads((Path(path) / MARKER).read_text())["parameters"])
    except (OSError, ValueError, KeyError):
        return None
