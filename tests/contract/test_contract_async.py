"""The contract pass of test_contract.py through `AsyncOcto`: every generated
method, awaited with every argument the operation accepts, sends a request
Prism finds nothing wrong with. Prism's verdict is read from the first answer
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
from contract.conftest import PLACEHOLDER_TOKEN
from contract.openapi import Description
from contract.prism import Prism
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


@pytest.fixture(scope="module")
def judged(prism: Prism) -> Iterator[tuple[octo.AsyncOcto, Judged]]:
    import aiohttp

    seen = Judged()

    async def session() -> aiohttp.ClientSession:
        trace = aiohttp.TraceConfig()
        trace.on_request_end.append(seen.on_request_end)
        return aiohttp.ClientSession(connector=aiohttp.TCPConnector(resolver=LoopbackOnly()),  # type: ignore[arg-type]
                                     trace_configs=[trace])

    given = wait(session())
    client = octo.AsyncOcto(PLACEHOLDER_TOKEN, base_url=prism.url, retries=0, session=given)
    client.hook.after(seen.after)
    client.hook.error(seen.error)
    yield client, seen

    async def close() -> None:
        await client.aclose()
        await given.close()  # the caller's session: aclose leaves it open

    wait(close())


def _cases() -> list[Any]:
    cases = []
    for (namespace, name) in ENDPOINTS:
        reason = UNCHECKABLE.get(f"{namespace}.{name}") or KNOWN_VIOLATIONS.get(f"{namespace}.{name}-{MODE}")
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        cases.append(pytest.param(namespace, name, marks=marks, id=f"{namespace}.{name}"))
    return cases


@pytest.mark.parametrize(("namespace", "name"), _cases())
def test_async_request_conforms_to_github_openapi(
    namespace: str, name: str, description: Description, judged: tuple[octo.AsyncOcto, Judged],
) -> None:
    client, seen = judged
    endpoint = ENDPOINTS[(namespace, name)]
    call = build_call(endpoint, description.operation_for(endpoint), MODE)
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
