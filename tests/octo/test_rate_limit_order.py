"""Answers that arrive out of order (threads) release a used-up rate-limit
bucket only if they are newer than the answer that used it up."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from conftest import SENTINEL, FakeClock
from server import Recorded, Reply, ScriptedServer

import octo
from octo.core.buckets import Buckets
from octo.core.response import RateLimit, Response


def window(reset: int, remaining: int, used: int) -> dict[str, str]:
    return {"x-ratelimit-limit": "5000", "x-ratelimit-remaining": str(remaining),
            "x-ratelimit-used": str(used), "x-ratelimit-reset": str(reset), "x-ratelimit-resource": "core"}


@pytest.mark.parametrize(("early_reset", "early_remaining", "early_used", "held_back"), [
    (0, 1, 4999, True),  # the last call of the window, sent before the 403
    (3600, 4999, 1, False),  # answered in the next window: newer than the 403
])
def test_an_answer_read_after_the_limit_releases_the_bucket_only_if_newer(
    fake_clock: FakeClock, early_reset: int, early_remaining: int, early_used: int, held_back: bool,
) -> None:
    reset = int(fake_clock.now) + 3600  # beyond max_rate_limit_wait: a held-back call raises at once
    early_arrived, limit_read = threading.Event(), threading.Event()

    def github(request: Recorded) -> Reply:
        if request.route == "/repos/o/early":
            early_arrived.set()
            # Held until the client has read the 403 to a call sent after this one.
            assert limit_read.wait(10)
            return Reply(200, json={"early": True},
                         headers=window(reset + early_reset, early_remaining, early_used))
        if request.route == "/repos/o/limit":
            return Reply(403, json={"message": "API rate limit exceeded"}, headers=window(reset, 0, 5000))
        return Reply(200, json={}, headers=window(reset + 3600, 4998, 2))

    with ScriptedServer(github) as server, octo.Octo(SENTINEL, base_url=server.url) as gh:
        results: list[Any] = []
        early = threading.Thread(target=lambda: results.append(gh.repos.get("o", "early").data))
        early.start()
        assert early_arrived.wait(10)
        with pytest.raises(octo.PrimaryRateLimitError):
            gh.repos.get("o", "limit")
        limit_read.set()
        early.join(10)
        assert results == [{"early": True}]  # read after the 403

        if held_back:
            with pytest.raises(octo.PrimaryRateLimitError, match="not sent"):
                gh.repos.get("o", "next")
        else:
            gh.repos.get("o", "next")
        assert [r.route for r in server.requests] == (
            ["/repos/o/early", "/repos/o/limit"] + ([] if held_back else ["/repos/o/next"]))


NOW = 1_800_000_000.0
RESET = int(NOW) + 3600
USED_UP = RateLimit(5000, 0, 5000, RESET, "core")


def seen(rate_limit: RateLimit) -> Response:
    headers = {"x-ratelimit-remaining": str(rate_limit.remaining), "x-ratelimit-reset": str(rate_limit.reset)}
    return Response(403, headers, None, "https://api.github.com/repos/o/r")


@pytest.mark.parametrize(("later", "released"), [
    (RateLimit(5000, 1, 4999, RESET, "core"), False),  # same window, sent earlier
    (RateLimit(5000, 4000, 1000, RESET, "core"), False),  # much earlier
    (RateLimit(5000, 1, None, RESET, "core"), False),  # same window, no `used`: cannot be newer
    (RateLimit(5000, 4999, 1, RESET - 3600, "core"), False),  # the window before
    (RateLimit(5000, 10, None, None, "core"), False),  # no reset: cannot be ordered
    (RateLimit(5000, 4999, 1, RESET + 3600, "core"), True),  # the next window
    (RateLimit(15000, 9999, 5001, RESET, "core"), True),  # same window, newer (the limit was raised)
])
def test_only_a_newer_answer_releases_a_used_up_bucket(later: RateLimit, released: bool) -> None:
    buckets = Buckets()
    buckets.observe("/repos/{owner}/{repo}", USED_UP, seen(USED_UP), NOW)
    buckets.observe("/repos/{owner}/{repo}", later, seen(later), NOW)
    assert (buckets.exhausted("/repos/{owner}/{repo}", NOW) is None) is released


def test_a_later_reset_replaces_an_earlier_one_and_never_the_reverse() -> None:
    buckets = Buckets()
    newer = RateLimit(5000, 0, 5000, RESET + 3600, "core")
    buckets.observe("/repos/{owner}/{repo}", newer, seen(newer), NOW)
    buckets.observe("/repos/{owner}/{repo}", USED_UP, seen(USED_UP), NOW)  # a late 403 of the window before
    entry = buckets.exhausted("/repos/{owner}/{repo}", NOW)
    assert entry is not None and entry.until == RESET + 3600 + 1

    buckets = Buckets()
    buckets.observe("/repos/{owner}/{repo}", USED_UP, seen(USED_UP), NOW)
    buckets.observe("/repos/{owner}/{repo}", newer, seen(newer), NOW)
    entry = buckets.exhausted("/repos/{owner}/{repo}", NOW)
    assert entry is not None and entry.until == RESET + 3600 + 1
