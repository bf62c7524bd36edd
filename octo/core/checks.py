"""Checks of what a caller passes in (tokens, URLs, header values,
timeouts), done before any I/O. A message names what is wrong, never the
value when it could be a secret."""

from __future__ import annotations

import functools
import math
import os
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import SplitResult, urlsplit

from octo.core.operation import OMIT, Timeout
from octo.core.redaction import Secret, conceal


def check_token(token: object) -> Secret:
    """Refuse a token that would corrupt a header; never echo it."""
    kind = type(token).__name__
    token = conceal(token)  # first: a refused token shows as [redacted] in this frame's locals
    if not isinstance(token, Secret):  # conceal made every str one
        raise TypeError(f"token must be a string, got {kind}")
    if not is_token_text(token):
        raise ValueError("token is empty or contains whitespace, control or non-ASCII characters")
    return token


def is_token_text(text: str) -> bool:
    """Whether `text` is a token that fits in a header as it is: printable
    ASCII without spaces."""
    return bool(text) and text.isascii() and text.isprintable() and " " not in text


def check_url(what: str, url: object) -> str:
    """A base URL routes can be appended to, without its trailing slash:
    http(s), a host, no user:password@, query, fragment, whitespace or control
    character. The message names what is wrong and never shows a password or
    anything after a `?` or `#`."""
    if not isinstance(url, str):
        raise TypeError(f"{what} must be a str, got {type(url).__name__}")
    url = Secret(url)  # a refused URL's password shows as [redacted] in this frame's locals
    problem = None
    if "@" in url:
        problem = "has a user name or password (user:password@); pass the token as token="
    elif not url.isprintable() or " " in url:
        problem = "has whitespace or control characters"
    elif "?" in url:
        problem = "has a query ('?...'): routes are appended to its path"
    elif "#" in url:
        problem = "has a fragment ('#...'): routes are appended to its path"
    else:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            problem = "must be an http:// or https:// URL"
        elif not parts.hostname:
            problem = "has no host"
        elif not _has_valid_port(parts):
            problem = "has an invalid port"
        elif not is_host_name(parts.hostname):
            problem = "has an invalid host name (an empty label, or one over 63 characters)"
    if problem:
        # str(): without a '?' or '#', partition gives back the Secret itself, shown as [redacted].
        shown = "" if "@" in url else f": {str(url).partition('?')[0].partition('#')[0]!r}"
        raise ValueError(f"{what} {problem}{shown}")
    return url.rstrip("/")


def is_host_name(host: str) -> bool:
    """Whether urllib3 can connect to `host`: no label of its name empty or
    over 63 characters. urllib3 checks this only when it connects, and
    raises an error of its own (not a requests one)."""
    try:
        host.encode("idna")
    except UnicodeError:
        return False
    return True


def _has_valid_port(parts: SplitResult) -> bool:
    try:
        parts.port  # noqa: B018 - parsing it is the check
    except ValueError:
        return False
    return True


# Patterns, compiled by `re` on first use rather than at `import octo`.
_HEADER_NAME = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
# A field value (RFC 9110 5.5) that http.client can send: no line break or
# other control character (a tab is fine), nothing beyond Latin-1, and no
# leading blank (requests refuses that, quoting the value).
_HEADER_VALUE = r"(?![\t ])[\t\x20-\x7e\xa0-\xff]*"


def check_header_value(what: str, value: object) -> None:
    """Refuse a header value that requests would refuse or put on the wire
    as two headers. The message names `what`, never the value."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, got {type(value).__name__}")
    if not re.fullmatch(_HEADER_VALUE, value):
        raise ValueError(f"{what} has a line break, a control or non-Latin-1 character, or a leading blank")


def check_headers(headers: Mapping[Any, Any]) -> None:
    """Refuse what requests would refuse in `headers=`, naming the header."""
    for name, value in headers.items():
        if not (isinstance(name, str) and _is_header_name(name)):
            # Shown up to its first bad character: a value pasted into the
            # name ("Authorization: Bearer ...") stays out of the message.
            valid = re.match(_HEADER_NAME, name) if isinstance(name, str) else None
            shown = valid.group() + "..." if valid else "" if name == "" else "..."
            raise ValueError(f"header name {shown!r} is not a valid header name (letters, digits and "
                             "!#$%&'*+-.^_`|~ only)")
        if isinstance(value, str) and value.isascii() and value.isprintable() and value[:1] != " ":
            continue  # the quick test most values pass
        if isinstance(value, bytes):  # sent as they are; checked as the text they stand for
            value = conceal(value.decode("latin-1"))
        if value is not None and value is not OMIT:  # None drops a session header
            check_header_value(f"header {name!r}:", value)


@functools.lru_cache(maxsize=256)
def _is_header_name(name: str) -> bool:
    # Cached: a program sends the same few names over and over.
    return re.fullmatch(_HEADER_NAME, name) is not None


def check_ca_bundle(bundle: str) -> str:
    """A CA bundle the environment names (`REQUESTS_CA_BUNDLE`, `CURL_CA_BUNDLE`),
    checked before anything is sent: a file or a directory of certificates."""
    if not os.path.exists(bundle):
        raise ValueError(f"the CA bundle {bundle!r} that REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE names does not exist")
    return bundle


def check_max_connections(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"max_connections must be a whole number >= 1, got {value!r}")
    return value


def check_timeout(timeout: Any) -> Timeout:
    """One number, a (connect, read) pair or a (connect, read, total) triple;
    never 'no timeout'."""
    values = timeout if isinstance(timeout, tuple) else (timeout,)
    if len(values) not in (1, 2, 3) or not all(
        isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v < math.inf for v in values
    ):
        raise ValueError("timeout must be a positive number, a (connect, read) pair or a "
                         f"(connect, read, total) triple, got {timeout!r}")
    return timeout  # type: ignore[no-any-return]


def timeouts(timeout: Timeout) -> tuple[float, float, float]:
    """(connect, read, total) of a checked timeout; the total of one attempt
    defaults to connect + read."""
    if not isinstance(timeout, tuple):
        return timeout, timeout, 2 * timeout
    if len(timeout) == 2:
        return timeout[0], timeout[1], timeout[0] + timeout[1]
    return timeout

