"""What a long-running process keeps: the ETag cache stays within its
`max_bytes` counting what its entries really cost, and route strings passed
to `request()` are not kept one per distinct URL. Measured with tracemalloc."""

from __future__ import annotations

import gc
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator

import pytest
from conftest import ROOT, SENTINEL
from server import Recorded, Reply, ScriptedServer

import octo
from octo.core.cache import CachedAnswer
from octo.drivers.per_origin import MAX_ORIGINS, PerOrigin

# The headers api.github.com sends with a small JSON answer (about 1.3 KB).
GITHUB_HEADERS = {
    "Cache-Control": "private, max-age=60, s-maxage=60",
    "Vary": "Accept, Authorization, Cookie, X-GitHub-OTP,Accept-Encoding, Accept, X-Requested-With",
    "Last-Modified": "Tue, 14 Jan 2025 09:21:42 GMT",
    "X-OAuth-Scopes": "repo, workflow",
    "X-Accepted-OAuth-Scopes": "repo",
    "github-authentication-token-expiration": "2026-01-01 00:00:00 UTC",
    "X-GitHub-Media-Type": "github.v3; format=json",
    "x-github-api-version-selected": "2022-11-28",
    "X-RateLimit-Limit": "5000",
    "X-RateLimit-Remaining": "4987",
    "X-RateLimit-Reset": "1800003600",
    "X-RateLimit-Used": "13",
    "X-RateLimit-Resource": "core",
    "Access-Control-Expose-Headers": (
        "ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, "
        "X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, "
        "X-Poll-Interval, X-GitHub-Media-Type, X-GitHub-SSO, X-GitHub-Request-Id, Deprecation, Sunset"),
    "Access-Control-Allow-Origin": "*",
    "Strict-Transport-Security": "max-age=31536000; includeSubdomains; preload",
    "X-Frame-Options": "deny",
    "X-Content-Type-Options": "nosniff",
    "X-XSS-Protection": "0",
    "Referrer-Policy": "origin-when-cross-origin, strict-origin-when-cross-origin",
    "Content-Security-Policy": "default-src 'none'",
    "Server": "github.com",
}


class Traced:
    """Bytes allocated since `start()` and still alive (after a GC)."""

    def start(self) -> None:
        tracemalloc.start()
        gc.collect()
        self._start = tracemalloc.get_traced_memory()[0]

    def __call__(self) -> int:
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - self._start


@pytest.fixture
def traced() -> Iterator[Traced]:
    meter = Traced()
    yield meter
    tracemalloc.stop()


def small_answers(request: Recorded) -> Reply:
    page = request.query.get("page", ["0"])[0]
    return Reply(200, json={"page": page}, headers={
        **GITHUB_HEADERS, "ETag": f'W/"{page:0>40}"', "X-GitHub-Request-Id": f"C0DE:{page}:1234567:89ABCDE"})


def test_the_cache_counts_headers_and_keys_against_max_bytes(
    server: ScriptedServer, traced: Traced
) -> None:
    server.handler = small_answers
    max_bytes = 64 << 10
    store = octo.MemoryCache(max_bytes=max_bytes)
    gh = octo.Octo(SENTINEL, base_url=server.url, cache=store)
    traced.start()
    for page in range(100):  # 100 answers of about 5 KB each in memory: seven times the bound
        gh.request("GET /repos/{owner}/{repo}/issues", path={"owner": "o", "repo": "r"}, query={"page": page})
    assert server.requests[-1].headers.get("if-none-match") is None
    gh.request("GET /repos/{owner}/{repo}/issues", path={"owner": "o", "repo": "r"}, query={"page": 99})
    assert server.requests[-1].headers["if-none-match"] == f'W/"{99:0>40}"'  # still a cache
    assert len(store) >= 10
    server.requests.clear()
    with_cache = traced()
    gh.close()
    del gh, store
    kept = with_cache - traced()  # what the client and its cache held
    assert kept < 1.5 * max_bytes, f"{kept} bytes kept for a {max_bytes}-byte cache"


def test_thousands_of_small_answers_stay_within_max_bytes(traced: Traced) -> None:
    max_bytes = 1 << 20
    store = octo.MemoryCache(max_bytes=max_bytes)
    traced.start()
    for n in range(3000):  # about 14 MB of entries
        # Fresh strings, as each answer the client reads brings its own.
        headers = {name.encode().decode(): f"{value}{n}" for name, value in GITHUB_HEADERS.items()}
        store[f"{n:064x}"] = CachedAnswer(f'W/"{n:040x}"', headers, b'{"id": %d}' % n)
    kept = traced()
    assert kept < 1.25 * max_bytes, f"{kept} bytes kept for a {max_bytes}-byte cache"
    assert kept > 0.5 * max_bytes  # and it does use what it is given
    assert store.get(f"{2999:064x}") is not None and store.get(f"{0:064x}") is None


@pytest.fixture
def github_like() -> Iterator[str]:
    """bench/server.py (GitHub's headers, `Link` pages) in a process of its
    own, so that its memory is not counted as the client's."""
    process = subprocess.Popen([sys.executable, "-m", "bench.server", "--items", "2000", "--max-seconds", "60"],
                               cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdin is not None
    try:
        yield process.stdout.readline().strip()
    finally:
        process.stdin.close()  # the server stops when its stdin closes
        process.wait(10)


def test_next_page_urls_are_not_kept(github_like: str, traced: Traced) -> None:
    gh = octo.Octo(SENTINEL, base_url=github_like)

    def pages(numbers: range) -> None:  # what next links look like
        for page in numbers:
            answer = gh.request(f"GET {github_like}/repos/o/r/issues?per_page=1&page={page}")
            assert answer.data[0]["number"] == page

    traced.start()
    # Fills the bounded caches on the way (urllib's of parsed URLs holds 128); page numbers of
    # one length throughout, so that a full cache's new keys are no longer than its old ones.
    # Long enough for each such cache to rebuild its table once (urllib's does every ~213 new
    # URLs): a table built before tracing began is not counted when it is freed, so its first
    # rebuild counts in full, 9 KB, and must not fall among the calls measured.
    pages(range(1000, 1400))
    before = traced()
    pages(range(1400, 1550))
    kept = traced() - before
    assert kept < 8 << 10, f"{kept} bytes kept for 150 calls"


@pytest.mark.parametrize(("route", "arguments", "refusal"), [
    ("GET {url}/repositories?since={n}", {"timeout": 0}, "timeout must be"),
    ("GET /repos/o/r/issues/{n}", {"timeout": 0}, "timeout must be"),
    ("GET /things{n}/{{id}}", {}, "missing path parameter"),
])
def test_route_strings_are_kept_only_up_to_a_bound(
    server: ScriptedServer, client: octo.Octo, traced: Traced,
    route: str, arguments: dict[str, object], refusal: str,
) -> None:
    refused = []
    traced.start()
    for n in range(6000):
        try:  # refused before any I/O, once the route string has been read
            client.request(route.format(url=server.url, n=n), **arguments)  # type: ignore[arg-type]
        except (TypeError, ValueError) as exc:
            refused.append(refusal in str(exc))
    kept = traced()
    assert refused == [True] * 6000 and server.requests == []
    assert kept < 1 << 20, f"{kept} bytes kept for 6,000 route strings"


def test_connection_settings_are_read_once_per_origin_for_at_most_64_origins() -> None:
    reads: list[str] = []
    settings = PerOrigin(lambda url: reads.append(url) or len(reads))
    assert settings("https://a.test/x") == settings("https://a.test/y?z") == settings("https://a.test") == 1
    assert settings("https://a.test:8443/x") == 2  # another port: another origin
    for i in range(MAX_ORIGINS - 2):
        settings(f"https://h{i}.test/")
    assert len(reads) == MAX_ORIGINS == 64
    settings("https://a.test/again")
    assert len(reads) == 64  # still known
    settings("https://new.test/")  # the 65th origin: the kept ones are dropped
    settings("https://a.test/x")
    assert reads[64:] == ["https://new.test/", "https://a.test/x"]
