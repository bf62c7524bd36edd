"""Real servers on loopback for webhook apps: wsgiref for a WSGI app, uvicorn
for an ASGI one, each in a thread, and a sender of signed deliveries."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import requests

import octo


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _ThreadingWSGIServer(WSGIServer):
    daemon_threads = True


@contextmanager
def wsgi_server(app: Any) -> Iterator[str]:
    """`app` served by wsgiref at the URL yielded."""
    server = make_server("127.0.0.1", 0, app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def asgi_server(app: Any) -> Iterator[str]:
    """`app` served by uvicorn at the URL yielded."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def signed(secret: str, event: str, payload: Any, delivery: str = "d-1",
           extra: dict[str, str] | None = None) -> tuple[dict[str, str], bytes]:
    """Headers and body of a delivery as GitHub sends it."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {"X-GitHub-Event": event, "X-GitHub-Delivery": delivery, "Content-Type": "application/json",
               "User-Agent": "GitHub-Hookshot/123abc", "X-Hub-Signature-256": octo.webhooks.signature(secret, body)}
    return {**headers, **(extra or {})}, body


def post(url: str, headers: dict[str, str], body: bytes) -> requests.Response:
    return requests.post(url, data=body, headers=headers, timeout=10)
