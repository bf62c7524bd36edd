"""The clients every generated method calls into.

`BaseClient` holds what `Octo` and `AsyncOcto` share: the settings, and the
one request path that turns a method's arguments into a call (`_bind`:
limits, path encoding, query, body, headers) and a call into its pipeline
(`_pipeline`: credentials, redirects by GitHub's rules, retries, the ETag
cache; see octo.core.pipeline). `Octo` runs pipelines on the sync driver over one
`requests.Session` (octo.drivers.sync); `AsyncOcto` (octo.aclient) on the
async one.
"""

from __future__ import annotations

import importlib
import ipaddress
import logging
import os
import re
import time
import warnings
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from octo import transfer
from octo.core.cache import CacheStore, ETagCache
from octo.core.checks import check_header_value, check_headers, check_timeout, check_token, check_url, timeouts
from octo.core.errors import OctoError
from octo.core.hooks import Hooks
from octo.core.operation import OMIT, Omit, Operation, Timeout
from octo.core.pipeline import (
    MAX_REDIRECTS,
    REDIRECT_STATUSES,
    Answer,
    Attempt,
    Request,
    Steps,
    json_bytes,
    log_answer,
    log_failure,
    read,
    redirect,
    with_query,
)
from octo.core.redaction import Secret, conceal, conceal_headers, redact_url
from octo.core.response import Response
from octo.core.retry import Retrier
from octo.drivers import transport
from octo.graphql import Call as GraphQLCall
from octo.version import __version__

if TYPE_CHECKING:
    import requests

    from octo.auth.app import AppAuth
    from octo.auth.oauth import UserAuth
    from octo.core.namespace import Namespace
    from octo.drivers.sync import SyncDriver
    from octo.graphql import Data
    from octo.rest._typing import Namespaces
    from octo.stores.shared import Store
else:
    Namespaces = object

log = logging.getLogger("octo")

DEFAULT_BASE_URL = "https://api.github.com"
DEFAULT_API_VERSION = "2022-11-28"
DEFAULT_TIMEOUT: tuple[float, float] = (10.0, 30.0)

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
C = TypeVar("C", bound="BaseClient")


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


class Call:
    """One bound call: everything its requests are built from."""

    __slots__ = ("op", "url", "route", "headers", "body", "timeout", "sink", "follow_redirects")

    def __init__(self, op: Operation, url: str, route: str, headers: dict[str, str], body: Any,
                 timeout: tuple[float, float, float], sink: transfer.Download | None,
                 follow_redirects: bool = True) -> None:
        self.op = op
        self.url = url
        self.route = route
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.sink = sink
        self.follow_redirects = follow_redirects


class BaseClient:
    """What the sync and the async client share; see `Octo` for the arguments."""

    _kind = "Octo"
    request: Callable[..., Any]  # the driver's own: returns a Response, or an awaitable of one
    _driver: Any  # octo.drivers.sync.SyncDriver or octo.drivers.aio.AsyncDriver

    def __init__(
        self,
        token: str | None = None,
        *,
        auth: AppAuth | UserAuth | None = None,
        base_url: str = DEFAULT_BASE_URL,
        api_version: str = DEFAULT_API_VERSION,
        timeout: Timeout = DEFAULT_TIMEOUT,
        user_agent: str | None = None,
        session: Any = None,
        uploads_url: str | None = None,
        allow_insecure_http: bool = False,
        cache: bool | CacheStore | None = None,
        retries: int = 3,
        max_rate_limit_wait: float = 900,
        max_connections: int = transport.DEFAULT_MAX_CONNECTIONS,
        store: Store | None = None,
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
        if auth is not None and not callable(getattr(auth, "attempt", None)):
            raise TypeError("auth= takes an octo.AppAuth or octo.UserAuth; pass a token as token=")  # never echo it
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
        self._timeouts = timeouts(self.timeout)
        self._retry = Retrier(retries, max_rate_limit_wait)
        self._trusted = {_origin(self.base_url), _origin(self.uploads_url), _origin(self.manage_url)}
        self._cache = ETagCache.of(cache)
        self.hook = Hooks()
        if store is not None:
            self._share(store, token, auth)
        self._headers = {
            "Accept": MEDIA_TYPES["json"],
            "X-GitHub-Api-Version": api_version,
            "User-Agent": user_agent or f"octo-github/{__version__}",
        }
        self._auth_headers = dict(self._headers)
        if token is not None:
            self._auth_headers["Authorization"] = Secret(f"Bearer {token}")
        self._connect(session, max_connections)

    def _connect(self, session: Any, max_connections: int) -> None:
        """Make the driver and its connection pool (`session`: the caller's own)."""
        raise NotImplementedError

    def _share(self, store: Store, token: str | None, auth: AppAuth | UserAuth | None) -> None:
        """Consult `store` for this client's state, under the key prefix of
        its credential and host."""
        from octo.auth.oauth import UserAuth
        from octo.stores import shared as stores

        shared = stores.Shared.of(store)
        if isinstance(auth, UserAuth):
            credential = auth.store_credential
        elif auth is not None:
            credential = f"app:{auth.app_id}:{auth.installation_id or ''}"
        else:
            credential = f"token:{token or ''}"
        self._retry.shared = shared
        self._retry.scope = stores.scope(self.base_url, credential)
        if self._cache is not None and not isinstance(store, stores.MemoryStore):
            self._cache = ETagCache(self._cache.store, shared=shared)

    @classmethod
    def from_env(cls: type[C], token: str | None = None, **kwargs: Any) -> C:
        """A client configured from the environment, as the module-level one is.

        Token: `token`, else `GITHUB_TOKEN`, else `GH_TOKEN`, else the one
        `octo auth login` stored for the base URL's host. Base URL:
        `base_url`, else `GITHUB_API_URL`, else https://api.github.com.
        Store: `store`, else a `RedisStore` on `OCTO_REDIS_URL` if set (its
        tokens shared if `OCTO_REDIS_ENCRYPTION_KEY` holds a Fernet key).
        GHES version: `ghes`, else `OCTO_GHES_VERSION` (`3.18`); manage
        host: `manage_url`, else `OCTO_GHES_MANAGE_URL`.
        """
        # Concealed at once: a token refused later shows as [redacted] in this frame's locals.
        token = conceal(token)
        if token is None and kwargs.get("auth") is None:
            token = conceal(os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN") or None)
        if "base_url" not in kwargs and os.environ.get("GITHUB_API_URL"):
            kwargs["base_url"] = check_url("GITHUB_API_URL", os.environ["GITHUB_API_URL"])
        if "store" not in kwargs and os.environ.get("OCTO_REDIS_URL"):
            from octo.stores.redis_store import RedisStore

            kwargs["store"] = RedisStore(os.environ["OCTO_REDIS_URL"],
                                         encryption_key=os.environ.get("OCTO_REDIS_ENCRYPTION_KEY") or None)
        if token is None and kwargs.get("auth") is None:
            from octo.auth.tokenstore import host_of, stored_token

            token = stored_token(host_of(kwargs.get("base_url", DEFAULT_BASE_URL)))
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
        return f"<{self._kind} {redact_url(state.get('base_url', '(not set up)'))} ({who})>"

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

    def _derived(self: C, auth: AppAuth) -> C:
        """A client like this one with another credential, sharing connections."""
        return type(self)(auth=auth, session=self._session, **self._options)

    def graphql(self, query: str, /, variables: Mapping[str, Any] | None = None, **more: Any) -> Any:
        """Send a GraphQL query or mutation; its answer's `data` (a dict whose
        `response` attribute is the `Response`: headers, rate limit). On
        `AsyncOcto`, an awaitable of it.

        Variables are `variables=` and/or keywords. An answer with `errors`
        raises `octo.GraphQLError` (with `.errors` and the partial `.data`).
        A query is retried like a GET; a mutation never once it may have
        arrived. See `octo.graphql` for what is decided how.
        """
        call = GraphQLCall(self.base_url, query, variables, more)
        # Read after the hooks, which see the call's Response as for any request.
        return self._driver.then(self.request(call.operation, data=call.body), call.read)

    # -- the one request path -------------------------------------------------

    def _bind(
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
    ) -> Call:
        """The call `request()` makes of its arguments, checked before any I/O
        (`headers` concealed by the caller, see `Octo.request`)."""
        if headers:
            check_headers(headers)
        op = operation if isinstance(operation, Operation) else _route(operation)
        if op.deprecated:
            warnings.warn(f"{op.name} is deprecated", DeprecationWarning, stacklevel=4)
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
                                  DeprecationWarning, stacklevel=4)
        route = op.render_path(path or {}) if path or "{" in op.path else op.path
        base = self.base_url if op.host is None else self.uploads_url if op.host == "uploads" else self.manage_url
        url = route if route.startswith(("https://", "http://")) else base + route

        send_headers = dict(self._auth_headers)
        if media_type is not OMIT:
            send_headers["Accept"] = _accept(media_type)  # type: ignore[arg-type]
        payload: Any = None
        if data is not OMIT:
            if json_body:
                raise TypeError(f"{op.name}: pass either data= or body keywords, not both")
            if op.content_type is None or "json" in op.content_type:
                json_body = data
            else:
                payload, send_headers["Content-Type"] = transfer.request_body(data, op.content_type, params)
        elif op.json_body and json_body is None:
            json_body = {}
        if headers:
            send_headers.update(_given(headers))
        if json_body is not None:
            payload = json_bytes(json_body, op.name)
            if not headers or not any(name.lower() == "content-type" for name in send_headers):
                send_headers["Content-Type"] = "application/json"
        if params:
            url = with_query(url, params)
        send_timeout = self._timeouts if timeout is OMIT else timeouts(check_timeout(timeout))
        sink = transfer.claim()
        if sink is not None and not follow_redirects:
            raise TypeError("download(): with follow_redirects=False there is no file to write; "
                            "call the method itself to read the Location")
        bucket_route = op.path if op.path[0] == "/" else self._route_of(url)
        return Call(op, url, bucket_route, send_headers, payload, send_timeout, sink, follow_redirects)

    def _pipeline(self, call: Call) -> Steps:
        """The steps of one call: retries around credentials around redirects."""
        return self._retry.run(call, self._attempt)

    def _attempt(self, call: Call) -> Steps:
        if self._auth is not None:
            # The app auth picks the credential per request and may re-send after a 401.
            return self._auth.attempt(self, call.url, call.headers, lambda h: self._hops(call, h))
        return self._hops(call, call.headers)

    def _hops(self, call: Call, headers: dict[str, str]) -> Steps:
        """Send once, following redirects by GitHub's rules, and read the answer."""
        method, url, sink = call.op.method, call.url, call.sink
        # One attempt's time limits span its redirect hops.
        attempt = Attempt(call.timeout, download=sink is not None,
                          upload=isinstance(call.body, (transfer.UploadBody, transfer.Once)))
        if sink is not None:
            sink.attempt = attempt
        for hop in range(MAX_REDIRECTS + 1):
            if not self._is_trusted(url):
                headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
            if type(call.body) is transfer.Once and call.body.used:
                # A redirect or a refused credential asks for the body again.
                raise OctoError(f"{method} {redact_url(url)}: cannot send again; the body came from a "
                                "stream that cannot be read twice (pass a Path, bytes or a seekable file)")
            request = Request(method, url, headers, call.body, attempt, sink is not None)
            # The ETag cache and the log line around the one effect that sends.
            cache = self._cache
            pending = (yield from cache.prepare(request)) if cache is not None and sink is None else None
            started = time.perf_counter()
            try:
                answer: Answer = yield request
            except OctoError as error:
                log_failure(request, error, started)
                raise
            if log.isEnabledFor(logging.DEBUG):
                log_answer(request, answer, started)
            if pending is not None:
                answer = yield from cache.settle(pending, answer)  # type: ignore[union-attr]
            if answer.status not in REDIRECT_STATUSES or "location" not in answer.headers:
                if sink is not None and answer.status < 300:
                    return (yield from sink.receive(self._is_trusted(answer.url), method, answer))
                return read(method, answer)
            if not call.follow_redirects:  # the caller reads the Location
                return read(method, answer, redirect=True)
            url = redirect(method, url, answer, hop)
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


class Octo(BaseClient, Namespaces):
    """A GitHub REST API client. Namespaces are attributes: `client.repos.get(...)`.

    `token` is sent as `Authorization: Bearer ...` only to `base_url`'s origin
    and its uploads host; `auth=octo.AppAuth(...)` instead authenticates as a
    GitHub App. `timeout` is one number or a (connect, read) pair, optionally
    with the total one attempt may take, read timeouts and all, as a third
    value (default connect + read); a download's body may take longer as long
    as it keeps coming. `max_connections` bounds the connections kept per host.
    `retries` bounds how often a failed call is sent again (0: never);
    `max_rate_limit_wait` is the longest wait for a rate limit or a
    `Retry-After` that octo accepts before it raises instead. `session` is
    a `requests.Session` of your own (proxies, certificates, adapters).
    `store` (`octo.RedisStore`) shares rate limits, pauses, pacing, app
    tokens and the ETag cache with other processes; by default a client
    keeps its own.
    `ghes="3.18"` says the server is GitHub Enterprise Server 3.18: a method it
    lacks is a TypeError before any I/O (as on api.github.com for a GHES-only
    one); its Manage API methods go to `manage_url` (default
    `https://HOST:8443`, HOST the base URL's).
    """

    _driver: SyncDriver

    def _connect(self, session: requests.Session | None, max_connections: int) -> None:
        from octo.drivers.sync import SyncDriver

        self._driver = SyncDriver(session, max_connections)
        self._session = self._driver.session

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
        call = self._bind(operation, path=path, query=query, body=body, headers=headers, data=data,
                          media_type=media_type, timeout=timeout, follow_redirects=follow_redirects)
        if self.hook.active:
            return self._driver.hooked(self.hook, call, self._pipeline)  # type: ignore[no-any-return]
        return self._driver.run(self._pipeline(call))  # type: ignore[no-any-return]

    if TYPE_CHECKING:
        def graphql(self, query: str, /, variables: Mapping[str, Any] | None = None,
                    **more: Any) -> Data: ...

    def for_installation(self, installation_id: int | None = None, *, owner: str | None = None,
                         repo: str | None = None, org: str | None = None, user: str | None = None) -> Octo:
        """This app client acting as one installation: given by id (a webhook's
        `installation.id`), or found for a repository, an organization or a user.

        The new client shares this one's connections and token cache.
        """
        from octo.auth.app import installation_client

        steps = installation_client(self, installation_id, owner=owner, repo=repo, org=org, user=user)
        return self._driver.run(steps)  # type: ignore[no-any-return]

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> Octo:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _given(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not OMIT}


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
