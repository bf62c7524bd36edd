"""`AsyncOcto` behind the sync interface, so every behaviour test of `Octo`
runs against the async client too (tests/octo/conftest.py swaps it in).

Each call is made in the test's thread, as a user makes it (arguments are
checked there, a download claims its file there), and its coroutine is run
to completion on one event loop in a thread of its own. Pagination goes
through `octo.paginate`'s async form, `async for` step by step.
"""

from __future__ import annotations

import asyncio
import functools
import os
import ssl
import threading
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import requests

import octo
from octo.core.namespace import Namespace
from octo.pagination import AsyncPaginator

_loop: asyncio.AbstractEventLoop | None = None
_lock = threading.Lock()
made: list[octo.AsyncOcto] = []  # closed after each test (tests/conftest.py)


def _forget_the_parents() -> None:
    # A forked child (mutmut runs each mutant in one) has no thread running the parent's
    # loop: a call waiting on it would hang until the mutant's timeout.
    global _loop, _lock
    _loop, _lock = None, threading.Lock()
    made.clear()  # the parent's clients, bound to its loop


os.register_at_fork(after_in_child=_forget_the_parents)


def loop() -> asyncio.AbstractEventLoop:
    """The loop every blocking call runs on (started once per process, a daemon thread)."""
    global _loop
    with _lock:
        if _loop is None:
            _loop = asyncio.new_event_loop()
            threading.Thread(target=_loop.run_forever, daemon=True, name="octo-test-loop").start()
    return _loop


def close_all() -> None:
    while made:
        wait(made.pop().aclose())


def wait(awaitable: Coroutine[Any, Any, Any]) -> Any:
    return asyncio.run_coroutine_threadsafe(awaitable, loop()).result(timeout=60)


class BlockingOcto:
    """An `AsyncOcto` with `Octo`'s blocking interface (tests only)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.__dict__["client"] = kwargs.pop("_client", None) or octo.AsyncOcto(*args, **kwargs)
        made.append(self.client)

    @classmethod
    def from_env(cls, token: str | None = None, **kwargs: Any) -> BlockingOcto:
        return cls(_client=octo.AsyncOcto.from_env(token, **kwargs))

    def __getattr__(self, name: str) -> Any:
        if name == "client":  # half built: AsyncOcto refused its arguments
            raise AttributeError(name)
        value = getattr(self.client, name)
        if isinstance(value, Namespace):
            value = self.__dict__[name] = BlockingNamespace(value)  # one per client, as Octo keeps it
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self.client, name, value)

    def __repr__(self) -> str:
        return repr(self.__dict__.get("client", "<BlockingOcto (not set up)>"))

    @property
    def kind(self) -> str:
        return self.client._kind

    def request(self, *args: Any, **kwargs: Any) -> Any:
        return wait(self.client.request(*args, **kwargs))

    def graphql(self, *args: Any, **kwargs: Any) -> Any:
        return wait(self.client.graphql(*args, **kwargs))

    def for_installation(self, *args: Any, **kwargs: Any) -> BlockingOcto:
        return BlockingOcto(_client=wait(self.client.for_installation(*args, **kwargs)))

    def close(self) -> None:
        wait(self.client.aclose())

    def __enter__(self) -> BlockingOcto:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class BlockingNamespace:
    def __init__(self, namespace: Namespace) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._namespace, name)
        if not callable(method):
            return method

        @functools.wraps(method)
        def call(*args: Any, **kwargs: Any) -> Any:
            return wait(method(*args, **kwargs))

        call.__wrapped__ = method  # type: ignore[attr-defined]
        return call

    def __repr__(self) -> str:
        return repr(self._namespace)


class BlockingPaginator(Iterator[Any]):
    """`octo.paginate` over an async method, stepped with `anext` on the loop."""

    def __init__(self, paginator: AsyncPaginator) -> None:
        self._paginator = paginator

    def __next__(self) -> Any:
        try:
            return wait(self._paginator.__anext__())
        except StopAsyncIteration:
            raise StopIteration from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._paginator, name)

    def __repr__(self) -> str:
        return repr(self._paginator)

    def _first(self) -> None:
        wait(self._paginator.first_page())

    @property
    def total_count(self) -> int | None:
        self._first()
        return self._paginator.total_count

    @property
    def incomplete_results(self) -> bool:
        self._first()
        return self._paginator.incomplete_results

    def close(self) -> None:
        wait(self._paginator.aclose())


class BlockingPaginate:
    def __init__(self, real: Any) -> None:
        self._real = real

    def __call__(self, method: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        return BlockingPaginator(self._real(_unwrapped(method), *args, **kwargs))

    def pages(self, method: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Iterator[Any]:
        # Not a generator itself: a method that does not paginate is refused at the call.
        return self._pages(self._real.pages(_unwrapped(method), *args, **kwargs))

    def graphql(self, client: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        return self._pages(self._real.graphql(_client(client), *args, **kwargs))

    def graphql_pages(self, client: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        return self._pages(self._real.graphql_pages(_client(client), *args, **kwargs))

    def _pages(self, pages: Any) -> Iterator[Any]:
        try:
            while True:
                try:
                    page = wait(pages.__anext__())
                except StopAsyncIteration:
                    return
                yield page
        finally:
            if hasattr(pages, "aclose"):  # an async generator; a GraphQL walk holds nothing open
                wait(pages.aclose())


def trusting(ca_file: Path, kind: str) -> Any:
    """A session of the client's kind that trusts the certificate in `ca_file`."""
    if kind == "sync":
        session = requests.Session()
        session.verify = str(ca_file)
        return session

    async def make() -> Any:
        import aiohttp

        context = ssl.create_default_context(cafile=str(ca_file))
        return aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=context))

    return wait(make())


class Offline:
    """A session of the client's kind that records the URL of every request it
    is asked to send and connects nowhere: each ends in a connection error
    (no host resolves), so a test can use api.github.com's own base URL."""

    def __init__(self, kind: str) -> None:
        self.urls: list[str] = []
        self.session: Any = _Unplugged(self.urls) if kind == "sync" else wait(self._aiohttp())

    async def _aiohttp(self) -> Any:
        import aiohttp
        from aiohttp.abc import AbstractResolver

        class NoNetwork(AbstractResolver):
            async def resolve(self, host: str, port: int = 0, family: Any = 0) -> Any:
                raise OSError(f"no network in the tests ({host})")

            async def close(self) -> None:
                pass

        async def started(session: Any, context: Any, params: aiohttp.TraceRequestStartParams) -> None:
            self.urls.append(str(params.url))

        trace = aiohttp.TraceConfig()
        trace.on_request_start.append(started)
        return aiohttp.ClientSession(connector=aiohttp.TCPConnector(resolver=NoNetwork()), trace_configs=[trace])

    def close(self) -> None:
        if isinstance(self.session, requests.Session):
            self.session.close()
        else:
            wait(self.session.close())


class _Unplugged(requests.Session):
    def __init__(self, urls: list[str]) -> None:
        super().__init__()
        self.urls = urls

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.urls.append(request.url or "")
        raise requests.ConnectionError("no network in the tests")


def pool(client: Any) -> Any:
    """What holds a client's connections (derived clients share it)."""
    return client.client._driver if isinstance(client, BlockingOcto) else client._session


def _client(client: Any) -> Any:
    return client.client if isinstance(client, BlockingOcto) else client


def _unwrapped(method: Callable[..., Any]) -> Callable[..., Any]:
    return getattr(method, "__wrapped__", method)
