"""One client in a process of its own, doing units of work on command.

    python -m bench.worker pair <peer> <base_url>
    python -m bench.worker paginate <octo|requests> <base_url> <per_page> <items>

Reads `N` lines from stdin, does N units (a pair of calls, or one walk of the
whole list) and answers `<cpu seconds> <wall seconds>` for the N units. Each
client runs alone in its process, so it pays for its own imports and garbage
only, and its CPU time (`time.process_time`) is its own; the driver
interleaves the processes.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable

from bench.peers import OWNER, PEERS, REPO, TIMEOUT, TOKEN


def pagination_walk(kind: str, base: str, per_page: int, items: int) -> Callable[[], int]:
    """A function that reads every item of the list once and returns the count."""
    if kind == "requests":
        import requests

        from bench.peers import HEADERS

        session = requests.Session()
        session.headers.update(HEADERS)

        def hand_loop() -> int:
            url: str | None = f"{base}/repos/{OWNER}/{REPO}/issues"
            params: dict[str, int] | None = {"per_page": per_page}
            count = 0
            while url:
                answer = session.get(url, params=params, timeout=TIMEOUT)
                answer.raise_for_status()
                for _item in answer.json():
                    count += 1
                url = answer.links.get("next", {}).get("url")
                params = None  # the next link carries the query
            return count

        return hand_loop

    import octo

    paginate = getattr(octo, "paginate", None)
    if paginate is None:
        raise SystemExit("octo.paginate does not exist yet")
    client = octo.Octo(TOKEN, base_url=base, user_agent="octo-bench")

    def octo_walk() -> int:
        count = 0
        for _item in paginate(client.issues.list_for_repo, owner=OWNER, repo=REPO, per_page=per_page):
            count += 1
        return count

    return octo_walk


def main(argv: list[str]) -> None:
    if os.environ.get("BENCH_CLIENT_CPU") and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {int(os.environ["BENCH_CLIENT_CPU"])})
    mode, kind, base = argv[:3]
    unit: Callable[[], object]
    if mode == "pair":
        peer = next(p for p in PEERS if p.key == kind)
        unit, _close = peer.make(base)
        expected: object = f"{OWNER}/{REPO}"
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
