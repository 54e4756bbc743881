"""Gymnasium spaces for chat observations and free-text actions.

The built-in ``Text`` space admits only a fixed character set; model output is any text
(or an OpenAI assistant message), so these spaces contain exactly that.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

import numpy as np
from gymnasium.spaces import Space

from pivotrl.verifiers.parsers.responses import ITEM_TYPES

_PRINTABLE = np.array(list(string.printable))


class AgentAction(Space[Any]):
    """Any text, an assistant message dict (``{"role": "assistant", ...}``), or Responses-API
    output: a list of output items, one item, or a response object with ``output``."""

    def __init__(self, max_sample_length: int = 64, seed: int | None = None) -> None:
        super().__init__(shape=None, dtype=None, seed=seed)
        self.max_sample_length = max_sample_length

    def sample(self, mask: Any = None, probability: Any = None) -> str:
        length = int(self.np_random.integers(1, self.max_sample_length + 1))
        return "".join(self.np_random.choice(_PRINTABLE, size=length))

    def contains(self, x: Any) -> bool:
        if isinstance(x, str):
            return True
        if isinstance(x, Mapping) and (x.get("type") in ITEM_TYPES or isinstance(x.get("output"), list)):
            return True
        if isinstance(x, Mapping):
            return x.get("role", "assistant") == "assistant"
        return isinstance(x, list) and all(isinstance(i, Mapping) and i.get("type") in ITEM_TYPES for i in x)

    @property
    def is_np_flattenable(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "AgentAction()"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AgentAction)


class JSONList(Space[list]):
    """A list of JSON objects (chat messages or tool schemas), each with ``required_key``."""

    def __init__(self, required_key: str, seed: int | None = None) -> None:
        super().__init__(shape=None, dtype=None, seed=seed)
        self.required_key = required_key

    def sample(self, mask: Any = None, probability: Any = None) -> list:
        if self.required_key == "role":
            return [{"role": "user", "content": "".join(self.np_random.choice(_PRINTABLE, size=8))}]
        return []

    def contains(self, x: Any) -> bool:
        return isinstance(x, list) and all(isinstance(i, Mapping) and self.required_key in i for i in x)

    @property
    def is_np_flattenable(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"JSONList({self.required_key!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, JSONList) and other.required_key == self.required_key
