"""Terminus-harness answers (Terminal-Bench's terminus-1 and terminus-2 agents): the JSON
document an agent replies with, checked against its harness's schema, and the keystrokes it
sends to the terminal, in a form where equivalent command lines compare equal."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator

from pivotrl.verifiers.shell_syntax import literal, parse, text

_COMMAND_1 = {"type": "object", "additionalProperties": False, "required": ["keystrokes", "is_blocking", "timeout_sec"],
              "properties": {"keystrokes": {"type": "string"}, "is_blocking": {"type": "boolean"},
                             "timeout_sec": {"type": "number"}}}
_COMMAND_2 = {"type": "object", "additionalProperties": False, "required": ["keystrokes"],
              "properties": {"keystrokes": {"type": "string"}, "duration": {"type": "number"}}}
# The response models of the two harnesses (terminus-1: state_analysis / explanation /
# is_task_complete; terminus-2: analysis / plan / optional task_complete), as JSON Schema.
SCHEMAS: dict[str, dict[str, Any]] = {
    "terminus_1": {"type": "object", "additionalProperties": False,
                   "required": ["state_analysis", "explanation", "commands", "is_task_complete"],
                   "properties": {"state_analysis": {"type": "string"}, "explanation": {"type": "string"},
                                  "commands": {"type": "array", "items": _COMMAND_1},
                                  "is_task_complete": {"type": "boolean"}}},
    "terminus_2": {"type": "object", "additionalProperties": False, "required": ["analysis", "plan", "commands"],
                   "properties": {"analysis": {"type": "string"}, "plan": {"type": "string"},
                                  "commands": {"type": "array", "items": _COMMAND_2},
                                  "task_complete": {"type": "boolean"}}},
}
_VALIDATORS = {name: Draft202012Validator(schema) for name, schema in SCHEMAS.items()}
_MARKERS = {"terminus_1": ("state_analysis", "explanation", "is_task_complete"),
            "terminus_2": ("analysis", "plan", "task_complete")}
# tmux key names (``tmux send-keys`` reads an argument that is exactly one of these as that key)
_KEY = re.compile(r"(?:[CMS]-)+\S|(?:[CMS]-)*(?:Enter|Escape|Tab|BTab|BSpace|Space|Up|Down|Left|Right|Home|End|"
                  r"PageUp|PageDown|PgUp|PgDn|PPage|NPage|IC|DC|Insert|Delete|KPEnter|F(?:[1-9]|1[0-2]))")
_ENTER_KEYS = {"Enter", "C-m", "KPEnter", "C-j"}


@dataclass(frozen=True)
class TerminusAnswer:
    """A parsed answer: which harness, the keystrokes of each command, and the completion flag."""

    harness: str
    keystrokes: tuple[str, ...]
    task_complete: bool
    document: dict[str, Any]


def detect_harness(document: Mapping[str, Any]) -> str | None:
    """terminus_1 or terminus_2 from the fields a document uses; None when it is neither."""
    if not isinstance(document, Mapping) or not isinstance(document.get("commands"), list):
        return None
    for harness, markers in _MARKERS.items():
        if any(key in document for key in markers[:2]):
            return harness
    return None


def parse_answer(reply: str, harness: str | None = None) -> TerminusAnswer | str:
    """The answer in ``reply`` (the visible text, reasoning already removed), or why there is none.

    The whole reply must be one JSON object valid under the harness's schema, as NeMo Gym's
    terminus server requires: text or a Markdown fence around it is rejected."""
    try:
        document = json.loads(reply)
    except (ValueError, RecursionError) as exc:
        return f"the reply is not a JSON document ({type(exc).__name__}: {str(exc)[:120]})"
    if not isinstance(document, dict):
        return f"the reply is JSON but not an object (a {type(document).__name__})"
    found = detect_harness(document)
    harness = harness or found
    if harness not in SCHEMAS:
        return "the reply is not a Terminus answer (no 'commands' list beside analysis/plan or state_analysis/explanation)"
    error = next(iter(sorted(_VALIDATORS[harness].iter_errors(document), key=lambda e: list(e.path))), None)
    if error is not None:
        where = "/".join(str(p) for p in error.path) or "the document"
        return f"the reply breaks the {harness} schema at {where}: {error.message[:200]}"
    flag = document.get("is_task_complete" if harness == "terminus_1" else "task_complete", False)
    return TerminusAnswer(harness, tuple(c["keystrokes"] for c in document["commands"]), bool(flag), document)


def is_terminus_answer(reply: Any, harness: str | None = None) -> bool:
    return isinstance(reply, str) and isinstance(parse_answer(reply.strip(), harness), TerminusAnswer)


# -- keystrokes ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Typed:
    """Text typed at the prompt: ``submitted`` lines ran (each ended with Enter), ``pending``
    was typed but not submitted."""

    submitted: str
    pending: str


def key_stream(keystrokes: tuple[str, ...]) -> list[Typed | str]:
    """What the terminal receives: typed text (adjacent commands joined: durations are waits,
    not input) and special keys (``C-c``, ``Escape``...). Enter keys become newlines."""
    stream: list[Typed | str] = []
    buffer = ""
    for entry in keystrokes:
        if entry in _ENTER_KEYS:
            buffer += "\n"
        elif _KEY.fullmatch(entry):  # tmux reads a key name only when it is the whole argument
            if buffer:
                stream.append(_typed(buffer))
                buffer = ""
            stream.append(entry)
        else:
            buffer += entry.replace("\r\n", "\n").replace("\r", "\n")
    if buffer:
        stream.append(_typed(buffer))
    return stream


def _typed(buffer: str) -> Typed:
    cut = buffer.rfind("\n") + 1
    return Typed(buffer[:cut], buffer[cut:])


@lru_cache(maxsize=4096)
def canonical_shell(source: str) -> str:
    """A form of shell input in which equivalent spellings are equal: quoting of literal words
    (``'a b'``, ``"a b"``, ``a\\ b``), spaces, line continuations, comments, and ``;`` against a
    new line. Input that does not parse as shell (typed into an editor or a REPL) keeps its
    lines, with runs of spaces collapsed."""
    root = parse(source)
    if root is None:
        return "\n".join(" ".join(line.split()) for line in source.strip().split("\n"))
    out: list[str] = []
    _serialize(root, out)
    return " ".join(out)


def _serialize(node: Any, out: list[str]) -> None:
    stack: list[Any] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, str):
            out.append(current)
            continue
        kind = current.type
        if kind == "comment" or kind == ";":
            continue
        if kind in ("word", "raw_string", "string", "concatenation", "number"):
            value = literal(current)
            if value is not None:
                out.append(json.dumps(value, ensure_ascii=False))
                continue
        if kind in ("heredoc_body", "string_content", "variable_name", "special_variable_name", "regex",
                    "extglob_pattern") or not current.children:
            out.append(f"{kind}:{json.dumps(text(current), ensure_ascii=False)}")
            continue
        stack.append(")")
        stack.extend(reversed(current.children))
        stack.append(f"{kind}(")
