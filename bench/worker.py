"""One client in a process of its own, doing units of work on command.

    python -m bench.worker pair <peer> <base_url>
    python -m bench.worker paginate <peer> <base_url> <per_page> <items>
    python -m bench.worker call rest|graphql <base_url>

Reads `N` lines from stdin, does N units (a pair of calls, one walk of the
whole list, or one octo call reading a repository by REST or by GraphQL) and
answers `<cpu seconds> <wall seconds>` for the N units. Each client runs alone
in its process, so it pays for its own imports and garbage only, and its CPU
time (`time.process_time`) is its own; the driver interleaves the processes.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import Any

from bench.peers import OWNER, PEERS, REPO, TIMEOUT, TOKEN


def pagination_walk(kind: str, base: str, per_page: int, items: int) -> Callable[[], int]:
    """A function that reads every item's `number` once, the client's usual way, and returns the count."""
    owner, repo = OWNER, REPO
    if kind == "requests":
        import requests

        from bench.peers import HEADERS

        session = requests.Session()
        session.headers.update(HEADERS)

        def hand_loop() -> int:
            url: str | None = f"{base}/repos/{owner}/{repo}/issues"
            params: dict[str, int] | None = {"per_page": per_page}
            count = 0
            while url:
                answer = session.get(url, params=params, timeout=TIMEOUT)
                answer.raise_for_status()
                for item in answer.json():
                    count += item["number"] > 0
                url = answer.links.get("next", {}).get("url")
                params = None  # the next link carries the query
            return count

        return hand_loop
    if kind == "octo":
        import octo

        client = octo.Octo(TOKEN, base_url=base, user_agent="octo-bench")
        return lambda: sum(item["number"] > 0 for item in
                           octo.paginate(client.issues.list_for_repo, owner=owner, repo=repo, per_page=per_page))
    if kind == "pygithub":
        from github import Auth, Github

        gh = Github(auth=Auth.Token(TOKEN), base_url=base, timeout=int(TIMEOUT[1]), per_page=per_page,
                    seconds_between_requests=None, seconds_between_writes=None)
        repository = gh.get_repo(f"{owner}/{repo}", lazy=True)
        return lambda: sum(issue.number > 0 for issue in repository.get_issues())
    if kind in ("githubkit", "githubkit_nocache"):
        from githubkit import GitHub

        kit: Any = GitHub(TOKEN, base_url=base + "/", timeout=TIMEOUT[1], http_cache=kind == "githubkit")
        kit.__enter__()
        return lambda: sum(issue.number > 0 for issue in
                           kit.rest.paginate(kit.rest.issues.list_for_repo, owner=owner, repo=repo,
                                             per_page=per_page))
    if kind == "ghapi":
        from ghapi.all import GhApi, sync_paged

        api = GhApi(owner, repo, token=TOKEN, gh_host=base, timeout=TIMEOUT[1], sync=True)
        return lambda: sum(item.number > 0 for page in sync_paged(api.issues.list_for_repo, owner, repo,
                                                             per_page=per_page) for item in page)
    raise SystemExit(f"no pagination walk for {kind}")


REPOSITORY_QUERY = "query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { id } }"


def octo_call(kind: str, base: str) -> Callable[[], object]:
    """One octo call reading the same repository: `repos.get`, or `gh.graphql`."""
    import octo

    client = octo.Octo(TOKEN, base_url=base, user_agent="octo-bench")
    if kind == "rest":
        return lambda: client.repos.get(OWNER, REPO).data["full_name"]
    return lambda: client.graphql(REPOSITORY_QUERY, owner=OWNER, name=REPO)["repository"]["full_name"]


def main(argv: list[str]) -> None:
    if os.environ.get("BENCH_CLIENT_CPU") and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {int(os.environ["BENCH_CLIENT_CPU"])})
    mode, kind, base = argv[:3]
    unit: Callable[[], object]
    if mode == "pair":
        peer = next(p for p in PEERS if p.key == kind)
        unit, _close = peer.make(base)
        expected: object = f"{OWNER}/{REPO}"
    elif mode == "call":
        unit, expected = octo_call(kind, base), f"{OWNER}/{REPO}"
    elif mode == "store":
        from bench import store

        unit, _close = store.unit(kind, base, argv[3])
        expected = f"{OWNER}/{REPO}"
    else:
        per_page, items = int(argv[3]), int(argv[4])
        unit = pagination_walk(kind, base, per_page, items)
        expected = items
    got = unit()  # also the first, unmeasured call: connections open, caches fill
    if got != expected:
        raise SystemExit(f"{kind}: got {got!r}, expected {expected!r}")
    print("ready", flush=True)
    for line in sys.stdin:
        n = int(line)
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(n):
            unit()
        print(f"{time.process_time() - cpu} {time.perf_counter() - wall}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
