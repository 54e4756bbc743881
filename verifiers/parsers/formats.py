"""The registry of tool-call formats and automatic detection.

Formats are registered under the names vLLM's ``--tool-call-parser`` uses (aliases too);
third-party packages add theirs through the ``pivotrl.parsers`` entry-point group or
:func:`register_parser`. Detection (``parser="auto"``) picks the format whose first call
starts earliest in the text; formats that share an opening tag (``<tool_call>`` for Hermes
JSON, Qwen3 XML and GLM) are told apart by what follows the tag, so a valid action of one
format is never read as a call of another. Shape-only formats (bare JSON, pythonic lists,
fenced bash) are tried last, and only where the whole text has their shape.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pivotrl.registry import Registry
from pivotrl.verifiers.action import Action
from pivotrl.verifiers.parsers import gemma4, glm45, harmony, invoke_xml, json_formats, pythonic, qwen3_xml
from pivotrl.verifiers.parsers.base import LocateFn, ParseContext, ToolCallFormat
from pivotrl.verifiers.parsers.text_formats import (
    locate_hermes,
    locate_python_tag,
    parse_bare_json,
    parse_hermes,
    parse_shell_fences,
)

PARSERS: Registry[ToolCallFormat] = Registry("tool-call parser", entry_point_group="pivotrl.parsers")
AUTO = "auto"

BUILTIN_FORMATS: tuple[ToolCallFormat, ...] = (
    ToolCallFormat("hermes", parse_hermes, locate_hermes,
                   "<tool_call>{json}</tool_call> (Qwen2.5, Qwen3, Hermes, Granite 4)", markers=("<tool_call>",)),
    ToolCallFormat("qwen3_coder", qwen3_xml.parse, qwen3_xml.locate,
                   "<function=NAME><parameter=P>text</parameter></function> (Qwen3-Coder, Qwen3.5-3.8, "
                   "Nemotron 3)", aliases=("qwen3_xml",), markers=("<function=",)),
    ToolCallFormat("glm45", glm45.parse, glm45.locate,
                   "<tool_call>NAME<arg_key>K</arg_key><arg_value>V</arg_value></tool_call> (GLM-4.5-4.7)",
                   aliases=("glm4_moe", "glm47"), markers=("<tool_call>",)),
    ToolCallFormat("openai", harmony.parse, harmony.locate,
                   "harmony channels, to=functions.NAME <|message|>{json}<|call|> (gpt-oss)",
                   aliases=("harmony", "gpt_oss"), markers=harmony.MARKERS),
    ToolCallFormat("gemma4", gemma4.parse, gemma4.locate,
                   "<|tool_call>call:NAME{key:<|\"|>text<|\"|>}<tool_call|> (Gemma 4)", aliases=("gemma",),
                   markers=("<|tool_call>",)),
    ToolCallFormat("lfm2", pythonic.parse_lfm2, pythonic.locate_lfm2,
                   "<|tool_call_start|>[name(key=value)]<|tool_call_end|> (LFM2, LFM2.5)",
                   markers=("<|tool_call_start|>",)),
    ToolCallFormat("deepseek_v3", json_formats.parse_deepseek, json_formats.locate_deepseek,
                   "<｜tool▁call▁begin｜>...<｜tool▁sep｜>... (DeepSeek V3, R1, V3.1)",
                   aliases=("deepseek_r1", "deepseek_v31"),
                   markers=(json_formats.DS_CALLS_BEGIN, json_formats.DS_CALL_BEGIN)),
    ToolCallFormat("deepseek_v32", invoke_xml.parse_dsml, invoke_xml.locator(invoke_xml.DSML),
                   "<｜DSML｜invoke name=...><｜DSML｜parameter name=... string=...> (DeepSeek V3.2)",
                   markers=(invoke_xml.DSML.open_block, invoke_xml.DSML.invoke)),
    ToolCallFormat("kimi_k2", json_formats.parse_kimi, json_formats.locate_kimi,
                   "<|tool_call_begin|>functions.NAME:0<|tool_call_argument_begin|>{json} (Kimi K2)",
                   markers=(json_formats.KIMI_SECTION_BEGIN, json_formats.KIMI_CALL_BEGIN)),
    ToolCallFormat("mistral", json_formats.parse_mistral, json_formats.locate_mistral,
                   "[TOOL_CALLS][{json}] or [TOOL_CALLS]NAME[ARGS]{json} (Mistral)", markers=(json_formats.MISTRAL_BOT,)),
    ToolCallFormat("minimax_m2", invoke_xml.parse_minimax, invoke_xml.locator(invoke_xml.MINIMAX, bare_invoke=True),
                   "<minimax:tool_call><invoke name=...><parameter name=...> (MiniMax M2)",
                   markers=(invoke_xml.MINIMAX.open_block, invoke_xml.MINIMAX.invoke + " ")),
    ToolCallFormat("muse_glimmer", invoke_xml.parse_muse, invoke_xml.locate_muse,
                   "to=RECIPIENT<|message|><atem:invoke name=...> (Muse Glimmer)",
                   markers=(invoke_xml.ATEM.invoke, "<|message|>")),
    ToolCallFormat("granite", json_formats.parse_granite, lambda t: t.find(json_formats.GRANITE),
                   "<|tool_call|>[{json}] (Granite 3)", markers=(json_formats.GRANITE,)),
    ToolCallFormat("phi4_mini", json_formats.parse_phi4_mini, json_formats.locate_phi4,
                   "functools[{json}] (Phi-4-mini)", markers=(json_formats.PHI4 + "[",)),
    ToolCallFormat("cohere", json_formats.parse_cohere, lambda t: t.find(json_formats.COHERE),
                   "<|START_ACTION|>[{tool_name, parameters}]<|END_ACTION|> (Command A, R7B)",
                   markers=(json_formats.COHERE,)),
    ToolCallFormat("pythonic", pythonic.parse_pythonic, pythonic.locate_pythonic,
                   "[name(key=value), ...] as the whole output, or in <|python_start|> (Llama 3.2/4)",
                   aliases=("llama4_pythonic",), markers=("<|python_start|>",)),
    ToolCallFormat("json", parse_bare_json, locate_python_tag,
                   "the whole output is {\"name\", \"arguments\"|\"parameters\"} JSON (Llama 3.x, after "
                   "<|python_tag|>)", aliases=("llama3_json", "llama"), markers=("<|python_tag|>",)),
    ToolCallFormat("bash", parse_shell_fences, None, "fenced ```bash blocks, calls of the shell tool"),
)
#: Tried in this order where no format's marker is found: the whole text must have their shape.
SHAPE_FORMATS = ("json", "pythonic", "bash")

for _format in BUILTIN_FORMATS:
    for _name in (_format.name, *_format.aliases):
        PARSERS.register(_name, _format)


def register_parser(name: str, parser: ToolCallFormat | Callable[[str, ParseContext], Action | None],
                    *, locate: LocateFn | None = None, override: bool = False) -> ToolCallFormat:
    """Register a tool-call format under ``name``: a :class:`ToolCallFormat`, or a function
    ``parse(text, ctx) -> Action | None``. With ``locate(text) -> int`` (where its first call
    starts, -1 for none) it also takes part in automatic detection."""
    if name == AUTO:
        raise ValueError(f"{AUTO!r} is reserved for automatic detection")
    fmt = parser if isinstance(parser, ToolCallFormat) else ToolCallFormat(name, parser, locate)
    PARSERS.register(name, fmt, override=override)
    return fmt


def get_parser(name: str) -> ToolCallFormat:
    """The format registered under ``name`` (UnknownNameError lists the known ones)."""
    entry: Any = PARSERS.get(name)
    if isinstance(entry, ToolCallFormat):
        return entry
    if callable(entry):  # an entry point naming a plain function
        return ToolCallFormat(name, entry)
    raise TypeError(f"tool-call parser {name!r} is neither a ToolCallFormat nor a function: {entry!r}")


def canonical_name(name: str) -> str:
    """The name a format is recorded under (``qwen3_xml`` -> ``qwen3_coder``; ``auto`` stays)."""
    return AUTO if name == AUTO else get_parser(name).name


def list_parsers() -> list[str]:
    """Every registered parser name, aliases included, plus ``auto``."""
    return sorted({AUTO, *PARSERS.names()})


_detectable_cache: tuple[int, list[ToolCallFormat], bool] = (-1, [], True)


def _detectable() -> list[ToolCallFormat]:
    """Formats that take part in detection, built-ins first (recomputed when the registry changes)."""
    global _detectable_cache
    if _detectable_cache[0] == PARSERS.version:  # (the first build loads the entry points)
        return _detectable_cache[1]
    seen: dict[int, ToolCallFormat] = {}
    for name in PARSERS.names():
        fmt = get_parser(name)
        if fmt.locate is not None:
            seen.setdefault(id(fmt), fmt)
    order = {f.name: i for i, f in enumerate(BUILTIN_FORMATS)}
    found = sorted(seen.values(), key=lambda f: order.get(f.name, len(order)))
    _detectable_cache = (PARSERS.version, found, all(f in BUILTIN_FORMATS for f in found))
    return found


def builtin_markers_decide(parser: str) -> bool:
    """Whether text without any built-in marker character is surely prose under ``parser``:
    true unless a user-registered format is named, or takes part in detection."""
    if parser != AUTO:
        return get_parser(parser) in BUILTIN_FORMATS
    _detectable()
    return _detectable_cache[2]


_marker_index: tuple[int, tuple[tuple[str, frozenset[int]], ...], frozenset[int], tuple[ToolCallFormat, ...]] = (
    -1, (), frozenset(), ())


def _candidates(text: str) -> list[ToolCallFormat]:
    """The detectable formats whose markers occur in ``text`` (a substring test per marker, in
    C, before any format's ``locate`` runs), plus those without markers, in detection order."""
    global _marker_index
    if _marker_index[0] != PARSERS.version:
        formats = _detectable()
        owners: dict[str, set[int]] = {}
        for fmt in formats:
            for marker in fmt.markers:
                owners.setdefault(marker, set()).add(id(fmt))
        _marker_index = (PARSERS.version, tuple((m, frozenset(o)) for m, o in owners.items()),
                         frozenset(id(f) for f in formats if not f.markers), tuple(formats))
    _, marker_owners, unmarked, ordered = _marker_index
    found = set(unmarked)
    for marker, owning in marker_owners:
        if marker in text:
            found |= owning
    return [f for f in ordered if id(f) in found] if found else []


def detect_at(text: str) -> tuple[ToolCallFormat | None, int]:
    """The format whose first call starts earliest in ``text``, and where (None, -1: no marker)."""
    best: ToolCallFormat | None = None
    best_pos = -1
    for fmt in _candidates(text):
        pos = fmt.locate(text)  # type: ignore[misc]
        if pos >= 0 and (best is None or pos < best_pos):
            best, best_pos = fmt, pos
    return best, best_pos


def detect(text: str) -> ToolCallFormat | None:
    """The format whose first call starts earliest in ``text`` (None: no marker found)."""
    return detect_at(text)[0]


_END_MARKERS = ("<|im_end|>", "<|eot_id|>", "<|eom_id|>", "<｜end▁of▁sentence｜>", "<|end|>", "<|return|>",
                "<|call|>", "<turn|>", "<|tool_response>", "<end_of_turn>", "<|eot|>", "<|eom|>",
                "<|END_OF_TURN_TOKEN|>", "</s>", "<|endoftext|>", "<|end_of_text|>", "<eos>", "<|user|>",
                "<|observation|>", "<|im_start|>")


_END_SET = frozenset(_END_MARKERS)
_LONGEST_END = max(len(m) for m in _END_MARKERS)


def strip_end_markers(text: str) -> str:
    """Drop end-of-turn tokens a decoder kept at the end of the output (``<|im_end|>``,
    ``<|eot_id|>``, ``<｜end▁of▁sentence｜>``, ``<turn|>``...): they end the turn, they say nothing."""
    text = text.rstrip()
    while text.endswith(">"):  # every end marker starts with its only '<' and ends with '>'
        start = text.rfind("<", max(0, len(text) - _LONGEST_END))
        if start < 0 or text[start:] not in _END_SET:
            break
        text = text[:start].rstrip()
    return text
