"""Every error octo raises derives from `OctoError`.

`RequestError` and its subclasses mean GitHub answered with an error status;
`TransportError` means there was no usable answer at all. Messages hold the
method, the URL and GitHub's message, never a credential.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from octo.response import RateLimit

if TYPE_CHECKING:
    from octo.response import Response


class OctoError(Exception):
    """Base of every error octo raises."""


class TransportError(OctoError):
    """No usable answer: connection refused or reset, timeout, TLS failure."""

    def __init__(self, message: str, *, method: str = "", url: str = "") -> None:
        super().__init__(message)
        self.method = method
        self.url = url


class RedirectError(OctoError):
    """A redirect octo will not follow (too many hops, https to http, a
    301/302/303 answer to a write)."""


class InvalidResponseError(OctoError):
    """A 2xx answer whose body is not what its content type says (cut short,
    malformed JSON)."""

    def __init__(self, message: str, *, status: int, request_id: str | None, body: bytes,
                 response: Response | None = None) -> None:
        self.status = status
        self.request_id = request_id
        self.body = body[:1024]
        self.response = response
        super().__init__(f"{message} (status {status}, request id {request_id}): {self.body!r}")


class RequestError(OctoError):
    """GitHub answered with an error status."""

    def __init__(self, response: Response, message: str | None = None,
                 documentation_url: str | None = None, errors: list[Any] | None = None) -> None:
        self.response = response
        self.status = response.status
        self.message = message or ""
        self.documentation_url = documentation_url
        self.errors = errors or []
        self.request_id = response.request_id
        super().__init__(self._describe())

    @property
    def rate_limit(self) -> RateLimit:
        return self.response.rate_limit

    def _describe(self) -> str:
        text = f"{self.status} {self.message or 'error'} ({self.response.method} {self.response.url})"
        if self.errors:
            text += f"; errors: {self.errors}"
        if self.request_id:
            text += f"; request id {self.request_id}"
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
    """The hourly window is used up; `reset` is when it refills (epoch seconds)."""

    @property
    def reset(self) -> int | None:
        return self.rate_limit.reset


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
    if message and "secondary rate limit" in message.lower():
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
