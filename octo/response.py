"""What a call returns: `Response`, and the rate-limit snapshot it carries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RateLimit:
    """GitHub's `x-ratelimit-*` headers of one response (`None` where absent)."""

    limit: int | None
    remaining: int | None
    used: int | None
    reset: int | None
    resource: str | None

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> RateLimit:
        return cls(
            limit=_int(headers.get("x-ratelimit-limit")),
            remaining=_int(headers.get("x-ratelimit-remaining")),
            used=_int(headers.get("x-ratelimit-used")),
            reset=_int(headers.get("x-ratelimit-reset")),
            resource=headers.get("x-ratelimit-resource"),
        )


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None


class Response:
    """A successful answer.

    `headers` is case-insensitive; `data` is the parsed JSON, `None` for an
    empty body (204/205), `str` or `bytes` for other media types.
    """

    __slots__ = ("status", "headers", "data", "url", "method")

    def __init__(self, status: int, headers: Mapping[str, str], data: Any, url: str,
                 method: str = "GET") -> None:
        self.status = status
        self.headers = headers
        self.data = data
        self.url = url
        self.method = method

    @property
    def request_id(self) -> str | None:
        return self.headers.get("x-github-request-id")

    @property
    def rate_limit(self) -> RateLimit:
        return RateLimit.from_headers(self.headers)

    def __repr__(self) -> str:
        return f"<Response {self.status} {self.method} {self.url}>"
