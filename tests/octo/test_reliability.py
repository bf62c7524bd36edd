"""The "Defaults" table of reliability.md, row by row, against a scripted
loopback server. Waits run on the fake clock of conftest: they take no time
and are asserted exactly."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path

import pytest
from blocking import trusting
from conftest import SENTINEL, FakeClock
from server import Reply, ScriptedServer
from tls import make_certificate, server_context

import octo
from octo.core.retry import Retrier

SECONDARY_MESSAGE = ("You have exceeded a secondary rate limit. Please wait a few minutes "
                     "before you try again.")


@pytest.fixture
def no_jitter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Retrier, "jitter", staticmethod(lambda wait: wait))


def primary(clock: FakeClock, reset_in: int, status: int = 403, resource: str = "core") -> Reply:
    return Reply(status, json={"message": "API rate limit exceeded for user ID 1."}, headers={
        "x-ratelimit-limit": "5000", "x-ratelimit-remaining": "0", "x-ratelimit-used": "5000",
        "x-ratelimit-reset": str(int(clock.now) + reset_in), "x-ratelimit-resource": resource,
        "x-github-request-id": "RATE:1",
    })


def secondary(status: int = 403, **headers: str) -> Reply:
    return Reply(status, json={"message": SECONDARY_MESSAGE},
                 headers={k.replace("_", "-"): v for k, v in headers.items()})


def sent(server: ScriptedServer) -> list[tuple[str, str]]:
    return [(r.method, r.route) for r in server.requests]


# -- timeout -------------------------------------------------------------------

class TestTimeout:
    def test_default_is_connect_10_read_30_and_never_none(self) -> None:
        assert octo.Octo().timeout == (10.0, 30.0)
        assert octo.Octo(timeout=5).timeout == 5
        assert octo.Octo(timeout=(2, 7)).timeout == (2, 7)
        for bad in (None, 0, -1, (1, None), (1, 2, 0), (1, 2, 3, 4), "5"):
            with pytest.raises(ValueError, match="timeout"):
                octo.Octo(timeout=bad)  # type: ignore[arg-type]

    @pytest.mark.parametrize("how", ["client", "call", "call-pair"])
    def test_stalled_server_is_a_transport_error_after_the_timeout(
        self, server: ScriptedServer, how: str
    ) -> None:
        # The stall is far longer than the bound, so a slow machine cannot blur the two.
        server.queue(Reply(200, json={}, delay=10.0))
        gh = octo.Octo(SENTINEL, base_url=server.url, retries=0,
                       timeout=0.1 if how == "client" else 30)
        timeout = {"client": octo.OMIT, "call": 0.1, "call-pair": (5, 0.1)}[how]
        started = time.monotonic()
        with pytest.raises(octo.TransportError, match="timed out") as info:
            gh.repos.get("o", "r", timeout=timeout)
        assert time.monotonic() - started < 5
        assert info.value.sent and info.value.status is None

    def test_a_timed_out_get_is_retried(self, server: ScriptedServer, fake_clock: FakeClock,
                                        no_jitter: None) -> None:
        server.queue(Reply(200, json={}, delay=0.5), Reply(200, json={"ok": True}))
        gh = octo.Octo(SENTINEL, base_url=server.url, timeout=0.1)
        assert gh.repos.get("o", "r").data == {"ok": True}
        assert fake_clock.sleeps == [1]


# -- retries of 500/502/503/504 and transport errors ---------------------------

class TestRetries:
    @pytest.mark.parametrize("status", [500, 502, 503, 504])
    def test_5xx_is_retried_3_times_after_1_4_9_s(
        self, server: ScriptedServer, client: octo.Octo, fake_clock: FakeClock, no_jitter: None,
        status: int,
    ) -> None:
        server.queue(*[Reply(status, json={"message": "oops"})] * 3, Reply(200, json={"ok": 1}))
        assert client.repos.get("o", "r").data == {"ok": 1}
        assert fake_clock.sleeps == [1, 4, 9]
        server.queue(*[Reply(status, json={"message": "oops"})] * 4)
        with pytest.raises(octo.ServerError):
            client.repos.get("o", "r")
        assert len(server.requests) == 8
        assert fake_clock.sleeps == [1, 4, 9, 1, 4, 9]

    def test_waits_have_20_percent_jitter(self, server: ScriptedServer, client: octo.Octo,
                                          fake_clock: FakeClock) -> None:
        for _ in range(5):
            server.queue(*[Reply(502)] * 4)
            with pytest.raises(octo.ServerError):
                client.repos.get("o", "r")
        for i, wait in enumerate(fake_clock.sleeps):
            base = [1, 4, 9][i % 3]
            assert 0.8 * base <= wait <= 1.2 * base
        assert len(set(fake_clock.sleeps)) > 3  # spread, not in step
        # The spread is the whole ±20 %, not a narrower band inside it: of 2,000
        # draws, some land within 1 % of each end (a miss has odds of 0.95^2000).
        spread = [Retrier().jitter(100.0) for _ in range(2000)]
        assert 80 <= min(spread) < 81 and 119 < max(spread) <= 120

    def test_max_rate_limit_wait_does_not_cap_octos_own_backoff(
        self, server: ScriptedServer, fake_clock: FakeClock, no_jitter: None
    ) -> None:
        server.queue(Reply(502), Reply(502), Reply(200, json={"ok": 1}))
        gh = octo.Octo(SENTINEL, base_url=server.url, max_rate_limit_wait=0)
        assert gh.repos.get("o", "r").data == {"ok": 1}
        assert fake_clock.sleeps == [1, 4]

    def test_retry_after_on_a_5xx_is_waited_instead(
        self, server: ScriptedServer, client: octo.Octo, fake_clock: FakeClock
    ) -> None:
        server.queue(Reply(503, headers={"retry-after": "7"}), Reply(200, json={}))
        client.repos.get("o", "r")
        assert fake_clock.sleeps == [7]

    @pytest.mark.parametrize("fault", ["reset", "truncate"])
    def test_transport_failure_of_a_get_is_retried(
        self, server: ScriptedServer, client: octo.Octo, fake_clock: FakeClock, no_jitter: None,
        fault: str,
    ) -> None:
        server.queue(Reply(200, json={"x": "y" * 500}, fault=fault), Reply(200, json={"ok": 1}))
        assert client.repos.get("o", "r").data == {"ok": 1}
        assert len(server.requests) == 2
        assert fake_clock.sleeps == [1]

    def test_a_download_cut_short_is_retried_from_the_start(
        self, server: ScriptedServer, client: octo.Octo, fake_clock: FakeClock, no_jitter: None,
        tmp_path: Path,
    ) -> None:
        whole = bytes(range(256)) * 400
        kind = {"content-type": "application/octet-stream"}
        server.queue(Reply(200, body=whole, headers=kind, fault="truncate"),
                     Reply(200, body=whole, headers=kind))
        octo.download(f"{server.url}/repos/o/r/releases/assets/1", to=tmp_path / "asset", client=client)
        assert (tmp_path / "asset").read_bytes() == whole
        assert len(server.requests) == 2 and fake_clock.sleeps == [1]

    def test_refused_connection_is_retried_then_raised(self, fake_clock: FakeClock,
                                                       no_jitter: None) -> None:
        with ScriptedServer() as gone:
            url = gone.url
        with pytest.raises(octo.TransportError, match="could not connect") as info:
            octo.Octo(SENTINEL, base_url=url).repos.get("o", "r")
        assert info.value.sent is False
        assert fake_clock.sleeps == [1, 4, 9]

    def test_retries_sets_the_count_and_0_disables(
        self, server: ScriptedServer, fake_clock: FakeClock, no_jitter: None
    ) -> None:
        server.queue(*[Reply(502)] * 2)
        with pytest.raises(octo.ServerError):
            octo.Octo(base_url=server.url, retries=1).repos.get("o", "r")
        assert (len(server.requests), fake_clock.sleeps) == (2, [1])
        for reply in (Reply(502), Reply(fault="reset"), secondary(), primary(fake_clock, 10)):
            server.requests.clear()
            server.queue(reply)
            with pytest.raises(octo.OctoError):
                octo.Octo(base_url=server.url, retries=0).repos.get("o", "r")
            assert len(server.requests) == 1
        assert fake_clock.sleeps == [1]
        for bad in (-1, 1.5, True, "3"):
            with pytest.raises(ValueError, match="retries"):
                octo.Octo(retries=bad)  # type: ignore[arg-type]


# -- which methods are retried ---------------------------------------------------

class TestWhichMethods:
    @pytest.mark.parametrize("method", ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"])
    @pytest.mark.parametrize("fault", [None, "reset"])
    def test_idempotent_methods_are_retried(
        self, server: ScriptedServer, client: octo.Octo, method: str, fault: str | None
    ) -> None:
        server.queue(Reply(502, fault=fault), Reply(204))
        assert client.request(f"{method} /repos/o/r/thing").status == 204
        assert sent(server) == [(method, "/repos/o/r/thing")] * 2

    @pytest.mark.parametrize("method", ["POST", "PATCH"])
    @pytest.mark.parametrize(("fault", "error"), [
        (None, octo.ServerError), ("reset", octo.TransportError),
        ("truncate", octo.InvalidResponseError),
    ])
    def test_post_and_patch_are_never_sent_twice_once_they_may_have_arrived(
        self, server: ScriptedServer, client: octo.Octo, fake_clock: FakeClock, method: str,
        fault: str | None, error: type[octo.OctoError],
    ) -> None:
        server.queue(Reply(502 if fault is None else 201, json={"id": 1}, fault=fault))
        with pytest.raises(error):
            client.request(f"{method} /repos/o/r/issues", body={"title": "once"})
        assert sent(server) == [(method, "/repos/o/r/issues")]
        assert fake_clock.sleeps == []

    def test_post_to_a_refused_connection_is_retried(self, fake_clock: FakeClock) -> None:
        with ScriptedServer() as gone:
            port = gone.port
        revived: list[ScriptedServer] = []

        def sleep(seconds: float) -> None:
            # The server comes up while the client waits to retry.
            fake_clock.sleep(seconds)
            if not revived:
                revived.append(ScriptedServer(port=port).__enter__())

        gh = octo.Octo(SENTINEL, base_url=f"http://127.0.0.1:{port}")
        gh._retry.sleep = sleep
        try:
            r = gh.repos.create_dispatch_event("o", "r", event_type="deploy")
        finally:
            for s in revived:
                s.__exit__()
        assert r.status == 200
        assert sent(revived[0]) == [("POST", "/repos/o/r/dispatches")]
        assert len(fake_clock.sleeps) == 1


# -- never retried ----------------------------------------------------------------

@pytest.mark.parametrize(("status", "error"), [
    (400, octo.BadRequestError), (401, octo.UnauthorizedError), (403, octo.ForbiddenError),
    (404, octo.NotFoundError), (410, octo.GoneError), (422, octo.ValidationFailedError),
    (451, octo.RequestError),
])
def test_client_errors_are_never_retried(
    server: ScriptedServer, client: octo.Octo, fake_clock: FakeClock, status: int,
    error: type[octo.RequestError],
) -> None:
    server.queue(Reply(status, json={"message": "no"}), Reply(200, json={}))
    with pytest.raises(error) as info:
        client.repos.get("o", "r")
    assert info.value.status == status
    assert len(server.requests) == 1
    assert fake_clock.sleeps == []


# -- primary rate limit ------------------------------------------------------------

class TestPrimaryRateLimit:
    @pytest.mark.parametrize("status", [403, 429])
    def test_waits_until_reset_plus_1_s_and_retries_once(
        self, server: ScriptedServer, client: octo.Octo, fake_clock: FakeClock, status: int
    ) -> None:
        server.queue(primary(fake_clock, reset_in=100, status=status), Reply(200, json={"ok": 1}))
        assert client.repos.get("o", "r").data == {"ok": 1}
        assert fake_clock.sleeps == [101]
        assert len(server.requests) == 2

    def test_a_second_limit_answer_is_raised(self, server: ScriptedServer, client: octo.Octo,
                                             fake_clock: FakeClock) -> None:
        server.queue(primary(fake_clock, 100), primary(fake_clock, 300))
        with pytest.raises(octo.PrimaryRateLimitError):
            client.repos.get("o", "r")
        assert fake_clock.sleeps == [101]
        assert len(server.requests) == 2

    def test_a_write_is_retried_too_since_github_did_not_run_it(
        self, server: ScriptedServer, client: octo.Octo, fake_clock: FakeClock
    ) -> None:
        server.queue(primary(fake_clock, 5), Reply(204))
        client.repos.create_dispatch_event("o", "r", event_type="deploy")
        assert sent(server) == [("POST", "/repos/o/r/dispatches")] * 2
        assert fake_clock.sleeps == [6]

    def test_a_reset_beyond_max_rate_limit_wait_raises_at_once_with_the_reset(
        self, server: ScriptedServer, fake_clock: FakeClock
    ) -> None:
        reset = int(fake_clock.now) + 901
        server.queue(primary(fake_clock, 901))
        gh = octo.Octo(SENTINEL, base_url=server.url)  # max_rate_limit_wait=900 by default
        with pytest.raises(octo.PrimaryRateLimitError) as info:
            gh.repos.get("o", "r")
        assert isinstance(info.value, octo.RateLimitError)
        assert info.value.reset == reset
        assert info.value.reset_at is not None and info.value.reset_at.timestamp() == reset
        assert fake_clock.sleeps == []
        assert len(server.requests) == 1

        server.queue(primary(fake_clock, 60))
        with pytest.raises(octo.PrimaryRateLimitError):
            octo.Octo(base_url=server.url, max_rate_limit_wait=59).repos.get("o", "r")
        assert fake_clock.sleeps == []


# -- known exhausted window ---------------------------------------------------------

class TestExhaustedWindow:
    def test_nothing_is_sent_to_a_used_up_bucket_before_its_reset(
        self, server: ScriptedServer, client: octo.Octo, fake_clock: FakeClock
    ) -> None:
        server.queue(primary(fake_clock, 3600))
        with pytest.raises(octo.PrimaryRateLimitError):
            client.repos.get("o", "r")
        for call in (lambda: client.repos.get("o", "r"),
                     lambda: client.issues.list_for_repo("o", "r")):
            with pytest.raises(octo.PrimaryRateLimitError, match="not sent") as info:
                call()
            assert info.value.reset == int(fake_clock.now) + 3600
        assert len(server.requests) == 1

        # Another bucket is still open.
        server.queue(Reply(200, json={"items": []},
                           headers={"x-ratelimit-resource": "search", "x-ratelimit-remaining": "29"}))
        client.request("GET /search/issues", query={"q": "bug"})
        assert len(server.requests) == 2

        fake_clock.now += 3601
        client.repos.get("o", "r")
        assert len(server.requests) == 3
        assert fake_clock.sleeps == []

    @pytest.mark.parametrize(("used_up", "route", "other"), [
        ("/search/issues", "search", "GET /search/code"),  # code search has its own bucket
        ("/repos/o/r", "core", "POST /graphql"),
        ("/repos/o/r", "core", "GET /search/issues"),
    ])
    def test_a_route_never_seen_is_guessed_into_its_own_bucket(
        self, server: ScriptedServer, client: octo.Octo, fake_clock: FakeClock,
        used_up: str, route: str, other: str,
    ) -> None:
        server.queue(primary(fake_clock, 3600, resource=route))
        with pytest.raises(octo.PrimaryRateLimitError):
            client.request(f"GET {used_up}")
        client.request(other)  # sent at once: no answer has named its bucket yet
        assert [r.route for r in server.requests] == [used_up, other.split()[1]]
        assert fake_clock.sleeps == []

    def test_a_short_wait_for_the_reset_is_taken_before_sending(
        self, server: ScriptedServer, client: octo.Octo, fake_clock: FakeClock,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        last = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(fake_clock.now) + 30),
                "x-ratelimit-resource": "core"}
        server.queue(Reply(200, json={}, headers=last), Reply(200, json={"next": 1}))
        client.repos.get("o", "r")  # the last call of the window succeeds
        with caplog.at_level(logging.WARNING, logger="octo"):
            assert client.repos.delete("o", "r").data == {"next": 1}
        assert fake_clock.sleeps == [31]
        assert "rate limit 'core' is used up" in caplog.text and "31.0 s" in caplog.text


# -- secondary rate limit --------------------------------------------------------------

class TestSecondaryRateLimit:
    @pytest.mark.parametrize("status", [403, 429])
    def test_waits_60_120_240_then_raises(
        self, server: ScriptedServer, client: octo.Octo, fake_clock: FakeClock, status: int
    ) -> None:
        server.queue(*[secondary(status)] * 4)
        with pytest.raises(octo.SecondaryRateLimitError):
            client.repos.get("o", "r")
        assert fake_clock.sleeps == [60, 120, 240]
        assert len(server.requests) == 4

    def test_a_bare_429_is_a_secondary_limit(self, server: ScriptedServer, client: octo.Octo,
                                             fake_clock: FakeClock) -> None:
        server.queue(Reply(429), Reply(200, json={}))
        client.repos.get("o", "r")
        assert fake_clock.sleeps == [60]
        server.queue(*[Reply(429)] * 4)
        with pytest.raises(octo.SecondaryRateLimitError):
            client.repos.get("o", "r")

    def test_retry_after_is_waited_when_given(self, server: ScriptedServer, client: octo.Octo,
                                              fake_clock: FakeClock) -> None:
        server.queue(secondary(retry_after="42"), Reply(204))
        client.repos.create_dispatch_event("o", "r", event_type="deploy")
        assert fake_clock.sleeps == [42]
        assert len(server.requests) == 2

    def test_without_retry_after_and_remaining_0_it_waits_for_the_reset(
        self, server: ScriptedServer, client: octo.Octo, fake_clock: FakeClock
    ) -> None:
        server.queue(secondary(x_ratelimit_remaining="0",
                               x_ratelimit_reset=str(int(fake_clock.now) + 50)),
                     Reply(200, json={}))
        client.repos.get("o", "r")
        assert fake_clock.sleeps == [51]


# -- Retry-After ------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "wait"), [
    ("120", 120), (" 5 ", 5), ("0", 0),
    ("in 30", 60), ("-5", 60), ("1.5", 60), ("", 60), ("Tue, 99 Foo 2024", 60),
    ("date+30", 30), ("date-30", 0),
])
def test_retry_after_is_seconds_or_an_http_date_garbage_means_60_never_negative(
    server: ScriptedServer, client: octo.Octo, fake_clock: FakeClock, value: str, wait: float
) -> None:
    if value.startswith("date"):
        value = formatdate(fake_clock.now + int(value[4:]), usegmt=True)
    server.queue(secondary(retry_after=value), Reply(200, json={}))
    client.repos.get("o", "r")
    assert fake_clock.sleeps == [wait]


def test_a_retry_after_beyond_max_rate_limit_wait_raises_at_once(
    server: ScriptedServer, client: octo.Octo, fake_clock: FakeClock
) -> None:
    server.queue(Reply(503, headers={"retry-after": "3600"}))
    with pytest.raises(octo.ServerError):
        client.repos.get("o", "r")
    assert fake_clock.sleeps == []


# -- every wait is logged -----------------------------------------------------------------

def test_every_wait_is_logged_at_warning_with_reason_and_length(
    server: ScriptedServer, client: octo.Octo, fake_clock: FakeClock, no_jitter: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    server.queue(Reply(502), secondary(), primary(fake_clock, 70), Reply(200, json={}))
    with caplog.at_level(logging.WARNING, logger="octo"):
        client.repos.get("o", "r")
    waits = [r for r in caplog.records if r.name == "octo"]
    assert [r.levelno for r in waits] == [logging.WARNING] * 3
    assert "answer 502" in waits[0].getMessage() and "1.0 s" in waits[0].getMessage()
    assert "secondary rate limit" in waits[1].getMessage() and "60.0 s" in waits[1].getMessage()
    assert "primary rate limit" in waits[2].getMessage() and "10.0 s" in waits[2].getMessage()
    assert fake_clock.sleeps == [1, 60, 10]


def test_each_request_is_logged_at_debug(server: ScriptedServer, client: octo.Octo,
                                         caplog: pytest.LogCaptureFixture) -> None:
    server.queue(Reply(200, json={}, headers={"x-github-request-id": "ABCD:1234"}))
    with caplog.at_level(logging.DEBUG, logger="octo"):
        client.repos.get("o", "r")
    (line,) = [r.getMessage() for r in caplog.records if r.name == "octo"]
    assert line.startswith(f"GET {server.url}/repos/o/r -> 200 in ")
    assert " ms" in line and "ABCD:1234" in line
    assert SENTINEL not in caplog.text


# -- redirects ---------------------------------------------------------------------------

class TestRedirects:
    @pytest.mark.parametrize("method", ["GET", "HEAD"])
    @pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
    def test_get_and_head_follow_every_redirect(
        self, server: ScriptedServer, client: octo.Octo, method: str, status: int
    ) -> None:
        server.queue(Reply(status, headers={"location": "/repositories/42"}), Reply(200, json={}))
        r = client.request(f"{method} /repos/o/r")
        assert sent(server) == [(method, "/repos/o/r"), (method, "/repositories/42")]
        assert r.url == f"{server.url}/repositories/42"

    def test_at_most_5_hops(self, server: ScriptedServer, client: octo.Octo) -> None:
        hops = [Reply(301, headers={"location": f"/hop/{i}"}) for i in range(5)]
        server.queue(*hops, Reply(200, json={"done": True}))
        assert client.repos.get("o", "r").data == {"done": True}
        server.requests.clear()
        server.queue(*hops, Reply(301, headers={"location": "/hop/6"}))
        with pytest.raises(octo.RedirectError, match="more than 5 redirects") as info:
            client.repos.get("o", "r")
        assert len(server.requests) == 6
        assert info.value.status == 301

    @pytest.mark.parametrize("method", ["POST", "PATCH", "PUT", "DELETE"])
    @pytest.mark.parametrize("status", [307, 308])
    def test_writes_follow_307_and_308_with_same_method_and_body(
        self, server: ScriptedServer, client: octo.Octo, method: str, status: int
    ) -> None:
        server.queue(Reply(status, headers={"location": "/repositories/42/issues"}), Reply(201, json={}))
        client.request(f"{method} /repos/o/r/issues", body={"title": "t"})
        assert sent(server) == [(method, "/repos/o/r/issues"), (method, "/repositories/42/issues")]
        assert server.requests[0].json() == server.requests[1].json() == {"title": "t"}

    @pytest.mark.parametrize("method", ["POST", "PATCH", "PUT", "DELETE"])
    @pytest.mark.parametrize("status", [301, 302, 303])
    def test_a_301_302_303_to_a_write_raises_and_never_becomes_a_get(
        self, server: ScriptedServer, client: octo.Octo, method: str, status: int
    ) -> None:
        server.queue(Reply(status, headers={"location": "/repositories/42/issues"}))
        with pytest.raises(octo.RedirectError, match="307/308") as info:
            client.request(f"{method} /repos/o/r/issues", body={"title": "t"})
        assert sent(server) == [(method, "/repos/o/r/issues")]
        assert info.value.status == status


# -- where the token goes ------------------------------------------------------------------

@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def tls_server(certificate: tuple[Path, Path]) -> Iterator[ScriptedServer]:
    with ScriptedServer(tls=server_context(*certificate)) as s:
        yield s


class TestWhereTheTokenGoes:
    def test_only_to_the_base_origin_and_its_uploads_host(self, server: ScriptedServer) -> None:
        with ScriptedServer() as uploads, ScriptedServer() as elsewhere:
            gh = octo.Octo(SENTINEL, base_url=server.url + "/api/v3", uploads_url=uploads.url)
            bearer = f"Bearer {SENTINEL}"
            server.queue(Reply(302, headers={"location": f"{uploads.url}/file"}))
            gh.request("GET /repos/o/r/tarball")
            assert server.requests[0].headers["authorization"] == bearer
            assert uploads.requests[0].headers["authorization"] == bearer

            server.queue(Reply(302, headers={"location": f"{elsewhere.url}/file"}))
            gh.request("GET /repos/o/r/zipball")
            # A `*_url` value from an answer, called as it is:
            gh.request(f"GET {elsewhere.url}/repos/o/r/issues/1/comments")
            assert [r.route for r in elsewhere.requests] == ["/file", "/repos/o/r/issues/1/comments"]
            assert all("authorization" not in r.headers for r in elsewhere.requests)

            # Once off the trusted origins, a redirect back does not regain it.
            elsewhere.queue(Reply(302, headers={"location": f"{server.url}/api/v3/back"}))
            gh.request(f"GET {elsewhere.url}/bounce")
            assert "authorization" not in server.requests[-1].headers
            gh.request(f"GET {server.url}/api/v3/user")
            assert server.requests[-1].headers["authorization"] == bearer

    def test_https_to_http_is_refused(self, tls_server: ScriptedServer, server: ScriptedServer,
                                      certificate: tuple[Path, Path], client_kind: str,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
        # requests lets these override `session.verify`.
        monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
        monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
        gh = octo.Octo(SENTINEL, base_url=tls_server.url, session=trusting(certificate[0], client_kind))
        assert gh.repos.get("o", "r").status == 200  # https itself works
        tls_server.queue(Reply(301, headers={"location": f"{server.url}/repos/o/r"}))
        with pytest.raises(octo.RedirectError, match="https to http"):
            gh.repos.get("o", "r")
        assert server.requests == []


# -- plain http ------------------------------------------------------------------------------

@pytest.mark.parametrize(("base_url", "opt_in", "allowed"), [
    ("http://ghe.example.com/api/v3", False, False),
    ("http://10.0.0.1", False, False),
    ("http://ghe.example.com/api/v3", True, True),
    ("http://127.0.0.1:8080", False, True),
    ("http://localhost:8080", False, True),
    ("http://[::1]:8080", False, True),
    ("https://ghe.example.com/api/v3", False, True),
])
def test_a_token_over_plain_http_is_refused_unless_loopback_or_opted_in(
    base_url: str, opt_in: bool, allowed: bool
) -> None:
    if allowed:
        octo.Octo(SENTINEL, base_url=base_url, allow_insecure_http=opt_in)
    else:
        with pytest.raises(ValueError, match="plain http") as info:
            octo.Octo(SENTINEL, base_url=base_url)
        assert SENTINEL not in str(info.value)
    octo.Octo(base_url=base_url)  # without a token there is nothing to protect


def test_a_token_for_a_plain_http_uploads_host_is_refused_too() -> None:
    with pytest.raises(ValueError, match="plain http to uploads.example.com"):
        octo.Octo(SENTINEL, uploads_url="http://uploads.example.com")
    octo.Octo(SENTINEL, uploads_url="http://uploads.example.com", allow_insecure_http=True)


# -- bodies ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("status", "reply"), [
    (204, Reply(204)), (205, Reply(205)),
    (200, Reply(200, headers={"content-type": "application/json"})),
])
def test_no_content_and_empty_bodies_give_none(server: ScriptedServer, client: octo.Octo,
                                               status: int, reply: Reply) -> None:
    server.queue(reply)
    r = client.repos.get("o", "r")
    assert (r.status, r.data) == (status, None)


class TestMalformedBodies:
    def test_malformed_json_in_a_2xx_keeps_status_request_id_and_first_kib(
        self, server: ScriptedServer, client: octo.Octo, fake_clock: FakeClock
    ) -> None:
        body = b'{"name": "' + b"x" * 3000
        server.queue(Reply(200, body=body, headers={"content-type": "application/json",
                                                    "x-github-request-id": "BAD:JSON"}))
        with pytest.raises(octo.InvalidResponseError, match="malformed JSON") as info:
            client.repos.get("o", "r")
        e = info.value
        assert isinstance(e, octo.OctoError)
        assert (e.status, e.request_id, e.body, e.truncated) == (200, "BAD:JSON", body[:1024], False)
        assert len(server.requests) == 1  # the same answer would come again

    def test_a_body_cut_short_keeps_what_arrived(self, server: ScriptedServer, client: octo.Octo) -> None:
        payload = {"name": "y" * 3000}
        server.queue(Reply(201, json=payload, headers={"x-github-request-id": "CUT:1"},
                           fault="truncate"))
        with pytest.raises(octo.InvalidResponseError, match="cut short") as info:
            client.issues.create("o", "r", title="t")
        e = info.value
        assert (e.status, e.request_id, e.truncated) == (201, "CUT:1", True)
        assert e.body == Reply(json=payload).payload()[:1024]

    @pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", "application/json"])
    @pytest.mark.parametrize("status", [500, 502, 503, 504])
    def test_an_html_error_page_in_a_5xx_is_a_server_error(
        self, server: ScriptedServer, client: octo.Octo, content_type: str, status: int
    ) -> None:
        for page in ("<!DOCTYPE html><html><head><title>Unicorn!</title></head><body>...</body></html>",
                     "\n  <HTML><body>Bad gateway</body></HTML>"):
            server.queue(*[Reply(status, body=page, headers={"content-type": content_type})] * 4)
            with pytest.raises(octo.ServerError) as info:
                client.repos.get("o", "r")
            assert info.value.status == status
            assert info.value.response.data == page
            assert "<html" not in str(info.value).lower()


@pytest.mark.parametrize(("media_type", "content_type", "body", "data"), [
    ("diff", "application/vnd.github.diff; charset=utf-8", b"diff --git a/x b/x\n", "diff --git a/x b/x\n"),
    ("patch", "application/vnd.github.patch; charset=utf-8", b"From 1 Mon\n", "From 1 Mon\n"),
    ("raw", "text/plain; charset=utf-8", b'{"a file": "that is JSON"}', '{"a file": "that is JSON"}'),
    ("raw", "text/plain; charset=utf-8", b"{not json", "{not json"),
    ("json", "application/x-gzip", b"\x1f\x8b\x08\x00archive", b"\x1f\x8b\x08\x00archive"),
    # Text without a charset is UTF-8 (requests would guess ISO-8859-1); a named charset is used.
    ("raw", "text/plain", "naïve ✅".encode(), "naïve ✅"),
    ("raw", "text/plain", "€5".encode(), "€5"),  # guessing the charset would make it UTF-16
    ("diff", None, b"diff --git a/x b/x\n", "diff --git a/x b/x\n"),
    ("raw", "text/plain; charset=iso-8859-1", "naïve".encode("iso-8859-1"), "naïve"),
    ("raw", "application/xml; charset=utf-8", b"<a>\xc3\xa9</a>", "<a>é</a>"),  # a charset makes it text
    ("raw", None, b"\x00\x01", b"\x00\x01"),  # no Content-Type at all: bytes
])
def test_non_json_media_come_back_as_text_or_bytes_never_parsed(
    server: ScriptedServer, client: octo.Octo, media_type: str, content_type: str | None, body: bytes,
    data: str | bytes,
) -> None:
    server.queue(Reply(200, body=body, headers={"content-type": content_type}))
    r = client.request("GET /repos/{owner}/{repo}/things/{id}", path={"owner": "o", "repo": "r", "id": 1},
                       media_type=media_type)
    assert r.data == data and type(r.data) is type(data)
    assert server.requests[0].headers["accept"] == octo.client.MEDIA_TYPES[media_type]


def test_422_errors_list_is_on_validation_failed_error(server: ScriptedServer,
                                                        client: octo.Octo) -> None:
    errors = [{"resource": "Issue", "field": "title", "code": "missing_field"},
              {"resource": "Label", "field": "name", "code": "already_exists"}]
    server.queue(Reply(422, json={"message": "Validation Failed", "errors": errors}))
    with pytest.raises(octo.ValidationFailedError) as info:
        client.issues.create("o", "r", title="")
    assert info.value.errors == errors
    assert "missing_field" in str(info.value)


# -- every error carries status, request id, rate limit, redacted request ---------------------

RATE = {"x-ratelimit-limit": "5000", "x-ratelimit-remaining": "4321", "x-ratelimit-used": "679",
        "x-ratelimit-reset": "1800003600", "x-ratelimit-resource": "core",
        "x-github-request-id": "EVERY:1"}


@pytest.mark.parametrize(("reply", "error"), [
    (Reply(404, json={"message": "Not Found"}, headers=RATE), octo.NotFoundError),
    (Reply(502, body="<html>", headers={**RATE, "content-type": "text/html"}), octo.ServerError),
    (Reply(403, json={"message": SECONDARY_MESSAGE}, headers=RATE), octo.SecondaryRateLimitError),
    (Reply(200, body="{", headers={**RATE, "content-type": "application/json"}),
     octo.InvalidResponseError),
    (Reply(200, json={"a": "b" * 100}, headers=RATE, fault="truncate"), octo.InvalidResponseError),
    (Reply(302, headers={**RATE, "location": "/elsewhere"}), octo.RedirectError),
    (Reply(fault="reset"), octo.TransportError),
])
def test_every_error_carries_status_request_id_rate_limit_and_redacted_request(
    server: ScriptedServer, reply: Reply, error: type[octo.OctoError]
) -> None:
    server.queue(reply)
    gh = octo.Octo(SENTINEL, base_url=server.url, retries=0)
    with pytest.raises(error) as info:
        gh.request("POST /repos/{owner}/{repo}/issues", path={"owner": "o", "repo": "r"},
                   body={"title": "t"})
    e = info.value
    assert e.request is not None
    assert (e.request.method, e.request.url) == ("POST", f"{server.url}/repos/o/r/issues")
    assert e.request.headers["Authorization"] == "[redacted]"
    assert e.request.headers["Accept"] == "application/vnd.github+json"
    if error is octo.TransportError:
        assert (e.status, e.request_id) == (None, None)
        assert e.rate_limit == octo.RateLimit(None, None, None, None, None)
    else:
        assert (e.status, e.request_id) == (reply.status, "EVERY:1")
        assert e.rate_limit == octo.RateLimit(5000, 4321, 679, 1800003600, "core")
    assert SENTINEL not in repr(e.request) + str(e.request) + str(e)


def test_each_kind_of_wait_says_why_and_how_long(
    server: ScriptedServer, client: octo.Octo, fake_clock: FakeClock, no_jitter: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    start = int(fake_clock.now)
    bare_primary = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(start + 1000)}  # no resource
    server.queue(
        Reply(502),
        secondary(retry_after="5"),
        secondary(x_ratelimit_remaining="0", x_ratelimit_reset=str(start + 40)),
        # A reset without remaining 0 is not the limit that was hit: back off instead.
        secondary(x_ratelimit_remaining="10", x_ratelimit_reset=str(start + 5000)),
        Reply(200, json={}),
        primary(fake_clock, reset_in=600, resource="search"), Reply(200, json={}),
        Reply(403, json={"message": "API rate limit exceeded"}, headers=bare_primary), Reply(200, json={}),
        Reply(403, json={"message": "API rate limit exceeded"},
              headers={"x-ratelimit-remaining": "0",  # an HTTP date, 7 s after the waits so far
                       "retry-after": formatdate(start + 281 + 320 + 400 + 7, usegmt=True)}),
        Reply(200, json={}),
        Reply(403, json={"message": "API rate limit exceeded"}, headers={"x-ratelimit-remaining": "0"}),
        Reply(200, json={}),
    )
    with caplog.at_level(logging.WARNING, logger="octo"):
        for _ in range(5):
            client.repos.get("o", "r")
    url = f"{server.url}/repos/o/r"
    assert [r.getMessage() for r in caplog.records if r.name == "octo"] == [
        f"GET {url}: answer 502 (retry 1 of 3); waiting 1.0 s before sending it again",
        f"GET {url}: secondary rate limit (retry 1 of 3), as Retry-After says; waiting 5.0 s before sending it again",
        f"GET {url}: secondary rate limit (retry 2 of 3), until the window resets; waiting 35.0 s before sending it "
        "again",
        f"GET {url}: secondary rate limit (retry 3 of 3); waiting 240.0 s before sending it again",
        # The resets were set at the start; 281 s and then 320 s have gone by.
        f"GET {url}: primary rate limit 'search' used up until its reset; waiting 320.0 s before sending it again",
        f"GET {url}: primary rate limit 'core' used up until its reset; waiting 400.0 s before sending it again",
        f"GET {url}: primary rate limit; waiting 7.0 s before sending it again",
        f"GET {url}: primary rate limit; waiting 60.0 s before sending it again",  # neither reset nor Retry-After
    ]


def test_a_reset_already_past_is_not_waited_for(server: ScriptedServer, client: octo.Octo,
                                                fake_clock: FakeClock) -> None:
    past = str(int(fake_clock.now) - 10)  # our clock runs ahead of GitHub's
    server.queue(primary(fake_clock, reset_in=-10), Reply(200, json={}),
                 secondary(x_ratelimit_remaining="0", x_ratelimit_reset=past), Reply(200, json={}))
    client.repos.get("o", "r")
    client.repos.get("o", "r")
    assert fake_clock.sleeps == [0.0, 0.0]


@pytest.mark.parametrize("reply", [
    secondary(),  # would wait 60 s
    secondary(x_ratelimit_remaining="0", x_ratelimit_reset="1800000100"),  # would wait for the reset
    Reply(403, json={"message": "API rate limit exceeded"}, headers={"x-ratelimit-remaining": "0",
                                                                      "retry-after": "100"}),
])
def test_max_rate_limit_wait_caps_every_wait_github_asks_for(server: ScriptedServer, fake_clock: FakeClock,
                                                             reply: Reply) -> None:
    server.queue(reply)
    gh = octo.Octo(SENTINEL, base_url=server.url, max_rate_limit_wait=30)
    with pytest.raises(octo.RateLimitError):
        gh.repos.get("o", "r")
    assert fake_clock.sleeps == [] and len(server.requests) == 1
