"""GitHub App authentication: `AppAuth` signs the app's JWT and trades it for
installation access tokens, which it caches and refreshes.

    gh = octo.Octo(auth=octo.AppAuth(123456, pem, installation_id=42))

https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app

PyJWT and cryptography (the `octo[app]` extra) are imported when the first
`AppAuth` is made, so `import octo` does not pay for them.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from octo.core.checks import is_token_text
from octo.core.errors import InvalidResponseError, OctoError, UnauthorizedError
from octo.core.pipeline import Mint, Sleep, Steps, StoreCall
from octo.core.redaction import Secret, SecretBytes, conceal, redact_url
from octo.core.response import header_date

if TYPE_CHECKING:
    from octo.client import BaseClient

__all__ = ["AppAuth"]

log = logging.getLogger("octo")

JWT_LIFETIME = 600  # GitHub refuses an `exp` more than 10 minutes after `iat`
JWT_BACKDATE = 60  # `iat` in the past, for a clock that runs ahead of GitHub's
JWT_MARGIN = 60  # sign a new JWT when less than this is left
TOKEN_MARGIN = 300  # replace an installation token with less than 5 minutes left
FRESH = 5.0  # a 401 this soon after minting is GitHub's replication lag, not a bad token
LAG_WAITS = (1.0, 2.0)
DEFAULT_TOKEN_LIFETIME = 3600.0  # what GitHub issues, for an answer without `expires_at`

_ACCESS_TOKENS = "POST /app/installations/{installation_id}/access_tokens"
_CLAIM_ERROR = re.compile(r"\b(exp|iat)\b")
# The routes GitHub documents as taking the app's JWT, not an installation token.
_JWT_ROUTE = re.compile(
    r"/app(?:/|$)|/marketplace_listing/|/(?:repos/[^/]+/[^/]+|orgs/[^/]+|users/[^/]+)/installation$"
)

_JWT_PREFIXES = ("/app", "/marketplace_listing/")
SendFunction = Callable[[dict[str, str]], Steps]
AppId = int | str


class _Token:
    """A credential and its lifetime; its repr never shows the value."""

    __slots__ = ("value", "minted_at", "refresh_at")

    def __init__(self, value: str, minted_at: float, refresh_at: float) -> None:
        self.value = value
        self.minted_at = minted_at
        self.refresh_at = refresh_at

    def __repr__(self) -> str:
        return "<credential>"

    def shared(self) -> tuple[str, float, float]:
        """What a store keeps of this token."""
        return self.value, self.minted_at, self.refresh_at


class _AppState:
    """What every `AppAuth` derived from one app shares: key, JWT, token cache."""

    def __init__(self, app_id: AppId, key: Any, clock: Callable[[], float],
                 sleep: Callable[[float], None]) -> None:
        self.app_id = app_id
        self.key = key
        self.clock = clock
        self.sleep = sleep
        self.offset = 0.0  # GitHub's clock minus ours, learnt from a rejected JWT
        self._jwt: _Token | None = None  # times in GitHub's clock
        self._jwt_lock = threading.Lock()
        self.tokens: dict[tuple[AppId, int], _Token] = {}  # times in our clock
        self._locks: dict[tuple[AppId, int], threading.Lock] = {}
        self._async_locks: weakref.WeakKeyDictionary[Any, dict[tuple[AppId, int], Any]] = \
            weakref.WeakKeyDictionary()

    def jwt(self, rejected: str | None = None) -> str:
        """The app's JWT, signed again only when close to expiry or rejected."""
        current = self._jwt
        if current is not None and current.value != rejected and \
                current.refresh_at > self.clock() + self.offset:
            return current.value
        with self._jwt_lock:
            now = self.clock() + self.offset
            current = self._jwt
            if current is not None and current.value != rejected and current.refresh_at > now:
                return current.value
            import jwt

            iat = int(now) - JWT_BACKDATE
            claims = {"iat": iat, "exp": iat + JWT_LIFETIME, "iss": str(self.app_id)}
            # Secret: a traceback's locals or a debugger show it as [redacted].
            value = Secret(jwt.encode(claims, self.key, algorithm="RS256"))
            self._jwt = _Token(value, now, iat + JWT_LIFETIME - JWT_MARGIN)
            return value

    def learn_offset(self, server_now: float) -> float:
        self.offset = server_now - self.clock()
        return self.offset

    def token(self, client: BaseClient, installation_id: int) -> Steps:
        """The cached installation token, minted first if missing or near
        expiry. The driver mints under the key's lock (`Mint`), after
        looking at the cache again (`cached`), so one is minted at a time."""
        key = (self.app_id, installation_id)
        current = self.cached(key)
        if current is not None:
            return current
        token: _Token = yield Mint(self, key, lambda: self._mint_for(client, installation_id))
        return token

    def _mint_for(self, client: BaseClient, installation_id: int) -> Steps:
        """A new token, or with a store that shares tokens, the fleet's:
        the one another process minted, or minted here for them all."""
        retry = client._retry
        shared = retry.shared
        if shared is None or not shared.shares_tokens:
            return (yield from self._mint(client, installation_id))
        from octo.stores.shared import fleet_token

        def mint() -> Steps:
            token: _Token = yield from self._mint(client, installation_id)
            return token.shared()

        value, minted_at, refresh_at = yield from fleet_token(shared, retry.scope, mint, self.clock, self.sleep)
        return _Token(Secret(value), minted_at, refresh_at)

    def cached(self, key: tuple[AppId, int]) -> _Token | None:
        current = self.tokens.get(key)
        return current if current is not None and current.refresh_at > self.clock() else None

    def lock(self, key: tuple[AppId, int]) -> threading.Lock:
        # setdefault on a dict is atomic, so all threads get the same lock.
        return self._locks.setdefault(key, threading.Lock())

    def async_lock(self, key: tuple[AppId, int]) -> Any:
        """The asyncio lock of `key` in the running loop (an asyncio lock serves one loop)."""
        import asyncio

        locks = self._async_locks.setdefault(asyncio.get_running_loop(), {})
        return locks.setdefault(key, asyncio.Lock())

    def discard(self, client: BaseClient, installation_id: int, token: _Token) -> Steps:
        """Forget `token` here, and in the store if it shares tokens."""
        key = (self.app_id, installation_id)
        with self.lock(key):
            if self.tokens.get(key) is token:
                del self.tokens[key]
        retry = client._retry
        shared = retry.shared
        if shared is not None and shared.shares_tokens:
            yield StoreCall(shared, lambda s: s.drop_token(retry.scope, token.value))

    def _mint(self, client: BaseClient, installation_id: int) -> Steps:
        malformed = None
        try:
            call = client._bind(_ACCESS_TOKENS, path={"installation_id": installation_id})
            response = yield from client._pipeline(call)
        except InvalidResponseError as exc:
            # Its message and body hold the token: only these facts go on.
            malformed = f"status {exc.status}, request id {exc.request_id}"
        if malformed is not None:  # raised out here, so that error is not its __context__
            raise OctoError(f"malformed access token answer for installation {installation_id} ({malformed})")
        minted_at = self.clock()
        value = _token_of(response.data)
        if value is None:
            raise OctoError(f"the access token answer for installation {installation_id} has no usable token "
                            f"(request id {response.request_id})")
        lifetime = _lifetime(response.data.get("expires_at"), response.headers.get("date"),
                             minted_at + self.offset)
        # A token shorter-lived than the margin is still used for half its life.
        token = self.tokens[(self.app_id, installation_id)] = \
            _Token(value, minted_at, minted_at + lifetime - min(TOKEN_MARGIN, lifetime / 2))
        return token


class AppAuth:
    """Authenticate as a GitHub App: pass as `Octo(auth=AppAuth(...))`.

    Routes of the app itself (`/app/...`, the installation lookups) get the
    app's JWT; every other route gets the installation's access token, minted
    on first use, cached and replaced when less than 5 minutes remain. Auth
    objects made by `for_installation` share the key, the JWT and the cache.
    `clock` and `sleep` are for tests.
    """

    __slots__ = ("installation_id", "_state")

    installation_id: int | None
    _state: _AppState

    def __init__(self, app_id: AppId, private_key: str | bytes | Any, installation_id: int | None = None,
                 *, clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        # First: a key refused below shows as [redacted] in a traceback's locals.
        private_key = conceal(private_key)
        _require_app_extra()
        if isinstance(app_id, bool) or not isinstance(app_id, (int, str)) or app_id in ("", 0):
            raise TypeError("app_id must be the app's ID (an int) or its client ID (a str)")
        self.installation_id = _installation_id(installation_id)
        self._state = _AppState(app_id, _load_key(private_key), clock, sleep)

    @property
    def app_id(self) -> AppId:
        return self._state.app_id

    def for_installation(self, installation_id: int) -> AppAuth:
        """The same app acting for another installation, sharing key, JWT and token cache."""
        auth = object.__new__(AppAuth)
        auth._state = self._state
        auth.installation_id = _installation_id(installation_id)
        if auth.installation_id is None:
            raise TypeError("installation_id is required")
        return auth

    def __repr__(self) -> str:
        # getattr: a half-built AppAuth (its __init__ refused) is shown in a traceback's locals too.
        state = getattr(self, "_state", None)
        return (f"AppAuth(app_id={getattr(state, 'app_id', None)!r}, "
                f"installation_id={getattr(self, 'installation_id', None)!r})")

    def __reduce__(self) -> Any:
        raise TypeError("AppAuth holds a private key and is not pickled")

    def attempt(self, client: BaseClient, url: str, headers: dict[str, str], send: SendFunction) -> Steps:
        """The pipeline `send(headers)` with the right credential in
        `headers`, started again after a 401 that a new JWT or GitHub's
        replication lag explains."""
        base = client.base_url
        if url.startswith(base + "/"):  # not a look-alike host such as api.github.com.evil
            path = url[len(base):]
        elif client._is_trusted(url):
            path = ""  # the uploads host: no app routes there
        else:
            return (yield from send(headers))  # another origin gets no credential
        if any(name.lower() == "authorization" for name in headers):
            return (yield from send(headers))  # the caller chose the credential
        if "?" in path:
            path = path.partition("?")[0]
        # The str tests are a cheap filter in front of the regex, which most paths never reach.
        if (path.startswith(_JWT_PREFIXES) or path.endswith("/installation")) and _JWT_ROUTE.match(path):
            return (yield from self._send_as_app(headers, send))
        if self.installation_id is None:
            raise ValueError(
                f"{path or redact_url(url)}: an AppAuth without installation_id only calls the app's own routes "
                "(/app/...); use client.for_installation(...) for the rest"
            )
        return (yield from self._send_as_installation(client, self.installation_id, headers, send))

    def _send_as_app(self, headers: dict[str, str], send: SendFunction) -> Steps:
        value = self._state.jwt()
        try:
            return (yield from send({**headers, "Authorization": Secret(f"Bearer {value}")}))
        except UnauthorizedError as error:
            server_now = header_date(error.response.headers.get("date"))
            if server_now is None or not _CLAIM_ERROR.search(error.message):
                raise
            offset = self._state.learn_offset(server_now)
            log.warning("GitHub rejected the app's JWT (%s); its clock is %+.0f s from ours, "
                        "signing again with that offset", error.message, offset)
        value = self._state.jwt(rejected=value)
        return (yield from send({**headers, "Authorization": Secret(f"Bearer {value}")}))

    def _send_as_installation(self, client: BaseClient, installation_id: int, headers: dict[str, str],
                              send: SendFunction) -> Steps:
        state = self._state
        token = yield from state.token(client, installation_id)
        waits = iter(LAG_WAITS)
        lagging = reminted = False
        while True:
            try:
                return (yield from send({**headers, "Authorization": Secret(f"Bearer {token.value}")}))
            except UnauthorizedError:
                lagging = lagging or state.clock() - token.minted_at < FRESH
                if not lagging and not reminted:
                    # A cached token GitHub no longer accepts (revoked early): mint a new one.
                    yield from state.discard(client, installation_id, token)
                    token = yield from state.token(client, installation_id)
                    reminted = True
                    continue
                wait = next(waits, None)
                if not lagging or wait is None:
                    raise
            log.warning("401 for a just-minted token of installation %s (GitHub's replication lag); "
                        "retrying in %.0f s", installation_id, wait)
            yield Sleep(wait, state.sleep)


def installation_client(client: BaseClient, installation_id: int | None = None, *, owner: str | None = None,
                        repo: str | None = None, org: str | None = None, user: str | None = None) -> Steps:
    """A client like `client` acting as one installation of its app (see
    `Octo.for_installation`), found first if not given by id."""
    auth = client._auth
    if not isinstance(auth, AppAuth):
        raise TypeError("for_installation needs a client made with auth=octo.AppAuth(...)")
    chosen = [installation_id is not None, owner is not None or repo is not None, org is not None,
              user is not None]
    if sum(chosen) != 1 or (chosen[1] and (owner is None or repo is None)):
        raise TypeError("pass exactly one of: installation_id, owner= with repo=, org=, user=")
    if installation_id is None:
        if owner is not None and repo is not None:
            route, values = "GET /repos/{owner}/{repo}/installation", {"owner": owner, "repo": repo}
        elif org is not None:
            route, values = "GET /orgs/{org}/installation", {"org": org}
        else:
            route, values = "GET /users/{username}/installation", {"username": str(user)}
        response = yield from client._pipeline(client._bind(route, path=values))
        found = response.data.get("id") if isinstance(response.data, Mapping) else None
        if not isinstance(found, int) or isinstance(found, bool) or found <= 0:
            raise OctoError(f"{route}: the answer has no installation id (request id {response.request_id})")
        installation_id = found
    return client._derived(auth.for_installation(installation_id))


def _require_app_extra() -> None:
    try:
        import cryptography  # noqa: F401
        import jwt  # noqa: F401
    except ImportError:
        raise ImportError(
            "GitHub App authentication needs PyJWT and cryptography: pip install 'octo[app]'"
        ) from None


def _load_key(private_key: Secret | SecretBytes | Any) -> Any:
    """The RSA key of `private_key`, which the caller has concealed; every
    form of it held here is concealed too."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    if isinstance(private_key, rsa.RSAPrivateKey):
        return private_key
    if isinstance(private_key, str):
        if "\\n" in private_key and "\n" not in private_key.strip():
            # A key pasted into an environment variable with its newlines escaped.
            private_key = private_key.replace("\\n", "\n")
        # "replace": a str no PEM could be (a lone surrogate) is refused below as any bad key is.
        private_key = SecretBytes(private_key.encode(errors="replace"))
    if not isinstance(private_key, bytes):
        raise TypeError("private_key must be the PEM text of the app's private key (str or bytes)")
    key = None
    try:
        key = load_pem_private_key(private_key, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        pass  # raised below, without the parser's exception, which could quote the input
    if key is None:
        raise ValueError("private_key is not a PEM private key (the .pem file GitHub lets "
                         "you download)")
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("private_key must be an RSA key, as GitHub App keys are")
    return key


def _token_of(data: Any) -> Secret | None:
    """The token of an access token answer, if it has one that fits in a header."""
    value = data.get("token") if isinstance(data, Mapping) else None
    return Secret(value) if isinstance(value, str) and is_token_text(value) else None


def _installation_id(value: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise TypeError(f"installation_id must be a positive int, got {value!r}")
    return value


def _lifetime(expires_at: Any, date: str | None, now: float) -> float:
    """Seconds the token lives, measured in GitHub's clock so that our clock's
    error does not count."""
    if not isinstance(expires_at, str):
        return DEFAULT_TOKEN_LIFETIME
    try:
        parsed = datetime.fromisoformat(expires_at.replace("Z", "+00:00"))
        expires = (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()
    except (ValueError, OverflowError):
        return DEFAULT_TOKEN_LIFETIME
    issued = header_date(date)
    return max(0.0, expires - (now if issued is None else issued))
