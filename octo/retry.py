"""When octo sends a request again, and how long it waits first.

`Retrier.run` wraps one logical call (all its redirect hops): it holds the
call back while the route's rate-limit bucket is known to be used up, and
after a failure decides from the typed error whether a retry is safe and
worth the wait. Every wait is logged at WARNING on the `octo` logger and is
a `Sleep` the driver carries out (octo.pipeline), so sync and async clients
share this policy.

The defaults are listed in README.md ("Reliability"); GitHub's advice is at
https://docs.github.com/rest/using-the-rest-api/best-practices-for-using-the-rest-api#handle-rate-limit-errors-appropriately
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from octo.buckets import Buckets
from octo.errors import (
    InvalidResponseError,
    OctoError,
    PrimaryRateLimitError,
    RequestError,
    SecondaryRateLimitError,
    ServerError,
    TransportError,
)
from octo.pipeline import Sleep, Steps
from octo.redaction import redact_url
from octo.response import header_date, header_int

if TYPE_CHECKING:
    from octo.client import Call
    from octo.response import Response

log = logging.getLogger("octo")

# Methods whose repetition changes nothing on the server (RFC 9110 9.2.2).
IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRY_STATUSES = frozenset({500, 502, 503, 504})
RETRY_AFTER_FALLBACK = 60.0
SECONDARY_FIRST_WAIT = 60.0


def parse_retry_after(value: str, now: float) -> float:
    """Seconds to wait for a `Retry-After` value: delay-seconds or an HTTP
    date; anything else means 60 s. Never negative."""
    seconds = header_int(value)
    if seconds is not None:
        return float(seconds)
    when = header_date(value)
    return RETRY_AFTER_FALLBACK if when is None else max(0.0, when - now)


def jitter(wait: float) -> float:
    """`wait` spread by ±20 %, so many clients do not retry in step."""
    return wait * random.uniform(0.8, 1.2)


def backoff(retry: int) -> float:
    """The wait before retry number `retry` (0-based): 1, 4, 9 s, ..."""
    return float((retry + 1) ** 2)


class Retrier:
    """The retry policy of one client.

    `retries` bounds retries of 5xx answers, transport failures and
    secondary rate limits (0 disables every retry). `max_rate_limit_wait`
    is the longest wait for a rate limit or a `Retry-After` octo accepts; a
    longer one raises at once. `clock`, `sleep` and `jitter` are injectable
    (per instance, or on the class for every client) so tests run in no time.
    """

    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[float], float] = staticmethod(jitter)

    def __init__(
        self,
        retries: int = 3,
        max_rate_limit_wait: float = 900.0,
        *,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
        jitter: Callable[[float], float] | None = None,
    ) -> None:
        if not isinstance(retries, int) or isinstance(retries, bool) or retries < 0:
            raise ValueError(f"retries must be a whole number >= 0, got {retries!r}")
        if (not isinstance(max_rate_limit_wait, (int, float)) or isinstance(max_rate_limit_wait, bool)
                or max_rate_limit_wait < 0):
            raise ValueError(f"max_rate_limit_wait must be seconds >= 0, got {max_rate_limit_wait!r}")
        self.retries = retries
        self.max_rate_limit_wait = float(max_rate_limit_wait)
        if clock is not None:
            self.clock = clock
        if sleep is not None:
            self.sleep = sleep
        if jitter is not None:
            self.jitter = jitter
        self.buckets = Buckets()

    def __repr__(self) -> str:
        # getattr: a Retrier whose __init__ refused its arguments is shown too.
        wait = getattr(self, "max_rate_limit_wait", None)
        shown = "?" if wait is None else f"{wait:g}"
        return f"<Retrier retries={getattr(self, 'retries', '?')} max_rate_limit_wait={shown}>"

    def run(self, call: Call, attempt: Callable[[Call], Steps]) -> Steps:
        """The pipeline `attempt(call)` under this policy, started again as
        often as it allows. `call.route` names the endpoint (its path
        template) for rate-limit bookkeeping; `call.url` is only for messages."""
        method, url, route = call.op.method, call.url, call.route
        retried = secondary = 0
        primary_retried = False
        while True:
            wait = self._hold_back(method, url, route)
            if wait:
                yield Sleep(wait, self.sleep)
            try:
                response = yield from attempt(call)
            except OctoError as error:
                self.buckets.observe(route, error.rate_limit, _answer_of(error), self.clock())
                if self.retries == 0:
                    raise
                if isinstance(error, PrimaryRateLimitError):
                    if primary_retried:
                        raise
                    wait, reason, told = self._primary_wait(error)
                    primary_retried = True
                elif isinstance(error, SecondaryRateLimitError):
                    if secondary >= self.retries:
                        raise
                    wait, reason, told = self._secondary_wait(error, secondary)
                    secondary += 1
                elif retried < self.retries and self._may_repeat(method, error):
                    wait, reason, told = self._backoff_wait(error, retried)
                    retried += 1
                else:
                    raise
                # Only a wait the server asked for can be too long; octo's own
                # backoff is short.
                if told and wait > self.max_rate_limit_wait:
                    raise
                log.warning("%s %s: %s; waiting %.1f s before sending it again",
                            method, redact_url(url), reason, wait)
                yield Sleep(wait, self.sleep)
                continue
            self.buckets.observe_success(route, response, self.clock)
            return response

    def _hold_back(self, method: str, url: str, route: str) -> float:
        """How long to wait before a call whose bucket is known to be used up
        (0: none), or PrimaryRateLimitError without sending."""
        now = self.clock()
        exhausted = self.buckets.exhausted(route, now)
        if exhausted is None:
            return 0.0
        wait = exhausted.until - now
        if wait > self.max_rate_limit_wait:
            raise PrimaryRateLimitError.not_sent(exhausted.seen, method, url, exhausted.resource)
        log.warning("%s %s: rate limit %r is used up until its reset; waiting %.1f s before sending",
                    method, redact_url(url), exhausted.resource, wait)
        return wait

    def _primary_wait(self, error: PrimaryRateLimitError) -> tuple[float, str, bool]:
        reset = error.rate_limit.reset
        now = self.clock()
        if reset is None:
            return self._retry_after(error, now), "primary rate limit", True
        resource = error.rate_limit.resource or "core"
        return max(0.0, reset + 1 - now), f"primary rate limit {resource!r} used up until its reset", True

    def _secondary_wait(self, error: SecondaryRateLimitError, tries: int) -> tuple[float, str, bool]:
        now = self.clock()
        reason = f"secondary rate limit (retry {tries + 1} of {self.retries})"
        if error.response.headers.get("retry-after") is not None:
            return self._retry_after(error, now), reason + ", as Retry-After says", True
        reset = error.rate_limit.reset
        if error.rate_limit.remaining == 0 and reset is not None:
            return max(0.0, reset + 1 - now), reason + ", until the window resets", True
        return SECONDARY_FIRST_WAIT * 2**tries, reason, True

    def _may_repeat(self, method: str, error: OctoError) -> bool:
        if isinstance(error, TransportError):
            # A request that never left may be sent again whatever it does.
            return error.retriable and (method in IDEMPOTENT or not error.sent)
        if method not in IDEMPOTENT:
            return False
        if isinstance(error, ServerError):
            return error.status in RETRY_STATUSES
        return isinstance(error, InvalidResponseError) and error.truncated

    def _backoff_wait(self, error: OctoError, retried: int) -> tuple[float, str, bool]:
        reason = f"{_what(error)} (retry {retried + 1} of {self.retries})"
        if isinstance(error, RequestError) and error.response.headers.get("retry-after") is not None:
            return self._retry_after(error, self.clock()), reason + ", as Retry-After says", True
        return self.jitter(backoff(retried)), reason, False

    @staticmethod
    def _retry_after(error: RequestError, now: float) -> float:
        value = error.response.headers.get("retry-after")
        return RETRY_AFTER_FALLBACK if value is None else parse_retry_after(value, now)


def _answer_of(error: OctoError) -> Response | None:
    if isinstance(error, RequestError):
        return error.response
    if isinstance(error, InvalidResponseError):
        return error.response
    return None


def _what(error: OctoError) -> str:
    if isinstance(error, TransportError):
        return f"no answer ({error.reason})"
    if isinstance(error, InvalidResponseError):
        return f"answer {error.status} cut short"
    return f"answer {error.status}"
