"""Anything malformed in an answer is an `OctoError` subclass, never another
exception, so `except octo.OctoError` holds and the CLI exits 3: first the
cases seen, then a property test that feeds arbitrary statuses, header values
and bodies from a loopback server through every way octo reads an answer."""

from __future__ import annotations

import io
import json
import pickle
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from conftest import SENTINEL, FakeClock
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from keys import APP_KEY
from server import Recorded, Reply, ScriptedServer

import octo
from octo.cli import main

DEEP = 100_000

# -- the cases seen -------------------------------------------------------------------


@pytest.mark.parametrize("body", ["[" * DEEP + "]" * DEEP, '{"a":' * DEEP + "1" + "}" * DEEP])
def test_json_nested_100k_deep_is_an_invalid_response(server: ScriptedServer, client: octo.Octo,
                                                     body: str) -> None:
    server.queue(Reply(200, body=body, headers={"content-type": "application/json"}))
    with pytest.raises(octo.InvalidResponseError, match="malformed JSON") as info:
        client.repos.get("o", "r")
    assert info.value.status == 200 and len(info.value.body) == 1024


def test_an_error_body_nested_100k_deep_is_still_the_error(server: ScriptedServer,
                                                          client: octo.Octo) -> None:
    server.queue(Reply(404, body="[" * DEEP + "]" * DEEP, headers={"content-type": "application/json"}))
    with pytest.raises(octo.NotFoundError) as info:
        client.repos.get("o", "r")
    assert info.value.response.data == "[" * DEEP + "]" * DEEP  # kept as text
    assert len(str(info.value)) < 1000


@pytest.mark.parametrize("value", ["²", "³¹", "1_000", "+5", "9" * 40, "1e3"])
def test_retry_after_in_digits_that_are_not_ascii_digits_means_60_s(
    server: ScriptedServer, client: octo.Octo, fake_clock: FakeClock, value: str
) -> None:
    server.queue(Reply(503, headers={"retry-after": value}), Reply(200, json={}))
    client.repos.get("o", "r")
    assert fake_clock.sleeps == [60]


@pytest.mark.parametrize("location", [
    "http://127.0.0.1:99999/x", "http://127.0.0.1:-1/x", "http://127.0.0.1:0/x", "http://[::1/x",
    "https:///x", "/\xff\xfe", "ftp://127.0.0.1/x", "javascript:alert(1)", "http://*.example/x",
    # Host names no connection can be made to: an empty label, one over 63 characters.
    "http://storage..example/x", "http://" + "a" * 64 + ".example/x",
])
@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_a_location_octo_cannot_follow_is_a_redirect_error(
    server: ScriptedServer, client: octo.Octo, location: str, method: str
) -> None:
    server.queue(Reply(307, headers={"location": location, "x-github-request-id": "LOC:1"}))
    with pytest.raises(octo.RedirectError, match="Location that is not an http") as info:
        client.request(f"{method} /repos/{{owner}}/{{repo}}", path={"owner": "o", "repo": "r"})
    assert (info.value.status, info.value.request_id) == (307, "LOC:1")
    assert len(server.requests) == 1


def test_a_rate_limit_reset_beyond_year_9999_is_no_reset(
    server: ScriptedServer, client: octo.Octo, fake_clock: FakeClock
) -> None:
    limited = Reply(403, json={"message": "API rate limit exceeded"},
                    headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": "999999999999"})
    server.queue(limited, limited, Reply(200, json={"ok": 1}))
    with pytest.raises(octo.PrimaryRateLimitError) as info:
        client.repos.get("o", "r")
    assert (info.value.reset, info.value.reset_at) == (None, None)
    assert fake_clock.sleeps == [60]  # no reset to wait for: as for a missing one
    assert client.repos.get("o", "r").data == {"ok": 1}  # the bucket is not held until year 33658
    assert octo.RateLimit(5000, 0, 5000, 10**12, "core").reset_at is None


@pytest.mark.parametrize("link", [
    "ftp://evil.example/x", "http://127.0.0.1:99999/x", "http://[::1/x", "javascript:alert(1)", "mailto:a@b",
    "http://api..example/x", "http://" + "a" * 64 + ".example/x",
])
def test_a_next_link_that_is_not_an_http_url_is_an_invalid_response(
    server: ScriptedServer, client: octo.Octo, link: str
) -> None:
    server.queue(Reply(200, json=[{"number": 1}], headers={"link": f'<{link}>; rel="next"'}))
    with pytest.raises(octo.InvalidResponseError, match="next link is not an http"):
        list(octo.paginate(client.issues.list_for_repo, "o", "r"))
    assert len(server.requests) == 1  # nothing went to a host such as api.github.comftp


def test_a_next_link_with_braces_is_followed_as_requests_would_send_it(
    server: ScriptedServer, client: octo.Octo
) -> None:
    server.queue(Reply(200, json=[1], headers={"link": f'<{server.url}/repositories?q={{x}}>; rel="next"'}),
                 Reply(200, json=[2]))
    assert list(octo.paginate(client.issues.list_for_repo, "o", "r")) == [1, 2]
    assert server.requests[1].path == "/repositories?q=%7Bx%7D"


@pytest.mark.parametrize("errors", [
    [json.loads("[" * 500 + "]" * 500)], list(range(100_000)), [{"code": "x" * 100_000}],
    {"resource": "Issue"}, "invalid", 7,
])
def test_an_errors_list_of_odd_shape_gives_a_short_message(
    server: ScriptedServer, client: octo.Octo, errors: Any
) -> None:
    server.queue(Reply(422, json={"message": "Validation Failed", "errors": errors,
                                  "documentation_url": {"not": "a string"}}))
    with pytest.raises(octo.ValidationFailedError) as info:
        client.issues.create("o", "r", title="t")
    assert info.value.errors == (errors if isinstance(errors, list) else [])
    assert info.value.documentation_url is None
    assert len(str(info.value)) < 2000


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return APP_KEY


@pytest.mark.parametrize("date", ["Mon, 01 Jan 99999 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 +9999",
                                  "Tue, 15 Nov 1994 08:12:31 -0000", "Tue, 15 Nov 1994 08:12:31", "garbage"])
def test_a_date_header_octo_cannot_read_does_not_correct_the_app_clock(
    server: ScriptedServer, key: rsa.RSAPrivateKey, date: str
) -> None:
    server.queue(Reply(401, json={"message": "'Expiration time' claim ('exp') is too far in the future"},
                       headers={"date": date}))
    gh = octo.Octo(auth=octo.AppAuth(123, key), base_url=server.url)
    with pytest.raises(octo.UnauthorizedError):
        gh.request("GET /app")
    assert len(server.requests) == 1


@pytest.mark.parametrize(("answer", "usable"), [
    ({"token": "ghs_" + "a" * 36, "expires_at": [[["2030"]]]}, True),
    ({"token": "ghs_" + "a" * 36, "expires_at": "9999-12-31T23:59:59-23:59"}, True),
    ({"token": "ghs_" + "a" * 36, "expires_at": 17}, True),
    ({"token": "ghs_ with a space"}, False),
    ({"token": "ghs_\u00e9"}, False),
    ({"token": ["ghs_x"]}, False),
])
def test_an_installation_token_answer_of_odd_shape(server: ScriptedServer, key: rsa.RSAPrivateKey,
                                                   answer: dict[str, Any], usable: bool) -> None:
    server.queue(Reply(201, json=answer, headers={"date": "Fri, 31 Dec 9999 23:59:59 -2359"}),
                 Reply(200, json={"ok": 1}))
    gh = octo.Octo(auth=octo.AppAuth(123, key, 42), base_url=server.url)
    if usable:
        assert gh.repos.get("o", "r").data == {"ok": 1}
    else:
        with pytest.raises(octo.OctoError, match="has no usable token"):
            gh.repos.get("o", "r")


@pytest.mark.parametrize("found", [True, 0, -3, "42", None])
def test_an_installation_lookup_without_a_usable_id(server: ScriptedServer, key: rsa.RSAPrivateKey,
                                                    found: Any) -> None:
    server.queue(Reply(200, json={"id": found}))
    app = octo.Octo(auth=octo.AppAuth(123, key), base_url=server.url)
    with pytest.raises(octo.OctoError, match="no installation id"):
        app.for_installation(owner="o", repo="r")


@pytest.fixture
def cli(server: ScriptedServer, monkeypatch: pytest.MonkeyPatch,
        capsysbinary: pytest.CaptureFixture[bytes]) -> Callable[..., tuple[int, bytes, bytes]]:
    monkeypatch.setenv("GITHUB_API_URL", server.url)
    monkeypatch.setenv("GITHUB_TOKEN", SENTINEL)

    def run(*argv: str) -> tuple[int, bytes, bytes]:
        code = main(list(argv))
        out, err = capsysbinary.readouterr()
        return code, out, err

    return run


@pytest.mark.parametrize(("reply", "code"), [
    (Reply(200, body="[" * DEEP + "]" * DEEP, headers={"content-type": "application/json"}), 3),
    (Reply(302, headers={"location": "http://127.0.0.1:99999/"}), 3),
    (Reply(404, body="[" * DEEP + "]" * DEEP, headers={"content-type": "application/json"}), 4),
    (Reply(404, body="[" * 950 + "]" * 950, headers={"content-type": "application/json"}), 4),
])
def test_the_cli_exits_3_for_a_malformed_answer(server: ScriptedServer, cli: Callable[..., Any],
                                               reply: Reply, code: int) -> None:
    server.queue(reply)
    status, out, err = cli("--include", "repos", "get", "o", "r")
    assert status == code, err
    assert err.startswith(b"octo: ") and b"Traceback" not in err
    if code == 4:  # an error body too deep to print still leaves the 404 said and its exit status
        assert b"404" in err


def test_an_answer_near_the_printing_depth_is_printed_whole_or_exits_3(server: ScriptedServer,
                                                                      cli: Callable[..., Any]) -> None:
    # Whether 950 levels can be printed depends on the Python (3.11's encoder recurses in
    # Python, 3.12's does not): either way the CLI never crashes and never prints half of it.
    server.queue(Reply(200, body="[" * 950 + "]" * 950, headers={"content-type": "application/json"}))
    status, out, err = cli("repos", "get", "o", "r")
    if status == 0:
        assert json.loads(out) == json.loads("[" * 950 + "]" * 950) and err == b""
    else:
        assert status == 3 and err.startswith(b"octo: ") and b"Traceback" not in err and out == b""


def test_the_cli_exits_3_for_a_next_link_that_is_not_http(server: ScriptedServer,
                                                          cli: Callable[..., Any]) -> None:
    server.queue(Reply(200, json=[{"n": 1}], headers={"link": '<ftp://x/y>; rel="next"'}))
    code, out, err = cli("--paginate", "issues", "list-for-repo", "o", "r")
    assert code == 3 and b"next link is not an http" in err
    assert out == b'{"n":1}\n'


def test_the_cli_writes_a_lone_surrogate_as_its_json_escape(server: ScriptedServer,
                                                           cli: Callable[..., Any]) -> None:
    server.queue(Reply(200, body='{"name": "a\\ud800b"}', headers={"content-type": "application/json"}))
    code, out, err = cli("repos", "get", "o", "r")
    assert code == 0, err
    assert json.loads(out) == {"name": "a\ud800b"}


def test_the_cli_writes_an_error_message_with_a_lone_surrogate_escaped(server: ScriptedServer,
                                                                      cli: Callable[..., Any]) -> None:
    server.queue(Reply(404, body='{"message": "a\\ud800b"}', headers={"content-type": "application/json"}))
    code, out, err = cli("repos", "get", "o", "r")
    assert code == 4
    assert b"a\\ud800b" in err


# -- the property: whatever the answer, only OctoError escapes ----------------------------------

# Values that have broken parsers: digits that are not ASCII, numbers too big
# for a date, dates beyond year 9999 or without a zone, folded lines, bytes
# that are not UTF-8.
TRICKY = ["", " ", "0", "-1", "+5", "1.5", "1e3", "²", "³¹", "1_000", "9" * 40, "0x10", "NaN", "inf",
          "999999999999", "253402300800", "Fri, 31 Dec 9999 23:59:59 -2359", "Mon, 01 Jan 99999 00:00:00 GMT",
          "Tue, 15 Nov 1994 08:12:31 GMT", "Tue, 15 Nov 1994 08:12:31 -0000", "\xff\xfe", "a,\r\n b",
          "gzip", "deflate", "application/json", "text/plain; charset=nope", "W/\"x\"", "core", "secondary rate limit"]
# Header text without "/" or "\\", so that no random value names another host.
TEXT = st.text(st.characters(codec="latin-1", exclude_characters="\r\n\x00/\\", exclude_categories=["Cc"]),
               max_size=30)
VALUE = st.one_of(st.sampled_from(TRICKY), TEXT)
# Only loopback hosts, or none that can be reached: nothing may leave the machine.
URL = st.one_of(
    st.sampled_from(["ftp://127.0.0.1/x", "http://127.0.0.1:99999/x", "http://127.0.0.1:0/x", "http://[::1/x",
                     "http:///x", "//127.0.0.1:1/x", "javascript:x", "http://127.0.0.1:1:2/", "/\xff\xfe",
                     "https://127.0.0.1:1/x", "http://*.x/", "?page=2", "#frag", "{x}"]),
    st.builds(lambda path: "/" + path, TEXT),
)
LINK = st.one_of(st.builds(lambda url, rel: f'<{url}>; rel="{rel}"', URL, st.sampled_from(["next", "last", "x"])),
                 TEXT)
HEADERS = st.fixed_dictionaries({}, optional={
    "retry-after": VALUE, "x-ratelimit-limit": VALUE, "x-ratelimit-remaining": VALUE,
    "x-ratelimit-used": VALUE, "x-ratelimit-reset": VALUE, "x-ratelimit-resource": VALUE,
    "date": VALUE, "etag": VALUE, "content-type": VALUE, "content-encoding": VALUE, "set-cookie": VALUE,
    "x-github-request-id": VALUE, "location": URL, "link": LINK,
})
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                max_size=3),
                    max_leaves=12)
BODY = st.one_of(
    JSON.map(json.dumps),
    st.fixed_dictionaries({}, optional={"message": JSON, "errors": JSON, "documentation_url": JSON,
                                        "items": JSON, "total_count": JSON, "incomplete_results": JSON,
                                        "token": JSON, "expires_at": JSON, "id": JSON}).map(json.dumps),
    st.builds(lambda depth, pair: pair[0] * depth + pair[1] * depth, st.integers(1, 120_000),
              st.sampled_from([("[", "]"), ("{\"a\":[", "]}")])),
    st.sampled_from(['"\\ud800"', "1" * 5000, "NaN", "{", "<html>oops</html>", "\ufeff{}"]),
    st.binary(max_size=40),
)
STATUS = st.sampled_from([200, 201, 202, 204, 205, 206, 300, 301, 302, 303, 304, 305, 307, 308, 400, 401,
                          403, 404, 409, 410, 418, 422, 429, 451, 500, 502, 503, 504, 599])
ANSWER = st.builds(lambda status, headers, body: Reply(status, body=body, headers=headers), STATUS, HEADERS, BODY)


class Script:
    """Answers each call's first two requests (a redirect, a retry) from the
    example, the rest with an empty list, and records every error raised."""

    def __init__(self) -> None:
        self.reply = Reply()
        self.left = 0
        self.errors: list[octo.OctoError] = []

    def __call__(self, request: Recorded) -> Reply:
        if self.left > 0:
            self.left -= 1
            return self.reply
        return Reply(200, json=[])

    def call(self, action: Callable[[], Any]) -> None:
        self.left = 2
        try:
            action()
        except octo.OctoError as error:  # anything else fails the test
            self.errors.append(error)


@pytest.fixture
def script(server: ScriptedServer) -> Iterator[Script]:
    answers = Script()
    server.handler = answers
    yield answers


def check_errors(errors: list[octo.OctoError]) -> None:
    for error in errors:
        data = pickle.dumps(error)
        assert SENTINEL.encode() not in data
        assert type(pickle.loads(data)) is type(error)
        assert SENTINEL not in str(error)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answer=ANSWER)
def test_whatever_the_answer_only_octo_errors_escape(server: ScriptedServer, script: Script,
                                                    answer: Reply) -> None:
    script.reply, script.errors = answer, []
    gh = octo.Octo(SENTINEL, base_url=server.url, retries=1, cache=True)
    script.call(lambda: gh.repos.get("o", "r"))
    script.call(lambda: gh.repos.get("o", "r"))  # again, through the ETag cache
    script.call(lambda: gh.repos.create_dispatch_event("o", "r", event_type="e"))
    script.call(lambda: list(octo.paginate(gh.issues.list_for_repo, "o", "r", max_items=5)))
    script.call(lambda: octo.paginate(gh.search.issues_and_pull_requests, q="x").total_count)
    script.call(lambda: octo.download(gh.repos.download_tarball_archive, "o", "r", "main", to=io.BytesIO()))
    gh.close()
    check_errors(script.errors)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answer=ANSWER)
def test_whatever_the_answer_an_app_client_raises_only_octo_errors(
    server: ScriptedServer, script: Script, key: rsa.RSAPrivateKey, answer: Reply
) -> None:
    script.reply, script.errors = answer, []
    app = octo.Octo(auth=octo.AppAuth(123, key), base_url=server.url, retries=0)
    script.call(lambda: app.request("GET /app"))  # a refused JWT is signed again by the answer's Date
    script.call(lambda: app.for_installation(owner="o", repo="r"))
    installation = octo.Octo(auth=octo.AppAuth(123, key, 42), base_url=server.url, retries=0)
    script.call(lambda: installation.repos.get("o", "r"))  # the token answer: token, expires_at, Date
    check_errors(script.errors)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answer=ANSWER)
def test_whatever_the_answer_the_cli_exits_with_a_documented_status(
    server: ScriptedServer, script: Script, cli: Callable[..., tuple[int, bytes, bytes]], answer: Reply
) -> None:
    script.reply = answer
    for argv in (["--include", "repos", "get", "o", "r"], ["--paginate", "issues", "list-for-repo", "o", "r"]):
        script.left = 2
        code, out, err = cli(*argv)
        assert code in (0, 1, 3, 4, 5), err
        assert b"Traceback" not in err and SENTINEL.encode() not in out + err
