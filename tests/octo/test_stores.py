"""Many processes, one budget: `RedisStore` on a real redis-server, with
several OS processes (spawned) against a loopback GitHub."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import redis as redis_client
import store_workers
from conftest import SENTINEL
from cryptography.fernet import Fernet
from keys import APP_KEY_PEM
from server import Recorded, Reply, ScriptedServer

import octo
from bench.redis_server import RedisServer
from octo.core.retry import Retrier

CTX = multiprocessing.get_context("spawn")
OTHER = "octo_test_other_token_fedcba9876543210"


@pytest.fixture
def redis() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    yield server
    server.stop()


class GitHub:
    """A loopback GitHub that stamps when each request arrived and mints
    installation tokens, counting the mints."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[float, Recorded]] = []
        self.mints: list[str] = []
        self.answer = lambda request: Reply(200, json={"ok": True}, headers=_left(4999))
        self._lock = threading.Lock()
        self.server = ScriptedServer(self._handle)

    def _handle(self, request: Recorded) -> Reply:
        with self._lock:
            self.arrivals.append((time.time(), request))
        if request.route.endswith("/access_tokens"):
            with self._lock:
                token = f"ghs_minted{len(self.mints)}{request.route.split('/')[3]}abcdefghij"
                self.mints.append(token)
            expires = datetime.fromtimestamp(time.time() + 3600, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            return Reply(201, json={"token": token, "expires_at": expires}, delay=0.3)
        return self.answer(request)

    def times(self, route: str) -> list[float]:
        return sorted(t for t, r in self.arrivals if r.route == route)


@pytest.fixture
def github() -> Iterator[GitHub]:
    hub = GitHub()
    with hub.server:
        yield hub


@pytest.fixture(scope="module")
def pem() -> str:
    return APP_KEY_PEM


def _left(remaining: int, reset: int | None = None) -> dict[str, str | None]:
    return {"x-ratelimit-remaining": str(remaining), "x-ratelimit-limit": "5000",
            "x-ratelimit-used": str(5000 - remaining), "x-ratelimit-resource": "core",
            "x-ratelimit-reset": str(reset or int(time.time()) + 3600)}


class Fleet:
    """Spawned worker processes, each waiting for its start event."""

    def __init__(self, specs: list[dict[str, Any]]) -> None:
        self.results: Any = CTX.Queue()
        self.readies = {spec["name"]: CTX.Event() for spec in specs}
        self.starts = {spec["name"]: CTX.Event() for spec in specs}
        self.processes = [CTX.Process(target=store_workers.run, args=(
            spec, self.readies[spec["name"]], self.starts[spec["name"]], self.results)) for spec in specs]
        for process in self.processes:
            process.start()

    def start(self, *names: str) -> float:
        """Start the workers `names` (all if none) at once, when each has its
        client; the time they were started."""
        chosen = names or tuple(self.starts)
        for name in chosen:
            assert self.readies[name].wait(30), f"worker {name} never got ready"
        started = time.time()
        for name in chosen:
            self.starts[name].set()
        return started

    def collect(self, count: int | None = None, timeout: float = 40) -> dict[str, tuple[list[Any], list[Any]]]:
        found = {}
        for _ in range(count or len(self.processes)):
            name, outcomes, lines = self.results.get(timeout=timeout)
            found[name] = (outcomes, lines)
        return found

    def close(self) -> None:
        for process in self.processes:
            process.join(10)
            if process.is_alive():
                process.kill()


@pytest.fixture
def fleets() -> Iterator[list[Fleet]]:
    made: list[Fleet] = []
    yield made
    for fleet in made:
        fleet.close()


def spec(name: str, github: GitHub, redis: RedisServer, calls: list[tuple[str, str]], **extra: Any) -> dict[str, Any]:
    return {"name": name, "base": github.server.url, "redis": redis.url, "token": SENTINEL, "calls": calls,
            **extra}


def wait_for(condition: Any, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.mark.other_processes
def test_a_bucket_used_up_in_one_process_holds_the_others_until_its_reset(
        redis: RedisServer, github: GitHub, fleets: list[Fleet], client_kind: str) -> None:
    """A is always an `Octo`; B and C are the run's client (AsyncOcto in [async])."""
    resets: list[int] = []

    def answer(request: Recorded) -> Reply:
        if not resets:
            resets.append(int(time.time()) + 1)
            return Reply(403, json={"message": "API rate limit exceeded"}, headers=_left(0, resets[0]))
        return Reply(200, json={}, headers=_left(4999, resets[0] + 3600))
    github.answer = answer
    calls = [("GET", "/repos/o/r")]
    fleets.append(fleet := Fleet([spec("A", github, redis, calls, retries=0),
                                  spec("B", github, redis, calls, client=client_kind),
                                  spec("C", github, redis, calls, client=client_kind)]))
    fleet.start("A")
    assert fleet.collect(1)["A"][0] == ["PrimaryRateLimitError"]
    fleet.start("B", "C")
    done = fleet.collect(2)
    assert done["B"][0] == done["C"][0] == [200]
    held = github.times("/repos/o/r")[1:]
    # The window is held until its reset plus octo's one second of margin.
    assert len(held) == 2 and min(held) >= resets[0] + 1 - 0.05


@pytest.mark.other_processes
def test_one_secondary_limit_answer_pauses_every_process_for_its_retry_after(
        redis: RedisServer, github: GitHub, fleets: list[Fleet], client_kind: str) -> None:
    hit: list[float] = []

    def answer(request: Recorded) -> Reply:
        if not hit:
            hit.append(time.time())
            return Reply(403, json={"message": "You have exceeded a secondary rate limit."},
                         headers={"retry-after": "2"})
        return Reply(200, json={}, headers=_left(4999))
    github.answer = answer
    calls = [("GET", "/repos/o/r")]
    fleets.append(fleet := Fleet([spec(name, github, redis, calls, client=client_kind) for name in "ABC"]))
    fleet.start("A")
    paused = redis_client.Redis.from_url(redis.url)
    wait_for(lambda: paused.keys("test:*:p"))
    fleet.start("B", "C")
    done = fleet.collect()
    assert [done[name][0] for name in "ABC"] == [[200], [200], [200]]
    later = github.times("/repos/o/r")[1:]
    assert len(later) == 3 and min(later) >= hit[0] + 2 - 0.05


@pytest.mark.other_processes
def test_eight_processes_needing_an_installation_token_cause_one_mint(
        redis: RedisServer, github: GitHub, fleets: list[Fleet], pem: str, client_kind: str) -> None:
    """In [async], half the fleet are AsyncOcto processes: one mint all the same."""
    key = Fernet.generate_key().decode()
    calls = [("GET", "/repos/o/r")]
    fleets.append(fleet := Fleet([spec(str(n), github, redis, calls, app_id=1, pem=pem, key=key,
                                       client=client_kind if n % 2 else "sync") for n in range(8)]))
    fleet.start()
    done = fleet.collect()
    assert all(outcomes == [200] for outcomes, _ in done.values())
    assert len(github.mints) == 1
    used = {r.headers["authorization"] for _, r in github.arrivals if r.route == "/repos/o/r"}
    assert used == {f"Bearer {github.mints[0]}"}
    assert not [line for _, lines in done.values() for line in lines if github.mints[0] in line[1]]
    # At rest the token is encrypted: no key or value shows it.
    stored = redis_client.Redis.from_url(redis.url)
    assert not [k for k in stored.keys("*") if github.mints[0].encode() in k + (stored.get(k) or b"")]


@pytest.mark.other_processes
def test_without_an_encryption_key_each_process_mints_its_own(
        redis: RedisServer, github: GitHub, fleets: list[Fleet], pem: str) -> None:
    calls = [("GET", "/repos/o/r")]
    fleets.append(fleet := Fleet([spec(str(n), github, redis, calls, app_id=1, pem=pem) for n in range(2)]))
    fleet.start()
    assert all(outcomes == [200] for outcomes, _ in fleet.collect().values())
    assert len(github.mints) == 2


@pytest.mark.other_processes
def test_mutative_calls_from_four_processes_are_spaced_as_configured(
        redis: RedisServer, github: GitHub, fleets: list[Fleet], client_kind: str) -> None:
    interval = 0.25
    calls = [("POST", "/repos/o/r/issues"), ("GET", "/repos/o/r"), ("POST", "/repos/o/r/issues")]
    fleets.append(fleet := Fleet([spec(str(n), github, redis, calls, write_interval=interval, client=client_kind)
                                  for n in range(4)]))
    started = fleet.start()
    assert all(outcomes == [200, 200, 200] for outcomes, _ in fleet.collect().values())
    writes = github.times("/repos/o/r/issues")
    assert len(writes) == 8
    # Measured at the server: the k-th write arrived no sooner than k intervals
    # after the start (a sender the machine ran late can only arrive later).
    early = [(k, t - started) for k, t in enumerate(writes) if t < started + k * interval - 0.02]
    assert not early, early
    # Reads are not paced: all four were answered before the writes were done.
    assert max(github.times("/repos/o/r")) < writes[-1]


@pytest.mark.other_processes
def test_redis_killed_and_restarted_mid_run_every_call_completes_once_and_sharing_resumes(
        redis: RedisServer, github: GitHub, fleets: list[Fleet], client_kind: str) -> None:
    calls = [("GET", f"/repos/o/r/issues/{n}") for n in range(30)] + [("POST", "/repos/o/r/issues")]
    fleets.append(fleet := Fleet([spec(name, github, redis, calls, pause=0.08, write_interval=0.1,
                                       client=client_kind) for name in "AB"]))
    fleet.start()
    wait_for(lambda: len(github.arrivals) >= 6)
    redis.stop()
    time.sleep(0.6)
    redis.start()
    done = fleet.collect()
    for outcomes, lines in done.values():
        assert outcomes == [200] * 31
        warnings = [text for level, text in lines if level == "WARNING"]
        assert len(warnings) == 1 and "unavailable" in warnings[0]
        assert [text for level, text in lines if level == "INFO" and "is back" in text]
    sent = [r.route for _, r in github.arrivals]
    assert sorted(sent) == sorted(route for _, route in calls * 2)  # nothing lost, nothing twice
    # The last writes were paced on the restarted server again.
    assert redis_client.Redis.from_url(redis.url).keys("test:*:n")


@pytest.mark.other_processes
def test_two_credentials_on_one_redis_never_share_state_or_tokens(
        redis: RedisServer, github: GitHub, fleets: list[Fleet], pem: str) -> None:
    reset = int(time.time()) + 30

    def answer(request: Recorded) -> Reply:
        if request.headers.get("authorization") == f"Bearer {SENTINEL}":
            return Reply(403, json={"message": "API rate limit exceeded"}, headers=_left(0, reset))
        return Reply(200, json={}, headers=_left(4999))
    github.answer = answer
    key = Fernet.generate_key().decode()
    calls = [("GET", "/repos/o/r")]
    fleets.append(fleet := Fleet([
        spec("used-up", github, redis, calls, retries=0),
        spec("other-token", github, redis, calls, token=OTHER),
        spec("app-1", github, redis, calls, app_id=1, pem=pem, key=key),
        spec("app-2", github, redis, calls, app_id=2, pem=pem, key=key)]))
    fleet.start("used-up")
    assert fleet.collect(1)["used-up"][0] == ["PrimaryRateLimitError"]
    started = fleet.start()
    done = fleet.collect(3)
    assert [done[name][0] for name in ("other-token", "app-1", "app-2")] == [[200], [200], [200]]
    assert time.time() - started < 10  # none waited for the other credential's reset
    assert len(github.mints) == 2
    tokens = {r.headers["authorization"] for _, r in github.arrivals if r.route == "/repos/o/r"}
    assert tokens == {f"Bearer {SENTINEL}", f"Bearer {OTHER}", *(f"Bearer {t}" for t in github.mints)}
    stored = redis_client.Redis.from_url(redis.url)
    for name in stored.keys("*"):
        text = name + (stored.get(name) or b"" if stored.type(name) == b"string" else b"")
        assert SENTINEL.encode() not in text and OTHER.encode() not in text
        assert not any(t.encode() in text for t in github.mints)


def test_a_frozen_redis_costs_one_timeout_and_one_warning_then_calls_go_on_alone(
        redis: RedisServer, server: ScriptedServer, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(octo.core.retry.Retrier, "clock", time.time)  # the store's windows are in real time
    gh = octo.Octo(SENTINEL, base_url=server.url, store=octo.RedisStore(redis.url, timeout=0.2))
    assert gh.request("GET /repos/o/r").status == 200
    redis.freeze()
    try:
        with caplog.at_level(logging.INFO, logger="octo"):
            started = time.monotonic()
            statuses = [gh.request("GET /repos/o/r").status for _ in range(10)]
            elapsed = time.monotonic() - started
    finally:
        redis.thaw()
    assert statuses == [200] * 10 and len(server.requests) == 11
    assert elapsed < 1.5  # one timeout of 0.2 s, not one per call (2 s)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "unavailable" in warnings[0].getMessage()
    assert SENTINEL not in caplog.text


@pytest.mark.sync_only("drives octo.AsyncOcto itself, to watch its event loop")
def test_a_frozen_redis_never_stalls_async_octos_event_loop_nor_raises(
        redis: RedisServer, server: ScriptedServer, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(octo.core.retry.Retrier, "clock", time.time)  # the store's windows are in real time
    timeout = 0.5

    async def main() -> tuple[list[int], float, float]:
        async with octo.AsyncOcto(SENTINEL, base_url=server.url,
                                  store=octo.RedisStore(redis.url, timeout=timeout)) as gh:
            assert (await gh.request("GET /repos/o/r")).status == 200
            redis.freeze()
            gaps = [0.0]
            running = True

            async def ticker() -> None:
                last = time.monotonic()
                while running:
                    await asyncio.sleep(0.01)
                    now = time.monotonic()
                    gaps.append(now - last)
                    last = now

            ticks = asyncio.create_task(ticker())
            started = time.monotonic()
            statuses = [r.status for r in await asyncio.gather(*(gh.request("GET /repos/o/r") for _ in range(8)))]
            statuses += [(await gh.request("GET /repos/o/r")).status for _ in range(4)]
            elapsed = time.monotonic() - started
            running = False
            await ticks
            return statuses, max(gaps), elapsed

    try:
        with caplog.at_level(logging.INFO, logger="octo"):
            statuses, longest_gap, elapsed = asyncio.run(main())
    finally:
        redis.thaw()
    assert statuses == [200] * 12 and len(server.requests) == 13
    # The loop went on while the store calls waited out their timeout in threads.
    assert longest_gap < timeout / 2, longest_gap
    assert elapsed < 3 * timeout  # one timeout for the outage, not one per call
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "unavailable" in warnings[0].getMessage()
    assert SENTINEL not in caplog.text


@pytest.mark.sync_only("drives octo.AsyncOcto itself, before and after a fork")
# Python 3.12+ warns of forking a process that has threads: that process is this test's subject.
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_an_async_client_with_a_redis_store_works_in_a_forked_child(
        redis: RedisServer, server: ScriptedServer) -> None:
    # A prefork server (gunicorn --preload, Celery, multiprocessing's fork) forks a
    # process that has used octo: the store's worker threads are not in the child.
    async def status() -> int:
        async with octo.AsyncOcto(SENTINEL, base_url=server.url, store=octo.RedisStore(redis.url)) as gh:
            return (await gh.request("GET /repos/o/r")).status

    assert asyncio.run(status()) == 200
    child = os.fork()
    if child == 0:  # pragma: no cover (the child's outcome is its exit status)
        try:
            signal.alarm(10)  # a child that hangs ends itself
            os._exit(0 if asyncio.run(status()) == 200 else 1)
        finally:
            os._exit(2)
    deadline = time.monotonic() + 20
    while (done := os.waitpid(child, os.WNOHANG))[0] == 0:
        if time.monotonic() > deadline:
            os.kill(child, signal.SIGKILL)
            os.waitpid(child, 0)
            pytest.fail("the forked child's call never finished")
        time.sleep(0.02)
    assert os.waitstatus_to_exitcode(done[1]) == 0
    assert len(server.requests) == 2


def test_the_etag_cache_on_redis_serves_another_process_from_the_shared_entry(
        redis: RedisServer, server: ScriptedServer) -> None:
    server.queue(Reply(200, json={"n": 1}, headers={"etag": '"v1"'}), Reply(304, headers={"etag": '"v1"'}))
    key = Fernet.generate_key()
    first = octo.Octo(SENTINEL, base_url=server.url, cache=True,
                      store=octo.RedisStore(redis.url, encryption_key=key))
    second = octo.Octo(SENTINEL, base_url=server.url, cache=True,
                       store=octo.RedisStore(redis.url, encryption_key=key))
    assert first.request("GET /repos/o/r").data == {"n": 1}
    assert second.request("GET /repos/o/r").data == {"n": 1}
    assert server.requests[1].headers.get("if-none-match") == '"v1"'
    # Another credential gets no entry of this one's.
    other = octo.Octo(OTHER, base_url=server.url, cache=True,
                      store=octo.RedisStore(redis.url, encryption_key=key))
    other.request("GET /repos/o/r")
    assert "if-none-match" not in server.requests[2].headers


@pytest.fixture(params=["memory", "redis"])
def store(request: pytest.FixtureRequest, redis: RedisServer) -> octo.Store:
    if request.param == "memory":
        return octo.MemoryStore(write_interval=1.0)
    return octo.RedisStore(redis.url, encryption_key=Fernet.generate_key())


def test_a_stale_answer_never_moves_a_shared_reset_back_and_only_a_newer_one_releases_it(
        store: octo.Store) -> None:
    from octo.stores.shared import Window, merged_window

    late = Window(time.time() + 100, int(time.time()) + 99, 5000)
    store.update_window("s", "core", lambda current: merged_window(current, late))
    stale = Window(time.time() + 50, int(time.time()) + 49, 5000)  # sent before, read after
    store.update_window("s", "core", lambda current: merged_window(current, stale))
    assert store.admit("s", "core", False).window == late
    store.release_window("s", "core", late.reset, 4990)  # same window, less used: older
    assert store.admit("s", "core", False).window == late
    store.release_window("s", "core", late.reset + 3600, 1)  # the next window
    assert store.admit("s", "core", False).window is None
    assert store.admit("other", "core", False).window is None


def test_a_newer_answer_of_the_same_window_raises_the_shared_count_and_more_used_releases_it(
        store: octo.Store) -> None:
    from octo.stores.shared import Window, merged_window

    reset = int(time.time()) + 99
    first, more = Window(reset + 1, reset, 10), Window(reset + 1, reset, 20)
    store.update_window("s", "core", lambda current: merged_window(current, first))
    store.update_window("s", "core", lambda current: merged_window(current, more))
    later = Window(reset + 3601, reset + 3600, 1)  # the next window, used up at once
    store.update_window("s", "core", lambda current: merged_window(current, later))
    assert store.admit("s", "core", False).window == later
    store.update_window("t", "core", lambda current: merged_window(current, first))
    store.update_window("t", "core", lambda current: merged_window(current, more))
    store.release_window("t", "core", reset, 15)  # sent before the answer that showed 20
    assert store.admit("t", "core", False).window == more
    store.release_window("t", "core", reset, 21)  # the same window, more used: after it
    assert store.admit("t", "core", False).window is None


def test_a_shorter_pause_never_cuts_a_longer_one(store: octo.Store) -> None:
    now = time.time()
    store.pause("s", now + 100)
    store.pause("s", now + 10)
    assert store.admit("s", "core", False).paused_until == pytest.approx(now + 100, abs=0.01)
    store.pause("s", now + 200)
    assert store.admit("s", "core", False).paused_until == pytest.approx(now + 200, abs=0.01)


def test_ending_a_lease_or_dropping_a_token_that_is_not_there_is_harmless(store: octo.Store) -> None:
    store.done("never-admitted", "no-lease")
    store.drop_token("no-token-here", "ghs_x")
    assert store.load_token("no-token-here") is None


def test_a_memory_store_shows_its_pacing_even_half_built() -> None:
    assert repr(octo.MemoryStore(write_interval=1.5)) == "<MemoryStore write_interval=1.5>"
    assert repr(octo.MemoryStore.__new__(octo.MemoryStore)) == "<MemoryStore write_interval=?>"


def test_writes_get_slots_an_interval_apart_and_reads_none(store: octo.Store) -> None:
    waits = [store.admit("s", "core", True).slot_wait for _ in range(3)]
    assert waits[0] == pytest.approx(0, abs=0.05)
    assert waits[1] == pytest.approx(1, abs=0.05) and waits[2] == pytest.approx(2, abs=0.05)
    assert store.admit("s", "core", False).slot_wait is None
    assert store.admit("other", "core", True).slot_wait == pytest.approx(0, abs=0.05)


def test_the_mint_lock_is_held_by_one_owner_and_frees_itself_when_its_holder_dies(store: octo.Store) -> None:
    owner = store.lock("s", 0.3)
    assert owner is not None and store.lock("s", 0.3) is None
    store.unlock("s", "not-the-owner")
    assert store.lock("s", 0.3) is None
    time.sleep(0.35)  # the holder never unlocked
    assert store.lock("s", 0.3) is not None


def test_a_shared_token_is_dropped_only_for_that_very_token(store: octo.Store) -> None:
    # A process that heard a 401 for the old token must not drop the one another process just minted.
    minted = time.time()
    store.save_token("s", "ghs_new", minted, minted + 3600)
    store.drop_token("s", "ghs_old")
    assert store.load_token("s") == ("ghs_new", minted, minted + 3600)
    store.drop_token("s", "ghs_new")
    assert store.load_token("s") is None


def test_the_concurrency_cap_admits_that_many_calls_at_once(redis: RedisServer) -> None:
    store = octo.RedisStore(redis.url, max_concurrent=2)
    first, second, third = (store.admit("s", "core", False) for _ in range(3))
    assert first.lease and second.lease and third.lease == ""
    store.done("s", first.lease)
    assert store.admit("s", "core", False).lease


def test_bad_store_settings_are_refused_by_name_without_echoing_secrets(redis: RedisServer) -> None:
    with pytest.raises(ValueError, match="encryption_key is not a Fernet key") as caught:
        octo.RedisStore(redis.url, encryption_key=SENTINEL)
    assert SENTINEL not in str(caught.value) and caught.value.__context__ is None
    with pytest.raises(ValueError, match="redis://"):
        octo.RedisStore(f"http://user:{SENTINEL}@host/")
    with pytest.raises(ValueError, match="write_interval"):
        octo.RedisStore(redis.url, write_interval=-1)
    with pytest.raises(ValueError, match="max_concurrent"):
        octo.MemoryStore(max_concurrent=0)
    with pytest.raises(TypeError, match="store must be"):
        octo.Octo(store="redis://localhost")  # type: ignore[arg-type]
    shown = repr(octo.RedisStore(f"redis://:{SENTINEL}@127.0.0.1:{redis.port}/0"))
    assert SENTINEL not in shown and "127.0.0.1" in shown


def test_from_env_uses_octo_redis_url(redis: RedisServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OCTO_REDIS_URL", redis.url)
    assert isinstance(octo.Octo.from_env()._retry.shared.store, octo.RedisStore)  # type: ignore[union-attr]
    monkeypatch.delenv("OCTO_REDIS_URL")
    assert octo.Octo.from_env()._retry.shared is None


def test_without_a_store_or_with_a_plain_memory_store_no_write_waits(
        server: ScriptedServer, fake_clock: Any) -> None:
    for store in (None, octo.MemoryStore()):
        gh = octo.Octo(SENTINEL, base_url=server.url, store=store)
        for _ in range(3):
            gh.request("POST /repos/o/r/issues")
    assert fake_clock.sleeps == [] and len(server.requests) == 6


def test_a_memory_store_paces_the_writes_of_the_clients_sharing_it(
        server: ScriptedServer, fake_clock: Any) -> None:
    store = octo.MemoryStore(write_interval=1.0, clock=fake_clock.time)
    a, b = (octo.Octo(SENTINEL, base_url=server.url, store=store) for _ in range(2))
    for gh in (a, b, a):
        gh.request("POST /repos/o/r/issues")
    a.request("GET /repos/o/r")
    assert fake_clock.sleeps == [1.0, 1.0]


def test_user_auth_clients_share_a_store_by_grant_and_two_grants_never_do(
        server: ScriptedServer, fake_clock: Any) -> None:
    store = octo.MemoryStore(write_interval=1.0, clock=fake_clock.time)

    def user(grant: str) -> octo.Octo:
        auth = octo.UserAuth("Iv1.client", SENTINEL, refresh_token=f"ghr_{grant}_{SENTINEL}",
                             token=octo.OAuthToken(f"ghu_{grant}_{SENTINEL}", expires_at=None))
        return octo.Octo(auth=auth, base_url=server.url, store=store)

    one, same, other = user("a"), user("a"), user("b")
    for gh in (one, same):
        gh.request("POST /repos/o/r/issues")
    assert fake_clock.sleeps == [1.0]  # one grant: one pace across both clients
    other.request("POST /repos/o/r/issues")
    assert fake_clock.sleeps == [1.0] and len(server.requests) == 3


# -- in this process: the same sharing, seen from two clients of one test ----------


def test_two_app_clients_on_one_redis_use_one_token_and_a_revoked_one_is_minted_once_again(
        redis: RedisServer, github: GitHub, pem: str) -> None:
    key = Fernet.generate_key()
    now = [time.time()]

    def app_client() -> octo.Octo:  # each with its own connection, as in another process
        return octo.Octo(auth=octo.AppAuth(1, pem, installation_id=42, clock=lambda: now[0]),
                         base_url=github.server.url,
                         store=octo.RedisStore(redis.url, namespace="test", encryption_key=key))
    first, second = app_client(), app_client()
    assert first.request("GET /repos/o/r").status == second.request("GET /repos/o/r").status == 200
    assert len(github.mints) == 1
    now[0] += 60  # long after the mint: a 401 now means the token was revoked, not GitHub's lag
    revoked = github.mints[0]
    github.answer = lambda request: (
        Reply(401, json={"message": "Bad credentials"}) if request.headers["authorization"] == f"Bearer {revoked}"
        else Reply(200, json={}, headers=_left(4999)))
    # The first to hear the 401 drops the token from the store and mints; the other takes the new one.
    assert first.request("GET /repos/o/r").status == second.request("GET /repos/o/r").status == 200
    assert len(github.mints) == 2
    last = [r.headers["authorization"] for _, r in github.arrivals if r.route == "/repos/o/r"][-1]
    assert last == f"Bearer {github.mints[1]}"


def test_a_window_another_client_saw_used_up_is_refused_unsent_beyond_max_rate_limit_wait(
        store: octo.Store, server: ScriptedServer, fake_clock: Any) -> None:
    reset = int(fake_clock.now) + 100
    server.queue(Reply(403, json={"message": "API rate limit exceeded"},
                       headers={**_left(0, reset), "x-ratelimit-used": "5000"}))
    with pytest.raises(octo.PrimaryRateLimitError):
        octo.Octo(SENTINEL, base_url=server.url, store=store, retries=0).request("GET /repos/o/r")
    other = octo.Octo(SENTINEL, base_url=server.url, store=store, max_rate_limit_wait=10)
    with pytest.raises(octo.PrimaryRateLimitError, match="not sent; rate limit 'core' used up until .* "
                       r"\(seen by another process sharing the store\)") as caught:
        other.request("GET /repos/o/r")
    assert len(server.requests) == 1 and fake_clock.sleeps == []
    limit = caught.value.rate_limit
    assert (limit.remaining, limit.reset, limit.resource, limit.used) == (0, reset, "core", 5000)


@pytest.mark.sync_only("the second client calls from inside the first one's wait, which needs a blocking client")
def test_a_secondary_limit_pause_holds_back_the_other_clients_of_the_store_for_as_long(
        store: octo.Store, server: ScriptedServer, fake_clock: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    server.queue(Reply(403, json={"message": "You have exceeded a secondary rate limit."},
                       headers={"retry-after": "30"}), Reply(200, json={}), Reply(200, json={}))
    first, second = (octo.Octo(SENTINEL, base_url=server.url, store=store, max_rate_limit_wait=60)
                     for _ in range(2))
    sleep, during = fake_clock.sleep, []

    def first_waits(seconds: float) -> None:
        if not during:  # the first client's wait: the second calls meanwhile
            during.append(fake_clock.now)
            assert second.request("GET /repos/o/r").status == 200
        sleep(seconds)
    monkeypatch.setattr(Retrier, "sleep", staticmethod(first_waits))
    assert first.request("GET /repos/o/r").status == 200
    assert len(fake_clock.sleeps) == 2 and fake_clock.sleeps[0] >= 30
    assert fake_clock.sleeps[1] == pytest.approx(fake_clock.sleeps[0])  # the pause ends for both at once
    assert len(server.requests) == 3


def test_a_concurrency_slot_comes_back_after_each_call_answered_or_failed(
        server: ScriptedServer, fake_clock: Any) -> None:
    store = octo.MemoryStore(max_concurrent=1, clock=fake_clock.time)
    a, b = (octo.Octo(SENTINEL, base_url=server.url, store=store, retries=0) for _ in range(2))
    server.queue(Reply(200, json={}), Reply(500, json={"message": "boom"}), Reply(200, json={}))
    a.request("GET /repos/o/r")
    with pytest.raises(octo.ServerError):
        b.request("GET /repos/o/r")
    a.request("GET /repos/o/r")
    assert fake_clock.sleeps == [] and len(server.requests) == 3
