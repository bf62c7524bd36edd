"""What of a request may be shown: in errors, logs and reprs credentials
appear only as `[redacted]`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, TypeVar, overload
from urllib.parse import unquote, urlsplit, urlunsplit

REDACTED = "[redacted]"
_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key"})
# Words of query parameter names that carry credentials: X-Amz-Signature,
# X-Amz-Credential, X-Amz-Security-Token, sig (Azure SAS), access_token, ...
_SECRET_WORDS = frozenset({"sig", "signature", "token", "secret", "credential", "credentials",
                           "password", "key", "jwt", "apikey"})
_WORD_BREAK = re.compile(r"[^a-z0-9]+")
# A URL or a path with a query, as it appears in a log line or a message.
_URL_IN_TEXT = re.compile(r"""[^\s'"<>]*[?@][^\s'"<>]+""")
T = TypeVar("T")


class Secret(str):
    """A header value that is sent as is but shows as `[redacted]` in a repr,
    so a dict of headers in a traceback's locals or a debugger stays clean."""

    __slots__ = ()

    def __repr__(self) -> str:
        return repr(REDACTED)


class SecretBytes(bytes):
    """Bytes (a PEM key) used as they are, shown as `[redacted]` in a repr."""

    __slots__ = ()

    def __repr__(self) -> str:
        return repr(REDACTED)


class SecretURL(str):
    """A URL used as it is, shown in a repr as `redact_url` shows it: a signed
    storage URL held in a local keeps its signature out of a traceback."""

    __slots__ = ()

    def __repr__(self) -> str:
        return repr(redact_url(str(self)))


@overload
def conceal(value: str) -> Secret: ...
@overload
def conceal(value: bytes) -> SecretBytes: ...
@overload
def conceal(value: T) -> T: ...
def conceal(value: Any) -> Any:
    """`value` as a `Secret` (a str) or `SecretBytes` (bytes), anything else as
    it is. A local that holds a credential is rebound to this on the first
    line that touches it, so a traceback's locals never show it."""
    if isinstance(value, str):
        return value if isinstance(value, Secret) else Secret(value)
    if isinstance(value, bytes):
        return value if isinstance(value, SecretBytes) else SecretBytes(value)
    return value


def conceal_headers(headers: Mapping[Any, Any]) -> dict[Any, Any]:
    """`headers` with the value of each credential header concealed."""
    return {name: conceal(value) if isinstance(name, str) and name.lower() in _SECRET_HEADERS else value
            for name, value in headers.items()}


def conceal_header_option(options: dict[str, Any]) -> None:
    """Conceal, in place, the credentials of the `headers=` among a call's
    keyword arguments, so the frame that holds them shows them redacted."""
    headers = options.get("headers")
    if headers and isinstance(headers, Mapping):
        options["headers"] = conceal_headers(headers)


def redact_url(url: str) -> str:
    """`url` without credentials: no `user:password@` part, and the values
    of query parameters that look like one (the signature of a pre-signed
    storage URL a download is redirected to, a token) replaced."""
    if "@" not in url and "?" not in url:
        return url
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{REDACTED}@{netloc.rpartition('@')[2]}"
    query = parts.query
    if query:
        query = "&".join(
            f"{name}={REDACTED}" if _is_secret_name(name) else f"{name}={value}" if sep else name
            for name, sep, value in (item.partition("=") for item in query.split("&"))
        )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def redact_text(text: str) -> str:
    """`text` with each URL in it (or path with a query) passed through `redact_url`."""
    if "?" not in text and "@" not in text:
        return text
    return _URL_IN_TEXT.sub(lambda found: redact_url(found.group()), text)


def _is_secret_name(name: str) -> bool:
    return not _SECRET_WORDS.isdisjoint(_WORD_BREAK.split(unquote(name).lower()))


def redact_headers(headers: Mapping[str, Any]) -> Mapping[str, str]:
    return MappingProxyType({
        name: REDACTED if name.lower() in _SECRET_HEADERS else str(value)
        for name, value in headers.items()
    })


class SentRequest:
    """The request behind an answer or an error, safe to print: method, URL
    and headers with credentials replaced. The body is left out. Immutable."""

    # Not a dataclass, for the import time of octo (see RateLimit).
    __slots__ = ("method", "url", "headers")
    method: str
    url: str
    headers: Mapping[str, str]

    def __init__(self, method: str, url: str, headers: Mapping[str, str] | None = None) -> None:
        object.__setattr__(self, "method", method)
        object.__setattr__(self, "url", url)
        object.__setattr__(self, "headers", {} if headers is None else headers)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"SentRequest is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"SentRequest is immutable; cannot delete {name!r}")

    def __eq__(self, other: object) -> bool:
        if type(other) is not SentRequest:
            return NotImplemented
        return (self.method, self.url, self.headers) == (other.method, other.url, other.headers)

    def __hash__(self) -> int:
        return hash((self.method, self.url))

    @classmethod
    def of(cls, method: str | None, url: str | None, headers: Mapping[str, Any]) -> SentRequest:
        return cls(method or "", redact_url(url or ""), redact_headers(headers))

    def __repr__(self) -> str:
        return f"<SentRequest {getattr(self, 'method', '?')} {getattr(self, 'url', '?')}>"

    def __reduce__(self) -> tuple[Any, ...]:
        return (SentRequest.of, (self.method, self.url, dict(self.headers)))
