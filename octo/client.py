"""`Octo`: the client every generated method calls into.

One `request()` serves every endpoint: it checks the arguments against the
operation's limits, encodes the path, sends through one `requests.Session`,
follows redirects by GitHub's rules, and turns the answer into a `Response`
or a typed error.
"""

from __future__ import annotations

import functools
import importlib
import ipaddress
import json
import logging
import os
import re
import time
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import SplitResult, urljoin, urlsplit

import requests
import urllib3
from requests.structures import CaseInsensitiveDict

from octo import __version__, media, transfer, transport
from octo.cache import CacheStore, ETagCache
from octo.errors import (
    InvalidResponseError,
    OctoError,
    RedirectError,
    RequestError,
    ServerError,
    TransportError,
)
from octo.operation import OMIT, Omit, Operation, Timeout
from octo.redaction import Secret, SecretURL, SentRequest, conceal, conceal_headers, redact_url
from octo.response import RateLimit, Response
from octo.retry import Retrier

if TYPE_CHECKING:
    from octo.auth import AppAuth
    from octo.namespace import Namespace
    from octo.rest._typing import Namespaces
else:
    Namespaces = object

log = logging.getLogger("octo")

DEFAULT_BASE_URL = "https://api.github.com"
DEFAULT_API_VERSION = "2022-11-28"
DEFAULT_TIMEOUT: tuple[float, float] = (10.0, 30.0)
MAX_REDIRECTS = 5
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_SAFE_REDIRECT_METHODS = frozenset({"GET", "HEAD"})
_READ_SIZE = 64 * 1024

# Accept headers for GitHub's other representations of a resource.
MEDIA_TYPES = {
    "json": "application/vnd.github+json",
    "raw": "application/vnd.github.raw+json",
    "html": "application/vnd.github.html+json",
    "text": "application/vnd.github.text+json",
    "full": "application/vnd.github.full+json",
    "base64": "application/vnd.github.base64+json",
    "diff": "application/vnd.github.diff",
    "patch": "application/vnd.github.patch",
    "sha": "application/vnd.github.sha",
    "object": "application/vnd.github.object+json",
    "star": "application/vnd.github.star+json",
    "repository": "application/vnd.github.v3.repository+json",
    "sarif": "application/sarif+json",
}

# Route strings given to `request()`, parsed once. Only templates are kept:
# an absolute URL (a next page, an asset) or a literal path is seldom seen
# twice, and a long-running process would keep every one.
_route_cache: dict[str, Operation] = {}
_ROUTE_CACHE_SIZE = 1024


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


def check_timeout(timeout: Any) -> Timeout:
    """One number, a (connect, read) pair or a (connect, read, total) triple;
    never 'no timeout'."""
    values = timeout if isinstance(timeout, tuple) else (timeout,)
    if len(values) not in (1, 2, 3) or not all(
        isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 for v in values
    ):
        raise ValueError("timeout must be a positive number, a (connect, read) pair or a "
                         f"(connect, read, total) triple, got {timeout!r}")
    return timeout  # type: ignore[no-any-return]


def _timeouts(timeout: Timeout) -> tuple[float, float, float]:
    """(connect, read, total) of a checked timeout; the total of one attempt
    defaults to connect + read."""
    if not isinstance(timeout, tuple):
        return timeout, timeout, 2 * timeout
    if len(timeout) == 2:
        return timeout[0], timeout[1], timeout[0] + timeout[1]
    return timeout


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.scheme, f"{(parts.hostname or '').lower()}:{port}"


# GHE.com, GitHub Enterprise Cloud with data residency: api.SUBDOMAIN.ghe.com.
_DATA_RESIDENCY = re.compile(r"^api\.([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)\.ghe\.com$")
MANAGE_PORT = 8443  # GHES's Manage API listens on the appliance's host, this port


def uploads_url_for(base_url: str) -> str:
    """GitHub's uploads host for an API base URL."""
    parts = urlsplit(base_url)
    if parts.hostname == "api.github.com":
        return "https://uploads.github.com"
    residency = _DATA_RESIDENCY.match(parts.hostname or "")
    if residency:
        return f"https://uploads.{residency.group(1)}.ghe.com"
    if parts.path.rstrip("/").endswith("/api/v3"):
        return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')[: -len('/v3')]}/uploads"
    return base_url


def targets_for(base_url: str, ghes: str | None) -> tuple[frozenset[str] | None, str]:
    """The targets whose methods a client may call (None: any, unchecked), and
    its name for error messages. `ghes` is a GHES version (`"3.18"`); else the
    base URL tells api.github.com (whose GHEC methods it has too) and GHE.com."""
    host = urlsplit(base_url).hostname or ""
    if ghes is not None:
        from octo.rest import GHES_VERSIONS

        if not isinstance(ghes, str) or ghes not in GHES_VERSIONS:
            raise ValueError(f"ghes must be one of {', '.join(map(repr, GHES_VERSIONS))} (the GHES versions "
                             f"octo knows), got {ghes!r}; leave it out for another GHES: no method is refused")
        if host == "api.github.com" or _DATA_RESIDENCY.match(host):
            raise ValueError(f"ghes={ghes!r} is for a GitHub Enterprise Server, but base_url is {host}")
        return frozenset({f"ghes-{ghes}"}), f"GHES {ghes}"
    if host == "api.github.com":
        return frozenset({"api.github.com", "ghec"}), "api.github.com"
    if _DATA_RESIDENCY.match(host):
        return frozenset({"ghec"}), f"GitHub Enterprise Cloud ({host})"
    return None, ""


def manage_url_for(base_url: str) -> str:
    """GHES's Manage API root for an API base URL: the same host, port 8443, https."""
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    return f"https://{f'[{host}]' if ':' in host else host}:{MANAGE_PORT}"


class Octo(Namespaces):
    """A GitHub REST API client. Namespaces are attributes: `client.repos.get(...)`.

    `token` is sent as `Authorization: Bearer ...` only to `base_url`'s origin
    and its uploads host; `auth=octo.AppAuth(...)` instead authenticates as a
    GitHub App. `timeout` is one number or a (connect, read) pair, optionally
    with the total one attempt may take, read timeouts and all, as a third
    value (default connect + read); a download's body may take longer as long
    as it keeps coming. `max_connections` bounds the connections kept per host.
    `retries` bounds how often a failed call is sent again (0: never);
    `max_rate_limit_wait` is the longest wait for a rate limit or a
    `Retry-After` that octo accepts before it raises instead.
    `ghes="3.18"` says the server is GitHub Enterprise Server 3.18: a method it
    lacks is a TypeError before any I/O (as on api.github.com for a GHES-only
    one); its Manage API methods go to `manage_url` (default
    `https://HOST:8443`, HOST the base URL's).
    """

    def __init__(
        self,
        token: str | None = None,
        *,
        auth: AppAuth | None = None,
        base_url: str = DEFAULT_BASE_URL,
        api_version: str = DEFAULT_API_VERSION,
        timeout: Timeout = DEFAULT_TIMEOUT,
        user_agent: str | None = None,
        session: requests.Session | None = None,
        uploads_url: str | None = None,
        allow_insecure_http: bool = False,
        cache: bool | CacheStore | None = None,
        retries: int = 3,
        max_rate_limit_wait: float = 900,
        max_connections: int = transport.DEFAULT_MAX_CONNECTIONS,
        ghes: str | None = None,
        manage_url: str | None = None,
    ) -> None:
        # First: a token refused below shows as [redacted] in a traceback's locals.
        token = conceal(token)
        # The settings a derived client (`for_installation`) copies: all but credential and session.
        self._options = {k: v for k, v in locals().items() if k not in ("self", "token", "auth", "session")}
        base_url = check_url("base_url", base_url)
        uploads_url = check_url("uploads_url", uploads_url) if uploads_url else uploads_url_for(base_url)
        check_header_value("api_version", api_version)
        manage_url = check_url("manage_url", manage_url) if manage_url else manage_url_for(base_url)
        self._targets, self._target = targets_for(base_url, ghes)
        if user_agent is not None:
            check_header_value("user_agent", user_agent)
        if token is not None and auth is not None:
            raise TypeError("pass token= or auth=, not both")
        if auth is not None and not callable(getattr(auth, "send", None)):
            raise TypeError("auth= takes an octo.AppAuth; pass a token as token=")  # never echo it
        if token is not None or auth is not None:
            if token is not None:
                token = check_token(token)
            for where in (urlsplit(base_url), urlsplit(uploads_url), urlsplit(manage_url)):
                if where.scheme == "http" and not (allow_insecure_http or _is_loopback(where.hostname or "")):
                    raise ValueError(
                        f"refusing to send a token over plain http to {where.hostname}; "
                        "use https, or pass allow_insecure_http=True"
                    )
        self._token = token
        self._auth = auth
        self.base_url = base_url
        self.uploads_url = uploads_url
        self.manage_url = manage_url
        self.ghes = ghes
        self.api_version = api_version
        self.timeout = check_timeout(timeout)
        self._timeouts = _timeouts(self.timeout)
        self._retry = Retrier(retries, max_rate_limit_wait)
        self._trusted = {_origin(self.base_url), _origin(self.uploads_url), _origin(self.manage_url)}
        self._session = session or requests.Session()
        transport.mount(self._session, max_connections, own=session is None)
        self._cache = ETagCache.of(cache)
        self._headers = {
            "Accept": MEDIA_TYPES["json"],
            "X-GitHub-Api-Version": api_version,
            "User-Agent": user_agent or f"octo-github/{__version__}",
        }
        self._auth_headers = dict(self._headers)
        if token is not None:
            self._auth_headers["Authorization"] = Secret(f"Bearer {token}")
        # Proxy and CA settings from the environment, per origin (see `_settings_for`).
        self._settings: dict[str, dict[str, Any]] = {}

    @classmethod
    def from_env(cls, token: str | None = None, **kwargs: Any) -> Octo:
        """A client configured from the environment, as the module-level one is.

        Token: `token`, else `GITHUB_TOKEN`, else `GH_TOKEN`. Base URL:
        `base_url`, else `GITHUB_API_URL`, else https://api.github.com.
        GHES version: `ghes`, else `OCTO_GHES_VERSION` (`3.18`); manage
        host: `manage_url`, else `OCTO_GHES_MANAGE_URL`.
        """
        # Concealed at once: a token refused later shows as [redacted] in this frame's locals.
        token = conceal(token)
        if token is None and kwargs.get("auth") is None:
            token = conceal(os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN") or None)
        if "base_url" not in kwargs and os.environ.get("GITHUB_API_URL"):
            kwargs["base_url"] = check_url("GITHUB_API_URL", os.environ["GITHUB_API_URL"])
        if "ghes" not in kwargs and os.environ.get("OCTO_GHES_VERSION"):
            kwargs["ghes"] = os.environ["OCTO_GHES_VERSION"]
        if "manage_url" not in kwargs and os.environ.get("OCTO_GHES_MANAGE_URL"):
            kwargs["manage_url"] = check_url("OCTO_GHES_MANAGE_URL", os.environ["OCTO_GHES_MANAGE_URL"])
        return cls(token, **kwargs)

    def __repr__(self) -> str:
        # From __dict__: a client whose __init__ refused its arguments is shown too
        # (in a traceback's locals), and a missing name is no namespace lookup.
        state = self.__dict__
        token, auth = state.get("_token"), state.get("_auth")
        who = "token" if token is not None else repr(auth) if auth else "anonymous"
        return f"<Octo {redact_url(state.get('base_url', '(not set up)'))} ({who})>"

    def __getattr__(self, name: str) -> Namespace:
        # Called only when `name` is not yet an attribute: load the namespace
        # module once and keep the instance, so later access is a plain lookup.
        if name.startswith("_"):
            raise AttributeError(name)
        namespace = load_namespace(name)(self)
        self.__dict__[name] = namespace
        return namespace

    def __dir__(self) -> list[str]:
        from octo.rest import NAMESPACES

        return sorted({*super().__dir__(), *NAMESPACES})

    def for_installation(self, installation_id: int | None = None, *, owner: str | None = None,
                         repo: str | None = None, org: str | None = None, user: str | None = None) -> Octo:
        """This app client acting as one installation: given by id (a webhook's
        `installation.id`), or found for a repository, an organization or a user.

        The new client shares this one's connections and token cache.
        """
        from octo.auth import installation_client

        return installation_client(self, installation_id, owner=owner, repo=repo, org=org, user=user)

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> Octo:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the one request path -------------------------------------------------

    def request(
        self,
        operation: Operation | str,
        *,
        path: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        data: Any = OMIT,
        media_type: str | Omit = OMIT,
        timeout: Timeout | Omit = OMIT,
        follow_redirects: bool = True,
    ) -> Response:
        """Call one endpoint. Generated methods call this; it also takes a
        route string, Octokit style: `request("GET /repos/{owner}/{repo}", path={...})`.

        `headers` of the caller's own replace octo's of the same name (Accept,
        Content-Type) or add to them (If-None-Match). With `follow_redirects=False`
        a 3xx answer with a Location is returned as it is (a tarball's codeload
        URL), for any method, instead of being followed or refused."""
        if headers:
            # Rebound first: a credential passed here shows as [redacted] in a traceback's locals.
            headers = conceal_headers(headers)
            check_headers(headers)
        op = operation if isinstance(operation, Operation) else _route(operation)
        if op.deprecated:
            warnings.warn(f"{op.name} is deprecated", DeprecationWarning, stacklevel=3)
        params = _given(query) if query else None
        json_body = (_given(body) or None) if body else None
        if op.targets is not None and self._targets is not None and op.targets.isdisjoint(self._targets):
            raise op.not_on(self._target)
        limits = op.limits if op.versions is None else op.limits_for(self.api_version, params, json_body)
        if limits:
            for values in (params, json_body):
                if values:
                    for name, limit in limits.items():
                        if name in values:
                            limit.check(name, values[name])
        if op.deprecated_params:
            for values in (params, json_body):
                for name in op.deprecated_params.intersection(values or ()):
                    warnings.warn(f"{op.name}: parameter {name!r} is deprecated",
                                  DeprecationWarning, stacklevel=3)
        route = op.render_path(path or {}) if path or "{" in op.path else op.path
        base = self.base_url if op.host is None else self.uploads_url if op.host == "uploads" else self.manage_url
        url = route if route.startswith(("https://", "http://")) else base + route

        send_headers = dict(self._auth_headers)
        if media_type is not OMIT:
            send_headers["Accept"] = _accept(media_type)  # type: ignore[arg-type]
        raw: Any = None
        if data is not OMIT:
            if json_body:
                raise TypeError(f"{op.name}: pass either data= or body keywords, not both")
            if op.content_type is None or "json" in op.content_type:
                json_body = data
            else:
                raw, send_headers["Content-Type"] = transfer.request_body(data, op.content_type, params)
        elif op.json_body and json_body is None:
            json_body = {}
        if headers:
            send_headers.update(_given(headers))
        if params:
            params = {k: _query_value(v) for k, v in params.items()}
        send_timeout = self._timeouts if timeout is OMIT else _timeouts(check_timeout(timeout))
        sink = transfer.claim()
        if sink is not None and not follow_redirects:
            raise TypeError("download(): with follow_redirects=False there is no file to write; "
                            "call the method itself to read the Location")
        bucket_route = op.path if op.path[0] == "/" else self._route_of(url)
        return self._retry.call(op.method, url, bucket_route, lambda: self._send(
            op.method,
            url,
            params=params,
            json_body=json_body,
            raw=raw,
            headers=send_headers,
            timeout=send_timeout,
            sink=sink,
            follow_redirects=follow_redirects,
        ))

    def _send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        raw: Any = None,
        headers: dict[str, str],
        timeout: tuple[float, float, float],
        sink: transfer.Download | None = None,
        follow_redirects: bool = True,
        authorized: bool = False,
    ) -> Response:
        """Send once, following redirects by GitHub's rules, and parse the answer."""
        if self._auth is not None and not authorized:
            # The app auth picks the credential per request and may re-send after a 401.
            return self._auth.send(self, url, headers, lambda h: self._send(
                method, url, params=params, json_body=json_body, raw=raw, headers=h, timeout=timeout,
                sink=sink, follow_redirects=follow_redirects, authorized=True))
        attempt = transport.Attempt(timeout, download=sink is not None,
                                    upload=isinstance(raw, (transfer.UploadBody, transfer.Once)))
        for hop in range(MAX_REDIRECTS + 1):
            if not self._is_trusted(url):
                headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
            answer = self._transmit(method, url, params, json_body, raw, headers, attempt, sink)
            if answer.status_code not in _REDIRECT_STATUSES or "location" not in answer.headers:
                return self._response(method, answer, sink)
            if not follow_redirects:  # the caller reads the Location
                return self._response(method, answer, sink, redirect=True)
            # A SecretURL: the signature of a storage URL stays out of a traceback's locals.
            location = SecretURL(_location(answer))
            answer.close()
            refusal = None
            if hop == MAX_REDIRECTS:
                refusal = f"more than {MAX_REDIRECTS} redirects"
            elif method not in _SAFE_REDIRECT_METHODS and answer.status_code not in (307, 308):
                refusal = (f"answered {answer.status_code} to {redact_url(location)}; "
                           "a write is only re-sent on 307/308")
            elif url.startswith("https:") and location.startswith("http:"):
                refusal = f"refusing redirect from https to http ({redact_url(location)})"
            if refusal:
                raise RedirectError(f"{method} {redact_url(url)}: {refusal}", **_facts(answer))
            url, params = location, None
        raise AssertionError("unreachable")

    def _route_of(self, url: str) -> str:
        """The path of an absolute URL below the API root (a next page, an
        asset's `url`), for rate-limit bookkeeping: page after page of one
        list counts against the bucket of its route, not of a whole URL."""
        path = url.partition("?")[0]
        for root in (self.base_url, self.uploads_url):
            if path.startswith(root + "/"):
                return path[len(root):]
        return path

    def _is_trusted(self, url: str) -> bool:
        return url.startswith(self.base_url + "/") or _origin(url) in self._trusted

    def _settings_for(self, url: str) -> dict[str, Any]:
        """Proxy and CA settings for `url`'s origin, from the session and the
        environment as `requests.get` finds them (`HTTPS_PROXY`, `NO_PROXY`,
        `REQUESTS_CA_BUNDLE`, ...). Read once per origin rather than on every
        call as `Session.request` does: a redirect to a storage host or a page
        on another host gets that host's proxy."""
        end = url.find("/", url.find("//") + 2)
        origin = url if end < 0 else url[:end]
        settings = self._settings.get(origin)
        if settings is None:
            if len(self._settings) >= 64:  # hosts a hostile server names could grow it
                self._settings.clear()
            merged = self._session.merge_environment_settings(url, {}, None, None, None)
            # `stream` is left out: it is decided per call (downloads stream).
            settings = self._settings[origin] = {
                "proxies": merged["proxies"], "verify": merged["verify"], "cert": merged["cert"]}
        return settings

    def _transmit(self, method: str, url: str, params: Any, json_body: Any, raw: Any,
                  headers: dict[str, str], attempt: transport.Attempt,
                  sink: transfer.Download | None) -> requests.Response:
        if type(raw) is transfer.Once and raw.used:
            # A redirect or a refused credential asks for the body again.
            raise OctoError(f"{method} {redact_url(url)}: cannot send again; the body came from a stream "
                            "that cannot be read twice (pass a Path, bytes or a seekable file)")
        prepared = _prepare(self._session, method, url, params, json_body, raw, headers)
        streaming = sink is not None
        pending = self._cache.prepare(prepared) if self._cache and not streaming else None
        started = time.perf_counter()
        # Connecting counts in the attempt's total; the reads are held to it
        # by octo's adapter (`transport`).
        timeout = (min(attempt.connect, max(attempt.remaining(), 0.001)), attempt.read)
        if sink is not None:
            sink.attempt = attempt
        context = transport.current.set(attempt)
        error = None
        try:
            # Always streamed: the body is read here by `_read_body`, which
            # tells a body cut short from a connection that never answered;
            # a download's 2xx body is left for the download to write.
            answer = self._session.send(prepared, timeout=timeout, allow_redirects=False,
                                        stream=True, **self._settings_for(url))
            if not streaming or answer.status_code >= 300:
                _read_body(method, answer, attempt)
        except (requests.RequestException, OctoError) as exc:
            error = exc if isinstance(exc, OctoError) else _transport_error(method, url, exc, prepared,
                                                                            attempt.why)
        finally:
            transport.current.reset(context)
        if error is not None:
            # Raised here, not in the except block: requests' exception would
            # stay its __context__, and its frames hold the request as sent.
            log.debug("%s %s -> %s in %.1f ms", method, redact_url(prepared.url or url),
                      getattr(error, "reason", None) or f"{error.status} {type(error).__name__}",
                      (time.perf_counter() - started) * 1000)
            raise error
        if log.isEnabledFor(logging.DEBUG):
            log.debug("%s %s -> %s in %.1f ms (request id %s)", method, redact_url(prepared.url or url),
                      answer.status_code, (time.perf_counter() - started) * 1000,
                      answer.headers.get("x-github-request-id"))
        return self._cache.settle(pending, answer) if self._cache and pending else answer

    def _response(self, method: str, answer: requests.Response, sink: transfer.Download | None,
                  redirect: bool = False) -> Response:
        status = answer.status_code
        if status < 300 and sink is not None:
            return sink.receive(self, method, answer)
        content = answer.content
        data: Any = None
        if content and status not in (204, 205):
            if media.is_json(answer):
                malformed = False
                try:
                    data = json.loads(content)
                except (ValueError, RecursionError):  # RecursionError: nested too deeply
                    malformed = True
                # Not raised in the except block: the parser's exception holds the whole body.
                if malformed and status < 400:
                    raise InvalidResponseError(f"{method} {redact_url(answer.url)}: malformed JSON",
                                               body=content, **_facts(answer))
                if malformed:
                    data = media.text(answer)
            elif media.is_text(answer):
                data = media.text(answer)
            else:
                data = content
        response = Response(status, answer.headers, data, answer.url, method, answer.request)
        if status >= 400:
            error = RequestError.from_response(response)
            raise error
        # 304: the caller's own If-None-Match matched; `redirect`: a 3xx the caller asked for.
        if status >= 300 and status != 304 and not redirect:
            raise ServerError(response, f"unexpected redirect status {status} without Location")
        return response


def _prepare(session: requests.Session, method: str, url: str, params: Any, json_body: Any,
             raw: Any, headers: Mapping[str, str]) -> requests.PreparedRequest:
    """What `session.prepare_request(requests.Request(...))` makes, at less cost.

    The session's headers, params, auth, cookies and hooks apply as there;
    what is left out is the work octo never needs: three copies of the cookie
    jar per call, and merging settings through runtime-checked protocols (a
    sixth of octo's CPU per call). ~/.netrc is not read: requests would let a
    login found there replace octo's Authorization header.
    """
    if session.params:
        # Rare: let requests merge those its own way; `_as_is` keeps it off netrc.
        prepared = session.prepare_request(requests.Request(
            method, url, params=params, json=json_body, data=raw, headers=headers,
            auth=None if session.auth else _as_is))
    else:
        merged = CaseInsensitiveDict(session.headers)
        merged.update(headers)
        for name in [name for name, value in merged.items() if value is None]:
            del merged[name]  # as in requests: a session header set to None is not sent
        prepared = requests.PreparedRequest()
        prepared.prepare(method=method, url=url, headers=merged, params=params, json=json_body,
                         data=raw, auth=session.auth, cookies=session.cookies, hooks=session.hooks)
    # First, so that no other hook and not requests itself meets a malformed Location.
    prepared.hooks["response"].insert(0, _check_location)
    return prepared


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


def _location(answer: requests.Response) -> str:
    """Where a redirect answer points; a `Location` that is no http(s) URL
    octo could follow is a RedirectError."""
    try:
        # The header's bytes read as UTF-8, as requests reads them.
        target = link_target(answer.url, answer.headers["location"].encode("latin-1").decode("utf-8"))
    except UnicodeError:
        target = None
    if target is None:
        answer.close()
        raise RedirectError(f"{answer.request.method} {redact_url(answer.url)}: answered {answer.status_code} "
                            "with a Location that is not an http(s) URL", **_facts(answer))
    return target


def _check_location(answer: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
    """A response hook. `Session.send` works out where a redirect points
    (for `Response.next`) even when told not to follow it, and crashes on a
    malformed `Location`; octo refuses it here first."""
    if answer.status_code in _REDIRECT_STATUSES and "location" in answer.headers:
        _location(answer)
    return answer


def _as_is(request: requests.PreparedRequest) -> requests.PreparedRequest:
    """The request's own headers as its credential (an `auth` that changes nothing)."""
    return request


def _sent_request(prepared: requests.PreparedRequest) -> SentRequest:
    return SentRequest.of(prepared.method, prepared.url, prepared.headers)


def _facts(answer: requests.Response) -> dict[str, Any]:
    """What an error about an answer carries besides its message."""
    return {"status": answer.status_code, "request_id": answer.headers.get("x-github-request-id"),
            "rate_limit": RateLimit.from_headers(answer.headers), "request": _sent_request(answer.request)}


def _transport_error(method: str, url: str, exc: requests.RequestException,
                     prepared: requests.PreparedRequest, why: str | None = None) -> TransportError:
    """A TransportError saying whether the request may have reached the server;
    `why` is what ended the attempt, if its time ran out."""
    inner = exc.args[0] if exc.args else None
    reason = getattr(inner, "reason", None)
    if reason is None and isinstance(inner, urllib3.exceptions.ProtocolError) and len(inner.args) > 1:
        reason = inner.args[1]  # what broke the connection
    sent, retriable = True, True
    if why is not None:
        text = why
    elif isinstance(exc, requests.exceptions.SSLError):
        # Certificates do not fix themselves between retries.
        text, sent, retriable = "TLS failure", False, False
    elif isinstance(exc, requests.ConnectTimeout):
        text, sent = "timed out connecting", False
    elif isinstance(exc, requests.Timeout):
        text = "timed out waiting for the answer"
    elif isinstance(exc, requests.ConnectionError) and isinstance(reason, urllib3.exceptions.NewConnectionError):
        text, sent = "could not connect (refused or unreachable)", False
    elif isinstance(inner, urllib3.exceptions.EmptyPoolError):
        text, sent = "no free connection in time (all max_connections busy)", False
    elif isinstance(reason, transport.HeadersCutShort):
        text = "connection closed inside the answer's header block"
    elif isinstance(exc, requests.ConnectionError):
        text = "connection broken after sending"
    else:
        text, sent, retriable = "could not send", False, False
    # requests' own message repeats the URL, query included; the class and
    # the innermost cause say what happened without it.
    text += f" ({type(exc).__name__}: {type(reason or exc).__name__})"
    url = redact_url(url)
    return TransportError(f"{method} {url}: {text}", method=method, url=url, reason=text,
                          sent=sent, retriable=retriable, request=_sent_request(prepared))


def _read_body(method: str, answer: requests.Response, attempt: transport.Attempt) -> None:
    """Read the whole body into `answer.content`. A body cut short is an
    `InvalidResponseError` that keeps what did arrive."""
    raw = answer.raw
    if not isinstance(raw, urllib3.BaseHTTPResponse):
        answer.content  # noqa: B018 - a transport adapter's own body (tests): requests reads it
        return
    chunks: list[bytes] = []
    failure = None
    try:
        # read1 returns what has arrived, so a failing read loses nothing.
        while chunk := raw.read1(_READ_SIZE, decode_content=True):
            chunks.append(chunk)
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        failure = type(exc)
    # The errors are raised out here: urllib3's exception, as their
    # __context__, would carry its frames (the body read so far) along.
    if failure is not None and issubclass(failure, urllib3.exceptions.ReadTimeoutError):
        answer.close()
        text = attempt.why or "timed out reading the answer"
        url = redact_url(answer.url)
        raise TransportError(f"{method} {url}: {text}", method=method, url=url,
                             reason=text, request=_sent_request(answer.request))
    if failure is not None:
        answer.close()
        undecodable = issubclass(failure, urllib3.exceptions.DecodeError)
        raise InvalidResponseError(
            f"{method} {redact_url(answer.url)}: body {'not decodable' if undecodable else 'cut short'} "
            f"({failure.__name__})",
            body=b"".join(chunks), truncated=not undecodable, **_facts(answer),
        )
    # What requests itself does once it has read a body; `content`, `text`
    # and the ETag cache then use it.
    answer._content = b"".join(chunks)
    answer._content_consumed = True  # type: ignore[attr-defined]
    raw.release_conn()


def _given(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not OMIT}


def _query_value(value: Any) -> Any:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return value


def _accept(media_type: str) -> str:
    try:
        return MEDIA_TYPES[media_type]
    except KeyError:
        raise ValueError(
            f"media_type {media_type!r} is not one of {', '.join(sorted(MEDIA_TYPES))}"
        ) from None


def _route(route: str) -> Operation:
    op = _route_cache.get(route)
    if op is None:
        method, _, path = route.partition(" ")
        if not path.startswith(("/", "https://", "http://")):
            raise ValueError(f"route must look like 'GET /path' or 'GET https://...', got {redact_url(route)!r}")
        op = Operation(method.upper(), path)
        if "{" in path:
            if len(_route_cache) >= _ROUTE_CACHE_SIZE:
                _route_cache.clear()  # templates built at run time: start again rather than grow
            _route_cache[route] = op
    return op


def load_namespace(name: str) -> type[Namespace]:
    """The generated class of namespace `name`; AttributeError if there is none."""
    try:
        module = importlib.import_module(f"octo.rest.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"octo.rest.{name}":
            raise
        raise AttributeError(f"octo has no namespace {name!r}") from None
    cls: type[Namespace] = module.NAMESPACE
    return cls
