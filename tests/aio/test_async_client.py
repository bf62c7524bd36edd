"""What only AsyncOcto has: await, async with, aclose, cancellation, async
hooks, async pagination and transfers, concurrency. The behaviour it shares
with Octo is tested on both in tests/octo/."""

from __future__ import annotations

import asyncio
import inspect
import io
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import SENTINEL
from server import Reply, ScriptedServer

import octo


def run(coroutine: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coroutine, 20))


def test_same_constructor_namespaces_and_docstrings_as_octo() -> None:
    assert inspect.signature(octo.AsyncOcto) == inspect.signature(octo.Octo)
    sync, aio = octo.Octo(), octo.AsyncOcto()
    assert type(aio.repos) is type(sync.repos)
    assert aio.repos.get.__doc__ == sync.repos.get.__doc__


def test_await_async_with_and_a_closed_client(server: ScriptedServer) -> None:
    server.queue(Reply(200, json={"full_name": "o/r"}))

    async def main() -> Any:
        async with octo.AsyncOcto(SENTINEL, base_url=server.url) as gh:
            got = await gh.repos.get("o", "r")
            by_route = await gh.request("GET /repos/{owner}/{repo}", path={"owner": "o", "repo": "r"})
        with pytest.raises(octo.OctoError, match="closed"):
            await gh.repos.get("o", "r")
        return got, by_route

    got, by_route = run(main())
    assert got.data == {"full_name": "o/r"} and by_route.status == 200
    assert len(server.requests) == 2


def test_bad_arguments_fail_at_the_call_before_any_await() -> None:
    gh = octo.AsyncOcto()
    with pytest.raises(TypeError):
        gh.repos.get("o")  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="event_type"):
        gh.repos.create_dispatch_event("o", "r", event_type="x" * 101)
    with pytest.raises(TypeError, match="not available on api.github.com"):
        gh.enterprise_admin.list_global_webhooks()  # GHES only
    ghes = octo.AsyncOcto(base_url="https://ghe.example.com/api/v3", ghes="3.17")
    with pytest.raises(TypeError, match="not available on GHES 3.17"):
        ghes.orgs.get_org_ruleset_history("o", 1)


def test_calls_overlap_within_the_connection_bound(server: ScriptedServer) -> None:
    server.handler = lambda request: Reply(200, json={}, delay=0.3)

    async def main() -> float:
        async with octo.AsyncOcto(base_url=server.url, max_connections=10) as gh:
            started = time.monotonic()
            await asyncio.gather(*(gh.repos.get("o", "r") for _ in range(20)))
            return time.monotonic() - started

    took = run(main())
    assert took < 3.0  # one after another: 6 s; ten at a time: 0.6 s
    assert server.connections <= 10


def test_a_cancelled_download_leaves_no_file_and_the_client_goes_on(server: ScriptedServer,
                                                                      tmp_path: Path) -> None:
    def slow() -> Iterator[bytes]:
        yield b"x" * 1000
        time.sleep(3)
        yield b"y" * 1000

    server.queue(Reply(200, stream=slow(), length=2000, headers={"content-type": "application/zip"}))
    target = tmp_path / "archive.zip"

    async def main() -> Any:
        async with octo.AsyncOcto(base_url=server.url) as gh:
            task = asyncio.ensure_future(octo.download(server.url + "/repos/o/r/zipball/main", to=target,
                                                       client=gh))
            await asyncio.sleep(0.5)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            return await gh.repos.get("o", "r")

    assert run(main()).status == 200
    assert not target.exists() and not target.with_name("archive.zip.part").exists()


def test_async_hooks_and_async_wrap(server: ScriptedServer) -> None:
    seen: list[str] = []

    async def before(request: Any) -> None:
        seen.append(f"before {request.method}")

    async def wrap(send: Any, request: Any) -> Any:
        seen.append("wrap")
        return await send(request)

    async def recover(error: Any, request: Any) -> Any:
        return octo.Response(200, {}, {"recovered": True}, request.url)

    async def main() -> Any:
        async with octo.AsyncOcto(base_url=server.url) as gh:
            gh.hook.before(before)
            gh.hook.wrap(wrap)
            gh.hook.error(recover)
            return await gh.repos.get("o", "r")

    server.queue(Reply(404, json={"message": "Not Found"}))
    assert run(main()).data == {"recovered": True}
    assert seen == ["wrap", "before GET"]


def test_async_for_over_pages_and_items(server: ScriptedServer) -> None:
    def pages(request: Any) -> Reply:
        page = int(request.query.get("page", ["1"])[0])
        link = {"Link": f'<{server.url}/repos/o/r/issues?page={page + 1}>; rel="next"'} if page < 3 else {}
        return Reply(200, json=[page * 10, page * 10 + 1], headers=link)

    server.handler = pages

    async def main() -> Any:
        async with octo.AsyncOcto(base_url=server.url) as gh:
            items = [item async for item in octo.paginate(gh.issues.list_for_repo, "o", "r")]
            statuses = [page.status async for page in octo.paginate.pages(gh.issues.list_for_repo, "o", "r")]
            return items, statuses

    assert run(main()) == ([10, 11, 20, 21, 30, 31], [200, 200, 200])


def test_await_graphql_and_async_for_over_a_cursor_walk() -> None:
    from graphql_server import GraphQLServer

    query = ("query($cursor: String) { repository(owner: \"o\", name: \"r\") {"
             " issues(first: 3, after: $cursor) { nodes { number } pageInfo { hasNextPage endCursor } } } }")

    async def main(url: str) -> tuple[Any, ...]:
        async with octo.AsyncOcto(SENTINEL, base_url=url) as gh:
            call = gh.graphql("{ viewer { login } }")  # checked here, sent when awaited
            data = await call
            numbers = [node["number"] async for node in octo.paginate.graphql(gh, query)]
            pages = [page.response.status async for page in octo.paginate.graphql_pages(gh, query)]
            with pytest.raises(ValueError, match="operations"):
                gh.graphql("{ a } { b }")  # refused at the call, before any await
            with pytest.raises(TypeError, match="async iterator: use async for"):
                iter(octo.paginate.graphql(gh, query))
            return data, numbers, pages

    with GraphQLServer() as gql:
        data, numbers, pages = run(main(gql.url))
    assert data == {"viewer": {"login": "login-0"}} and data.response.status == 200
    assert numbers == [1, 2, 3, 4, 5, 6, 7] and pages == [200, 200, 200]
    with pytest.raises(TypeError, match="an iterator: use for, not async for"):
        octo.paginate.graphql(octo.Octo(), query).__aiter__()
    with pytest.raises(TypeError, match="takes a client"):
        octo.paginate.graphql("not a client", query)  # type: ignore[call-overload]


def test_a_sync_client_inside_a_running_loop_works_as_before(server: ScriptedServer) -> None:
    async def main() -> int:
        return octo.Octo(base_url=server.url).repos.get("o", "r").status

    assert run(main()) == 200


@pytest.mark.other_processes
def test_import_octo_does_not_import_aiohttp() -> None:
    import subprocess
    import sys

    code = "import sys, octo; octo.AsyncOcto; print('aiohttp' in sys.modules, 'asyncio' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]


def test_a_ca_bundle_is_loaded_once_and_again_when_it_is_replaced(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import os

    from tls import make_certificate, server_context

    from octo.drivers import aio

    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (cert_a, key_a), (cert_b, key_b) = make_certificate(first), make_certificate(second)
    bundle = tmp_path / "ca.pem"
    bundle.write_bytes(cert_a.read_bytes())
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))

    async def status(url: str) -> int:
        async with octo.AsyncOcto(SENTINEL, base_url=url, retries=0) as gh:
            return (await gh.repos.get("o", "r")).status

    with ScriptedServer(tls=server_context(cert_a, key_a)) as a, ScriptedServer(tls=server_context(cert_b, key_b)) as b:
        assert asyncio.run(status(a.url)) == 200
        assert aio._ca_context(str(bundle)) is aio._ca_context(str(bundle))  # one per bundle, not per client
        with pytest.raises(octo.TransportError):
            asyncio.run(status(b.url))
        bundle.write_bytes(cert_b.read_bytes())  # the bundle rotated: new clients trust the new one
        os.utime(bundle, ns=(1, 2_000_000_000_000_000_000))
        assert asyncio.run(status(b.url)) == 200


def test_an_upload_stream_that_times_out_is_a_transport_error(server: ScriptedServer) -> None:
    # A network stream as the body (a socket's file with a timeout): its own TimeoutError,
    # which aiohttp passes on as it is, is octo's error like any other failure to send.
    class TimingOut(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            raise TimeoutError("timed out")

    async def main() -> Any:
        async with octo.AsyncOcto(SENTINEL, base_url=server.url, uploads_url=server.url, retries=0) as gh:
            with pytest.raises(octo.TransportError, match="timed out") as info:
                await octo.upload("/repos/o/r/releases/1/assets{?name,label}", io.BufferedReader(TimingOut()),
                                  name="x.bin", client=gh)
            return info.value

    error = run(main())
    assert error.retriable
