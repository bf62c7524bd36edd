"""A loopback server that answers with raw bytes, for answers no HTTP
server library would send: a header block cut off by the connection's end,
headers or a body dripped a few bytes at a time.

    with RawServer(Raw(b"HTTP/1.1 200 OK\\r\\nX-A: b\\r\\n")) as server:
        ...
        assert server.methods == ["GET", "GET"]

Each connection gets the next scripted `Raw` (the last one repeats), then
the server closes it (FIN). Every connection ends within `limit` seconds,
dripping or not, and the server stops on exit.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass


@dataclass
class Raw:
    head: bytes  # status line and header lines, with or without the blank line
    body: bytes = b""
    drip: int = 0  # > 0: send this many bytes at a time, `every` seconds apart
    every: float = 0.05
    drip_head: bool = False  # drip the head too, not only the body


class RawServer:
    def __init__(self, *answers: Raw, limit: float = 3.0) -> None:
        self._answers = list(answers)
        self.limit = limit
        self.methods: list[str] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._socket.settimeout(0.05)
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._socket.getsockname()[1]}"

    def __enter__(self) -> RawServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)
        self._socket.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        ends = time.monotonic() + self.limit
        connection.settimeout(self.limit)
        try:
            with connection:
                method = self._read_request(connection)
                with self._lock:
                    self.methods.append(method)
                    answer = self._answers[min(len(self.methods), len(self._answers)) - 1]
                if not answer.drip:
                    connection.sendall(answer.head + answer.body)
                    return
                if not answer.drip_head:
                    connection.sendall(answer.head)
                rest = answer.head + answer.body if answer.drip_head else answer.body
                for start in range(0, len(rest), answer.drip):
                    if time.monotonic() > ends or self._stop.is_set():
                        return
                    connection.sendall(rest[start:start + answer.drip])
                    time.sleep(answer.every)
        except OSError:
            pass  # the client gave up first: what a drip test expects

    @staticmethod
    def _read_request(connection: socket.socket) -> str:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = connection.recv(65536)
            if not chunk:
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(body) < length:
            chunk = connection.recv(65536)
            if not chunk:
                break
            body += chunk
        return head.split(b" ", 1)[0].decode()
