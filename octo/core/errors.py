"""Every error octo raises derives from `OctoError`.

`RequestError` and its subclasses mean GitHub answered with an error status;
`TransportError` means there was no usable answer at all. Messages hold the
method, the URL and GitHub's message, never a credential.
"""

from __future__ import annotations

import reprlib
from datetime import datetime
from typing import TYPE_CHECKING, Any

from octo.core.redaction import redact_url
from octo.core.response import NO_RATE_LIMIT, RateLimit

if TYPE_CHECKING:
    from octo.core.redaction import SentRequest
    from octo.core.response import Response


class OctoError(Exception):
    """Base of every error octo raises.

    Each carries what was known when it happened: `status` and `request_id`
    of the answer (`None` without one), `rate_limit` (the answer's
    `x-ratelimit-*` snapshot) and `request` (method, URL and headers, with
    credentials redacted).
    """

    def __init__(self, message: str = "", *, status: int | None = None,
                 request_id: str | None = None, rate_limit: RateLimit | None = None,
                 request: SentRequest | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.request_id = request_id
        self.rate_limit = rate_limit or NO_RATE_LIMIT
        self.request = request

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as its class, `args` and attributes, and rebuilt without
        # calling `__init__`, whose arguments differ by subclass. The answer and
        # the request travel redacted, as their own pickling makes them.
        return (_unpickle, (type(self), self.args), self.__dict__)


def _unpickle(cls: type[OctoError], args: tuple[Any, ...]) -> OctoError:
    return cls.__new__(cls, *args)


class TransportError(OctoError):
    """No usable answer: connection refused or reset, timeout, TLS failure.

    `sent` is False only when the request surely never left (the connection
    was refused or never opened), so even a POST may be sent again.
    """

    def __init__(self, message: str, *, method: str = "", url: str = "", reason: str = "",
                 sent: bool = True, retriable: bool = True, request: SentRequest | None = None) -> None:
        super().__init__(message, request=request)
        self.method = method
        self.url = url
        self.reason = reason or message
        self.sent = sent
        self.retriable = retriable


class RedirectError(OctoError):
    """A redirect octo will not follow (too many hops, https to http, a
    301/302/303 answer to a write)."""


class WebhookError(OctoError):
    """A webhook delivery that `octo.webhooks.parse` cannot read: an event it
    does not know, or a body that is not a JSON object."""


class OAuthError(OctoError):
    """A sign-in step GitHub refused or that cannot go on: `error` is GitHub's
    code (`access_denied`, `expired_token`, `bad_verification_code`, ...)."""

    def __init__(self, message: str, *, error: str | None = None, status: int | None = None,
                 request: SentRequest | None = None) -> None:
        super().__init__(message, status=status, request=request)
        self.error = error


class InvalidResponseError(OctoError):
    """An answer whose body is not what it claims: cut short (`truncated`),
    or malformed JSON in a 2xx. `body` holds its first KiB."""

    def __init__(self, message: str, *, status: int, request_id: str | None, body: bytes,
                 response: Response | None = None, truncated: bool = False,
                 rate_limit: RateLimit | None = None, request: SentRequest | None = None) -> None:
        self.body = body[:1024]
        self.response = response
        self.truncated = truncated
        super().__init__(f"{message} (status {status}, request id {request_id}): {self.body!r}",
                         status=status, request_id=request_id, rate_limit=rate_limit,
                         request=request)


# GitHub's `errors` list as a message shows it: a few items, a few levels,
# so that a list of odd shape (huge, deeply nested) cannot swamp or crash it.
_ERRORS_REPR = reprlib.Repr()
_ERRORS_REPR.maxlevel = 3
_ERRORS_REPR.maxlist = _ERRORS_REPR.maxdict = 10
_ERRORS_REPR.maxstring = _ERRORS_REPR.maxother = 200


class RequestError(OctoError):
    """GitHub answered with an error status."""

    def __init__(self, response: Response, message: str | None = None,
                 documentation_url: str | None = None, errors: list[Any] | None = None) -> None:
        self.response = response
        self.message = message or ""
        self.documentation_url = documentation_url
        self.errors = errors or []
        super().__init__(self._describe(response), status=response.status,
                         request_id=response.request_id, rate_limit=response.rate_limit,
                         request=response.request)

    def _describe(self, response: Response) -> str:
        text = f"{response.status} {self.message or 'error'} ({response.method} {redact_url(response.url)})"
        request_id = response.request_id
        if self.errors:
            text += f"; errors: {_ERRORS_REPR.repr(self.errors)}"
        if request_id:
            text += f"; request id {request_id}"
        if self.documentation_url:
            text += f"; see {self.documentation_url}"
        return text

    @classmethod
    def from_response(cls, response: Response) -> RequestError:
        """The most specific error class for a failed response."""
        body = response.data
        message = documentation_url = None
        errors = None
        if isinstance(body, dict):
            message = body.get("message") if isinstance(body.get("message"), str) else None
            documentation_url = body.get("documentation_url")
            documentation_url = documentation_url if isinstance(documentation_url, str) else None
            raw_errors = body.get("errors")
            errors = raw_errors if isinstance(raw_errors, list) else None
        elif isinstance(body, str) and body and not _looks_like_html(body):
            message = body[:200]
        error_class = _class_for(response, message)
        return error_class(response, message, documentation_url, errors)


class BadRequestError(RequestError):
    """400."""


class UnauthorizedError(RequestError):
    """401: a missing, wrong or expired credential."""


class ForbiddenError(RequestError):
    """403 that is not a rate limit."""


class NotFoundError(RequestError):
    """404 (GitHub also answers 404 for what the credential may not see)."""


class ConflictError(RequestError):
    """409."""


class GoneError(RequestError):
    """410."""


class ValidationFailedError(RequestError):
    """422; `errors` holds GitHub's list (`resource`, `field`, `code`)."""


class RateLimitError(RequestError):
    """403/429 because of a rate limit."""


class PrimaryRateLimitError(RateLimitError):
    """The hourly window is used up; `reset` is when it refills (epoch
    seconds), `reset_at` the same as a UTC datetime."""

    @property
    def reset(self) -> int | None:
        return self.rate_limit.reset

    @property
    def reset_at(self) -> datetime | None:
        return self.rate_limit.reset_at

    @classmethod
    def not_sent(cls, seen: Response, method: str, url: str, resource: str) -> PrimaryRateLimitError:
        """The error for a request held back because `seen`, an earlier
        answer, showed `resource`'s window used up."""
        until = seen.rate_limit.reset_at
        error = cls(seen, f"rate limit {resource!r} used up")
        error.args = (f"{method} {redact_url(url)}: not sent; rate limit {resource!r} used up until "
                      f"{until:%Y-%m-%d %H:%M:%S} UTC (seen on {seen.method} {redact_url(seen.url)})",)
        return error

    @classmethod
    def not_sent_shared(cls, window: Any, method: str, url: str, resource: str) -> PrimaryRateLimitError:
        """The error for a request held back because another process sharing
        the store saw `resource`'s window (an `octo.stores.shared.Window`) used up."""
        from octo.core.response import Response

        headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(window.reset),
                   "x-ratelimit-resource": resource}
        if window.used is not None:
            headers["x-ratelimit-used"] = str(window.used)
        seen = Response(403, headers, None, redact_url(url), method)
        error = cls(seen, f"rate limit {resource!r} used up")
        error.args = (f"{method} {redact_url(url)}: not sent; rate limit {resource!r} used up until "
                      f"{seen.rate_limit.reset_at:%Y-%m-%d %H:%M:%S} UTC (seen by another process "
                      "sharing the store)",)
        return error


class SecondaryRateLimitError(RateLimitError):
    """GitHub's abuse protection; `retry_after` is its advice in seconds, if any."""

    @property
    def retry_after(self) -> str | None:
        return self.response.headers.get("retry-after")


class ServerError(RequestError):
    """5xx."""


_BY_STATUS: dict[int, type[RequestError]] = {
    400: BadRequestError,
    401: UnauthorizedError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    410: GoneError,
    422: ValidationFailedError,
}


def rate_limit_kind(status: int, headers: Any, message: str | None) -> type[RateLimitError] | None:
    """Which rate limit a 403/429 answer reports, if any."""
    if status not in (403, 429):
        return None
    if message and ("secondary rate limit" in message.lower()
                    or "abuse detection" in message.lower()):
        return SecondaryRateLimitError
    if headers.get("x-ratelimit-remaining", "").strip() == "0":
        return PrimaryRateLimitError
    if status == 429:
        return SecondaryRateLimitError
    if headers.get("retry-after") is not None:
        return SecondaryRateLimitError
    return None


def _class_for(response: Response, message: str | None) -> type[RequestError]:
    kind = rate_limit_kind(response.status, response.headers, message)
    if kind is not None:
        return kind
    if response.status >= 500:
        return ServerError
    return _BY_STATUS.get(response.status, RequestError)


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:100].lower()
    return head.startswith("<!doctype") or head.startswith("<html")
