"""`octo.paginate`: every item of a paginated list, across pages.

Pages are followed only through the `Link` header's `rel="next"`, never by
counting page numbers, so cursor-paged endpoints and search (which stops
offering `next` at its 1,000-result cap) end where GitHub says they end:
https://docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api

Which methods paginate, and under which key a wrapped list sits (`items` of
search, `workflow_runs`, ...), is data in spec/ (`paginated`, `list_key`),
attached to each generated method by `@paginated`.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, TypeVar, overload

from requests.utils import parse_header_links

from octo.core.errors import InvalidResponseError, OctoError, RedirectError
from octo.core.namespace import Namespace, Pagination
from octo.core.operation import Operation
from octo.core.pipeline import link_target
from octo.core.redaction import SecretURL, redact_url
from octo.core.response import Response
from octo.graphql import Walk, merge

if TYPE_CHECKING:
    from octo.aclient import AsyncOcto
    from octo.client import Octo
    from octo.core.response import Paged
    from octo.graphql import Data

DEFAULT_PER_PAGE = 100
# The keywords of an endpoint method that `request` takes as they are.
_PER_CALL = frozenset({"media_type", "timeout", "headers", "follow_redirects"})
ItemT = TypeVar("ItemT")
DataT = TypeVar("DataT")
P = ParamSpec("P")


def next_link(response: Response) -> str | None:
    """The absolute URL of the `rel="next"` link, if any (a `SecretURL`: a
    credential in it stays out of a traceback's locals); a next link that is
    no http(s) URL is an InvalidResponseError."""
    header = response.headers.get("link")
    if not header:
        return None
    for link in parse_header_links(header):
        if "next" in link.get("rel", "").split():
            url = link_target(response.url, link["url"])
            if url is None:
                raise InvalidResponseError(
                    f"GET {redact_url(response.url)}: the next link is not an http(s) URL",
                    status=response.status, request_id=response.request_id, body=b"", response=response,
                    rate_limit=response.rate_limit, request=response.request)
            return SecretURL(url)
    return None


class _Walk:
    """What `paginate` needs to know about one call."""

    def __init__(self, method: Callable[..., Any], args: tuple[Any, ...],
                 params: dict[str, Any]) -> None:
        owner = getattr(method, "__self__", None)
        pagination = getattr(method, "__octo_pagination__", None)
        label = (f"{owner.name}.{getattr(method, '__name__', '?')}"
                 if isinstance(owner, Namespace) else repr(method))
        if not isinstance(owner, Namespace):
            raise TypeError(f"octo.paginate() takes an endpoint method such as "
                            f"gh.issues.list_for_repo, got {label}")
        if not isinstance(pagination, Pagination):
            raise TypeError(f"octo.paginate(): {label} does not paginate "
                            "(its spec entry has no 'paginated: true')")
        self.method = method
        self.label = label
        self.list_key = pagination.list_key
        self.client = owner._client
        self.is_async = self.client._kind == "AsyncOcto"
        self.args = args
        self.params = dict(params)
        # What the first call was given that applies to every page.
        self.options = {k: v for k, v in params.items() if k in _PER_CALL}
        if "per_page" not in self.params and _accepts(method, "per_page"):
            self.params["per_page"] = DEFAULT_PER_PAGE

    def pages(self) -> Generator[Response, None, None]:
        response = self.method(*self.args, **self.params)
        seen = {response.url}
        yield response
        while (call := self.next_call(response, seen)) is not None:
            response = call()
            yield response

    async def apages(self) -> AsyncGenerator[Response, None]:
        """`pages` for an `AsyncOcto` method."""
        response = await self.method(*self.args, **self.params)
        seen = {response.url}
        yield response
        while (call := self.next_call(response, seen)) is not None:
            response = await call()
            yield response

    def next_call(self, response: Response, seen: set[str]) -> Callable[[], Any] | None:
        """The request of the page after `response` (None: it was the last)."""
        url = next_link(response)  # a SecretURL: a credential in it stays out of the locals
        if url is None:
            return None
        if url in seen:
            raise OctoError(f"{self.label}: the next link repeats {redact_url(url)}; stopping")
        if response.url.startswith("https:") and url.startswith("http:"):
            raise RedirectError(f"{self.label}: refusing a next link from https to http")
        seen.add(url)
        # The client sends the token only to its own origins, so a next
        # link elsewhere is followed anonymously.
        return lambda: self.client.request(Operation("GET", url, name=self.label), **self.options)

    def items(self, response: Response) -> tuple[list[Any], dict[str, Any]]:
        """A page's items, and the fields around them when the list is wrapped."""
        data = response.data
        if self.list_key is None and isinstance(data, list):
            return data, {}
        if self.list_key is not None and isinstance(data, dict) and isinstance(
                data.get(self.list_key), list):
            return data[self.list_key], {k: v for k, v in data.items() if k != self.list_key}
        expected = f"an object with a list under {self.list_key!r}" if self.list_key else "a list"
        raise InvalidResponseError(
            f"{self.label}: expected {expected}, got {type(data).__name__}",
            status=response.status, request_id=response.request_id, body=b"",
            response=response,
        )


class _Items(Generic[ItemT]):
    """What `Paginator` and `AsyncPaginator` share: items of the pages fetched so far."""

    def __init__(self, walk: _Walk, max_items: int | None) -> None:
        self._walk = walk
        self._items: Iterator[ItemT] = iter(())
        self._left = max_items
        self._started = False
        self._incomplete = False
        self.meta: dict[str, Any] = {}
        self.pages_fetched = 0

    def __repr__(self) -> str:
        # getattr: a half-built one is shown too (a traceback's locals).
        label = getattr(getattr(self, "_walk", None), "label", "?")
        return f"<{type(self).__name__} {label}: {getattr(self, 'pages_fetched', 0)} page(s) fetched>"

    def _take(self) -> Any:  # an ItemT, or _END
        """The next item of the fetched pages; `_END` when a page must be fetched."""
        item = next(self._items, _END)
        if item is not _END and self._left is not None:
            self._left -= 1
        return item

    def _done(self) -> bool:
        return self._left is not None and self._left <= 0

    def _accept(self, response: Response | None) -> bool:
        self._started = True
        if response is None:
            return False
        self.pages_fetched += 1
        items, meta = self._walk.items(response)
        self._items = iter(items)
        self.meta = meta
        self._incomplete = self._incomplete or bool(meta.get("incomplete_results"))
        return True

    def _total_count(self) -> int | None:
        value = self.meta.get("total_count")
        return value if isinstance(value, int) else None


class Paginator(_Items[ItemT], Iterator[ItemT]):
    """Every item across pages, fetched as iteration reaches them.

    For a wrapped list, `meta` holds the latest page's other fields;
    `total_count` and `incomplete_results` read them (fetching the first
    page if iteration has not started). `incomplete_results` is true if any
    page said so.
    """

    def __init__(self, walk: _Walk, max_items: int | None) -> None:
        super().__init__(walk, max_items)
        self._pages = walk.pages()

    def __iter__(self) -> Paginator[ItemT]:
        return self

    def __next__(self) -> ItemT:
        if self._done():
            self.close()
            raise StopIteration
        while (item := self._take()) is _END:
            if not self._fetch():
                raise StopIteration
        return item  # type: ignore[no-any-return]  # not _END, so an item

    def _fetch(self) -> bool:
        return self._accept(next(self._pages, None))

    def _first_page(self) -> None:
        if not self._started:
            self._fetch()

    @property
    def total_count(self) -> int | None:
        self._first_page()
        return self._total_count()

    @property
    def incomplete_results(self) -> bool:
        self._first_page()
        return self._incomplete

    def close(self) -> None:
        self._pages.close()


class AsyncPaginator(_Items[ItemT], AsyncIterator[ItemT]):
    """`Paginator` for an `AsyncOcto` method: `async for item in octo.paginate(...)`.

    `total_count` and `incomplete_results` read the pages fetched so far;
    `await paginator.first_page()` fetches the first one without iterating.
    """

    def __init__(self, walk: _Walk, max_items: int | None) -> None:
        super().__init__(walk, max_items)
        self._pages = walk.apages()

    def __aiter__(self) -> AsyncPaginator[ItemT]:
        return self

    async def __anext__(self) -> ItemT:
        if self._done():
            await self.aclose()
            raise StopAsyncIteration
        while (item := self._take()) is _END:
            if not await self._fetch():
                raise StopAsyncIteration
        return item  # type: ignore[no-any-return]  # not _END, so an item

    async def _fetch(self) -> bool:
        return self._accept(await anext(self._pages, None))

    async def first_page(self) -> None:
        """Fetch the first page, if iteration has not started (for `total_count`)."""
        if not self._started:
            await self._fetch()

    @property
    def total_count(self) -> int | None:
        return self._total_count()

    @property
    def incomplete_results(self) -> bool:
        return self._incomplete

    async def aclose(self) -> None:
        await self._pages.aclose()


_END = object()


def _accepts(method: Callable[..., Any], name: str) -> bool:
    import inspect  # here, not at the top: it costs `import octo` ~10 ms

    try:
        parameters = inspect.signature(method).parameters
    except (TypeError, ValueError):
        return False
    return name in parameters or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())


class _Paginate:
    """`octo.paginate(method, *args, max_items=None, **params)` iterates every
    item; `octo.paginate.pages(method, *args, **params)` yields each page's
    `Response`. `per_page` is 100 unless given; `headers`, `timeout`,
    `media_type` and `follow_redirects` apply to every page. Given an
    `AsyncOcto` method, both are async iterators (`async for`).

    Type checkers see the item type of the method (`Paged[Issue]` -> `Issue`)
    and check `args` and `params` against its signature; a method that does
    not paginate is an error. `max_items=` is not one of the method's
    parameters, so a call with it is checked for the method only (or use
    `itertools.islice(octo.paginate(...), n)`, checked in full).
    """

    if TYPE_CHECKING:
        @overload
        def __call__(self, method: Callable[P, Paged[ItemT, Any]], /, *args: P.args,
                     **params: P.kwargs) -> Paginator[ItemT]: ...

        @overload
        def __call__(self, method: Callable[..., Paged[ItemT, Any]], /, *args: Any,
                     max_items: int | None, **params: Any) -> Paginator[ItemT]: ...

        @overload
        def __call__(self, method: Callable[P, Awaitable[Paged[ItemT, Any]]], /, *args: P.args,
                     **params: P.kwargs) -> AsyncPaginator[ItemT]: ...

        @overload
        def __call__(self, method: Callable[..., Awaitable[Paged[ItemT, Any]]], /, *args: Any,
                     max_items: int | None, **params: Any) -> AsyncPaginator[ItemT]: ...

    def __call__(self, method: Callable[..., Any], /, *args: Any,
                 **params: Any) -> Paginator[Any] | AsyncPaginator[Any]:
        max_items = params.pop("max_items", None)
        if max_items is not None and (isinstance(max_items, bool) or max_items < 0):
            raise ValueError(f"max_items must be a non-negative integer, got {max_items!r}")
        walk = _Walk(method, args, params)
        return AsyncPaginator(walk, max_items) if walk.is_async else Paginator(walk, max_items)

    if TYPE_CHECKING:
        @overload
        def pages(self, method: Callable[P, Paged[ItemT, DataT]], /, *args: P.args,
                  **params: P.kwargs) -> Iterator[Paged[ItemT, DataT]]: ...

        @overload
        def pages(self, method: Callable[P, Awaitable[Paged[ItemT, DataT]]], /, *args: P.args,
                  **params: P.kwargs) -> AsyncIterator[Paged[ItemT, DataT]]: ...

    def pages(self, method: Callable[..., Any], /, *args: Any,
              **params: Any) -> Iterator[Response] | AsyncIterator[Response]:
        # Each page is the Response that `Paged` describes to type checkers.
        walk = _Walk(method, args, params)
        return walk.apages() if walk.is_async else walk.pages()

    if TYPE_CHECKING:
        @overload
        def graphql(self, client: Octo, query: str, /, variables: Mapping[str, Any] | None = None,
                    **more: Any) -> Iterator[Any]: ...

        @overload
        def graphql(self, client: AsyncOcto, query: str, /, variables: Mapping[str, Any] | None = None,
                    **more: Any) -> AsyncIterator[Any]: ...

    def graphql(self, client: Any, query: str, /, variables: Mapping[str, Any] | None = None,
                **more: Any) -> Any:
        """Every node of the one connection `query` walks with `$cursor`
        (its `nodes`, else its `edges`), page after page; see `octo.graphql.Walk`.
        Given an `AsyncOcto`, an async iterator (`async for`)."""
        return GraphQLWalk(client, query, merge(variables, more), nodes=True)

    if TYPE_CHECKING:
        @overload
        def graphql_pages(self, client: Octo, query: str, /, variables: Mapping[str, Any] | None = None,
                          **more: Any) -> Iterator[Data]: ...

        @overload
        def graphql_pages(self, client: AsyncOcto, query: str, /,
                          variables: Mapping[str, Any] | None = None, **more: Any) -> AsyncIterator[Data]: ...

    def graphql_pages(self, client: Any, query: str, /, variables: Mapping[str, Any] | None = None,
                      **more: Any) -> Any:
        """Each page's `data` of a `$cursor` walk (see `graphql`)."""
        return GraphQLWalk(client, query, merge(variables, more), nodes=False)

    def __repr__(self) -> str:
        return "<octo.paginate>"


class GraphQLWalk:
    """The pages (or their nodes) of one `$cursor` walk: an iterator over an
    `Octo`, an async iterator over an `AsyncOcto`. What to send next and
    when to stop is `octo.graphql.Walk`'s; this only makes the calls."""

    def __init__(self, client: Any, query: str, variables: dict[str, Any], *, nodes: bool) -> None:
        self._walk = Walk(query, variables)  # here: a bad query is refused at the call
        self._client = client
        self._query = query
        self._nodes = nodes
        kind = getattr(type(client), "_kind", None)
        if kind not in ("Octo", "AsyncOcto"):
            raise TypeError(f"octo.paginate.graphql takes a client (octo.Octo or octo.AsyncOcto) first, "
                            f"got {type(client).__name__}")
        self._async = kind == "AsyncOcto"
        self._items: Iterator[Any] = iter(())

    def __repr__(self) -> str:
        return f"<octo.paginate.graphql{'' if getattr(self, '_nodes', True) else '_pages'}>"

    def _call(self) -> Any:
        """The next page's call (an awaitable on AsyncOcto), or None when the walk is over."""
        values = self._walk.variables()
        return None if values is None else self._client.graphql(self._query, values)

    def _accept(self, data: Data) -> None:
        self._walk.receive(data)
        self._items = iter(self._walk.nodes() if self._nodes else (data,))

    def __iter__(self) -> GraphQLWalk:
        if self._async:
            raise TypeError("octo.paginate.graphql with an AsyncOcto is an async iterator: use async for")
        return self

    def __next__(self) -> Any:
        while (item := next(self._items, _END)) is _END:
            call = self._call()
            if call is None:
                raise StopIteration
            self._accept(call)
        return item

    def __aiter__(self) -> GraphQLWalk:
        if not self._async:
            raise TypeError("octo.paginate.graphql with an Octo is an iterator: use for, not async for")
        return self

    async def __anext__(self) -> Any:
        while (item := next(self._items, _END)) is _END:
            call = self._call()
            if call is None:
                raise StopAsyncIteration
            self._accept(await call)
        return item


paginate = _Paginate()
