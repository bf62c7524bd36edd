"""The async driver: runs a call's pipeline (octo.core.pipeline) on aiohttp.

The same generators as the sync driver's, with the effects awaited: a
`Request` through one `aiohttp.ClientSession` (a library error becomes a
`TransportError` saying whether the request may have reached the server),
`Sleep` as `asyncio.sleep`, `Mint` under its key's asyncio lock,
`Stream` with file writes in a worker thread, `Await` for async hooks, and
`StoreCall` in octo's small store thread pool when it may wait on the
network (a store's own timeout bounds it; the event loop never waits).
A cancelled call closes its connection.
"""

from __future__ import annotations

import asyncio
import functools
import os
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

try:
    import aiohttp
    from yarl import URL
except ImportError:  # pragma: no cover - depends on the install
    raise ImportError("octo.AsyncOcto needs aiohttp: pip install 'octo[async]'") from None
from requests.structures import CaseInsensitiveDict
from requests.utils import get_environ_proxies

from octo.core.checks import check_ca_bundle, check_max_connections
from octo.core.errors import InvalidResponseError, OctoError, TransportError
from octo.core.hooks import HookRequest, Hooks
from octo.core.pipeline import Answer, Attempt, Await, Mint, Request, Sleep, Steps, StoreCall, Stream, facts
from octo.core.redaction import Secret, SentRequest, redact_url
from octo.drivers.deadlines import Deadline, Deadlines
from octo.drivers.per_origin import PerOrigin
from octo.transfer import CHUNK_SIZE

if TYPE_CHECKING:
    from octo.client import Call


class AsyncDriver:
    def __init__(self, session: aiohttp.ClientSession | None, max_connections: int) -> None:
        self._max_connections = check_max_connections(max_connections)
        if session is not None and not isinstance(session, aiohttp.ClientSession):
            raise TypeError(f"AsyncOcto(session=) takes an aiohttp.ClientSession, got {type(session).__name__}")
        self._given = session
        self._session: aiohttp.ClientSession | None = session
        if session is not None:
            _own_retries(session)
        self._loop: asyncio.AbstractEventLoop | None = None  # the loop it last ran on
        self._deadlines: Deadlines
        self._route = PerOrigin(_read_route)  # read once per origin
        self._timeouts: dict[tuple[float, float], aiohttp.ClientTimeout] = {}
        self.closed = False

    def _run_on(self, loop: asyncio.AbstractEventLoop) -> None:
        """Make what belongs to a loop: the deadlines, and the session unless
        the caller gave one (aiohttp makes one inside a running loop)."""
        if self._given is None:
            # A client of our own outlives a loop (asyncio.run twice): a new loop gets new connections.
            connector = aiohttp.TCPConnector(limit=0, limit_per_host=self._max_connections)
            self._session = _own_retries(aiohttp.ClientSession(connector=connector, auto_decompress=True))
        self._deadlines = Deadlines(loop)
        self._loop = loop

    async def close(self) -> None:
        self.closed = True
        if self._loop is not None:
            self._deadlines.close()
        if self._session is not None and self._given is None:
            await self._session.close()

    async def call(self, hooks: Hooks, call: Call, pipeline: Callable[[Call], Steps]) -> Any:
        if self.closed:
            raise OctoError("this AsyncOcto is closed (aclose() was called); make a new client")
        if not hooks.active:
            return await self.run(pipeline(call))

        async def send(request: HookRequest) -> Any:
            return await self.run(hooks.around(request, lambda: pipeline(call)))

        for wrap in hooks.wrappers():
            send = functools.partial(_awaited, wrap, send)
        return await send(HookRequest(call))

    @staticmethod
    async def then(call: Awaitable[Any], read: Callable[[Any], Any]) -> Any:
        """`read` of what the awaited call returns."""
        return read(await call)

    async def run(self, steps: Steps) -> Any:
        """Carry out the effects of `steps` until it returns; its value."""
        result: Any = None
        # The error to throw into `steps`, popped as it is thrown (see the sync driver).
        errors: list[BaseException] = []
        while True:
            try:
                effect = steps.throw(errors.pop()) if errors else steps.send(result)
            except StopIteration as done:
                return done.value
            result = None
            kind = type(effect)
            try:
                if kind is Request:
                    result = await self.send(effect)  # type: ignore[arg-type]
                elif kind is Sleep:
                    if effect.sleep is time.sleep:  # type: ignore[union-attr]
                        await asyncio.sleep(effect.seconds)  # type: ignore[union-attr]
                    else:  # the policy's own (a test's fake clock)
                        waited = effect.sleep(effect.seconds)  # type: ignore[union-attr]
                        if hasattr(waited, "__await__"):
                            await waited
                elif kind is Mint:
                    result = await self._mint(effect)  # type: ignore[arg-type]
                elif kind is Stream:
                    await self._stream(effect)  # type: ignore[arg-type]
                elif kind is StoreCall:
                    result = await _store_call(effect)  # type: ignore[arg-type]
                elif kind is Await:
                    result = await effect.awaitable  # type: ignore[union-attr]
                else:
                    raise AssertionError(f"unknown effect {effect!r}")
            except OctoError as exc:
                errors.append(exc)
            except Exception as exc:
                if kind is not Await:
                    raise
                errors.append(exc)  # an async hook's own error goes back into the pipeline

    async def _mint(self, effect: Mint) -> Any:
        state, key = effect.state, effect.key
        async with state.async_lock(key):
            current = state.cached(key)
            if current is None:
                current = await self.run(effect.make())
            return current

    async def _stream(self, effect: Stream) -> None:
        # No local holds aiohttp's response: its repr shows the URL, a storage URL's signature too.
        answer, sink = effect.answer, effect.sink
        attempt: Attempt = answer.request.attempt
        complete = False
        failed = None
        try:
            sink.open(effect.total)
            attempt.watch_progress()
            try:
                while True:
                    # Each wait ends by the attempt's rule: a body that stops moving has stalled.
                    wait = attempt.left()  # raises once time is up
                    try:
                        chunk = await asyncio.wait_for(answer.raw.content.read(CHUNK_SIZE), wait)
                    except TimeoutError:
                        continue
                    if not chunk:
                        break
                    attempt.advanced(len(chunk))
                    # The file is written in a worker thread, so a slow disk never holds up the loop.
                    await asyncio.to_thread(sink.write, chunk)
                complete = True
            finally:
                sink.close(complete)
        except (aiohttp.ClientError, TimeoutError) as exc:
            failed = attempt.why or type(exc).__name__
        finally:
            answer.raw.close()
        if failed is not None:  # raised out here: aiohttp's exception is not its context
            raise sink.failed(answer.request.method, answer.url, failed)

    async def send(self, request: Request) -> Answer:
        """Send once; the whole body is read unless a 2xx is to be streamed."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._run_on(loop)
        method, url, attempt = request.method, request.url, request.attempt
        # The attempt's total bounds an ordinary call's whole exchange and a download's
        # header block (its body is bounded by its progress, `_stream`); an upload's
        # answer from when its body has gone (`_chunks` starts it).
        deadline = self._deadlines.start(None if attempt.upload else attempt.remaining())
        answer: aiohttp.ClientResponse | None = None
        content = error = None
        timed_out = False
        try:
            try:
                data, headers, skip = _payload(request, deadline)
                proxy, tls = self._route(url)
                answer = await self._session.request(  # type: ignore[union-attr]
                    method, URL(url, encoded=True), headers=headers, skip_auto_headers=skip, data=data,
                    timeout=self._timeout(attempt.connect, attempt.read), allow_redirects=False,
                    proxy=proxy, ssl=tls)
                seen = _AnswerHeaders(answer)
                if not request.stream or answer.status >= 300:
                    content, error = await _read_body(method, answer, seen, request)
            finally:
                timed_out = deadline.stop()
        except aiohttp.ClientError as exc:
            error = _transport_error(method, url, exc, request)
        except TimeoutError as exc:
            # Not the attempt's total (a CancelledError, below): a socket timeout of an upload
            # body's own stream, or a timeout in a caller's session that aiohttp passes on.
            error = _error(method, url, request, f"timed out ({type(exc).__name__})", sent=True, retriable=True)
        except BaseException as exc:
            if not timed_out or not isinstance(exc, asyncio.CancelledError):
                # Broken or cancelled: the connection is in an unknown state, so it is closed, not reused.
                if answer is not None:
                    answer.close()
                raise
            attempt.over(f"no complete answer within {attempt.total:g} s, the total time of one attempt")
            error = _error(method, url, request, attempt.why or "", sent=True, retriable=True)
        if error is not None:
            # Raised here, not in an except block: aiohttp's exception would be its __context__.
            if answer is not None:
                answer.close()
                answer = None  # its repr shows the URL, a storage URL's signature too
            raise error
        assert answer is not None
        # The URL as sent: aiohttp's own drops a user:password@ part (it sends it as auth).
        return Answer(answer.status, seen, url, content, answer, request)

    def _timeout(self, connect: float, read: float) -> aiohttp.ClientTimeout:
        """aiohttp's timeouts for one attempt: the connect and read ones; the total is the deadline's."""
        timeout = self._timeouts.get((connect, read))
        if timeout is None:
            if len(self._timeouts) >= 16:  # each call may give its own
                self._timeouts.clear()
            timeout = self._timeouts[connect, read] = aiohttp.ClientTimeout(
                total=None, sock_connect=connect, sock_read=read)
        return timeout


def _read_route(url: str) -> tuple[str | None, ssl.SSLContext | bool]:
    """The proxy and the TLS context for `url`'s host, from the environment as
    `requests.get` reads it (`HTTP(S)_PROXY`, `NO_PROXY`, `REQUESTS_CA_BUNDLE`,
    `CURL_CA_BUNDLE`): a redirect to a storage host or a page on another host
    gets that host's proxy."""
    proxies = get_environ_proxies(url)
    proxy = proxies.get(url.partition(":")[0]) or proxies.get("all")
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    # True leaves it to the session's connector (aiohttp's default, or the caller's own).
    return proxy, _ca_context(bundle) if bundle else True


def _ca_context(bundle: str) -> ssl.SSLContext:
    """A verifying TLS context that trusts the certificates in `bundle` (a file or
    a directory, as requests takes it) instead of the system's."""
    # Loading a system bundle takes tens of milliseconds: one context per bundle while
    # the file is unchanged, shared by every client (a context is safe to share).
    return _ca_context_of(bundle, os.stat(check_ca_bundle(bundle)).st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _ca_context_of(bundle: str, modified: int) -> ssl.SSLContext:
    if os.path.isdir(bundle):
        return ssl.create_default_context(capath=bundle)
    try:
        return ssl.create_default_context(cafile=bundle)
    except ssl.SSLError:
        raise ValueError(f"the CA bundle {bundle!r} that REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE names "
                         "holds no PEM certificate") from None


_store_threads: Any = None
# Enough for the store calls of many concurrent calls: each is one round trip,
# and during an outage `Shared` answers from memory without a thread.
STORE_THREADS = 4


def _forget_store_threads() -> None:
    # A forked child (a prefork worker, multiprocessing's fork) has none of the parent's
    # threads: an inherited pool would take its work and never run it.
    global _store_threads
    _store_threads = None


os.register_at_fork(after_in_child=_forget_store_threads)


async def _store_call(effect: StoreCall) -> Any:
    """One store operation: at once if it needs no network (a MemoryStore, a
    store known to be out), else in a worker thread."""
    shared = effect.shared
    if shared.in_process():
        return shared.run(effect.operation)
    global _store_threads
    if _store_threads is None:
        from concurrent.futures import ThreadPoolExecutor

        _store_threads = ThreadPoolExecutor(STORE_THREADS, thread_name_prefix="octo-store")
    return await asyncio.get_running_loop().run_in_executor(_store_threads, shared.run, effect.operation)


def _own_retries(session: aiohttp.ClientSession) -> aiohttp.ClientSession:
    """Turn off aiohttp's own silent re-send of a GET after a reset: whether a
    call is sent again is the retry policy's decision (`retries=0`: never)."""
    if hasattr(session, "_retry_connection"):
        session._retry_connection = False
    return session


async def _awaited(wrap: Callable[..., Any], send: Callable[..., Any], request: HookRequest) -> Any:
    """A `wrap` hook, plain or async."""
    result = wrap(send, request)
    return await result if hasattr(result, "__await__") else result


def _payload(request: Request, deadline: Deadline) -> tuple[Any, dict[str, str], list[str] | None]:
    """What aiohttp sends as the body, the headers to send with it, and the
    default headers it must leave out (a header given as None, as requests drops it)."""
    headers = request.headers
    skip: list[str] | None = None
    if not _ONLY_TEXT.issuperset(map(type, headers.values())):  # a caller's None or bytes value
        skip = [name for name, value in headers.items() if value is None]
        # bytes are sent as they are, as requests sends them
        headers = {name: value.decode("latin-1") if isinstance(value, bytes) else value
                   for name, value in headers.items() if value is not None}
    body = request.body
    if isinstance(body, (bytes, str)) or body is None:
        return body, headers, skip
    size = getattr(body, "size", None)
    if size is not None:  # a known size goes as Content-Length, as requests sends it; else chunked
        headers = {**headers, "Content-Length": str(size)}
    return _chunks(body, request.attempt, deadline), headers, skip


_ONLY_TEXT = frozenset({str, Secret})  # a credential is a Secret


async def _chunks(body: Any, attempt: Attempt, deadline: Deadline) -> AsyncIterator[bytes]:
    """An upload body's chunks, each read from its file in a worker thread.
    One is read ahead, so the body's iteration (and its progress callback) has
    run to its end by the time aiohttp has sent the last chunk and stops asking;
    from then on the answer has the attempt's total time, as in the sync driver."""
    it = iter(body)
    following = await asyncio.to_thread(next, it, None)
    while True:
        chunk = following
        following = None if chunk is None else await asyncio.to_thread(next, it, None)
        if following is None:
            attempt.deadline = time.monotonic() + attempt.total
            deadline.reschedule(attempt.total)
        if chunk is None:
            return
        yield bytes(chunk)


class _AnswerHeaders(CaseInsensitiveDict[str]):
    """An answer's headers as the sync client reads them: each byte as Latin-1
    (aiohttp's own are UTF-8, with surrogates for what is not), a repeated
    header joined as urllib3 joins it, under its first name.

    A lookup (all the pipeline makes: rate limit, ETag, Location, Link) reads
    aiohttp's already parsed multidict; anything else (iteration, `len`, a
    change) first builds requests' own layout, once. Built item by item on
    every answer, the mapping was a third of this driver's CPU per call. A
    change in requests' layout fails
    test_transport.py::test_answer_headers_read_the_same_through_both_clients.
    """

    def __init__(self, answer: aiohttp.ClientResponse) -> None:  # no super().__init__: the store is lazy
        self._parsed: Any = answer.headers  # None once the store is built and may have changed
        self._raw = answer.raw_headers
        self._built: dict[str, tuple[str, str]] | None = None

    @property
    def _store(self) -> dict[str, tuple[str, str]]:
        if self._built is None:
            joined: dict[str, tuple[str, str]] = {}
            for raw_name, raw_value in self._raw:
                name, value = raw_name.decode("latin-1"), raw_value.decode("latin-1")
                key = name.lower()
                held = joined.get(key)
                joined[key] = (name, value) if held is None else (held[0], f"{held[1]}, {value}")
            self._built = joined
        return self._built

    def __getitem__(self, key: str) -> str:
        value: str | None = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        if self._parsed is None:
            return isinstance(key, str) and key.lower() in self._store
        return key in self._parsed

    def get(self, key: str, default: Any = None) -> Any:
        if self._parsed is None:
            held = self._store.get(key.lower())
            return default if held is None else held[1]
        values = self._parsed.getall(key, None)
        if values is None:
            return default
        value: str = values[0] if len(values) == 1 else ", ".join(values)
        return value if value.isascii() else value.encode("utf-8", "surrogateescape").decode("latin-1")

    def __setitem__(self, key: str, value: str) -> None:
        self._own()[key.lower()] = (key, value)

    def __delitem__(self, key: str) -> None:
        del self._own()[key.lower()]

    def _own(self) -> dict[str, tuple[str, str]]:
        """The store, from now on the only place lookups read."""
        self._parsed = None
        return self._store

    def __reduce__(self) -> Any:  # aiohttp's multidict is not picklable
        return CaseInsensitiveDict, (list(self._store.values()),)


def _sent(request: Request) -> SentRequest:
    return SentRequest.of(request.method, request.url, request.headers)


async def _read_body(method: str, answer: aiohttp.ClientResponse, headers: Mapping[str, str],
                     request: Request) -> tuple[bytes | None, OctoError | None]:
    """The whole body, or the error for one cut short, which keeps what did arrive."""
    chunks: list[bytes] = []
    content = answer.content
    try:
        while chunk := await content.readany():
            chunks.append(chunk)
    except aiohttp.ClientPayloadError as exc:
        cut = type(exc).__name__
    else:
        answer.release()
        return chunks[0] if len(chunks) == 1 else b"".join(chunks), None
    return None, InvalidResponseError(
        f"{method} {redact_url(request.url)}: body cut short ({cut})", body=b"".join(chunks),
        truncated=True, **facts(Answer(answer.status, headers, request.url, None, answer, request)))


def _transport_error(method: str, url: str, exc: aiohttp.ClientError, request: Request) -> TransportError:
    """A TransportError saying whether the request may have reached the server."""
    sent, retriable = True, True
    if isinstance(exc, (aiohttp.ClientSSLError, aiohttp.ClientConnectorCertificateError)):
        # Certificates do not fix themselves between retries.
        text, sent, retriable = "TLS failure", False, False
    elif isinstance(exc, aiohttp.ConnectionTimeoutError):
        text, sent = "timed out connecting", False
    elif isinstance(exc, aiohttp.ServerTimeoutError):
        text = "timed out waiting for the answer"
    elif isinstance(exc, aiohttp.ClientConnectorError):
        text, sent = "could not connect (refused or unreachable)", False
    elif isinstance(exc, aiohttp.ServerDisconnectedError) and not isinstance(exc.message, str):
        # aiohttp hands over what it had parsed of a header block the close cut short.
        text = "connection closed inside the answer's header block"
    elif isinstance(exc, (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError)):
        text = "connection broken after sending"
    else:
        text, sent, retriable = "could not send", False, False
    # aiohttp's own message can repeat the URL, query included: the class says what happened.
    return _error(method, url, request, f"{text} ({type(exc).__name__})", sent=sent, retriable=retriable)


def _error(method: str, url: str, request: Request, text: str, *, sent: bool, retriable: bool) -> TransportError:
    url = redact_url(url)
    return TransportError(f"{method} {url}: {text}", method=method, url=url, reason=text,
                          sent=sent, retriable=retriable, request=_sent(request))

