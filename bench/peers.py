"""The clients compared, each doing the same pair of calls the way its users would.

A pair is `repos.create_dispatch_event` then `repos.get`, ending with the
repository's `full_name` read the client's usual way (so a client that parses
lazily pays for parsing too). Every client is made once and reused, with its
default settings except where a default would sleep or reach the internet.
"""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

OWNER, REPO = "octocat", "Hello-World"  # the fixture's repository
TOKEN = "ghp_" + "0" * 36  # token-shaped; only ever sent to loopback
EVENT = "on-demand-test"
PAYLOAD = {"unit": False, "integration": True}
HEADERS = {
    "Accept": "application/vnd.github+json",
    "X-GitHub-Api-Version": "2022-11-28",
    "User-Agent": "octo-bench",
    "Authorization": f"Bearer {TOKEN}",
}
TIMEOUT = (10.0, 30.0)  # octo's default (connect, read)

Pair = Callable[[], str]


@dataclass(frozen=True)
class Peer:
    key: str  # short name used in results
    label: str  # as shown in tables and charts
    module: str  # what `import` names, for the import benchmark
    distribution: str  # for the version column
    make: Callable[[str], tuple[Pair, Callable[[], None]]]

    def available(self) -> bool:
        return importlib.util.find_spec(self.module.split(".")[0]) is not None


def _requests(base: str) -> tuple[Pair, Callable[[], None]]:
    import requests

    session = requests.Session()
    session.headers.update(HEADERS)

    def pair() -> str:
        answer = session.post(f"{base}/repos/{OWNER}/{REPO}/dispatches",
                              json={"event_type": EVENT, "client_payload": PAYLOAD}, timeout=TIMEOUT)
        answer.raise_for_status()
        answer = session.get(f"{base}/repos/{OWNER}/{REPO}", timeout=TIMEOUT)
        answer.raise_for_status()
        return str(answer.json()["full_name"])

    return pair, session.close


def _octo(base: str) -> tuple[Pair, Callable[[], None]]:
    import octo

    client = octo.Octo(TOKEN, base_url=base, user_agent="octo-bench")

    def pair() -> str:
        client.repos.create_dispatch_event(OWNER, REPO, event_type=EVENT, client_payload=PAYLOAD)
        return str(client.repos.get(OWNER, REPO).data["full_name"])

    return pair, client.close


def _pygithub(base: str) -> tuple[Pair, Callable[[], None]]:
    from github import Auth, Github

    # PyGithub sleeps between calls by default (0.25 s, 1 s after a write): off,
    # since that is waiting, not work.
    client = Github(auth=Auth.Token(TOKEN), base_url=base, timeout=int(TIMEOUT[1]),
                    seconds_between_requests=None, seconds_between_writes=None)
    repo = client.get_repo(f"{OWNER}/{REPO}", lazy=True)

    def pair() -> str:
        repo.create_repository_dispatch(EVENT, PAYLOAD)
        return str(client.get_repo(f"{OWNER}/{REPO}").full_name)

    return pair, client.close


def _githubkit(base: str, http_cache: bool = True) -> tuple[Pair, Callable[[], None]]:
    from githubkit import GitHub

    client: Any = GitHub(TOKEN, base_url=base + "/", timeout=TIMEOUT[1], http_cache=http_cache)
    client.__enter__()  # keeps one httpx client (and its connections) for every call

    def pair() -> str:
        client.rest.repos.create_dispatch_event(OWNER, REPO, event_type=EVENT, client_payload=PAYLOAD)
        return str(client.rest.repos.get(OWNER, REPO).parsed_data.full_name)

    return pair, lambda: client.__exit__(None, None, None)


def _ghapi(base: str) -> tuple[Pair, Callable[[], None]]:
    from ghapi.all import GhApi

    client = GhApi(OWNER, REPO, token=TOKEN, gh_host=base, timeout=TIMEOUT[1], sync=True)

    def pair() -> str:
        client.repos.create_dispatch_event(owner=OWNER, repo=REPO, event_type=EVENT, client_payload=PAYLOAD)
        return str(client.repos.get(owner=OWNER, repo=REPO).full_name)

    return pair, lambda: None


def _in_loop(pair: Callable[[], Awaitable[str]], close: Callable[[], Awaitable[None]],
             loop: asyncio.AbstractEventLoop) -> tuple[Pair, Callable[[], None]]:
    """An async pair run to completion on one loop kept for the worker's life:
    every async peer pays the same loop overhead per pair."""
    def done() -> None:
        loop.run_until_complete(close())
        loop.close()

    return (lambda: loop.run_until_complete(pair())), done


def _aiohttp(base: str) -> tuple[Pair, Callable[[], None]]:
    import aiohttp

    loop = asyncio.new_event_loop()

    async def make() -> aiohttp.ClientSession:
        return aiohttp.ClientSession(headers=HEADERS, timeout=aiohttp.ClientTimeout(
            connect=TIMEOUT[0], sock_read=TIMEOUT[1]))

    session = loop.run_until_complete(make())

    async def pair() -> str:
        async with session.post(f"{base}/repos/{OWNER}/{REPO}/dispatches",
                                json={"event_type": EVENT, "client_payload": PAYLOAD}) as answer:
            answer.raise_for_status()
            await answer.read()
        async with session.get(f"{base}/repos/{OWNER}/{REPO}") as answer:
            answer.raise_for_status()
            return str((await answer.json())["full_name"])

    return _in_loop(pair, session.close, loop)


def _httpx(base: str) -> tuple[Pair, Callable[[], None]]:
    import httpx

    loop = asyncio.new_event_loop()
    client = httpx.AsyncClient(headers=HEADERS, timeout=httpx.Timeout(TIMEOUT[1], connect=TIMEOUT[0]))

    async def pair() -> str:
        answer = await client.post(f"{base}/repos/{OWNER}/{REPO}/dispatches",
                                   json={"event_type": EVENT, "client_payload": PAYLOAD})
        answer.raise_for_status()
        answer = await client.get(f"{base}/repos/{OWNER}/{REPO}")
        answer.raise_for_status()
        return str(answer.json()["full_name"])

    return _in_loop(pair, client.aclose, loop)


def _octo_async(base: str) -> tuple[Pair, Callable[[], None]]:
    import octo

    loop = asyncio.new_event_loop()
    client = octo.AsyncOcto(TOKEN, base_url=base, user_agent="octo-bench")

    async def pair() -> str:
        await client.repos.create_dispatch_event(OWNER, REPO, event_type=EVENT, client_payload=PAYLOAD)
        return str((await client.repos.get(OWNER, REPO)).data["full_name"])

    return _in_loop(pair, client.aclose, loop)


def _githubkit_async(base: str) -> tuple[Pair, Callable[[], None]]:
    from githubkit import GitHub

    loop = asyncio.new_event_loop()
    client: Any = GitHub(TOKEN, base_url=base + "/", timeout=TIMEOUT[1], http_cache=False)
    loop.run_until_complete(client.__aenter__())  # one httpx AsyncClient for every call

    async def pair() -> str:
        await client.rest.repos.async_create_dispatch_event(OWNER, REPO, event_type=EVENT,
                                                            client_payload=PAYLOAD)
        return str((await client.rest.repos.async_get(OWNER, REPO)).parsed_data.full_name)

    async def close() -> None:
        await client.__aexit__(None, None, None)

    return _in_loop(pair, close, loop)


PEERS = (
    Peer("requests", "requests (raw Session)", "requests", "requests", _requests),
    Peer("octo", "octo", "octo", "octo-github", _octo),
    Peer("pygithub", "PyGithub", "github", "PyGithub", _pygithub),
    Peer("githubkit", "githubkit", "githubkit", "githubkit", _githubkit),
    # githubkit's default HTTP cache costs more with every call a client has made
    # (it reads back every stored entry), so its figure depends on the run's
    # length; this row shows githubkit without it.
    Peer("githubkit_nocache", "githubkit, http_cache=False", "githubkit", "githubkit",
         lambda base: _githubkit(base, http_cache=False)),
    Peer("ghapi", "ghapi (sync)", "ghapi.all", "ghapi", _ghapi),
    Peer("aiohttp", "aiohttp (raw ClientSession)", "aiohttp", "aiohttp", _aiohttp),
    Peer("httpx_async", "httpx (raw AsyncClient)", "httpx", "httpx", _httpx),
    Peer("octo_async", "octo AsyncOcto", "octo", "octo", _octo_async),
    Peer("githubkit_async", "githubkit async, http_cache=False", "githubkit", "githubkit", _githubkit_async),
)
