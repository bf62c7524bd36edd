"""`octo.paginate` against loopback servers that page with opaque cursors, so
only following `Link: rel="next"` can reach every item."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest
import requests
from conftest import SENTINEL
from generated import SEARCH, namespace
from requests.adapters import BaseAdapter
from server import Recorded, Reply, ScriptedServer

import octo


def cursor_pages(base: Callable[[], str], total: int, *, wrap: bool = False,
                 next_base: Callable[[], str] | None = None) -> Callable[[Recorded], Reply]:
    """A handler serving items 0..total-1, `per_page` at a time, with a
    cursor GitHub would make up (`after=`) rather than a page number. Past the
    first page, `prev` and `first` come before `next` in the `Link` header,
    as on GitHub's middle pages."""

    def handle(request: Recorded) -> Reply:
        per_page = int(request.query.get("per_page", ["30"])[0])
        start = int(request.query.get("after", ["c0"])[0][1:])
        items = [{"number": n} for n in range(start, min(start + per_page, total))]
        headers = {}
        here = f"{base()}{request.route}?per_page={per_page}"
        links = [f'<{here}&after=c{max(0, start - per_page)}>; rel="prev"', f'<{here}>; rel="first"'] \
            if start else []
        if start + per_page < total:
            where = (next_base or base)()
            links += [f'<{where}{request.route}?per_page={per_page}&after=c{start + per_page}>; rel="next"',
                      f'<{base()}{request.route}?page=999>; rel="last"']
        if links:
            headers["Link"] = ", ".join(links)
        body: Any = items
        if wrap:
            body = {"total_count": total, "incomplete_results": start == 0, "items": items}
        return Reply(200, json=body, headers=headers)

    return handle


@pytest.fixture
def search(client: octo.Octo) -> Any:
    return namespace(client, SEARCH)


def test_250_items_over_3_pages_in_order(server: ScriptedServer, client: octo.Octo) -> None:
    server.handler = cursor_pages(lambda: server.url, 250)
    issues = list(octo.paginate(client.issues.list_for_repo, "octocat", "hello-world", state="all"))
    assert [i["number"] for i in issues] == list(range(250))
    assert [r.query.get("after") for r in server.requests] == [None, ["c100"], ["c200"]]
    first = server.requests[0]
    assert first.route == "/repos/octocat/hello-world/issues"
    assert first.query == {"state": ["all"], "per_page": ["100"]}
    assert all(r.headers["authorization"] == f"Bearer {SENTINEL}" for r in server.requests)


def test_a_relative_next_link_is_resolved_against_the_page_it_came_on(server: ScriptedServer) -> None:
    # On GHES the API sits under /api/v3; a link that is only a path must stay under it.
    def handle(request: Recorded) -> Reply:
        page = int(request.query.get("page", ["1"])[0])
        headers = {"Link": f'</api/v3/repos/o/r/issues?page={page + 1}>; rel="next"'} if page < 3 else {}
        return Reply(200, json=[{"number": page}], headers=headers)

    server.handler = handle
    with octo.Octo(SENTINEL, base_url=server.url + "/api/v3") as gh:
        assert [i["number"] for i in octo.paginate(gh.issues.list_for_repo, "o", "r")] == [1, 2, 3]
    assert [r.path for r in server.requests] == [
        "/api/v3/repos/o/r/issues?per_page=100", "/api/v3/repos/o/r/issues?page=2",
        "/api/v3/repos/o/r/issues?page=3"]


def test_module_level_method_and_caller_per_page(server: ScriptedServer) -> None:
    server.handler = cursor_pages(lambda: server.url, 25)
    octo.configure(SENTINEL, base_url=server.url)
    items = list(octo.paginate(octo.issues.list_for_repo, "o", "r", per_page=10))
    assert len(items) == 25
    assert [r.query["per_page"] for r in server.requests] == [["10"]] * 3


def test_pages_yields_each_response(server: ScriptedServer, client: octo.Octo) -> None:
    server.handler = cursor_pages(lambda: server.url, 250)
    pages = list(octo.paginate.pages(client.issues.list_for_repo, "o", "r"))
    assert [len(p.data) for p in pages] == [100, 100, 50]
    assert all(isinstance(p, octo.Response) and p.status == 200 for p in pages)
    assert pages[1].url.endswith("after=c100")


def test_search_is_unwrapped_with_total_count(server: ScriptedServer, search: Any) -> None:
    server.handler = cursor_pages(lambda: server.url, 150, wrap=True)
    results = octo.paginate(search.issues_and_pull_requests, q="is:open label:bug")
    assert results.total_count == 150  # fetches the first page only
    assert len(server.requests) == 1
    assert [i["number"] for i in results] == list(range(150))
    assert results.incomplete_results is True  # the first page said so
    assert set(results.meta) == {"total_count", "incomplete_results"}
    assert server.requests[0].query == {"q": ["is:open label:bug"], "per_page": ["100"]}


@pytest.mark.parametrize(("max_items", "requests_made"), [(0, 0), (5, 1), (100, 1), (150, 2)])
def test_max_items_stops_without_fetching_more(server: ScriptedServer, client: octo.Octo,
                                               max_items: int, requests_made: int) -> None:
    server.handler = cursor_pages(lambda: server.url, 250)
    items = list(octo.paginate(client.issues.list_for_repo, "o", "r", max_items=max_items))
    assert [i["number"] for i in items] == list(range(max_items))
    assert len(server.requests) == requests_made


def test_next_link_to_another_origin_gets_no_token(server: ScriptedServer,
                                                   client: octo.Octo) -> None:
    with ScriptedServer() as elsewhere:
        server.handler = cursor_pages(lambda: server.url, 15, next_base=lambda: elsewhere.url)
        elsewhere.handler = cursor_pages(lambda: elsewhere.url, 15)
        items = list(octo.paginate(client.issues.list_for_repo, "o", "r", per_page=10))
        assert len(items) == 15
        assert server.requests[0].headers["authorization"] == f"Bearer {SENTINEL}"
        assert len(elsewhere.requests) == 1
        assert "authorization" not in elsewhere.requests[0].headers


class _FakeTransport(BaseAdapter):
    """Answers without a network, recording what would have been sent."""

    def __init__(self, answers: Mapping[str, tuple[Any, dict[str, str]]]) -> None:
        super().__init__()
        self.answers = answers
        self.sent: list[requests.PreparedRequest] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        self.sent.append(request)
        body, headers = self.answers[str(request.url).split("?")[0]]
        answer = requests.Response()
        answer.status_code = 200
        answer.headers = requests.structures.CaseInsensitiveDict(
            {"content-type": "application/json", **headers})
        answer.raw = io.BytesIO(requests.compat.json.dumps(body).encode())
        answer.url = str(request.url)
        answer.request = request
        return answer

    def close(self) -> None:
        pass


@pytest.mark.sync_only("hosts faked by a requests transport adapter; the origin rule is the shared core's")
def test_next_link_to_a_look_alike_host_gets_no_token() -> None:
    # api.github.com.evil.example starts with the base URL's text: only the
    # origin decides.
    evil = "https://api.github.com.evil.example/repos/o/r/issues"
    transport = _FakeTransport({
        "https://api.github.com/repos/o/r/issues": ([1], {"link": f'<{evil}?after=x>; rel="next"'}),
        evil: ([2], {}),
    })
    session = requests.Session()
    session.mount("https://", transport)
    gh = octo.Octo(SENTINEL, session=session)
    assert list(octo.paginate(gh.issues.list_for_repo, "o", "r")) == [1, 2]
    first, second = transport.sent
    assert first.headers["Authorization"] == f"Bearer {SENTINEL}"
    assert "Authorization" not in second.headers


def test_repeating_next_link_stops_with_an_error(server: ScriptedServer, client: octo.Octo) -> None:
    server.handler = lambda r: Reply(200, json=[1], headers={
        "Link": f'<{server.url}/repos/o/r/issues?after=same>; rel="next"'})
    with pytest.raises(octo.OctoError, match="repeats"):
        list(octo.paginate(client.issues.list_for_repo, "o", "r"))
    assert len(server.requests) == 2


def test_a_method_that_does_not_paginate_is_a_type_error(server: ScriptedServer,
                                                         client: octo.Octo) -> None:
    with pytest.raises(TypeError) as info:
        octo.paginate(client.repos.get, "o", "r")
    assert str(info.value) == "octo.paginate(): repos.get does not paginate (its spec entry has no 'paginated: true')"
    with pytest.raises(TypeError, match="such as gh.issues.list_for_repo, got <built-in function len>"):
        octo.paginate(len)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="endpoint method"):
        octo.paginate(lambda: None)  # type: ignore[arg-type]  # a plain function: no __self__ at all
    with pytest.raises(TypeError, match=r"repos\.get does not paginate"):
        octo.paginate.pages(client.repos.get, "o", "r")
    assert server.requests == []


def test_a_page_of_the_wrong_shape_is_an_error(server: ScriptedServer, client: octo.Octo, search: Any) -> None:
    server.queue(Reply(200, json=[{"number": 1}]),
                 Reply(200, json={"number": 1}, headers={"x-github-request-id": "P:2"}))
    with pytest.raises(octo.InvalidResponseError) as info:
        list(octo.paginate(search.issues_and_pull_requests, q="x"))
    assert str(info.value).startswith("search.issues_and_pull_requests: expected an object with a list "
                                      "under 'items', got list (status 200, ")
    with pytest.raises(octo.InvalidResponseError) as info:
        list(octo.paginate(client.issues.list_for_repo, "o", "r"))
    assert str(info.value).startswith("issues.list_for_repo: expected a list, got dict (status 200, ")
    error = info.value
    assert (error.status, error.request_id, error.body, error.response.data) == (200, "P:2", b"", {"number": 1})


def test_a_later_page_that_fails_is_retried_like_the_first(server: ScriptedServer, client: octo.Octo,
                                                           fake_clock: Any) -> None:
    server.queue(Reply(200, json=[1], headers={"Link": f'<{server.url}/repos/o/r/issues?page=2>; rel="next"'}),
                 Reply(502), Reply(200, json=[2]))
    assert list(octo.paginate(client.issues.list_for_repo, "o", "r")) == [1, 2]
    assert len(fake_clock.sleeps) == 1


def test_errors_on_a_later_page_propagate(server: ScriptedServer, client: octo.Octo) -> None:
    server.queue(Reply(200, json=[1], headers={"Link": f'<{server.url}/next>; rel="next"'}),
                 Reply(404, json={"message": "Not Found"}))
    items: Iterator[Any] = octo.paginate(client.issues.list_for_repo, "o", "r")
    assert next(items) == 1
    with pytest.raises(octo.NotFoundError):
        next(items)


def test_later_pages_count_against_their_own_rate_limit_bucket(
    server: ScriptedServer, client: octo.Octo, search: Any, fake_clock: Any
) -> None:
    # The core bucket is used up for an hour; search pages are not held back for it.
    server.queue(Reply(403, json={"message": "API rate limit exceeded"},
                       headers={"x-ratelimit-remaining": "0", "x-ratelimit-resource": "core",
                                "x-ratelimit-reset": str(int(fake_clock.now) + 3600)}))
    with pytest.raises(octo.PrimaryRateLimitError):
        client.repos.get("o", "r")
    pages = cursor_pages(lambda: server.url, 150, wrap=True)

    def handle(request: Recorded) -> Reply:
        reply = pages(request)
        reply.headers.update({"x-ratelimit-resource": "search", "x-ratelimit-remaining": "28"})
        return reply

    server.handler = handle
    assert len(list(octo.paginate(search.issues_and_pull_requests, q="bug"))) == 150
    assert [r.route for r in server.requests] == ["/repos/o/r", "/search/issues", "/search/issues"]
    assert fake_clock.sleeps == []


def test_later_pages_ask_for_the_same_media_type_and_timeout(server: ScriptedServer) -> None:
    with octo.Octo(SENTINEL, base_url=server.url, retries=0) as client:
        server.queue(Reply(200, json=[{"number": 0}], headers={
            "Link": f'<{server.url}/repos/o/r/issues/comments?after=c1&per_page=14>; rel="next"'}),
            Reply(200, json=[], fault="stall", delay=0.5))
        items = octo.paginate(client.issues.list_comments_for_repo, "o", "r", media_type="html",
                              timeout=0.1)
        assert next(items) == {"number": 0}
        with pytest.raises(octo.TransportError):
            next(items)  # the second page stalls past the call's own timeout, not the client's 30 s
        accepts = {r.headers["accept"] for r in server.requests}
    assert accepts == {"application/vnd.github.html+json"}


@pytest.mark.sync_only("hosts faked by a requests transport adapter; the rule is the shared core's")
def test_a_next_link_from_https_down_to_http_is_refused() -> None:
    plain = "http://api.github.com/repos/o/r/issues"
    transport = _FakeTransport({
        "https://api.github.com/repos/o/r/issues": ([1], {"link": f'<{plain}?after=x>; rel="next"'}),
        plain: ([2], {}),
    })
    session = requests.Session()
    session.mount("https://", transport)
    session.mount("http://", transport)
    gh = octo.Octo(SENTINEL, session=session)
    items = octo.paginate(gh.issues.list_for_repo, "o", "r")
    assert next(items) == 1
    with pytest.raises(octo.RedirectError, match="https to http"):
        next(items)
    assert len(transport.sent) == 1


def test_the_paginator_counts_pages_and_reads_the_first_page_only_once(server: ScriptedServer,
                                                                         search: Any, client_kind: str) -> None:
    server.handler = cursor_pages(lambda: server.url, 150, wrap=True)
    results = octo.paginate(search.issues_and_pull_requests, q="x")
    kind = "Paginator" if client_kind == "sync" else "AsyncPaginator"
    assert (results.pages_fetched, results.meta) == (0, {})
    assert repr(results) == f"<{kind} search.issues_and_pull_requests: 0 page(s) fetched>"
    assert next(results) == {"number": 0}
    assert results.total_count == 150 and len(server.requests) == 1  # not fetched again
    rest = list(results)
    assert len(rest) == 149 and results.pages_fetched == 2
    assert repr(results) == f"<{kind} search.issues_and_pull_requests: 2 page(s) fetched>"


def test_incomplete_results_is_false_unless_a_page_says_so(server: ScriptedServer, search: Any) -> None:
    server.queue(Reply(200, json={"total_count": 1, "incomplete_results": False, "items": [{"n": 1}]}))
    assert octo.paginate(search.issues_and_pull_requests, q="x").incomplete_results is False


@pytest.mark.parametrize("bad", [-1, True])
def test_max_items_must_be_a_count(client: octo.Octo, bad: Any) -> None:
    with pytest.raises(ValueError) as info:
        octo.paginate(client.issues.list_for_repo, "o", "r", max_items=bad)
    assert str(info.value) == f"max_items must be a non-negative integer, got {bad!r}"


def test_a_link_entry_without_rel_is_passed_over(server: ScriptedServer, client: octo.Octo) -> None:
    server.queue(Reply(200, json=[1], headers={
        "Link": f'<{server.url}/help>; title="docs", <{server.url}/repos/o/r/issues?page=2>; rel="next"'}),
        Reply(200, json=[2]))
    assert list(octo.paginate(client.issues.list_for_repo, "o", "r")) == [1, 2]
    assert server.requests[1].path == "/repos/o/r/issues?page=2"
