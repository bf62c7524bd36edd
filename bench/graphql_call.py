"""`python -m bench.graphql_call`: CPU per `gh.graphql` call next to a REST call of the same size.

Both read the same repository (bench/fixtures/repo.json, about 6 kB of JSON)
from bench/server.py, which runs in its own process so that only the client's
CPU is counted (`time.process_time`, in this process). Prints microseconds per
call, the median of `--rounds` rounds of `--calls` calls each, interleaved.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from bench import measure
from bench.peers import OWNER, REPO, TOKEN

QUERY = "query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { id name } }"


def per_call(call: Callable[[], object], calls: int) -> float:
    started = time.process_time()
    for _ in range(calls):
        call()
    return (time.process_time() - started) / calls


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.graphql_call", description=__doc__)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    import octo

    with measure.server(10) as base, octo.Octo(TOKEN, base_url=base) as gh:
        calls = {"rest": lambda: gh.repos.get(OWNER, REPO).data["full_name"],
                 "graphql": lambda: gh.graphql(QUERY, owner=OWNER, name=REPO)["repository"]["full_name"]}
        samples: dict[str, list[float]] = {k: [] for k in calls}
        for call in calls.values():
            call()  # warm: connection, route caches
        for _ in range(args.rounds):
            for key, call in calls.items():
                samples[key].append(per_call(call, args.calls))
    for key, values in samples.items():
        print(f"{key:8} {statistics.median(values) * 1e6:7.0f} µs CPU per call "
              f"(min {min(values) * 1e6:.0f}, {args.rounds} rounds of {args.calls})")


if __name__ == "__main__":
    main()
