"""One call as a pipeline of decisions, with no I/O in it (sans-I/O).

A call is a generator: it builds each request, yields an *effect* for the
driver to carry out, and decides from what comes back (done, error, follow a
redirect, wait and retry, refresh a credential). The sync driver
(`octo.drivers.sync`, requests) and the async one (`octo.drivers.aio`,
aiohttp) run the same generators; only the effects differ in how they are
done:

- a `Request`: send it once and answer an `Answer`, or throw the `OctoError`
  that says why there is none (`TransportError`, a body cut short);
- `Sleep(seconds, sleep)`: wait (`time.sleep` / `asyncio.sleep`);
- `Mint(state, key, make)`: a credential (an installation's app token, a
  refreshed user token), made and kept by the pipeline `make()` under the
  key's lock (`state.lock(key)`, `state.async_lock(key)`) unless
  `state.cached(key)` finds another call already did;
- `Stream(answer, sink)`: copy a download's body into its file;
- `Await(awaitable)`: what an async hook returned (the sync driver refuses it);
- `StoreCall(shared, operation)`: one operation on a shared store
  (`octo.stores.shared.Shared.run`, never raising), run in a worker thread by the
  async driver when it may wait on the network.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Generator, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urljoin, urlsplit

import requests

from octo.core import media
from octo.core.checks import is_host_name
from octo.core.errors import InvalidResponseError, OctoError, RedirectError, RequestError, ServerError
from octo.core.redaction import SecretURL, SentRequest, redact_url
from octo.core.response import RateLimit, Response

if TYPE_CHECKING:
    from octo.stores.shared import Shared, Store
    from octo.transfer import Download

log = logging.getLogger("octo")

MAX_REDIRECTS = 5
# A download slower than this per read timeout has stalled.
MIN_PROGRESS = 4 * 1024
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
SAFE_REDIRECT_METHODS = frozenset({"GET", "HEAD"})


# -- what travels between the pipeline and a driver -----------------------------


class Attempt:
    """The time one attempt (one send and its redirect hops) may take.

    `total` bounds everything read for it, from the start of the attempt; for
    an upload it counts from the start of the answer, as sending a large file
    takes its own time. A download's body is bounded by its progress instead.
    `why` says what ended the attempt, once something did.
    """

    __slots__ = ("connect", "read", "total", "download", "upload", "deadline", "why",
                 "_window_end", "_window_bytes")

    def __init__(self, timeouts: tuple[float, float, float], *, download: bool = False,
                 upload: bool = False) -> None:
        self.connect, self.read, self.total = timeouts
        self.download = download
        self.upload = upload
        self.deadline = time.monotonic() + self.total
        self.why: str | None = None
        self._window_end = 0.0  # > 0 once a download's body is being read
        self._window_bytes = 0

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def over(self, why: str) -> TimeoutError:
        self.why = why
        return TimeoutError(why)

    def watch_progress(self) -> None:
        """From now on the body must keep moving: `MIN_PROGRESS` bytes per read timeout."""
        self._window_end = time.monotonic() + self.read
        self._window_bytes = 0

    def advanced(self, count: int) -> None:
        self._window_bytes += count

    def left(self) -> float:
        """How long the next read may wait; raises (`over`) once the attempt is over."""
        now = time.monotonic()
        if self._window_end:
            if now >= self._window_end:
                if self._window_bytes < MIN_PROGRESS:
                    raise self.over(f"stalled: less than {MIN_PROGRESS // 1024} KiB in {self.read:g} s")
                self._window_end = now + self.read
                self._window_bytes = 0
            return self._window_end - now
        left = self.deadline - now
        if left <= 0:
            raise self.over(f"no complete answer within {self.total:g} s, the total time of one attempt")
        return left


class Request:
    """One HTTP request as the driver sends it: the query is in `url`, the
    body is bytes, text, an upload body or None; `attempt` holds its time limits."""

    __slots__ = ("method", "url", "headers", "body", "attempt", "stream")

    def __init__(self, method: str, url: str, headers: dict[str, str], body: Any,
                 attempt: Attempt, stream: bool) -> None:
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.attempt = attempt
        self.stream = stream

    def __repr__(self) -> str:
        # getattr: every octo repr works on a half-built object (a traceback's locals).
        return f"<Request {getattr(self, 'method', '?')} {redact_url(getattr(self, 'url', '?'))}>"


class Answer:
    """What came back for one `Request`. `content` is the whole body, or
    None for a streamed 2xx, whose body `raw` (the transport's own
    response) still holds. `request` is what the transport sent."""

    __slots__ = ("status", "headers", "url", "content", "raw", "request")

    def __init__(self, status: int, headers: Mapping[str, str], url: str, content: bytes | None,
                 raw: Any, request: Any) -> None:
        self.status = status
        self.headers = headers
        self.url = url
        self.content = content
        self.raw = raw
        self.request = request


class Sleep:
    """Wait `seconds`. `sleep` is the policy's own (a test's fake clock, or
    `time.sleep`, which the async driver carries out as `asyncio.sleep`)."""

    __slots__ = ("seconds", "sleep")

    def __init__(self, seconds: float, sleep: Callable[[float], Any]) -> None:
        self.seconds = seconds
        self.sleep = sleep


class Mint:
    __slots__ = ("state", "key", "make")

    def __init__(self, state: Any, key: Any, make: Callable[[], Steps]) -> None:
        self.state = state
        self.key = key
        self.make = make


class Stream:
    __slots__ = ("answer", "sink", "total")

    def __init__(self, answer: Answer, sink: Download, total: int | None) -> None:
        self.answer = answer
        self.sink = sink
        self.total = total


class Await:
    __slots__ = ("awaitable",)

    def __init__(self, awaitable: Any) -> None:
        self.awaitable = awaitable


class StoreCall:
    __slots__ = ("shared", "operation")

    def __init__(self, shared: Shared, operation: Callable[[Store], Any]) -> None:
        self.shared = shared
        self.operation = operation


Effect = Request | Sleep | Mint | Stream | Await | StoreCall
Steps = Generator[Effect, Any, Any]
"""A pipeline: yields effects, is sent their results, returns its value."""


# -- building a request ---------------------------------------------------------


def encode_query(params: Mapping[str, Any]) -> str:
    """The query string, encoded as requests encodes `params=` (a list
    repeats its key, None is left out, `True` is `true`)."""
    pairs = []
    for name, value in params.items():
        if value is True or value is False:
            value = "true" if value else "false"
        for item in (value,) if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__") else value:
            if item is not None:
                pairs.append((name, item))
    return urlencode(pairs, doseq=True)


def with_query(url: str, params: Mapping[str, Any] | None) -> str:
    if not params:
        return url
    query = encode_query(params)
    if not query:
        return url
    return f"{url}&{query}" if "?" in url else f"{url}?{query}"


def json_bytes(value: Any, name: str) -> bytes:
    try:
        return json.dumps(value, allow_nan=False).encode()
    except ValueError:
        pass  # raised below, so that the encoder's exception is not its context
    raise ValueError(f"{name}: the body cannot be sent as JSON (NaN or infinity)")


# -- reading an answer ----------------------------------------------------------


def sent_request(answer: Answer) -> SentRequest:
    sent = answer.request
    return SentRequest.of(sent.method, sent.url, sent.headers)


def facts(answer: Answer) -> dict[str, Any]:
    """What an error about an answer carries besides its message."""
    return {"status": answer.status, "request_id": answer.headers.get("x-github-request-id"),
            "rate_limit": RateLimit.from_headers(answer.headers), "request": sent_request(answer)}


def accept_of(answer: Answer) -> str:
    return answer.request.headers.get("Accept") or ""


def read(method: str, answer: Answer, redirect: bool = False) -> Response:
    """The `Response` of an answer, or the error it means (`redirect`: a
    3xx the caller asked for is an answer)."""
    status = answer.status
    content = answer.content
    data: Any = None
    if content and status not in (204, 205):
        headers = answer.headers
        if media.is_json(status, headers, accept_of(answer)):
            malformed = False
            try:
                data = json.loads(content)
            except (ValueError, RecursionError):  # RecursionError: nested too deeply
                malformed = True
            # Not raised in the except block: the parser's exception holds the whole body.
            if malformed and status < 400:
                raise InvalidResponseError(f"{method} {redact_url(answer.url)}: malformed JSON",
                                           body=content, **facts(answer))
            if malformed:
                data = media.text(headers, content)
        elif media.is_text(headers, accept_of(answer)):
            data = media.text(headers, content)
        else:
            data = content
    response = Response(status, answer.headers, data, answer.url, method, answer.request)
    if status >= 400:
        raise RequestError.from_response(response)
    # 304: the caller's own If-None-Match matched; `redirect`: a 3xx the caller asked for.
    if status >= 300 and status != 304 and not redirect:
        raise ServerError(response, f"unexpected redirect status {status} without Location")
    return response


def redirect(method: str, url: str, answer: Answer, hop: int) -> str:
    """Where a redirect leads, by GitHub's rules; RedirectError if octo will not follow it."""
    # A SecretURL: the signature of a storage URL stays out of a traceback's locals.
    location = SecretURL(location_of(answer))
    refusal = None
    if hop == MAX_REDIRECTS:
        refusal = f"more than {MAX_REDIRECTS} redirects"
    elif method not in SAFE_REDIRECT_METHODS and answer.status not in (307, 308):
        refusal = f"answered {answer.status} to {redact_url(location)}; a write is only re-sent on 307/308"
    elif url.startswith("https:") and location.startswith("http:"):
        refusal = f"refusing redirect from https to http ({redact_url(location)})"
    if refusal:
        raise RedirectError(f"{method} {redact_url(url)}: {refusal}", **facts(answer))
    return location


def link_target(base: str, reference: str) -> str | None:
    """The http(s) URL a `Location` or `Link` value names, relative to
    `base`, as requests will send it; None if it names none that can be
    sent (another scheme, no host, a port out of range, an invalid name)."""
    try:
        url = urljoin(base, reference)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.port == 0:
            return None
        prepared = requests.PreparedRequest()
        prepared.prepare_url(url, None)  # requests' InvalidURL is a ValueError
        host = urlsplit(prepared.url or "").hostname
    except ValueError:  # urlsplit: a port out of range, a broken IPv6 address
        return None
    return prepared.url if host and is_host_name(host) else None


def location_of(answer: Answer) -> str:
    """Where a redirect answer points; a `Location` that is no http(s) URL
    octo could follow is a RedirectError."""
    try:
        # The header's bytes read as UTF-8, as requests reads them.
        target = link_target(answer.url, answer.headers["location"].encode("latin-1").decode("utf-8"))
    except UnicodeError:
        target = None
    if target is None:
        raise RedirectError(f"{answer.request.method} {redact_url(answer.url)}: answered {answer.status} "
                            "with a Location that is not an http(s) URL", **facts(answer))
    return target


def log_failure(request: Request, error: OctoError, started: float) -> None:
    log.debug("%s %s -> %s in %.1f ms", request.method, redact_url(request.url),
              getattr(error, "reason", None) or f"{error.status} {type(error).__name__}",
              (time.perf_counter() - started) * 1000)


def log_answer(request: Request, answer: Answer, started: float) -> None:
    log.debug("%s %s -> %s in %.1f ms (request id %s)", request.method, redact_url(request.url),
              answer.status, (time.perf_counter() - started) * 1000, answer.headers.get("x-github-request-id"))
