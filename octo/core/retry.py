"""When octo sends a request again, and how long it waits first.

`Retrier.run` wraps one logical call (all its redirect hops): it holds the
call back while the route's rate-limit bucket is known to be used up, and
after a failure decides from the typed error whether a retry is safe and
worth the wait. Every wait is logged at WARNING on the `octo` logger and is
a `Sleep` the driver carries out (octo.core.pipeline), so sync and async clients
share this policy.

The defaults are listed in README.md ("Reliability"); GitHub's advice is at
https://docs.github.com/rest/using-the-rest-api/best-practices-for-using-the-rest-api#handle-rate-limit-errors-appropriately
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

from octo.core.buckets import Buckets
from octo.core.errors import (
    InvalidResponseError,
    OctoError,
    PrimaryRateLimitError,
    RequestError,
    SecondaryRateLimitError,
    ServerError,
    TransportError,
)
from octo.core.pipeline import Effect, Sleep, Steps, StoreCall
from octo.core.redaction import redact_url
from octo.core.response import RateLimit, header_date, header_int

if TYPE_CHECKING:
    from octo.client import Call
    from octo.core.response import Response
    from octo.stores.shared import Admission, Shared

log = logging.getLogger("octo")

# Methods whose repetition changes nothing on the server (RFC 9110 9.2.2).
IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
# Methods that change nothing, which pacing does not space.
READS = frozenset({"GET", "HEAD", "OPTIONS"})
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
        # Set by the client with `store=`: the state shared with other
        # processes, under the key prefix of this client's credential and host.
        self.shared: Shared | None = None
        self.scope = ""

    def __repr__(self) -> str:
        # getattr: a Retrier whose __init__ refused its arguments is shown too.
        wait = getattr(self, "max_rate_limit_wait", None)
        shown = "?" if wait is None else f"{wait:g}"
        return f"<Retrier retries={getattr(self, 'retries', '?')} max_rate_limit_wait={shown}>"

    def run(self, call: Call, attempt: Callable[[Call], Steps]) -> Steps:
        """The pipeline `attempt(call)` under this policy, started again as
        often as it allows. `call.route` names the endpoint (its path
        template) for rate-limit bookkeeping; `call.url` is only for messages.
        Whether sending it twice is safe is `call.op.idempotent`, else its method's."""
        method, url, route = call.op.method, call.url, call.route
        idempotent = call.op.idempotent
        repeatable = method in IDEMPOTENT if idempotent is None else idempotent
        retried = secondary = 0
        primary_retried = False
        while True:
            admitted = self._hold_back(method, url, route)
            if admitted is None and self.shared is not None:
                admitted = yield from self._admit(self.shared, method, url, route)
            if admitted is not None:
                if admitted.wait:
                    yield Sleep(admitted.wait, self.sleep)
                if admitted.held:
                    continue  # asked again: the hold may have been extended meanwhile
            lease = admitted.lease if admitted is not None else None
            try:
                try:
                    response = yield from attempt(call)
                except Exception:
                    # Not in a finally: a generator closed mid-call (a cancelled
                    # task) may not yield; its lease then frees itself.
                    if lease:
                        yield from self._give_back(lease)
                    raise
                if lease:
                    yield from self._give_back(lease)
            except OctoError as error:
                yield from self._observe(route, error.rate_limit, _answer_of(error))
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
                elif retried < self.retries and self._may_repeat(repeatable, error):
                    wait, reason, told = self._backoff_wait(error, retried)
                    retried += 1
                else:
                    raise
                # Only a wait the server asked for can be too long; octo's own
                # backoff is short.
                if told and wait > self.max_rate_limit_wait:
                    raise
                if isinstance(error, SecondaryRateLimitError):
                    yield from self._share_pause(wait)
                log.warning("%s %s: %s; waiting %.1f s before sending it again",
                            method, redact_url(url), reason, wait)
                yield Sleep(wait, self.sleep)
                continue
            self.buckets.observe_success(route, response, self.clock)
            if self.shared is not None and response.headers.get("x-ratelimit-remaining") == "0":
                yield from self._observe(route, response.rate_limit, response)
            return response

    def _hold_back(self, method: str, url: str, route: str) -> Admission | None:
        """How long to wait before a call whose bucket this process knows is
        used up, then ask again (None: no hold here), or PrimaryRateLimitError
        without sending if that is beyond `max_rate_limit_wait`."""
        now = self.clock()
        exhausted = self.buckets.exhausted(route, now)
        if exhausted is not None:
            from octo.stores.shared import Admission

            wait = exhausted.until - now
            if wait > self.max_rate_limit_wait:
                raise PrimaryRateLimitError.not_sent(exhausted.seen, method, url, exhausted.resource)
            log.warning("%s %s: rate limit %r is used up until its reset; waiting %.1f s before sending",
                        method, redact_url(url), exhausted.resource, wait)
            return Admission(wait, True)
        return None

    def _admit(self, shared: Shared, method: str, url: str, route: str) -> Generator[Effect, Any, Admission]:
        """What the store says of a call: a bucket another process saw used
        up, a secondary-limit pause, or the call's paced slot and lease."""
        from octo.stores.shared import admission  # here: `import octo` does not pay for the store module

        now = self.clock()

        resource, write = self.buckets.resource(route), method not in READS
        ticket = yield StoreCall(shared, lambda s: s.admit(self.scope, resource, write))
        admitted = admission(ticket, now)
        if admitted.reason == "bucket":
            if admitted.wait > self.max_rate_limit_wait:
                raise PrimaryRateLimitError.not_sent_shared(admitted.window, method, url, resource)
            log.warning("%s %s: rate limit %r is used up until its reset (seen by another worker); "
                        "waiting %.1f s before sending", method, redact_url(url), resource, admitted.wait)
        elif admitted.reason == "pause":
            log.warning("%s %s: another worker hit a secondary rate limit; waiting %.1f s before sending",
                        method, redact_url(url), admitted.wait)
        return admitted

    def _observe(self, route: str, rate_limit: RateLimit, seen: Response | None) -> Steps:
        """Learn from an answer here, and share a window it shows used up,
        or over, with the other processes."""
        now = self.clock()
        shared = self.shared
        resource = rate_limit.resource or self.buckets.resource(route)
        had = shared is not None and self.buckets.exhausted(route, now) is not None
        self.buckets.observe(route, rate_limit, seen, now)
        if shared is None:
            return
        reset = rate_limit.reset
        if rate_limit.remaining == 0 and reset is not None and reset > now and seen is not None:
            from octo.stores.shared import Window, merged_window

            seen_window = Window(reset + 1, reset, rate_limit.used)
            yield StoreCall(shared, lambda s: s.update_window(self.scope, resource,
                                                              lambda current: merged_window(current, seen_window)))
        elif rate_limit.remaining and had and self.buckets.exhausted(route, now) is None:
            yield StoreCall(shared, lambda s: s.release_window(self.scope, resource, reset, rate_limit.used))

    def _share_pause(self, wait: float) -> Steps:
        if self.shared is not None:
            until = self.clock() + wait
            yield StoreCall(self.shared, lambda s: s.pause(self.scope, until))

    def _give_back(self, lease: str) -> Steps:
        if self.shared is not None:
            yield StoreCall(self.shared, lambda s: s.done(self.scope, lease))

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

    def _may_repeat(self, repeatable: bool, error: OctoError) -> bool:
        if isinstance(error, TransportError):
            # A request that never left may be sent again whatever it does.
            return error.retriable and (repeatable or not error.sent)
        if not repeatable:
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
