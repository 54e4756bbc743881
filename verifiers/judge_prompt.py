"""Judge prompt templates: shipped defaults (with the domain's ``judge_hint``), or the user's own, with
placeholders for the state, the tools, the reference and the candidate. A template with
``{{ name`` or ``{%`` is rendered with Jinja, otherwise with ``str.format`` (literal braces
doubled)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from pivotrl.chat import content_text
from pivotrl.domain_registry import judge_hint
from pivotrl.errors import VerifierError
from pivotrl.optional import require
from pivotrl.verifiers.action import Action

SYSTEM = (
    "You judge actions of an AI agent. At a given point of a conversation, decide whether the CANDIDATE "
    "action is locally equivalent to the REFERENCE action: it would have the same effect on the task and the "
    "user (same tool and same meaning of its arguments, or a reply that says the same thing). Differences in "
    "wording, argument order or formatting do not matter; a different value, target or decision does. "
    'Answer with JSON only: {{"equivalent": true or false, "reason": "<one short sentence>"}}.'
)

USER = """## Conversation so far
{state}

## Tools
{tools}

## Reference action
{reference}

## Candidate action
{candidate}

Is the candidate equivalent to the reference? Answer with JSON only."""

MAX_STATE_CHARS = 12_000
MAX_ACTION_CHARS = 4_000


@dataclass(frozen=True)
class JudgeTemplate:
    system: str
    user: str

    @classmethod
    def default(cls, domain: str | None = None) -> JudgeTemplate:
        hint = judge_hint(domain)  # each domain's own sentence, from its DomainSpec
        return cls(SYSTEM + (" " + hint if hint else ""), USER)

    def render(self, fields: dict[str, str]) -> list[dict[str, str]]:
        return [{"role": "system", "content": _render(self.system, fields)},
                {"role": "user", "content": _render(self.user, fields)}]

    def fingerprint(self) -> str:
        return json.dumps([self.system, self.user])


_JINJA = re.compile(r"\{\{\s*[A-Za-z_]|\{%")


def _render(template: str, fields: dict[str, str]) -> str:
    if _JINJA.search(template):  # ``{{ name`` or ``{%``; doubled braces before a quote are str.format's
        jinja2 = require("jinja2", "judge", "a Jinja judge template", error=VerifierError)
        try:
            return jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False).from_string(template).render(**fields)
        except jinja2.TemplateError as exc:
            raise VerifierError(f"judge template error: {exc}") from None
    try:
        return template.format(**fields)
    except (KeyError, IndexError, ValueError) as exc:
        known = ", ".join("{" + k + "}" for k in fields)
        raise VerifierError(f"judge template needs {exc}; placeholders are {known} (double braces for literal ones)") from None


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit // 2] + "\n[... clipped ...]\n" + text[-limit // 2 :]


def render_state(messages: list[dict[str, Any]]) -> str:
    lines = []
    for i, message in enumerate(messages):
        role = message.get("role", "?")
        content = content_text(message.get("content"), where=f"messages[{i}].content")  # images: the judge reads text
        calls = "; ".join(f"{c['function']['name']}({c['function']['arguments']})" for c in message.get("tool_calls") or [])
        lines.append(f"[{role}] {content}" + (f" -> calls {calls}" if calls else ""))
    return _clip("\n".join(lines), MAX_STATE_CHARS)


def render_action(action: Action) -> str:
    if action.kind == "tool_calls":
        body = "\n".join(f"call {c.name}({json.dumps(c.arguments, ensure_ascii=False, sort_keys=True)})"
                         for c in action.tool_calls)
        if action.text:
            body = f"says: {action.text}\n{body}"
    else:
        body = f"replies: {action.text}"
    return _clip(body, MAX_ACTION_CHARS)


def render_tools(tools: list[dict[str, Any]]) -> str:
    names = [t.get("function", t).get("name", "?") for t in tools or []]
    return ", ".join(names) if names else "(none)"
