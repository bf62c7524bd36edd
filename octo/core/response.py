"""What a call returns: `Response`, and the rate-limit snapshot it carries."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Generic

from octo.core.redaction import SentRequest, redact_url

if TYPE_CHECKING:
    from requests import PreparedRequest
    from typing_extensions import TypeVar

    # A bare `Response` is `Response[Any]`.
    T = TypeVar("T", default=Any)
    ItemT = TypeVar("ItemT")
    DataT = TypeVar("DataT", default=list[ItemT])
else:
    from typing import TypeVar

    T = TypeVar("T")


class RateLimit:
    """GitHub's `x-ratelimit-*` headers of one response (`None` where absent). Immutable."""

    # Not a dataclass: `dataclasses` brings `inspect`, `ast` and `dis`, which
    # made `import octo` miss its target (docs/benchmarks.md).
    __slots__ = ("limit", "remaining", "used", "reset", "resource")
    limit: int | None
    remaining: int | None
    used: int | None
    reset: int | None
    resource: str | None

    def __init__(self, limit: int | None, remaining: int | None, used: int | None,
                 reset: int | None, resource: str | None) -> None:
        _set = object.__setattr__
        _set(self, "limit", limit)
        _set(self, "remaining", remaining)
        _set(self, "used", used)
        _set(self, "reset", reset)
        _set(self, "resource", resource)

    def _fields(self) -> tuple[object, ...]:
        return (self.limit, self.remaining, self.used, self.reset, self.resource)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"RateLimit is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"RateLimit is immutable; cannot delete {name!r}")

    def __eq__(self, other: object) -> bool:
        return self._fields() == other._fields() if type(other) is RateLimit else NotImplemented

    def __hash__(self) -> int:
        return hash(self._fields())

    def __reduce__(self) -> tuple[Any, ...]:
        return (RateLimit, self._fields())

    def __repr__(self) -> str:
        # getattr: every octo repr works on a half-built object (a traceback's locals).
        return ("RateLimit(limit={!r}, remaining={!r}, used={!r}, reset={!r}, resource={!r})"
                .format(*(getattr(self, name, None) for name in self.__slots__)))

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> RateLimit:
        reset = header_int(headers.get("x-ratelimit-reset"))
        return cls(
            limit=header_int(headers.get("x-ratelimit-limit")),
            remaining=header_int(headers.get("x-ratelimit-remaining")),
            used=header_int(headers.get("x-ratelimit-used")),
            # A reset no date can hold is no reset: waiting for it would hold the bucket forever.
            reset=reset if reset is None or reset <= MAX_TIMESTAMP else None,
            resource=headers.get("x-ratelimit-resource"),
        )

    @property
    def reset_at(self) -> datetime | None:
        """`reset` as an aware UTC datetime (None if absent or beyond year 9999)."""
        if self.reset is None or not 0 <= self.reset <= MAX_TIMESTAMP:
            return None
        return datetime.fromtimestamp(self.reset, UTC)


NO_RATE_LIMIT = RateLimit(None, None, None, None, None)
MAX_TIMESTAMP = 253402300799  # 9999-12-31 23:59:59 UTC, the last second a datetime holds


def header_int(value: str | None) -> int | None:
    """A header's whole number; None when absent or not a plain number."""
    if value is None:
        return None
    text = value.strip()
    # ASCII digits only: `isdigit()` and `int()` also take '²', '١٢' and '1_000'.
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    return int(text)


def header_date(value: str | None) -> float | None:
    """An HTTP date (`Date`, `Retry-After`) in epoch seconds; None when absent,
    malformed, without a zone (RFC 9110 dates are GMT; a naive one came from
    "-0000") or beyond what a datetime holds."""
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value.strip())
        return None if when.tzinfo is None else when.timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


class Response(Generic[T]):
    """A successful answer.

    `headers` is case-insensitive; `data` is the parsed JSON, `None` for an
    empty body (204/205), `str` or `bytes` for other media types. `request`
    is the request that got this answer, with credentials redacted.

    `T` is what the endpoint's spec says `data` holds (`Response[FullRepository]`),
    for type checkers only: `data` is the JSON as it came, never checked or
    converted, so an answer that differs from GitHub's description still works.
    """

    __slots__ = ("status", "headers", "data", "url", "method", "_request")
    data: T

    def __init__(self, status: int, headers: Mapping[str, str], data: T, url: str,
                 method: str = "GET", request: SentRequest | PreparedRequest | None = None) -> None:
        self.status = status
        self.headers = headers
        self.data = data
        self.url = url
        self.method = method
        # The request as sent is kept, and redacted only if asked for (an
        # error's message, the caller): most answers never need it.
        self._request = request

    @property
    def request(self) -> SentRequest | None:
        sent = self._request
        if sent is None or isinstance(sent, SentRequest):
            return sent
        redacted = self._request = SentRequest.of(sent.method, sent.url, sent.headers)
        return redacted

    def __reduce__(self) -> tuple[Any, ...]:
        # A pickled answer holds the redacted request, never the credential.
        return (Response, (self.status, self.headers, self.data, self.url, self.method, self.request))

    @property
    def request_id(self) -> str | None:
        return self.headers.get("x-github-request-id")

    @property
    def rate_limit(self) -> RateLimit:
        return RateLimit.from_headers(self.headers)

    def __repr__(self) -> str:
        # getattr: every octo repr works on a half-built object (a traceback's locals).
        return (f"<Response {getattr(self, 'status', '?')} {getattr(self, 'method', '?')} "
                f"{redact_url(getattr(self, 'url', '?'))}>")


if TYPE_CHECKING:
    class Paged(Response[DataT], Generic[ItemT, DataT]):
        """What a paginated method returns, as type checkers see it: a
        `Response` whose `data` (`DataT`, by default `list[ItemT]`) holds a page of
        `ItemT` items. `octo.paginate` takes only such methods and yields `ItemT`.

        There is no such class at run time (the answer is a `Response`):
        name it in annotations only.
        """
