"""The contract pass of test_contract.py through `AsyncOcto`: every generated
method, awaited with every argument the operation accepts, sends a request
Prism finds nothing wrong with, each against its home description's Prism
(api.github.com's, else GHEC's, else GHES 3.19's, shared with the sync suite)
by a client told that target. Prism's verdict is read from the first answer
of each call as aiohttp received it (a trace hook: its headers), and its body
through the client's own `after`/`error` hooks when that answer was the last.
A redirect off loopback (Prism's example Location) is refused by the resolver:
nothing reaches the internet."""

from __future__ import annotations

import json
import socket
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from blocking import wait
from requests.structures import CaseInsensitiveDict

import octo
from contract.arguments import build_call
from contract.conftest import PLACEHOLDER_TOKEN, Targets
from contract.openapi import DOTCOM, home
from contract.test_contract import ENDPOINTS, KNOWN_VIOLATIONS, UNCHECKABLE
from contract.wire import violations

pytestmark = pytest.mark.contract
MODE = "all"  # one pass; the sync suite makes the others


class Judged:
    """The first answer of each call: status and headers from aiohttp's trace,
    the body from the client's hooks when that answer was the call's last."""

    def __init__(self) -> None:
        self.heads: list[tuple[int, CaseInsensitiveDict[str]]] = []
        self.last: octo.Response | None = None

    def clear(self) -> None:
        self.heads.clear()
        self.last = None

    async def on_request_end(self, session: Any, context: Any, params: Any) -> None:
        self.heads.append((params.response.status, CaseInsensitiveDict(params.response.headers)))

    def after(self, response: octo.Response, request: Any) -> None:
        self.last = response

    def error(self, error: Exception, request: Any) -> None:
        answer = getattr(error, "response", None)
        self.last = answer if isinstance(answer, octo.Response) else None

    def first(self) -> requests.Response:
        """What `contract.wire.violations` reads: headers, and the JSON body of an error document."""
        status, headers = self.heads[0]
        answer = requests.Response()
        answer.status_code, answer.headers = status, headers
        data = self.last.data if self.last is not None and len(self.heads) == 1 else None
        answer._content = data if isinstance(data, bytes) else json.dumps(data).encode()
        return answer


class LoopbackOnly:
    """An aiohttp resolver that knows loopback only: no name is looked up elsewhere."""

    async def resolve(self, host: str, port: int = 0, family: int = socket.AF_INET) -> list[dict[str, Any]]:
        if host not in ("127.0.0.1", "localhost"):
            raise OSError(f"contract tests reach loopback only, not {host}")
        return [{"hostname": host, "host": "127.0.0.1", "port": port, "family": socket.AF_INET,
                 "proto": 0, "flags": 0}]

    async def close(self) -> None:
        pass


class Judges:
    """An `AsyncOcto` per target (see `Targets.settings`), all over one traced session."""

    def __init__(self, targets: Targets, session: Any, seen: Judged) -> None:
        self.targets, self.session, self.seen = targets, session, seen
        self.clients: dict[str, octo.AsyncOcto] = {}

    def client(self, target: str) -> octo.AsyncOcto:
        if target not in self.clients:
            client = octo.AsyncOcto(PLACEHOLDER_TOKEN, retries=0, session=self.session,
                                    **self.targets.settings(target))
            client.hook.after(self.seen.after)
            client.hook.error(self.seen.error)
            self.clients[target] = client
        return self.clients[target]


@pytest.fixture(scope="module")
def judges(targets: Targets) -> Iterator[Judges]:
    import aiohttp

    seen = Judged()

    async def session() -> aiohttp.ClientSession:
        trace = aiohttp.TraceConfig()
        trace.on_request_end.append(seen.on_request_end)
        return aiohttp.ClientSession(connector=aiohttp.TCPConnector(resolver=LoopbackOnly()),  # type: ignore[arg-type]
                                     trace_configs=[trace])

    found = Judges(targets, wait(session()), seen)
    yield found

    async def close() -> None:
        for client in found.clients.values():
            await client.aclose()
        await found.session.close()  # the caller's session: aclose leaves it open

    wait(close())


def _cases() -> list[Any]:
    cases = []
    for (namespace, name), endpoint in ENDPOINTS.items():
        reason = UNCHECKABLE.get(f"{namespace}.{name}") or KNOWN_VIOLATIONS.get(f"{namespace}.{name}-{MODE}")
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        target = home(endpoint)
        suffix = "" if target == DOTCOM else f"@{target}"
        cases.append(pytest.param(target, namespace, name, marks=marks, id=f"{namespace}.{name}{suffix}"))
    return cases


@pytest.mark.parametrize(("target", "namespace", "name"), _cases())
def test_async_request_conforms_to_github_openapi(
    target: str, namespace: str, name: str, targets: Targets, judges: Judges,
) -> None:
    client, seen = judges.client(target), judges.seen
    endpoint = ENDPOINTS[(namespace, name)]
    operation = targets.description(target).operation_for(endpoint)
    assert operation is not None, f"{namespace}.{name}: not in {target}'s description"
    call = build_call(endpoint, operation, MODE)
    method = getattr(getattr(client, namespace), name)
    seen.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            wait(method(*call.args, **call.kwargs))
        except octo.OctoError:
            pass  # Prism's example answer may be an error status; the verdict is below
    assert seen.heads, f"{namespace}.{name}: AsyncOcto got no answer"
    deprecated = {p.name for p in endpoint.params if p.deprecated}
    problems = [v for v in violations(seen.first()) if v.deprecated_parameter not in deprecated]
    assert not problems, f"{namespace}.{name} (async, {MODE} arguments): Prism objects:\n" + "\n".join(
        str(v) for v in problems)
