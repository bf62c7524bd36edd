"""A scripted HTTP server on loopback for tests.

It answers from a queue of scripted replies (or a default handler), and
records every request that arrived. A reply can also reset the connection,
cut its body short or stall, to test how the client behaves under faults.

    with ScriptedServer() as server:
        server.queue(Reply(502), Reply(200, json={"ok": True}))
        ...
        assert [r.method for r in server.requests] == ["GET", "GET"]
"""

from __future__ import annotations

import json as jsonlib
import socket
import ssl
import struct
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Recorded:
    method: str
    path: str  # raw path as sent, still percent-encoded, with the query
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def route(self) -> str:
        return urlsplit(self.path).path

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.path).query, keep_blank_values=True)

    def json(self) -> Any:
        return jsonlib.loads(self.body)


@dataclass
class Reply:
    status: int = 200
    json: Any = None
    body: bytes | str | None = None
    headers: dict[str, str | None] = field(default_factory=dict)  # None: leave that header out
    # Faults: "reset" closes the connection without answering; "truncate"
    # announces the full length but sends half the body; "stall" waits
    # `delay` seconds before answering.
    fault: str | None = None
    delay: float = 0.0
    # A body sent piece by piece instead of `body` (a large download that is
    # never held in memory); `length` is its size.
    stream: Iterable[bytes] | None = None
    length: int = 0

    def payload(self) -> bytes:
        if self.json is not None:
            return jsonlib.dumps(self.json).encode()
        if isinstance(self.body, str):
            return self.body.encode()
        return self.body or b""


Handler = Callable[[Recorded], Reply]


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64  # many threads connecting at once are not made to retry SYNs

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up first (a timeout test) is expected, not news.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class ScriptedServer:
    """`port` 0 picks a free one; `tls` (a server-side SSLContext) serves https."""

    def __init__(self, handler: Handler | None = None, *, port: int = 0,
                 tls: ssl.SSLContext | None = None) -> None:
        self.requests: list[Recorded] = []
        self.connections = 0  # TCP connections accepted
        self._replies: deque[Reply] = deque()
        self.handler = handler or (lambda request: Reply(200, json={}))
        self._lock = threading.Lock()
        server = self
        self._httpd = _HTTPServer(("127.0.0.1", port), _make_handler(server))
        self.scheme = "http"
        if tls is not None:
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True)
            self.scheme = "https"
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"{self.scheme}://{host}:{port}"

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def queue(self, *replies: Reply) -> None:
        with self._lock:
            self._replies.extend(replies)

    def next_reply(self, request: Recorded) -> Reply:
        with self._lock:
            self.requests.append(request)
            if self._replies:
                return self._replies.popleft()
        return self.handler(request)

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def _make_handler(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # else small writes wait ~40 ms on delayed ACKs

        def setup(self) -> None:
            super().setup()
            with server._lock:
                server.connections += 1

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _handle(self) -> None:
            if self.headers.get("transfer-encoding", "").lower() == "chunked":
                body = self._read_chunked()
            else:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
            request = Recorded(
                method=self.command,
                path=self.path,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
            )
            reply = server.next_reply(request)
            if reply.delay:
                time.sleep(reply.delay)
            if reply.fault == "reset":
                # SO_LINGER 0: close sends RST instead of FIN.
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
                self.close_connection = True
                self.connection.close()
                return
            payload = reply.payload()
            self.send_response_only(reply.status)
            headers = {k.lower(): v for k, v in reply.headers.items()}
            # A scripted Date replaces the real one (clock-skew tests need that).
            headers.setdefault("date", self.date_time_string())
            if "content-type" not in headers and payload:
                headers["content-type"] = (
                    "application/json; charset=utf-8" if reply.json is not None else "text/plain"
                )
            for name, value in headers.items():
                if value is not None:
                    self.send_header(name, value)
            size = reply.length if reply.stream is not None else len(payload)
            self.send_header("content-length", str(size))
            self.end_headers()
            if reply.fault == "truncate":
                self.wfile.write(payload[: len(payload) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            if self.command != "HEAD":
                for piece in reply.stream if reply.stream is not None else (payload,):
                    self.wfile.write(piece)

        def _read_chunked(self) -> bytes:
            # A body of unknown length (an upload from a pipe) comes chunked.
            pieces = []
            while size := int(self.rfile.readline().split(b";")[0], 16):
                pieces.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass  # trailers
            return b"".join(pieces)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle

    return Handler
