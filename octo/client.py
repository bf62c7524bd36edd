"""`Octo`: the client every generated method calls into.

One `request()` serves every endpoint: it checks the arguments against the
operation's limits, encodes the path, sends through one `requests.Session`,
follows redirects by GitHub's rules, and turns the answer into a `Response`
or a typed error.
"""

from __future__ import annotations

import importlib
import ipaddress
import json
import logging
import os
import time
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from requests.structures import CaseInsensitiveDict

from octo import __version__, media, transfer
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
from octo.redaction import Secret, SentRequest, redact_url
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

_route_cache: dict[str, Operation] = {}


def check_token(token: str) -> str:
    """Refuse a token that would corrupt a header; never echo it."""
    if not isinstance(token, str):
        raise TypeError("token must be a string")
    if not token or any(not (32 < ord(c) < 127) for c in token):
        raise ValueError("token is empty or contains whitespace, control or non-ASCII characters")
    return token


def check_timeout(timeout: Any) -> Timeout:
    """One number, or a (connect, read) pair; never 'no timeout'."""
    values = timeout if isinstance(timeout, tuple) else (timeout,)
    if len(values) not in (1, 2) or not all(
        isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 for v in values
    ):
        raise ValueError(f"timeout must be a positive number or a (connect, read) pair, got {timeout!r}")
    return timeout  # type: ignore[no-any-return]


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


def uploads_url_for(base_url: str) -> str:
    """GitHub's uploads host for an API base URL."""
    parts = urlsplit(base_url)
    if parts.hostname == "api.github.com":
        return "https://uploads.github.com"
    if parts.path.rstrip("/").endswith("/api/v3"):
        return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')[: -len('/v3')]}/uploads"
    return base_url


class Octo(Namespaces):
    """A GitHub REST API client. Namespaces are attributes: `client.repos.get(...)`.

    `token` is sent as `Authorization: Bearer ...` only to `base_url`'s origin
    and its uploads host; `auth=octo.AppAuth(...)` instead authenticates as a
    GitHub App. `timeout` is one number or a (connect, read) pair.
    `retries` bounds how often a failed call is sent again (0: never);
    `max_rate_limit_wait` is the longest wait for a rate limit or a
    `Retry-After` that octo accepts before it raises instead.
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
    ) -> None:
        # The settings a derived client (`for_installation`) copies: all but credential and session.
        self._options = {k: v for k, v in locals().items() if k not in ("self", "token", "auth", "session")}
        base_url = base_url.rstrip("/")
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"base_url must be an http(s) URL, got {base_url!r}")
        if token is not None and auth is not None:
            raise TypeError("pass token= or auth=, not both")
        if auth is not None and not callable(getattr(auth, "send", None)):
            raise TypeError("auth= takes an octo.AppAuth; pass a token as token=")  # never echo it
        if token is not None or auth is not None:
            if token is not None:
                check_token(token)
            for where in (parts, urlsplit(uploads_url or "")):
                if where.scheme == "http" and not (allow_insecure_http or _is_loopback(where.hostname or "")):
                    raise ValueError(
                        f"refusing to send a token over plain http to {where.hostname}; "
                        "use https, or pass allow_insecure_http=True"
                    )
        self._token = None if token is None else Secret(token)
        self._auth = auth
        self.base_url = base_url
        self.uploads_url = (uploads_url or uploads_url_for(base_url)).rstrip("/")
        self.api_version = api_version
        self.timeout = check_timeout(timeout)
        self._retry = Retrier(retries, max_rate_limit_wait)
        self._trusted = {_origin(self.base_url), _origin(self.uploads_url)}
        self._session = session or requests.Session()
        self._cache = ETagCache.of(cache)
        self._headers = {
            "Accept": MEDIA_TYPES["json"],
            "X-GitHub-Api-Version": api_version,
            "User-Agent": user_agent or f"octo-github/{__version__}",
        }
        self._auth_headers = dict(self._headers)
        if token is not None:
            self._auth_headers["Authorization"] = Secret(f"Bearer {token}")
        # Proxy and CA settings from the environment, read once rather than
        # on every call as `Session.request` does.
        settings = self._session.merge_environment_settings(self.base_url, {}, None, None, None)
        # `stream` is decided per call: downloads stream.
        self._send_kwargs: dict[str, Any] = {k: v for k, v in settings.items() if k != "stream"}

    @classmethod
    def from_env(cls, token: str | None = None, **kwargs: Any) -> Octo:
        """A client configured from the environment, as the module-level one is.

        Token: `token`, else `GITHUB_TOKEN`, else `GH_TOKEN`. Base URL:
        `base_url`, else `GITHUB_API_URL`, else https://api.github.com.
        """
        if token is None and kwargs.get("auth") is None:
            token = os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN") or None
        if "base_url" not in kwargs and os.environ.get("GITHUB_API_URL"):
            kwargs["base_url"] = os.environ["GITHUB_API_URL"]
        return cls(token, **kwargs)

    def __repr__(self) -> str:
        auth = "token" if self._token is not None else repr(self._auth) if self._auth else "anonymous"
        return f"<Octo {redact_url(self.base_url)} ({auth})>"

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
    ) -> Response:
        """Call one endpoint. Generated methods call this; it also takes a
        route string, Octokit style: `request("GET /repos/{owner}/{repo}", path={...})`."""
        op = operation if isinstance(operation, Operation) else _route(operation)
        if op.deprecated:
            warnings.warn(f"{op.name} is deprecated", DeprecationWarning, stacklevel=3)
        params = _given(query) if query else None
        json_body = (_given(body) or None) if body else None
        if op.limits:
            for values in (params, json_body):
                if values:
                    for name, limit in op.limits.items():
                        if name in values:
                            limit.check(name, values[name])
        if op.deprecated_params:
            for values in (params, json_body):
                for name in op.deprecated_params.intersection(values or ()):
                    warnings.warn(f"{op.name}: parameter {name!r} is deprecated",
                                  DeprecationWarning, stacklevel=3)
        route = op.render_path(path or {}) if path or "{" in op.path else op.path
        base = self.uploads_url if op.host == "uploads" else self.base_url
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
        send_timeout = self.timeout if timeout is OMIT else check_timeout(timeout)
        sink = transfer.claim()
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
        timeout: Timeout,
        sink: transfer.Download | None = None,
        authorized: bool = False,
    ) -> Response:
        """Send once, following redirects by GitHub's rules, and parse the answer."""
        if self._auth is not None and not authorized:
            # The app auth picks the credential per request and may re-send after a 401.
            return self._auth.send(self, url, headers, lambda h: self._send(
                method, url, params=params, json_body=json_body, raw=raw, headers=h, timeout=timeout,
                sink=sink, authorized=True))
        for hop in range(MAX_REDIRECTS + 1):
            if not self._is_trusted(url):
                headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
            answer = self._transmit(method, url, params, json_body, raw, headers, timeout, sink)
            if answer.status_code not in _REDIRECT_STATUSES or "location" not in answer.headers:
                return self._response(method, answer, sink)
            location = urljoin(answer.url, answer.headers["location"])
            answer.close()
            refusal = None
            if hop == MAX_REDIRECTS:
                refusal = f"more than {MAX_REDIRECTS} redirects"
            elif method not in _SAFE_REDIRECT_METHODS and answer.status_code not in (307, 308):
                refusal = (f"answered {answer.status_code} to {redact_url(location)}; "
                           "a write is only re-sent on 307/308")
            elif urlsplit(location).scheme not in ("http", "https"):
                refusal = f"refusing redirect to {redact_url(location)}"
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

    def _transmit(self, method: str, url: str, params: Any, json_body: Any, raw: Any,
                  headers: dict[str, str], timeout: Timeout, sink: transfer.Download | None) -> requests.Response:
        if type(raw) is transfer.Once and raw.used:
            # A redirect or a refused credential asks for the body again.
            raise OctoError(f"{method} {redact_url(url)}: cannot send again; the body came from a stream "
                            "that cannot be read twice (pass a Path, bytes or a seekable file)")
        prepared = _prepare(self._session, method, url, params, json_body, raw, headers)
        streaming = sink is not None
        pending = self._cache.prepare(prepared) if self._cache and not streaming else None
        started = time.perf_counter()
        try:
            # Always streamed: the body is read here by `_read_body`, which
            # tells a body cut short from a connection that never answered;
            # a download's 2xx body is left for the download to write.
            answer = self._session.send(prepared, timeout=timeout, allow_redirects=False,
                                        stream=True, **self._send_kwargs)
            if not streaming or answer.status_code >= 300:
                _read_body(method, answer)
        except (requests.RequestException, OctoError) as exc:
            error = exc if isinstance(exc, OctoError) else _transport_error(method, url, exc, prepared)
            log.debug("%s %s -> %s in %.1f ms", method, redact_url(prepared.url or url),
                      getattr(error, "reason", None) or f"{error.status} {type(error).__name__}",
                      (time.perf_counter() - started) * 1000)
            raise error from None
        if log.isEnabledFor(logging.DEBUG):
            log.debug("%s %s -> %s in %.1f ms (request id %s)", method, redact_url(prepared.url or url),
                      answer.status_code, (time.perf_counter() - started) * 1000,
                      answer.headers.get("x-github-request-id"))
        return self._cache.settle(pending, answer) if self._cache and pending else answer

    def _response(self, method: str, answer: requests.Response, sink: transfer.Download | None) -> Response:
        status = answer.status_code
        if status < 300 and sink is not None:
            return sink.receive(self, method, answer)
        content = answer.content
        data: Any = None
        if content and status not in (204, 205):
            if media.is_json(answer):
                try:
                    data = json.loads(content)
                except ValueError:
                    if status < 400:
                        raise InvalidResponseError(f"{method} {redact_url(answer.url)}: malformed JSON",
                                                   body=content, **_facts(answer)) from None
                    data = media.text(answer)
            elif media.is_text(answer):
                data = media.text(answer)
            else:
                data = content
        response = Response(status, answer.headers, data, answer.url, method, answer.request)
        if status >= 400:
            error = RequestError.from_response(response)
            raise error
        if status >= 300 and status != 304:  # 304: the caller's own If-None-Match matched
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
        return session.prepare_request(requests.Request(
            method, url, params=params, json=json_body, data=raw, headers=headers,
            auth=None if session.auth else _as_is))
    merged = CaseInsensitiveDict(session.headers)
    merged.update(headers)
    for name in [name for name, value in merged.items() if value is None]:
        del merged[name]  # as in requests: a session header set to None is not sent
    prepared = requests.PreparedRequest()
    prepared.prepare(method=method, url=url, headers=merged, params=params, json=json_body,
                     data=raw, auth=session.auth, cookies=session.cookies, hooks=session.hooks)
    return prepared


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
                     prepared: requests.PreparedRequest) -> TransportError:
    """A TransportError saying whether the request may have reached the server."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    sent, retriable = True, True
    if isinstance(exc, requests.exceptions.SSLError):
        # Certificates do not fix themselves between retries.
        text, sent, retriable = "TLS failure", False, False
    elif isinstance(exc, requests.ConnectTimeout):
        text, sent = "timed out connecting", False
    elif isinstance(exc, requests.Timeout):
        text = "timed out waiting for the answer"
    elif isinstance(exc, requests.ConnectionError) and isinstance(reason, urllib3.exceptions.NewConnectionError):
        text, sent = "could not connect (refused or unreachable)", False
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


def _read_body(method: str, answer: requests.Response) -> None:
    """Read the whole body into `answer.content`. A body cut short is an
    `InvalidResponseError` that keeps what did arrive."""
    raw = answer.raw
    if not isinstance(raw, urllib3.BaseHTTPResponse):
        answer.content  # noqa: B018 - a transport adapter's own body (tests): requests reads it
        return
    chunks: list[bytes] = []
    try:
        # read1 returns what has arrived, so a failing read loses nothing.
        while chunk := raw.read1(_READ_SIZE, decode_content=True):
            chunks.append(chunk)
    except urllib3.exceptions.ReadTimeoutError:
        answer.close()
        text = "timed out reading the answer"
        url = redact_url(answer.url)
        raise TransportError(f"{method} {url}: {text}", method=method, url=url,
                             reason=text, request=_sent_request(answer.request)) from None
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        answer.close()
        undecodable = isinstance(exc, urllib3.exceptions.DecodeError)
        raise InvalidResponseError(
            f"{method} {redact_url(answer.url)}: body {'not decodable' if undecodable else 'cut short'} "
            f"({type(exc).__name__})",
            body=b"".join(chunks), truncated=not undecodable, **_facts(answer),
        ) from None
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
            raise ValueError(f"route must look like 'GET /path' or 'GET https://...', got {route!r}")
        op = _route_cache[route] = Operation(method.upper(), path)
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
