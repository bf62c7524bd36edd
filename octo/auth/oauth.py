"""Signing in as a user of an OAuth app or a GitHub App: the device flow, the
web flow (authorization URL with `state` and PKCE, code exchange) and the
refresh of expiring user tokens.

The decisions (what to send, how to read each answer, how long to wait) are
I/O-free: functions that build a `FormPost` and read a (status, body) pair,
and `DevicePoll`, which says how long to wait and whether to go on. The
driver here (`device_flow`, `WebFlow.exchange`, `refresh`) carries them out
over requests; an async driver can run the same decisions.
https://docs.github.com/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import secrets
import threading
import weakref
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

import requests

from octo.client import _is_loopback
from octo.core.checks import check_url
from octo.core.errors import OAuthError, TransportError, UnauthorizedError
from octo.core.pipeline import Answer, Attempt, Mint, Request, Steps
from octo.core.redaction import Secret, SecretBytes, conceal
from octo.core.retry import Retrier

if TYPE_CHECKING:
    from octo.client import BaseClient

DEFAULT_WEB_URL = "https://github.com"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
SLOW_DOWN_STEP = 5  # seconds added to the interval on `slow_down` (RFC 8628 §3.5)
DEFAULT_INTERVAL = 5
REFRESH_MARGIN = 300  # a token with less than this left is refreshed before use
_SECRET_FIELDS = frozenset({"access_token", "refresh_token", "device_code", "client_secret", "code",
                            "code_verifier"})


# -- what to send, how to read it (no I/O) -----------------------------------------

class FormPost:
    """One form POST to GitHub's web host. Its form holds secrets (a device
    code, a client secret, a code verifier): concealed, and not in the repr."""

    __slots__ = ("url", "form")
    headers = {"Accept": "application/json"}  # else GitHub answers form-encoded

    def __init__(self, url: str, form: dict[str, str]) -> None:
        self.url = url
        self.form = {k: conceal(v) if k in _SECRET_FIELDS else v for k, v in form.items()}

    def __repr__(self) -> str:
        return f"<FormPost {getattr(self, 'url', '?')}>"


def web_root(web_url: str) -> str:
    """`web_url` checked: no secret goes over plain http except to loopback."""
    root = check_url("web_url", web_url)
    if urlsplit(root).scheme == "http" and not _is_loopback(urlsplit(root).hostname or ""):
        raise ValueError(f"web_url: refusing to sign in over plain http to {urlsplit(root).hostname}; use https")
    return root


def read_answer(status: int, body: bytes) -> dict[str, Any]:
    """The JSON object GitHub answered, with its secret fields concealed;
    anything else is an OAuthError that does not show the body."""
    body = conceal(body)
    try:
        answer = json.loads(body)
    except (ValueError, RecursionError):
        answer = None
    if not isinstance(answer, dict):
        raise OAuthError(f"GitHub's answer ({status}) is not a JSON object", status=status)
    return {k: conceal(v) if k in _SECRET_FIELDS else v for k, v in answer.items()}


def _refusal(answer: dict[str, Any], status: int, what: str) -> OAuthError:
    error = str(answer.get("error") or "")
    description = answer.get("error_description")
    text = f"{what}: GitHub answered {error or status}" + (f" ({description})" if description else "")
    return OAuthError(text, error=error or None, status=status)


class OAuthToken:
    """A user access token and what came with it. `token` (and `refresh_token`)
    are shown as `[redacted]`; `expires_at` and `refresh_token_expires_at` are
    Unix times, None for a token that does not expire."""

    __slots__ = ("token", "token_type", "scopes", "expires_at", "refresh_token", "refresh_token_expires_at")

    def __init__(self, token: str, *, token_type: str = "bearer", scopes: tuple[str, ...] = (),
                 expires_at: float | None = None, refresh_token: str | None = None,
                 refresh_token_expires_at: float | None = None) -> None:
        self.token = conceal(token)
        self.token_type = token_type
        self.scopes = scopes
        self.expires_at = expires_at
        self.refresh_token = conceal(refresh_token)
        self.refresh_token_expires_at = refresh_token_expires_at

    def __repr__(self) -> str:
        expires = getattr(self, "expires_at", None)
        return (f"<OAuthToken scopes={list(getattr(self, 'scopes', ()))}"
                + (f" expires_at={expires:.0f}" if expires is not None else "") + ">")

    def expiring(self, now: float, margin: float = REFRESH_MARGIN) -> bool:
        """Whether to refresh before the next call: less than `margin` seconds left."""
        return self.expires_at is not None and self.expires_at - now < margin


def read_token(status: int, body: bytes, now: float, what: str = "sign-in") -> OAuthToken:
    """An access token answer (device flow, code exchange, refresh)."""
    body = conceal(body)  # first: it holds the token, and this frame may end in a traceback
    answer = read_answer(status, body)
    token = answer.get("access_token")
    if answer.get("error") or not isinstance(token, str) or not token:
        raise _refusal(answer, status, what)
    return OAuthToken(
        token,
        token_type=str(answer.get("token_type") or "bearer"),
        scopes=tuple(s for s in str(answer.get("scope") or "").replace(",", " ").split() if s),
        expires_at=_at(now, answer.get("expires_in")),
        refresh_token=answer.get("refresh_token") or None,
        refresh_token_expires_at=_at(now, answer.get("refresh_token_expires_in")),
    )


def _at(now: float, seconds: Any) -> float | None:
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds <= 0:
        return None
    return now + seconds


def _seconds(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else default


# -- the device flow ----------------------------------------------------------------

class DeviceCode:
    """What the user is shown (`user_code`, `verification_uri`) and the
    `device_code` the app polls with (concealed, not in the repr)."""

    __slots__ = ("device_code", "user_code", "verification_uri", "expires_in", "interval")

    def __init__(self, device_code: str, user_code: str, verification_uri: str, expires_in: int,
                 interval: int) -> None:
        self.device_code = conceal(device_code)
        self.user_code = user_code
        self.verification_uri = verification_uri
        self.expires_in = expires_in
        self.interval = interval

    def __repr__(self) -> str:
        return f"<DeviceCode {getattr(self, 'user_code', '?')} at {getattr(self, 'verification_uri', '?')}>"


def device_code_request(client_id: str, scopes: Iterable[str] = (), web_url: str = DEFAULT_WEB_URL) -> FormPost:
    form = {"client_id": client_id}
    scope = " ".join(scopes)
    if scope:
        form["scope"] = scope
    return FormPost(f"{web_root(web_url)}/login/device/code", form)


def read_device_code(status: int, body: bytes) -> DeviceCode:
    body = conceal(body)  # it holds the device code
    answer = read_answer(status, body)
    fields = (answer.get("device_code"), answer.get("user_code"), answer.get("verification_uri"))
    if answer.get("error") or not all(isinstance(f, str) and f for f in fields):
        raise _refusal(answer, status, "device flow")
    device_code, user_code, uri = fields
    return DeviceCode(str(device_code), str(user_code), str(uri), _seconds(answer.get("expires_in"), 900),
                      _seconds(answer.get("interval"), DEFAULT_INTERVAL))


class DevicePoll:
    """When to ask for the token and what each answer means: wait `interval`
    between polls, 5 s more after each `slow_down`, go on after
    `authorization_pending`, stop at `expired_token`, `access_denied` or the
    deadline (the code's `expires_in`, or `timeout` if sooner)."""

    __slots__ = ("request", "interval", "deadline")

    def __init__(self, client_id: str, code: DeviceCode, now: float, *, web_url: str = DEFAULT_WEB_URL,
                 timeout: float | None = None) -> None:
        self.request = FormPost(f"{web_root(web_url)}/login/oauth/access_token",
                                {"client_id": client_id, "device_code": code.device_code,
                                 "grant_type": DEVICE_GRANT})
        self.interval = code.interval
        self.deadline = now + (code.expires_in if timeout is None else min(timeout, code.expires_in))

    def __repr__(self) -> str:
        return f"<DevicePoll every {getattr(self, 'interval', '?')} s>"

    def wait(self, now: float) -> float:
        """Seconds to wait before the next poll; an OAuthError once the deadline would pass."""
        if now + self.interval > self.deadline:
            raise OAuthError("device flow: the user did not sign in before the code expired",
                             error="expired_token")
        return float(self.interval)

    def read(self, status: int, body: bytes, now: float) -> OAuthToken | None:
        """The token, or None to poll again."""
        body = conceal(body)
        answer = read_answer(status, body)
        error = answer.get("error")
        if not error:
            return read_token(status, body, now, "device flow")
        if error == "authorization_pending":
            return None
        if error == "slow_down":
            self.interval = max(self.interval + SLOW_DOWN_STEP, _seconds(answer.get("interval"), 0))
            return None
        if error == "expired_token":
            raise OAuthError("device flow: the code expired before the user signed in", error=error,
                             status=status)
        if error == "access_denied":
            raise OAuthError("device flow: the user denied access", error=error, status=status)
        raise _refusal(answer, status, "device flow")


# -- the web flow -----------------------------------------------------------------

def pkce_challenge(verifier: str) -> str:
    """The S256 code challenge of a PKCE verifier (RFC 7636 §4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class WebFlow:
    """One sign-in through the browser: send the user to `authorization_url`;
    GitHub redirects back with `code` and `state`, which `exchange` checks
    and trades for a token. `state` and the PKCE verifier are made here and
    kept out of the repr."""

    def __init__(self, client_id: str, client_secret: str | None = None, *, redirect_uri: str | None = None,
                 scopes: Iterable[str] = (), web_url: str = DEFAULT_WEB_URL, pkce: bool = True) -> None:
        client_secret = conceal(client_secret)
        self.client_id = client_id
        self._client_secret = client_secret
        self.redirect_uri = redirect_uri
        self.scopes = tuple(scopes)
        self.web_url = web_root(web_url)
        self.state = Secret(secrets.token_urlsafe(32))
        self._verifier = Secret(secrets.token_urlsafe(64)) if pkce else None

    def __repr__(self) -> str:
        return f"<WebFlow {self.__dict__.get('client_id', '?')} at {self.__dict__.get('web_url', '?')}>"

    @property
    def authorization_url(self) -> str:
        query = {"client_id": self.client_id, "state": self.state}
        if self.redirect_uri:
            query["redirect_uri"] = self.redirect_uri
        if self.scopes:
            query["scope"] = " ".join(self.scopes)
        if self._verifier is not None:
            query.update(code_challenge=pkce_challenge(self._verifier), code_challenge_method="S256")
        return f"{self.web_url}/login/oauth/authorize?{urlencode(query)}"

    def exchange_request(self, code: str, state: str) -> FormPost:
        """The code exchange, once `state` is the one this flow made (an OAuthError if not)."""
        code = conceal(code)
        if not isinstance(state, str) or not hmac.compare_digest(state.encode(), self.state.encode()):
            raise OAuthError("web flow: the state that came back is not this sign-in's (a forged redirect?)",
                             error="state_mismatch")
        form = {"client_id": self.client_id, "code": code}
        if self._client_secret is not None:
            form["client_secret"] = self._client_secret
        if self.redirect_uri:
            form["redirect_uri"] = self.redirect_uri
        if self._verifier is not None:
            form["code_verifier"] = self._verifier
        return FormPost(f"{self.web_url}/login/oauth/access_token", form)

    def exchange(self, code: str, state: str, *, session: requests.Session | None = None) -> OAuthToken:
        """Trade the redirect's `code` for a token."""
        code = conceal(code)
        status, body = post(self.exchange_request(code, state), session)
        return read_token(status, body, Retrier.clock(), "web flow")


# -- refreshing an expiring user token -------------------------------------------

def refresh_request(client_id: str, client_secret: str, refresh_token: str,
                    web_url: str = DEFAULT_WEB_URL) -> FormPost:
    """A new token for a refresh token; GitHub answers with a new refresh
    token too and invalidates the old one."""
    return FormPost(f"{web_root(web_url)}/login/oauth/access_token",
                    {"client_id": client_id, "client_secret": client_secret,
                     "grant_type": "refresh_token", "refresh_token": refresh_token})


def refresh(client_id: str, client_secret: str, refresh_token: str, *, web_url: str = DEFAULT_WEB_URL,
            session: requests.Session | None = None) -> OAuthToken:
    client_secret, refresh_token = conceal(client_secret), conceal(refresh_token)
    status, body = post(refresh_request(client_id, client_secret, refresh_token, web_url), session)
    return read_token(status, body, Retrier.clock(), "token refresh")


class UserTokenState:
    """The decisions of an expiring user token (a GitHub App's: 8 hours, with
    a 6-month refresh token), without I/O or locks: which credential to send,
    when to refresh first, and whether a 401 calls for a refresh or only a
    retry with a token another call already got (`generation` tells them apart)."""

    __slots__ = ("client_id", "_client_secret", "web_url", "token", "_refresh_token", "generation")

    def __init__(self, client_id: str, client_secret: str, *, refresh_token: str,
                 token: OAuthToken | None = None, web_url: str = DEFAULT_WEB_URL) -> None:
        client_secret, refresh_token = conceal(client_secret), conceal(refresh_token)
        self.client_id = client_id
        self._client_secret = client_secret
        self.web_url = web_root(web_url)
        self.token = token
        self._refresh_token = refresh_token
        self.generation = 0  # how many tokens were sent so far; a 401 names the one it refused

    def __repr__(self) -> str:
        return f"<UserTokenState {getattr(self, 'client_id', '?')} generation {getattr(self, 'generation', '?')}>"

    def needs_refresh(self, now: float) -> bool:
        return self.token is None or self.token.expiring(now)

    def should_refresh_after_401(self, generation: int) -> bool:
        """A 401 to the token of `generation`: refresh, unless a newer one is already here."""
        return generation == self.generation

    def refresh_request(self) -> FormPost:
        return refresh_request(self.client_id, self._client_secret, self._refresh_token, self.web_url)

    def refreshed(self, status: int, body: bytes, now: float) -> OAuthToken:
        """Read the refresh's answer; the new token (and refresh token) replace the old."""
        body = conceal(body)
        token = read_token(status, body, now, "token refresh")
        self.token = token
        if token.refresh_token:
            self._refresh_token = token.refresh_token  # GitHub invalidated the old one
        self.generation += 1
        return token

    def authorization(self) -> Secret:
        token = self.token
        if token is None:
            raise OAuthError("no user token yet: refresh first")
        return Secret(f"Bearer {token.token}")


class UserAuth:
    """`Octo(auth=octo.UserAuth(client_id, client_secret, refresh_token=...))`,
    or `AsyncOcto(auth=...)`: calls as a user whose token expires. The token
    is refreshed before it expires (or first, without `token=`), and once
    after a 401, then the call is sent again; calls never refresh twice at
    once, whether threads or tasks (or both) share the auth. `on_refresh(token)`
    gets each new `OAuthToken`: store its `refresh_token`, the old one no
    longer works. The refresh is sent by the client's own driver, so an
    `AsyncOcto` does not block its loop for it."""

    def __init__(self, client_id: str, client_secret: str, *, refresh_token: str,
                 token: OAuthToken | None = None, on_refresh: Callable[[OAuthToken], object] | None = None,
                 web_url: str = DEFAULT_WEB_URL) -> None:
        client_secret, refresh_token = conceal(client_secret), conceal(refresh_token)
        self._state = UserTokenState(client_id, client_secret, refresh_token=refresh_token, token=token,
                                     web_url=web_url)
        self._on_refresh = on_refresh
        self._lock = threading.Lock()
        # What keys this user's state in a shared store (`Octo(store=...)`): the app
        # and the grant it began with, hashed; the refresh token itself rotates.
        self.store_credential = f"user:{client_id}:{hashlib.sha256(refresh_token.encode()).hexdigest()}"
        self._async_locks: weakref.WeakKeyDictionary[Any, asyncio.Lock] = weakref.WeakKeyDictionary()

    def __repr__(self) -> str:
        state = self.__dict__.get("_state")
        return f"<UserAuth {getattr(state, 'client_id', '?')}>"

    def __reduce__(self) -> Any:
        raise TypeError("UserAuth holds a client secret and tokens and is not pickled")

    def attempt(self, client: BaseClient, url: str, headers: dict[str, str],
                send: Callable[[dict[str, str]], Steps]) -> Steps:
        """The pipeline `send(headers)` with the user's token, refreshed first
        if it is about to expire, and sent again once after a 401."""
        if not client._is_trusted(url) or any(name.lower() == "authorization" for name in headers):
            return (yield from send(headers))  # another origin gets no token; the caller chose one
        generation, value = yield from self._credential(client, None)
        refused = False
        try:
            return (yield from send({**headers, "Authorization": value}))
        except UnauthorizedError:
            refused = True
        if refused:  # out of the except block: the 401 is not the retry's context
            generation, value = yield from self._credential(client, generation)
        return (yield from send({**headers, "Authorization": value}))

    def _credential(self, client: BaseClient, refused: int | None) -> Steps:
        """The generation and `Authorization` value to send; a refresh first
        (a `Mint`, under the lock) if the token expires or `refused` is the newest."""
        current = self.cached(refused)
        if current is not None:
            return current
        credential: tuple[int, Secret] = yield Mint(self, refused, lambda: self._refresh(client))
        return credential

    # The `Mint` protocol the drivers carry out (see octo.core.pipeline).

    def cached(self, refused: int | None) -> tuple[int, Secret] | None:
        state = self._state
        if state.needs_refresh(Retrier.clock()) or \
                (refused is not None and state.should_refresh_after_401(refused)):
            return None
        return state.generation, state.authorization()

    def lock(self, refused: int | None) -> threading.Lock:
        return self._lock

    def async_lock(self, refused: int | None) -> _TaskAndThreadLock:
        """One task of the running loop at a time, and one thread: a sync
        client or another loop may share this auth."""
        loop = asyncio.get_running_loop()
        locks = self._async_locks
        return _TaskAndThreadLock(locks.setdefault(loop, asyncio.Lock()), self._lock)

    def _refresh(self, client: BaseClient) -> Steps:
        form = self._state.refresh_request()
        headers = {**FormPost.headers, "Content-Type": "application/x-www-form-urlencoded",
                   "User-Agent": client._headers["User-Agent"]}
        answer: Answer = yield Request("POST", form.url, headers, SecretBytes(urlencode(form.form).encode()),
                                       Attempt(client._timeouts), False)
        token = self._state.refreshed(answer.status, answer.content or b"", Retrier.clock())
        if self._on_refresh is not None:
            self._on_refresh(token)
        return self._state.generation, self._state.authorization()


class _TaskAndThreadLock:
    """An asyncio lock, then a thread lock taken without blocking the loop
    (polled: only another thread's refresh, seldom and short, makes it wait)."""

    __slots__ = ("task_lock", "thread_lock")

    def __init__(self, task_lock: asyncio.Lock, thread_lock: threading.Lock) -> None:
        self.task_lock = task_lock
        self.thread_lock = thread_lock

    async def __aenter__(self) -> None:
        await self.task_lock.acquire()
        try:
            while not self.thread_lock.acquire(blocking=False):
                await asyncio.sleep(0.01)
        except BaseException:  # cancelled while waiting: the task lock is not left held
            self.task_lock.release()
            raise

    async def __aexit__(self, *exc: object) -> None:
        self.thread_lock.release()
        self.task_lock.release()


# -- the sync driver -------------------------------------------------------------

TIMEOUT = (10, 30)


def post(request: FormPost, session: requests.Session | None = None) -> tuple[int, bytes]:
    """Send one form; the status and the body (concealed). A failure to send
    is a TransportError that carries neither the form nor requests' exception
    (whose request holds the form)."""
    error = None
    try:
        answer = (session or requests).post(request.url, data=request.form, headers=FormPost.headers,
                                            timeout=TIMEOUT, allow_redirects=False)
        status, body = answer.status_code, conceal(answer.content)
    except requests.RequestException as exc:
        error = TransportError(f"POST {request.url}: {type(exc).__name__}", method="POST", url=request.url)
    if error is not None:
        raise error
    return status, body


def device_flow(client_id: str, *, on_code: Callable[[str, str], object], scopes: Iterable[str] = (),
                web_url: str = DEFAULT_WEB_URL, timeout: float | None = None,
                session: requests.Session | None = None) -> OAuthToken:
    """Sign a user in with the device flow and return the token: `on_code(user_code,
    verification_uri)` shows the user where to enter the code; this then polls
    until they did, denied it, or the code expired (`timeout` seconds, if sooner)."""
    status, body = post(device_code_request(client_id, scopes, web_url), session)
    code = read_device_code(status, body)
    on_code(code.user_code, code.verification_uri)
    poll = DevicePoll(client_id, code, Retrier.clock(), web_url=web_url, timeout=timeout)
    while True:
        Retrier.sleep(poll.wait(Retrier.clock()))
        status, body = post(poll.request, session)
        token = poll.read(status, body, Retrier.clock())
        if token is not None:
            return token
