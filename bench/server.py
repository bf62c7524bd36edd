"""A small, fast keep-alive HTTP/1.1 server on loopback that answers like GitHub.

Run in its own process, so that its CPU time is never charged to the client
being measured:

    python -m bench.server [--items 10000] [--max-seconds 900]

prints its base URL on the first line of stdout, then serves until stdin is
closed, it is sent SIGTERM, or `--max-seconds` pass.

Routes (any owner/repo):
- `POST /repos/{o}/{r}/dispatches`: 204, no body;
- `GET /repos/{o}/{r}`: 200 and a full repository (bench/fixtures/repo.json,
  an example from GitHub's OpenAPI description) whose URLs point back here;
- `GET /repos/{o}/{r}/issues?per_page=&page=`: one page of `--items` issues
  (bench/fixtures/issue.json), with GitHub's `Link` header;
- anything else: 404 with GitHub's error body.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# The headers GitHub sends with a JSON answer (values trimmed); the client
# parses all of them, so they are part of a realistic per-call cost.
_COMMON = (
    "server: github.com\r\n"
    "cache-control: private, max-age=60, s-maxage=60\r\n"
    "vary: Accept, Authorization, Cookie, X-GitHub-OTP,Accept-Encoding, Accept, X-Requested-With\r\n"
    "x-github-api-version-selected: 2022-11-28\r\n"
    "x-ratelimit-limit: 5000\r\n"
    "x-ratelimit-remaining: 4999\r\n"
    "x-ratelimit-reset: 1893456000\r\n"
    "x-ratelimit-used: 1\r\n"
    "x-ratelimit-resource: core\r\n"
    "access-control-expose-headers: ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit\r\n"
    "access-control-allow-origin: *\r\n"
    "strict-transport-security: max-age=31536000; includeSubdomains; preload\r\n"
    "x-frame-options: deny\r\n"
    "x-content-type-options: nosniff\r\n"
    "x-xss-protection: 0\r\n"
    "referrer-policy: origin-when-cross-origin, strict-origin-when-cross-origin\r\n"
    "content-security-policy: default-src 'none'\r\n"
    "x-github-request-id: C0DE:1234:5678AB:9ABCDE:65A1B2C3\r\n"
)


def _answer(status: str, body: bytes = b"", extra: str = "") -> bytes:
    head = f"HTTP/1.1 {status}\r\n{_COMMON}{extra}"
    if body:
        head += "content-type: application/json; charset=utf-8\r\nx-github-media-type: github.v3; format=json\r\n"
    head += f"content-length: {len(body)}\r\n\r\n"
    return head.encode("latin-1") + body


# GitHub's example issue from its OpenAPI description, cut to the fields the issue
# schema requires (so clients that validate answers accept it), about 1.9 kB.
_ISSUE = (FIXTURES / "issue.json").read_text()


def _issue(n: int, base: str) -> dict[str, object]:
    text = _ISSUE.replace("https://api.github.com", base).replace("/issues/1347", f"/issues/{n}")
    return {**json.loads(text), "id": 1000000 + n, "number": n, "title": f"Issue {n}"}


class Site:
    """Every answer, prepared once: the server does no work per request beyond parsing."""

    def __init__(self, base: str, items: int) -> None:
        self.base = base
        self.items = items
        repo = (FIXTURES / "repo.json").read_text().replace("https://api.github.com", base)
        body = json.dumps(json.loads(repo), separators=(",", ":")).encode()
        self.repo = _answer("200 OK", body, 'etag: W/"7c0b4b2e1bd3c7d2"\r\n')
        self.dispatch = _answer("204 No Content")
        self.not_found = _answer(
            "404 Not Found",
            b'{"message":"Not Found","documentation_url":"https://docs.github.com/rest","status":"404"}',
        )
        self._pages: dict[tuple[str, int, int], bytes] = {}

    def answer(self, method: str, target: str) -> bytes:
        parts = urlsplit(target)
        segments = parts.path.strip("/").split("/")
        if len(segments) >= 3 and segments[0] == "repos":
            rest = segments[3:]
            if method == "POST" and rest == ["dispatches"]:
                return self.dispatch
            if method == "GET" and not rest:
                return self.repo
            if method == "GET" and rest == ["issues"]:
                return self.page(parts.path, parts.query)
        return self.not_found

    def page(self, path: str, query: str) -> bytes:
        params = parse_qs(query)
        per_page = min(int(params.get("per_page", ["30"])[0]), 100)
        page = max(int(params.get("page", ["1"])[0]), 1)
        key = (path, per_page, page)
        cached = self._pages.get(key)
        if cached is None:
            last = max((self.items + per_page - 1) // per_page, 1)
            first_n = (page - 1) * per_page + 1
            numbers = range(first_n, min(first_n + per_page, self.items + 1))
            body = json.dumps([_issue(n, self.base) for n in numbers], separators=(",", ":")).encode()

            def link(p: int, rel: str) -> str:
                return f'<{self.base}{path}?per_page={per_page}&page={p}>; rel="{rel}"'

            rels = []
            if page > 1:
                rels += [link(page - 1, "prev"), link(1, "first")]
            if page < last:
                rels += [link(page + 1, "next"), link(last, "last")]
            extra = f"link: {', '.join(rels)}\r\n" if rels else ""
            cached = self._pages[key] = _answer("200 OK", body, extra)
        return cached


class _Connection(asyncio.Protocol):
    def __init__(self, site: Site, delay: float = 0.0) -> None:
        self.site = site
        self.delay = delay
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            lines = self.buffer[:end].decode("latin-1").split("\r\n")
            length = 0
            close = False
            for line in lines[1:]:
                name, _, value = line.partition(":")
                name = name.strip().lower()
                if name == "content-length":
                    length = int(value)
                elif name == "connection" and value.strip().lower() == "close":
                    close = True
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length :]
            method, target, _ = lines[0].split(" ", 2)
            assert self.transport is not None
            answer = self.site.answer(method, target)
            if self.delay:
                # A slow server (the concurrency figure): the answer leaves after `delay`.
                asyncio.get_running_loop().call_later(self.delay, self._write, answer, close)
            else:
                self._write(answer, close)
            if close:
                return

    def _write(self, answer: bytes, close: bool) -> None:
        assert self.transport is not None
        if self.transport.is_closing():
            return
        self.transport.write(answer)
        if close:
            self.transport.close()


async def _serve(items: int, max_seconds: float, delay: float = 0.0) -> None:
    loop = asyncio.get_running_loop()
    site: Site | None = None
    server = await loop.create_server(lambda: _Connection(site, delay), "127.0.0.1", 0,  # type: ignore[arg-type]
                                      backlog=1024)
    port = server.sockets[0].getsockname()[1]
    site = Site(f"http://127.0.0.1:{port}", items)
    print(site.base, flush=True)

    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    # stdin closing (the parent went away) ends the server too.
    loop.add_reader(sys.stdin.fileno(), lambda: stop.set() if not os.read(sys.stdin.fileno(), 1) else None)
    try:
        await asyncio.wait_for(stop.wait(), max_seconds)
    except TimeoutError:
        pass
    server.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.server")
    parser.add_argument("--items", type=int, default=10_000, help="issues served by the list endpoint")
    parser.add_argument("--max-seconds", type=float, default=900.0, help="stop after this long in any case")
    parser.add_argument("--cpu", type=int, default=None, help="pin the server to this CPU")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each answer leaves")
    args = parser.parse_args(argv)
    if args.cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})
    asyncio.run(_serve(args.items, args.max_seconds, args.delay))


if __name__ == "__main__":
    main()
