"""Per-call options every generated method shares with `Octo.request`:
`headers=` (an Accept, If-None-Match, Content-Type of the caller's own) and
`follow_redirects=False` (the 3xx answer itself, to read its Location), and
how they compose with the cache, pagination, downloads and the token rules."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SENTINEL
from generated import namespace
from server import Reply, ScriptedServer

import octo

CODELOAD = "/octocat/hello-world/legacy.tar.gz/refs/heads/main?token=AB3SIGNATURE"


@pytest.fixture
def storage() -> Iterator[ScriptedServer]:
    """A second host, like codeload.github.com."""
    with ScriptedServer() as s:
        yield s


class TestHeaders:
    def test_an_if_none_match_reaches_the_server_and_its_304_is_an_empty_response(
        self, server: ScriptedServer, client: octo.Octo
    ) -> None:
        server.queue(Reply(304, headers={"etag": '"v1"'}))
        r = client.repos.get("octocat", "hello-world", headers={"If-None-Match": '"v1"'})
        assert (r.status, r.data) == (304, None)
        assert server.requests[0].headers["if-none-match"] == '"v1"'

    def test_the_callers_if_none_match_wins_over_the_cache(self, server: ScriptedServer) -> None:
        gh = octo.Octo(SENTINEL, base_url=server.url, cache=True)
        server.queue(Reply(200, json={"id": 1}, headers={"etag": '"cached"'}), Reply(304))
        assert gh.repos.get("o", "r").data == {"id": 1}
        r = gh.repos.get("o", "r", headers={"if-none-match": '"mine"'})
        # The caller's own validator went out, and its 304 is theirs, not the cached body.
        assert server.requests[1].headers["if-none-match"] == '"mine"'
        assert (r.status, r.data) == (304, None)

    def test_an_accept_of_ones_own_replaces_octos_whatever_its_case(
        self, server: ScriptedServer, client: octo.Octo
    ) -> None:
        server.queue(Reply(200, body="# Hello", headers={"content-type": "application/vnd.github.raw; charset=utf-8"}))
        r = client.repos.get_content("o", "r", "README.md", headers={"accept": "application/vnd.github.raw"})
        assert r.data == "# Hello"
        assert server.requests[0].headers["accept"] == "application/vnd.github.raw"
        assert server.requests[0].headers["x-github-api-version"] == "2022-11-28"

    def test_headers_go_with_every_page(self, server: ScriptedServer, client: octo.Octo) -> None:
        server.queue(Reply(200, json=[1], headers={"link": f'<{server.url}/repos/o/r/issues?page=2>; rel="next"'}),
                     Reply(200, json=[2]))
        accept = "application/vnd.github.text-match+json"
        items = list(octo.paginate(client.issues.list_for_repo, "o", "r", headers={"Accept": accept}))
        assert items == [1, 2]
        assert [r.headers["accept"] for r in server.requests] == [accept, accept]

    def test_a_header_parameter_of_the_spec_and_headers_both_arrive(
        self, server: ScriptedServer, client: octo.Octo
    ) -> None:
        traced = namespace(client, """
            namespace: traced
            endpoints:
              - name: get
                method: GET
                path: /traced/{id}
                summary: A route with a header parameter
                docs_url: https://docs.github.com/rest/traced#get
                parameters:
                  - {name: id, in: path, type: integer, required: true}
                  - {name: X-Trace, in: header, type: string, python_name: x_trace}
            """)
        traced.get(1, x_trace="abc", headers={"If-None-Match": '"e"'})
        traced.get(2, headers={"X-Trace": "given"})
        traced.get(3)
        first, second, third = server.requests
        assert (first.headers["x-trace"], first.headers["if-none-match"]) == ("abc", '"e"')
        assert second.headers["x-trace"] == "given"
        assert "x-trace" not in third.headers

    def test_an_authorization_header_of_ones_own_stays_on_the_trusted_origins(
        self, server: ScriptedServer, storage: ScriptedServer
    ) -> None:
        gh = octo.Octo(base_url=server.url)
        server.queue(Reply(302, headers={"location": storage.url + CODELOAD}))
        storage.queue(Reply(200, body=b"tar", headers={"content-type": "application/x-gzip"}))
        gh.repos.download_tarball_archive("o", "r", "main", headers={"authorization": f"token {SENTINEL}"})
        assert server.requests[0].headers["authorization"] == f"token {SENTINEL}"
        assert "authorization" not in storage.requests[0].headers


class TestRedirectsNotFollowed:
    def test_a_tarballs_302_comes_back_with_its_location(
        self, server: ScriptedServer, storage: ScriptedServer, client: octo.Octo
    ) -> None:
        server.queue(Reply(302, headers={"location": storage.url + CODELOAD}))
        r = client.repos.download_tarball_archive("octocat", "hello-world", "main", follow_redirects=False)
        assert (r.status, r.headers["location"], r.data) == (302, storage.url + CODELOAD, None)
        assert r.url == f"{server.url}/repos/octocat/hello-world/tarball/main"
        assert storage.requests == [] and len(server.requests) == 1
        assert "AB3SIGNATURE" not in repr(r)

    @pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
    @pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
    def test_every_redirect_status_to_every_method_is_returned_not_refused(
        self, server: ScriptedServer, client: octo.Octo, method: str, status: int
    ) -> None:
        server.queue(Reply(status, headers={"location": "/repositories/42"}))
        r = client.request(f"{method} /repos/o/r", follow_redirects=False)
        assert (r.status, r.headers["location"]) == (status, "/repositories/42")
        assert [s.route for s in server.requests] == ["/repos/o/r"]

    def test_a_3xx_without_location_is_still_an_error(self, server: ScriptedServer, client: octo.Octo) -> None:
        server.queue(Reply(302, json={"message": "no location"}))
        with pytest.raises(octo.ServerError, match="without Location"):
            client.repos.get("o", "r", follow_redirects=False)

    def test_a_304_and_errors_are_unchanged(self, server: ScriptedServer, client: octo.Octo) -> None:
        server.queue(Reply(304), Reply(404, json={"message": "Not Found"}))
        assert client.repos.get("o", "r", follow_redirects=False).status == 304
        with pytest.raises(octo.NotFoundError):
            client.repos.get("o", "r", follow_redirects=False)

    def test_the_cache_neither_keeps_nor_replays_a_redirect(
        self, server: ScriptedServer, storage: ScriptedServer
    ) -> None:
        gh = octo.Octo(SENTINEL, base_url=server.url, cache=True)
        redirect = Reply(302, headers={"location": storage.url + CODELOAD, "etag": '"r"'})
        server.queue(redirect, redirect, redirect)
        storage.queue(Reply(200, body=b"tar", headers={"content-type": "application/x-gzip", "etag": '"t"'}))
        assert gh.repos.download_tarball_archive("o", "r", "main", follow_redirects=False).status == 302
        assert gh.repos.download_tarball_archive("o", "r", "main").data == b"tar"
        again = gh.repos.download_tarball_archive("o", "r", "main", follow_redirects=False)
        assert (again.status, again.headers["location"]) == (302, storage.url + CODELOAD)
        assert [("if-none-match" in r.headers) for r in server.requests] == [False, False, False]

    def test_a_download_that_would_not_follow_is_refused_before_io(
        self, server: ScriptedServer, client: octo.Octo, tmp_path: Path
    ) -> None:
        to = tmp_path / "hello.tar.gz"
        with pytest.raises(TypeError, match=r"download\(\).*follow_redirects"):
            octo.download(client.repos.download_tarball_archive, "o", "r", "main", to=to,
                          follow_redirects=False)
        assert server.requests == [] and list(tmp_path.iterdir()) == []

    def test_a_paginated_call_passes_it_to_every_page(self, server: ScriptedServer, client: octo.Octo) -> None:
        server.queue(Reply(200, json=[1], headers={"link": f'<{server.url}/repositories/9/issues?page=2>; rel="next"'}),
                     Reply(301, json={"message": "Moved Permanently"}, headers={"location": "/elsewhere"}))
        pages = list(octo.paginate.pages(client.issues.list_for_repo, "o", "r", follow_redirects=False))
        assert [(p.status, p.headers.get("location")) for p in pages] == [(200, None), (301, "/elsewhere")]
        assert len(server.requests) == 2
