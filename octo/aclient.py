"""`AsyncOcto`: the async client. The same namespaces, methods and pipeline
as `Octo` (octo.client), run on the async driver over aiohttp
(octo.drivers.aio, the `async` extra):

    async with octo.AsyncOcto(token=...) as gh:
        r = await gh.repos.get("octocat", "hello-world")
"""

from __future__ import annotations

import importlib
from collections.abc import Coroutine, Mapping
from typing import TYPE_CHECKING, Any

from octo.client import BaseClient
from octo.core.operation import OMIT, Omit, Operation, Timeout
from octo.core.redaction import conceal_headers
from octo.core.response import Response

if TYPE_CHECKING:
    from octo.auth.app import AppAuth
    from octo.graphql import Data
    from octo.rest._async import AsyncNamespaces
else:
    AsyncNamespaces = object


class AsyncOcto(BaseClient, AsyncNamespaces):
    """An async GitHub REST API client: `await gh.repos.get(...)`.

    Takes the arguments `Octo` takes; `session` is an `aiohttp.ClientSession`
    of your own (else one is made on first use, in the running loop).
    Close it with `await gh.aclose()` or `async with`; a closed client
    raises `OctoError` instead of sending.
    """

    _kind = "AsyncOcto"
    # octo.drivers.aio.AsyncDriver, imported by name at run time: a type checker
    # following the import would read all of aiohttp for every script that
    # imports octo (2.3 s of a cold mypy run), async or not.
    _driver: Any

    def _connect(self, session: Any, max_connections: int) -> None:
        self._driver = importlib.import_module("octo.drivers.aio").AsyncDriver(session, max_connections)

    def _derived(self, auth: AppAuth) -> AsyncOcto:
        client = type(self)(auth=auth, **self._options)
        client._driver = self._driver  # one connection pool for the app and its installations
        return client

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
    ) -> Coroutine[Any, Any, Response]:
        """Call one endpoint: `await gh.request("GET /repos/{owner}/{repo}", path={...})`.
        The arguments are checked when it is called, before anything is awaited;
        `headers` and `follow_redirects` as in `Octo.request`."""
        if headers:
            # Rebound first: a credential passed here shows as [redacted] in a traceback's locals.
            headers = conceal_headers(headers)
        call = self._bind(operation, path=path, query=query, body=body, headers=headers, data=data,
                          media_type=media_type, timeout=timeout, follow_redirects=follow_redirects)
        called: Coroutine[Any, Any, Response] = self._driver.call(self.hook, call, self._pipeline)
        return called

    if TYPE_CHECKING:
        def graphql(self, query: str, /, variables: Mapping[str, Any] | None = None,
                    **more: Any) -> Coroutine[Any, Any, Data]:
            """`await gh.graphql(query, **variables)`: the answer's `data` (see `Octo.graphql`)."""

    async def for_installation(self, installation_id: int | None = None, *, owner: str | None = None,
                               repo: str | None = None, org: str | None = None,
                               user: str | None = None) -> AsyncOcto:
        """This app client acting as one installation (see `Octo.for_installation`)."""
        from octo.auth.app import installation_client

        steps = installation_client(self, installation_id, owner=owner, repo=repo, org=org, user=user)
        client: AsyncOcto = await self._driver.run(steps)
        return client

    async def aclose(self) -> None:
        """Close the connections; the client sends nothing after this."""
        await self._driver.close()

    async def __aenter__(self) -> AsyncOcto:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
