"""A real TCP server on loopback that answers OpenAI-style chat requests with one fault each:
trickled bytes, a hang after the headers, a slow first byte, 5xx, invalid JSON, HTML, a reset,
a body cut short, no choices, a garbage status line... Raw sockets, so every fault is real."""

from __future__ import annotations

import contextlib
import json
import socket
import socketserver
import struct
import threading
import time
from collections.abc import Callable

YES = {"id": "c1", "object": "chat.completion", "created": 0, "model": "faulty",
       "choices": [{"index": 0, "finish_reason": "stop",
                    "message": {"role": "assistant", "content": '{"equivalent": true, "reason": "same"}'}}],
       "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}


def _response(status: str, body: bytes, content_type: str = "application/json", extra: str = "") -> bytes:
    return (f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n{extra}"
            "Connection: close\r\n\r\n").encode() + body


def _ok() -> bytes:
    return _response("200 OK", json.dumps(YES).encode())


Fault = Callable[[socket.socket, threading.Event], None]


def _send(data: bytes) -> Fault:
    def fault(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(data)
    return fault


def _trickle(conn: socket.socket, stop: threading.Event) -> None:
    data = _ok()
    head, body = data.split(b"\r\n\r\n", 1)
    conn.sendall(head + b"\r\n\r\n")
    for byte in body:
        if stop.wait(0.3):
            return
        conn.sendall(bytes([byte]))


def _hang_after_headers(conn: socket.socket, stop: threading.Event) -> None:
    conn.sendall(_ok().split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n")
    stop.wait(120)


def _slow_first_byte(conn: socket.socket, stop: threading.Event) -> None:
    if not stop.wait(30):
        conn.sendall(_ok())


def _reset(conn: socket.socket, stop: threading.Event) -> None:
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close with RST


def _cut_body(conn: socket.socket, stop: threading.Event) -> None:
    data = _ok()
    conn.sendall(data[: len(data) - 40])


FAULTS: dict[str, Fault] = {
    "trickle": _trickle,
    "hang after headers": _hang_after_headers,
    "slow first byte": _slow_first_byte,
    "500": _send(_response("500 Internal Server Error", b'{"error": {"message": "boom"}}')),
    "503 HTML": _send(_response("503 Service Unavailable", b"<html>down</html>", "text/html")),
    "invalid JSON": _send(_response("200 OK", b'{"choices": [{"message": ')),
    "HTML with 200": _send(_response("200 OK", b"<html><body>proxy login</body></html>", "text/html")),
    "connection reset": _reset,
    "body cut short": _cut_body,
    "no choices": _send(_response("200 OK", json.dumps({**YES, "choices": []}).encode())),
    "not a completion": _send(_response("200 OK", b'"just a string"')),
    "garbage status line": _send(b"HELLO WORLD\r\n\r\n"),
    "404 unknown model": _send(_response("404 Not Found", b'{"error": {"message": "model faulty not found"}}')),
}


class FaultyServer:
    """Serves ``fault`` to every chat request (``GET /models`` is answered normally, so a
    verifier can be built). ``faults`` may be a list: one per request, then the last repeats."""

    def __init__(self, *faults: str) -> None:
        self.faults = list(faults)
        self.requests: list[bytes] = []
        self.stop = threading.Event()
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                conn: socket.socket = self.request
                conn.settimeout(10)
                data = b""
                with contextlib.suppress(OSError):
                    while b"\r\n\r\n" not in data:
                        chunk = conn.recv(65536)
                        if not chunk:
                            return
                        data += chunk
                    head, body = data.split(b"\r\n\r\n", 1)
                    length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                                   if line.lower().startswith(b"content-length:")), 0)
                    while len(body) < length:
                        body += conn.recv(65536)
                    if head.startswith(b"GET"):
                        conn.sendall(_response("200 OK", b'{"object": "list", "data": [{"id": "faulty"}]}'))
                        return
                    outer.requests.append(body)
                    index = min(len(outer.requests) - 1, len(outer.faults) - 1)
                    name = outer.faults[index]
                    (FAULTS[name] if name != "ok" else _send(_ok()))(conn, outer.stop)

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> FaultyServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self._server.shutdown()
        self._server.server_close()
        time.sleep(0.05)
