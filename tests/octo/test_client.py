"""The runtime core against a real HTTP server on loopback."""

from __future__ import annotations

import sys

import pytest
from conftest import SENTINEL
from server import Reply, ScriptedServer

import octo


def test_dispatch_event_on_the_wire(server: ScriptedServer, client: octo.Octo) -> None:
    server.queue(Reply(204))
    r = client.repos.create_dispatch_event(
        owner="octocat", repo="hello-world", event_type="on-demand-test",
        client_payload={"unit": False, "integration": True},
    )
    (sent,) = server.requests
    assert (sent.method, sent.path) == ("POST", "/repos/octocat/hello-world/dispatches")
    assert sent.json() == {"event_type": "on-demand-test",
                           "client_payload": {"unit": False, "integration": True}}
    assert sent.headers["content-type"] == "application/json"
    assert isinstance(r, octo.Response)
    assert (r.status, r.data) == (204, None)


def test_every_request_sends_github_headers(server: ScriptedServer, client: octo.Octo) -> None:
    server.queue(Reply(200, json={"full_name": "octocat/hello-world"},
                       headers={"X-RateLimit-Remaining": "4999", "X-GitHub-Request-Id": "AB:CD"}))
    r = client.repos.get("octocat", "hello-world")
    h = server.requests[0].headers
    assert h["accept"] == "application/vnd.github+json"
    assert h["x-github-api-version"] == "2022-11-28"
    assert h["user-agent"] == f"octo-github/{octo.__version__}"
    assert h["authorization"] == f"Bearer {SENTINEL}"
    assert r.headers["x-ratelimit-remaining"] == "4999"  # case-insensitive
    assert r.data["full_name"] == "octocat/hello-world"
    assert r.url == f"{server.url}/repos/octocat/hello-world"
    assert r.request_id == "AB:CD"
    assert r.rate_limit.remaining == 4999


def test_anonymous_client_sends_no_authorization(server: ScriptedServer) -> None:
    octo.Octo(base_url=server.url).repos.get("o", "r")
    assert "authorization" not in server.requests[0].headers


def test_base_url_path_prefix_is_kept(server: ScriptedServer) -> None:
    gh = octo.Octo(SENTINEL, base_url=server.url + "/api/v3/")
    gh.repos.get("octocat", "hello-world")
    assert server.requests[0].path == "/api/v3/repos/octocat/hello-world"


def test_uploads_host_for_dotcom_and_ghes() -> None:
    assert octo.Octo().uploads_url == "https://uploads.github.com"
    assert octo.Octo(base_url="https://ghe.example.com/api/v3").uploads_url == \
        "https://ghe.example.com/api/uploads"
    assert octo.Octo(base_url="https://ghe.example.com/api/v3",
                     uploads_url="https://up.example.com/").uploads_url == "https://up.example.com"


def test_query_booleans_and_omitted_parameters(server: ScriptedServer, client: octo.Octo) -> None:
    client.request("GET /search/things", query={"flag": True, "off": False, "skip": octo.OMIT,
                                                "n": 5})
    assert server.requests[0].query == {"flag": ["true"], "off": ["false"], "n": ["5"]}
    client.issues.list_for_repo("o", "r", state="closed")
    assert server.requests[1].path == "/repos/o/r/issues?state=closed"


def test_body_holds_exactly_the_given_parameters_and_none_is_null(
    server: ScriptedServer, client: octo.Octo
) -> None:
    client.issues.update("o", "r", 7, milestone=None)
    sent = server.requests[0]
    assert (sent.method, sent.path) == ("PATCH", "/repos/o/r/issues/7")
    assert sent.json() == {"milestone": None}


def test_put_and_delete(server: ScriptedServer, client: octo.Octo) -> None:
    server.queue(Reply(200, json={"names": ["a"]}), Reply(204))
    assert client.repos.replace_all_topics("o", "r", names=["a"]).data == {"names": ["a"]}
    assert client.repos.delete("o", "r").data is None
    assert [(r.method, r.route) for r in server.requests] == [
        ("PUT", "/repos/o/r/topics"), ("DELETE", "/repos/o/r")]


def test_raw_text_body(server: ScriptedServer, client: octo.Octo) -> None:
    server.queue(Reply(200, body="<p>hi</p>", headers={"content-type": "text/html"}))
    r = client.markdown.render_raw(data="hi")
    assert server.requests[0].headers["content-type"] == "text/plain"
    assert server.requests[0].body == b"hi"
    assert r.data == "<p>hi</p>"


def test_raw_text_body_beyond_latin_1_arrives_as_utf_8(server: ScriptedServer, client: octo.Octo) -> None:
    client.markdown.render_raw(data="# 日本語 ✅")
    assert server.requests[0].body == "# 日本語 ✅".encode()


def test_a_user_agent_of_ones_own(server: ScriptedServer) -> None:
    # GitHub asks for one naming the app: https://docs.github.com/rest/using-the-rest-api/getting-started-with-the-rest-api#user-agent
    with octo.Octo(SENTINEL, base_url=server.url, user_agent="my-app/1.0") as gh:
        gh.repos.get("o", "r")
    assert server.requests[0].headers["user-agent"] == "my-app/1.0"


def test_a_redirect_without_location_is_an_error_not_data(server: ScriptedServer) -> None:
    server.queue(Reply(302, json={"message": "moved"}))
    with octo.Octo(SENTINEL, base_url=server.url, retries=0) as gh, \
            pytest.raises(octo.ServerError, match="unexpected redirect status 302 without Location"):
        gh.repos.get("o", "r")


@pytest.mark.parametrize(("status", "error"), [
    (400, octo.BadRequestError), (401, octo.UnauthorizedError), (403, octo.ForbiddenError),
    (404, octo.NotFoundError), (409, octo.ConflictError), (410, octo.GoneError),
    (422, octo.ValidationFailedError), (500, octo.ServerError), (418, octo.RequestError),
])
def test_error_statuses_raise_typed_errors(
    server: ScriptedServer, client: octo.Octo, status: int, error: type[octo.RequestError]
) -> None:
    body = {"message": "Nope", "documentation_url": "https://docs.github.com/x",
            "errors": [{"resource": "Issue", "field": "title", "code": "missing_field"}]}
    # A 500 is retried (3 times by default) before it is raised.
    server.queue(*[Reply(status, json=body, headers={"x-github-request-id": "REQ1"})] * 4)
    with pytest.raises(error) as info:
        client.repos.get("o", "r")
    e = info.value
    assert isinstance(e, octo.OctoError)
    assert (e.status, e.message, e.documentation_url, e.request_id) == \
        (status, "Nope", "https://docs.github.com/x", "REQ1")
    assert e.errors[0]["field"] == "title"
    assert e.response.status == status
    assert "Nope" in str(e) and "/repos/o/r" in str(e)


class TestDefaultClient:
    def test_module_level_namespace_uses_environment(
        self, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("GH_TOKEN", "gh-token-value")
        monkeypatch.setenv("GITHUB_API_URL", server.url)
        server.queue(Reply(204))
        r = octo.repos.create_dispatch_event(owner="octocat", repo="hello-world",
                                             event_type="on-demand-test")
        assert r.status == 204
        assert server.requests[0].headers["authorization"] == "Bearer gh-token-value"

    def test_github_token_wins_over_gh_token(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("GITHUB_TOKEN", "first")
        monkeypatch.setenv("GH_TOKEN", "second")
        assert octo.default_client()._token == "first"

    def test_configure_replaces_the_default(self, server: ScriptedServer) -> None:
        old = octo.default_client()
        new = octo.configure(SENTINEL, base_url=server.url)
        assert octo.default_client() is new is not old
        octo.repos.get("o", "r")
        assert server.requests[0].headers["authorization"] == f"Bearer {SENTINEL}"

    def test_unknown_namespace_is_an_attribute_error(self) -> None:
        with pytest.raises(AttributeError, match="nosuch"):
            octo.nosuch  # noqa: B018
        assert "repos" in dir(octo)


def test_namespace_module_is_imported_once_on_first_access(client: octo.Octo) -> None:
    first = client.repos
    assert client.repos is first
    assert sys.modules["octo.rest.repos"].NAMESPACE is type(getattr(first, "_namespace", first))


def test_an_optional_body_left_out_is_not_sent_but_an_object_body_is_at_least_empty(
    server: ScriptedServer, client: octo.Octo
) -> None:
    client.issues.set_labels("o", "r", 1)  # the description lets this body be left out
    client.issues.update("o", "r", 1)  # an object body: `{}`
    assert [r.body for r in server.requests] == [b"", b"{}"]
