"""Chat messages, in one place: OpenAI message content as text, messages in the forms chat
templates and the OpenAI wire format need, and the one prompt renderer (profiling policies, the
TRL and verl exports, ``PivotGRPOTrainer`` and the verifiers all use this module).

It sits at the base of the package (beside ``errors`` and ``jsonsafe``) because every layer
reads messages, ``verifiers`` included, which may not import ``pivot_envs``. It imports nothing
heavy: tokenizers are duck-typed arguments (``apply_chat_template``, ``__call__``, ``decode``).

The rendering rule: earlier tool calls reach the template in the form it needs, decided from
the template's behaviour, not from its name. A probe call is rendered once per template with
its arguments as an object; a template that cannot take an object (DeepSeek-V3 concatenates
``arguments`` as a string) or prints it as a Python ``dict`` gets JSON strings, every other
one gets objects (it writes them itself, with ``tojson`` or its own syntax), so arguments are
never encoded twice. The template writes the special tokens it wants (BOS included): its
text is tokenized without adding any, and where a trainer's tokenizer adds a BOS itself
(TRL's text prompts), :func:`prompt_text_for_tokenizer` drops the template's.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pivotrl.errors import DataError

__all__ = [
    "TEXT_PART_TYPES",
    "ArgumentsForm",
    "TemplateForms",
    "adds_bos",
    "arguments_form",
    "completion_text",
    "content_text",
    "prompt_text_for_tokenizer",
    "prompt_token_ids",
    "render_prompt",
    "rendered_turn",
    "template_forms",
    "template_messages",
    "wire_messages",
]

logger = logging.getLogger(__name__)
ArgumentsForm = Literal["object", "string"]

#: content-part types that carry text: Chat Completions' ``text`` and the Responses API's kinds
TEXT_PART_TYPES = frozenset({"text", "input_text", "output_text", "summary_text", "reasoning_text"})


def _field_text(part: Mapping[str, Any], key: str) -> str:
    value = part.get(key)
    return "" if value is None else str(value)  # a null text is no text, never "None"


def content_text(content: Any, *, where: str = "content", strict: bool = False) -> str:
    """The text of an OpenAI message ``content``: a string as it is, ``None`` as ``""`` (assistant
    tool-call turns have none, and templates concatenate content), a list of parts as the
    concatenation of its text parts (a part without ``type`` is text; a ``refusal`` part gives
    its refusal, which is what the model said).

    Parts that hold no text (images, audio, stray numbers) are skipped, since a prompt or a
    judge can do without them; with ``strict=True`` they raise a ``DataError`` naming the part
    (``field=f"{where}[j]"``), for exports and converters that must not lose content silently.
    Content of any other type raises a ``DataError`` (``field=where``) either way."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if not isinstance(content, (list, tuple)):
        raise DataError(f"content must be text, a list of parts or null, found {type(content).__name__}",
                        field=where)
    texts = []
    for j, part in enumerate(content):
        if isinstance(part, str):
            texts.append(part)
        elif isinstance(part, Mapping) and part.get("type", "text") in TEXT_PART_TYPES:
            texts.append(_field_text(part, "text"))
        elif isinstance(part, Mapping) and part.get("type") == "refusal":
            texts.append(_field_text(part, "refusal"))
        elif strict:
            kind = part.get("type") if isinstance(part, Mapping) else type(part).__name__
            raise DataError(f"only text content parts are supported here, found a {kind!r} part",
                            field=f"{where}[{j}]")
    return "".join(texts)


@dataclass(frozen=True)
class TemplateForms:
    """What a chat template wants, found by rendering probes: tool-call ``arguments`` as
    objects or JSON strings, and JSON tool results (``tool_results``) as the text they are or
    decoded (templates that ``tojson`` a tool message's content would otherwise quote it)."""

    arguments: ArgumentsForm = "object"
    tool_results: Literal["text", "object"] = "text"


def _arguments_as(function: dict[str, Any], form: ArgumentsForm) -> dict[str, Any]:
    args = function.get("arguments")
    if form == "object" and isinstance(args, str):
        # undecodable arguments stay as written: the template shows what the trajectory holds
        with contextlib.suppress(ValueError, RecursionError):
            function["arguments"] = json.loads(args) if args.strip() else {}
    elif form == "string" and not isinstance(args, str):
        function["arguments"] = json.dumps(args if args is not None else {}, ensure_ascii=False)
    return function


def _json_container(text: str) -> Any:
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        with contextlib.suppress(ValueError, RecursionError):
            value = json.loads(stripped)
            if isinstance(value, (dict, list)):
                return value
    return None


def template_messages(messages: Sequence[Mapping[str, Any]], forms: TemplateForms | None = None) -> list[dict[str, Any]]:
    """Messages for ``apply_chat_template``: text content, tool-call arguments and JSON tool
    results in the forms the template needs (default: arguments decoded, as vLLM's
    ``LLM.chat`` and servers pass them; results as text)."""
    forms = forms or TemplateForms()
    out = []
    for message in messages:
        clean = {k: v for k, v in message.items() if v is not None}
        clean["content"] = content_text(message.get("content"))
        if message.get("tool_calls"):
            calls = []
            for call in message["tool_calls"]:
                function = _arguments_as(dict(call.get("function") or {}), forms.arguments)
                calls.append({**call, "function": function})
            clean["tool_calls"] = calls
        if forms.tool_results == "object" and message.get("role") == "tool":
            decoded = _json_container(clean["content"])
            if decoded is not None:
                clean["content"] = decoded
        out.append(clean)
    return out


_PROBE_NAME, _PROBE_KEY, _PROBE_VALUE = "pivotrl_probe_tool", "pivotrl_probe_key", "pivotrl_probe_value"
_ESCAPED_KEY = json.dumps(json.dumps(_PROBE_KEY))[1:-1]  # the key as it reads inside a JSON-encoded string
_forms: dict[tuple[int, str], TemplateForms] = {}
_forms_lock = threading.Lock()


def _probe_messages(arguments: Any, result: Any) -> list[dict[str, Any]]:
    call = {"id": "call_0", "type": "function", "function": {"name": _PROBE_NAME, "arguments": arguments}}
    return [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "", "tool_calls": [call]},
            {"role": "tool", "tool_call_id": "call_0", "name": _PROBE_NAME, "content": result}]


def _renders(tokenizer: Any, arguments: Any, result: Any = "ok") -> str | None:
    try:
        return tokenizer.apply_chat_template(_probe_messages(arguments, result), tokenize=False)
    except Exception:  # a template's own raise_exception, a TypeError on str + dict, ...
        return None


def template_forms(tokenizer: Any) -> TemplateForms:
    """How this tokenizer's chat template wants tool calls and results, decided by rendering
    probes once per template: arguments as objects unless an object cannot be rendered or is
    printed as a Python ``dict`` while a JSON string renders; JSON tool results decoded only
    where the template would escape them as a JSON string and renders them decoded cleanly."""
    template = getattr(tokenizer, "chat_template", None)
    key = (id(tokenizer), template if isinstance(template, str) else json.dumps(template, sort_keys=True, default=str))
    with _forms_lock:
        if key in _forms:
            return _forms[key]
    probe = {_PROBE_KEY: _PROBE_VALUE}
    as_object = _renders(tokenizer, probe)
    python_dict = as_object is not None and f"{{'{_PROBE_KEY}'" in as_object
    arguments: ArgumentsForm = "object"
    if (as_object is None or python_dict) and _renders(tokenizer, json.dumps(probe)) is not None:
        arguments = "string"
    call_args: Any = probe if arguments == "object" else json.dumps(probe)
    results: Literal["text", "object"] = "text"
    as_text = _renders(tokenizer, call_args, json.dumps(probe))
    if as_text is not None and _ESCAPED_KEY in as_text:
        decoded = _renders(tokenizer, call_args, probe)
        if decoded is not None and _ESCAPED_KEY not in decoded and f"'{_PROBE_KEY}'" not in decoded:
            results = "object"
    forms = TemplateForms(arguments, results)
    logger.debug("chat template forms: %s", forms)
    with _forms_lock:
        if len(_forms) > 256:
            _forms.clear()
        _forms[key] = forms
    return forms


def arguments_form(tokenizer: Any) -> ArgumentsForm:
    """How this tokenizer's chat template wants tool-call arguments (see :func:`template_forms`)."""
    return template_forms(tokenizer).arguments


def wire_messages(messages: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Messages for an OpenAI-compatible request: no null keys (some servers refuse them), text
    content, tool-call arguments as JSON strings (the API's form, as stored in pivots)."""
    out = []
    for message in messages:
        clean = {k: v for k, v in message.items() if v is not None}
        if isinstance(message.get("content"), list):
            clean["content"] = content_text(message["content"])
        clean.setdefault("content", "")
        out.append(clean)
    return out


def render_prompt(tokenizer: Any, messages: Sequence[Mapping[str, Any]], tools: Sequence[Mapping[str, Any]] | None = None) -> str:
    """The text the model continues at a pivot: its chat template over the messages (tool-call
    arguments and results in the forms the template needs, see :func:`template_forms`) and the pivot's
    tools (``None`` when there are none: some templates render tool boilerplate for []), with
    the generation prompt. Tokenize it with :func:`prompt_token_ids`."""
    return tokenizer.apply_chat_template(template_messages(messages, template_forms(tokenizer)),
                                         tools=list(tools or []) or None, add_generation_prompt=True, tokenize=False)


def prompt_token_ids(tokenizer: Any, prompt: str) -> list[int]:
    """Token ids of a rendered prompt: the template wrote the special tokens it wants (BOS
    included), so the tokenizer adds none (as ``apply_chat_template(tokenize=True)`` does)."""
    return list(tokenizer(prompt, add_special_tokens=False)["input_ids"])


def adds_bos(tokenizer: Any) -> bool:
    """Whether ``tokenizer(text)`` puts a BOS token in front by itself (Llama, Gemma, ...)."""
    bos = getattr(tokenizer, "bos_token_id", None)
    if bos is None:
        return False
    with_special = tokenizer("a", add_special_tokens=True)["input_ids"]
    plain = tokenizer("a", add_special_tokens=False)["input_ids"]
    return len(with_special) > len(plain) and with_special[0] == bos


def prompt_text_for_tokenizer(tokenizer: Any, prompt: str) -> str:
    """``prompt`` as text for consumers that tokenize it with special tokens added (TRL's
    text prompts): the template's own BOS is dropped where the tokenizer adds one, so the
    ids hold one BOS, not two."""
    bos = getattr(tokenizer, "bos_token", None)
    if bos and prompt.startswith(bos) and adds_bos(tokenizer):
        return prompt[len(bos):]
    return prompt


def completion_text(tokenizer: Any, ids: Sequence[int], stopped: bool) -> str:
    """The text of sampled ids as a verifier must see it: special tokens kept (gpt-oss, Gemma 4,
    Kimi and Mistral write tool calls with them), the final stop token left out."""
    body = list(ids[:-1]) if stopped and ids else list(ids)
    return tokenizer.decode(body, skip_special_tokens=False)


def rendered_turn(tokenizer: Any, messages: Sequence[Mapping[str, Any]], turn: Mapping[str, Any],
                  tools: Sequence[Mapping[str, Any]] | None = None) -> str:
    """The text a model of this template emits for assistant ``turn`` after ``messages``:
    the conversation rendered with the turn, minus the prompt (generation prompt included).
    Where the template writes the turn's opening differently from its generation prompt
    (``<think>`` prefilled in one, ``<think></think>`` in the other), the text starts after
    the last whole tag they share. Use it to check that a template's own rendering of a
    reference scores 1."""
    form = template_forms(tokenizer)
    tool_list = list(tools or []) or None
    before = template_messages(messages, form)
    after = template_messages([*messages, turn], form)
    bare = tokenizer.apply_chat_template(before, tools=tool_list, add_generation_prompt=False, tokenize=False)
    prompt = tokenizer.apply_chat_template(before, tools=tool_list, add_generation_prompt=True, tokenize=False)
    full = tokenizer.apply_chat_template(after, tools=tool_list, add_generation_prompt=False, tokenize=False)
    if prompt.startswith(bare) and full.startswith(bare):
        generation, text = prompt[len(bare):], full[len(bare):]
    else:
        generation, text = prompt, full
    if text.startswith(generation):
        return text[len(generation):]
    shared = 0
    while shared < min(len(generation), len(text)) and generation[shared] == text[shared]:
        shared += 1
    cut = max(text.rfind(">", 0, shared), text.rfind("\n", 0, shared)) + 1
    return text[cut if cut > 0 else shared:]
