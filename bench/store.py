"""What a shared store costs per call: one `repos.get` by a client with no
store (the default), with a `MemoryStore`, and with a `RedisStore` on a
local redis-server (pacing off: its waits are the point, not a cost); by
`Octo`, and by `AsyncOcto` (kinds ending in `_async`) on one event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from bench.peers import OWNER, REPO, TOKEN

STORES = ("none", "memory", "redis")
KINDS = (*STORES, *(f"{s}_async" for s in STORES))


def unit(kind: str, base: str, redis_url: str) -> tuple[Callable[[], str], Callable[[], None]]:
    import octo

    name, _, flavour = kind.partition("_")
    store: Any = {"none": None, "memory": octo.MemoryStore(),
                  "redis": octo.RedisStore(redis_url, write_interval=0)}[name]
    if not flavour:
        client = octo.Octo(TOKEN, base_url=base, user_agent="octo-bench", store=store)
        return lambda: f"{OWNER}/{REPO}" if client.repos.get(OWNER, REPO).status == 200 else "", client.close
    loop = asyncio.new_event_loop()
    aclient = octo.AsyncOcto(TOKEN, base_url=base, user_agent="octo-bench", store=store)

    async def get() -> str:
        return f"{OWNER}/{REPO}" if (await aclient.repos.get(OWNER, REPO)).status == 200 else ""

    def close() -> None:
        loop.run_until_complete(aclient.aclose())
        loop.close()

    return lambda: loop.run_until_complete(get()), close


def measure(base: str, rounds: int, round_seconds: float) -> dict[str, Any]:
    from bench import measure as runner
    from bench.redis_server import RedisServer

    redis = RedisServer()
    redis.start()
    try:
        workers, failed = runner.start_workers({k: ["store", k, base, redis.url] for k in KINDS})
        try:
            cpu, wall, units = runner.interleaved(workers, rounds, round_seconds, 2000)
        finally:
            for worker in workers.values():
                worker.close()
    finally:
        redis.stop()
    return {"cpu": cpu, "wall": wall, "units": units, "unavailable": failed}
