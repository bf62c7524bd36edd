"""A forward HTTP proxy on loopback for tests: it takes absolute-form
requests (`GET http://host:port/path HTTP/1.1`), records their URLs and
relays them to the origin, or tunnels to it for https (`CONNECT`), so a
test can tell which requests went through a proxy and which went straight
to the server.

    with ForwardProxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        ...
        assert proxy.urls == ["http://localhost:1234/blob?..."]
"""

from __future__ import annotations

import http.client
import select
import socket
import threading
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlsplit

from server import _HTTPServer  # quiet about clients that hang up

# Hop-by-hop headers (RFC 9110 7.6.1) are the proxy's own; the length is recomputed.
_HOP = frozenset({"connection", "keep-alive", "proxy-authorization", "proxy-connection",
                  "te", "trailer", "transfer-encoding", "upgrade", "content-length"})


class ForwardProxy:
    def __init__(self) -> None:
        self.urls: list[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _relay(self) -> None:
                proxy.urls.append(self.path)
                target = urlsplit(self.path)
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
                upstream = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=5)
                try:
                    upstream.request(self.command, target.path + (f"?{target.query}" if target.query else ""),
                                     body=body or None, headers=headers)
                    answer = upstream.getresponse()
                    payload = answer.read()
                    self.send_response_only(answer.status, answer.reason)
                    for name, value in answer.getheaders():
                        if name.lower() not in _HOP:
                            self.send_header(name, value)
                    self.send_header("content-length", str(len(payload)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(payload)
                finally:
                    upstream.close()

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _relay

            def do_CONNECT(self) -> None:
                # https: a tunnel to the origin, bytes copied both ways until one side closes.
                proxy.urls.append(f"CONNECT {self.path}")
                host, _, port = self.path.rpartition(":")
                with socket.create_connection((host, int(port)), timeout=5) as upstream:
                    self.send_response_only(200, "Connection established")
                    self.end_headers()
                    self.wfile.flush()
                    sides = [self.connection, upstream]
                    while True:
                        readable, _, _ = select.select(sides, [], [], 5)
                        if not readable:
                            break
                        for side in readable:
                            data = side.recv(65536)
                            if not data:
                                self.close_connection = True
                                return
                            (upstream if side is self.connection else self.connection).sendall(data)

        self._httpd = _HTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def __enter__(self) -> ForwardProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
