"""Signing in as a user, against a loopback server that plays github.com's
OAuth endpoints: the device flow's polling (interval, slow_down, pending,
expiry, denial, deadline) on the fake clock, the web flow's state and PKCE
and code exchange, a refresh with rotation, and no secret in sight."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import SENTINEL, FakeClock
from server import Recorded, Reply, ScriptedServer
from test_secret_contexts import caught, everything_about

import octo
from octo.auth.oauth import DevicePoll, FormPost, read_device_code, read_token, refresh

CLIENT_ID = "Iv1.0123456789abcdef"
DEVICE_CODE = "dc_" + SENTINEL
TOKEN = "gho_" + SENTINEL
REFRESH = "ghr_" + SENTINEL
USER_CODE = "WDJB-MJHT"


def form(request: Recorded) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.body.decode()).items()}


def device_code(interval: int = 5, expires_in: int = 900) -> Reply:
    return Reply(200, json={"device_code": DEVICE_CODE, "user_code": USER_CODE,
                            "verification_uri": "https://github.com/login/device",
                            "expires_in": expires_in, "interval": interval})


def error(code: str, **extra: Any) -> Reply:
    # GitHub answers the device flow's states with 200 and an `error`.
    return Reply(200, json={"error": code, "error_description": f"about {code}", **extra})


def token(**extra: Any) -> Reply:
    return Reply(200, json={"access_token": TOKEN, "token_type": "bearer", "scope": "repo,read:org", **extra})


@pytest.fixture
def shown() -> list[tuple[str, str]]:
    return []


def sign_in(server: ScriptedServer, shown: list[tuple[str, str]], **kwargs: Any) -> octo.OAuthToken:
    return octo.device_flow(CLIENT_ID, on_code=lambda code, uri: shown.append((code, uri)),
                            web_url=server.url, **kwargs)


def test_device_flow_polls_at_githubs_pace_until_the_user_signs_in(
    server: ScriptedServer, fake_clock: FakeClock, shown: list[tuple[str, str]]
) -> None:
    server.queue(device_code(interval=5), error("authorization_pending"), error("slow_down", interval=10),
                 error("authorization_pending"), error("slow_down"), token())
    result = sign_in(server, shown, scopes=("repo", "read:org"))
    assert shown == [(USER_CODE, "https://github.com/login/device")]
    # 5 s, then 5 s more after each slow_down (GitHub's own interval if longer).
    assert fake_clock.sleeps == [5, 5, 10, 10, 15]
    start, *polls = server.requests
    assert (start.method, start.route) == ("POST", "/login/device/code")
    assert start.headers["accept"] == "application/json"
    assert form(start) == {"client_id": CLIENT_ID, "scope": "repo read:org"}
    assert [p.route for p in polls] == ["/login/oauth/access_token"] * 5
    assert form(polls[0]) == {"client_id": CLIENT_ID, "device_code": DEVICE_CODE,
                              "grant_type": "urn:ietf:params:oauth:grant-type:device_code"}
    assert (result.token, result.scopes, result.expires_at, result.refresh_token) == (TOKEN, ("repo", "read:org"),
                                                                                      None, None)
    assert SENTINEL not in repr(result)


@pytest.mark.parametrize(("answer", "code", "message"), [
    ("expired_token", "expired_token", "the code expired before the user signed in"),
    ("access_denied", "access_denied", "the user denied access"),
    ("incorrect_client_credentials", "incorrect_client_credentials", "about incorrect_client_credentials"),
])
def test_device_flow_stops_where_github_says_so(server: ScriptedServer, shown: list[tuple[str, str]],
                                                answer: str, code: str, message: str) -> None:
    server.queue(device_code(), error("authorization_pending"), error(answer))
    failure = caught(lambda: sign_in(server, shown))
    assert isinstance(failure, octo.OAuthError)
    assert failure.error == code and message in str(failure)
    assert SENTINEL not in everything_about(failure)
    assert len(server.requests) == 3


@pytest.mark.parametrize(("expires_in", "timeout", "polls"), [(12, None, 2), (900, 21, 4)])
def test_device_flow_gives_up_at_its_deadline_without_polling_past_it(
    server: ScriptedServer, fake_clock: FakeClock, shown: list[tuple[str, str]],
    expires_in: int, timeout: float | None, polls: int
) -> None:
    server.queue(device_code(interval=5, expires_in=expires_in))
    server.handler = lambda request: error("authorization_pending")
    failure = caught(lambda: sign_in(server, shown, timeout=timeout))
    assert isinstance(failure, octo.OAuthError) and failure.error == "expired_token"
    assert len(server.requests) == 1 + polls
    assert sum(fake_clock.sleeps) <= (timeout or expires_in)


def test_answers_that_are_not_what_they_should_be_are_refused_without_their_secrets() -> None:
    for status, body in ((200, b"<html>"), (404, b'{"error": "Not Found"}'), (200, b'{"user_code": "X"}'),
                         (200, f'{{"device_code": "{DEVICE_CODE}", "interval": 5}}'.encode())):
        failure = caught(lambda: read_device_code(status, body))  # noqa: B023
        assert isinstance(failure, octo.OAuthError), body
        assert SENTINEL not in everything_about(failure)
    # A refresh token without an access token: refused, and neither in the traceback's locals.
    failure = caught(lambda: read_token(200, f'{{"refresh_token": "{REFRESH}"}}'.encode(), 0.0))
    assert isinstance(failure, octo.OAuthError) and "refresh_token" not in str(failure)
    assert SENTINEL not in everything_about(failure)


def test_the_decisions_need_no_server() -> None:
    # What an async driver reuses: requests to build, answers to read, waits to carry out.
    code = read_device_code(200, device_code(interval=7).payload())
    poll = DevicePoll(CLIENT_ID, code, now=1000.0, web_url="https://ghe.example.com")
    assert poll.request.url == "https://ghe.example.com/login/oauth/access_token"
    assert poll.wait(1000.0) == 7
    assert poll.read(200, error("slow_down").payload(), 1007.0) is None
    assert poll.wait(1007.0) == 12
    result = poll.read(200, token(expires_in=28800, refresh_token=REFRESH,
                                  refresh_token_expires_in=15897600).payload(), 1019.0)
    assert result is not None
    assert (result.expires_at, result.refresh_token_expires_at) == (1019.0 + 28800, 1019.0 + 15897600)
    assert result.expiring(1019.0 + 28800 - 299) and not result.expiring(1019.0 + 28800 - 301)
    for shown_as in (repr(code), repr(poll), repr(poll.request), repr(poll.request.form), repr(result)):
        assert SENTINEL not in shown_as


def test_web_flow_checks_state_and_sends_the_pkce_verifier(server: ScriptedServer) -> None:
    flow = octo.WebFlow(CLIENT_ID, SENTINEL, redirect_uri="http://127.0.0.1:8000/callback",
                        scopes=["repo"], web_url=server.url)
    url = urlsplit(flow.authorization_url)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{server.url}/login/oauth/authorize"
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query.keys() == {"client_id", "redirect_uri", "scope", "state", "code_challenge",
                            "code_challenge_method"}
    assert (query["client_id"], query["scope"], query["code_challenge_method"]) == (CLIENT_ID, "repo", "S256")
    assert len(query["state"]) >= 32 and query["state"] != octo.WebFlow(CLIENT_ID).state

    forged = caught(lambda: flow.exchange("the-code", "someone-elses-state"))
    assert isinstance(forged, octo.OAuthError) and forged.error == "state_mismatch"
    assert server.requests == []  # nothing was sent for a forged redirect

    server.queue(token())
    assert flow.exchange("the-code", query["state"]).token == TOKEN
    (sent,) = server.requests
    sent_form = form(sent)
    assert sent.route == "/login/oauth/access_token"
    assert {k: sent_form[k] for k in ("client_id", "client_secret", "code", "redirect_uri")} == {
        "client_id": CLIENT_ID, "client_secret": SENTINEL, "code": "the-code",
        "redirect_uri": "http://127.0.0.1:8000/callback"}
    digest = hashlib.sha256(sent_form["code_verifier"].encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == query["code_challenge"]
    assert SENTINEL not in repr(flow) and SENTINEL not in repr(vars(flow))


def test_a_refused_code_exchange_says_why_without_secrets(server: ScriptedServer) -> None:
    flow = octo.WebFlow(CLIENT_ID, SENTINEL, web_url=server.url, pkce=False)
    server.queue(error("bad_verification_code"))
    failure = caught(lambda: flow.exchange(DEVICE_CODE, flow.state))
    assert isinstance(failure, octo.OAuthError) and failure.error == "bad_verification_code"
    assert "code_verifier" not in form(server.requests[0])
    assert SENTINEL not in everything_about(failure)


@pytest.fixture
def rotating() -> Iterator[ScriptedServer]:
    """Each refresh token works once and brings the next one, as GitHub's do."""
    valid = {REFRESH: 1}

    def handler(request: Recorded) -> Reply:
        sent = form(request)
        n = valid.pop(sent.get("refresh_token", ""), None)
        if sent.get("grant_type") != "refresh_token" or n is None or sent.get("client_secret") != SENTINEL:
            return error("bad_refresh_token")
        valid[f"{REFRESH}_{n + 1}"] = n + 1
        return token(access_token=f"{TOKEN}_{n + 1}", expires_in=28800, refresh_token=f"{REFRESH}_{n + 1}",
                     refresh_token_expires_in=15897600)

    with ScriptedServer(handler) as server:
        yield server


def test_refresh_rotates_the_refresh_token(rotating: ScriptedServer, fake_clock: FakeClock) -> None:
    first = refresh(CLIENT_ID, SENTINEL, REFRESH, web_url=rotating.url)
    assert (first.token, first.refresh_token) == (f"{TOKEN}_2", f"{REFRESH}_2")
    assert first.expires_at == fake_clock.now + 28800
    second = refresh(CLIENT_ID, SENTINEL, first.refresh_token or "", web_url=rotating.url)
    assert second.refresh_token == f"{REFRESH}_3"
    reused = caught(lambda: refresh(CLIENT_ID, SENTINEL, REFRESH, web_url=rotating.url))
    assert isinstance(reused, octo.OAuthError) and reused.error == "bad_refresh_token"
    assert SENTINEL not in everything_about(reused)


def test_a_refused_refresh_says_what_github_answered(server: ScriptedServer) -> None:
    server.queue(error("bad_refresh_token"), Reply(502, json={}))
    refused = caught(lambda: refresh(CLIENT_ID, SENTINEL, REFRESH, web_url=server.url))
    assert isinstance(refused, octo.OAuthError)
    assert str(refused) == "token refresh: GitHub answered bad_refresh_token (about bad_refresh_token)"
    assert (refused.error, refused.status) == ("bad_refresh_token", 200)
    bare = caught(lambda: refresh(CLIENT_ID, SENTINEL, REFRESH, web_url=server.url))
    assert isinstance(bare, octo.OAuthError)
    assert (str(bare), bare.error, bare.status) == ("token refresh: GitHub answered 502", None, 502)
    assert form(server.requests[0])["client_id"] == CLIENT_ID


def test_a_refresh_goes_through_the_callers_session(server: ScriptedServer) -> None:
    import requests

    session = requests.Session()
    session.headers["X-Through"] = "the caller's session"
    server.queue(token(refresh_token=f"{REFRESH}_2"))
    assert refresh(CLIENT_ID, SENTINEL, REFRESH, web_url=server.url, session=session).refresh_token == f"{REFRESH}_2"
    assert server.requests[0].headers["x-through"] == "the caller's session"


def test_secrets_stay_out_when_github_cannot_be_reached(shown: list[tuple[str, str]]) -> None:
    gone = ScriptedServer()
    gone.__enter__()
    gone.__exit__()
    for call in (lambda: refresh(CLIENT_ID, SENTINEL, REFRESH, web_url=gone.url),
                 lambda: octo.WebFlow(CLIENT_ID, SENTINEL, web_url=gone.url).exchange(
                     DEVICE_CODE, "x"),
                 lambda: octo.device_flow(CLIENT_ID, on_code=lambda c, u: None, web_url=gone.url)):
        failure = caught(call)
        assert isinstance(failure, octo.OctoError), failure
        assert SENTINEL not in everything_about(failure)
    failure = caught(lambda: refresh(CLIENT_ID, SENTINEL, REFRESH, web_url=gone.url))
    assert isinstance(failure, octo.TransportError) and failure.__context__ is None


def test_a_secret_is_never_sent_over_plain_http_but_to_loopback() -> None:
    failure = caught(lambda: octo.device_flow(CLIENT_ID, on_code=print, web_url="http://github.example.com"))
    assert isinstance(failure, ValueError) and "plain http" in str(failure)
    assert FormPost("http://127.0.0.1:1/x", {}).url.startswith("http://")
