"""Webhook receiving: deliveries per second through `Webhooks.wsgi()` under
wsgiref on loopback (one keep-alive-less client thread, a 6 KiB issues.opened
payload, one handler), and the CPU cost of checking one delivery's signature.

    .venv/bin/python -m bench.webhooks [--seconds 5]
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import threading
import time
import timeit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import octo

SECRET = "bench secret"
PAYLOAD = {"action": "opened", "issue": {"number": 7, "title": "t", "body": "x" * 6000},
           "repository": {"name": "r", "owner": {"login": "o"}}, "installation": {"id": 42}}


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def deliveries_per_second(seconds: float) -> tuple[float, int]:
    wh = octo.Webhooks(SECRET)
    wh.on("issues.opened")(lambda event: None)
    server = make_server("127.0.0.1", 0, wh.wsgi(), server_class=WSGIServer, handler_class=_Quiet)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
    body = json.dumps(PAYLOAD).encode()
    headers = {"X-GitHub-Event": "issues", "Content-Type": "application/json",
               "X-Hub-Signature-256": octo.webhooks.signature(SECRET, body)}
    sent, started = 0, time.perf_counter()
    try:
        while time.perf_counter() - started < seconds:
            connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
            connection.request("POST", "/", body, {**headers, "X-GitHub-Delivery": str(sent)})
            answer = connection.getresponse()
            answer.read()
            assert answer.status == 200, answer.status
            connection.close()
            sent += 1
    finally:
        server.shutdown()
        server.server_close()
    return sent / (time.perf_counter() - started), len(body)


def verify_cost(size: int, secrets: int) -> float:
    """Seconds of CPU to check one delivery of `size` bytes against `secrets` secrets."""
    body = b"x" * size
    keys = [f"secret {i}" for i in range(secrets)]
    signature = octo.webhooks.signature(keys[-1], body)
    runs = 20000 if size < 100_000 else 200
    return min(timeit.repeat(lambda: [octo.webhooks.verify(k, body, signature) for k in keys],
                             number=runs, repeat=5, timer=time.process_time)) / runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.webhooks", description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args(argv)
    rate, size = deliveries_per_second(args.seconds)
    print(f"WSGI adapter under wsgiref, loopback, {size} B payload: {rate:.0f} deliveries/s")
    for n, secrets in ((len(json.dumps(PAYLOAD)), 1), (len(json.dumps(PAYLOAD)), 2), (25 * 2**20, 1)):
        print(f"verify, {n} B body, {secrets} secret(s): {verify_cost(n, secrets) * 1e6:.1f} µs CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
