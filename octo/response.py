"""What a call returns: `Response`, and the rate-limit snapshot it carries."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from octo.redaction import SentRequest, redact_url

if TYPE_CHECKING:
    from requests import PreparedRequest


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

    def __repr__(self) -> str:
        return ("RateLimit(limit={!r}, remaining={!r}, used={!r}, reset={!r}, resource={!r})"
                .format(*self._fields()))

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> RateLimit:
        return cls(
            limit=header_int(headers.get("x-ratelimit-limit")),
            remaining=header_int(headers.get("x-ratelimit-remaining")),
            used=header_int(headers.get("x-ratelimit-used")),
            reset=header_int(headers.get("x-ratelimit-reset")),
            resource=headers.get("x-ratelimit-resource"),
        )

    @property
    def reset_at(self) -> datetime | None:
        """`reset` as an aware UTC datetime."""
        return None if self.reset is None else datetime.fromtimestamp(self.reset, UTC)


NO_RATE_LIMIT = RateLimit(None, None, None, None, None)


def header_int(value: str | None) -> int | None:
    """A header's whole number; None when absent or not a number."""
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None


class Response:
    """A successful answer.

    `headers` is case-insensitive; `data` is the parsed JSON, `None` for an
    empty body (204/205), `str` or `bytes` for other media types. `request`
    is the request that got this answer, with credentials redacted.
    """

    __slots__ = ("status", "headers", "data", "url", "method", "_request")

    def __init__(self, status: int, headers: Mapping[str, str], data: Any, url: str,
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
        return f"<Response {self.status} {self.method} {redact_url(self.url)}>"
