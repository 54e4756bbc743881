"""The host side of the agent protocol: newline-delimited JSON over a byte stream, with a
per-request nonce and a hard deadline so a wedged sandbox can never hang the caller."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from typing import Any

from pivotrl.errors import SandboxError

MAX_RESPONSE_BYTES = 256 * 1024 * 1024


class AgentChannel:
    """``write(bytes)`` sends; ``read(max_bytes, timeout) -> bytes`` returns b"" on EOF and
    raises TimeoutError when nothing arrives in time."""

    def __init__(self, write: Callable[[bytes], None], read: Callable[[int, float], bytes]) -> None:
        self._write = write
        self._read = read
        self._buffer = bytearray()

    def call(self, request: dict[str, Any], timeout: float) -> dict[str, Any]:
        nonce = secrets.token_hex(16)
        payload = json.dumps({**request, "id": nonce}).encode() + b"\n"
        try:
            self._write(payload)
        except OSError as exc:
            raise SandboxError(f"sandbox agent is gone (write failed: {exc})") from None
        line = self._read_line(time.monotonic() + timeout)
        try:
            response = json.loads(line)
        except ValueError:
            raise SandboxError(f"sandbox agent sent a malformed response: {line[:200]!r}") from None
        if not isinstance(response, dict) or response.get("id") != nonce:
            raise SandboxError("sandbox agent response does not answer this request (nonce mismatch)")
        if not response.get("ok"):
            raise SandboxError(f"sandbox agent failed: {response.get('error')}")
        return response

    def _read_line(self, deadline: float) -> bytes:
        while True:
            newline = self._buffer.find(b"\n")
            if newline >= 0:
                line = bytes(self._buffer[:newline])
                del self._buffer[: newline + 1]
                return line
            if len(self._buffer) > MAX_RESPONSE_BYTES:
                raise SandboxError("sandbox agent response is too large")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SandboxError("sandbox agent did not answer in time")
            try:
                chunk = self._read(1 << 20, remaining)
            except TimeoutError:
                raise SandboxError("sandbox agent did not answer in time") from None
            except OSError as exc:
                raise SandboxError(f"sandbox agent is gone (read failed: {exc})") from None
            if not chunk:
                raise SandboxError("sandbox agent exited")
            self._buffer.extend(chunk)
