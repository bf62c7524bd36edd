"""The webhooks section of `python -m bench`: deliveries per second through
`Webhooks.wsgi()` under wsgiref on loopback (one client, a new connection per
delivery as GitHub makes, a 6 KiB issues.opened payload, one handler), and the
CPU time of checking one delivery's signature.

    .venv/bin/python -m bench.webhooks [--seconds 5]   # the figures alone, printed
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import threading
import time
import timeit
from collections.abc import Iterator
from contextlib import contextmanager
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import octo

SECRET = "bench secret"
PAYLOAD = {"action": "opened", "issue": {"number": 7, "title": "t", "body": "x" * 6000},
           "repository": {"name": "r", "owner": {"login": "o"}}, "installation": {"id": 42}}


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serving() -> Iterator[int]:
    """A router with one issues.opened handler under wsgiref; yields its port."""
    wh = octo.Webhooks(SECRET)
    wh.on("issues.opened")(lambda event: None)
    server = make_server("127.0.0.1", 0, wh.wsgi(), server_class=WSGIServer, handler_class=_Quiet)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()


def deliveries_per_second(port: int, seconds: float, first: int = 0) -> float:
    """Deliveries answered per second for `seconds`; ids count from `first`, so none is a duplicate."""
    body = json.dumps(PAYLOAD).encode()
    headers = {"X-GitHub-Event": "issues", "Content-Type": "application/json",
               "X-Hub-Signature-256": octo.webhooks.signature(SECRET, body)}
    sent, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("POST", "/", body, {**headers, "X-GitHub-Delivery": str(first + sent)})
        answer = connection.getresponse()
        answer.read()
        assert answer.status == 200, answer.status
        connection.close()
        sent += 1
    return sent / (time.perf_counter() - started)


def verify_cost(size: int, secrets: int) -> float:
    """Seconds of CPU to check one delivery of `size` bytes against `secrets` secrets."""
    body = b"x" * size
    keys = [f"secret {i}" for i in range(secrets)]
    signature = octo.webhooks.signature(keys[-1], body)
    runs = 2000 if size < 100_000 else 3
    return min(timeit.repeat(lambda: [octo.webhooks.verify(k, body, signature) for k in keys],
                             number=runs, repeat=5, timer=time.process_time)) / runs


SIZES = ((len(json.dumps(PAYLOAD)), 1), (len(json.dumps(PAYLOAD)), 2), (25 * 2**20, 1))


def measure(rounds: int, round_seconds: float) -> dict[str, object]:
    """Samples for benchmarks.json: the rate of each round, and each verify cost."""
    with serving() as port:
        rates = [deliveries_per_second(port, round_seconds, first=n * 1_000_000) for n in range(rounds)]
    return {"payload_bytes": len(json.dumps(PAYLOAD)), "wsgi_deliveries_per_second": rates,
            "verify": [{"bytes": n, "secrets": k, "seconds": verify_cost(n, k)} for n, k in SIZES]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.webhooks", description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args(argv)
    with serving() as port:
        rate = deliveries_per_second(port, args.seconds)
    print(f"WSGI adapter under wsgiref, loopback, {len(json.dumps(PAYLOAD))} B payload: {rate:.0f} deliveries/s")
    for n, secrets in SIZES:
        print(f"verify, {n} B body, {secrets} secret(s): {verify_cost(n, secrets) * 1e6:.1f} µs CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
