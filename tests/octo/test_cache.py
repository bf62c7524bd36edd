"""The opt-in ETag cache: conditional requests answered 304 are served from
the cache, per credential and per representation."""

from __future__ import annotations

import gzip
import pickle

import pytest
from conftest import SENTINEL
from server import Recorded, Reply, ScriptedServer

import octo

OTHER = "octo_test_other_token_fedcba9876543210"


def etag_server(request: Recorded) -> Reply:
    """One representation per credential and Accept, each with its own ETag."""
    who = request.headers.get("authorization", "anonymous")[-4:]
    etag = f'W/"{who}-{request.headers["accept"][-4:]}"'
    if request.headers.get("if-none-match") == etag:
        return Reply(304, headers={"ETag": etag, "X-RateLimit-Remaining": "4999"})
    return Reply(200, json={"who": who, "full_name": request.route.removeprefix("/repos/")},
                 headers={"ETag": etag, "X-RateLimit-Remaining": "4998"})


def test_a_304_is_served_from_the_cache(server: ScriptedServer) -> None:
    server.handler = etag_server
    gh = octo.Octo(SENTINEL, base_url=server.url, cache=True)
    first = gh.repos.get("o", "r")
    first.data["full_name"] = "changed by the caller"
    second = gh.repos.get("o", "r")
    assert "if-none-match" not in server.requests[0].headers
    assert server.requests[1].headers["if-none-match"] == 'W/"cdef-json"'
    assert second.status == 200
    assert second.data == {"who": "cdef", "full_name": "o/r"}  # a fresh copy of the body
    assert second.headers["x-ratelimit-remaining"] == "4999"  # the 304's own headers win


def test_not_shared_between_tokens(server: ScriptedServer) -> None:
    server.handler = etag_server
    store = octo.MemoryCache()
    a = octo.Octo(SENTINEL, base_url=server.url, cache=store)
    b = octo.Octo(OTHER, base_url=server.url, cache=store)
    assert a.repos.get("o", "r").data["who"] == "cdef"
    assert b.repos.get("o", "r").data["who"] == "3210"
    assert "if-none-match" not in server.requests[1].headers
    assert b.repos.get("o", "r").data["who"] == "3210"
    assert a.repos.get("o", "r").data["who"] == "cdef"
    assert [r.headers.get("if-none-match") for r in server.requests[2:]] == \
        ['W/"3210-json"', 'W/"cdef-json"']
    assert len(store) == 2
    assert SENTINEL.encode() not in pickle.dumps(dict(store._entries))


def test_accept_is_part_of_the_key(server: ScriptedServer) -> None:
    server.handler = etag_server
    gh = octo.Octo(SENTINEL, base_url=server.url, cache=True)
    gh.repos.get("o", "r")
    gh.request("GET /repos/{owner}/{repo}", path={"owner": "o", "repo": "r"},
               headers={"Accept": "application/vnd.github.full+json"})
    assert "if-none-match" not in server.requests[1].headers


def test_the_url_is_part_of_the_key(server: ScriptedServer) -> None:
    # ETags are per resource; this server gives every repository the same one,
    # so only the key keeps one repository's body from being served for another.
    server.handler = etag_server
    gh = octo.Octo(SENTINEL, base_url=server.url, cache=True)
    gh.repos.get("o", "r")
    other = gh.request("GET /repos/{owner}/{repo}", path={"owner": "o", "repo": "other"})
    assert "if-none-match" not in server.requests[1].headers
    assert other.data == {"who": "cdef", "full_name": "o/other"}


def test_the_api_version_is_part_of_the_key(server: ScriptedServer) -> None:
    server.handler = etag_server
    gh = octo.Octo(SENTINEL, base_url=server.url, cache=True)
    gh.repos.get("o", "r")
    gh.request("GET /repos/{owner}/{repo}", path={"owner": "o", "repo": "r"},
               headers={"X-GitHub-Api-Version": "2026-03-10"})
    assert "if-none-match" not in server.requests[1].headers


def test_off_by_default_and_only_for_get(server: ScriptedServer) -> None:
    server.handler = etag_server
    gh = octo.Octo(SENTINEL, base_url=server.url)
    gh.repos.get("o", "r")
    gh.repos.get("o", "r")
    cached = octo.Octo(SENTINEL, base_url=server.url, cache=True)
    cached.repos.replace_all_topics("o", "r", names=["a"])
    cached.repos.replace_all_topics("o", "r", names=["a"])
    assert all("if-none-match" not in r.headers for r in server.requests)


def test_memory_cache_stays_within_its_budget() -> None:
    store = octo.MemoryCache(max_bytes=11_000)  # two 5,000-byte bodies with their keys and headers
    for key in "ab":
        store[key] = octo.core.cache.CachedAnswer('"e"', {}, b"x" * 5000)
    assert store.get("a") is not None  # now "b" is the least recently used
    store["c"] = octo.core.cache.CachedAnswer('"e"', {}, b"x" * 5000)
    store["huge"] = octo.core.cache.CachedAnswer('"e"', {}, b"x" * 11_000)
    assert (store.get("b"), store.get("huge")) == (None, None)
    assert store.get("a") is not None and store.get("c") is not None and len(store) == 2


def test_the_default_budget_is_64_mib(server: ScriptedServer) -> None:
    # A 2 MiB answer (a large tree or file list) is kept by `cache=True` ...
    big = "x" * (2 << 20)
    server.handler = lambda request: (
        Reply(304, headers={"ETag": '"big"'}) if request.headers.get("if-none-match") == '"big"'
        else Reply(200, json={"blob": big}, headers={"ETag": '"big"'}))
    gh = octo.Octo(SENTINEL, base_url=server.url, cache=True)
    gh.repos.get("o", "r")
    assert gh.repos.get("o", "r").data == {"blob": big}
    assert server.requests[1].headers.get("if-none-match") == '"big"'
    # ... and answers adding up to exactly 64 MiB (each counted by `entry_size`) fit:
    # one byte more drops the least recently used.
    store = octo.MemoryCache()
    assert store.max_bytes == 64 << 20
    entry = octo.core.cache.CachedAnswer('"e"', {}, b"x" * (2 << 20))
    size = octo.core.cache.entry_size("00", entry)
    count = (64 << 20) // size
    last = octo.core.cache.CachedAnswer('"e"', {}, b"x" * ((2 << 20) + (64 << 20) - count * size))
    for n in range(count - 1):
        store[f"{n:02}"] = entry
    store["zz"] = last  # the budget exactly: everything kept
    assert store.get("00") is not None and len(store) == count
    store["y"] = octo.core.cache.CachedAnswer('"e"', {}, b"")
    assert store.get("01") is None and store.get("00") is not None and len(store) == count


def test_a_bad_cache_argument_is_refused() -> None:
    with pytest.raises(TypeError, match="cache must be"):
        octo.Octo(cache="yes")  # type: ignore[arg-type]


def test_a_304_to_the_callers_own_if_none_match_is_a_response(server: ScriptedServer) -> None:
    # Polling with a stored ETag, without octo's cache: "not modified" is an answer, not an error.
    server.queue(Reply(304, headers={"ETag": '"v1"', "X-RateLimit-Remaining": "4999"}))
    gh = octo.Octo(SENTINEL, base_url=server.url)
    response = gh.request("GET /repos/{owner}/{repo}", path={"owner": "o", "repo": "r"},
                          headers={"If-None-Match": '"v1"'})
    assert (response.status, response.data, response.headers["etag"]) == (304, None, '"v1"')
    assert server.requests[0].headers["if-none-match"] == '"v1"'


def test_a_changed_resource_replaces_the_cached_answer(server: ScriptedServer) -> None:
    server.queue(Reply(200, json={"v": 1}, headers={"ETag": '"v1"'}),
                 Reply(200, json={"v": 2}, headers={"ETag": '"v2"'}),  # changed: a 200, not a 304
                 Reply(304, headers={"ETag": '"v2"'}))
    gh = octo.Octo(SENTINEL, base_url=server.url, cache=True)
    assert [gh.repos.get("o", "r").data for _ in range(3)] == [{"v": 1}, {"v": 2}, {"v": 2}]
    assert [r.headers.get("if-none-match") for r in server.requests] == [None, '"v1"', '"v2"']


def test_only_a_200_with_an_etag_is_kept(server: ScriptedServer) -> None:
    server.queue(Reply(200, json={"v": 1}),  # no ETag
                 *[Reply(404, json={"message": "Not Found"}, headers={"ETag": '"gone"'})] * 2)
    gh = octo.Octo(SENTINEL, base_url=server.url, cache=True)
    gh.repos.get("o", "r")
    with pytest.raises(octo.NotFoundError):
        gh.repos.get("o", "r")
    with pytest.raises(octo.NotFoundError):
        gh.repos.get("o", "r")
    assert [r.headers.get("if-none-match") for r in server.requests] == [None, None, None]


def test_a_replayed_answer_is_the_stored_one_with_its_url_request_and_charset(server: ScriptedServer) -> None:
    # A diff in ISO-8859-1, stored compressed on the wire: the replay decodes as the original did.
    diff = "+ café\n".encode("iso-8859-1")
    headers = {"ETag": '"d1"', "Content-Type": "text/plain; charset=iso-8859-1", "Content-Encoding": "gzip"}
    server.queue(Reply(200, body=gzip.compress(diff), headers=headers), Reply(304, headers={"ETag": '"d1"'}))
    gh = octo.Octo(SENTINEL, base_url=server.url, cache=True)
    first, second = (gh.pulls.get("o", "r", 7, media_type="diff") for _ in range(2))
    assert server.requests[1].headers["if-none-match"] == '"d1"'
    assert second.data == first.data == "+ café\n"
    assert second.url == first.url == f"{server.url}/repos/o/r/pulls/7"
    assert second.request.method == "GET" and second.request.headers["Authorization"] == "[redacted]"
    # The body is stored decoded: the replay claims neither gzip nor the 304's empty length.
    assert "content-encoding" not in second.headers
    assert second.headers.get("content-length") != "0"


def test_a_callers_own_if_none_match_is_sent_as_is_with_the_cache_on(server: ScriptedServer) -> None:
    server.queue(Reply(200, json={"v": 1}, headers={"ETag": '"v1"'}), Reply(304, headers={"ETag": '"v0"'}))
    gh = octo.Octo(SENTINEL, base_url=server.url, cache=True)
    gh.repos.get("o", "r")
    mine = gh.request("GET /repos/{owner}/{repo}", path={"owner": "o", "repo": "r"},
                      headers={"If-None-Match": '"v0"'})
    assert server.requests[1].headers["if-none-match"] == '"v0"'
    assert (mine.status, mine.data) == (304, None)  # the caller's own "not modified", not the stored body


def test_memory_cache_counts_each_entry_once() -> None:
    five = octo.core.cache.CachedAnswer('"e"', {}, b"12345")
    unit = octo.core.cache.entry_size("a", five)
    store = octo.MemoryCache(max_bytes=2 * unit)
    filling = 2 * unit - octo.core.cache.entry_size("exactly", five) + 5
    store["exactly"] = octo.core.cache.CachedAnswer('"e"', {}, b"x" * filling)
    assert store.get("exactly") is not None  # as large as the budget: kept
    store["a"] = five
    store["a"] = five  # replaced, not counted twice
    store["b"] = five
    assert store.get("a") is not None and store.get("b") is not None and store.get("exactly") is None
    store["c"] = five  # drops "a", the least recently used
    store["d"] = five  # drops "b"
    assert (store.get("a"), store.get("b")) == (None, None) and len(store) == 2
    assert repr(store) == f"<MemoryCache 2 entries, {2 * unit} bytes>"
