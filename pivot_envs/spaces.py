"""Gymnasium spaces for chat observations and free-text actions.

The built-in ``Text`` space admits only a fixed character set; model output is any text
(or an OpenAI assistant message), so these spaces contain exactly that. A ``JSONList`` that
knows the largest value it will hold (``max_bytes``) also lives in shared memory, so
``AsyncVectorEnv``'s default ``shared_memory=True`` works.
"""

from __future__ import annotations

import json
import multiprocessing
import string
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
from gymnasium.error import CustomSpaceError
from gymnasium.spaces import Space
from gymnasium.vector.utils import create_shared_memory, read_from_shared_memory, write_to_shared_memory

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


def encode_json(value: Any) -> bytes:
    """How a JSONList value is laid out in shared memory (ASCII JSON: surrogates stay escaped)."""
    return json.dumps(value, separators=(",", ":")).encode("ascii")


class JSONList(Space[list]):
    """A list of JSON objects (chat messages or tool schemas), each with ``required_key``.

    ``max_bytes``: the size of the largest value, encoded (``encode_json``); set by the env from
    its pivots, it sizes the shared-memory slot of each sub-env of an ``AsyncVectorEnv``."""

    def __init__(self, required_key: str, seed: int | None = None, max_bytes: int | None = None) -> None:
        super().__init__(shape=None, dtype=None, seed=seed)
        self.required_key = required_key
        self.max_bytes = max_bytes

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
        return f"JSONList({self.required_key!r}, max_bytes={self.max_bytes})"

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, JSONList) and other.required_key == self.required_key
                and other.max_bytes == self.max_bytes)


_LENGTH = 8  # bytes of the length prefix of a shared-memory slot


class SharedJSONLists:
    """The sub-envs' current values of one JSONList in shared memory, read when indexed (a live
    view, like gymnasium's numpy views); a deep copy is a tuple of plain lists."""

    def __init__(self, buffer: Any, n: int, slot: int) -> None:
        self._buffer = buffer
        self._n = n
        self._slot = slot

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, index: int) -> list:
        if not -self._n <= index < self._n:
            raise IndexError(index)
        start = (index % self._n) * self._slot
        view = memoryview(self._buffer).cast("B")
        length = int.from_bytes(view[start:start + _LENGTH], "little")
        if length == 0:
            return []
        return json.loads(bytes(view[start + _LENGTH:start + _LENGTH + length]))

    def __iter__(self) -> Iterator[list]:
        return (self[i] for i in range(self._n))

    def __deepcopy__(self, memo: dict[int, Any]) -> tuple[list, ...]:
        return tuple(self)

    def __repr__(self) -> str:
        return f"SharedJSONLists({list(self)!r})"


@create_shared_memory.register(JSONList)
def _create_json_list_memory(space: JSONList, n: int = 1, ctx: Any = multiprocessing) -> Any:
    if space.max_bytes is None:
        raise CustomSpaceError("a JSONList without max_bytes cannot live in shared memory")
    return ctx.RawArray("B", n * (space.max_bytes + _LENGTH))


@read_from_shared_memory.register(JSONList)
def _read_json_list_memory(space: JSONList, shared_memory: Any, n: int = 1) -> SharedJSONLists:
    assert space.max_bytes is not None
    return SharedJSONLists(shared_memory, n, space.max_bytes + _LENGTH)


@write_to_shared_memory.register(JSONList)
def _write_json_list_memory(space: JSONList, index: int, value: Any, shared_memory: Any) -> None:
    assert space.max_bytes is not None
    data = encode_json(value)
    if len(data) > space.max_bytes:
        raise ValueError(f"an observation of {len(data)} bytes does not fit the space's max_bytes={space.max_bytes}")
    start = index * (space.max_bytes + _LENGTH)
    view = memoryview(shared_memory).cast("B")
    view[start + _LENGTH:start + _LENGTH + len(data)] = data
    view[start:start + _LENGTH] = len(data).to_bytes(_LENGTH, "little")
