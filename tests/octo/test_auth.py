"""GitHub App authentication against a loopback GitHub that checks the app's
JWT with its public key, mints installation tokens and counts the mints.
Time is a frozen clock that only the test (and the fake sleep) moves."""

from __future__ import annotations

import logging
import os
import pickle
import re
import subprocess
import sys
import threading
import traceback
from datetime import UTC, datetime
from email.utils import formatdate
from typing import Any

import jwt
import pytest
from blocking import pool
from conftest import SENTINEL
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from keys import APP_KEY, OTHER_KEY
from server import Recorded, Reply, ScriptedServer

import octo

APP_ID = 123456
INSTALLATIONS = {"repos/octocat/hello-world": 42, "orgs/octo-org": 7, "users/monalisa": 9}
START = 1_800_000_000.0  # 2027-01-15, far from the real clock on purpose


class Clock:
    """Frozen time: moves only by `advance` and by the client's sleeps, which it records."""

    def __init__(self) -> None:
        self.now = START
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class FakeGitHub:
    """The app endpoints of GitHub, with its JWT rules, on the test's clock
    plus `skew`."""

    def __init__(self, clock: Clock, public_key: Any, *, skew: float = 0.0,
                 token_lifetime: float = 3600, lag: int = 0, mint_delay: float = 0.0) -> None:
        self.clock = clock
        self.public_key = public_key
        self.skew = skew
        self.token_lifetime = token_lifetime
        self.lag = lag  # requests a new token is refused for (replication lag)
        self.mint_delay = mint_delay
        self.mints: list[int] = []
        self.jwts: list[str] = []
        self.jwt_refusals: list[str] = []
        self.tokens: dict[str, tuple[int, float]] = {}
        self._refusals: dict[str, int] = {}
        self._lock = threading.Lock()

    def now(self) -> float:
        return self.clock.now + self.skew

    def reply(self, status: int, body: Any, delay: float = 0.0) -> Reply:
        return Reply(status, json=body, headers={"date": formatdate(self.now(), usegmt=True)}, delay=delay)

    def __call__(self, request: Recorded) -> Reply:
        credential = request.headers.get("authorization", "").removeprefix("Bearer ")
        route = request.route
        if route.startswith(("/app", "/marketplace_listing/")) or route.endswith("/installation"):
            problem = self.check_jwt(credential)
            if problem:
                self.jwt_refusals.append(problem)
                return self.reply(401, {"message": problem, "documentation_url": "https://docs.github.com/rest"})
            minting = re.fullmatch(r"/app/installations/(\d+)/access_tokens", route)
            if minting and request.method == "POST":
                return self.mint(int(minting[1]))
            if route.endswith("/installation"):
                found = INSTALLATIONS.get(route.removesuffix("/installation").strip("/"))
                return self.reply(200, {"id": found}) if found else self.reply(404, {"message": "Not Found"})
            if route.startswith("/marketplace_listing/"):
                return self.reply(200, [{"id": 1, "name": "Free"}])
            return self.reply(200, {"id": APP_ID, "slug": "octo-test"})
        with self._lock:
            entry = self.tokens.get(credential)
            if entry is None or entry[1] <= self.now():
                return self.reply(401, {"message": "Bad credentials"})
            if self._refusals.get(credential, 0) > 0:
                self._refusals[credential] -= 1
                return self.reply(401, {"message": "Bad credentials"})
        return self.reply(200, {"installation": entry[0]})

    def check_jwt(self, credential: str) -> str | None:
        try:  # the signature; the times follow GitHub's rules below, on GitHub's clock
            claims = jwt.decode(credential, self.public_key, algorithms=["RS256"],
                                options={"verify_exp": False, "verify_iat": False})
        except jwt.InvalidTokenError:
            return "A JSON web token could not be decoded"
        self.jwts.append(credential)
        now = self.now()
        if not isinstance(claims.get("iat"), int) or claims["iat"] > now:
            return "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"
        if not isinstance(claims.get("exp"), int) or claims["exp"] <= now:
            return ("'Expiration time' claim ('exp') must be a numeric value representing the future "
                    "time at which the assertion expires")
        if claims["exp"] - claims["iat"] > 600 or claims["exp"] > now + 600:
            return "'Expiration time' claim ('exp') is too far in the future"
        if claims.get("iss") != str(APP_ID):
            return "Integration not found"
        return None

    def mint(self, installation_id: int) -> Reply:
        with self._lock:
            self.mints.append(installation_id)
            token = f"ghs_{SENTINEL}_{len(self.mints)}"
            expires = self.now() + self.token_lifetime
            self.tokens[token] = (installation_id, expires)
            self._refusals[token] = self.lag
        iso = datetime.fromtimestamp(expires, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return self.reply(201, {"token": token, "expires_at": iso,
                                "permissions": {"contents": "read"}}, delay=self.mint_delay)

    def revoke_all(self) -> None:
        with self._lock:
            self.tokens.clear()


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return APP_KEY


@pytest.fixture(scope="module")
def pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption()).decode()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def github(clock: Clock, key: rsa.RSAPrivateKey) -> FakeGitHub:
    return FakeGitHub(clock, key.public_key())


@pytest.fixture
def server(github: FakeGitHub) -> Any:
    with ScriptedServer(github) as s:
        yield s


def app_client(server: ScriptedServer, key: Any, clock: Clock, installation_id: int | None = 42) -> octo.Octo:
    # The key object, not its PEM: parsing a PEM validates the key, ~0.1 s a test.
    auth = octo.AppAuth(APP_ID, key, installation_id, clock=clock, sleep=clock.sleep)
    return octo.Octo(auth=auth, base_url=server.url)


def credentials(server: ScriptedServer) -> list[tuple[str, str, str]]:
    """(method, route, kind of credential) of every request that arrived."""
    out = []
    for r in server.requests:
        value = r.headers.get("authorization", "")
        kind = "token" if value.startswith("Bearer ghs_") else "jwt" if value.count(".") == 2 else value
        out.append((r.method, r.route, kind))
    return out


MINT = ("POST", "/app/installations/42/access_tokens", "jwt")


class TestTokens:
    def test_installation_token_is_minted_once_and_reused(
        self, server: ScriptedServer, github: FakeGitHub, key: rsa.RSAPrivateKey, clock: Clock
    ) -> None:
        gh = app_client(server, key, clock)
        for _ in range(3):
            assert gh.repos.get("o", "r").data == {"installation": 42}
        assert github.mints == [42]
        assert credentials(server) == [MINT] + [("GET", "/repos/o/r", "token")] * 3
        claims = jwt.decode(github.jwts[0], options={"verify_signature": False})
        assert claims == {"iat": int(START) - 60, "exp": int(START) - 60 + 600, "iss": str(APP_ID)}
        assert server.requests[0].headers["user-agent"].startswith("octo-github/")

    def test_app_routes_use_the_jwt_and_mint_nothing(
        self, server: ScriptedServer, github: FakeGitHub, key: rsa.RSAPrivateKey, clock: Clock
    ) -> None:
        gh = app_client(server, key, clock, installation_id=None)
        assert gh.request("GET /app").data["id"] == APP_ID
        assert gh.request("GET /repos/{owner}/{repo}/installation",
                          path={"owner": "octocat", "repo": "hello-world"}).data["id"] == 42
        assert credentials(server) == [("GET", "/app", "jwt"),
                                       ("GET", "/repos/octocat/hello-world/installation", "jwt")]
        assert github.mints == []

    def test_marketplace_listing_routes_use_the_jwt_even_for_an_installation(
        self, server: ScriptedServer, github: FakeGitHub, key: rsa.RSAPrivateKey, clock: Clock
    ) -> None:
        gh = app_client(server, key, clock)  # has an installation: other routes would mint
        assert gh.apps.list_plans().data == [{"id": 1, "name": "Free"}]
        assert gh.apps.list_accounts_for_plan_stubbed(1).status == 200
        assert credentials(server) == [("GET", "/marketplace_listing/plans", "jwt"),
                                       ("GET", "/marketplace_listing/stubbed/plans/1/accounts", "jwt")]
        assert github.mints == []

    def test_jwt_is_reused_until_close_to_expiry(
        self, server: ScriptedServer, github: FakeGitHub, key: rsa.RSAPrivateKey, clock: Clock
    ) -> None:
        gh = app_client(server, key, clock)
        for advance in (0, 420, 60):  # 8 minutes: still more than a minute of the JWT left
            clock.now += advance
            gh.request("GET /app")
        clock.now += 31  # 29 s left: sign again rather than risk expiry in flight
        gh.request("GET /app")
        assert len(set(github.jwts)) == 2 and len(github.jwts) == 4
        assert github.jwt_refusals == []

    @pytest.mark.parametrize(("lifetime", "later", "mints"), [
        (3600, 3299, 1),  # 301 s left: keep
        (3600, 3301, 2),  # 299 s left: replace
        (240, 119, 1),  # a token shorter-lived than the margin is kept for half its life
        (240, 121, 2),
    ])
    def test_token_replaced_when_less_than_five_minutes_remain(
        self, server: ScriptedServer, github: FakeGitHub, key: rsa.RSAPrivateKey, clock: Clock,
        lifetime: float, later: float, mints: int
    ) -> None:
        github.token_lifetime = lifetime
        gh = app_client(server, key, clock)
        gh.repos.get("o", "r")
        clock.now += later
        gh.repos.get("o", "r")
        assert len(github.mints) == mints
        assert github.jwt_refusals == []  # the JWT for the second mint was signed anew, not expired

    def test_cache_is_per_installation_and_shared_by_derived_clients(
        self, server: ScriptedServer, github: FakeGitHub, key: rsa.RSAPrivateKey, clock: Clock
    ) -> None:
        app = app_client(server, key, clock, installation_id=None)
        a, b, a_again = app.for_installation(42), app.for_installation(7), app.for_installation(42)
        assert a.repos.get("o", "r").data == {"installation": 42}
        assert b.repos.get("o", "r").data == {"installation": 7}
        assert a_again.repos.get("o", "r").data == {"installation": 42}
        assert github.mints == [42, 7]
        assert len(set(github.jwts)) == 1
        assert pool(a) is pool(app) and a.base_url == app.base_url

    def test_a_cached_token_github_refuses_is_replaced_once(
        self, server: ScriptedServer, github: FakeGitHub, key: rsa.RSAPrivateKey, clock: Clock
    ) -> None:
        gh = app_client(server, key, clock)
        gh.repos.get("o", "r")
        clock.now += 600
        github.revoke_all()
        assert gh.repos.get("o", "r").status == 200
        assert github.mints == [42, 42] and clock.sleeps == []


class TestMintAnswers:
    @pytest.mark.parametrize("body", [{"token": "", "expires_at": "2027-01-15T09:00:00Z"}, [{"token": "x"}]])
    def test_an_answer_without_a_token_is_an_error_that_says_so(
        self, server: ScriptedServer, key: rsa.RSAPrivateKey, clock: Clock, body: Any
    ) -> None:
        server.handler = lambda request: Reply(201, json=body, headers={"x-github-request-id": "MINT:1"})
        with pytest.raises(octo.OctoError) as info:
            app_client(server, key, clock).repos.get("o", "r")
        assert type(info.value) is octo.OctoError
        assert str(info.value) == "the access token answer for installation 42 has no usable token (request id MINT:1)"

    def test_a_token_lives_as_long_as_githubs_clock_says(
        self, server: ScriptedServer, github: FakeGitHub, key: rsa.RSAPrivateKey, clock: Clock
    ) -> None:
        # GitHub's clock is 50 s behind ours: too little to refuse the JWT, so octo never learns
        # the offset, yet the hour is GitHub's. Measured by our clock it would end 50 s early.
        github.skew = -50
        gh = app_client(server, key, clock)
        gh.repos.get("o", "r")
        clock.now += 3600 - 300 - 30  # 30 s before the 5-minute margin, in GitHub's reckoning
        gh.repos.get("o", "r")
        assert github.mints == [42]
        clock.now += 60
        gh.repos.get("o", "r")
        assert github.mints == [42, 42]


class TestReplicationLag:
    def test_401_right_after_minting_is_retried_after_1_then_2_seconds(
        self, server: ScriptedServer, github: FakeGitHub, key: rsa.RSAPrivateKey, clock: Clock,
        caplog: pytest.LogCaptureFixture
    ) -> None:
        github.lag = 2
        with caplog.at_level(logging.WARNING, logger="octo"):
            assert app_client(server, key, clock).repos.get("o", "r").status == 200
        assert clock.sleeps == [1, 2]
        assert github.mints == [42]
        assert credentials(server) == [MINT] + [("GET", "/repos/o/r", "token")] * 3
        assert [r.levelname for r in caplog.records] == ["WARNING", "WARNING"]
        assert "replication lag" in caplog.records[0].getMessage()

    def test_an_upload_from_a_pipe_is_not_sent_again_empty(
        self, server: ScriptedServer, github: FakeGitHub, key: rsa.RSAPrivateKey, clock: Clock
    ) -> None:
        github.lag = 1
        read, write = os.pipe()
        os.write(write, b"asset bytes")
        os.close(write)
        with open(read, "rb") as pipe, pytest.raises(octo.OctoError, match="cannot be read twice"):
            octo.upload(f"{server.url}/repos/o/r/releases/1/assets{{?name,label}}", pipe, name="a.bin",
                        client=app_client(server, key, clock))
        assert credentials(server) == [MINT, ("POST", "/repos/o/r/releases/1/assets", "token")]

    def test_then_it_fails(self, server: ScriptedServer, github: FakeGitHub, key: rsa.RSAPrivateKey,
                           clock: Clock) -> None:
        github.lag = 10
        with pytest.raises(octo.UnauthorizedError):
            app_client(server, key, clock).repos.get("o", "r")
        assert clock.sleeps == [1, 2]
        assert credentials(server) == [MINT] + [("GET", "/repos/o/r", "token")] * 3


class TestClockSkew:
    @pytest.mark.parametrize("skew", [3600.0, -3600.0])  # GitHub's clock ahead, behind
    def test_jwt_rejected_for_its_times_is_signed_again_with_githubs_date(
        self, server: ScriptedServer, github: FakeGitHub, key: rsa.RSAPrivateKey, clock: Clock, skew: float,
        caplog: pytest.LogCaptureFixture
    ) -> None:
        github.skew = skew
        gh = app_client(server, key, clock)
        with caplog.at_level(logging.WARNING, logger="octo"):
            assert gh.repos.get("o", "r").status == 200
        assert len(github.jwt_refusals) == 1 and re.search(r"\b(iat|exp)\b", github.jwt_refusals[0])
        assert credentials(server) == [MINT, MINT, ("GET", "/repos/o/r", "token")]
        assert f"{skew:+.0f} s" in caplog.text
        # Later JWTs carry the offset, and the token's life is counted on GitHub's clock.
        clock.now += 3301
        gh.repos.get("o", "r")
        assert github.mints == [42, 42] and len(github.jwt_refusals) == 1

    def test_it_is_signed_again_only_once(self, server: ScriptedServer, key: rsa.RSAPrivateKey, clock: Clock) -> None:
        refusal = {"message": "'Issued at' claim ('iat') must be an Integer representing the time "
                              "that the assertion was issued"}
        server.queue(*[Reply(401, json=refusal, headers={"date": formatdate(START + 900, usegmt=True)})] * 3)
        with pytest.raises(octo.UnauthorizedError, match="iat"):
            app_client(server, key, clock).request("GET /app")
        assert len(server.requests) == 2

    @pytest.mark.parametrize(("message", "date"), [
        ("A JSON web token could not be decoded", formatdate(START + 900, usegmt=True)),
        ("'Issued at' claim ('iat') must be an Integer", ""),  # no usable Date to correct by
    ])
    def test_other_refusals_are_not_retried(self, server: ScriptedServer, key: rsa.RSAPrivateKey, clock: Clock,
                                             message: str, date: str) -> None:
        server.queue(Reply(401, json={"message": message}, headers={"date": date}))
        with pytest.raises(octo.UnauthorizedError):
            app_client(server, key, clock).request("GET /app")
        assert len(server.requests) == 1

    def test_a_key_github_does_not_know_is_refused_once(
        self, server: ScriptedServer, github: FakeGitHub, clock: Clock
    ) -> None:
        other = OTHER_KEY
        gh = octo.Octo(auth=octo.AppAuth(APP_ID, other, 42, clock=clock, sleep=clock.sleep),
                       base_url=server.url)
        with pytest.raises(octo.UnauthorizedError, match="could not be decoded"):
            gh.repos.get("o", "r")
        assert len(server.requests) == 1 and clock.sleeps == []


class TestForInstallation:
    @pytest.mark.parametrize(("where", "lookup"), [
        ({"owner": "octocat", "repo": "hello-world"}, "/repos/octocat/hello-world/installation"),
        ({"org": "octo-org"}, "/orgs/octo-org/installation"),
        ({"user": "monalisa"}, "/users/monalisa/installation"),
    ])
    def test_finds_the_installation(self, server: ScriptedServer, github: FakeGitHub, key: rsa.RSAPrivateKey,
                                    clock: Clock, where: dict[str, str], lookup: str) -> None:
        app = app_client(server, key, clock, installation_id=None)
        gh = app.for_installation(**where)
        expected = INSTALLATIONS[lookup.strip("/").removesuffix("/installation")]
        assert gh.repos.get("o", "r").data == {"installation": expected}
        assert credentials(server)[0] == ("GET", lookup, "jwt")
        assert github.mints == [expected]
        kind = getattr(gh, "kind", "Octo")  # AsyncOcto behind the blocking front
        assert repr(gh) == f"<{kind} {server.url} (AppAuth(app_id={APP_ID}, installation_id={expected}))>"

    def test_readme_app_dispatches_an_event(self, server: ScriptedServer, github: FakeGitHub, pem: str,
                                            clock: Clock) -> None:
        app = octo.Octo(auth=octo.AppAuth(APP_ID, pem, clock=clock, sleep=clock.sleep), base_url=server.url)
        gh = app.for_installation(owner="octocat", repo="hello-world")
        gh.repos.create_dispatch_event("octocat", "hello-world", event_type="on-demand-test")
        assert credentials(server) == [("GET", "/repos/octocat/hello-world/installation", "jwt"), MINT,
                                       ("POST", "/repos/octocat/hello-world/dispatches", "token")]
        assert server.requests[-1].json() == {"event_type": "on-demand-test"}

    def test_an_answer_without_an_installation_id_is_an_error(
        self, server: ScriptedServer, key: rsa.RSAPrivateKey, clock: Clock
    ) -> None:
        server.queue(Reply(200, json=[{"id": 42}], headers={"x-github-request-id": "LOOK:1"}))
        with pytest.raises(octo.OctoError) as info:
            app_client(server, key, clock, None).for_installation(org="octo-org")
        assert str(info.value) == "GET /orgs/{org}/installation: the answer has no installation id (request id LOOK:1)"

    def test_unknown_repository_is_not_found(self, server: ScriptedServer, key: rsa.RSAPrivateKey,
                                             clock: Clock) -> None:
        with pytest.raises(octo.NotFoundError):
            app_client(server, key, clock, None).for_installation(owner="octocat", repo="nope")

    @pytest.mark.parametrize("where", [{}, {"owner": "o"}, {"installation_id": 1, "org": "x"},
                                       {"installation_id": 1, "owner": "o"}])
    def test_exactly_one_way_to_name_it(self, server: ScriptedServer, key: rsa.RSAPrivateKey, clock: Clock,
                                        where: dict[str, Any]) -> None:
        with pytest.raises(TypeError) as info:
            app_client(server, key, clock, None).for_installation(**where)
        assert str(info.value) == "pass exactly one of: installation_id, owner= with repo=, org=, user="
        assert server.requests == []

    def test_needs_an_app_client(self, key: rsa.RSAPrivateKey) -> None:
        with pytest.raises(TypeError) as info:
            octo.Octo(SENTINEL).for_installation(42)
        assert str(info.value) == "for_installation needs a client made with auth=octo.AppAuth(...)"
        with pytest.raises(TypeError) as info:
            octo.AppAuth(APP_ID, key).for_installation(None)  # type: ignore[arg-type]
        assert str(info.value) == "installation_id is required"

    def test_app_client_without_installation_refuses_other_routes_before_io(
        self, server: ScriptedServer, key: rsa.RSAPrivateKey, clock: Clock
    ) -> None:
        with pytest.raises(ValueError, match="for_installation"):
            app_client(server, key, clock, None).repos.get("o", "r")
        assert server.requests == []


def test_two_threads_never_mint_two_tokens_for_one_installation(
    server: ScriptedServer, github: FakeGitHub, key: rsa.RSAPrivateKey, clock: Clock
) -> None:
    github.mint_delay = 0.3  # both threads arrive while the first mint is in flight
    app = app_client(server, key, clock, installation_id=None)
    clients = [app.for_installation(42), app.for_installation(42)]
    start = threading.Barrier(2, timeout=5)
    results: list[Any] = []

    def call(gh: octo.Octo) -> None:
        start.wait()
        results.append(gh.repos.get("o", "r").data)

    threads = [threading.Thread(target=call, args=(gh,)) for gh in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert not any(t.is_alive() for t in threads)
    assert results == [{"installation": 42}] * 2
    assert github.mints == [42]


class TestClient:
    def test_token_and_auth_are_exclusive(self, key: rsa.RSAPrivateKey) -> None:
        with pytest.raises(TypeError, match="not both"):
            octo.Octo(SENTINEL, auth=octo.AppAuth(APP_ID, key, 42))

    def test_a_token_passed_as_auth_is_refused_without_echo(self) -> None:
        with pytest.raises(TypeError, match="token=") as info:
            octo.Octo(auth=SENTINEL)  # type: ignore[arg-type]
        assert SENTINEL not in str(info.value)

    def test_no_app_credential_over_plain_http(self, key: rsa.RSAPrivateKey) -> None:
        with pytest.raises(ValueError, match="http"):
            octo.Octo(auth=octo.AppAuth(APP_ID, key, 42), base_url="http://ghe.example.com/api/v3")

    def test_configure_with_auth_ignores_environment_tokens(
        self, server: ScriptedServer, key: rsa.RSAPrivateKey, clock: Clock,
        monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("GITHUB_TOKEN", SENTINEL)
        monkeypatch.setenv("GITHUB_API_URL", server.url)
        octo.configure(auth=octo.AppAuth(APP_ID, key, 42, clock=clock, sleep=clock.sleep))
        octo.repos.get("o", "r")
        assert [kind for *_, kind in credentials(server)] == ["jwt", "token"]

    def test_an_authorization_header_given_by_the_caller_wins(
        self, server: ScriptedServer, github: FakeGitHub, key: rsa.RSAPrivateKey, clock: Clock
    ) -> None:
        server.queue(Reply(200, json={}))
        app_client(server, key, clock).request("GET /user", headers={"authorization": "Bearer mine"})
        assert server.requests[0].headers["authorization"] == "Bearer mine"
        assert github.mints == []

    def test_a_redirect_to_another_origin_gets_no_credential(
        self, server: ScriptedServer, key: rsa.RSAPrivateKey, clock: Clock
    ) -> None:
        gh = app_client(server, key, clock)
        gh.repos.get("o", "r")  # mints
        with ScriptedServer() as elsewhere:
            server.queue(Reply(302, headers={"location": f"{elsewhere.url}/x"}))
            gh.repos.get("o", "r")
            assert "authorization" not in elsewhere.requests[0].headers
        assert credentials(server)[-1] == ("GET", "/repos/o/r", "token")


    def test_every_page_of_a_paginated_list_gets_the_installation_token(
        self, server: ScriptedServer, github: FakeGitHub, key: rsa.RSAPrivateKey, clock: Clock
    ) -> None:
        gh = app_client(server, key, clock)
        gh.repos.get("o", "r")  # mints
        next_page = f'<{server.url}/repositories/1/issues?page=2>; rel="next"'
        server.queue(Reply(200, json=[{"number": 1}], headers={"link": next_page}),
                     Reply(200, json=[{"number": 2}]))
        assert [i["number"] for i in octo.paginate(gh.issues.list_for_repo, "o", "r")] == [1, 2]
        assert credentials(server)[-2:] == [("GET", "/repos/o/r/issues", "token"),
                                            ("GET", "/repositories/1/issues", "token")]
        assert github.mints == [42]

    def test_a_download_is_the_first_call(self, server: ScriptedServer, github: FakeGitHub,
                                           key: rsa.RSAPrivateKey, clock: Clock, tmp_path: Any) -> None:
        # The token is minted inside the download; its JSON answer is not the file.
        archive = Reply(200, body=b"\x1f\x8b tarball", headers={"content-type": "application/x-gzip"})
        server.handler = lambda r: archive if "/tarball/" in r.route else github(r)
        gh = app_client(server, key, clock)
        octo.download(gh.repos.download_tarball_archive, "o", "r", "main", to=tmp_path / "r.tar.gz")
        assert (tmp_path / "r.tar.gz").read_bytes() == b"\x1f\x8b tarball"
        assert credentials(server)[0] == MINT and github.mints == [42]


class TestImports:
    def test_import_octo_does_not_import_jwt_or_cryptography(self) -> None:
        code = ("import sys, octo; octo.AppAuth; octo.webhooks; "
                "print(sorted(m for m in sys.modules if m.split('.')[0] in ('jwt', 'cryptography')))")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert out.stdout.strip() == "[]"

    def test_missing_pyjwt_names_the_extra(self, pem: str, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setitem(sys.modules, "jwt", None)
        with pytest.raises(ImportError, match=r"octo\[app\]"):
            octo.AppAuth(APP_ID, pem, 42)

    def test_real_attributes_not_namespaces(self) -> None:
        assert octo.AppAuth is octo.auth.app.AppAuth
        assert octo.webhooks.verify is sys.modules["octo.webhooks"].verify
        assert octo._default is None  # neither made the default client

    def test_key_with_escaped_newlines_from_an_environment_variable(self, pem: str) -> None:
        assert octo.AppAuth(APP_ID, pem.replace("\n", "\\n"), 42).app_id == APP_ID


class TestSecrets:
    """The private key, JWTs and installation tokens appear in no repr, str,
    error, traceback or log line."""

    def secrets(self, pem: str, github: FakeGitHub) -> list[str]:
        key_lines = [line for line in pem.splitlines() if "-----" not in line]
        return [SENTINEL, *key_lines[1:4], *github.jwts, *github.tokens]

    def test_nothing_secret_in_reprs_errors_or_logs(
        self, server: ScriptedServer, github: FakeGitHub, pem: str, clock: Clock,
        caplog: pytest.LogCaptureFixture
    ) -> None:
        texts: list[str] = []
        github.lag = 5
        github.skew = 900
        app = octo.Octo(auth=octo.AppAuth(APP_ID, pem, clock=clock, sleep=clock.sleep), base_url=server.url)
        gh = app.for_installation(owner="octocat", repo="hello-world")
        with caplog.at_level(logging.DEBUG, logger="octo"):
            with pytest.raises(octo.UnauthorizedError) as lagged:  # skew, then lag, then failure
                gh.repos.get("o", "r")
            server.queue(Reply(200, body='{"token": "ghs_' + SENTINEL + '", "expires_at": "20',
                               headers={"content-type": "application/json"}))
            with pytest.raises(octo.OctoError) as malformed:
                app.for_installation(77).repos.get("o", "r")
            server.queue(Reply(403, json={"message": "Resource not accessible by integration"}))
            with pytest.raises(octo.ForbiddenError) as refused:
                app.for_installation(78).repos.get("o", "r")
        for error in (lagged.value, malformed.value, refused.value):
            texts += [str(error), repr(error), "".join(traceback.format_exception(error)),
                      # as pytest --showlocals, debuggers and error trackers show it (from
                      # octo's frames on: this test's own locals hold the key)
                      "".join(traceback.TracebackException(type(error), error, error.__traceback__.tb_next,
                                                           capture_locals=True).format())]
        for thing in (app, gh, app._auth, gh._auth, gh.repos):
            texts += [repr(thing), str(thing)]
        texts.append(caplog.text)
        assert len(github.jwts) >= 2 and github.tokens  # the scenario did sign and mint
        assert "malformed" in str(malformed.value)
        everything = "\n".join(texts)
        for secret in self.secrets(pem, github):
            assert secret not in everything

    def test_a_bad_key_is_refused_without_echo(self) -> None:
        bad = f"-----BEGIN RSA PRIVATE KEY-----\n{SENTINEL}\n-----END RSA PRIVATE KEY-----\n"
        with pytest.raises(ValueError, match="PEM") as info:
            octo.AppAuth(APP_ID, bad, 42)
        assert SENTINEL not in "".join(traceback.format_exception(info.value))

    def test_app_auth_is_not_pickled(self, key: rsa.RSAPrivateKey) -> None:
        with pytest.raises(TypeError) as info:
            pickle.dumps(octo.AppAuth(APP_ID, key, 42))
        assert str(info.value) == "AppAuth holds a private key and is not pickled"


def test_follow_redirects_false_holds_through_the_app_credential(
    server: ScriptedServer, github: FakeGitHub, key: rsa.RSAPrivateKey, clock: Clock
) -> None:
    location = f"{server.url}/storage/archive.tar.gz"
    server.handler = lambda r: Reply(302, headers={"location": location}) if "/tarball/" in r.route else github(r)
    gh = app_client(server, key, clock)
    r = gh.repos.download_tarball_archive("o", "r", "main", follow_redirects=False)
    assert (r.status, r.headers["location"]) == (302, location)
    assert credentials(server) == [MINT, ("GET", "/repos/o/r/tarball/main", "token")]
