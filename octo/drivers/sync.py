"""The sync driver: runs a call's pipeline (octo.core.pipeline) on requests.

It carries out each effect with blocking I/O: a `Request` through one
`requests.Session` (a library error becomes a `TransportError` saying whether
the request may have reached the server), `Sleep` as `time.sleep` (or the
policy's injected sleep), `Mint` under its key's thread lock, and
`Stream` by copying a download's body in chunks.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import requests
import urllib3
from requests.structures import CaseInsensitiveDict

from octo.core.checks import check_ca_bundle
from octo.core.errors import InvalidResponseError, OctoError, TransportError
from octo.core.hooks import HookRequest, Hooks
from octo.core.pipeline import (
    REDIRECT_STATUSES,
    Answer,
    Attempt,
    Await,
    Mint,
    Request,
    Sleep,
    Steps,
    StoreCall,
    Stream,
    facts,
    location_of,
)
from octo.core.redaction import SentRequest, redact_url
from octo.drivers import transport
from octo.drivers.per_origin import PerOrigin
from octo.transfer import CHUNK_SIZE

if TYPE_CHECKING:
    from octo.client import Call

_READ_SIZE = 64 * 1024


class SyncDriver:
    def __init__(self, session: requests.Session | None, max_connections: int) -> None:
        self.session = session or requests.Session()
        transport.mount(self.session, max_connections, own=session is None)
        # Proxy and CA settings from the environment, per origin (see `_settings_for`).
        self._settings_for = PerOrigin(self._read_settings)

    def run(self, steps: Steps) -> Any:
        """Carry out the effects of `steps` until it returns; its value."""
        result: Any = None
        # The error to throw into `steps`, popped as it is thrown: a local
        # still holding it would show in the traceback's locals of what the
        # pipeline raises next (it may quote a body that holds a token).
        errors: list[OctoError] = []
        while True:
            try:
                effect = steps.throw(errors.pop()) if errors else steps.send(result)
            except StopIteration as done:
                return done.value
            result = None
            kind = type(effect)
            if kind is Request:
                try:
                    result = self.send(effect)  # type: ignore[arg-type]
                except OctoError as exc:
                    errors.append(exc)
            elif kind is Sleep:
                effect.sleep(effect.seconds)  # type: ignore[union-attr]
            elif kind is Mint:
                result = self._mint(effect)  # type: ignore[arg-type]
            elif kind is Stream:
                try:
                    self._stream(effect)  # type: ignore[arg-type]
                except OctoError as exc:
                    errors.append(exc)
            elif kind is StoreCall:
                result = effect.shared.run(effect.operation)  # type: ignore[union-attr]
            elif kind is Await:
                effect.awaitable.close()  # type: ignore[union-attr]  # a coroutine never awaited warns
                raise TypeError("a hook returned an awaitable: async hooks need octo.AsyncOcto")
            else:
                raise AssertionError(f"unknown effect {effect!r}")

    @staticmethod
    def then(response: Any, read: Callable[[Any], Any]) -> Any:
        """`read` of what a call returned (the async driver's awaits it first)."""
        return read(response)

    def hooked(self, hooks: Hooks, call: Call, pipeline: Callable[[Call], Steps]) -> Any:
        """The call between its hooks; `wrap` hooks get a `send` that runs the rest."""
        def send(request: HookRequest) -> Any:
            return self.run(hooks.around(request, lambda: pipeline(call)))

        for wrap in hooks.wrappers():
            send = functools.partial(wrap, send)
        return send(HookRequest(call))

    def _mint(self, effect: Mint) -> Any:
        state, key = effect.state, effect.key
        with state.lock(key):
            current = state.cached(key)
            if current is None:
                current = self.run(effect.make())
            return current

    def _stream(self, effect: Stream) -> None:
        answer, sink = effect.answer, effect.sink
        raw: requests.Response = answer.raw
        complete = False
        failed = None
        try:
            sink.open(effect.total)
            try:
                for chunk in raw.iter_content(CHUNK_SIZE):
                    sink.write(chunk)
                complete = True
            finally:
                sink.close(complete)
        except requests.RequestException as exc:
            failed = exc
        finally:
            raw.close()
        if failed is not None:
            # Raised out here: requests' exception, as its __context__, would
            # carry the signed storage URL along.
            attempt = sink.attempt
            raise sink.failed(answer.request.method, answer.url,
                              (attempt.why if attempt is not None else None) or type(failed).__name__)

    def send(self, request: Request) -> Answer:
        """Send once; the whole body is read unless a 2xx is to be streamed."""
        method, url, attempt = request.method, request.url, request.attempt
        prepared = _prepare(self.session, method, url, request.body, request.headers)
        # Connecting counts in the attempt's total; the reads are held to it
        # by octo's adapter (octo.drivers.transport).
        timeout = (min(attempt.connect, max(attempt.remaining(), 0.001)), attempt.read)
        context = transport.current.set(attempt)
        error = None
        try:
            # Always streamed: the body is read here by `_read_body`, which
            # tells a body cut short from a connection that never answered;
            # a download's 2xx body is left for the download to write.
            answer = self.session.send(prepared, timeout=timeout, allow_redirects=False,
                                       stream=True, **self._settings_for(url))
            content = None
            if not request.stream or answer.status_code >= 300:
                content = _read_body(method, answer, attempt)
        except requests.RequestException as exc:
            error = _transport_error(method, url, exc, prepared, attempt.why)
        finally:
            transport.current.reset(context)
        if error is not None:
            # Raised here, not in the except block: requests' exception would
            # stay its __context__, and its frames hold the request as sent.
            raise error
        return Answer(answer.status_code, answer.headers, answer.url, content, answer, prepared)

    def _read_settings(self, url: str) -> dict[str, Any]:
        """Proxy and CA settings for `url`'s host, from the session and the
        environment as `requests.get` finds them (`HTTPS_PROXY`, `NO_PROXY`,
        `REQUESTS_CA_BUNDLE`, ...). Read once per origin rather than on every
        call as `Session.request` does: a redirect to a storage host or a page
        on another host gets that host's proxy."""
        merged = self.session.merge_environment_settings(url, {}, None, None, None)
        # `stream` is left out: it is decided per call (downloads stream).
        if isinstance(merged["verify"], str):  # else requests' own OSError, mid-send
            check_ca_bundle(merged["verify"])
        return {"proxies": merged["proxies"], "verify": merged["verify"], "cert": merged["cert"]}


def _prepare(session: requests.Session, method: str, url: str, body: Any,
             headers: Mapping[str, str]) -> requests.PreparedRequest:
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
            method, url, data=body, headers=headers, auth=None if session.auth else _as_is))
    else:
        merged = CaseInsensitiveDict(session.headers)
        merged.update(headers)
        for name in [name for name, value in merged.items() if value is None]:
            del merged[name]  # as in requests: a session header set to None is not sent
        prepared = requests.PreparedRequest()
        prepared.prepare(method=method, url=url, headers=merged, data=body, auth=session.auth,
                         cookies=session.cookies, hooks=session.hooks)
    # First, so that no other hook and not requests itself meets a malformed Location.
    prepared.hooks["response"].insert(0, _check_location)
    return prepared


def _check_location(answer: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
    """A response hook. `Session.send` works out where a redirect points
    (for `Response.next`) even when told not to follow it, and crashes on a
    malformed `Location`; octo refuses it here first (the pipeline's rule)."""
    if answer.status_code in REDIRECT_STATUSES and "location" in answer.headers:
        try:
            location_of(Answer(answer.status_code, answer.headers, answer.url, None, answer, answer.request))
        except OctoError:
            answer.close()
            raise
    return answer


def _as_is(request: requests.PreparedRequest) -> requests.PreparedRequest:
    """The request's own headers as its credential (an `auth` that changes nothing)."""
    return request




def _sent_request(prepared: requests.PreparedRequest) -> SentRequest:
    return SentRequest.of(prepared.method, prepared.url, prepared.headers)


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


def _read_body(method: str, answer: requests.Response, attempt: Attempt) -> bytes:
    """Read the whole body. A body cut short is an `InvalidResponseError`
    that keeps what did arrive."""
    raw = answer.raw
    if not isinstance(raw, urllib3.BaseHTTPResponse):
        return answer.content  # a transport adapter's own body (tests): requests reads it
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
            body=b"".join(chunks), truncated=not undecodable,
            **facts(Answer(answer.status_code, answer.headers, answer.url, None, answer, answer.request)),
        )
    # What requests itself does once it has read a body, so that the answer
    # reads as usual afterwards (`content`, `json()`) to whoever holds it.
    content = answer._content = b"".join(chunks)
    answer._content_consumed = True  # type: ignore[attr-defined]
    raw.release_conn()
    return content
