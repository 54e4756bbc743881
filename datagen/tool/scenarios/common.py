"""Shared helpers for the synthetic tool-use trajectory generator.

Everything here is standard library only.  Scenario modules describe their
tools with :func:`tool` and write conversations with :class:`Conv`, which
takes care of the OpenAI chat-completions message layout (tool call ids,
JSON-string arguments, tool messages that answer the preceding call turn).
"""

from __future__ import annotations

import datetime as _dt
import json
import random
from collections.abc import Iterable
from typing import Any

SOURCE = "pivotrl synthetic"
DOMAIN = "tool"

# ---------------------------------------------------------------------------
# Schema helpers
# ---------------------------------------------------------------------------


def tool(name: str, description: str, properties: dict, required: Iterable[str] = ()) -> dict:
    """An OpenAI ``tools`` entry whose parameters forbid unknown arguments."""
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {
                "type": "object",
                "properties": properties,
                "required": list(required),
                "additionalProperties": False,
            },
        },
    }


def obj(properties: dict, required: Iterable[str] = (), description: str | None = None) -> dict:
    """A nested closed object schema."""
    schema: dict[str, Any] = {"type": "object"}
    if description:
        schema["description"] = description
    schema["properties"] = properties
    schema["required"] = list(required)
    schema["additionalProperties"] = False
    return schema


def s(description: str, **extra: Any) -> dict:
    return {"type": "string", "description": description, **extra}


def i(description: str, **extra: Any) -> dict:
    return {"type": "integer", "description": description, **extra}


def n(description: str, **extra: Any) -> dict:
    return {"type": "number", "description": description, **extra}


def b(description: str, **extra: Any) -> dict:
    return {"type": "boolean", "description": description, **extra}


def arr(description: str, items: dict, **extra: Any) -> dict:
    return {"type": "array", "description": description, "items": items, **extra}


def enum(description: str, values: list[str], **extra: Any) -> dict:
    return {"type": "string", "description": description, "enum": list(values), **extra}


# ---------------------------------------------------------------------------
# Shared pools
# ---------------------------------------------------------------------------

FIRST_NAMES = [
    "Maria", "James", "Aisha", "Daniel", "Sofia", "Kenji", "Olivia", "Mateo",
    "Priya", "Lucas", "Hannah", "Omar", "Chloe", "Ethan", "Fatima", "Noah",
    "Ingrid", "Diego", "Mei", "Samuel", "Zara", "Tomasz", "Grace", "Ravi",
    "Elena", "Kwame", "Laura", "Hiroshi", "Amara", "Felix",
]
LAST_NAMES = [
    "Garcia", "Thompson", "Khan", "Müller", "Rossi", "Tanaka", "Okafor", "Silva",
    "Patel", "Nguyen", "Johansson", "Haddad", "Dubois", "Kowalski", "Reyes",
    "O'Brien", "Fischer", "Nakamura", "Mensah", "Lindqvist", "Costa", "Park",
    "Novak", "Schmidt", "Bennett", "Ivanova", "Chen", "Moreau",
]

BASE_DATE = _dt.date(2025, 3, 3)
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]


def person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def day(rng: random.Random, lo: int = 1, hi: int = 60) -> _dt.date:
    return BASE_DATE + _dt.timedelta(days=rng.randint(lo, hi))


def iso(d: _dt.date) -> str:
    return d.isoformat()


def spoken(d: _dt.date) -> str:
    """'Friday, March 14'."""
    return f"{WEEKDAYS[d.weekday()]}, {MONTHS[d.month - 1]} {d.day}"


def code(rng: random.Random, length: int = 6, alphabet: str = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789") -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


def digits(rng: random.Random, length: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(length))


def money(x: float) -> float:
    return round(x + 1e-9, 2)


def fmt_money(x: float, symbol: str = "$") -> str:
    return f"{symbol}{x:,.2f}"


def email(first: str, last: str, domain: str = "example.com") -> str:
    clean_last = "".join(ch for ch in last.lower() if ch.isalpha())
    clean_last = clean_last.replace("ü", "u")
    return f"{first.lower()}.{clean_last}@{domain}"


# ---------------------------------------------------------------------------
# Conversation builder
# ---------------------------------------------------------------------------


class Conv:
    """Accumulates one trajectory in chat-completions format."""

    def __init__(self, number: int, scenario: str, system: str, tools: list[dict]):
        self.number = number
        self.scenario = scenario
        self.tools = tools
        self._tool_names = {t["function"]["name"] for t in tools}
        self.messages: list[dict] = [{"role": "system", "content": system}]
        self._calls = 0
        self.flow = ""

    # -- turns --------------------------------------------------------------
    def user(self, text: str) -> Conv:
        self.messages.append({"role": "user", "content": text})
        return self

    def say(self, text: str) -> Conv:
        self.messages.append({"role": "assistant", "content": text})
        return self

    def call(self, name: str, args: dict, result: Any) -> Conv:
        """One assistant turn with a single tool call and its result."""
        return self.parallel([(name, args, result)])

    def parallel(self, calls: list[tuple[str, dict, Any]]) -> Conv:
        """One assistant turn with one or more tool calls, then their results."""
        tool_calls = []
        results = []
        for name, args, result in calls:
            if name not in self._tool_names:
                raise ValueError(f"{self.scenario}: unknown tool {name!r}")
            self._calls += 1
            call_id = f"call_{self.number:04d}_{self._calls}"
            tool_calls.append({
                "id": call_id,
                "type": "function",
                "function": {"name": name, "arguments": json.dumps(args, ensure_ascii=False)},
            })
            content = result if isinstance(result, str) else json.dumps(result, ensure_ascii=False)
            results.append({"role": "tool", "tool_call_id": call_id, "name": name, "content": content})
        self.messages.append({"role": "assistant", "content": None, "tool_calls": tool_calls})
        self.messages.extend(results)
        return self

    # -- output -------------------------------------------------------------
    def record(self) -> dict:
        meta = {"scenario": self.scenario, "source": SOURCE}
        if self.flow:
            meta["flow"] = self.flow
        return {
            "id": f"tool-{self.scenario}-{self.number:04d}",
            "domain": DOMAIN,
            "messages": self.messages,
            "tools": self.tools,
            "env": {},
            "meta": meta,
        }


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 bag', '3 bags'."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


YES = ["Yes please.", "Yes, go ahead.", "Sounds good, do it.", "Yep, please do.", "That's right, go ahead.",
       "Confirmed.", "Yes.", "Perfect, thanks — please proceed.", "OK, do it."]


def yes(rng: random.Random) -> str:
    """A short user confirmation."""
    return rng.choice(YES)


def phrase(rng: random.Random, templates: list[str], **fields: Any) -> str:
    """One of several phrasings, filled in with ``str.format``."""
    return rng.choice(templates).format(**fields)
