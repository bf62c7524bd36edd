"""`octo.UserAuth`: expiring user tokens against a loopback server playing
both github.com's token endpoint (refresh tokens that rotate) and the API:
refreshed before expiry, once after a 401, never twice at once."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs

import blocking
import pytest
from conftest import SENTINEL, FakeClock
from server import Recorded, Reply, ScriptedServer
from test_secret_contexts import caught, everything_about

import octo

CLIENT_ID = "Iv1.0123456789abcdef"
EIGHT_HOURS = 28800


class GitHub:
    """Refresh tokens work once and bring the next one; the API takes only the newest token."""

    def __init__(self) -> None:
        self.n = 1
        self.refreshes = 0
        self.lock = threading.Lock()
        self.refresh_delay = 0.0
        self.api_refuses = False  # the user revoked the app: every token gets a 401

    def __call__(self, request: Recorded) -> Reply:
        if request.route == "/login/oauth/access_token":
            sent = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
            with self.lock:
                if sent.get("refresh_token") != f"ghr_{self.n}_{SENTINEL}" or sent.get("client_secret") != SENTINEL:
                    return Reply(200, json={"error": "bad_refresh_token", "error_description": "no"})
                self.n += 1
                self.refreshes += 1
                n = self.n
            return Reply(200, json={"access_token": f"ghu_{n}_{SENTINEL}", "token_type": "bearer",
                                    "expires_in": EIGHT_HOURS, "refresh_token": f"ghr_{n}_{SENTINEL}",
                                    "refresh_token_expires_in": 15897600, "scope": ""},
                         delay=self.refresh_delay)
        if not self.api_refuses and request.headers.get("authorization") == f"Bearer ghu_{self.n}_{SENTINEL}":
            return Reply(200, json={"login": "octocat"})
        return Reply(401, json={"message": "Bad credentials"})


@pytest.fixture
def github() -> Iterator[tuple[ScriptedServer, GitHub]]:
    fake = GitHub()
    with ScriptedServer(fake) as server:
        yield server, fake


def user_client(server: ScriptedServer, saved: list[octo.OAuthToken],
                token: octo.OAuthToken | None = None) -> octo.Octo:
    auth = octo.UserAuth(CLIENT_ID, SENTINEL, refresh_token=f"ghr_1_{SENTINEL}", on_refresh=saved.append,
                         web_url=server.url, token=token)
    return octo.Octo(auth=auth, base_url=server.url)


def test_a_refresh_token_alone_is_refreshed_first_and_the_new_one_handed_over(
    github: tuple[ScriptedServer, GitHub], fake_clock: FakeClock
) -> None:
    server, fake = github
    saved: list[octo.OAuthToken] = []
    gh = user_client(server, saved)
    assert gh.users.get_authenticated().data == {"login": "octocat"}
    assert gh.users.get_authenticated().data == {"login": "octocat"}
    assert fake.refreshes == 1
    (token,) = saved
    assert (token.token, token.refresh_token) == (f"ghu_2_{SENTINEL}", f"ghr_2_{SENTINEL}")
    assert token.expires_at == fake_clock.now + EIGHT_HOURS
    # Shortly before it expires, the next call refreshes first, with the rotated refresh token.
    fake_clock.now += EIGHT_HOURS - 200
    assert gh.users.get_authenticated().status == 200
    assert fake.refreshes == 2 and saved[-1].refresh_token == f"ghr_3_{SENTINEL}"
    assert [r.route for r in server.requests].count("/login/oauth/access_token") == 2


def test_a_401_refreshes_once_and_sends_the_call_again(github: tuple[ScriptedServer, GitHub]) -> None:
    server, fake = github
    saved: list[octo.OAuthToken] = []
    revoked = octo.OAuthToken(f"ghu_0_{SENTINEL}", expires_at=None)  # GitHub no longer takes it
    gh = user_client(server, saved, token=revoked)
    assert gh.users.get_authenticated().data == {"login": "octocat"}
    assert fake.refreshes == 1
    assert [r.route for r in server.requests] == ["/user", "/login/oauth/access_token", "/user"]
    # A 401 to the token just refreshed is the answer: no second refresh for one call.
    fake.api_refuses = True
    failure = caught(lambda: gh.users.get_authenticated())
    assert isinstance(failure, octo.UnauthorizedError)
    assert fake.refreshes == 2
    assert [r.route for r in server.requests[3:]] == ["/user", "/login/oauth/access_token", "/user"]
    assert SENTINEL not in everything_about(failure)


def test_threads_never_refresh_twice_at_once(github: tuple[ScriptedServer, GitHub]) -> None:
    server, fake = github
    fake.refresh_delay = 0.2  # every thread arrives while the first refresh is on its way
    saved: list[octo.OAuthToken] = []
    gh = user_client(server, saved)
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: gh.users.get_authenticated().status, range(16)))
    assert statuses == [200] * 16
    assert fake.refreshes == 1 and len(saved) == 1


def test_threads_refused_at_once_share_one_refresh(github: tuple[ScriptedServer, GitHub]) -> None:
    server, fake = github
    revoked = octo.OAuthToken(f"ghu_0_{SENTINEL}")
    gh = user_client(server, [], token=revoked)
    barrier = threading.Barrier(8)

    def call(_: int) -> int:
        barrier.wait(5)  # all eight send the revoked token before any refresh
        return gh.users.get_authenticated().status

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(call, range(8))) == [200] * 8
    assert fake.refreshes == 1


def test_a_refused_refresh_says_so_without_secrets(github: tuple[ScriptedServer, GitHub]) -> None:
    server, _ = github
    auth = octo.UserAuth(CLIENT_ID, SENTINEL, refresh_token=f"ghr_old_{SENTINEL}", web_url=server.url)
    gh = octo.Octo(auth=auth, base_url=server.url)
    failure = caught(lambda: gh.users.get_authenticated())
    assert isinstance(failure, octo.OAuthError) and failure.error == "bad_refresh_token"
    assert SENTINEL not in everything_about(failure)
    assert SENTINEL not in repr(auth) + repr(gh) + repr(vars(auth))


def test_the_token_goes_to_the_api_origin_only(github: tuple[ScriptedServer, GitHub]) -> None:
    server, _ = github
    with ScriptedServer() as elsewhere:
        gh = user_client(server, [])
        gh.request(f"GET {elsewhere.url}/somewhere")
        assert "authorization" not in elsewhere.requests[0].headers


@pytest.mark.sync_only("it makes an Octo and an AsyncOcto of its own")
def test_a_sync_and_an_async_client_sharing_the_auth_refresh_once(github: tuple[ScriptedServer, GitHub]) -> None:
    server, fake = github
    fake.refresh_delay = 0.2  # both arrive while the first refresh is on its way
    saved: list[octo.OAuthToken] = []
    auth = octo.UserAuth(CLIENT_ID, SENTINEL, refresh_token=f"ghr_1_{SENTINEL}", on_refresh=saved.append,
                         web_url=server.url)
    sync_client = octo.Octo(auth=auth, base_url=server.url)
    async_client = octo.AsyncOcto(auth=auth, base_url=server.url)
    blocking.made.append(async_client)

    async def four_tasks() -> list[int]:
        answers = await asyncio.gather(*(async_client.users.get_authenticated() for _ in range(4)))
        return [answer.status for answer in answers]

    with ThreadPoolExecutor(2) as pool:
        from_thread = pool.submit(lambda: sync_client.users.get_authenticated().status)
        assert blocking.wait(four_tasks()) == [200] * 4
        assert from_thread.result(5) == 200
    assert fake.refreshes == 1 and len(saved) == 1


@pytest.mark.sync_only("it runs an AsyncOcto on a loop of its own")
def test_an_async_refresh_leaves_the_loop_free(github: tuple[ScriptedServer, GitHub]) -> None:
    server, fake = github
    fake.refresh_delay = 0.3
    auth = octo.UserAuth(CLIENT_ID, SENTINEL, refresh_token=f"ghr_1_{SENTINEL}", web_url=server.url)

    async def call_and_count() -> tuple[int, int]:
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticker = asyncio.ensure_future(tick())
        async with octo.AsyncOcto(auth=auth, base_url=server.url) as gh:
            status = (await gh.users.get_authenticated()).status
        ticker.cancel()
        return status, ticks

    status, ticks = asyncio.run(call_and_count())
    assert status == 200 and fake.refreshes == 1
    assert ticks >= 10  # the loop ran other tasks during the 0.3 s refresh


def test_an_on_refresh_that_fails_is_raised_without_secrets(github: tuple[ScriptedServer, GitHub]) -> None:
    server, fake = github

    def cannot_store(token: octo.OAuthToken) -> None:
        raise OSError("the disk is full")

    auth = octo.UserAuth(CLIENT_ID, SENTINEL, refresh_token=f"ghr_1_{SENTINEL}", on_refresh=cannot_store,
                         web_url=server.url)
    failure = caught(lambda: octo.Octo(auth=auth, base_url=server.url).users.get_authenticated())
    assert isinstance(failure, OSError) and fake.refreshes == 1
    assert SENTINEL not in everything_about(failure)
